"""A vote model for ballots: exact tally distributions and admission probabilities.

Each member *i* votes yes, no, abstain or stays away with probabilities ``p_i = (y, n, a, d)`` that
depend on its stance class (recognizes, does_not, withdrew, opponent; a supporter votes like a
recogniser) and on scenario overrides (a fixed vote is a point mass; ``set_probabilities`` replaces a
class's vector). Members vote independently.

Exact distribution (no sampling)
--------------------------------
The joint law of (Y, X), yes votes and the other votes that enter the base of a majority, is the
coefficient array of the generating function ``prod_i (d_i + y_i s + x_i t)``, computed by dynamic
programming over members in O(n^3) operations on an (n+1)×(n+1) array (Y and X are the counts; for a
present-and-voting base X counts the noes, for a present base the noes and abstentions). Admission
probability sums the array over the cells where the rule passes. Veto holders enter by conditioning
(the stage passes only if none of them votes no: a factor ``prod (1 - n_v)`` and their conditional
vectors in the count); consensus is ``prod (1 - n_i)``; unanimity ``prod (1 - b_i)`` with ``b_i`` the
probability of a blocking vote (no, and abstain/absent where the rule says they block: under TFEU
Art. 238(4) an abstention does not). A body's admission probability multiplies its stages'
probabilities (stages are taken as independent).

Where the model applies
-----------------------
The model is a model of ballots. :func:`admission_probability` applies it only to stages whose
``procedure`` is a vote (``secret_ballot``; ``recorded_vote`` with a label saying so). A stage decided
without a ballot (``consensus``: adopted unless someone objects; ``ratification`` by each member) gets
probability 1 or 0 from the derived votes (declared positions and the scenario), labelled "follows
declared positions; not a ballot" (:func:`stage_label`).

Calibration (maximum likelihood)
--------------------------------
To keep the parameters identified by a handful of tallies, the calibrated model shares the abstention
and absence rates across classes: ``p_c = (u s_c, u (1 - s_c), a, d)`` with ``u + a + d = 1``. Then
``P(Y=y, N=n, A=a) = C(N-v, a) a^a d^(N-v-a) u^v E_v(y)`` with ``v = y + n`` and ``E_v(y)`` the
coefficient of ``t^v x^y`` in ``prod_i (1 + t(1 - s_i) + t s_i x)``, again exact by dynamic
programming. Parameters maximise the log-likelihood of the real tallies plus a weak Beta(2, 2) /
Dirichlet(2, 2, 2) log-prior (``prior=1``; ``prior=0`` gives plain maximum likelihood), which keeps
leave-one-out fits defined when a fold has fewer tallies than parameters.

References: generating functions for voting counts as in Alonso-Meijide & Bowles (2005),
Annals of Operations Research 137, 21-44, doi:10.1007/s10479-005-2243-6.
"""

from __future__ import annotations

__all__ = [
    "VOTE_CLASSES",
    "DEFAULT_PROBABILITIES",
    "METHOD_VOTE_MODEL",
    "METHOD_DECLARED",
    "METHOD_NOT_MODELLED",
    "LABEL_DECLARED",
    "LABEL_NOT_MODELLED",
    "stage_label",
    "StageProbability",
    "AdmissionResult",
    "Calibration",
    "joint_distribution",
    "marginal_distribution",
    "stage_probability",
    "majority_probability",
    "pass_mask",
    "X_COLUMNS",
    "monte_carlo_probability",
    "member_matrix",
    "admission_probability",
    "admission",
    "calibrate",
    "fitted_probabilities",
    "class_model_probabilities",
    "PRIOR_BETA",
    "FIT_OPTIONS",
    "CACHE_FORMAT",
    "calibration_cache_dir",
    "MODEL_IDEAL_POINTS",
    "MODEL_CLASS",
    "VOTE_MODELS",
    "StageInput",
    "StageInputs",
    "stage_inputs",
    "vote_model_basis",
]

import datetime as dt
import functools
import hashlib
import json
import logging
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import gammaln

from dialoguelab.cachedir import cache_dir
from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership import idealpoints
from dialoguelab.membership.data import membership_data
from dialoguelab.membership.rules import (
    PROCEDURES_WITHOUT_BALLOT,
    AllOf,
    Base,
    Consensus,
    Majority,
    Quota,
    Rule,
    Stage,
    Unanimity,
    Veto,
    WeightedQuota,
    required_yes,
)
from dialoguelab.membership.scenarios import Scenario
from dialoguelab.membership.world import SEAT_PREFIX, World, as_date, world
from dialoguelab.memo import Memo

VOTE_CLASSES = ("recognizes", "does_not", "withdrew", "opponent")
_VOTE_INDEX = {"yes": 0, "no": 1, "abstain": 2, "absent": 3}
#: Used only when a case has no calibration tallies: a recogniser votes yes, others no, with some slack.
DEFAULT_PROBABILITIES: dict[str, tuple[float, float, float, float]] = {
    "recognizes": (0.8, 0.05, 0.1, 0.05),
    "does_not": (0.2, 0.4, 0.3, 0.1),
    "withdrew": (0.2, 0.4, 0.3, 0.1),
    "opponent": (0.01, 0.95, 0.02, 0.02),
}


