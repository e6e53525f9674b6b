"""Outcomes at a date: pass or fail, veto players, who blocks, pivotal members, margins, flipping sets.

Votes are derived from recognition and declared stances (see :mod:`dialoguelab.membership.world`):
a recognising state or declared supporter votes yes; a non-recogniser, a state whose withdrawal
applies, or a declared opponent votes no; scenario overrides come last. Unmodelled seats (the
Security Council's elected members) vote yes, so any block reported is a block by named states.

Smallest flipping sets
----------------------
*Failing outcome* (what would have to change for the applicant to be admitted): every member that
blocks alone (a permanent member voting no, an objector, a non-ratifier) must switch to yes; then each
majority stage needs a number of further yes votes, taken first from its no-voters (under a
present-and-voting base a no turned yes moves the count by two). The method computes the exact lower
bound ``|required| + max over stages of the further votes needed`` and builds a set greedily,
preferring members that count in several stages. When the built set reaches the bound it is
minimal (``exact=True``); otherwise ``exact=False`` and the reported size is an upper bound within
``size - lower_bound`` of the optimum. Within a majority stage any members of the named pool will do:
the set is described as "these members, plus any *k* of that pool".

*Passing outcome* (what would block it): the smallest set over all stages (one veto holder, one
member under unanimity or consensus, or the yes-to-no switches a majority needs): exact.
"""

from __future__ import annotations

__all__ = ["StageOutcome", "FlipSet", "Outcome", "outcome", "blockers", "evaluate_tally"]

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership.data import membership_data
from dialoguelab.membership.rules import (
    AllOf,
    Ballot,
    Base,
    Consensus,
    Evaluation,
    Majority,
    Quota,
    Rule,
    Stage,
    Tally,
    Unanimity,
    Veto,
    Vote,
    WeightedQuota,
)
from dialoguelab.membership.scenarios import Scenario
from dialoguelab.membership.world import SEAT_PREFIX, World, as_date, world


@dataclass
class StageOutcome:
    """One stage's result on the derived ballot."""

    id: str
    name: str
    passed: bool
    modelled: bool
    organ_size: int
    tally: dict[str, int]
    required: int | None
    margin: int | None
    veto_players: list[str]
    blocking: list[str]
    lines: list[str]
    legal_basis: str
    citations: list[str]
    note: str = ""
    completed_for_applicant: str | None = None
    procedure: str | None = None
    procedure_verified: bool = False


@dataclass
class FlipSet:
    """A smallest set of vote changes that would flip the outcome.

    The set is ``required`` plus, for each entry of ``choose``, any ``count`` members of its ``pool``.
    """

    direction: str
    size: int
    lower_bound: int
    exact: bool
    required: list[str]
    choose: list[dict[str, Any]]
    method: str


@dataclass
class Outcome:
    """A body's admission outcome for the applicant on a day."""

    body: str
    name: str
    date: str
    position: str
    scenario: str | None
    passed: bool
    stages: list[StageOutcome]
    veto_players: list[str]
    blocking: list[str]
    pivotal: list[str] = field(default_factory=list)
    flip: FlipSet | None = None
    recognizers: int = 0
    names: dict[str, str] = field(default_factory=dict)
    #: the day the data (members, rules, recognitions, stances) were checked up to, and whether ``date`` is later
    data_verified_to: str | None = None
    projection: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _leaf_rules(rule: Rule) -> list[Rule]:
    if isinstance(rule, AllOf):
        return [x for r in rule.rules for x in _leaf_rules(r)]
    return [rule]


def _stage_blocking(rule: Rule, ballot: Ballot) -> list[str]:
    """Members whose own vote blocks the stage (veto holders voting no, objectors, non-ratifiers)."""
    out: list[str] = []
    for r in _leaf_rules(rule):
        if isinstance(r, (Veto, Consensus, Unanimity)):
            out += [b for b in r.evaluate(ballot).blockers if b not in out]
    return out


