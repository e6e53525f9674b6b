"""Membership explorer: per body, the rule in words, the outcome at a date, the tally distribution,
veto players and pivotal members, power indices, what-if toggles against the baseline, and the
admission probability over time. Every number comes from :mod:`dialoguelab.membership`.
"""

from __future__ import annotations

__all__ = ["router", "WhatIf", "scenario_from_toggles"]

from dataclasses import dataclass
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from pydantic import StringConstraints

from dialoguelab.errors import CaseError
from dialoguelab.membership.api import (
    Scenario,
    UnknownStateCodeError,
    admission_probability,
    body_power,
    body_rules,
    compare,
    explorer_view,
    outcome,
    series,
    what_if_scenario,
)
from dialoguelab.membership.views import OUTCOME_TITLE, PROBABILITY_TITLE, body_headlines, probability_condition
from dialoguelab.web.deps import CaseDep
from dialoguelab.web.params import DayParam, FormatParam
from dialoguelab.web.render import render_page
from dialoguelab.web.routes._models import CSV, Table
from dialoguelab.web.tables import csv_response, frame_records, jsonable, table_payload, wants_csv

router = APIRouter(tags=["membership"])

ISO_LIST = r"^([A-Za-z]{3}(,[A-Za-z]{3}){0,49})?$"

BodyParam = Annotated[str, Query(min_length=2, max_length=40, pattern=r"^[A-Za-z][A-Za-z0-9 _.\-]*$",
                                 description="body id or alias (UN, NATO, EU, OSCE, CoE, UNESCO, …)",
                                 examples=["un"])]
PositionParam = Annotated[
    str | None,
    Query(min_length=2, max_length=40, pattern=r"^[a-z0-9][a-z0-9_.\-]*$",
          description="whose view of disputed withdrawals to use: one of the case's positions "
          "(the applicant's keeps disputed withdrawals, the objector's applies them); default the applicant's"),
]


IsoCodes = Annotated[str, StringConstraints(max_length=200, pattern=ISO_LIST)]


def _iso_list(description: str) -> Any:
    return Query(max_length=10, description=description + "; repeat the parameter or separate codes by commas")


@dataclass(frozen=True)
class WhatIf:
    """The what-if toggles of the explorer, as given in the query string."""

    recognize: tuple[str, ...] = ()
    withdraw: tuple[str, ...] = ()
    abstain: tuple[str, ...] = ()
    objector_drops: bool = False

    def codes(self, field: str) -> list[str]:
        """The ISO codes given for ``field`` (repeated parameters and comma lists), upper-cased, unique."""
        out: list[str] = []
        for value in getattr(self, field):
            for c in value.split(","):
                c = c.strip().upper()
                if c and c not in out:
                    out.append(c)
        return out

    @property
    def active(self) -> bool:
        return bool(self.codes("recognize") or self.codes("withdraw") or self.codes("abstain") or self.objector_drops)

    def query(self) -> dict[str, str]:
        out = {k: ",".join(self.codes(k)) for k in ("recognize", "withdraw", "abstain") if self.codes(k)}
        if self.objector_drops:
            out["objector_drops"] = "true"
        return out


def what_if(
    recognize: Annotated[list[IsoCodes] | None, _iso_list("ISO codes of states that recognise the applicant")] = None,
    withdraw: Annotated[list[IsoCodes] | None, _iso_list("ISO codes of states that withdraw recognition")] = None,
    abstain: Annotated[list[IsoCodes] | None, _iso_list("ISO codes of states that abstain in every vote")] = None,
    objector_drops: Annotated[bool, Query(description="the case's objector drops its objection (scenario)")] = False,
) -> WhatIf:
    """The toggles; each list parameter may be repeated or comma-separated (at most 10 values)."""
    return WhatIf(tuple(recognize or ()), tuple(withdraw or ()), tuple(abstain or ()), objector_drops)


WhatIfDep = Annotated[WhatIf, Depends(what_if)]


