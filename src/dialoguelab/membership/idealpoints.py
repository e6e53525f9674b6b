"""Per-state vote probabilities from real roll calls: an item-response (ideal-point) model.

Every state *i* has an ideal point ``x_i`` in ``D`` dimensions (default 1) and a propensity to stay
away ``delta_i``. On roll call *j* of item group *g* it stays away with probability
``sigma(nu_ij)`` and, when present, votes yes, no or abstains by a multinomial logit with no as the
reference:

    ``nu_ij  = psi_g + phi_j + omega_organ(j) + b . v_j + lam_g . x_i + delta_i``
    ``ey_ij  = k_g + alpha_j + (beta_g + r_ij beta_rec_g) . x_i + gamma_g . z_ij``   (yes against no)
    ``ea_ij  = k'_g + alpha'_j + beta'_g . x_i + gamma'_g . z_ij``                   (abstain against no)

``z_ij`` are facts about the state on the vote's date: its stance class towards the vote's applicant
(recognises it, withdrew a recognition, declared opponent, declared supporter; the reference is a
state that does not recognise; ``r_ij`` marks recognisers and supporters, who get their own
discrimination), a recogniser's vote in a secret ballot, and its membership of the blocs whose member
lists the world data holds (:data:`COVARIATE_LISTS`: EU, NATO, OIC, AU, CSTO, NAM; the lists present
are used). ``v_j`` are facts about the vote (:data:`VOTE_COVARIATES`: the organ's size, a secret
ballot) and ``omega`` the organ's effect: they shift absence only, since how many delegations take
part is a property of the organ, whoever applies.

Item groups: every admission vote on one applicant shares its item parameters (``admission:<ISO>``)
with vote-level shifts ``alpha_j, alpha'_j, phi_j ~ N(0, tau^2)``; every other (alignment) roll call
is its own item with no covariates, as in Clinton, Jackman & Rivers (2004). Treating abstention as a
vote of its own follows the UN-voting literature (Bailey, Strezhnev & Voeten 2017 order it between
no and yes; a multinomial logit does not impose that order, so a state may abstain for reasons that
do not make it likelier to vote yes).

One likelihood
--------------
A roll call contributes, for each state whose vote is published, the probability of that vote; for
the members whose vote is unknown (a secret ballot, or the part of a list no document gives), the
exact probability that they produced the rest of the tally, ``P(Y = y', N = n', A = a')`` under the
Poisson-multinomial law of :mod:`dialoguelab.membership.tally`. The parameters are the maximum a
posteriori (MAP) estimate under the prior :data:`PRIOR` (independent normals), found by EM
(Dempster, Laird & Rubin 1977): the E-step gives each unknown vote its probability given the tally, the
M-step maximises the expected complete-data log posterior with L-BFGS (analytic gradient), and
SQUAREM (Varadhan & Roland 2008) accelerates the iteration. EM first runs with a normal stand-in for
the large tallies, from two starts (the leading singular vector of the published votes, and the fit
on the alignment votes alone), then from the better start with exact E-steps to convergence; the
exact log posterior is computed and reported.

Prediction
----------
For a body, a stage and a date, each member's covariates come from the world on that day (under the
scenario and position given); its probabilities average the new vote's own shifts by Gauss-Hermite
quadrature over normals whose spreads are those of the admission votes the fit saw (an empirical-Bayes
estimate: :meth:`IdealPointFit.shift_spread`), not over the prior, whose spread of 1 on the logit scale
made every new vote a near coin toss for states the data place firmly. Intervals come from a Laplace
approximation: parameter draws from a normal centred on the MAP with the inverse Hessian of the
complete-data log posterior at the final E-step as covariance (this ignores the information the tallies
do not give, so intervals for what rests on tallies alone are too narrow).

References
----------
Clinton, J., Jackman, S. & Rivers, D. (2004). The statistical analysis of roll call data. *American
Political Science Review* 98(2), doi:10.1017/S0003055404001194.

Bailey, M. A., Strezhnev, A. & Voeten, E. (2017). Estimating dynamic state preferences from United
Nations voting data. *Journal of Conflict Resolution* 61(2), 430-456, doi:10.1177/0022002715595700.

Bailey, M. A. & Voeten, E. (2018). A two-dimensional analysis of seventy years of United Nations voting.
*Public Choice* 176(1-2), 33-55, doi:10.1007/s11127-018-0550-4 (one dimension serves most uses).

Efron, B. & Morris, C. (1975). Data analysis using Stein's estimator and its generalizations. *Journal of the
American Statistical Association* 70(350), 311-319, doi:10.1080/01621459.1975.10479864.

Dempster, A. P., Laird, N. M. & Rubin, D. B. (1977). Maximum likelihood from incomplete data via the EM
algorithm. *Journal of the Royal Statistical Society B* 39(1), 1-38, doi:10.2307/2984875.

Du, Y. & Varadhan, R. (2020). SQUAREM: an R package for off-the-shelf acceleration of EM, MM and other
EM-like monotone algorithms. *Journal of Statistical Software* 92(7), 1-41, doi:10.18637/jss.v092.i07
(the squared extrapolation of Varadhan & Roland, 2008).
"""

from __future__ import annotations

__all__ = [
    "VOTES",
    "COVARIATE_LISTS",
    "STANCE_COVARIATES",
    "PRIOR",
    "FIT_OPTIONS",
    "CACHE_FORMAT",
    "RollCallItem",
    "Design",
    "IdealPointFit",
    "SkippedRollCall",
    "design_from_case",
    "fit_design",
    "fit",
    "group_of",
    "member_probabilities",
    "item_probabilities",
    "state_probabilities",
    "model_label",
]

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit, log_expit

from dialoguelab.cachedir import cache_dir
from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership.data import membership_data
from dialoguelab.membership.rules import Stage
from dialoguelab.membership.scenarios import Scenario
from dialoguelab.membership.tally import tally_posterior
from dialoguelab.membership.world import SEAT_PREFIX, World, as_date, world
from dialoguelab.memo import Memo
from dialoguelab.world import RollCall

VOTES = ("yes", "no", "abstain", "absent")
_INDEX = {v: i for i, v in enumerate(VOTES)}
#: Member lists read as covariates when the world data has them (the rest are skipped).
COVARIATE_LISTS = ("eu", "nato", "oic", "au", "csto", "nam")
#: Stance classes towards the vote's applicant (the reference class is ``does_not``), and a recogniser's
#: vote in a secret ballot (it may vote against its declared position unseen).
STANCE_COVARIATES = ("recognizes", "withdrew", "opponent", "supporter", "recognizes:secret_ballot")
#: Facts about a vote that shift every member's propensity to stay away (pooled votes): the organ's size
#: (log of voters / 100) and whether the ballot is secret.
VOTE_COVARIATES = ("log_size", "secret_ballot")
#: Prior of the MAP fit: independent normals with these standard deviations (means 0).
PRIOR: dict[str, float] = {
    "ideal_point": 1.0,  # x_i, each dimension
    "absence_propensity": 1.0,  # delta_i
    "discrimination": 2.5,  # beta, beta_a and lam of an alignment vote, each dimension
    "pooled_discrimination": 1.0,  # beta, beta_rec, beta_a and lam of an applicant's admission votes: alignment
    # is a secondary signal there, beside the applicant-specific facts (recognition, declared stance)
    "covariate": 2.5,  # gamma and gamma_a, each covariate
    "cutpoint": 5.0,  # the intercepts k_y, k_a and psi
    "vote_shift": 1.0,  # tau: alpha, alpha_a and phi of an admission vote
    "organ": 1.0,  # omega_nu: an organ's effect on absence (shared by every applicant)
    "vote_covariate": 2.5,  # b_vote: effects of the organ's size and of a secret ballot on absence
}
#: Settings of the fit; part of the cache key.
FIT_OPTIONS: dict[str, Any] = {
    "dimensions": 1,
    "max_em_iterations": 300,  # EM steps (each an E-step and an M-step), SQUAREM-accelerated
    "em_tolerance": 1e-3,  # stop when an EM cycle raises the exact log posterior by less than this ...
    "em_relative_tolerance": 1e-5,  # ... or by less than this fraction of its absolute value
    "m_step_iterations": 50,
    "quadrature_nodes": 5,  # Gauss-Hermite nodes per vote-level shift in predictions
    "hessian_step": 1e-4,
    "seed": 20040501,
}
#: Layout of the cache file; bump it when the stored fields change.
CACHE_FORMAT = 1
_log = logging.getLogger(__name__)