def _extra_yes_needed(rule: Rule, ballot: Ballot) -> tuple[int, list[str], bool]:
    """For the count-type parts of a rule: further yes votes needed, the pool to take them from, exactness."""
    need = 0
    pool: list[str] = []
    exact = True
    for r in _leaf_rules(rule):
        if isinstance(r, (Majority, Quota)):
            b = ballot
            noes = [m for m in b.members if b.vote(m) == "no"]
            others = [m for m in b.members if b.vote(m) in ("abstain", "absent")]
            order = noes + others
            k = 0
            while not r.evaluate(b).passed and k < len(order):
                b = b.with_votes({order[k]: "yes"})
                k += 1
            if not r.evaluate(b).passed:
                return (len(order) + 1, order, False)
            if k > need:
                need = k
                pool = noes if k <= len(noes) else order
        elif isinstance(r, WeightedQuota):
            w = r.weight_of
            order = sorted((m for m in ballot.members if ballot.vote(m) != "yes"), key=lambda m: -w.get(m, 0))
            b = ballot
            k = 0
            while not r.evaluate(b).passed and k < len(order):
                b = b.with_votes({order[k]: "yes"})
                k += 1
            if k > need:
                need, pool = k, order
            exact = False
    return need, pool, exact


def _flip_to_pass(stages: list[tuple[Stage, Ballot]]) -> FlipSet:
    required: list[str] = []
    for st, b in stages:
        for m in _stage_blocking(st.rule, b):
            if m not in required:
                required.append(m)
    flipped = [(st, b.with_votes({m: "yes" for m in required if m in b.members})) for st, b in stages]
    needs = []
    exact = True
    for st, b in flipped:
        k, pool, ex = _extra_yes_needed(st.rule, b)
        exact = exact and ex
        if k:
            needs.append((st, k, pool))
    lower = len(required) + max((k for _, k, _ in needs), default=0)
    # greedy: largest need first, prefer members counted in other failing stages' pools
    chosen: set[str] = set()
    choose: list[dict[str, Any]] = []
    for st, k, pool in sorted(needs, key=lambda x: -x[1]):
        already = sum(1 for m in chosen if m in pool)
        more = max(0, k - already)
        other_pools = [set(p) for s2, _, p in needs if s2 is not st]
        ranked = sorted(
            (m for m in pool if m not in chosen), key=lambda m: -sum(1 for p in other_pools if m in p)
        )
        pick = ranked[:more]
        chosen.update(pick)
        if more:
            choose.append({"stage": st.id, "count": more, "pool": list(pool), "pool_size": len(pool)})
    size = len(required) + len(chosen)
    # re-check that the built set passes every stage
    ok = all(
        st.rule.evaluate(b.with_votes({m: "yes" for m in list(chosen) + required if m in b.members})).passed
        for st, b in stages
    )
    return FlipSet(
        "to_pass",
        size,
        lower,
        exact and ok and size == lower,
        required,
        choose,
        "required blockers + greedy majority completion; exact when size equals the lower bound",
    )


def _flip_to_fail(stages: list[tuple[Stage, Ballot]]) -> FlipSet:
    best: FlipSet | None = None
    for st, b in stages:
        for r in _leaf_rules(st.rule):
            if isinstance(r, (Veto, Unanimity, Consensus)):
                vp = sorted(r.veto_players(b.members))
                cand = FlipSet(
                    "to_fail",
                    1,
                    1,
                    True,
                    [],
                    [{"stage": st.id, "count": 1, "pool": vp, "pool_size": len(vp)}],
                    "any single veto player voting no blocks",
                )
            elif isinstance(r, (Majority, Quota, WeightedQuota)):
                yes = [m for m in b.members if b.vote(m) == "yes"]
                if isinstance(r, WeightedQuota):
                    w = r.weight_of
                    yes.sort(key=lambda m: -w.get(m, 0))
                k = 0
                bb = b
                while r.evaluate(bb).passed and k < len(yes):
                    bb = bb.with_votes({yes[k]: "no"})
                    k += 1
                cand = FlipSet(
                    "to_fail",
                    k,
                    k,
                    not isinstance(r, WeightedQuota),
                    [],
                    [{"stage": st.id, "count": k, "pool": yes, "pool_size": len(yes)}],
                    "yes votes switched to no until the stage fails",
                )
            else:
                continue
            if best is None or cand.size < best.size:
                best = cand
    assert best is not None
    return best