def scenario_from_toggles(case: Any, toggles: WhatIf) -> Scenario | None:
    """The :class:`Scenario` the toggles describe (``None`` for the baseline), from
    :func:`dialoguelab.membership.api.what_if_scenario`.

    Unknown state codes are a 422 naming the parameter.
    """
    if not toggles.active:
        return None
    try:
        return what_if_scenario(case, recognize=toggles.recognize, withdraw=toggles.withdraw,
                                abstain=toggles.abstain, objector_drops=toggles.objector_drops)
    except UnknownStateCodeError as exc:
        raise RequestValidationError(
            [{"loc": ("query", exc.parameter), "msg": str(exc), "type": "value_error"}]
        ) from None


def _outcome_dict(case: Any, body: str, date: str | None, position: str | None,
                  scenario: Scenario | None) -> dict[str, Any]:
    return jsonable(outcome(case, body, date or None, scenario=scenario, position=position).to_dict())


def _admission_dict(case: Any, body: str, date: str | None, position: str | None,
                    scenario: Scenario | None) -> dict[str, Any]:
    return jsonable(admission_probability(case, body, date or None, scenario=scenario, position=position))


@router.get("/api/v1/membership/bodies", summary="The bodies, their admission stages and rules in words")
def api_bodies(case: CaseDep) -> list[dict[str, Any]]:
    """Each body with its stages: the organ, the rule in words, its legal basis and its sources."""
    return _bodies(case)


def _bodies(case: Any) -> list[dict[str, Any]]:
    return jsonable(body_rules(case))


@router.get("/api/v1/membership/outcome", summary="A body's outcome for the applicant on a day (and under toggles)")
def api_outcome(case: CaseDep, body: BodyParam, toggles: WhatIfDep, date: DayParam = None,
                position: PositionParam = None) -> dict[str, Any]:
    """Stages with tallies and arithmetic, veto players, who blocks, pivotal members, smallest flipping set."""
    return _outcome_dict(case, body, date, position, scenario_from_toggles(case, toggles))


@router.get("/api/v1/membership/admission", summary="Exact admission probability and tally distributions")
def api_admission(case: CaseDep, body: BodyParam, toggles: WhatIfDep, date: DayParam = None,
                  position: PositionParam = None) -> dict[str, Any]:
    """Probability of admission under the calibrated vote model; each stage's yes/no distribution."""
    return _admission_dict(case, body, date, position, scenario_from_toggles(case, toggles))


@router.get("/api/v1/membership/headlines",
            summary="Every body's two answers: the outcome on declared positions and the vote model's probability")
def api_headlines(case: CaseDep, toggles: WhatIfDep, date: DayParam = None,
                  position: PositionParam = None) -> dict[str, Any]:
    """``bodies``: per body the outcome if every member votes as its recognition and declared stance say
    (``passed``, ``outcome``, ``why``, ``blocking``, ``short``) and the probability under the vote model
    (``probability``, ``probability_basis``, ``probability_label``); ``condition``: what the probabilities
    are conditional on (the roll calls the model is calibrated on, or that it is not). The same answers as
    the overview, the membership page, the report and the CLI."""
    scen = scenario_from_toggles(case, toggles)
    return jsonable({
        "titles": {"outcome": OUTCOME_TITLE, "probability": PROBABILITY_TITLE},
        "condition": probability_condition(case, position),
        "bodies": body_headlines(case, date or None, position=position, scenario=scen),
    })


@router.get("/api/v1/membership/compare", response_model=Table, responses=CSV,
            summary="Every body: baseline against the what-if scenario")
def api_compare(case: CaseDep, toggles: WhatIfDep, date: DayParam = None, position: PositionParam = None,
                format: FormatParam = "json") -> Any:
    """Outcome, blockers and admission probability of every body, baseline beside scenario."""
    scen = scenario_from_toggles(case, toggles) or Scenario(name="baseline")
    df = compare(case, scen, date or None, position=position)
    return csv_response(df, "compare.csv") if wants_csv(format) else table_payload(df)


@router.get("/api/v1/membership/series", response_model=Table, responses=CSV,
            summary="Admission probability per month, from the applicant's start date to today")
