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
    "OUTCOME_TITLE",
    "PROBABILITY_TITLE",
    "outcome_word",
    "uncalibrated_label",
    "probability_condition",
    "body_headlines",
    "toggle_effects",
    "state_record",
    "power_summary",
    "key_figures",
    "what_if_scenario",
    "explorer_view",
]

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
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
    calibrate,
    stage_label,
    vote_model_basis,
)
from dialoguelab.membership.whatif import compare
from dialoguelab.membership.world import SEAT_PREFIX, applicant_since, world

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

    ``counts`` and ``labels`` are keyed by the case's positions (``case.positions()``); ``states`` names
    every state of the world's list by ISO code (those without a recorded recognition included), so that a
    map can show and explain them too.
    """

    date: str
    position: str
    counts: dict[str, int]
    table: pd.DataFrame
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    states: dict[str, str] = dataclasses.field(default_factory=dict)


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
    states = dict(sorted(membership_data(case).state_names.items()))
    return RecognitionView(c["date"], case.position_id(position), c["counts"], table, c["labels"], states)


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
                "outcome": outcome_word(o.passed),
                "blocking": list(o.blocking),
                "blockers": [o.names.get(m, m) for m in o.blocking],
                "veto_player_ids": list(o.veto_players),
                "veto_players": [o.names.get(m, m) for m in o.veto_players],
                "rule": "; then ".join(f"{st.name}: {st.rule.describe()}" for st in data.stages[bid]),
                "citations": list(b.citations),
            }
        )
    return out


#: What the two answers a body gets are called, in the same words on every surface (overview, membership
#: page, report, CLI): the outcome on declared positions is not the vote model's probability.
OUTCOME_TITLE = "Outcome if every member votes as its recognition and declared stance say"
PROBABILITY_TITLE = "Probability of admission under the vote model"


def outcome_word(passed: bool) -> str:
    """The outcome on declared positions in the words every surface uses: ``would pass`` or ``blocked``."""
    return "would pass" if passed else "blocked"


def probability_condition(case: Case, position: str | None = None) -> dict[str, Any]:
    """What the admission probabilities of a case are conditional on, in words and as data.

    Parameters
    ----------
    case : Case
    position : str, optional
        One of ``case.positions()``; default the applicant's.

    Returns
    -------
    dict
        ``calibrated`` (whether the vote model was fitted to recorded admission votes), ``votes`` (those
        votes: ``id``, ``body``, ``organ``, ``date``, ``subject``), ``position`` and ``position_label``,
        ``calibration`` (a phrase: what the model was calibrated on, or that it was not) and ``sentence``
        (the full condition, to print beside a probability).

    Notes
    -----
    The vote model (:func:`~dialoguelab.membership.votes.admission_probability`) gives each member a
    probability of voting yes, no, abstaining or staying away by its class (recognises, does not,
    withdrew, declared opponent), fitted by :func:`~dialoguelab.membership.votes.calibrate` on the case's
    recorded admission tallies; a stage decided without a ballot counts 1 or 0 from declared positions.

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> probability_condition(load_case())["calibrated"]
    True
    """
    data = membership_data(case)
    basis = vote_model_basis(case, position)  # the model admission_probability uses, and its roll calls
    cal_votes = basis["admission_votes"] if basis["model"] != "class" else calibrate(
        case, position, leave_one_out=False).votes
    rollcalls = {r.id: r for r in data.admission_rollcalls()}
    votes = [
        {"id": v, "body": r.body, "organ": r.organ, "date": str(r.date), "subject": r.subject}
        for v in cal_votes
        if (r := rollcalls.get(v)) is not None
    ]
    if votes and basis["model"] != "class":
        n, m = len(votes), len(basis["rests_on"])
        phrase = (
            f"calibrated state by state (per-state model) on {m} roll calls, {n} of them admission "
            f"vote{'s' if n != 1 else ''} on "
            f"{data.applicant.name}: " + "; ".join(f"{v['organ']}, {v['date']}" for v in votes)
        )
    elif votes:
        n = len(votes)
        phrase = (
            f"calibrated on {n} recorded admission vote{'s' if n != 1 else ''} on {data.applicant.name}: "
            + "; ".join(f"{v['organ']}, {v['date']}" for v in votes)
        )
    else:
        phrase = (
            f"not calibrated: the case records no admission vote on {data.applicant.name} to fit it to, so "
            "each class votes with the model's default probabilities (assumed, not fitted)"
        )
    pos = case.position_id(position)
    label = case.positions().get(pos, pos)
    sentence = (
        f"Probability under the vote model, {phrase}; given each member's recognition ({label}) and declared "
        "stance. A stage decided without a ballot (consensus, ratification) counts 1 if no member blocks it "
        "on declared positions and 0 otherwise."
    )
    return {"calibrated": bool(votes), "votes": votes, "position": pos, "position_label": label,
            "calibration": phrase, "sentence": sentence}


def uncalibrated_label(label: str) -> str:
    """A probability label for a case whose vote model could not be calibrated (no recorded vote to fit).

    >>> uncalibrated_label("calibrated vote model (secret ballot)")
    'vote model with its default, uncalibrated probabilities (secret ballot)'
    >>> uncalibrated_label("calibrated vote model applied to a recorded vote (fitted to past admission tallies, "
    ...                    "not to the members' public positions)")[-63:]
    "(not fitted to any tally, nor to the members' public positions)"
    """
    return label.replace("calibrated vote model", "vote model with its default, uncalibrated probabilities").replace(
        "fitted to past admission tallies, not to", "not fitted to any tally, nor to")


def _short_stages(o: Any) -> list[dict[str, Any]]:
    """Stages that fail without a blocking member: they lack the majority, by how many yes votes."""
    return [
        {"stage": s.name, "more_yes_needed": -int(s.margin)}
        for s in o.stages
        if s.modelled and not s.passed and not s.blocking and s.margin is not None and s.margin < 0
    ]


def _why(o: Any, short: list[dict[str, Any]]) -> str:
    """The outcome in one sentence: who blocks and which stage lacks its majority."""
    if o.passed:
        return "would pass: no member blocks and every stage reaches its majority"
    parts = []
    if o.blocking:
        parts.append("blocked by " + ", ".join(o.names.get(m, m) for m in o.blocking))
    for s in short:
        k = s["more_yes_needed"]
        parts.append(f"{s['stage']}: lacks the majority, {k} more yes vote{'s' if k != 1 else ''} needed")
    return "; ".join(parts) or "blocked"


def body_headlines(
    case: Case,
    on: dt.date | str | None = None,
    *,
    position: str | None = None,
    scenario: Scenario | None = None,
    include_unverified: bool = False,
) -> list[dict[str, Any]]:
    """Every body's headline answer on a day: the outcome on declared positions and the vote model's probability.

    The two are different questions and are always shown as two named columns
    (:data:`OUTCOME_TITLE`, :data:`PROBABILITY_TITLE`): a body can pass on declared positions and still be
    unlikely under the vote model (members who recognise the applicant may abstain or stay away), or the
    reverse.

    Parameters
    ----------
    case : Case
    on : date or str, optional
        Default today.
    position : str, optional
        One of ``case.positions()``; default the applicant's.
    scenario : Scenario, optional
    include_unverified : bool, default=False

    Returns
    -------
    list of dict
        Per body, in the order of ``organizations.yaml``: the fields of :func:`body_outcomes` (``body``,
        ``name``, ``date``, ``passed``, ``outcome``, ``blocking``, ``blockers``, ``veto_player_ids``,
        ``veto_players``, ``rule``, ``citations``), plus ``short`` (stages lacking their majority, with
        ``more_yes_needed``), ``why`` (the outcome in one sentence), ``probability``, ``probability_basis``
        (``vote_model``, ``declared_positions``, ``mixed``), ``probability_label``, ``member_since`` (when
        the applicant already belongs to the body, else ``None``), ``scenario``, ``data_verified_to`` (the
        day the data were checked up to) and ``projection`` (whether the day is later, so that the answer
        assumes nothing changed since).

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> un = body_headlines(load_case(), "2024-06-01")[0]
    >>> un["body"], un["outcome"], un["blockers"]
    ('un', 'blocked', ['China', 'Russia'])
    >>> un["short"]
    [{'stage': 'General Assembly decision', 'more_yes_needed': 18}]
    >>> un["why"]
    'blocked by China, Russia; General Assembly decision: lacks the majority, 18 more yes votes needed'
    """
    day = _day(case, on)
    rows = body_outcomes(case, day, position=position, scenario=scenario, include_unverified=include_unverified)
    calibrated = probability_condition(case, position)["calibrated"]
    joined = {m["body"]: m for m in applicant_memberships(case, include_unverified=include_unverified)}
    out = []
    for row in rows:
        o = outcome(case, row["body"], day, scenario=scenario, position=position,
                    include_unverified=include_unverified, detail=False)
        p = admission_probability(case, row["body"], day, scenario=scenario, position=position,
                                  include_unverified=include_unverified)
        short = _short_stages(o)
        member = joined.get(row["body"])
        out.append(
            {
                **row,
                "short": short,
                "why": _why(o, short),
                "probability": float(p.probability),
                "probability_basis": p.basis,
                "probability_label": p.label if calibrated else uncalibrated_label(p.label),
                "member_since": (member.get("joined") or "date not recorded") if member else None,
                "scenario": scenario.name if scenario else None,
                "data_verified_to": o.data_verified_to,
                "projection": o.projection,
            }
        )
    return out


def _declared_stance(case: Case, iso: str, body: str, day: dt.date) -> Any:
    """The declared stance in force for a state in a body on a day (the last that applies), or ``None``."""
    found = None
    for st in membership_data(case).stances:
        if st.iso3 != iso or (st.bodies and body not in st.bodies):
            continue
        if st.since is not None and st.since.last_day() > day:
            continue
        if st.until is not None and st.until.first_day() < day:
            continue
        found = st
    return found


def toggle_effects(
    case: Case,
    body: str,
    on: dt.date | str | None = None,
    *,
    position: str | None = None,
) -> list[dict[str, Any]]:
    """The one-click what-ifs the explorer offers for a body, each with its own effect and, if none, why.

    Offered: each member blocking on declared positions recognises the applicant; each blocking veto
    player abstains; the objector drops its objection. Each is applied alone to the baseline. When more
    than :data:`MAX_SINGLE_TOGGLES` members block, one toggle covers them all.

    Returns
    -------
    list of dict
        ``toggle`` (``recognize``, ``abstain`` or ``objector_drops``), ``states`` (ISO codes; empty for
        ``objector_drops``), ``state`` (the code when there is one, else ``None``), ``label``, ``passed``
        and ``outcome`` under the toggle, ``changes_outcome``, ``probability``
        (vote model, under the toggle) and ``reason``: a sentence saying what changes, or why nothing does
        (a declared stance that recognition does not change, or a stage still decided by others).

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> eff = {(e["toggle"], e["state"]): e for e in toggle_effects(load_case(), "UN", "2024-06-01")}
    >>> eff[("recognize", "RUS")]["changes_outcome"]
    False
    >>> "declared stance" in eff[("recognize", "RUS")]["reason"]
    True
    """
    data = membership_data(case)
    bid = data.body(body).id
    day = _day(case, on)
    base = outcome(case, bid, day, position=position, detail=False)
    w = world(case, day, position=position)
    offered: list[tuple[str, list[str], str]] = []
    blocking_vetoers = [m for m in base.veto_players if m in base.blocking]
    if len(base.blocking) <= MAX_SINGLE_TOGGLES:
        offered += [("recognize", [m], f"{w.name(m)} recognises") for m in base.blocking]
    else:  # one toggle each would only ever say "still blocked by the others"
        offered.append(("recognize", list(base.blocking), f"all {len(base.blocking)} blocking members recognise"))
    if len(blocking_vetoers) <= MAX_SINGLE_TOGGLES:
        offered += [("abstain", [m], f"{w.name(m)} abstains") for m in blocking_vetoers]
    else:
        offered.append(("abstain", blocking_vetoers, f"all {len(blocking_vetoers)} blocking veto players abstain"))
    if data.objector is not None:
        offered.append(("objector_drops", [], f"{data.objector.name} drops its objection"))
    out = []
    for kind, isos, label in offered:
        if kind == "objector_drops":
            scen = what_if_scenario(case, objector_drops=True)
        elif kind == "recognize":
            scen = what_if_scenario(case, recognize=isos)
        else:
            scen = what_if_scenario(case, abstain=isos)
        assert scen is not None
        o = outcome(case, bid, day, scenario=scen, position=position, detail=False)
        p = admission_probability(case, bid, day, scenario=scen, position=position)
        out.append(
            {
                "toggle": kind,
                "state": isos[0] if len(isos) == 1 else None,
                "states": isos,
                "label": label,
                "passed": o.passed,
                "outcome": outcome_word(o.passed),
                "changes_outcome": o.passed != base.passed,
                "probability": float(p.probability),
                "reason": _toggle_reason(case, bid, day, position, kind, isos, base, o, scen),
            }
        )
    return out


#: Above this many blocking members, the explorer offers one toggle for all of them together.
MAX_SINGLE_TOGGLES = 6


def _toggle_reason(case: Case, bid: str, day: dt.date, position: str | None, kind: str, isos: list[str],
                   base: Any, o: Any, scen: Scenario) -> str:
    """Why a toggle changes a body's outcome or, when it does not, why not."""
    body_name = base.name
    if o.passed != base.passed:
        return f"changes the outcome: {body_name} {'would pass' if o.passed else 'is blocked'}"
    data = membership_data(case)
    if kind == "objector_drops":
        isos = [data.objector.iso3] if data.objector else []
    w1 = world(case, day, position=position)
    w2 = world(case, day, scenario=scen, position=position)
    voting = [m for m in isos if any(st.modelled and m in w2.organ(bid, st) for st in data.stages[bid])]
    if not voting:
        names = ", ".join(w2.name(m) for m in isos)
        return f"does not change the outcome: {names} {'does' if len(isos) == 1 else 'do'} not vote in {body_name}"
    if base.passed:
        return f"does not change the outcome: {body_name} admits on declared positions either way"
    changed = [m for m in voting if w2.vote(m, bid) != w1.vote(m, bid)]
    parts = []
    for m in voting:
        if m in changed:
            continue
        st = _declared_stance(case, m, bid, day)
        if kind == "recognize" and st is not None:
            since = f" since {st.since}" if st.since is not None else ""
            parts.append(f"the vote of {w2.name(m)} follows its declared stance ({st.stance}{since}), which "
                         f"recognition does not change, so it still votes {w2.vote(m, bid)}")
        else:
            parts.append(f"{w2.name(m)} still votes {w2.vote(m, bid)}")
    explained = bool(parts)  # the toggle's own states that still block have been named above
    still = [o.names.get(m, m) for m in o.blocking if m not in changed and not (explained and m in isos)]
    if still:
        parts.append(("also blocked by " if explained else "still blocked by ") + ", ".join(still))
    rules = {st.name: st.rule.describe() for st in data.stages[bid]}
    if any(m in o.blocking for m in changed):
        for s in o.stages:
            new_blockers = [m for m in s.blocking if m in changed]
            if new_blockers:
                votes = sorted({w2.vote(m, bid) for m in new_blockers})
                parts.append(f"{s.name}: a vote of {' or '.join(votes)} still blocks under its rule "
                             f"({rules.get(s.name, 'its rule')})")
    for sh in _short_stages(o):
        k = sh["more_yes_needed"]
        parts.append(f"{sh['stage']}: still {k} yes vote{'s' if k != 1 else ''} short")
    failing = {sh["stage"] for sh in _short_stages(o)}
    for s in o.stages:
        if not s.passed and not s.blocking and s.name not in failing:
            parts.append(f"{s.name} still fails ({rules.get(s.name, 'its rule')})")
    return "does not change the outcome: " + "; ".join(parts or ["the body still does not admit"])


