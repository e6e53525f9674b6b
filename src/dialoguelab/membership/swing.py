"""Whose vote is needed: how much each member's switch to yes moves the probability of admission,
and the smallest set of switches that lifts it above one half.

For a body on a date, the admission probability is the product of its stages' probabilities
(:func:`~dialoguelab.membership.votes.admission_probability`). A *switch* fixes a member's vote at yes
in every stage it sits in. :func:`switch_probabilities` gives, for one stage, the exact probability
that it passes after each single member's switch, for all members at once: a forward pass over the
members (the law of the counts so far, as in :func:`~dialoguelab.membership.votes.joint_distribution`)
and a backward pass of "probability of passing from here" tables,

    ``P(pass | i votes yes) = sum_u F_{i-1}(u) G_{i+1}(u + e_yes)``,

so the cost is a few times that of one stage probability, not one per member. Veto players enter as in
:func:`~dialoguelab.membership.votes.stage_probability`: their factor ``1 - P(no)`` becomes 1 when they
switch.

The smallest set is built greedily: at each step the switch that raises the admission probability
most, until it exceeds one half. The answer is stated as **exact** when it can be proved minimal: the
body has one ballot stage (other stages decided by declared positions, where every blocking member
must switch), that stage counts votes without a veto, and the switched members are dominated by all
the others (each has no higher P(yes) and no lower P(no, or a vote that counts against)): by a pairwise
exchange argument no other set of the same size does better, so the probability one switch earlier is
the best any smaller set reaches. Otherwise the set is a greedy upper bound on the smallest size.
"""

from __future__ import annotations

__all__ = ["SwingResult", "switch_probabilities", "swing", "swing_report"]

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership.rules import (
    AllOf,
    Ballot,
    Base,
    Consensus,
    Majority,
    Rule,
    Unanimity,
    Veto,
    WeightedQuota,
)
from dialoguelab.membership.scenarios import Scenario
from dialoguelab.membership.votes import (
    METHOD_DECLARED,
    MODEL_IDEAL_POINTS,
    X_COLUMNS,
    StageInput,
    pass_mask,
    stage_inputs,
    stage_probability,
)


def _leaves(rule: Rule) -> list[Rule]:
    return [x for r in rule.rules for x in _leaves(r)] if isinstance(rule, AllOf) else [rule]


def switch_probabilities(rule: Rule, members: tuple[str, ...], p: np.ndarray) -> np.ndarray:
    """For each member, the exact probability that ``rule`` passes when that member votes yes for sure.

    Parameters
    ----------
    rule : Rule
    members : tuple of str
    p : array-like of shape (n, 4)
        Probabilities of yes, no, abstain, absent, in the order of ``members``.

    Returns
    -------
    ndarray of shape (n,)
        Element *i* equals ``stage_probability(rule, members, p')`` with row *i* of ``p'`` set to yes.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from dialoguelab.membership.rules import Majority, Base
    >>> r = Majority(Fraction(1, 2), Base.ALL_MEMBERS, strict=True)
    >>> switch_probabilities(r, ("a", "b", "c"), [[0.5, 0.5, 0, 0]] * 3).tolist()
    [0.75, 0.75, 0.75]
    """
    p = np.array(p, dtype=float)
    n = len(members)
    if p.shape != (n, 4):
        raise InvalidParameterError(f"p must have shape ({n}, 4). Got {p.shape}.")
    idx = {m: i for i, m in enumerate(members)}
    keep = np.ones(n)
    counts: list[Rule] = []
    for r in _leaves(rule):
        if isinstance(r, (Veto, Consensus, Unanimity)):
            cols = [{"yes": 0, "no": 1, "abstain": 2, "absent": 3}[v] for v in r.blocking_votes] if isinstance(
                r, Unanimity
            ) else [1]
            for v in r.veto_players(members):
                i = idx[v]
                k = 1.0 - float(p[i, cols].sum())
                keep[i] *= k
                if k > 0:
                    row = p[i].copy()
                    row[cols] = 0.0
                    p[i] = row / k
        else:
            counts.append(r)
    # factor of everyone else's veto (product without i, computed without division)
    pre = np.concatenate([[1.0], np.cumprod(keep)[:-1]])
    post = np.concatenate([np.cumprod(keep[::-1])[:-1][::-1], [1.0]])
    factor_without = pre * post
    if not counts:
        return factor_without
    weighted = [r for r in counts if isinstance(r, WeightedQuota)]
    if weighted:  # rare: one member at a time
        out = np.empty(n)
        for i in range(n):
            q = p.copy()
            q[i] = (1.0, 0.0, 0.0, 0.0)
            out[i] = factor_without[i] * stage_probability(AllOf(tuple(counts)), members, q)
        return out
    bases = {r.base for r in counts if isinstance(r, Majority)}
    if len(bases) > 1:
        raise InvalidParameterError("A stage with majorities of different bases is not supported.")
    xcols = X_COLUMNS[bases.pop() if bases else Base.PRESENT_AND_VOTING]
    py = p[:, 0]
    px = p[:, list(xcols)].sum(axis=1)
    po = np.clip(1.0 - py - px, 0.0, 1.0)
    mask = pass_mask(counts, n).astype(float)
    # forward laws F_k (after members 0..k-1), kept every `block` steps and recomputed in between
    block = max(1, math.isqrt(max(n - 1, 0)) + 1)
    size = n + 1

    def step(F: np.ndarray, i: int) -> np.ndarray:
        G = po[i] * F
        G[1:, :] += py[i] * F[:-1, :]
        G[:, 1:] += px[i] * F[:, :-1]
        return G

    checkpoints: dict[int, np.ndarray] = {}
    F = np.zeros((size, size))
    F[0, 0] = 1.0
    for k in range(n):
        if k % block == 0:
            checkpoints[k] = F.copy()
        F = step(F, k)
    out = np.zeros(n)
    G = mask.copy()  # G_{n}: probability of passing from a count, no member left
    for k0 in sorted(checkpoints, reverse=True):
        Fs = [checkpoints[k0]]
        for k in range(k0, min(k0 + block, n) - 1):
            Fs.append(step(Fs[-1], k))
        for i in range(min(k0 + block, n) - 1, k0 - 1, -1):
            # member i votes yes: shift by one yes, members after i random (G)
            out[i] = float((Fs[i - k0][:-1, :] * G[1:, :]).sum())
            H = po[i] * G
            H[:-1, :] += py[i] * G[1:, :]
            H[:, :-1] += px[i] * G[:, 1:]
            G = H
    return factor_without * out


