"""Shapley–Shubik and Banzhaf indices: a fast float path and an exact rational path.

Two engines:

* :func:`weighted_indices` for a weighted voting game ``[q; w_1, …, w_n]`` by generating functions,
  ``method="float"`` (the default) or ``method="exact"``, one index or both (``indices=``).
  Both paths first reduce the game without changing any index: weights and quota divided by the
  weights' GCD, the dual game ``[W - q + 1; w]`` taken when its quota is smaller (swings and
  Shapley–Shubik values of a game and its dual are equal), weights capped at the quota, and players
  of weight 0 (dummies) left out.

  - *exact*: the product ``prod_i (1 + y x^{w_i})`` truncated below the quota counts coalitions by
    size and weight in Python integers (Brams & Affuso 1976; Matsui & Matsui 2000; Alonso-Meijide &
    Bowles 2005, doi:10.1007/s10479-005-2243-6). A player's swings are read off the *cumulative*
    counts ``C`` by an alternating sum, ``L(x) = C(x) - C(x - w) + C(x - 2w) - …`` (the cumulative
    counts of the others, from ``a = b (1 + x^w)``), so dividing out a factor costs O(q/w), not O(q).
    Banzhaf alone needs only the one-variable product (O(n q)); Shapley–Shubik the two-variable one
    (O(n² q)). Results are :class:`fractions.Fraction`.
  - *float*: every other player joins a coalition independently with probability ``p``; the
    probability ``eta_i(p)`` that the others' weight lies in ``[q - w_i, q - 1]`` is computed for all
    players of one weight at once as a dot product of the *prefix* distribution (the players before
    them) and window sums of the *suffix* distribution (the players after them), both built by
    repeated convolution with ``(1 - p) + p x^w`` in numpy, truncated at the quota with the mass at
    or above it kept in one extra cell. Only additions and multiplications of non-negative numbers
    are involved (no dividing out, which loses every digit of small tails in floats), scaled by exact
    powers of two so that nothing overflows or underflows at any n. A window sum is taken from the
    side whose remainder is smaller, so small swing probabilities (near-unanimity quotas) keep
    their relative accuracy. Absolute Banzhaf is ``eta_i(1/2)``; Shapley–Shubik is
    ``∫_0^1 eta_i(p) dp`` (Owen's multilinear extension, 1972, doi:10.1287/mnsc.18.5.64), a polynomial
    of degree n - 1 in p that Gauss–Legendre quadrature with ``ceil(n/2)`` nodes integrates exactly.
    Cost O(n q) for Banzhaf and O(n² q) for Shapley–Shubik, vectorised over the nodes; agrees with
    the exact path to about 1e-14 (tested to 1e-12). Small games are computed exactly and rounded.
* :func:`type_indices` for composite games whose players fall into a few classes of symmetric players
  (the Security Council's vetoers and elected members; the UN's Council and Assembly together): the
  game is a predicate on how many players of each type vote yes, and every count vector is weighed
  by binomial coefficients. Cost O(prod (n_t + 1)).

Indices returned: Shapley–Shubik ``phi_i = sum_S |S|!(n-|S|-1)!/n!`` over swings, raw swing counts
``eta_i``, normalised Banzhaf ``eta_i / sum_j eta_j`` and absolute (Penrose–Banzhaf) ``eta_i / 2^(n-1)``;
as :class:`fractions.Fraction` with ``method="exact"``, as ``float`` with ``method="float"``.
"""

from __future__ import annotations

__all__ = [
    "PowerIndices",
    "weighted_indices",
    "type_indices",
    "brute_force_indices",
    "body_power",
]

import datetime as dt
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership.rules import (
    AllOf,
    Consensus,
    Majority,
    Quota,
    Rule,
    Unanimity,
    Veto,
    WeightedQuota,
    required_yes,
)

_METHODS = ("float", "exact")
_INDICES = ("both", "banzhaf", "shapley_shubik")