# ----------------------------------------------------------------- the data the likelihood sees


@dataclass(frozen=True)
class RollCallItem:
    """One roll call as the likelihood sees it.

    ``voters`` are the members who could vote; ``known[k]`` is the index (0 yes, 1 no, 2 abstain,
    3 absent) of voter *k*'s published vote or -1 when it is unknown; ``rest`` is the tally of the
    unknown voters (yes, no, abstain; the others were absent). ``covariates`` has one row per voter.
    """

    id: str
    group: str
    pooled: bool
    voters: tuple[str, ...]
    covariates: np.ndarray
    known: np.ndarray
    rest: tuple[int, int, int]
    body: str = ""
    stage: str | None = None
    date: str = ""
    record: str = "per_state"
    kind: str = "admission"
    applicant: str | None = None
    organ: str = ""
    secret: bool = False

    @property
    def unknown(self) -> np.ndarray:
        return np.flatnonzero(self.known < 0)


@dataclass(frozen=True)
class SkippedRollCall:
    """A roll call the model could not use, and why."""

    id: str
    reason: str


@dataclass(frozen=True)
class Design:
    """States, covariates and roll calls of one fit."""

    states: tuple[str, ...]
    covariate_names: tuple[str, ...]
    items: tuple[RollCallItem, ...]
    dimensions: int = 2
    skipped: tuple[SkippedRollCall, ...] = ()

    @functools.cached_property
    def groups(self) -> tuple[str, ...]:
        out: list[str] = []
        for it in self.items:
            if it.group not in out:
                out.append(it.group)
        return tuple(out)

    @functools.cached_property
    def organs(self) -> tuple[str, ...]:
        """Organs of the pooled votes (their effects are shared by every applicant)."""
        out: list[str] = []
        for it in self.items:
            if it.pooled and it.organ not in out:
                out.append(it.organ)
        return tuple(out)

    def fingerprint(self) -> str:
        """A hash of everything the fit sees (states, covariates, votes, unknowns, tallies)."""
        h = hashlib.sha256()
        h.update(json.dumps([self.states, self.covariate_names, self.dimensions]).encode())
        for it in self.items:
            h.update(json.dumps([it.id, it.group, it.pooled, it.voters, list(it.rest), it.organ, it.secret]).encode())
            h.update(np.ascontiguousarray(it.known, dtype=np.int64).tobytes())
            h.update(np.ascontiguousarray(it.covariates, dtype=float).tobytes())
        return h.hexdigest()


def group_of(kind: str, applicant: str | None, rollcall_id: str) -> tuple[str, bool]:
    """The item group of a roll call and whether it is pooled: admission votes share one per applicant.

    Examples
    --------
    >>> group_of("admission", "PSE", "unsc-2024")
    ('admission:PSE', True)
    >>> group_of("alignment", None, "unga-68-262")
    ('vote:unga-68-262', False)
    """
    if kind == "admission" and applicant:
        return f"admission:{applicant}", True
    return f"vote:{rollcall_id}", False


def vote_covariates(n_voters: int, secret: bool) -> list[float]:
    """The facts of a vote in :data:`VOTE_COVARIATES`: ``log(voters / 100)`` and 1 for a secret ballot.

    Examples
    --------
    >>> [round(v, 3) for v in vote_covariates(46, False)]
    [-0.777, 0.0]
    """
    return [math.log(max(n_voters, 1) / 100.0), 1.0 if secret else 0.0]


def organ_key(body: str, stage: str | None, organ: str) -> str:
    """The organ a vote was taken in: ``body:stage``, or ``body:<organ name>`` for votes outside a stage.

    Examples
    --------
    >>> organ_key("un", None, "General Assembly")
    'un:general_assembly'
    """
    name = stage if stage else "_".join(organ.lower().replace("(", " ").replace(")", " ").split())
    return f"{body}:{name}"


def _secret(case: Case, body: str, stage: str | None) -> bool:
    if stage is None or body not in membership_data(case).stages:
        return False
    st = next((s for s in membership_data(case).stages[body] if s.id == stage), None)
    return st is not None and st.procedure == "secret_ballot"


def _lists_present(case: Case) -> tuple[str, ...]:
    have = case.world.lists() | set(case.world.bodies)
    return tuple(name for name in COVARIATE_LISTS if name in have)


def covariate_names(case: Case) -> tuple[str, ...]:
    """The covariates of a case's fit: stance classes, then ``member:<list>`` for each list present."""
    return STANCE_COVARIATES + tuple(f"member:{name}" for name in _lists_present(case))


def _bloc_members(w: World, name: str) -> frozenset[str]:
    if name in w.data.bodies:
        return frozenset(w.members(name))
    return frozenset(w.list_members(name))


def _covariates(
    w: World,
    body: str,
    voters: tuple[str, ...],
    names: tuple[str, ...],
    applicant_is_case: bool,
    pooled: bool,
    secret: bool = False,
) -> np.ndarray:
    """Rows of covariates for ``voters`` on the world's day (zeros for alignment items)."""
    Z = np.zeros((len(voters), len(names)))
    if not pooled:
        return Z
    blocs = {n: _bloc_members(w, n.split(":", 1)[1]) for n in names if n.startswith("member:")}
    for k, iso in enumerate(voters):
        if iso.startswith(SEAT_PREFIX):
            continue
        if applicant_is_case:
            c = w.stance_class(iso, body)
            if c in STANCE_COVARIATES:
                Z[k, names.index(c)] = 1.0
            if secret and c in ("recognizes", "supporter"):
                Z[k, names.index("recognizes:secret_ballot")] = 1.0
        for n, members in blocs.items():
            if iso in members:
                Z[k, names.index(n)] = 1.0
    return Z


def _voters(case: Case, rc: RollCall, w: World, listed: Mapping[str, str]) -> tuple[tuple[str, ...], str | None]:
    """Who could vote in a roll call; a reason instead when the organ cannot be told state by state."""
    if rc.record == "per_state":
        return tuple(sorted(listed)), None
    data = membership_data(case)
    if rc.body not in data.bodies:
        return (), f"body {rc.body!r} is a member list, not a body with organs"
    if rc.stage is not None:
        st = next((s for s in data.stages[rc.body] if s.id == rc.stage), None)
        if st is None:
            return (), f"stage {rc.stage!r} is not compiled"
        spec = dict(st.organ)
        if not (spec.get("list") or spec.get("derive_from") or spec.get("same_as_body")):
            return (), "the organ's members are not in the world data"
        organ = w.organ(rc.body, st)
    else:
        organ = w.members(rc.body)
    if any(m.startswith(SEAT_PREFIX) for m in organ):
        return (), "the organ has seats whose holders are not in the world data"
    voters = [m for m in organ if m != rc.applicant]
    voters += [m for m in sorted(listed) if m not in voters]
    return tuple(voters), None