@dataclass
class SwingResult:
    """Whose switch to yes moves the admission probability, and the smallest set that lifts it past 1/2."""

    body: str
    date: str
    position: str
    scenario: str | None
    probability: float
    states: pd.DataFrame
    smallest_set: list[str]
    path: list[dict[str, Any]]
    reached: bool
    method: str
    statement: str
    model: str
    model_label: str
    rests_on: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "date": self.date,
            "position": self.position,
            "scenario": self.scenario,
            "probability": self.probability,
            "states": self.states.to_dict(orient="records"),
            "smallest_set": self.smallest_set,
            "path": self.path,
            "reached": self.reached,
            "method": self.method,
            "statement": self.statement,
            "model": self.model,
            "model_label": self.model_label,
            "rests_on": self.rests_on,
        }


def _stage_value(s: StageInput) -> float:
    if s.method == METHOD_DECLARED:
        return 1.0 if s.stage.rule.evaluate(s.ballot).passed else 0.0
    assert s.p is not None
    return stage_probability(s.stage.rule, s.members, s.p)


def _stage_switches(s: StageInput) -> dict[str, float]:
    """Each member's stage probability after its switch to yes."""
    if s.method == METHOD_DECLARED:
        out = {}
        for m in s.members:
            b = Ballot(s.ballot.members, {**dict(s.ballot.votes), m: "yes"})
            out[m] = 1.0 if s.stage.rule.evaluate(b).passed else 0.0
        return out
    assert s.p is not None
    vals = switch_probabilities(s.stage.rule, s.members, s.p)
    return dict(zip(s.members, (float(v) for v in vals), strict=True))


def _apply(stages: list[StageInput], member: str) -> None:
    for s in stages:
        if member not in s.members:
            continue
        if s.method == METHOD_DECLARED:
            s.ballot = Ballot(s.ballot.members, {**dict(s.ballot.votes), member: "yes"})
        else:
            assert s.p is not None
            s.p = s.p.copy()
            s.p[s.members.index(member)] = (1.0, 0.0, 0.0, 0.0)


def _dominated(p: np.ndarray, chosen: list[int], others: list[int], xcols: tuple[int, ...]) -> bool:
    """Whether every chosen member is dominated by every other: P(yes) no higher, P(counts against) no lower."""
    if not chosen or not others:
        return True
    yes = p[:, 0]
    against = p[:, list(xcols)].sum(axis=1)
    return bool(
        yes[chosen].max() <= yes[others].min() + 1e-12 and against[chosen].min() >= against[others].max() - 1e-12
    )