def state_record(
    case: Case,
    state: str,
    on: dt.date | str | None = None,
    *,
    position: str | None = None,
) -> dict[str, Any]:
    """One state's record toward the applicant on a day: recognition, declared stances, and each body it votes in.

    Works for every state of the world's list, recognising or not (the map shows it on a click).

    Parameters
    ----------
    case : Case
    state : str
        ISO 3166 alpha-3 code or name as in ``members.csv``.
    on : date or str, optional
        Default today.
    position : str, optional
        One of ``case.positions()``; default the applicant's.

    Returns
    -------
    dict
        ``iso3``, ``name``, ``date``, ``position``; ``recognition`` (``status``: one of
        :data:`RECOGNITION_STATUSES` or ``none``, ``text`` in words, ``recognized_on``,
        ``withdrawal_claimed_on``, ``applicant_position``, ``verified``, ``sources``); ``stances``
        (declared stances with ``stance``, ``since``, ``until``, ``bodies``, ``summary``, ``sources``);
        ``bodies`` (per body: ``body``, ``name``, ``member``, ``votes_in`` (stage names), ``vote``
        (the vote derived from recognition and declared stance, ``None`` when it does not vote)).

    Raises
    ------
    UnknownIdError
        If the state is not in the world's list.

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> r = state_record(load_case(), "ESP", "2024-06-01")
    >>> r["recognition"]["status"], next(b["vote"] for b in r["bodies"] if b["body"] == "nato")
    ('none', 'no')
    """
    data = membership_data(case)
    iso = data.state(state)
    w = world(case, on, position=position)
    day = w.date
    rec = data.recognitions.get(iso)
    status = w.recognition_status(iso)
    applicant = data.applicant.name
    if status is None:
        if rec is None:
            status = "none"
        elif not rec.verified:
            status = "unverified"
        else:
            status = "not_yet"
    text = {
        "recognizes": f"recognises {applicant}",
        "withdrew": f"recognised {applicant}; a withdrawal applies on this day",
        "not_yet": f"recognises {applicant} only from {rec.recognized_on if rec else ''}",
        "unverified": f"a recognition of {applicant} is recorded but not verified (left out)",
        "none": f"does not recognise {applicant} (no recognition recorded)",
    }[status]
    wd = rec.withdrawal_date() if rec else None
    bodies = []
    for bid, b in data.bodies.items():
        votes_in = [st.name for st in data.stages[bid] if st.modelled and iso in w.organ(bid, st)]
        bodies.append(
            {
                "body": bid,
                "name": b.name,
                "member": iso in w.members(bid),
                "votes_in": votes_in,
                "vote": w.vote(iso, bid) if votes_in else None,
            }
        )
    stances = [
        {
            "stance": st.stance,
            "since": str(st.since) if st.since else None,
            "until": str(st.until) if st.until else None,
            "bodies": list(st.bodies),
            "summary": st.summary,
            "sources": list(st.sources),
        }
        for st in data.stances
        if st.iso3 == iso
    ]
    return {
        "iso3": iso,
        "name": w.name(iso),
        "date": day.isoformat(),
        "position": case.position_id(position),
        "recognition": {
            "status": status,
            "text": text,
            "recognized_on": str(rec.recognized_on) if rec and rec.recognized_on else None,
            "withdrawal_claimed_on": str(wd) if wd else None,
            "applicant_position": rec.applicant_position if rec else None,
            "verified": rec.verified if rec else None,
            "sources": list(rec.sources) if rec else [],
        },
        "stances": stances,
        "bodies": bodies,
    }