def design_from_case(
    case: Case,
    position: str | None = None,
    exclude: frozenset[str] | set[str] | tuple[str, ...] = frozenset(),
    dimensions: int | None = None,
) -> Design:
    """The roll calls of a case's world as the likelihood sees them (``in_model`` rows, minus ``exclude``).

    Parameters
    ----------
    case : Case
    position : str, optional
        Whose reading of disputed withdrawals sets the stance covariates; default the applicant's.
    exclude : set of str, default=frozenset()
        Roll-call ids left out (the held-out votes of a validation fold).
    dimensions : int, optional
        Dimensions of the ideal points; default ``FIT_OPTIONS["dimensions"]``.

    Returns
    -------
    Design
        With the roll calls that could not be used and why in ``skipped``.
    """
    role = case.position_role(position)
    names = covariate_names(case)
    data = membership_data(case)
    exclude = frozenset(exclude)
    items: list[RollCallItem] = []
    skipped: list[SkippedRollCall] = []
    states: set[str] = set()
    for rc in sorted(case.world.rollcalls.values(), key=lambda r: (r.date.first_day(), r.id)):
        if rc.id in exclude:
            continue
        if not rc.in_model:
            skipped.append(SkippedRollCall(rc.id, "in_model is false (see its note)"))
            continue
        if not rc.verified:
            skipped.append(SkippedRollCall(rc.id, "not verified"))
            continue
        on = rc.date.last_day()
        w = world(case, on, position=role)
        listed = {v.iso3: v.vote for v in case.world.rollcall_votes.get(rc.id, ())}
        voters, why = _voters(case, rc, w, listed)
        if why is not None:
            skipped.append(SkippedRollCall(rc.id, why))
            continue
        known = np.array([_INDEX[listed[v]] if v in listed else -1 for v in voters], dtype=np.int64)
        got = np.bincount(known[known >= 0], minlength=4)
        rest = (rc.yes - int(got[0]), rc.no - int(got[1]), rc.abstain - int(got[2]))
        n_unknown = int((known < 0).sum())
        if min(rest) < 0 or sum(rest) > n_unknown:
            raise InvalidParameterError(
                f"Roll call {rc.id!r}: the tally {rc.yes}/{rc.no}/{rc.abstain} cannot be reached by its "
                f"{len(voters)} voters with the published votes ({n_unknown} unknown): check rollcalls.csv "
                "and the organ's member list on that day."
            )
        group, pooled = group_of(rc.kind, rc.applicant, rc.id)
        if not pooled and not (known >= 0).any():
            skipped.append(
                SkippedRollCall(
                    rc.id,
                    "an alignment vote known only by its tally: its own item parameters would absorb it, "
                    "so it says nothing about the states",
                )
            )
            continue
        secret = _secret(case, rc.body, rc.stage)
        Z = _covariates(w, rc.body, voters, names, rc.applicant == data.applicant.iso3, pooled, secret)
        items.append(
            RollCallItem(
                rc.id, group, pooled, voters, Z, known, rest, rc.body, rc.stage, on.isoformat(), rc.record,
                rc.kind, rc.applicant, organ_key(rc.body, rc.stage, rc.organ), secret,
            )
        )
        states.update(voters)
    dims = int(dimensions if dimensions is not None else FIT_OPTIONS["dimensions"])
    return Design(tuple(sorted(states)), names, tuple(items), dims, tuple(skipped))


# ----------------------------------------------------------------- parameters and likelihood


#: The parameters: name, shape (``S`` states, ``D`` dimensions, ``G`` groups, ``K`` covariates, ``V`` votes,
#: ``O`` organs, ``C`` vote covariates), the key of its prior standard deviation in :data:`PRIOR`, and the
#: mask that says where it is a free parameter (elsewhere it stays at 0).
_PARAMS: tuple[tuple[str, str, str, str], ...] = (
    ("x", "SD", "ideal_point", ""),
    ("delta", "S", "absence_propensity", ""),
    ("beta", "GD", "discrimination", ""),  # yes against no
    ("beta_rec", "GD", "discrimination", "rec"),  # ... extra for recognisers
    ("beta_a", "GD", "discrimination", ""),  # abstain against no
    ("lam", "GD", "discrimination", ""),  # absence
    ("gamma", "GK", "covariate", "gamma"),
    ("gamma_a", "GK", "covariate", "gamma"),
    ("k_y", "G", "cutpoint", ""),
    ("k_a", "G", "cutpoint", ""),
    ("psi", "G", "cutpoint", ""),
    ("alpha", "V", "vote_shift", "pooled"),
    ("alpha_a", "V", "vote_shift", "pooled"),
    ("phi", "V", "vote_shift", "pooled"),
    ("omega_nu", "O", "organ", ""),
    ("b_vote", "C", "vote_covariate", ""),
)


def _shape(kind: str, S: int, D: int, G: int, K: int, V: int, n_organs: int, C: int) -> tuple[int, ...]:
    dims = {"S": S, "D": D, "G": G, "K": K, "V": V, "O": n_organs, "C": C}
    return tuple(dims[c] for c in kind)