def _copy(s: StageInput) -> StageInput:
    return StageInput(s.stage, s.method, s.members, None if s.p is None else s.p.copy(), s.ballot)


def _probability_with(initial: list[StageInput], members: list[str]) -> float:
    stages = [_copy(s) for s in initial]
    for m in members:
        _apply(stages, m)
    return float(np.prod([_stage_value(s) for s in stages])) if stages else 1.0


def _exactness(initial: list[StageInput], switched: list[str], reached: bool, target: float) -> tuple[str, str]:
    """Whether the greedy set is provably the smallest, and the sentence that says so (or why not)."""
    k = len(switched)
    ballots = [s for s in initial if s.method != METHOD_DECLARED]
    declared = [s for s in initial if s.method == METHOD_DECLARED]
    if not reached:
        return "greedy", "no sequence of switches to yes found lifts the probability above the target"
    greedy = f"greedy: {k} switches lift the probability above {target:g}; "
    if len(ballots) != 1:
        return "greedy", greedy + f"with {len(ballots)} ballot stages a smaller set is not excluded"
    b = ballots[0]
    leaves = _leaves(b.stage.rule)
    if any(isinstance(r, (Veto, Consensus, Unanimity, WeightedQuota)) for r in leaves):
        return "greedy", greedy + "the ballot stage has veto players, so a smaller set is not excluded"
    if any(not all(isinstance(r, (Unanimity, Consensus, Veto)) for r in _leaves(s.stage.rule)) for s in declared):
        return "greedy", greedy + "a stage without a ballot counts votes, so a smaller set is not excluded"
    # every member blocking a stage without a ballot must switch (unanimity, consensus, veto)
    needed = sorted({m for s in declared for m in s.members if s.ballot.vote(m) in _blocking(s)})
    assert b.p is not None
    bases = {r.base for r in leaves if isinstance(r, Majority)}
    xcols = X_COLUMNS[bases.pop() if bases else Base.PRESENT_AND_VOTING]
    pool = [i for i, m in enumerate(b.members) if m not in needed]
    free = k - 1 - len(needed)
    if free < 0:
        return "exact", (
            f"exact: the {len(needed)} members blocking stages without a ballot must all switch, and {k} switches "
            "suffice"
        )
    pb: np.ndarray = b.p
    against = pb[:, list(xcols)].sum(axis=1)
    order = sorted(pool, key=lambda i: (pb[i, 0], -against[i]))
    best_smaller = order[:free]
    others = order[free:]
    if not _dominated(pb, best_smaller, others, xcols):
        return "greedy", greedy + "the ballot's members are not ordered by dominance, so a smaller set is not excluded"
    p_smaller = _probability_with(initial, needed + [b.members[i] for i in best_smaller])
    if p_smaller > target:
        return "greedy", greedy + f"a set of {k - 1} reaches {p_smaller:.3f}: the greedy set is not the smallest"
    return "exact", (
        f"exact: no set of {k - 1} switches lifts the probability above {target:g} (the best such set, "
        f"{'the blocking members plus ' if needed else ''}the {free} ballot members with the lowest P(yes), "
        f"dominated by every other member, reaches {p_smaller:.3f})"
    )


def _blocking(s: StageInput) -> set[str]:
    out: set[str] = set()
    for r in _leaves(s.stage.rule):
        if isinstance(r, Unanimity):
            out.update(r.blocking_votes)
        elif isinstance(r, (Consensus, Veto)):
            out.add("no")
    return out


def swing(
    case: Case,
    body: str,
    on: dt.date | str | None = None,
    *,
    scenario: Scenario | None = None,
    position: str | None = None,
    include_unverified: bool = False,
    model: str = MODEL_IDEAL_POINTS,
    target: float = 0.5,
) -> SwingResult:
    """Rank the members by how much their switch to yes moves the probability of admission, and find
    the smallest set of switches that lifts it above ``target``.

    Parameters
    ----------
    case : Case
    body : str
        Body id or alias.
    on : date or str, optional
        Default today.
    scenario : Scenario, optional
    position : str, optional
    include_unverified : bool, default=False
    model : {"ideal_points", "class"}, default="ideal_points"
    target : float, default=0.5

    Returns
    -------
    SwingResult
        ``states``: one row per member of a modelled stage, with its P(yes) in the ballot (if any), the
        admission probability after its switch and the gain, largest first; ``smallest_set`` and ``path``
        (the probability after each switch); ``method`` is ``exact`` or ``greedy`` and ``statement``
        says why.

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> r = swing(load_case(), "UNESCO", "2015-11-09")
    >>> r.method in ("exact", "greedy") and r.probability < 0.5
    True
    """
    if not 0 < target < 1:
        raise InvalidParameterError(f"The 'target' parameter must be in (0, 1). Got {target}.")
    key = ("membership.swing", body, str(on), scenario.key() if scenario else None, position, include_unverified,
           model, target)
    return case.cached(key, lambda: _swing(case, body, on, scenario, position, include_unverified, model, target))