def _pivotal(stages: list[tuple[Stage, Ballot]], passed: bool) -> list[str]:
    members = []
    for _, b in stages:
        members += [m for m in b.members if m not in members and not m.startswith(SEAT_PREFIX)]
    out = []
    target: Vote = "no" if passed else "yes"
    for m in members:
        res = all(
            st.rule.evaluate(b.with_votes({m: target}) if m in b.members else b).passed for st, b in stages
        )
        if res != passed:
            out.append(m)
    return out


def _stage_outcomes(w: World, body_id: str) -> tuple[list[StageOutcome], list[tuple[Stage, Ballot]]]:
    data = w.data
    outs = []
    modelled: list[tuple[Stage, Ballot]] = []
    for st in data.stages[body_id]:
        if not st.modelled:
            outs.append(
                StageOutcome(
                    st.id,
                    st.name,
                    True,
                    False,
                    0,
                    Tally().as_dict(),
                    None,
                    None,
                    [],
                    [],
                    ["organ not modelled member by member: assumed not to block"],
                    st.legal_basis,
                    list(st.citations),
                    st.note,
                    st.completed_for_applicant,
                    st.procedure,
                    st.procedure_verified,
                )
            )
            continue
        b = w.ballot(body_id, st)
        ev: Evaluation = st.rule.evaluate(b)
        vp = sorted(st.rule.veto_players(b.members))
        outs.append(
            StageOutcome(
                st.id,
                st.name,
                ev.passed,
                True,
                len(b.members),
                ev.tally.as_dict(),
                ev.required,
                ev.margin,
                [m for m in vp if not m.startswith(SEAT_PREFIX)],
                _stage_blocking(st.rule, b),
                ev.lines,
                st.legal_basis,
                list(st.citations),
                st.note,
                st.completed_for_applicant,
                st.procedure,
                st.procedure_verified,
            )
        )
        modelled.append((st, b))
    return outs, modelled


def _compute_outcome(case: Case, body_id: str, d: dt.date, scenario: Scenario | None, position: str | None,
                     unverified: bool, detail: bool) -> Outcome:
    w = world(case, d, scenario=scenario, position=position, include_unverified=unverified)
    b = w.data.body(body_id)
    stages, modelled = _stage_outcomes(w, b.id)
    passed = all(s.passed for s in stages)
    veto: list[str] = []
    blocking: list[str] = []
    for s in stages:
        veto += [m for m in s.veto_players if m not in veto]
        blocking += [m for m in s.blocking if m not in blocking]
    o = Outcome(
        b.id,
        b.name,
        d.isoformat(),
        case.position_id(position),
        scenario.name if scenario else None,
        passed,
        stages,
        veto,
        blocking,
        recognizers=w.recognizer_count(),
        data_verified_to=w.data.verified_to.isoformat() if w.data.verified_to else None,
        projection=w.data.is_projection(d),
    )
    if detail and modelled:
        o.pivotal = _pivotal(modelled, passed)
        o.flip = _flip_to_fail(modelled) if passed else _flip_to_pass(modelled)
    names = set(veto) | set(blocking) | set(o.pivotal)
    if o.flip:
        names |= set(o.flip.required)
        for c in o.flip.choose:
            names |= set(c["pool"])
    o.names = {m: w.name(m) for m in sorted(names)}
    return o