def _check_matrix(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    if p.ndim != 2 or p.shape[1] != 4:
        raise InvalidParameterError(
            f"Vote probabilities must be an array of shape (n, 4). Got shape {p.shape}."
        )
    if (p < -1e-12).any() or not np.allclose(p.sum(axis=1), 1.0, atol=1e-9):
        raise InvalidParameterError(
            "Each member's probabilities (yes, no, abstain, absent) must be ≥ 0 and sum to 1."
        )
    return np.clip(p, 0.0, 1.0)


def joint_distribution(p: np.ndarray, x_columns: tuple[int, ...] = (1,)) -> np.ndarray:
    """Exact joint law of (Y, X): yes votes and the votes in ``x_columns`` (default: no).

    Parameters
    ----------
    p : array-like of shape (n, 4)
        Per-member probabilities of yes, no, abstain, absent.
    x_columns : tuple of int, default=(1,)
        Columns counted in X (1 = no, 2 = abstain, 3 = absent).

    Returns
    -------
    ndarray of shape (n+1, n+1)
        ``J[y, x] = P(Y = y, X = x)``.

    Examples
    --------
    >>> J = joint_distribution([[0.5, 0.5, 0, 0]])
    >>> J.tolist()
    [[0.0, 0.5], [0.5, 0.0]]
    """
    p = _check_matrix(np.asarray(p, dtype=float))
    n = p.shape[0]
    py = p[:, 0]
    px = p[:, list(x_columns)].sum(axis=1)
    po = 1.0 - py - px
    J = np.zeros((n + 1, n + 1))
    J[0, 0] = 1.0
    for i in range(n):
        k = i + 1  # support after i+1 members is [0..k] x [0..k]
        new = po[i] * J[: k + 1, : k + 1]
        new[1:, :] += py[i] * J[:k, : k + 1]
        new[:, 1:] += px[i] * J[: k + 1, :k]
        J[: k + 1, : k + 1] = new
    return J


def marginal_distribution(p: np.ndarray, column: int) -> np.ndarray:
    """Exact law of the number of members voting ``column`` (0 yes, 1 no, 2 abstain, 3 absent)."""
    p = _check_matrix(np.asarray(p, dtype=float))
    q = p[:, column]
    dist = np.zeros(p.shape[0] + 1)
    dist[0] = 1.0
    for i, qi in enumerate(q):
        dist[1 : i + 2] = dist[1 : i + 2] * (1 - qi) + dist[: i + 1] * qi
        dist[0] *= 1 - qi
    return dist


def majority_probability(p: np.ndarray, rule: Majority, x_columns: tuple[int, ...] = (1,)) -> float:
    """Exact probability that a lone majority passes, from the law of one score instead of the joint law.

    With the fraction ``a/d``, yes votes ``Y`` and the other votes of the base ``X`` (no; with abstentions
    or absences as the base says), ``Y >= a/d (Y + X)`` is ``S = (d - a) Y - a X >= 0``: each member adds
    ``d - a`` (yes), ``-a`` (a vote of ``X``) or 0 to ``S``, whose law is a one-dimensional convolution,
    O(n^2 d) instead of the O(n^3) of :func:`joint_distribution`. The rule also wants at least one yes
    (``S >= 0`` with no vote at all is excluded: ``P(Y = 0, X = 0)`` is taken off); a strict majority is
    ``S > 0``. Equal to the joint-law computation within rounding (tested).
    """
    a, d = rule.fraction.numerator, rule.fraction.denominator
    up, down = d - a, a
    p = np.asarray(p, dtype=float)
    n = p.shape[0]
    py = p[:, 0]
    px = p[:, list(x_columns)].sum(axis=1)
    po = np.clip(1.0 - py - px, 0.0, 1.0)
    zero = down * n  # the index of S = 0
    dist = np.zeros(up * n + down * n + 1)
    dist[zero] = 1.0
    for i in range(n):
        new = po[i] * dist
        if up:
            new[up:] += py[i] * dist[:-up]
        else:
            new += py[i] * dist
        new[:-down] += px[i] * dist[down:]
        dist = new
    if rule.strict:
        return float(dist[zero + 1 :].sum())
    return float(max(0.0, dist[zero:].sum() - float(np.prod(po))))


def _leaves(rule: Rule) -> list[Rule]:
    return [x for r in rule.rules for x in _leaves(r)] if isinstance(rule, AllOf) else [rule]


#: Stage probabilities and vote-count laws already computed, by their exact inputs (a monthly series asks the
#: same question again for every month in which nothing changed).
_STAGE_MEMO: Memo[float] = Memo(4096)
#: The vote columns (1 no, 2 abstain, 3 absent) counted beside yes in a majority's base.
X_COLUMNS: dict[Base, tuple[int, ...]] = {
    Base.PRESENT_AND_VOTING: (1,),
    Base.PRESENT: (1, 2),
    Base.ALL_MEMBERS: (1, 2, 3),
}
_MARGINAL_MEMO: Memo[tuple[list[float], list[float]]] = Memo(1024)


def stage_probability(rule: Rule, members: tuple[str, ...], p: np.ndarray) -> float:
    """Exact probability that ``rule`` passes when ``members`` vote with probabilities ``p`` (in order).

    The answer is remembered for the same rule, members and probabilities (exactly the same bytes).
    """
    p = _check_matrix(np.asarray(p, dtype=float)).copy()
    if len(members) != p.shape[0]:
        raise InvalidParameterError("members and probability rows must have the same length.")
    return _STAGE_MEMO.get((repr(rule), tuple(members), p.tobytes()), lambda: _stage_probability(rule, members, p))


def _yes_no_laws(p: np.ndarray) -> tuple[list[float], list[float]]:
    """The exact laws of the yes and the no count (remembered for the same probabilities)."""
    p = np.ascontiguousarray(p, dtype=float)
    return _MARGINAL_MEMO.get(
        (p.shape, p.tobytes()),
        lambda: ([float(x) for x in marginal_distribution(p, 0)], [float(x) for x in marginal_distribution(p, 1)]),
    )


def _stage_probability(rule: Rule, members: tuple[str, ...], p: np.ndarray) -> float:
    idx = {m: i for i, m in enumerate(members)}
    factor = 1.0
    counts: list[Rule] = []
    for r in _leaves(rule):
        if isinstance(r, (Veto, Consensus, Unanimity)):
            # condition every veto player on not casting a blocking vote (no; for unanimity also
            # abstain and/or absent, as the rule says): a factor P(not blocking) per player
            cols = [_VOTE_INDEX[v] for v in r.blocking_votes] if isinstance(r, Unanimity) else [1]
            who = [idx[v] for v in r.veto_players(members)]
            for i in who:
                keep = 1.0 - float(p[i, cols].sum())
                factor *= keep
                if keep > 0:
                    row = p[i].copy()
                    row[cols] = 0.0
                    p[i] = row / keep
        else:
            counts.append(r)
    if factor == 0.0 or not counts:
        return float(factor)
    n = len(members)
    bases = {r.base for r in counts if isinstance(r, Majority)}
    if len(bases) > 1:
        raise InvalidParameterError("A stage with majorities of different bases is not supported.")
    weighted = [r for r in counts if isinstance(r, WeightedQuota)]
    if weighted:
        if len(counts) > 1:
            raise InvalidParameterError("A weighted quota combined with other counts is not supported.")
        wq = weighted[0]
        w = wq.weight_of
        total = sum(w.get(m, 0) for m in members)
        dist = np.zeros(total + 1)
        dist[0] = 1.0
        for i, m in enumerate(members):
            wi = w.get(m, 0)
            if wi:
                new = dist * (1 - p[i, 0])
                new[wi:] += dist[:-wi] * p[i, 0]
                dist = new
        return float(factor * dist[wq.quota :].sum()) if wq.quota <= total else 0.0
    base = bases.pop() if bases else Base.PRESENT_AND_VOTING
    xcols = X_COLUMNS[base]
    if len(counts) == 1 and isinstance(counts[0], Majority):
        return float(factor * majority_probability(p, counts[0], xcols))
    J = joint_distribution(p, xcols)
    return float(factor * J[pass_mask(counts, n)].sum())


def pass_mask(counts: list[Rule], n: int) -> np.ndarray:
    """``M[y, x]``: whether ``y`` yes votes and ``x`` other votes of the base pass every count (quotas, majorities)."""
    y = np.arange(n + 1)[:, None]
    x = np.arange(n + 1)[None, :]
    mask = np.ones((n + 1, n + 1), dtype=bool)
    for r in counts:
        if isinstance(r, Quota):
            mask &= y >= r.min_yes
        elif isinstance(r, Majority):
            b = y + x
            if r.strict:
                need = np.floor(r.fraction.numerator * b / r.fraction.denominator) + 1
            else:
                need = np.maximum(1, -((-r.fraction.numerator * b) // r.fraction.denominator))
            mask &= (y >= need) & (b > 0)
    return mask


def monte_carlo_probability(
    rule: Rule, members: tuple[str, ...], p: np.ndarray, n_samples: int = 20000, seed: int = 0
) -> tuple[float, float]:
    """Monte Carlo estimate of :func:`stage_probability` and its standard error (for cross-checks)."""
    from dialoguelab.membership.rules import Ballot

    p = _check_matrix(np.asarray(p, dtype=float))
    rng = np.random.default_rng(seed)
    cum = np.cumsum(p, axis=1)
    names = ("yes", "no", "abstain", "absent")
    hits = 0
    for _ in range(n_samples):
        u: np.ndarray = np.asarray(rng.random(p.shape[0]))
        k = (u[:, None] > cum).sum(axis=1)
        ballot = Ballot(members, {m: names[min(int(j), 3)] for m, j in zip(members, k, strict=True)})  # type: ignore[misc]
        hits += rule.evaluate(ballot).passed
    est = hits / n_samples
    return est, math.sqrt(max(est * (1 - est), 1e-12) / n_samples)


# ----------------------------------------------------------------- world-level functions


def member_matrix(
    w: World, body_id: str, stage: Stage, probs: dict[str, tuple[float, float, float, float]]
) -> tuple[tuple[str, ...], np.ndarray]:
    """Members of a stage's organ and their vote probabilities (overrides applied)."""
    members = w.organ(body_id, stage)
    over = w.probabilities_override()
    rows = []
    for m in members:
        fixed = w.vote_override(m, body_id)
        if fixed is not None:
            row = [0.0, 0.0, 0.0, 0.0]
            row[_VOTE_INDEX[fixed]] = 1.0
        elif m.startswith(SEAT_PREFIX):
            row = [1.0, 0.0, 0.0, 0.0]
        else:
            c = w.stance_class(m, body_id)
            key = "recognizes" if c == "supporter" else c
            row = list(
                over.get(c, over.get(key, probs.get(key, DEFAULT_PROBABILITIES.get(key, (1.0, 0, 0, 0)))))
            )
        rows.append(row)
    return members, np.array(rows, dtype=float).reshape(len(members), 4)


#: The vote models: the per-state ideal-point model (default) and the class model (the baseline).
MODEL_IDEAL_POINTS = "ideal_points"
MODEL_CLASS = "class"
VOTE_MODELS = (MODEL_IDEAL_POINTS, MODEL_CLASS)
#: How a stage's probability was obtained (``StageProbability.method``).
METHOD_VOTE_MODEL = "vote_model"
METHOD_DECLARED = "declared_positions"
METHOD_NOT_MODELLED = "not_modelled"
#: The label of a stage decided without a ballot (consensus, ratification).
LABEL_DECLARED = "follows declared positions; not a ballot"
LABEL_NOT_MODELLED = "organ not modelled member by member: assumed to pass"


def stage_label(procedure: str | None, verified: bool) -> tuple[str, str]:
    """The method and the label shown beside a modelled stage's probability.

    Parameters
    ----------
    procedure : {"secret_ballot", "recorded_vote", "consensus", "ratification"} or None
        How the organ decides (``Stage.procedure``).
    verified : bool
        Whether the procedure was checked against a source.

    Returns
    -------
    tuple of str
        ``(method, label)``: ``method`` is :data:`METHOD_DECLARED` for consensus and ratification (the
        probability is 0 or 1, from the derived votes) and :data:`METHOD_VOTE_MODEL` otherwise.

    Examples
    --------
    >>> stage_label("consensus", True)
    ('declared_positions', 'follows declared positions; not a ballot')
    >>> stage_label("secret_ballot", True)[1]
    'vote model (secret ballot)'
    """
    if procedure in PROCEDURES_WITHOUT_BALLOT:
        label = LABEL_DECLARED if verified else LABEL_DECLARED + " (procedure not verified)"
        return METHOD_DECLARED, label
    unverified = "" if verified else "; procedure not verified"
    if procedure == "secret_ballot":
        label = "vote model (secret ballot" + (")" if verified else " assumed" + unverified + ")")
    elif procedure == "recorded_vote":
        label = (
            "vote model applied to a recorded vote (fitted to past roll calls; the members' recognitions and "
            "declared stances enter as facts, their announced votes do not" + unverified + ")"
        )
    else:
        label = "vote model (the data do not say how this organ votes)"
    return METHOD_VOTE_MODEL, label


@dataclass
class StageProbability:
    """A stage's exact tally distribution summary and pass probability.

    ``method`` says how ``probability`` was obtained: ``vote_model`` (the vote model, exact
    over its tally distribution), ``declared_positions`` (a stage without a ballot: 1 if no member
    blocks on the derived votes, else 0) or ``not_modelled``; ``label`` says it in words.
    """

    stage: str
    name: str
    modelled: bool
    members: int
    probability: float
    expected: dict[str, float]
    required_at_expected: int | None
    yes_distribution: list[float] = field(default_factory=list)
    no_distribution: list[float] = field(default_factory=list)
    procedure: str | None = None
    procedure_verified: bool = False
    method: str = METHOD_VOTE_MODEL
    label: str = ""


@dataclass
class AdmissionResult:
    """Admission probability of the applicant in a body, with per-stage detail.

    ``model`` says which vote model gave the ballot stages' probabilities and ``rests_on`` which roll
    calls it was fitted on (``model_label`` says both in words); ``class_probabilities`` holds the class
    model's vectors when that model was used (empty otherwise). ``basis`` is ``vote_model`` or
    ``declared_positions`` when every modelled stage used that method, ``mixed`` otherwise
    (``not_modelled`` when no stage is modelled); ``label`` says it in words.
    """

    body: str
    date: str
    position: str
    scenario: str | None
    probability: float
    stages: list[StageProbability]
    class_probabilities: dict[str, tuple[float, float, float, float]]
    basis: str = METHOD_VOTE_MODEL
    label: str = ""
    #: the day the data were checked up to, and whether ``date`` is later (the answer is then a projection)
    data_verified_to: str | None = None
    projection: bool = False
    #: ``ideal_points`` (the per-state model) or ``class`` (one vector per stance class)
    model: str = MODEL_IDEAL_POINTS
    #: the roll calls the vote model was fitted on
    rests_on: list[str] = field(default_factory=list)
    #: what the probabilities rest on, in words
    model_label: str = ""


def _required_at(rule: Rule, expected: dict[str, float], n: int) -> int | None:
    for r in _leaves(rule):
        if isinstance(r, Majority):
            base = {
                Base.PRESENT_AND_VOTING: expected["yes"] + expected["no"],
                Base.PRESENT: expected["yes"] + expected["no"] + expected["abstain"],
                Base.ALL_MEMBERS: float(n),
            }[r.base]
            return required_yes(r.fraction, round(base), r.strict)
        if isinstance(r, Quota):
            return r.min_yes
    return None


@dataclass
class _VoteModel:
    fitted: idealpoints.IdealPointFit | None
    probs: dict[str, tuple[float, float, float, float]]
    model: str
    rests_on: list[str]
    label: str


def _vote_model(case: Case, position: str, model: str, probs_key: str | None) -> _VoteModel:
    """Which vote model applies, its parameters, and what it rests on."""
    if probs_key is not None:
        probs = {k: tuple(v) for k, v in json.loads(probs_key).items()}
        return _VoteModel(
            None, probs, MODEL_CLASS, [], "class model with the probabilities given"  # type: ignore[arg-type]
        )
    if model == MODEL_IDEAL_POINTS:
        f = idealpoints.fit(case, position, laplace=False)
        if f"admission:{case.applicant.iso3}" in f.groups:
            return _VoteModel(f, {}, MODEL_IDEAL_POINTS, list(f.votes), idealpoints.model_label(f))
    # the class model: asked for, or no roll call on this applicant to fit per-state probabilities on
    probs = fitted_probabilities(case, position=position)
    rests_on = [o.id for o in _observations(case, position)]
    label = "class model (one probability vector per stance class) fitted on the tallies " + (
        ", ".join(rests_on) if rests_on else "of no roll call (default vectors)"
    )
    return _VoteModel(None, probs, MODEL_CLASS, rests_on, label)


def vote_model_basis(case: Case, position: str | None = None, model: str = MODEL_IDEAL_POINTS) -> dict[str, Any]:
    """Which vote model gives a case's admission probabilities and which roll calls it rests on.

    Parameters
    ----------
    case : Case
    position : str, optional
    model : {"ideal_points", "class"}, default="ideal_points"

    Returns
    -------
    dict
        ``model`` (the one used: ``class`` when there is no roll call on the applicant to fit the per-state
        model on), ``rests_on`` (roll-call ids), ``admission_votes`` (those that are admission votes on the
        case's applicant), ``fitted`` (whether any roll call on the applicant was used) and ``label``.
    """
    if model not in VOTE_MODELS:
        raise InvalidParameterError(f"The 'model' parameter must be one of {', '.join(VOTE_MODELS)}. Got {model!r}.")
    vm = _vote_model(case, case.position_role(position), model, None)
    own = {r.id for r in membership_data(case).admission_rollcalls()}
    admission = [v for v in vm.rests_on if v in own]
    return {"model": vm.model, "rests_on": vm.rests_on, "admission_votes": admission, "fitted": bool(admission),
            "label": vm.label}


@dataclass
class StageInput:
    """What a stage's probability is computed from: its members with their vote probabilities (a ballot
    stage) or their derived votes (a stage without a ballot)."""

    stage: Stage
    method: str
    members: tuple[str, ...]
    p: np.ndarray | None = None
    ballot: Any = None


@dataclass
class StageInputs:
    """The inputs of every modelled stage of a body's admission, and the vote model behind them."""

    body: str
    date: str
    position: str
    scenario: str | None
    stages: list[StageInput]
    model: str
    rests_on: list[str]
    model_label: str
    names: dict[str, str]


def stage_inputs(
    case: Case,
    body: str,
    on: dt.date | str | None = None,
    *,
    scenario: Scenario | None = None,
    position: str | None = None,
    include_unverified: bool = False,
    model: str = MODEL_IDEAL_POINTS,
) -> StageInputs:
    """Members and vote probabilities (or derived ballots) of each modelled stage of a body's admission.

    The same inputs :func:`admission_probability` turns into probabilities; :mod:`dialoguelab.membership.swing`
    changes members' votes in them.

    Parameters
    ----------
    case : Case
    body : str
    on : date or str, optional
    scenario : Scenario, optional
    position : str, optional
    include_unverified : bool, default=False
    model : {"ideal_points", "class"}, default="ideal_points"

    Returns
    -------
    StageInputs
    """
    if model not in VOTE_MODELS:
        raise InvalidParameterError(f"The 'model' parameter must be one of {', '.join(VOTE_MODELS)}. Got {model!r}.")
    b = membership_data(case).body(body)
    d = as_date(on)
    role = case.position_role(position)
    w = world(case, d, scenario=scenario, position=role, include_unverified=include_unverified)
    vm = _vote_model(case, role, model, None)
    out = []
    names: dict[str, str] = {}
    for st in w.data.stages[b.id]:
        if not st.modelled:
            continue
        method, _ = stage_label(st.procedure, st.procedure_verified)
        if method == METHOD_DECLARED:
            ballot = w.ballot(b.id, st)
            out.append(StageInput(st, method, tuple(ballot.members), None, ballot))
            members = tuple(ballot.members)
        elif vm.fitted is not None:
            members, p = idealpoints.member_probabilities(w, b.id, st, vm.fitted)
            out.append(StageInput(st, method, members, p))
        else:
            members, p = member_matrix(w, b.id, st, vm.probs)
            out.append(StageInput(st, method, members, p))
        names.update({m: w.name(m) for m in members})
    return StageInputs(
        b.id, d.isoformat(), case.position_id(role), scenario.name if scenario else None, out, vm.model,
        vm.rests_on, vm.label, names,
    )


def _compute_admission(
    case: Case,
    body: str,
    on: dt.date,
    scenario: Scenario | None,
    position: str,
    unverified: bool,
    probs_key: str | None,
    model: str = MODEL_IDEAL_POINTS,
) -> AdmissionResult:
    w = world(case, on, scenario=scenario, position=position, include_unverified=unverified)
    vm = _vote_model(case, position, model, probs_key)
    fitted, probs, model, rests_on, mlabel = vm.fitted, vm.probs, vm.model, vm.rests_on, vm.label
    b = w.data.body(body)
    total = 1.0
    stages = []
    for st in w.data.stages[b.id]:
        if not st.modelled:
            stages.append(
                StageProbability(
                    st.id, st.name, False, 0, 1.0, {}, None, [], [], st.procedure, st.procedure_verified,
                    METHOD_NOT_MODELLED, LABEL_NOT_MODELLED,
                )
            )
            continue
        method, label = stage_label(st.procedure, st.procedure_verified)
        if method == METHOD_DECLARED:
            ballot = w.ballot(b.id, st)
            ev = st.rule.evaluate(ballot)
            n = len(ballot.members)
            t = ev.tally
            prob = 1.0 if ev.passed else 0.0
            total *= prob
            stages.append(
                StageProbability(
                    st.id,
                    st.name,
                    True,
                    n,
                    prob,
                    {k: float(v) for k, v in t.as_dict().items()},
                    ev.required,
                    [1.0 if k == t.yes else 0.0 for k in range(n + 1)],
                    [1.0 if k == t.no else 0.0 for k in range(n + 1)],
                    st.procedure,
                    st.procedure_verified,
                    method,
                    label,
                )
            )
            continue
        if fitted is not None:
            members, p = idealpoints.member_probabilities(w, b.id, st, fitted)
        else:
            members, p = member_matrix(w, b.id, st, probs)  # type: ignore[arg-type]
        prob = stage_probability(st.rule, members, p)
        total *= prob
        exp = {k: float(p[:, i].sum()) for k, i in _VOTE_INDEX.items()}
        stages.append(
            StageProbability(
                st.id,
                st.name,
                True,
                len(members),
                prob,
                exp,
                _required_at(st.rule, exp, len(members)),
                *_yes_no_laws(p),
                st.procedure,
                st.procedure_verified,
                method,
                label,
            )
        )
    methods = {s.method for s in stages if s.modelled}
    basis = methods.pop() if len(methods) == 1 else ("mixed" if methods else METHOD_NOT_MODELLED)
    labels: list[str] = []
    for s in stages:
        if s.modelled and s.label not in labels:
            labels.append(s.label)
    return AdmissionResult(
        b.id,
        on.isoformat(),
        case.position_id(position),
        scenario.name if scenario else None,
        total,
        stages,
        {k: (float(v[0]), float(v[1]), float(v[2]), float(v[3])) for k, v in probs.items()},
        basis,
        "; ".join(labels) if labels else LABEL_NOT_MODELLED,
        w.data.verified_to.isoformat() if w.data.verified_to else None,
        w.data.is_projection(on),
        model=model,
        rests_on=rests_on,
        model_label=mlabel,
    )


def admission_probability(
    case: Case,
    body: str,
    on: dt.date | str | None = None,
    *,
    scenario: Scenario | None = None,
    position: str | None = None,
    include_unverified: bool = False,
    probabilities: dict[str, tuple[float, float, float, float]] | None = None,
    model: str = MODEL_IDEAL_POINTS,
) -> AdmissionResult:
    """Exact probability that the applicant is admitted to ``body`` on ``on``, under the vote model.

    Parameters
    ----------
    case : Case
    body : str
    on : date or str, optional
    scenario : Scenario, optional
    position : str, optional
        One of ``case.positions()``; default the applicant's.
    include_unverified : bool, default=False
    probabilities : dict, optional
        Class → (yes, no, abstain, absent): use the class model with these vectors.
    model : {"ideal_points", "class"}, default="ideal_points"
        The per-state ideal-point model (:mod:`dialoguelab.membership.idealpoints`), or the class model
        calibrated on the applicant's tallies (:func:`calibrate`; the earlier model, kept as a baseline).
        A case with no roll call on its applicant falls back to the class model.

    Returns
    -------
    AdmissionResult
        ``model``, ``rests_on`` and ``model_label`` say which model and which roll calls the
        probability rests on.

    Notes
    -----
    Members vote independently given their probabilities; the tally distribution is then exact
    (:func:`joint_distribution`). In the ideal-point model each member's probabilities already average
    over the vote-level shift, so the tally distribution understates swings that move every member
    together.
    """
    if model not in VOTE_MODELS:
        raise InvalidParameterError(
            f"The 'model' parameter of admission_probability must be one of {', '.join(VOTE_MODELS)}. Got {model!r}."
        )
    b = membership_data(case).body(body)
    d = as_date(on)
    role = case.position_role(position)
    world(case, d, position=role)  # validates the date
    pkey = json.dumps({k: list(v) for k, v in sorted(probabilities.items())}) if probabilities else None
    skey = scenario.key() if scenario else None
    return case.cached(
        ("membership.admission", b.id, d, skey, role, include_unverified, pkey, model),
        lambda: _compute_admission(case, b.id, d, scenario, role, include_unverified, pkey, model),
    )


admission = admission_probability


# ----------------------------------------------------------------- calibration


@dataclass
class Calibration:
    """Fitted class probabilities with the fit's diagnostics."""

    probabilities: dict[str, tuple[float, float, float, float]]
    log_likelihood: float
    votes: list[str]
    fit: pd.DataFrame
    leave_one_out: pd.DataFrame
    prior: float
    position: str


@dataclass
class _Obs:
    id: str
    counts: dict[str, int]
    yes: int
    no: int
    abstain: int
    n: int
    rule: Rule
    members: tuple[str, ...]
    classes: tuple[str, ...]


def _e_coef(counts: dict[str, int], s: np.ndarray, v: int, y: int) -> np.ndarray:
    """Coefficient of t^v x^y in prod over members of (1 + t(1-s_i) + t s_i x), by dynamic programming.

    ``s`` has shape (B, len(VOTE_CLASSES)): B parameter vectors are processed at once (for gradients).
    Returns an array of shape (B,).
    """
    s = np.atleast_2d(s)
    B = s.shape[0]
    E = np.zeros((B, v + 1, y + 1))
    E[:, 0, 0] = 1.0
    k = 0
    for ci, c in enumerate(VOTE_CLASSES):
        sc = s[:, ci][:, None, None]
        for _ in range(counts.get(c, 0)):
            k += 1
            hi = min(k, v)
            new = E[:, : hi + 1].copy()
            new[:, 1:] += (1 - sc) * E[:, :hi]
            new[:, 1:, 1:] += sc * E[:, :hi, :-1]
            E[:, : hi + 1] = new
    return E[:, v, y]


@functools.lru_cache(maxsize=64)
def _block_terms(n: int, v: int, y: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Parameter-free parts of :func:`_class_block`: log C(n,k)C(k,j), j, k - j and the support mask."""
    k = np.arange(v + 1)[:, None]
    j = np.arange(y + 1)[None, :]
    ok = (k <= n) & (j <= k)
    kk = np.where(ok, k, 0)
    jj = np.where(ok, j, 0)
    logc = gammaln(n + 1) - gammaln(n - kk + 1) - gammaln(jj + 1) - gammaln(kk - jj + 1)
    out = (logc, jj.astype(float), (kk - jj).astype(float), ok)
    for a in out:
        a.flags.writeable = False  # shared by every caller of the cache
    return out


def _class_block(n: int, s: np.ndarray, v: int, y: int) -> np.ndarray:
    """Coefficients of t^k x^j (k ≤ v, j ≤ y) in (1 + t(1-s) + t s x)^n for B values of s.

    Closed form C(n, k) C(k, j) s^j (1-s)^(k-j) (binomial theorem twice), evaluated in logs.
    Returns an array of shape (B, v+1, y+1).
    """
    logc, jj, rest, ok = _block_terms(n, v, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        ls = np.log(s)[:, None, None]
        l1 = np.log1p(-s)[:, None, None]
        out = np.exp(logc[None] + jj[None] * ls + rest[None] * l1)
    return np.where(ok[None], out, 0.0)


def _e_coef_classes(counts: dict[str, int], s: np.ndarray, v: int, y: int) -> np.ndarray:
    """:func:`_e_coef` exploiting that members of a class are identical (same result, faster).

    The two largest classes enter in closed form (:func:`_class_block`); the members of the smaller
    classes are added one at a time by the dynamic programme of :func:`_e_coef`; the coefficient at
    (v, y) is then one sum over the product of the two arrays, one of them reversed. For the Kosovo
    tallies (a few declared opponents beside two large classes) this is about ten times faster than
    the member-by-member recursion; the two agree to rounding (tested).
    """
    s = np.atleast_2d(s)
    B = s.shape[0]
    order = sorted(range(len(VOTE_CLASSES)), key=lambda i: -counts.get(VOTE_CLASSES[i], 0))
    sizes = [counts.get(VOTE_CLASSES[i], 0) for i in order]
    if y < 0 or y > v or v > sum(sizes):
        return np.zeros(B)
    if sizes[1] > 0:
        E = _class_block(sizes[1], s[:, order[1]], v, y)
    else:
        E = np.zeros((B, v + 1, y + 1))
        E[:, 0, 0] = 1.0
    k = sizes[1]
    for ci, n in zip(order[2:], sizes[2:], strict=True):
        sc = s[:, ci][:, None, None]
        for _ in range(n):
            k += 1
            hi = min(k, v)
            new = E[:, : hi + 1].copy()
            new[:, 1:] += (1 - sc) * E[:, :hi]
            new[:, 1:, 1:] += sc * E[:, :hi, :-1]
            E[:, : hi + 1] = new
    A = _class_block(sizes[0], s[:, order[0]], v, y)
    out: np.ndarray = (E * A[:, ::-1, ::-1]).sum(axis=(1, 2))
    return out


def _loglik(obs: _Obs, s: np.ndarray, u: np.ndarray, a: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Exact log-likelihood of one tally for B parameter vectors (arrays of shape (B, 4) and (B,))."""
    v = obs.yes + obs.no
    rest = obs.n - v - obs.abstain
    if rest < 0:
        return np.full(np.atleast_2d(s).shape[0], -np.inf)
    e = _e_coef_classes(obs.counts, s, v, obs.yes)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (
            math.lgamma(obs.n - v + 1)
            - math.lgamma(obs.abstain + 1)
            - math.lgamma(rest + 1)
            + obs.abstain * np.log(a)
            + rest * np.log(d)
            + v * np.log(u)
            + np.log(e)
        )


#: Beta pseudo-counts (alpha, beta) for each class's yes-share among yes/no voters, per unit of ``prior``:
#: recognisers lean yes, non-recognisers and withdrawers lean no, declared opponents strongly no.
PRIOR_BETA = {
    "recognizes": (4.0, 1.0),
    "does_not": (1.0, 4.0),
    "withdrew": (1.0, 4.0),
    "opponent": (1.0, 9.0),
}


def _unpack(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows of parameters (B, 6) to yes-shares (B, 4) and participation rates u, a, d (B,)."""
    theta = np.atleast_2d(theta)
    s = np.clip(1 / (1 + np.exp(-theta[:, :4])), 1e-9, 1 - 1e-9)
    z = np.column_stack([theta[:, 4], theta[:, 5], np.zeros(theta.shape[0])])
    e = np.exp(z - z.max(axis=1, keepdims=True))
    w = e / e.sum(axis=1, keepdims=True)
    return s, w[:, 0], w[:, 1], w[:, 2]


def _probs(
    s: np.ndarray, u: np.ndarray, a: np.ndarray, d: np.ndarray
) -> dict[str, tuple[float, float, float, float]]:
    return {
        c: (float(u[0] * s[0, i]), float(u[0] * (1 - s[0, i])), float(a[0]), float(d[0]))
        for i, c in enumerate(VOTE_CLASSES)
    }


def _fit(obs: list[_Obs], prior: float) -> tuple[np.ndarray, float]:
    from scipy.optimize import minimize  # 0.5 s to import; a fit read from the disk cache needs none

    alpha = np.array([PRIOR_BETA[c][0] for c in VOTE_CLASSES])
    beta = np.array([PRIOR_BETA[c][1] for c in VOTE_CLASSES])

    def post(theta_rows: np.ndarray) -> np.ndarray:
        s, u, a, d = _unpack(theta_rows)
        ll = np.zeros(s.shape[0])
        for o in obs:
            ll = ll + _loglik(o, s, u, a, d)
        lp = prior * (
            ((alpha - 1) * np.log(s) + (beta - 1) * np.log1p(-s)).sum(axis=1)
            + np.log(u)
            + np.log(a)
            + np.log(d)
        )
        out = ll + lp
        return np.where(np.isfinite(out), out, -1e12)

    h = float(FIT_OPTIONS["step"])

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        rows = np.vstack([theta] + [theta + h * np.eye(6)[i] for i in range(6)])
        vals = post(rows)
        return -float(vals[0]), -(vals[1:] - vals[0]) / h

    x0 = np.array(FIT_OPTIONS["x0"], dtype=float)
    res = minimize(
        fun,
        x0,
        jac=True,
        method=str(FIT_OPTIONS["method"]),
        options={"maxiter": FIT_OPTIONS["maxiter"], "ftol": FIT_OPTIONS["ftol"]},
    )
    s, u, a, d = _unpack(res.x)
    total = np.zeros(1)
    for o in obs:
        total = total + _loglik(o, s, u, a, d)
    return res.x, float(total[0])


# ----------------------------------------------------------------- calibration cache on disk

#: The optimiser's settings; part of the cache key, so changing one refits.
FIT_OPTIONS: dict[str, Any] = {
    "method": "L-BFGS-B",
    "maxiter": 150,
    "ftol": 1e-8,
    "step": 1e-5,  # forward-difference step of the gradient
    "x0": (1.5, -1.0, -1.0, -2.0, 1.0, -0.5),
}
#: Layout of the cache file; bump it when the stored fields change.
CACHE_FORMAT = 1
_log = logging.getLogger(__name__)


def calibration_cache_dir() -> Path:
    """The folder holding fitted calibrations: ``<dialoguelab.store.cache_dir()>/membership``.

    ``dialoguelab.store.cache_dir`` honours ``$DIALOGUELAB_CACHE`` (default ``~/.cache/dialoguelab``).
    """
    return cache_dir("membership")


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Hash of this module's source: a change to the likelihood or the optimiser invalidates the cache.

    Falls back to the package version where the source cannot be read (e.g. a zipped install).
    """
    try:
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:
        from dialoguelab import __version__

        return f"version:{__version__}"


def _fit_key(obs: list[_Obs], prior: float) -> tuple[str, dict[str, Any]]:
    """The cache key of a fit and what it hashes.

    The key covers the data the fit sees (for each tally: its id, the class counts of the organ, the
    yes/no/abstain counts and the organ size), the prior and its pseudo-counts, the optimiser settings
    (:data:`FIT_OPTIONS`), the source of this module and the numpy/scipy versions. Edits to the case
    that do not change the tallies or who sits in which class (a note, a source URL) keep the key.
    """
    import scipy

    inputs: dict[str, Any] = {
        "format": CACHE_FORMAT,
        "tallies": [
            [o.id, [o.counts.get(c, 0) for c in VOTE_CLASSES], o.yes, o.no, o.abstain, o.n] for o in obs
        ],
        "classes": list(VOTE_CLASSES),
        "prior": float(prior),
        "prior_beta": {c: list(v) for c, v in PRIOR_BETA.items()},
        "options": {k: list(v) if isinstance(v, tuple) else v for k, v in FIT_OPTIONS.items()},
        "code": _code_fingerprint(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }
    blob = json.dumps(inputs, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest(), inputs


def _cache_file(key: str) -> Path:
    return calibration_cache_dir() / f"calibration-{key[:32]}.json"


def _read_fit(path: Path, key: str) -> tuple[np.ndarray, float] | None:
    """The stored fit if ``path`` holds a well-formed record for ``key``; ``None`` otherwise."""
    try:
        rec = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(rec, dict) or rec.get("format") != CACHE_FORMAT or rec.get("key") != key:
            return None
        theta = np.array(rec["theta"], dtype=float)
        ll = float(rec["log_likelihood"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as exc:  # unreadable or corrupt: refit
        _log.warning("ignoring unreadable calibration cache %s (%s); refitting", path, exc)
        return None
    if theta.shape != (6,) or not np.isfinite(theta).all() or not math.isfinite(ll):
        _log.warning("ignoring malformed calibration cache %s; refitting", path)
        return None
    return theta, ll


def _write_fit(path: Path, key: str, inputs: dict[str, Any], theta: np.ndarray, ll: float) -> None:
    """Write the fit atomically (a temporary file beside the target, then ``os.replace``)."""
    rec = {
        "format": CACHE_FORMAT,
        "key": key,
        "theta": [float(x) for x in theta],
        "log_likelihood": ll,
        "probabilities": _probs(*_unpack(theta)),
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "inputs": inputs,
    }
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        tmp = Path(name)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(rec, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:  # a read-only or full disk costs a refit next time, nothing more
        _log.warning("could not write the calibration cache %s: %s", path, exc)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _fit_persistent(obs: list[_Obs], prior: float) -> tuple[np.ndarray, float]:
    """:func:`_fit`, read from the disk cache when a fit of the same key is stored there."""
    key, inputs = _fit_key(obs, prior)
    try:
        path = _cache_file(key)
    except OSError as exc:  # the cache folder cannot be created
        _log.warning("no calibration cache (%s); fitting in memory only", exc)
        return _fit(obs, prior)
    hit = _read_fit(path, key)
    if hit is not None:
        return hit
    theta, ll = _fit(obs, prior)
    _write_fit(path, key, inputs, theta, ll)
    return theta, ll


def _observations(
    case: Case, position: str, in_model: bool = False, exclude: frozenset[str] = frozenset()
) -> list[_Obs]:
    """The class model's tallies: rows with ``calibration=true`` (or, with ``in_model``, every admission
    roll call of the applicant the per-state model uses whose stage's organ is modelled), minus ``exclude``."""
    data = membership_data(case)
    out = []
    for v in data.admission_rollcalls():
        if v.stage is None or v.id in exclude:
            continue
        if not (v.in_model and v.verified) if in_model else not v.calibration:
            continue
        if in_model and not next(s for s in data.stages[v.body] if s.id == v.stage).modelled:
            continue
        w = world(case, v.date.last_day(), position=position)
        st = next(s for s in data.stages[v.body] if s.id == v.stage)
        members = w.organ(v.body, st)
        classes = tuple(w.stance_class(m, v.body) for m in members)
        counts: dict[str, int] = {c: 0 for c in VOTE_CLASSES}
        for c in classes:
            counts["recognizes" if c in ("supporter", "unknown") else c] += 1
        out.append(_Obs(v.id, counts, v.yes, v.no, v.abstain, len(members), st.rule, members, classes))
    return out


def _predict(o: _Obs, probs: dict[str, tuple[float, float, float, float]]) -> dict[str, Any]:
    p = np.array([probs["recognizes" if c in ("supporter", "unknown") else c] for c in o.classes])
    exp = p.sum(axis=0)
    return {
        "vote": o.id,
        "yes": o.yes,
        "no": o.no,
        "abstain": o.abstain,
        "absent": o.n - o.yes - o.no - o.abstain,
        "pred_yes": float(exp[0]),
        "pred_no": float(exp[1]),
        "pred_abstain": float(exp[2]),
        "pred_absent": float(exp[3]),
        "p_admitted": stage_probability(o.rule, o.members, p),
    }


def _fit_cached(case: Case, position: str, prior: float) -> tuple[tuple[float, ...], float]:
    def compute() -> tuple[tuple[float, ...], float]:
        obs = _observations(case, position)
        if not obs:
            return (), math.nan
        theta, ll = _fit_persistent(obs, prior)
        return tuple(float(x) for x in theta), ll

    return case.cached(("membership.fit", position, prior), compute)


def class_model_probabilities(
    case: Case,
    position: str | None = None,
    exclude: frozenset[str] | set[str] | tuple[str, ...] = frozenset(),
    prior: float = 1.0,
) -> dict[str, tuple[float, float, float, float]]:
    """The class model (the baseline) fitted on every admission tally of the applicant the per-state
    model may use (``in_model`` rows whose organ is modelled), minus ``exclude``.

    The model of :func:`calibrate`: one probability vector per stance class, maximum a posteriori from
    the tallies alone (the per-state lists are not used). Cached on disk like :func:`calibrate`.

    Parameters
    ----------
    case : Case
    position : str, optional
    exclude : set of str, default=frozenset()
        Roll calls left out (the held-out votes of a validation fold).
    prior : float, default=1.0

    Returns
    -------
    dict
        Class → (yes, no, abstain, absent); :data:`DEFAULT_PROBABILITIES` when no tally is left.
    """
    role = case.position_role(position)
    ex = frozenset(exclude)

    def compute() -> dict[str, tuple[float, float, float, float]]:
        obs = _observations(case, role, in_model=True, exclude=ex)
        if not obs:
            return dict(DEFAULT_PROBABILITIES)
        theta, _ = _fit_persistent(obs, float(prior))
        return _probs(*_unpack(theta))

    return case.cached(("membership.class_model", role, tuple(sorted(ex)), float(prior)), compute)


def fitted_probabilities(
    case: Case, position: str | None = None, prior: float = 1.0
) -> dict[str, tuple[float, float, float, float]]:
    """The calibrated class probabilities only (cached; see :func:`calibrate`)."""
    theta, _ = _fit_cached(case, case.position_role(position), float(prior))
    if not theta:
        return dict(DEFAULT_PROBABILITIES)
    return _probs(*_unpack(np.array(theta)))


def _calibrate(case: Case, position: str, prior: float, loo: bool) -> Calibration:
    obs = _observations(case, position)
    if not obs:
        return Calibration(
            dict(DEFAULT_PROBABILITIES), math.nan, [], pd.DataFrame(), pd.DataFrame(), prior, position
        )
    theta_t, ll = _fit_cached(case, position, prior)
    probs = _probs(*_unpack(np.array(theta_t)))
    fit = pd.DataFrame([_predict(o, probs) for o in obs])
    loo_rows = []
    for i, o in enumerate(obs if loo else []):
        rest = obs[:i] + obs[i + 1 :]
        if not rest:
            continue
        th, _ = _fit_persistent(rest, prior)
        s, u, a, d = _unpack(th)
        row = _predict(o, _probs(s, u, a, d))
        row["held_out_log_likelihood"] = float(_loglik(o, s, u, a, d)[0])
        loo_rows.append(row)
    return Calibration(probs, ll, [o.id for o in obs], fit, pd.DataFrame(loo_rows), prior, position)


def calibrate(
    case: Case, position: str | None = None, prior: float = 1.0, leave_one_out: bool = True
) -> Calibration:
    """Fit class probabilities to the case's real admission tallies (roll calls with ``calibration=true``).

    Parameters
    ----------
    case : Case
    position : str, optional
        Which view of disputed withdrawals assigns members to classes at each vote's date
        (one of ``case.positions()``; default the applicant's).
    prior : float, default=1.0
        Weight of the log-prior (``PRIOR_BETA`` and Dirichlet(2, 2, 2)); 0 = plain maximum likelihood.
    leave_one_out : bool, default=True

    Returns
    -------
    Calibration
        ``probabilities`` per class, the log-likelihood, ``fit`` (predicted beside actual tallies and the
        predicted probability of admission) and ``leave_one_out`` (each tally predicted from a fit on the
        others).

    Notes
    -----
    Aggregate tallies alone barely separate the classes (with ``prior=0`` the fit can rank
    non-recognisers above recognisers); the default prior encodes the stance semantics and is reported.
    """
    if prior < 0:
        raise InvalidParameterError(f"The 'prior' parameter must be ≥ 0. Got {prior}.")
    role = case.position_role(position)
    return case.cached(
        ("membership.calibrate", role, float(prior), leave_one_out),
        lambda: _calibrate(case, role, float(prior), leave_one_out),
    )