def api_series(case: CaseDep, body: BodyParam, toggles: WhatIfDep, position: PositionParam = None,
               format: FormatParam = "json") -> Any:
    """Month by month from the applicant's ``since`` date: probability, deterministic outcome, recognitions."""
    df = series(case, [body], scenario=scenario_from_toggles(case, toggles), position=position)
    return csv_response(df, "series.csv") if wants_csv(format) else table_payload(df)


@router.get("/api/v1/membership/power", response_model=Table, responses=CSV,
            summary="Exact Shapley–Shubik and Banzhaf indices of a body's members")
def api_power(case: CaseDep, body: BodyParam, toggles: WhatIfDep, date: DayParam = None,
              by_type: Annotated[bool, Query(description="one row per type of symmetric members")] = False,
              format: FormatParam = "json") -> Any:
    """A-priori power in the body's admission game (all modelled stages), exact fractions as strings."""
    df = body_power(case, body, date or None, scenario=scenario_from_toggles(case, toggles), by_type=by_type)
    return csv_response(df, "power.csv") if wants_csv(format) else table_payload(df)


@router.get("/membership", response_class=HTMLResponse, include_in_schema=False)
def page_membership(request: Request, case: CaseDep, toggles: WhatIfDep,
                    body: Annotated[str, Query(min_length=2, max_length=40,
                                               pattern=r"^[A-Za-z][A-Za-z0-9 _.\-]*$")] = "un",
                    date: DayParam = None, position: PositionParam = None) -> HTMLResponse:
    if not case.has_part("membership"):
        return render_page(request, "membership.html", "membership", {"unavailable": (
            "This case has no membership data: its folder has no membership/ part (the applicant's "
            "recognitions and declared stances), so no admission is computed.")})
    try:
        view = explorer_view(case, body, date or None, scenario=scenario_from_toggles(case, toggles),
                             position=position)
    except CaseError as exc:  # the case's membership data cannot be read
        return render_page(request, "membership.html", "membership", {"unavailable": str(exc)})
    ctx: dict[str, Any] = {k: frame_records(v) if isinstance(v, pd.DataFrame) else jsonable(v)
                           for k, v in view.items()}
    ctx.update(toggles=toggles, query=request.url.query)
    return render_page(request, "membership.html", "membership", ctx)


@router.get("/api/v1/membership/swing", summary="Whose switch to yes moves the admission probability most")
def api_swing(case: CaseDep, body: BodyParam, toggles: WhatIfDep, date: DayParam = None,
              position: PositionParam = None) -> dict[str, Any]:
    """Members ranked by the admission probability after their switch to yes; the smallest set of
    switches that lifts it above one half, with whether that set is proved the smallest (exact) or greedy."""
    from dialoguelab.membership.swing import swing

    return jsonable(swing(case, body, date or None, scenario=scenario_from_toggles(case, toggles),
                          position=position).to_dict())


@router.get("/api/v1/rollcalls/validate", summary="Leave-one-out validation of the vote model")
def api_rollcalls_validate(
    case: CaseDep, position: PositionParam = None,
    compute: Annotated[bool, Query(description="compute it if it is not yet computed (every fold is fitted: "
                                               "minutes); false: answer at once, status not_computed")] = True,
) -> Any:
    """Each admission roll call predicted from a fit on the others, scored beside the rule "recogniser ⇒ yes"
    and the class model; reliability diagrams of the held-out per-state predictions (kept on disk once
    computed). Not yet computed and ``compute=false``: 202 with ``status: not_computed`` (not cached)."""
    from fastapi.responses import JSONResponse

    from dialoguelab.membership.validation import calibration_view

    view = jsonable(calibration_view(case, position, compute=compute))
    return JSONResponse(view, status_code=200 if view.get("status") == "ready" else 202)


@router.get("/api/v1/rollcalls/validate/every-case",
            summary="Leave-one-out validation pooled over every installed case")
def api_rollcalls_validate_every_case() -> Any:
    """The leave-one-out table of every installed case, each keeping the held-out votes on its own applicant
    (only there do the baselines know the applicant's recognitions), and the means over every vote that the
    model, the rule and the class model all score: ``dialoguelab rollcalls validate --every-case --json``."""
    from dialoguelab.membership.validation import validate_every_case

    return jsonable(validate_every_case().to_dict())