def outcome(
    case: Case,
    body: str,
    on: dt.date | str | None = None,
    *,
    scenario: Scenario | None = None,
    position: str | None = None,
    include_unverified: bool = False,
    detail: bool = True,
) -> Outcome:
    """The applicant's admission outcome in a body on a day, from declared positions.

    Every member votes as its recognition and declared stance say (see :mod:`dialoguelab.membership.world`);
    this is the deterministic answer, beside which :func:`~dialoguelab.membership.votes.admission_probability`
    gives the vote model's probability.

    Parameters
    ----------
    case : Case
    body : str
        Body id or alias (``UN``, ``NATO``, ``coe`` …).
    on : date or str, optional
        Default today.
    scenario : Scenario, optional
    position : str, optional
        Whose reading of disputed withdrawals (one of ``case.positions()``); default the applicant's.
    include_unverified : bool, default=False
    detail : bool, default=True
        Also compute pivotal members and the smallest flipping set.

    Returns
    -------
    Outcome

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> o = outcome(load_case(), "UN", "2024-06-01")
    >>> o.passed, sorted(o.blocking)
    (False, ['CHN', 'RUS'])
    """
    b = membership_data(case).body(body)
    d = as_date(on)
    role = case.position_role(position)
    key = ("membership.outcome", b.id, d, scenario.key() if scenario else None, role, include_unverified, detail)
    return case.cached(key, lambda: _compute_outcome(case, b.id, d, scenario, role, include_unverified, detail))


def blockers(
    case: Case,
    body: str,
    on: dt.date | str | None = None,
    **kwargs: Any,
) -> Outcome:
    """Alias of :func:`outcome` with detail: veto players, who blocks, and what would change it."""
    return outcome(case, body, on, detail=True, **kwargs)


def evaluate_tally(
    case: Case,
    body: str,
    *,
    yes: int,
    no: int,
    abstain: int = 0,
    absent: int = 0,
    stage: str | None = None,
    negative: list[str] | None = None,
) -> dict[str, Any]:
    """Evaluate a body's rule on a tally the user gives, showing the arithmetic.

    Parameters
    ----------
    body : str
    yes, no, abstain, absent : int
    stage : str, optional
        Which stage; default the body's last modelled stage (the General Assembly for the UN).
    negative : list of str, optional
        Named members voting no (e.g. a permanent member), counted among the ``no`` votes.

    Returns
    -------
    dict
        ``body``, ``stage``, ``rule``, ``legal_basis``, ``citations`` and the evaluation.

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> r = evaluate_tally(load_case(), "UNESCO", yes=92, no=50, abstain=29, absent=15)
    >>> r["passed"], r["required"]
    (False, 95)
    """
    data = membership_data(case)
    b = data.body(body)
    stages = data.stages[b.id]
    if stage is None:
        st = [s for s in stages if s.modelled][-1]
    else:
        match = [s for s in stages if s.id == stage]
        if not match:
            raise InvalidParameterError(
                f"Body {b.id} has no stage {stage!r}; its stages are {', '.join(s.id for s in stages)}."
            )
        st = match[0]
    named: dict[str, Vote] = {}
    for m in negative or []:
        named[data.state(m)] = "no"
    ballot = Ballot.from_tally(Tally(yes, no, abstain, absent), named)
    ev = st.rule.evaluate(ballot)
    rule = st.rule
    base_note = ""
    for r in _leaf_rules(rule):
        if isinstance(r, Majority) and r.base is Base.ALL_MEMBERS:
            base_note = "the tally's total is taken as the number of members entitled to vote"
    return {
        "body": b.id,
        "stage": st.id,
        "stage_name": st.name,
        "rule": rule.describe(),
        "passed": ev.passed,
        "required": ev.required,
        "margin": ev.margin,
        "lines": ev.lines + ([base_note] if base_note else []),
        "legal_basis": st.legal_basis,
        "citations": list(st.citations),
        "tally": ev.tally.as_dict(),
    }