@dataclass
class PowerIndices:
    """Power indices of the players of a simple game (lists in player order).

    With ``method="exact"`` the indices are :class:`~fractions.Fraction` and the swings ``int``; with
    ``method="float"`` all are ``float`` (swings may be ``inf`` beyond 2^1024). An index that was not
    asked for (``indices=``) is an empty list; swings belong to Banzhaf.
    """

    players: list[str]
    shapley_shubik: list[Any]
    swings: list[Any]
    banzhaf: list[Any]
    banzhaf_absolute: list[Any]
    method: str = "exact"

    def to_frame(self) -> pd.DataFrame:
        """One row per player: the float values, and the exact ones as strings when exact."""
        cols: dict[str, list[Any]] = {"player": self.players}
        exact = self.method == "exact"
        if self.shapley_shubik:
            cols["shapley_shubik"] = [float(x) for x in self.shapley_shubik]
            if exact:
                cols["shapley_shubik_exact"] = [str(x) for x in self.shapley_shubik]
        if self.banzhaf:
            cols["swings"] = list(self.swings)
            cols["banzhaf"] = [float(x) for x in self.banzhaf]
            if exact:
                cols["banzhaf_exact"] = [str(x) for x in self.banzhaf]
            cols["banzhaf_absolute"] = [float(x) for x in self.banzhaf_absolute]
        return pd.DataFrame(cols)


def _finish(players: list[str], ss: list[Fraction], swings: list[int], n: int) -> PowerIndices:
    total = sum(swings)
    bz = [Fraction(s, total) if total else Fraction(0) for s in swings]
    absolute = [Fraction(s, 2 ** (n - 1)) if n else Fraction(0) for s in swings]
    return PowerIndices(players, ss, swings, bz, absolute)


def _check_choices(method: str, indices: str, where: str) -> None:
    if method not in _METHODS:
        raise InvalidParameterError(
            f"The 'method' parameter of {where} must be 'float' or 'exact'. Got {method!r} instead."
        )
    if indices not in _INDICES:
        raise InvalidParameterError(
            f"The 'indices' parameter of {where} must be 'both', 'banzhaf' or 'shapley_shubik'. "
            f"Got {indices!r} instead."
        )


