"""What the front ends show, each as one call: recognition counts and tables, key figures, the explorer.

The web dashboard, the CLI and the report format these results; they compute nothing themselves.
Every value comes from the engine's own functions (:func:`~dialoguelab.membership.world.world`,
:func:`~dialoguelab.membership.outcomes.outcome`, :func:`~dialoguelab.membership.votes.admission_probability`,
:func:`~dialoguelab.membership.power.body_power`, :func:`~dialoguelab.membership.whatif.compare`) and
carries the sources the case files give.

>>> from dialoguelab.case import load_case
>>> from dialoguelab.membership.views import recognition_counts
>>> c = recognition_counts(load_case(), "2020-01-01")
>>> c["counts"]["serbia"] < c["counts"]["kosovo"]
True
"""

from __future__ import annotations

__all__ = [
    "RECOGNITION_STATUSES",
    "UnknownStateCodeError",
    "RecognitionView",
    "recognition_counts",
    "recognition_table",
    "recognition_view",
    "applicant_memberships",
    "membership_sources",
    "body_rules",
    "body_outcomes",
    "key_figures",
    "what_if_scenario",
    "explorer_view",
]

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dialoguelab.case import Case
from dialoguelab.errors import UnknownIdError
from dialoguelab.membership.data import membership_data
from dialoguelab.membership.outcomes import outcome
from dialoguelab.membership.power import body_power
from dialoguelab.membership.scenarios import Change, Scenario
from dialoguelab.membership.votes import (
    LABEL_NOT_MODELLED,
    METHOD_NOT_MODELLED,
    admission_probability,
    stage_label,
)
from dialoguelab.membership.whatif import compare
from dialoguelab.membership.world import world

#: Values of the ``status`` column of :func:`recognition_table`, in words.
RECOGNITION_STATUSES: dict[str, str] = {
    "recognizes": "recognises the applicant on the day",
    "withdrew": "a withdrawal is applied (the objector's view, a withdrawal the applicant accepts, or a scenario)",
    "not_yet": "the recorded recognition is dated after the day",
    "unverified": "the row is marked unverified and left out (pass include_unverified=True to use it)",
}

RECOGNITION_COLUMNS = [
    "iso3",
    "state",
    "recognized_on",
    "withdrawal_claimed_on",
    "applicant_position",
    "verified",
    "status",
    "sources",
]