def power_summary(
    case: Case, body: str, on: dt.date | str | None = None, *, by_type: pd.DataFrame | None = None
) -> dict[str, Any]:
    """Who the players of a body's power indices are: member states and anonymous seats, counted apart.

    An organ may have seats whose holders the data do not name (the UN Security Council's ten elected
    members, who change every year). Such seats are held by members of the body, so the admission game
    has one player per member state (193 for the UN), of whom some sit in the unnamed seats; the per-member
    table lists every member state (a named member's indices are those of a member *without* a seat) and
    each seat.

    Parameters
    ----------
    by_type : DataFrame, optional
        :func:`~dialoguelab.membership.power.body_power` with ``by_type=True``, when already computed.

    Returns
    -------
    dict
        ``members`` (named member states), ``seats`` (anonymous seats), ``players`` (players of the game:
        the sum of the by-type counts), ``rows`` (rows of the per-member table, members plus seats),
        ``seats_held_by_members`` (whether the seats' holders are among the members, so not extra players)
        and ``seat_stages`` (per stage with seats: ``stage``, ``seats``, ``note``).

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> s = power_summary(load_case(), "UN", "2024-06-01")
    >>> s["members"], s["seats"], s["players"], s["rows"]
    (193, 10, 193, 203)
    """
    data = membership_data(case)
    bid = data.body(body).id
    w = world(case, on)
    named: set[str] = set()
    seat_stages: list[dict[str, Any]] = []
    for st in data.stages[bid]:
        if not st.modelled:
            continue
        organ = w.organ(bid, st)
        named |= {m for m in organ if not m.startswith(SEAT_PREFIX)}
        seats = sum(1 for m in organ if m.startswith(SEAT_PREFIX))
        if seats:
            seat_stages.append({"stage": st.name, "seats": seats, "note": (st.note or "").rstrip(". ")})
    n_seats = sum(int(s["seats"]) for s in seat_stages)
    types = by_type if by_type is not None else body_power(case, bid, w.date, by_type=True)
    players = int(types["players"].sum()) if len(types) else len(named) + n_seats
    return {
        "members": len(named),
        "seats": n_seats,
        "players": players,
        "rows": len(named) + n_seats,
        "seats_held_by_members": bool(n_seats) and players == len(named),
        "seat_stages": seat_stages,
    }


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
        ``date``; ``recognitions`` (:func:`recognition_counts`); ``bodies`` (:func:`body_headlines`
        under the applicant's position: the outcome on declared positions with blockers and veto players,
        and the probability under the vote model); ``probability_condition``
        (:func:`probability_condition`); ``joined`` (:func:`applicant_memberships`).

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
        "bodies": body_headlines(case, day, include_unverified=include_unverified),
        "probability_condition": probability_condition(case),
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