def _reduce_game(w: list[int], quota: int) -> tuple[list[int], int] | None:
    """An equivalent game with the smallest quota: weights of the non-dummies only keep their order
    (0 for dummies); None when no coalition wins."""
    if sum(w) < quota:
        return None
    pos = [x for x in w if x > 0]
    g = math.gcd(*pos) if pos else 1
    red = [x // g for x in w]
    q = -(-quota // g)
    total = sum(red)
    q = min(q, total - q + 1)  # the dual game [W - q + 1; w] has the same swings and Shapley–Shubik values
    return [min(x, q) for x in red], q


# ------------------------------------------------------------------------------------------------
# exact path (Python integers)


def _alternating(cum: list[int], x: int, w: int) -> int:
    """``L(x) = C(x) - C(x-w) + C(x-2w) - …`` over x - jw >= 0 (cumulative counts of the others)."""
    total = 0
    sign = 1
    while x >= 0:
        total += sign * cum[x]
        sign = -sign
        x -= w
    return total


def _exact_swings(weights: list[int], q: int) -> dict[int, int]:
    """Swing counts among the given players (all weights in 1..q), by weight (Banzhaf alone, O(n q))."""
    a = [0] * q
    a[0] = 1
    reach = 0
    for wi in weights:
        top = min(q, reach + wi + 1)
        if top > wi:
            a[wi:top] = [x + y for x, y in zip(a[wi:top], a[: top - wi], strict=True)]
        reach += wi
    cum = list(itertools.accumulate(a))
    out = {}
    for wi in set(weights):
        out[wi] = _alternating(cum, q - 1, wi) - (_alternating(cum, q - 1 - wi, wi) if q - 1 - wi >= 0 else 0)
    return out


def _exact_by_size(weights: list[int], q: int) -> tuple[dict[int, tuple[int, int]], int]:
    """Shapley–Shubik numerator and swing count by weight among the given players (weights in 1..q),
    and the common denominator n! of the Shapley–Shubik values."""
    n = len(weights)
    # a[k][t]: coalitions of size k and weight t < q, then replaced by cumulative counts over t
    a = [[0] * q for _ in range(n + 1)]
    a[0][0] = 1
    reach = 0
    for i, wi in enumerate(weights):
        top = min(q, reach + wi + 1)
        if top > wi:
            for k in range(i + 1, 0, -1):
                row, prev = a[k], a[k - 1]
                row[wi:top] = [x + y for x, y in zip(row[wi:top], prev[: top - wi], strict=True)]
        reach += wi
    cum = [list(itertools.accumulate(row)) for row in a]
    fact = [math.factorial(k) for k in range(n + 1)]
    out: dict[int, tuple[int, int]] = {}
    for wi in set(weights):
        ss_num = 0
        sw = 0
        for k in range(n):
            # L_k(x) = sum_j (-1)^j C_{k-j}(x - j w): coalitions of k others with weight <= x
            def lk(x: int, k: int = k, wi: int = wi) -> int:
                total = 0
                sign = 1
                j = 0
                while x >= 0 and j <= k:
                    total += sign * cum[k - j][x]
                    sign = -sign
                    x -= wi
                    j += 1
                return total

            c = lk(q - 1) - (lk(q - 1 - wi) if q - 1 - wi >= 0 else 0)
            if c:
                sw += c
                ss_num += c * fact[k] * fact[n - 1 - k]
        out[wi] = (ss_num, sw)
    return out, fact[n]


def _exact_counts(
    w: list[int], red: tuple[list[int], int] | None, want_ss: bool
) -> tuple[list[int], int, list[int]]:
    """Shapley–Shubik numerators with their common denominator, and swing counts, player by player,
    from the reduced game."""
    n = len(w)
    if red is None:  # nobody can win: all indices zero
        return [0] * n, 1, [0] * n
    rw, q = red
    live = [x for x in rw if x > 0]
    dummies = n - len(live)
    if want_ss:
        by, den = _exact_by_size(live, q)
        nums = [by[x][0] if x > 0 else 0 for x in rw]
        raw = {x: v[1] for x, v in by.items()}
    else:
        nums, den = [], 1
        raw = _exact_swings(live, q)
    # each dummy doubles every other player's swings
    return nums, den, [raw[x] << dummies if x > 0 else 0 for x in rw]


def _exact_weighted(
    w: list[int], red: tuple[list[int], int] | None, names: list[str], indices: str, as_float: bool
) -> PowerIndices:
    n = len(w)
    want_ss = indices != "banzhaf"
    nums, den, swings = _exact_counts(w, red, want_ss)
    if not as_float:
        ss: list[Any] = [Fraction(x, den) for x in nums]
        res = _finish(names, ss, swings, n)
    else:  # int / int is correctly rounded
        total = sum(swings)
        half = 2 ** (n - 1) if n else 1
        res = PowerIndices(
            names,
            [x / den for x in nums],
            [float(x) if x.bit_length() <= 1023 else math.inf for x in swings],
            [x / total if total else 0.0 for x in swings],
            [x / half for x in swings],
        )
    res.method = "float" if as_float else "exact"
    if indices == "shapley_shubik":
        res.swings, res.banzhaf, res.banzhaf_absolute = [], [], []
    elif indices == "banzhaf":
        res.shapley_shubik = []
    return res


# ------------------------------------------------------------------------------------------------
# float path (numpy, non-negative sums scaled by powers of two)

#: Below these sizes the exact integer path is faster than numpy's per-call overhead, so the float
#: method computes exactly and rounds: Banzhaf alone when the reduced quota q is at most
#: ``_SMALL_BANZHAF`` (cost n q either way), Shapley–Shubik when n² q is at most ``_SMALL_SHAPLEY``.
_SMALL_BANZHAF = 500
_SMALL_SHAPLEY = 25_000
#: Memory for the stored prefix distributions of the float path, in bytes (the nodes are processed in
#: chunks that fit).
_PREFIX_BUDGET = 96 * 2**20
#: Games whose stored prefix distributions would need more memory than this are refused.
_MEMORY_LIMIT = 4 * 2**30


def _legendre_nodes(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on [0, 1] (numpy's up to 100 nodes, scipy's beyond)."""
    if count <= 100:
        x, wt = np.polynomial.legendre.leggauss(count)
    else:
        from scipy.special import roots_legendre

        x, wt = roots_legendre(count)
    return (np.asarray(x) + 1.0) / 2.0, np.asarray(wt) / 2.0


def _apply_factor(a: np.ndarray, w: int, q: int, rho: np.ndarray, buf: np.ndarray, bucket: bool = True) -> None:
    """In place, each column times ``1 + rho x^w`` (rows are weights 0..q-1, truncated at q; row q holds
    the mass at or above q when ``bucket``). ``buf`` is scratch space of a's shape. The same update
    applies to cumulative distributions (``bucket=False``)."""
    if bucket:
        moved = a[q - w : q].sum(axis=0)
        moved += a[q]
        moved *= rho
        a[q] += moved
    if w < q:
        tmp = np.multiply(a[: q - w], rho, out=buf[: q - w])
        a[w:q] += tmp


def _swing_probabilities(
    classes: list[tuple[int, int]], q: int, p: np.ndarray, tails: bool, store: np.ndarray | None = None
) -> np.ndarray:
    """``eta[c, g]``: when every other player joins independently with probability ``p[g]``, the
    probability that the others' weight lies in ``[q - w_c, q - 1]`` (a player of weight ``w_c`` swings).

    ``classes`` lists (weight, count) with weights in 1..q. The distributions are arrays of shape
    ``(q + 1, len(p))`` (weight by node). Each factor ``(1 - p) + p x^w`` is applied as ``1 + rho x^w``
    (``rho = p / (1 - p)``) and the columns rescaled by exact powers of two; the factor
    ``(1 - p)^(n-1)`` and the scales are put back at the end in log2 space. ``tails=True`` takes each
    window sum from the side (cumulative sums from below, or tail sums from above) that subtracts less,
    which keeps the relative accuracy of small swing probabilities. ``store`` is optional scratch
    space of shape ``(len(classes), q, len(p))`` for the prefix distributions (reused across calls).
    """
    g = len(p)
    n = sum(m for _, m in classes)
    rho = p / (1.0 - p)
    step = np.log2(1.0 + rho)
    out = np.zeros((len(classes), g))
    if n == 0:
        return out

    def fresh(cumulative: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if cumulative:
            a = np.ones((q + 1, g))
        else:
            a = np.zeros((q + 1, g))
            a[0] = 1.0
        return a, np.zeros(g), np.zeros(g)  # array, exponent, growth since the last rescale

    buf = np.empty((q + 1, g))

    def grow(a: np.ndarray, e: np.ndarray, acc: np.ndarray, w: int, times: int, bucket: bool = True) -> None:
        for _ in range(times):
            _apply_factor(a, w, q, rho, buf, bucket)
            acc += step
            if acc.max() > 256.0:  # keep the total mass below 2^260
                s = np.floor(acc)
                a *= np.exp2(-s)
                e += s
                acc -= s

    a, e, acc = fresh()
    if store is None or store.shape[0] < len(classes) or store.shape[1:] != (q, g):
        store = np.empty((len(classes), q, g))
    pre_e = np.empty((len(classes), g))
    for ci, (w, m) in enumerate(classes):
        store[ci] = a[:q]
        pre_e[ci] = e
        grow(a, e, acc, w, m)
    del a
    # backward: the suffix distribution (tails) or directly its cumulative sums (the update is the same)
    s_arr, es, acc = fresh(cumulative=not tails)
    log_scale_base = (n - 1) * np.log1p(-p) / np.log(2.0)
    cs = np.empty((q, g))
    win = np.empty((q, g))
    for ci in range(len(classes) - 1, -1, -1):
        w, m = classes[ci]
        grow(s_arr, es, acc, w, m - 1, tails)
        pa, pe = store[ci], pre_e[ci]
        if tails:
            np.cumsum(s_arr[:q], axis=0, out=cs)
        else:
            cs = s_arr[:q]
        rev = cs[::-1]  # rev[s] = cs[q - 1 - s]: others' weight <= q - 1 - s
        if tails:
            tail = np.cumsum(s_arr[::-1], axis=0)[::-1]  # tail[t]: others' weight >= t
            # from below: cs[q-1-s] - cs[q-w-1-s]; from above: tail[max(0, q-w-s)] - tail[q-s]
            below = np.zeros_like(rev)
            below[: q - w] = rev[w:]
            above = tail[q:0:-1]  # tail[q - s]
            top = np.empty_like(rev)
            top[: q - w + 1] = tail[q - w :: -1][: q - w + 1]
            top[q - w + 1 :] = tail[:1]
            win = np.where(below <= above, rev - below, top - above)
        else:
            np.subtract(rev[: q - w], rev[w:], out=win[: q - w])
            win[q - w :] = rev[q - w :]
        dot = np.einsum("ij,ij->j", pa, win)
        pos = dot > 0
        log2v = np.log2(np.where(pos, dot, 1.0)) + pe + es + log_scale_base
        whole = np.floor(log2v)
        out[ci] = np.where(pos, np.exp2(whole) * np.exp2(log2v - whole), 0.0)
        if ci:
            grow(s_arr, es, acc, w, 1, tails)
    return out


def _swing_count(absolute: float, n: int) -> float:
    """``absolute * 2^(n-1)``, rounded to an integer (exact while below about 2^50); inf past 2^1024."""
    try:
        return float(round(math.ldexp(absolute, n - 1)))
    except OverflowError:
        return math.inf


def _float_weighted(w: list[int], quota: int, names: list[str], indices: str) -> PowerIndices:
    n = len(w)
    want_ss = indices != "banzhaf"
    want_bz = indices != "shapley_shubik"
    red = _reduce_game(w, quota)
    if red is None:
        z = [0.0] * n
        return PowerIndices(names, z if want_ss else [], z if want_bz else [], z if want_bz else [],
                            z if want_bz else [], "float")
    rw, q = red
    live = [x for x in rw if x > 0]
    if (not want_ss and q <= _SMALL_BANZHAF) or len(live) ** 2 * q <= _SMALL_SHAPLEY:
        return _exact_weighted(w, red, names, indices, as_float=True)
    counts: dict[int, int] = {}
    for x in live:
        counts[x] = counts.get(x, 0) + 1
    classes = sorted(counts.items())
    need = len(classes) * (q + 1) * 8  # one stored prefix distribution per distinct weight
    if need > _MEMORY_LIMIT:
        raise InvalidParameterError(
            f"The game is too large for the generating-function method: {len(classes)} distinct weights "
            f"and a reduced quota of {q} need {need / 2**30:.1f} GiB. Divide the weights and the quota by "
            "a common unit (e.g. votes in thousands) first."
        )
    index = {x: i for i, (x, _) in enumerate(classes)}
    ss: list[float] = []
    if want_ss:
        nodes, node_w = _legendre_nodes(max(1, (len(live) + 1) // 2))
        per_node = (len(classes) + 5) * (q + 1) * 8
        chunk = max(1, min(len(nodes), _PREFIX_BUDGET // per_node))
        chunk = -(-len(nodes) // -(-len(nodes) // chunk))  # equal chunks
        store = np.empty((len(classes), q, chunk))
        phi = np.zeros(len(classes))
        for lo in range(0, len(nodes), chunk):
            part = nodes[lo : lo + chunk]
            eta = _swing_probabilities(classes, q, part, tails=False, store=store if len(part) == chunk else None)
            phi += eta @ node_w[lo : lo + chunk]
        ss = [float(phi[index[x]]) if x > 0 else 0.0 for x in rw]
    if not want_bz:
        return PowerIndices(names, ss, [], [], [], "float")
    eta = _swing_probabilities(classes, q, np.array([0.5]), tails=True)[:, 0]
    absolute = [float(eta[index[x]]) if x > 0 else 0.0 for x in rw]
    total = math.fsum(absolute)
    bz = [x / total if total > 0 else 0.0 for x in absolute]
    swings = [_swing_count(x, n) for x in absolute]
    return PowerIndices(names, ss, swings, bz, absolute, "float")


def weighted_indices(
    weights: Sequence[int],
    quota: int,
    players: Sequence[str] | None = None,
    *,
    indices: str = "both",
    method: str = "float",
) -> PowerIndices:
    """Shapley–Shubik and Banzhaf indices of the weighted game ``[quota; weights]``.

    Parameters
    ----------
    weights : sequence of int
        Non-negative integer weights.
    quota : int
        Positive; a coalition wins when its weight is at least ``quota``.
    players : sequence of str, optional
        Names (default ``"1"``, ``"2"``, …).
    indices : {"both", "banzhaf", "shapley_shubik"}, default="both"
        Which indices to compute; the other fields of the result are empty lists. Banzhaf alone is
        O(n q), about n times cheaper than Shapley–Shubik.
    method : {"float", "exact"}, default="float"
        ``"float"``: numpy, floats equal to the exact values to about 1e-14 (see the module notes);
        ``"exact"``: Python integers, :class:`~fractions.Fraction` results.

    Returns
    -------
    PowerIndices

    Notes
    -----
    After reducing the game (GCD, dual game, capped weights, dummies left out) to ``n`` players and
    quota ``q``: Banzhaf costs O(n q), Shapley–Shubik O(n² q), in both methods. The float path takes
    about 0.3 s for both indices of a 190-player game with total weight 10,000 (2 vCPU).

    Examples
    --------
    >>> r = weighted_indices([4, 4, 4, 2, 2, 1], 12, method="exact")
    >>> [str(x) for x in r.banzhaf]
    ['5/21', '5/21', '5/21', '1/7', '1/7', '0']
    >>> [round(x, 6) for x in weighted_indices([7] * 5 + [1] * 10, 39, indices="shapley_shubik").shapley_shubik][4:6]
    [0.19627, 0.001865]
    """
    _check_choices(method, indices, "weighted_indices")
    w = [int(x) for x in weights]
    if any(x < 0 for x in w) or quota <= 0:
        raise InvalidParameterError("Weights must be non-negative integers and the quota a positive integer.")
    n = len(w)
    names = list(players) if players is not None else [str(i + 1) for i in range(n)]
    if len(names) != n:
        raise InvalidParameterError("players and weights must have the same length.")
    if method == "exact":
        return _exact_weighted(w, _reduce_game(w, int(quota)), names, indices, as_float=False)
    return _float_weighted(w, int(quota), names, indices)


def type_indices(
    counts: Sequence[int],
    wins: Callable[[tuple[int, ...]], bool],
    types: Sequence[str] | None = None,
    *,
    indices: str = "both",
    method: str = "float",
) -> PowerIndices:
    """Indices of a game whose players form symmetric types; returns one entry per *type*.

    Parameters
    ----------
    counts : sequence of int
        Number of players of each type.
    wins : callable
        Given how many players of each type vote yes, whether the motion passes (monotone).
    types : sequence of str, optional
    indices : {"both", "banzhaf", "shapley_shubik"}, default="both"
        Which indices to compute; the other fields are empty lists.
    method : {"float", "exact"}, default="float"
        Floats, or :class:`~fractions.Fraction`. Both enumerate the count vectors with exact integers
        (the cost is in calling ``wins``); floats are the exact values correctly rounded.

    Examples
    --------
    The Security Council: 5 permanent members (all needed) and 10 elected; 9 votes in all.

    >>> r = type_indices([5, 10], lambda k: k[0] == 5 and k[0] + k[1] >= 9, method="exact")
    >>> [str(x) for x in r.shapley_shubik], r.swings
    (['421/2145', '4/2145'], [848, 84])
    >>> [round(x, 6) for x in type_indices([5, 10], lambda k: k[0] == 5 and k[0] + k[1] >= 9).shapley_shubik]
    [0.19627, 0.001865]
    """
    _check_choices(method, indices, "type_indices")
    res = _type_indices_exact(counts, wins, types)
    want_ss = indices != "banzhaf"
    want_bz = indices != "shapley_shubik"
    if method == "float":
        res = PowerIndices(
            res.players,
            [float(x) for x in res.shapley_shubik],
            [float(x) for x in res.swings],
            [float(x) for x in res.banzhaf],
            [float(x) for x in res.banzhaf_absolute],
            "float",
        )
    if not want_ss:
        res.shapley_shubik = []
    if not want_bz:
        res.swings, res.banzhaf, res.banzhaf_absolute = [], [], []
    return res


def _type_indices_exact(
    counts: Sequence[int], wins: Callable[[tuple[int, ...]], bool], types: Sequence[str] | None = None
) -> PowerIndices:
    counts = [int(c) for c in counts]
    n = sum(counts)
    names = list(types) if types is not None else [str(i + 1) for i in range(len(counts))]
    fact = [math.factorial(k) for k in range(n + 1)]
    ss = [Fraction(0)] * len(counts)
    sw = [0] * len(counts)
    for t, nt in enumerate(counts):
        if nt == 0:
            continue
        ranges = [range(c + 1) if u != t else range(nt) for u, c in enumerate(counts)]
        ss_num = 0
        swings = 0
        for k in itertools.product(*ranges):
            if wins(k):
                continue
            kk = list(k)
            kk[t] += 1
            if not wins(tuple(kk)):
                continue
            mult = math.comb(nt - 1, k[t])
            for u, c in enumerate(counts):
                if u != t:
                    mult *= math.comb(c, k[u])
            size = sum(k)
            swings += mult
            ss_num += mult * fact[size] * fact[n - 1 - size]
        ss[t] = Fraction(ss_num, fact[n])
        sw[t] = swings
    total = sum(s * c for s, c in zip(sw, counts, strict=True))
    bz = [Fraction(s, total) if total else Fraction(0) for s in sw]
    absolute = [Fraction(s, 2 ** (n - 1)) for s in sw]
    return PowerIndices(names, ss, sw, bz, absolute)


def brute_force_indices(n: int, wins: Callable[[frozenset[int]], bool]) -> PowerIndices:
    """Enumerate all 2^n coalitions (reference for small games, n ≤ 20)."""
    if n > 20:
        raise InvalidParameterError(f"Brute force is limited to 20 players. Got {n}.")
    fact = [math.factorial(k) for k in range(n + 1)]
    ss = [Fraction(0)] * n
    sw = [0] * n
    for mask in range(1 << n):
        s = frozenset(i for i in range(n) if mask >> i & 1)
        if wins(s):
            continue
        for i in range(n):
            if i in s:
                continue
            if wins(s | {i}):
                sw[i] += 1
                ss[i] += Fraction(fact[len(s)] * fact[n - 1 - len(s)], fact[n])
    return _finish([str(i + 1) for i in range(n)], ss, sw, n)


def _leaves(rule: Rule) -> list[Rule]:
    return [x for r in rule.rules for x in _leaves(r)] if isinstance(rule, AllOf) else [rule]


def body_power(
    case: Case,
    body: str,
    on: dt.date | str | None = None,
    *,
    scenario: object | None = None,
    include_unverified: bool = False,
    by_type: bool = False,
) -> pd.DataFrame:
    """Exact a-priori power of every member in a body's admission game (all modelled stages together).

    Every player votes yes or no (no abstentions), so a present-and-voting base is the organ's size.
    Anonymous seats (the Security Council's elected members) are held by some of the body's other
    members: the game counts them once (193 players for the UN), so a named non-permanent member's row
    shows the power of a member *without* an elected seat. ``by_type=True`` returns one row per type of
    symmetric players with its count (``sum(players × shapley_shubik) = 1``).

    Returns
    -------
    DataFrame
        One row per member: ``member``, ``name``, ``type``, ``shapley_shubik``, ``shapley_shubik_exact``,
        ``banzhaf``, ``banzhaf_exact``, ``banzhaf_absolute``, ``swings``. By type: ``type``, ``players``,
        the three indices as floats, the two exact ones as fraction strings, and ``swings``. Front ends
        show the floats; the exact fractions (20–60 digits for the UN) are for ``--exact`` and downloads.
    """
    from dialoguelab.membership.scenarios import Scenario
    from dialoguelab.membership.world import SEAT_PREFIX, world

    scen = scenario if isinstance(scenario, Scenario) else None
    w = world(case, on, scenario=scen, include_unverified=include_unverified)
    b = w.data.body(body)
    stages = [s for s in w.data.stages[b.id] if s.modelled]
    body_members = set(w.members(b.id))
    organs = [w.organ(b.id, s) for s in stages]
    # signature of a player: (stages where it sits, stages where it holds a veto, weight signature)
    sig: dict[str, tuple] = {}
    players = sorted(set().union(*[set(o) for o in organs])) if organs else []
    for m in players:
        seat = m.startswith(SEAT_PREFIX)
        where = []
        vetoes = []
        weights = []
        for si, (st, org) in enumerate(zip(stages, organs, strict=True)):
            inside = m in org or (seat and body_members and set(org) >= body_members)
            if inside:
                where.append(si)
                for r in _leaves(st.rule):
                    if isinstance(r, Veto) and m in r.vetoers:
                        vetoes.append(si)
                    if isinstance(r, WeightedQuota):
                        weights.append(r.weight_of.get(m, 0))
        sig[m] = (tuple(where), tuple(vetoes), tuple(weights))
    # anonymous seats sit in the body's full-membership organs too: take them out of the body-only type
    seats = [m for m in players if m.startswith(SEAT_PREFIX)]
    type_list = sorted(set(sig.values()))
    counts = [sum(1 for m in players if sig[m] == t) for t in type_list]
    if seats:
        seat_sig = sig[seats[0]]
        full = tuple(si for si, org in enumerate(organs) if set(org) >= body_members)
        donor = (full, (), tuple(() for _ in ()))
        for ti, t in enumerate(type_list):
            if t[0] == full and not t[1] and t != seat_sig:
                donor = t
                counts[ti] -= len(seats)
                break
        del donor
    sizes = [len(o) for o in organs]
    n_types = len(type_list)

    def organ_count(k: tuple[int, ...], si: int) -> int:
        return sum(k[t] for t in range(n_types) if si in type_list[t][0])

    def wins(k: tuple[int, ...]) -> bool:
        for si, st in enumerate(stages):
            c = organ_count(k, si)
            size = sizes[si]
            for r in _leaves(st.rule):
                if isinstance(r, Majority):
                    if c < required_yes(r.fraction, size, r.strict):
                        return False
                elif isinstance(r, Quota):
                    if c < r.min_yes:
                        return False
                elif isinstance(r, Veto):
                    for t in range(n_types):
                        if si in type_list[t][1] and k[t] < counts[t]:
                            return False
                elif isinstance(r, (Consensus, Unanimity)):
                    if c < size:
                        return False
                elif isinstance(r, WeightedQuota):
                    raise InvalidParameterError(
                        "body_power does not combine weighted quotas; use weighted_indices."
                    )
        return True

    space = math.prod(c + 1 for c in counts)
    if space > 5_000_000:
        raise InvalidParameterError(f"The game has too many player types ({n_types}) for exact enumeration.")
    res = type_indices(counts, wins, [str(t) for t in type_list], method="exact")
    labels = {}
    for m in players:
        labels[sig[m]] = (
            "veto holder" if sig[m][1] else ("unnamed seat" if m.startswith(SEAT_PREFIX) else "member")
        )
    type_rows = pd.DataFrame(
        {
            "type": [labels[t] for t in type_list],
            "players": counts,
            "shapley_shubik": [float(x) for x in res.shapley_shubik],
            "banzhaf": [float(x) for x in res.banzhaf],
            "banzhaf_absolute": [float(x) for x in res.banzhaf_absolute],
            "shapley_shubik_exact": [str(x) for x in res.shapley_shubik],
            "banzhaf_exact": [str(x) for x in res.banzhaf],
            "swings": res.swings,
        }
    )
    if by_type:
        return type_rows
    rows = []
    for m in players:
        ti = type_list.index(sig[m])
        label = "veto holder" if sig[m][1] else ("unnamed seat" if m.startswith(SEAT_PREFIX) else "member")
        rows.append(
            {
                "member": m,
                "name": w.name(m),
                "type": label,
                "shapley_shubik": float(res.shapley_shubik[ti]),
                "shapley_shubik_exact": str(res.shapley_shubik[ti]),
                "banzhaf": float(res.banzhaf[ti]),
                "banzhaf_exact": str(res.banzhaf[ti]),
                "banzhaf_absolute": float(res.banzhaf_absolute[ti]),
                "swings": res.swings[ti],
            }
        )
    return (
        pd.DataFrame(rows)
        .sort_values(["shapley_shubik", "member"], ascending=[False, True])
        .reset_index(drop=True)
    )