class UnknownStateCodeError(UnknownIdError):
    """A state code given to :func:`what_if_scenario` that the case does not know.

    ``parameter`` names the argument that held it (``recognize``, ``withdraw`` or ``abstain``), so a
    front end can point at the offending field.
    """

    def __init__(self, message: str, parameter: str, code: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.code = code


def _day(case: Case, on: dt.date | str | None) -> dt.date:
    """The calendar day ``on`` resolves to (validated by :func:`world`)."""
    return world(case, on).date


def recognition_counts(
    case: Case,
    on: dt.date | str | None = None,
    *,
    include_unverified: bool = False,
) -> dict[str, Any]:
    """How many states recognise the applicant on a day, under each side's view of withdrawals.

    Parameters
    ----------
    case : Case
    on : date or str, optional
        The day (``YYYY-MM-DD``; a partial date means its last day); default today.
    include_unverified : bool, default=False
        Count rows marked ``verified: false``.

    Returns
    -------
    dict
        ``{"date": "YYYY-MM-DD", "counts": {position: int}, "labels": {position: str}}`` for each of the
        case's positions (``case.positions()``): the applicant's keeps recognitions whose withdrawal the
        objector claims and the applicant disputes, the objector's applies them.

    Notes
    -----
    A recognition recorded without a date counts at every date (see :mod:`dialoguelab.membership.world`).

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> recognition_counts(load_case(), "2020-01")["date"]  # a month means its last day
    '2020-01-31'
    """
    labels = case.positions()
    worlds = {p: world(case, on, position=p, include_unverified=include_unverified) for p in labels}
    first = next(iter(worlds.values()))
    return {
        "date": first.date.isoformat(),
        "counts": {p: w.recognizer_count() for p, w in worlds.items()},
        "labels": labels,
    }


def recognition_table(
    case: Case,
    on: dt.date | str | None = None,
    position: str | None = None,
    *,
    include_unverified: bool = False,
) -> pd.DataFrame:
    """Every recorded recognition with its status on a day, under one side's view of withdrawals.

    Parameters
    ----------
    on : date or str, optional
        Default today.
    position : str, optional
        One of ``case.positions()`` (default the applicant's): the applicant's keeps recognitions
        whose withdrawal the objector claims and the applicant disputes; the objector's applies them.
    include_unverified : bool, default=False

    Returns
    -------
    DataFrame
        One row per state in ``recognitions.csv``, sorted by ISO code: ``iso3``, ``state``,
        ``recognized_on``, ``withdrawal_claimed_on``, ``applicant_position``, ``verified``, ``status``
        (one of :data:`RECOGNITION_STATUSES`) and ``sources`` (ids joined by ``;``).

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> case = load_case()
    >>> t = recognition_table(case, "2020-01-01", "serbia")
    >>> int((t.status == "recognizes").sum()) == recognition_counts(case, "2020-01-01")["counts"]["serbia"]
    True
    """
    data = membership_data(case)
    w = world(case, on, position=position, include_unverified=include_unverified)
    rows = []
    for iso, r in sorted(data.recognitions.items()):
        status = w.recognition_status(iso)
        if status is None:
            status = "unverified" if not r.verified and not include_unverified else "not_yet"
        wd = r.withdrawal_date()
        rows.append(
            {
                "iso3": iso,
                "state": r.state,
                "recognized_on": str(r.recognized_on) if r.recognized_on else None,
                "withdrawal_claimed_on": str(wd) if wd else None,
                "applicant_position": r.applicant_position,
                "verified": r.verified,
                "status": status,
                "sources": ";".join(r.sources),
            }
        )
    return pd.DataFrame(rows, columns=RECOGNITION_COLUMNS)


@dataclass(frozen=True)
class RecognitionView:
    """The recognition map of one day: the table under one position and the counts under both.

    ``counts`` and ``labels`` are keyed by the case's positions (``case.positions()``).
    """

    date: str
    position: str
    counts: dict[str, int]
    table: pd.DataFrame
    labels: dict[str, str] = dataclasses.field(default_factory=dict)


def recognition_view(
    case: Case,
    on: dt.date | str | None = None,
    position: str | None = None,
    *,
    include_unverified: bool = False,
) -> RecognitionView:
    """:func:`recognition_table` and :func:`recognition_counts` of one day, together.

    Returns
    -------
    RecognitionView
    """
    table = recognition_table(case, on, position, include_unverified=include_unverified)
    c = recognition_counts(case, on, include_unverified=include_unverified)
    return RecognitionView(c["date"], case.position_id(position), c["counts"], table, c["labels"])


def applicant_memberships(case: Case, *, include_unverified: bool = False) -> list[dict[str, Any]]:
    """The bodies the applicant has joined, as in ``applicant_memberships.csv``.

    Returns
    -------
    list of dict
        ``body``, ``name``, ``joined`` (a partial date as text), ``how``, ``sources`` (ids) and
        ``verified``; rows marked unverified only with ``include_unverified=True``.
    """
    data = membership_data(case)
    return [r.model_dump(mode="json") for r in data.applicant_memberships if r.verified or include_unverified]


def membership_sources(case: Case) -> pd.DataFrame:
    """The outside documents the membership and world files cite (their ``sources.yaml``), sorted by id.

    Returns
    -------
    DataFrame
        ``id``, ``kind``, ``title``, ``publisher``, ``date`` (text), ``urls`` (list of text), ``note``,
        ``verified``.
    """
    data = membership_data(case)
    rows = [
        {
            "id": s.id,
            "kind": s.kind.value,
            "title": s.title,
            "publisher": s.publisher,
            "date": str(s.date) if s.date is not None else None,
            "urls": [str(u) for u in s.urls],
            "note": s.note,
            "verified": s.verified,
        }
        for s in data.sources.values()
    ]
    cols = ["id", "kind", "title", "publisher", "date", "urls", "note", "verified"]
    return pd.DataFrame(rows, columns=cols).sort_values("id").reset_index(drop=True)


def body_rules(case: Case) -> list[dict[str, Any]]:
    """Each body with its admission stages: organ, rule in words, legal basis, note and sources.

    Returns
    -------
    list of dict
        ``id``, ``name``, ``aliases``, ``membership_note``, ``citations`` and ``stages`` (each with
        ``id``, ``name``, ``rule``, ``legal_basis``, ``note``, ``modelled``, ``citations``,
        ``procedure``, ``procedure_verified``, ``procedure_note``, ``procedure_citations``, and
        ``probability_method`` / ``probability_label``: how the admission probability treats the stage,
        see :func:`~dialoguelab.membership.votes.stage_label`), in the order of ``organizations.yaml``.
    """
    data = membership_data(case)
    return [
        {
            "id": b.id,
            "name": b.name,
            "aliases": list(b.aliases),
            "membership_note": b.membership_note,
            "citations": list(b.citations),
            "stages": [
                {
                    "id": st.id,
                    "name": st.name,
                    "rule": st.rule.describe(),
                    "legal_basis": st.legal_basis,
                    "note": st.note,
                    "modelled": st.modelled,
                    "citations": list(st.citations),
                    "procedure": st.procedure,
                    "procedure_verified": st.procedure_verified,
                    "procedure_note": st.procedure_note,
                    "procedure_citations": list(st.procedure_citations),
                    "probability_method": stage_label(st.procedure, st.procedure_verified)[0]
                    if st.modelled
                    else METHOD_NOT_MODELLED,
                    "probability_label": stage_label(st.procedure, st.procedure_verified)[1]
                    if st.modelled
                    else LABEL_NOT_MODELLED,
                }
                for st in data.stages[b.id]
            ],
        }
        for b in data.bodies.values()
    ]


def body_outcomes(
    case: Case,
    on: dt.date | str | None = None,
    *,
    position: str | None = None,
    scenario: Scenario | None = None,
    include_unverified: bool = False,
) -> list[dict[str, Any]]:
    """Every body's outcome for the applicant on a day, with who blocks it and who could.

    Returns
    -------
    list of dict
        Per body, in the order of ``organizations.yaml``: ``body``, ``name``, ``date``, ``passed``,
        ``outcome`` (``"would pass"`` or ``"blocked"``), ``blocking`` and ``veto_player_ids`` (ISO
        codes), ``blockers`` and ``veto_players`` (their names), ``rule`` (the stages in words) and
        ``citations``.

    Notes
    -----
    Votes are derived from recognition and declared stance (see :func:`outcome`); *blocking* members
    are veto players whose derived vote blocks now. A failing body with no blocking member lacks the
    required majority rather than facing a veto.
    """
    data = membership_data(case)
    out = []
    for bid, b in data.bodies.items():
        o = outcome(
            case,
            bid,
            on,
            scenario=scenario,
            position=position,
            include_unverified=include_unverified,
            detail=False,
        )
        out.append(
            {
                "body": bid,
                "name": b.name,
                "date": o.date,
                "passed": o.passed,
                "outcome": "would pass" if o.passed else "blocked",
                "blocking": list(o.blocking),
                "blockers": [o.names.get(m, m) for m in o.blocking],
                "veto_player_ids": list(o.veto_players),
                "veto_players": [o.names.get(m, m) for m in o.veto_players],
                "rule": "; then ".join(f"{st.name}: {st.rule.describe()}" for st in data.stages[bid]),
                "citations": list(b.citations),
            }
        )
    return out


def key_figures(
    case: Case,
    on: dt.date | str | None = None,
    *,
    include_unverified: bool = False,
) -> dict[str, Any]:
    """The membership figures of a case at a glance, on a day (default today).

    Parameters
    ----------
    case : Case
    on : date or str, optional
        Default today.
    include_unverified : bool, default=False

    Returns
    -------
    dict
        ``date``; ``recognitions`` (:func:`recognition_counts`); ``bodies`` (:func:`body_outcomes`
        under the applicant's position, with blockers and veto players); ``joined``
        (:func:`applicant_memberships`).

    Raises
    ------
    CaseError
        If the case has no ``membership/`` folder (a front end may then show nothing).

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> k = key_figures(load_case(), on="2024-06-01")
    >>> next(b for b in k["bodies"] if b["body"] == "nato")["blocking"]
    ['ESP', 'GRC', 'ROU', 'SVK']
    """
    day = _day(case, on)
    return {
        "date": day.isoformat(),
        "recognitions": recognition_counts(case, day, include_unverified=include_unverified),
        "bodies": body_outcomes(case, day, include_unverified=include_unverified),
        "joined": applicant_memberships(case, include_unverified=include_unverified),
    }


def _codes(values: Iterable[str] | str | None) -> list[str]:
    """Codes from a string or strings, each possibly a comma list; stripped, upper-cased, unique."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        for c in value.split(","):
            c = c.strip().upper()
            if c and c not in out:
                out.append(c)
    return out


def what_if_scenario(
    case: Case,
    *,
    recognize: Iterable[str] | str | None = None,
    withdraw: Iterable[str] | str | None = None,
    abstain: Iterable[str] | str | None = None,
    objector_drops: bool = False,
    name: str = "what-if",
) -> Scenario | None:
    """A scenario from simple toggles: states that recognise, withdraw or abstain in every vote.

    Parameters
    ----------
    case : Case
    recognize, withdraw, abstain : str or iterable of str, optional
        States by ISO 3166 alpha-3 code or name as in ``members.csv``; each string may be a comma list.
    objector_drops : bool, default=False
        The case's objector drops its objection (it becomes a supporter).
    name : str, default="what-if"

    Returns
    -------
    Scenario or None
        ``None`` when no toggle is set (the baseline). The description lists the toggles.

    Raises
    ------
    UnknownStateCodeError
        If a state is unknown; ``parameter`` names the argument that held it.

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> s = what_if_scenario(load_case(), recognize="esp,GRC", abstain=["RUS"])
    >>> [(c.action, c.state) for c in s.changes]
    [('recognize', 'ESP'), ('recognize', 'GRC'), ('set_vote', 'RUS')]
    >>> s.description
    'recognize=ESP,GRC, abstain=RUS'
    """
    data = membership_data(case)
    changes: list[Change] = []
    described: list[str] = []
    for field, values in (("recognize", recognize), ("withdraw", withdraw), ("abstain", abstain)):
        isos = []
        for code in _codes(values):
            try:
                iso = data.state(code)
            except UnknownIdError as exc:
                raise UnknownStateCodeError(f"{field}: {exc}", field, code) from None
            isos.append(iso)
            if field == "abstain":
                changes.append(Change(action="set_vote", state=iso, vote="abstain"))
            else:
                changes.append(Change(action=field, state=iso))  # type: ignore[arg-type]
        if isos:
            described.append(f"{field}={','.join(isos)}")
    if objector_drops:
        changes.append(Change(action="objector_drops_objection"))
        described.append("objector_drops=true")
    if not changes:
        return None
    return Scenario(name=name, description=", ".join(described), changes=changes)


def explorer_view(
    case: Case,
    body: str,
    on: dt.date | str | None = None,
    *,
    scenario: Scenario | None = None,
    position: str | None = None,
) -> dict[str, Any]:
    """Everything the membership explorer shows for one body on a day, baseline beside a scenario.

    Parameters
    ----------
    body : str
        Body id or alias (``"UN"``, ``"nato"``, …).
    on : date or str, optional
        Default today.
    scenario : Scenario, optional
        The what-if (see :func:`what_if_scenario`); ``None`` shows the baseline only.
    position : str, optional
        One of ``case.positions()``; default the applicant's.

    Returns
    -------
    dict
        ``bodies`` (:func:`body_rules`), ``body`` (this body's entry of it), ``date``, ``position``,
        ``baseline`` and ``scenario`` (outcomes as dicts; ``scenario`` is ``None`` without one),
        ``baseline_admission`` and ``scenario_admission`` (admission probabilities as dicts),
        ``compare`` (DataFrame of every body, baseline beside scenario), ``power`` and ``power_types``
        (exact power indices per member and per type of symmetric member).
    """
    data = membership_data(case)
    bid = data.body(body).id
    day = _day(case, on)
    rules = body_rules(case)

    def outcome_and_probability(scen: Scenario | None) -> tuple[dict[str, Any], dict[str, Any]]:
        o = outcome(case, bid, day, scenario=scen, position=position)
        p = admission_probability(case, bid, day, scenario=scen, position=position)
        return o.to_dict(), dataclasses.asdict(p)

    base, base_p = outcome_and_probability(None)
    scen, scen_p = outcome_and_probability(scenario) if scenario is not None else (None, None)
    return {
        "bodies": rules,
        "body": next(b for b in rules if b["id"] == bid),
        "date": day.isoformat(),
        "position": case.position_id(position),
        "baseline": base,
        "baseline_admission": base_p,
        "scenario": scen,
        "scenario_admission": scen_p,
        "compare": compare(case, scenario or Scenario(name="baseline"), day, position=position),
        "power": body_power(case, bid, day),
        "power_types": body_power(case, bid, day, by_type=True),
    }