def _with_decimals(df: pd.DataFrame) -> pd.DataFrame:
    """Power indices with decimal columns beside the exact fractions (``shapley_shubik``, ``banzhaf``)."""
    df = df.copy()
    for col in ("shapley_shubik", "banzhaf"):
        if col not in df.columns and f"{col}_exact" in df.columns:
            df[col] = [float(Fraction(str(x))) for x in df[f"{col}_exact"]]
    return df


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
        ``compare`` (DataFrame of every body, baseline beside scenario), ``headlines`` and
        ``scenario_headlines`` (:func:`body_headlines` of every body, baseline and scenario),
        ``probability_condition`` (:func:`probability_condition`), ``toggle_effects`` (:func:`toggle_effects`),
        ``power`` and ``power_types`` (power indices per member and per type of symmetric member),
        ``power_summary`` (:func:`power_summary`) and ``since`` (the applicant's start date, where the
        explorer's dates begin).
    """
    data = membership_data(case)
    bid = data.body(body).id
    day = _day(case, on)
    rules = body_rules(case)

    calibrated = probability_condition(case, position)["calibrated"]
    if not calibrated:
        for b in rules:
            for st in b["stages"]:
                st["probability_label"] = uncalibrated_label(st["probability_label"])

    def outcome_and_probability(scen: Scenario | None) -> tuple[dict[str, Any], dict[str, Any]]:
        o = outcome(case, bid, day, scenario=scen, position=position)
        p = dataclasses.asdict(admission_probability(case, bid, day, scenario=scen, position=position))
        if not calibrated:  # say so wherever a label would say "calibrated"
            p["label"] = uncalibrated_label(p["label"])
            for st in p["stages"]:
                st["label"] = uncalibrated_label(st["label"])
        return o.to_dict(), p

    base, base_p = outcome_and_probability(None)
    types = _with_decimals(body_power(case, bid, day, by_type=True))
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
        "headlines": body_headlines(case, day, position=position),
        "scenario_headlines": body_headlines(case, day, position=position, scenario=scenario)
        if scenario is not None
        else None,
        "probability_condition": probability_condition(case, position),
        "toggle_effects": toggle_effects(case, bid, day, position=position),
        "power": body_power(case, bid, day),
        "power_types": types,
        "power_summary": power_summary(case, bid, day, by_type=types),
        "since": applicant_since(case).isoformat(),
    }
