"""Forecast pages and API: the case's negotiation issues, and per issue the expected-utility model's
trajectory, Monte Carlo fan, final outcome distribution and a scenario against the baseline.

Every number comes from :mod:`dialoguelab.forecast.views` (one call per route); the forecast is
computed once per case version and parameters, in the request's worker thread.
"""

from __future__ import annotations

__all__ = ["router", "ScenarioSettings"]

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse

from dialoguelab.forecast.views import DEFAULT_RUNS, MAX_ROUNDS, MAX_RUNS, issue_table, issue_view, issues_view
from dialoguelab.web.deps import CaseDep
from dialoguelab.web.params import FormatParam
from dialoguelab.web.render import render_page
from dialoguelab.web.routes._models import CSV, NOT_FOUND, Table
from dialoguelab.web.tables import csv_response, jsonable, table_payload, wants_csv

router = APIRouter(tags=["forecast"])

ID = r"^[a-z0-9][a-z0-9_.\-]*$"
SETTING = r"^[a-z0-9][a-z0-9_.\-]{0,79}:[0-9]{1,6}(\.[0-9]{1,6})?$"

IssuePath = Annotated[str, Path(min_length=1, max_length=120, pattern=ID,
                                description="an issue id of the case (see /api/v1/forecast/issues)",
                                examples=["un-membership"])]
RunsParam = Annotated[int, Query(ge=0, le=MAX_RUNS, description=f"Monte Carlo runs (0 to {MAX_RUNS}; 0: none)")]
SeedParam = Annotated[int, Query(ge=0, le=2**32 - 1, description="seed of the Monte Carlo and stochastic conflicts")]
RoundsParam = Annotated[int, Query(ge=1, le=MAX_ROUNDS, description=f"rounds of the model (1 to {MAX_ROUNDS})")]
ModeParam = Annotated[Literal["replication", "corrected"],
                      Query(description="replication (Scholz et al. 2011) or corrected")]
TableParam = Annotated[Literal["rounds", "actors", "outcomes"],
                       Query(description="which table ?format=csv returns: per round, per actor, or the "
                             "distribution of the final outcome")]


def _settings_query(what: str, example: str) -> Any:
    return Query(max_length=10, description=f"scenario: set an actor's {what}, as actor:value (repeat the "
                 "parameter for several actors)", examples=[[example]])


Setting = Annotated[str, Query(pattern=SETTING, max_length=100)]
ActorId = Annotated[str, Query(pattern=ID, max_length=80)]


@dataclass(frozen=True)
class ScenarioSettings:
    """The scenario controls as given in the query string."""

    salience: dict[str, float] = field(default_factory=dict)
    capability: dict[str, float] = field(default_factory=dict)
    remove: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.salience or self.capability or self.remove)


def _pairs(values: list[str] | None, name: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for i, v in enumerate(values or []):
        actor, _, number = v.partition(":")
        if actor in out:
            raise RequestValidationError([{"loc": ("query", name, i), "type": "value_error",
                                           "msg": f"actor {actor!r} is given twice"}])
        out[actor] = float(number)
    return out


def scenario_settings(
    salience: Annotated[list[Setting] | None, _settings_query("salience (0 to 1)", "russia:0.4")] = None,
    capability: Annotated[list[Setting] | None, _settings_query("capability (0 or more)", "eu:70")] = None,
    remove: Annotated[list[ActorId] | None, Query(max_length=10, description="scenario: actors that leave the "
                                                  "issue (repeat the parameter)", examples=[["china"]])] = None,
) -> ScenarioSettings:
    """The scenario: ``salience=actor:value``, ``capability=actor:value``, ``remove=actor`` (each repeatable)."""
    return ScenarioSettings(_pairs(salience, "salience"), _pairs(capability, "capability"),
                            tuple(dict.fromkeys(remove or [])))


ScenarioDep = Annotated[ScenarioSettings, Depends(scenario_settings)]


def _view(case: Any, issue: str, runs: int, seed: int, rounds: int, mode: str,
          scen: ScenarioSettings) -> dict[str, Any]:
    return issue_view(case, issue, runs=runs, seed=seed, rounds=rounds, mode=mode, salience=scen.salience,
                      capability=scen.capability, remove=scen.remove)


@router.get("/api/v1/forecast/issues", response_model=Table, responses={**CSV},
            summary="The case's negotiation issues (empty when it has none)")
def api_issues(case: CaseDep, format: FormatParam = "json") -> Any:
    """Each issue: id, title, question, scale, threshold and number of actors."""
    import pandas as pd

    rows = [{"id": i["id"], "title": i["title"], "question": i["question"], "n_actors": i["n_actors"],
             "threshold": None if i["threshold"] is None else i["threshold"]["value"],
             "direction": None if i["threshold"] is None else i["threshold"]["direction"]}
            for i in issues_view(case)["issues"]]
    df = pd.DataFrame(rows, columns=["id", "title", "question", "n_actors", "threshold", "direction"])
    return csv_response(df, "forecast_issues.csv") if wants_csv(format) else table_payload(df)


@router.get("/api/v1/forecast/{issue}", responses={**CSV, **NOT_FOUND},
            summary="Forecast one issue: trajectory, Monte Carlo fan, outcome distribution, scenario")
def api_forecast(case: CaseDep, issue: IssuePath, scen: ScenarioDep, runs: RunsParam = DEFAULT_RUNS,
                 seed: SeedParam = 0, rounds: RoundsParam = 10, mode: ModeParam = "replication",
                 format: FormatParam = "json", table: TableParam = "rounds") -> Any:
    """The forecast with what it is conditional on, the run on the judged inputs, each actor's inputs
    with their justifications and citations, per round the Monte Carlo quantiles, and the scenario's
    difference from the baseline. ``?format=csv`` returns one table (``table=rounds|actors|outcomes``)."""
    if wants_csv(format):
        df = issue_table(case, issue, table, runs=runs, seed=seed, rounds=rounds, mode=mode,
                         salience=scen.salience, capability=scen.capability, remove=scen.remove)
        return csv_response(df, f"forecast_{issue}_{table}.csv")
    return jsonable(_view(case, issue, runs, seed, rounds, mode, scen))


@router.get("/forecast", response_class=HTMLResponse, include_in_schema=False)
def page_issues(request: Request, case: CaseDep) -> HTMLResponse:
    return render_page(request, "forecast.html", "forecast", issues_view(case))


@router.get("/forecast/{issue}", response_class=HTMLResponse, include_in_schema=False)
def page_issue(request: Request, case: CaseDep, issue: IssuePath, scen: ScenarioDep,
               runs: RunsParam = DEFAULT_RUNS, seed: SeedParam = 0, rounds: RoundsParam = 10,
               mode: ModeParam = "replication") -> HTMLResponse:
    view = jsonable(_view(case, issue, runs, seed, rounds, mode, scen))
    return render_page(request, "forecast_issue.html", "forecast", {"view": view, "query": request.url.query})