class _Layout:
    """Where each parameter sits in the flat vector, and the observations in flat arrays."""

    def __init__(self, d: Design) -> None:
        self.d = d
        S, D, K, G, V = len(d.states), d.dimensions, len(d.covariate_names), len(d.groups), len(d.items)
        n_organs, C = len(d.organs), len(VOTE_COVARIATES)
        self.S, self.D, self.K, self.G, self.V, self.O, self.C = S, D, K, G, V, n_organs, C
        self.shapes = {name: _shape(kind, S, D, G, K, V, n_organs, C) for name, kind, _, _ in _PARAMS}
        self.slices: dict[str, slice] = {}
        at = 0
        for name, _, _, _ in _PARAMS:
            size = int(np.prod(self.shapes[name]))
            self.slices[name] = slice(at, at + size)
            at += size
        self.size = at
        sidx = {s: i for i, s in enumerate(d.states)}
        gidx = {g: i for i, g in enumerate(d.groups)}
        st, it, gr, Z, kn = [], [], [], [], []
        self.item_rows: list[np.ndarray] = []
        at = 0
        for j, item in enumerate(d.items):
            n = len(item.voters)
            st += [sidx[v] for v in item.voters]
            it += [j] * n
            gr += [gidx[item.group]] * n
            Z.append(np.asarray(item.covariates, dtype=float).reshape(n, K))
            kn.append(item.known)
            self.item_rows.append(np.arange(at, at + n))
            at += n
        self.state = np.array(st, dtype=np.int64)
        self.item = np.array(it, dtype=np.int64)
        self.group = np.array(gr, dtype=np.int64)
        self.Z = np.vstack(Z) if Z else np.zeros((0, K))
        self.known = np.concatenate(kn) if kn else np.zeros(0, dtype=np.int64)
        self.pooled = np.array([it.pooled for it in d.items], dtype=bool)
        oidx = {o: i for i, o in enumerate(d.organs)}
        self.item_organ = np.array([oidx.get(it.organ, 0) for it in d.items], dtype=np.int64)
        self.item_vc = np.array([vote_covariates(len(it.voters), it.secret) for it in d.items]).reshape(V, C)
        self.item_vc *= self.pooled[:, None]
        # a group's covariates are free only where some vote of the group has them
        used = np.zeros((G, K), dtype=bool)
        for item in d.items:
            used[gidx[item.group]] |= np.asarray(item.covariates).reshape(-1, K).any(axis=0)
        self.gamma_mask = used
        # recognisers (and declared supporters) get their own discrimination in the applicant's group
        rec_cols = [d.covariate_names.index(c) for c in ("recognizes", "supporter") if c in d.covariate_names]
        self.z_rec = self.Z[:, rec_cols].sum(axis=1) if rec_cols else np.zeros(len(self.Z))
        self.rec_mask = used[:, rec_cols].any(axis=1) if rec_cols else np.zeros(G, dtype=bool)
        self.N = len(self.state)
        self.pooled_group = np.zeros(G, dtype=bool)
        for item in d.items:
            self.pooled_group[gidx[item.group]] |= item.pooled
        masks = {
            "": None,
            "rec": np.repeat(self.rec_mask, D),
            "gamma": used.ravel(),
            "pooled": self.pooled,
        }
        self._free = np.ones(self.size, dtype=bool)
        self._sd = np.empty(self.size)
        for name, _, prior, mask in _PARAMS:
            sl = self.slices[name]
            m = masks[mask]
            if m is not None:
                self._free[sl] = m
            sd = np.full(sl.stop - sl.start, PRIOR[prior])
            if name in ("beta", "beta_rec", "beta_a", "lam"):
                sd = np.repeat(
                    np.where(self.pooled_group, PRIOR["pooled_discrimination"], PRIOR["discrimination"]), D
                )
            self._sd[sl] = sd

    def unpack(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """The parameters by name, with the entries that are not free set to 0."""
        t = theta * self._free
        return {name: t[self.slices[name]].reshape(self.shapes[name]) for name, _, _, _ in _PARAMS}

    def prior_sd(self) -> np.ndarray:
        return self._sd

    def free_mask(self) -> np.ndarray:
        """Parameters that enter the likelihood (the others stay at their prior mean, 0)."""
        return self._free


def _present_probs(ey: np.ndarray, ea: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Multinomial logit among present members: P(yes), P(no), P(abstain) (no is the reference)."""
    m = np.maximum(0.0, np.maximum(ey, ea))
    e0, e1, e2 = np.exp(-m), np.exp(ey - m), np.exp(ea - m)
    z = e0 + e1 + e2
    return e1 / z, e0 / z, e2 / z


def _vote_probs(ey: np.ndarray, ea: np.ndarray, nu: np.ndarray) -> np.ndarray:
    """Rows (yes, no, abstain, absent): absent with probability sigma(nu), otherwise the multinomial."""
    py, pn, pa = _present_probs(ey, ea)
    pd_ = expit(nu)
    pp = 1.0 - pd_
    return np.column_stack([pp * py, pp * pn, pp * pa, pd_])


def _item_shifts(L: _Layout, P: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each roll call's shifts of yes (against no), of abstain, and of absence.

    Only absence has organ effects and vote facts (size, secret ballot): how many delegations take part
    is a property of the organ, whoever applies; how many vote yes is not.
    """
    pooled = L.pooled.astype(float)
    a = P["alpha"]
    b = P["phi"] + pooled * (P["omega_nu"][L.item_organ] if L.O else 0.0) + L.item_vc @ P["b_vote"]
    return a, P["alpha_a"], b


def _linear(L: _Layout, P: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = P["x"][L.state]
    g = L.group
    a, aa, b = _item_shifts(L, P)
    disc = P["beta"][g] + L.z_rec[:, None] * P["beta_rec"][g]
    ey = P["k_y"][g] + a[L.item] + (x * disc).sum(axis=1) + (L.Z * P["gamma"][g]).sum(axis=1)
    ea = P["k_a"][g] + aa[L.item] + (x * P["beta_a"][g]).sum(axis=1) + (L.Z * P["gamma_a"][g]).sum(axis=1)
    nu = P["psi"][g] + b[L.item] + (x * P["lam"][g]).sum(axis=1) + P["delta"][L.state]
    return ey, ea, nu


def _probs(L: _Layout, theta: np.ndarray) -> np.ndarray:
    return _vote_probs(*_linear(L, L.unpack(theta)))


def _sum_by(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Rows of ``values`` summed by ``index`` (``np.add.at`` done column by column with ``bincount``)."""
    cols = [np.bincount(index, weights=values[:, k], minlength=n) for k in range(values.shape[1])]
    return np.column_stack(cols).reshape(n, values.shape[1])


def _objective(L: _Layout, theta: np.ndarray, W: np.ndarray, free: np.ndarray) -> tuple[float, np.ndarray]:
    """Minus the expected complete-data log posterior (weights ``W``) and its gradient."""
    P = L.unpack(theta)
    ey, ea, nu = _linear(L, P)
    wy, wn, wa, wd = W[:, 0], W[:, 1], W[:, 2], W[:, 3]
    wp = wy + wn + wa
    m = np.maximum(0.0, np.maximum(ey, ea))
    lse = m + np.log(np.exp(-m) + np.exp(ey - m) + np.exp(ea - m))
    ll = wd * log_expit(nu) + wp * log_expit(-nu) + wy * ey + wa * ea - wp * lse
    py, _, pa = _present_probs(ey, ea)
    d_ey = wy - wp * py
    d_ea = wa - wp * pa
    d_nu = wd - (wd + wp) * expit(nu)
    g = L.group
    x = P["x"][L.state]
    grad = np.zeros(L.size)
    s = L.slices
    G, V = L.G, L.V
    disc = P["beta"][g] + L.z_rec[:, None] * P["beta_rec"][g]
    gx = d_ey[:, None] * disc + d_ea[:, None] * P["beta_a"][g] + d_nu[:, None] * P["lam"][g]
    grad[s["x"]] = _sum_by(L.state, gx, L.S).ravel()
    grad[s["delta"]] = np.bincount(L.state, weights=d_nu, minlength=L.S)
    grad[s["beta"]] = _sum_by(g, d_ey[:, None] * x, G).ravel()
    grad[s["beta_rec"]] = _sum_by(g, (d_ey * L.z_rec)[:, None] * x, G).ravel()
    grad[s["beta_a"]] = _sum_by(g, d_ea[:, None] * x, G).ravel()
    grad[s["lam"]] = _sum_by(g, d_nu[:, None] * x, G).ravel()
    grad[s["gamma"]] = _sum_by(g, d_ey[:, None] * L.Z, G).ravel()
    grad[s["gamma_a"]] = _sum_by(g, d_ea[:, None] * L.Z, G).ravel()
    grad[s["k_y"]] = np.bincount(g, weights=d_ey, minlength=G)
    grad[s["k_a"]] = np.bincount(g, weights=d_ea, minlength=G)
    grad[s["psi"]] = np.bincount(g, weights=d_nu, minlength=G)
    e_item = np.bincount(L.item, weights=d_ey, minlength=V)
    a_item = np.bincount(L.item, weights=d_ea, minlength=V)
    n_item = np.bincount(L.item, weights=d_nu, minlength=V)
    grad[s["alpha"]] = e_item
    grad[s["alpha_a"]] = a_item
    grad[s["phi"]] = n_item
    if L.O:
        grad[s["omega_nu"]] = np.bincount(L.item_organ, weights=n_item * L.pooled, minlength=L.O)
    grad[s["b_vote"]] = L.item_vc.T @ n_item
    sd = L.prior_sd()
    th = theta * free
    lp = -0.5 * float(((th / sd) ** 2).sum())
    grad -= th / sd**2
    grad *= free
    return -(float(ll.sum()) + lp), -grad


def _log_prior(L: _Layout, theta: np.ndarray, free: np.ndarray) -> float:
    return -0.5 * float((((theta * free) / L.prior_sd()) ** 2).sum())


def _box(rest: tuple[int, int, int], m: int) -> int:
    """Cells of the exact tally computation (the three smallest counts, plus one, multiplied)."""
    c = sorted([*rest, m - sum(rest)])
    return (c[0] + 1) * (c[1] + 1) * (c[2] + 1)


def _normal_posterior(p: np.ndarray, rest: tuple[int, int, int]) -> tuple[float, np.ndarray]:
    """A cheap stand-in for :func:`~dialoguelab.membership.tally.tally_posterior` (starting values only).

    The counts of the other members are taken as normal with their mean and covariance, so
    ``P(v_i = k | tally)`` is proportional to ``p_ik`` times a normal density at ``tally - e_k``.
    """
    q = p[:, :3]
    mu = q.sum(axis=0)
    cov = np.diag(mu) - q.T @ q + 1e-3 * np.eye(3)
    prec = np.linalg.inv(cov)
    r = np.asarray(rest, dtype=float) - mu
    # for member i and vote k, the other members must give r_i - e_k + (p_i without i) ...
    base = r[None, :] + q  # tally minus the others' mean, per member
    post = np.empty_like(p)
    for k in range(4):
        dev = base - (np.eye(3)[k] if k < 3 else 0.0)
        post[:, k] = -0.5 * np.einsum("ij,jk,ik->i", dev, prec, dev)
    post = post - post.max(axis=1, keepdims=True)
    post = p * np.exp(post)
    tot = post.sum(axis=1, keepdims=True)
    post = np.divide(post, tot, out=p.copy(), where=tot > 0)
    sign, logdet = np.linalg.slogdet(cov)
    ll = float(-0.5 * r @ prec @ r - 0.5 * logdet - 1.5 * math.log(2 * math.pi))
    return ll, post


#: Above this many cells, EM's first phase uses the normal stand-in for the E-step.
_EXACT_CELLS = 4000


def _e_step(L: _Layout, theta: np.ndarray, exact: bool = True) -> tuple[np.ndarray, float, list[float]]:
    """Weights of every observation and the log-likelihood of each roll call.

    With ``exact=False`` the large tallies use the normal stand-in (:func:`_normal_posterior`); the
    log-likelihood is then approximate too. The fit's answer always comes from exact E-steps.
    """
    p = _probs(L, theta)
    W = np.zeros((L.N, 4))
    known = L.known >= 0
    W[np.flatnonzero(known), L.known[known]] = 1.0
    per_item: list[float] = []
    with np.errstate(divide="ignore"):
        logp = np.log(np.clip(p, 1e-300, None))
    for j, item in enumerate(L.d.items):
        rows = L.item_rows[j]
        kn = item.known >= 0
        ll = float(logp[rows[kn], item.known[kn]].sum())
        unk = rows[~kn]
        if len(unk):
            if exact or _box(item.rest, len(unk)) <= _EXACT_CELLS:
                lp, post = tally_posterior(p[unk], item.rest)
            else:
                lp, post = _normal_posterior(p[unk], item.rest)
            W[unk] = post
            ll += lp
        per_item.append(ll)
    return W, float(sum(per_item)), per_item


def _initial(L: _Layout, seed: int) -> np.ndarray:
    """Deterministic start: ideal points from the leading singular vectors of the known votes."""
    theta = np.zeros(L.size)
    M = np.zeros((L.S, max(L.V, 1)))
    code = np.array([1.0, -1.0, 0.0, 0.0])
    kn = L.known >= 0
    M[L.state[kn], L.item[kn]] = code[L.known[kn]]
    rng = np.random.default_rng(seed)
    if L.V and L.S > L.D:
        U, sv, _ = np.linalg.svd(M - M.mean(axis=0), full_matrices=False)
        X = U[:, : L.D] * math.sqrt(L.S)
        if X.shape[1] < L.D:
            X = np.column_stack([X, np.zeros((L.S, L.D - X.shape[1]))])
    else:
        X = np.zeros((L.S, L.D))
    X = X + 0.01 * rng.standard_normal(X.shape)
    theta[L.slices["x"]] = np.clip(X, -3, 3).ravel()
    theta[L.slices["psi"]] = -2.0
    theta[L.slices["k_a"]] = -1.0
    return theta


# ----------------------------------------------------------------- the fit


@dataclass
class IdealPointFit:
    """A fitted ideal-point model: parameters, the exact log posterior, and how it was obtained."""

    states: tuple[str, ...]
    covariate_names: tuple[str, ...]
    groups: tuple[str, ...]
    votes: tuple[str, ...]
    dimensions: int
    theta: np.ndarray
    log_posterior: float
    log_likelihood: float
    item_log_likelihood: dict[str, float]
    iterations: int
    converged: bool
    trace: list[float] = field(default_factory=list)
    covariance_factor: np.ndarray | None = None  # Cholesky factor of the Hessian (precision)
    skipped: tuple[SkippedRollCall, ...] = ()
    group_votes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    item_groups: dict[str, str] = field(default_factory=dict)
    organs: tuple[str, ...] = ()
    item_pooled: dict[str, bool] = field(default_factory=dict)

    def _layout_sizes(self) -> tuple[int, int, int, int, int]:
        return len(self.states), self.dimensions, len(self.covariate_names), len(self.groups), len(self.votes)

    def params(self, theta: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """The parameters by name (see the module's docstring; ``k_y``, ``k_a``, ``psi`` are intercepts)."""
        th = self.theta if theta is None else theta
        S, D, K, G, V = self._layout_sizes()
        out: dict[str, np.ndarray] = {}
        at = 0
        n_organs, C = len(self.organs), len(VOTE_COVARIATES)
        for name, kind, _, _ in _PARAMS:
            shape = _shape(kind, S, D, G, K, V, n_organs, C)
            size = int(np.prod(shape))
            out[name] = th[at : at + size].reshape(shape)
            at += size
        return out

    def ideal_points(self) -> pd.DataFrame:
        """One row per state: its ideal point (``x1``, ``x2``, ...) and absence propensity."""
        P = self.params()
        df = pd.DataFrame(P["x"], columns=[f"x{k + 1}" for k in range(self.dimensions)])
        df.insert(0, "iso3", list(self.states))
        df["absence_propensity"] = P["delta"]
        return df

    def coefficients(self, group: str) -> dict[str, float]:
        """A group's covariate coefficients (log-odds of a higher vote, yes > abstain > no)."""
        P = self.params()
        g = self.groups.index(group)
        return {n: float(P["gamma"][g, k]) for k, n in enumerate(self.covariate_names)}

    def shift_spread(self) -> tuple[float, float, float]:
        """How far a new admission vote's own shifts (of yes, of abstain, of absence) are expected to stray.

        The root mean square of the MAP shifts of the admission votes this fit saw (every applicant's),
        an empirical-Bayes estimate of their spread (Efron & Morris 1975) used to integrate the shifts of a
        vote not yet held; the prior's ``tau`` when the fit saw no admission vote. The prior (``tau`` = 1)
        stays what the fit shrinks the shifts towards: each admission vote has 15 to 195 voters, so its
        shifts are well determined and shrink little.
        """
        sel = np.array([self.item_pooled.get(v, False) for v in self.votes], dtype=bool)
        tau = PRIOR["vote_shift"]
        if not sel.any():
            return tau, tau, tau
        P = self.params()
        y, a, n = (float(np.sqrt(np.mean(P[k][sel] ** 2))) for k in ("alpha", "alpha_a", "phi"))
        return y, a, n

    def draws(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` parameter vectors from the Laplace approximation (rows), the MAP if none is stored."""
        if self.covariance_factor is None or n <= 0:
            return self.theta[None, :]
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((self.theta.size, n))
        from scipy.linalg import solve_triangular

        dev = solve_triangular(self.covariance_factor.T, z, lower=False)
        return self.theta[None, :] + dev.T


def _hessian_factor(L: _Layout, theta: np.ndarray, W: np.ndarray, free: np.ndarray, h: float) -> np.ndarray:
    """Cholesky factor of the Hessian of minus the complete-data log posterior (central differences)."""
    n = L.size
    H = np.zeros((n, n))
    for k in range(n):
        if not free[k]:
            H[k, k] = 1.0 / L.prior_sd()[k] ** 2
            continue
        e = np.zeros(n)
        e[k] = h
        H[:, k] = (_objective(L, theta + e, W, free)[1] - _objective(L, theta - e, W, free)[1]) / (2 * h)
    H = 0.5 * (H + H.T)
    vals, vecs = np.linalg.eigh(H)
    floor = 1e-6
    if vals.min() < floor:
        H = (vecs * np.maximum(vals, floor)) @ vecs.T
    factor: np.ndarray = np.linalg.cholesky(H)
    return factor


def _start_from(L: _Layout, base: IdealPointFit) -> np.ndarray:
    """A starting vector that takes every parameter ``base`` shares with this layout (by name)."""
    theta = _initial(L, int(FIT_OPTIONS["seed"]))
    P = base.params()
    s = L.slices
    sidx = {st: i for i, st in enumerate(base.states)}
    X = theta[s["x"]].reshape(L.S, L.D)
    dl = theta[s["delta"]]
    for i, st in enumerate(L.d.states):
        if st in sidx and base.dimensions == L.D:
            X[i] = P["x"][sidx[st]]
            dl[i] = P["delta"][sidx[st]]
    theta[s["x"]] = X.ravel()
    theta[s["delta"]] = dl
    for name, width in (("beta", L.D), ("beta_rec", L.D), ("beta_a", L.D), ("lam", L.D), ("gamma", L.K),
                        ("gamma_a", L.K), ("k_y", 1), ("k_a", 1), ("psi", 1)):
        if name.startswith(("beta", "lam")) and base.dimensions != L.D:
            continue
        if name.startswith("gamma") and base.covariate_names != L.d.covariate_names:
            continue
        block = theta[s[name]].reshape(L.G, width)
        for g, grp in enumerate(L.d.groups):
            if grp in base.groups:
                block[g] = np.asarray(P[name][base.groups.index(grp)]).reshape(width)
        theta[s[name]] = block.ravel()
    for name, ids in (("alpha", L.d.items), ("alpha_a", L.d.items), ("phi", L.d.items)):
        vals = theta[s[name]]
        for j, item in enumerate(ids):
            if item.id in base.votes:
                vals[j] = P[name][base.votes.index(item.id)]
        theta[s[name]] = vals
    return theta


def _em(
    L: _Layout, theta: np.ndarray, free: np.ndarray, exact: bool
) -> tuple[np.ndarray, list[float], int, bool]:
    """EM from ``theta`` (SQUAREM-accelerated, Varadhan & Roland 2008, scheme S3).

    Returns the estimate, the log posterior after each step, the number of EM steps and whether the
    rise of the log posterior over a cycle fell below the tolerance.
    """
    from scipy.optimize import minimize  # slow to import; a fit read from the disk cache needs none

    tol = float(FIT_OPTIONS["em_tolerance"])
    rtol = float(FIT_OPTIONS["em_relative_tolerance"])
    has_unknown = any((item.known < 0).any() for item in L.d.items)
    count = [0]

    def em(th: np.ndarray) -> tuple[np.ndarray, float]:
        """One EM step from ``th``: the new parameters, and the log posterior at ``th``."""
        W, ll, _ = _e_step(L, th, exact)
        res = minimize(
            lambda t: _objective(L, t, W, free),
            th,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": int(FIT_OPTIONS["m_step_iterations"]), "gtol": 1e-6},
        )
        count[0] += 1
        return res.x, ll + _log_prior(L, th, free)

    def value(th: np.ndarray) -> float:
        _, ll, _ = _e_step(L, th, exact)
        return ll + _log_prior(L, th, free)

    trace: list[float] = []
    if not has_unknown:  # every vote is known: the MAP is one M-step, run to convergence
        W, ll, _ = _e_step(L, theta, exact)
        res = minimize(
            lambda t: _objective(L, t, W, free), theta, jac=True, method="L-BFGS-B",
            options={"maxiter": 5000, "gtol": 1e-6},
        )
        return res.x, [ll + _log_prior(L, theta, free), value(res.x)], 1, bool(res.success)
    while count[0] < int(FIT_OPTIONS["max_em_iterations"]):
        th1, obj0 = em(theta)
        th2, obj1 = em(th1)
        trace += [obj0, obj1]
        r = th1 - theta
        v = th2 - th1 - r
        nr, nv = float(np.linalg.norm(r)), float(np.linalg.norm(v))
        step = th2
        if nv > 0 and math.isfinite(nv):
            a = min(-1.0, -nr / nv)
            th3, obj_c = em(theta - 2 * a * r + a * a * v)
            if math.isfinite(obj_c) and obj_c >= obj1:
                step = th3
        new = value(step)
        if new < obj1:  # the extrapolation went wrong: take the plain EM point
            step, new = th2, value(th2)
        trace.append(new)
        theta = step
        limit = max(tol, rtol * abs(new))
        if new - obj0 < limit:
            return theta, trace, count[0], True
    return theta, trace, count[0], False


def fit_design(design: Design, *, laplace: bool = True, start: IdealPointFit | None = None) -> IdealPointFit:
    """MAP fit of the ideal-point model to a :class:`Design` by EM (exact tally likelihood).

    Parameters
    ----------
    design : Design
    laplace : bool, default=True
        Also store the Cholesky factor of the Hessian for intervals (:meth:`IdealPointFit.draws`).
    start : IdealPointFit, optional
        A fit whose parameters (matched by state, group and vote) start the EM iterations.

    Returns
    -------
    IdealPointFit
        ``log_posterior`` is the exact log posterior at the estimate; ``trace`` its value after each
        EM step (non-decreasing up to the M-step's tolerance).
    """
    L = _Layout(design)
    free = L.free_mask()
    starts = [_initial(L, int(FIT_OPTIONS["seed"]))]
    if start is not None:
        starts.append(_start_from(L, start))
    steps = 0
    converged = L.N == 0
    trace: list[float] = []
    theta = starts[0]
    if L.N:
        # phase 1, from every start: EM with the normal stand-in for large tallies (cheap)
        best = -math.inf
        for th0 in starts:
            th, _, n, _ = _em(L, th0, free, exact=False)
            steps += n
            _, ll0, _ = _e_step(L, th)
            val = ll0 + _log_prior(L, th, free)
            if val > best:
                best, theta = val, th
        # phase 2: EM with exact E-steps from the best start, to convergence
        theta, trace, n, converged = _em(L, theta, free, exact=True)
        steps += n
    theta = theta * free  # parameters outside the model stay exactly at 0
    W, ll, per_item = _e_step(L, theta)
    it = steps
    factor = _hessian_factor(L, theta, W, free, float(FIT_OPTIONS["hessian_step"])) if laplace and L.N else None
    groups: dict[str, list[str]] = {}
    for item in design.items:
        groups.setdefault(item.group, []).append(item.id)
    return IdealPointFit(
        states=design.states,
        covariate_names=design.covariate_names,
        groups=design.groups,
        votes=tuple(it.id for it in design.items),
        dimensions=design.dimensions,
        theta=theta,
        log_posterior=ll + _log_prior(L, theta, free),
        log_likelihood=ll,
        item_log_likelihood={it.id: v for it, v in zip(design.items, per_item, strict=True)},
        iterations=it,
        converged=converged,
        trace=trace,
        covariance_factor=factor,
        skipped=design.skipped,
        group_votes={g: tuple(v) for g, v in groups.items()},
        item_groups={item.id: item.group for item in design.items},
        organs=design.organs,
        item_pooled={item.id: item.pooled for item in design.items},
    )


# ----------------------------------------------------------------- cache on disk


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    h = hashlib.sha256()
    for name in ("idealpoints.py", "tally.py"):
        try:
            h.update((Path(__file__).parent / name).read_bytes())
        except OSError:
            from dialoguelab import __version__

            h.update(__version__.encode())
    return h.hexdigest()


def _fit_key_of(f: IdealPointFit) -> str:
    """A fingerprint of a fit's estimate (it is a starting point of other fits)."""
    return hashlib.sha256(np.ascontiguousarray(f.theta).tobytes() + json.dumps(f.votes).encode()).hexdigest()


def _fit_key(design: Design, laplace: bool, portable: bool = False) -> str:
    """The key of a fit: data, prior, options, code, and (unless ``portable``) the numerical libraries."""
    import scipy

    what: dict[str, Any] = {
        "format": CACHE_FORMAT,
        "design": design.fingerprint(),
        "prior": PRIOR,
        "options": FIT_OPTIONS,
        "laplace": laplace,
        "code": _code_fingerprint(),
    }
    if not portable:
        what.update(numpy=np.__version__, scipy=scipy.__version__)
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


#: Fits of the built-in cases shipped with the package (``scripts/ship_fits.py`` writes them), so that the
#: first admission probability of a fresh install reads its fit instead of computing it (about 10 s). They are
#: keyed by data, prior, options and code only: a fit made with another numpy or scipy release is accepted
#: here (the optimum is the same within the optimiser's tolerance); the cache on disk keys on those too.
SHIPPED_DIR = Path(__file__).parent / "fits"


def _read_cached(path: Path, key: str, design: Design) -> IdealPointFit | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta.get("key") != key or meta.get("format") != CACHE_FORMAT:
                return None
            theta = np.array(z["theta"], dtype=float)
            factor = np.array(z["factor"], dtype=float) if "factor" in z.files else None
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError) as exc:
        _log.warning("ignoring unreadable ideal-point cache %s (%s); refitting", path, exc)
        return None
    if not np.isfinite(theta).all():
        return None
    groups: dict[str, list[str]] = {}
    for item in design.items:
        groups.setdefault(item.group, []).append(item.id)
    return IdealPointFit(
        states=design.states,
        covariate_names=design.covariate_names,
        groups=design.groups,
        votes=tuple(it.id for it in design.items),
        dimensions=design.dimensions,
        theta=theta,
        log_posterior=float(meta["log_posterior"]),
        log_likelihood=float(meta["log_likelihood"]),
        item_log_likelihood={k: float(v) for k, v in meta["item_log_likelihood"].items()},
        iterations=int(meta["iterations"]),
        converged=bool(meta["converged"]),
        trace=[float(t) for t in meta["trace"]],
        covariance_factor=factor if factor is not None and factor.size else None,
        skipped=design.skipped,
        group_votes={g: tuple(v) for g, v in groups.items()},
        item_groups={item.id: item.group for item in design.items},
        organs=design.organs,
        item_pooled={item.id: item.pooled for item in design.items},
    )


def _write_cached(path: Path, key: str, f: IdealPointFit) -> None:
    meta = {
        "format": CACHE_FORMAT,
        "key": key,
        "log_posterior": f.log_posterior,
        "log_likelihood": f.log_likelihood,
        "item_log_likelihood": f.item_log_likelihood,
        "iterations": f.iterations,
        "converged": f.converged,
        "trace": f.trace,
        "votes": list(f.votes),
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp.npz", dir=path.parent)
        os.close(fd)
        tmp = Path(name)
        arrays: dict[str, Any] = {"meta": np.array(json.dumps(meta)), "theta": f.theta}
        if f.covariance_factor is not None:
            arrays["factor"] = f.covariance_factor
        np.savez_compressed(tmp, **arrays)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        _log.warning("could not write the ideal-point cache %s: %s", path, exc)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _fit_persistent(design: Design, laplace: bool, start: IdealPointFit | None = None) -> IdealPointFit:
    key = _fit_key(design, laplace) + (_fit_key_of(start) if start is not None else "")
    key = hashlib.sha256(key.encode()).hexdigest()
    try:
        path = cache_dir("membership") / f"idealpoints-{key[:32]}.npz"
    except OSError as exc:
        _log.warning("no ideal-point cache (%s); fitting in memory only", exc)
        return fit_design(design, laplace=laplace, start=start)
    hit = _read_cached(path, key, design)
    if hit is not None:
        return hit
    # a fit shipped with the package (a start read from a shipped fit has the same theta, so the same key)
    portable = _fit_key(design, laplace, portable=True) + (_fit_key_of(start) if start is not None else "")
    portable = hashlib.sha256(portable.encode()).hexdigest()
    shipped_name = f"idealpoints-{portable[:32]}.npz"
    if not os.environ.get("DIALOGUELAB_NO_SHIPPED_FITS"):  # set by benchmarks that time a cold fit
        hit = _read_cached(SHIPPED_DIR / shipped_name, portable, design)
        if hit is not None:
            return hit
    result = fit_design(design, laplace=laplace, start=start)
    _write_cached(path, key, result)
    ship_to = os.environ.get("DIALOGUELAB_SHIP_FITS")
    if ship_to:  # scripts/ship_fits.py: keep a copy to ship with the package
        _write_cached(Path(ship_to) / shipped_name, portable, result)
    return result


def _laplace_persistent(design: Design, map_fit: IdealPointFit) -> IdealPointFit:
    """``map_fit`` with the Cholesky factor of the Hessian at its estimate (kept on disk like a fit).

    The same factor :func:`fit_design` computes with ``laplace=True``: its estimate does not depend on
    ``laplace``, and the Hessian is taken at the estimate with the E-step's weights there.
    """
    if map_fit.covariance_factor is not None:
        return map_fit
    key = _fit_key(design, True) + _fit_key_of(map_fit)
    key = hashlib.sha256(key.encode()).hexdigest()
    try:
        path: Path | None = cache_dir("membership") / f"idealpoints-{key[:32]}.npz"
    except OSError:
        path = None
    if path is not None:
        hit = _read_cached(path, key, design)
        if hit is not None:
            return hit
    L = _Layout(design)
    factor = None
    if L.N:
        W, _, _ = _e_step(L, map_fit.theta)
        factor = _hessian_factor(L, map_fit.theta, W, L.free_mask(), float(FIT_OPTIONS["hessian_step"]))
    result = dataclasses.replace(map_fit, covariance_factor=factor)
    if path is not None:
        _write_cached(path, key, result)
    return result


def fit(
    case: Case,
    position: str | None = None,
    exclude: frozenset[str] | set[str] | tuple[str, ...] = frozenset(),
    *,
    laplace: bool = True,
) -> IdealPointFit:
    """The ideal-point model fitted on a case's roll calls (cached with the case and on disk).

    Parameters
    ----------
    case : Case
    position : str, optional
        Whose reading of disputed withdrawals sets the stance covariates; default the applicant's.
    exclude : set of str, default=frozenset()
        Roll calls left out of the fit (held out).
    laplace : bool, default=True
        Keep the Laplace approximation for intervals.

    Returns
    -------
    IdealPointFit
        ``votes`` lists exactly the roll calls the likelihood saw.

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> f = fit(load_case())
    >>> "coe-cm-2023-04-24" in f.votes and f.converged
    True
    """
    role = case.position_role(position)
    ex = frozenset(exclude)

    def compute() -> IdealPointFit:
        design = design_from_case(case, role, ex)
        if laplace:  # the MAP fit (shipped for the built-in cases) with the Hessian at its estimate
            return _laplace_persistent(design, fit(case, position, ex, laplace=False))
        return _fit_persistent(design, False, _base_fit(case, role))

    return case.cached(("membership.idealpoints", role, tuple(sorted(ex)), laplace), compute)


def _base_fit(case: Case, role: str) -> IdealPointFit:
    """The fit on the alignment votes alone: the common starting point of every fit of the case.

    It contains no admission vote, so it never holds a vote a validation fold predicts.
    """

    def compute() -> IdealPointFit:
        admissions = {r.id for r in case.world.rollcalls.values() if r.kind == "admission"}
        return _fit_persistent(design_from_case(case, role, admissions), False)

    return case.cached(("membership.idealpoints.base", role), compute)


# ----------------------------------------------------------------- prediction


def _nodes() -> tuple[np.ndarray, np.ndarray]:
    t, w = np.polynomial.hermite_e.hermegauss(int(FIT_OPTIONS["quadrature_nodes"]))
    return t, w / w.sum()


def item_probabilities(
    f: IdealPointFit,
    group: str,
    states: tuple[str, ...] | list[str],
    Z: np.ndarray,
    theta: np.ndarray | None = None,
    shifts: tuple[float, float, float] | None = None,
    organ: str = "",
    secret: bool = False,
    size: int | None = None,
) -> np.ndarray:
    """Per-state (yes, no, abstain, absent) on a new roll call of ``group``, vote shifts integrated out.

    Parameters
    ----------
    f : IdealPointFit
    group : str
        The item group (e.g. ``admission:XKX``); must have been fitted.
    states : sequence of str
        ISO codes; a state the fit never saw gets the prior ideal point (0) and absence propensity (0).
    Z : array-like of shape (len(states), len(f.covariate_names))
    theta : ndarray, optional
        A parameter draw (default the MAP).
    shifts : (float, float, float), optional
        Fixed vote-level shifts (of yes, of abstain, of absence) instead of integrating them over their prior.
    organ : str, default=""
        The organ (:func:`organ_key`); an organ the fit has not seen gets the prior effect (0).
    secret : bool, default=False
        Whether the ballot is secret.
    size : int, optional
        Voters in the organ (default ``len(states)``).

    Returns
    -------
    ndarray of shape (len(states), 4)
    """
    if group not in f.groups:
        raise InvalidParameterError(
            f"The vote model has no roll calls of group {group!r}; fitted groups: {', '.join(f.groups)}."
        )
    if theta is None and shifts is None:  # the MAP's answer: remembered for the same fit, voters and facts
        Zc = np.ascontiguousarray(Z, dtype=float)
        key = (_fit_key_of(f), group, tuple(states), Zc.shape, Zc.tobytes(), organ, secret, size)
        return _ITEM_MEMO.get(
            key, lambda: _item_probabilities(f, group, states, Zc, None, None, organ, secret, size)
        ).copy()
    return _item_probabilities(f, group, states, Z, theta, shifts, organ, secret, size)


#: Per-state probabilities of a new vote under the MAP, by fit, voters and their facts on the day.
_ITEM_MEMO: Memo[np.ndarray] = Memo(1024)


def _item_probabilities(
    f: IdealPointFit,
    group: str,
    states: tuple[str, ...] | list[str],
    Z: np.ndarray,
    theta: np.ndarray | None,
    shifts: tuple[float, float, float] | None,
    organ: str,
    secret: bool,
    size: int | None,
) -> np.ndarray:
    P = f.params(theta)
    g = f.groups.index(group)
    idx = {s: i for i, s in enumerate(f.states)}
    X = np.array([P["x"][idx[s]] if s in idx else np.zeros(f.dimensions) for s in states]).reshape(
        len(states), f.dimensions
    )
    delta = np.array([P["delta"][idx[s]] if s in idx else 0.0 for s in states])
    Z = np.asarray(Z, dtype=float).reshape(len(states), len(f.covariate_names))
    vc = np.array(vote_covariates(len(states) if size is None else size, secret))
    o = f.organs.index(organ) if organ in f.organs else None
    rec_cols = [f.covariate_names.index(c) for c in ("recognizes", "supporter") if c in f.covariate_names]
    z_rec = Z[:, rec_cols].sum(axis=1) if rec_cols else np.zeros(len(states))
    organ_n = P["omega_nu"][o] if o is not None else 0.0
    disc = P["beta"][g] + z_rec[:, None] * P["beta_rec"][g]
    ey0 = P["k_y"][g] + (X * disc).sum(axis=1) + Z @ P["gamma"][g]
    ea0 = P["k_a"][g] + X @ P["beta_a"][g] + Z @ P["gamma_a"][g]
    nu0 = P["psi"][g] + X @ P["lam"][g] + delta + vc @ P["b_vote"] + organ_n
    if shifts is not None:
        return _vote_probs(ey0 + shifts[0], ea0 + shifts[1], nu0 + shifts[2])
    if not group.startswith("admission:"):  # an alignment item has no vote-level shifts
        return _vote_probs(ey0, ea0, nu0)
    t, w = _nodes()
    tau_y, tau_a, tau_n = f.shift_spread()
    # The three vote-level shifts are independent normals (spreads from IdealPointFit.shift_spread) and absence
    # depends on the third alone, so E[P(present) P(vote | present)] = E[P(present)] E[P(vote | present)]: a
    # product Gauss-Hermite rule over the two shifts of the vote (nodes x nodes) times a rule over the shift of
    # absence (nodes), all nodes at once, instead of the full product (nodes^3 evaluations, one at a time).
    t1, t2 = np.meshgrid(t, t, indexing="ij")
    w12 = np.outer(w, w).ravel()[:, None]
    py, pn, pa = _present_probs(
        ey0[None, :] + tau_y * t1.ravel()[:, None], ea0[None, :] + tau_a * t2.ravel()[:, None]
    )
    absent = (w[:, None] * expit(nu0[None, :] + tau_n * t[:, None])).sum(axis=0)
    present = 1.0 - absent
    return np.column_stack(
        [present * (w12 * py).sum(axis=0), present * (w12 * pn).sum(axis=0), present * (w12 * pa).sum(axis=0), absent]
    )


def _target_covariates(
    f: IdealPointFit, w: World, body: str, members: tuple[str, ...], secret: bool
) -> np.ndarray:
    return _covariates(w, body, members, f.covariate_names, True, True, secret)


def member_probabilities(
    w: World, body_id: str, stage: Stage, f: IdealPointFit, theta: np.ndarray | None = None
) -> tuple[tuple[str, ...], np.ndarray]:
    """Members of a stage's organ and their per-state probabilities under the fitted model.

    Scenario overrides apply as in the class model: a fixed vote is a point mass, ``set_probabilities``
    replaces the vector of every member of that stance class. An unnamed elected seat gets the mean
    vector of the body's member states.

    Parameters
    ----------
    w : World
        The world on the day (scenario and position applied).
    body_id : str
    stage : Stage
    f : IdealPointFit
    theta : ndarray, optional
        A parameter draw (default the MAP).

    Returns
    -------
    members : tuple of str
    p : ndarray of shape (len(members), 4)
    """
    group = f"admission:{w.data.applicant.iso3}"
    members = w.organ(body_id, stage)
    named = tuple(m for m in members if not m.startswith(SEAT_PREFIX))
    secret = stage.procedure == "secret_ballot"
    organ = organ_key(body_id, stage.id, stage.name)

    def probs(states: tuple[str, ...]) -> np.ndarray:
        Z = _target_covariates(f, w, body_id, states, secret)
        return item_probabilities(f, group, states, Z, theta, organ=organ, secret=secret, size=len(members))

    p_named = probs(named)
    rows = dict(zip(named, p_named, strict=True))
    if len(named) < len(members):
        pool = tuple(m for m in w.members(body_id) if not m.startswith(SEAT_PREFIX))
        seat = probs(pool).mean(axis=0)
    over = w.probabilities_override()
    out = np.zeros((len(members), 4))
    for k, m in enumerate(members):
        fixed = w.vote_override(m, body_id)
        if fixed is not None:
            out[k, _INDEX[fixed]] = 1.0
            continue
        if m.startswith(SEAT_PREFIX):
            out[k] = seat
            continue
        c = w.stance_class(m, body_id)
        key = "recognizes" if c == "supporter" else c
        if c in over or key in over:
            out[k] = over.get(c, over.get(key))
        else:
            out[k] = rows[m]
    return members, out


def model_label(f: IdealPointFit) -> str:
    """What a probability from this fit rests on, in words."""
    n_states = len(f.states)
    return (
        f"per-state ideal-point model ({f.dimensions} dimension{'s' if f.dimensions != 1 else ''}, MAP) "
        f"fitted on {len(f.votes)} roll calls "
        f"({', '.join(f.votes)}) and {n_states} states"
    )


def state_probabilities(
    case: Case,
    body: str,
    on: dt.date | str | None = None,
    *,
    stage: str | None = None,
    scenario: Scenario | None = None,
    position: str | None = None,
    include_unverified: bool = False,
    exclude: frozenset[str] | set[str] | tuple[str, ...] = frozenset(),
    level: float = 0.9,
    draws: int = 200,
) -> pd.DataFrame:
    """Each member's probabilities of yes, no, abstain and absent in a body's vote on the applicant.

    Parameters
    ----------
    case : Case
    body : str
        Body id or alias.
    on : date or str, optional
        Default today.
    stage : str, optional
        Stage id; default the body's last stage decided by a ballot.
    scenario : Scenario, optional
    position : str, optional
    include_unverified : bool, default=False
    exclude : set of str, default=frozenset()
        Roll calls left out of the fit.
    level : float, default=0.9
        Coverage of the intervals (Laplace approximation).
    draws : int, default=200
        Parameter draws for the intervals (0: no intervals).

    Returns
    -------
    DataFrame
        One row per member: ``iso3``, ``name``, ``stance``, ``yes``, ``no``, ``abstain``, ``absent``,
        ``yes_low``, ``yes_high`` (the interval of P(yes)), ``model``.
    """
    if not 0 < level < 1:
        raise InvalidParameterError(f"The 'level' parameter must be in (0, 1). Got {level}.")
    if draws < 0:
        raise InvalidParameterError(f"The 'draws' parameter must be ≥ 0. Got {draws}.")
    data = membership_data(case)
    b = data.body(body)
    d = as_date(on)
    role = case.position_role(position)
    w = world(case, d, scenario=scenario, position=role, include_unverified=include_unverified)
    st = _ballot_stage(data.stages[b.id], stage, b.id)
    f = fit(case, role, exclude)
    members, p = member_probabilities(w, b.id, st, f)
    out = pd.DataFrame(
        {
            "iso3": list(members),
            "name": [w.name(m) for m in members],
            "stance": [w.stance_class(m, b.id) for m in members],
            "yes": p[:, 0],
            "no": p[:, 1],
            "abstain": p[:, 2],
            "absent": p[:, 3],
        }
    )
    if draws:
        thetas = f.draws(draws, seed=int(FIT_OPTIONS["seed"]))
        ys = np.array([member_probabilities(w, b.id, st, f, th)[1][:, 0] for th in thetas])
        out["yes_low"] = np.quantile(ys, (1 - level) / 2, axis=0)
        out["yes_high"] = np.quantile(ys, 1 - (1 - level) / 2, axis=0)
    out["model"] = model_label(f)
    return out


def _ballot_stage(stages: tuple[Stage, ...], stage: str | None, body_id: str) -> Stage:
    if stage is not None:
        for s in stages:
            if s.id == stage:
                return s
        raise InvalidParameterError(
            f"Body {body_id} has no stage {stage!r}; its stages are {', '.join(s.id for s in stages)}."
        )
    from dialoguelab.membership.rules import PROCEDURES_WITHOUT_BALLOT

    ballots = [s for s in stages if s.modelled and s.procedure not in PROCEDURES_WITHOUT_BALLOT]
    if not ballots:
        raise InvalidParameterError(f"Body {body_id} has no stage decided by a ballot.")
    return ballots[-1]