def _swing(
    case: Case,
    body: str,
    on: dt.date | str | None,
    scenario: Scenario | None,
    position: str | None,
    include_unverified: bool,
    model: str,
    target: float,
) -> SwingResult:
    si = stage_inputs(
        case, body, on, scenario=scenario, position=position, include_unverified=include_unverified, model=model
    )
    initial = [_copy(s) for s in si.stages]
    stages = [_copy(s) for s in si.stages]

    def total(values: list[float]) -> float:
        return float(np.prod(values)) if values else 1.0

    def after_each() -> tuple[list[float], dict[str, float]]:
        values = [_stage_value(s) for s in stages]
        per_stage = [_stage_switches(s) for s in stages]
        members = sorted({m for s in stages for m in s.members})
        out = {}
        for m in members:
            out[m] = total([ps.get(m, v) for ps, v in zip(per_stage, values, strict=True)])
        return values, out

    values, single = after_each()
    base = total(values)
    rows = []
    for m, val in single.items():
        p_yes = next(
            (float(s.p[s.members.index(m), 0]) for s in initial if s.p is not None and m in s.members), None
        )
        rows.append(
            {
                "iso3": m,
                "name": si.names.get(m, m),
                "stages": ";".join(s.stage.id for s in initial if m in s.members),
                "p_yes": p_yes,
                "probability_after": val,
                "gain": val - base,
            }
        )
    states = pd.DataFrame(rows)
    if not states.empty:
        states = states.sort_values(["gain", "iso3"], ascending=[False, True]).reset_index(drop=True)
    switched: list[str] = []
    path: list[dict[str, Any]] = []
    current = base
    after = single
    limit = len(single)
    while current <= target and len(switched) < limit:
        cand = {m: v for m, v in after.items() if m not in switched}
        if not cand:
            break
        best = max(cand, key=lambda m: (cand[m], m not in switched, -ord(m[0])))
        if cand[best] <= current + 1e-15:
            # no single switch helps: take the member with the lowest P(yes) where a switch is possible
            break
        _apply(stages, best)
        switched.append(best)
        values, after = after_each()
        current = total(values)
        path.append({"iso3": best, "name": si.names.get(best, best), "probability": current})
    reached = current > target
    method, statement = _exactness(initial, switched, reached, target)
    if base > target:
        method, statement = "exact", f"no switch needed: the probability is already above {target:g}"
    return SwingResult(
        si.body, si.date, si.position, si.scenario, base, states, switched if reached else [], path, reached,
        method, statement, si.model, si.model_label, si.rests_on,
    )


def swing_report(case: Case, on: dt.date | str | None = None, top: int = 5) -> dict[str, Any]:
    """The report's section "Whose vote is needed": every body's swing analysis on a day (default today).

    Parameters
    ----------
    case : Case
    on : date or str, optional
    top : int, default=5
        Members listed per body, largest gain first.

    Returns
    -------
    dict
        ``bodies``: per body ``body``, ``probability``, ``top`` (iso3, name, probability after the switch,
        gain), ``smallest_set``, ``method``, ``statement``; ``model_label`` and ``rests_on`` (what the
        probabilities rest on); ``note`` when the case has no membership data.
    """
    from dialoguelab.errors import DialoguelabError
    from dialoguelab.membership.data import membership_data

    if top < 1:
        raise InvalidParameterError(f"The 'top' parameter must be ≥ 1. Got {top}.")
    try:
        bodies = list(membership_data(case).bodies)
    except DialoguelabError as exc:
        return {"bodies": [], "note": f"not available: {exc}", "model_label": "", "rests_on": []}
    out = []
    label, rests_on = "", []
    for b in bodies:
        r = swing(case, b, on)
        label, rests_on = r.model_label, r.rests_on
        out.append(
            {
                "body": r.body,
                "date": r.date,
                "probability": r.probability,
                "top": r.states.head(top)[["iso3", "name", "probability_after", "gain"]].to_dict(orient="records"),
                "smallest_set": r.smallest_set,
                "path": r.path,
                "method": r.method,
                "statement": r.statement,
            }
        )
    return {"bodies": out, "note": None, "model_label": label, "rests_on": rests_on}
