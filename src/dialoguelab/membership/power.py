"""Exact Shapley–Shubik and Banzhaf indices with integer arithmetic.

Two exact engines:

* :func:`weighted_indices` for a weighted voting game ``[q; w_1, …, w_n]`` by generating functions:
  the product ``prod_i (1 + y x^{w_i})`` truncated below the quota counts coalitions by size and weight;
  dividing out one player's factor (``b[k][t] = a[k][t] - b[k-1][t-w_i]``) gives the losing coalitions
  that player turns into winning ones (Brams & Affuso 1976; Matsui & Matsui 2000; Alonso-Meijide &
  Bowles 2005, doi:10.1007/s10479-005-2243-6). Players with equal weights share one computation.
  Cost O(n · q · distinct weights) big-integer additions.
* :func:`type_indices` for composite games whose players fall into a few classes of symmetric players
  (the Security Council's vetoers and elected members; the UN's Council and Assembly together): the
  game is a predicate on how many players of each type vote yes, and every count vector is weighed
  by binomial coefficients. Cost O(prod (n_t + 1)).

Indices returned: Shapley–Shubik ``phi_i = sum_S |S|!(n-|S|-1)!/n!`` over swings, raw swing counts
``eta_i``, normalised Banzhaf ``eta_i / sum_j eta_j`` and absolute (Penrose–Banzhaf) ``eta_i / 2^(n-1)``,
all as :class:`fractions.Fraction`.
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


@dataclass
class PowerIndices:
    """Exact power indices of the players of a simple game (lists in player order)."""

    players: list[str]
    shapley_shubik: list[Fraction]
    swings: list[int]
    banzhaf: list[Fraction]
    banzhaf_absolute: list[Fraction]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "player": self.players,
                "shapley_shubik": [float(x) for x in self.shapley_shubik],
                "shapley_shubik_exact": [str(x) for x in self.shapley_shubik],
                "swings": self.swings,
                "banzhaf": [float(x) for x in self.banzhaf],
                "banzhaf_exact": [str(x) for x in self.banzhaf],
                "banzhaf_absolute": [float(x) for x in self.banzhaf_absolute],
            }
        )


def _finish(players: list[str], ss: list[Fraction], swings: list[int], n: int) -> PowerIndices:
    total = sum(swings)
    bz = [Fraction(s, total) if total else Fraction(0) for s in swings]
    absolute = [Fraction(s, 2 ** (n - 1)) if n else Fraction(0) for s in swings]
    return PowerIndices(players, ss, swings, bz, absolute)


def weighted_indices(
    weights: Sequence[int], quota: int, players: Sequence[str] | None = None
) -> PowerIndices:
    """Exact indices of the weighted game ``[quota; weights]``.

    Parameters
    ----------
    weights : sequence of int
        Non-negative integer weights.
    quota : int
        Positive; a coalition wins when its weight is at least ``quota``.
    players : sequence of str, optional
        Names (default ``"1"``, ``"2"``, …).

    Examples
    --------
    >>> r = weighted_indices([4, 4, 4, 2, 2, 1], 12)
    >>> [str(x) for x in r.banzhaf]
    ['5/21', '5/21', '5/21', '1/7', '1/7', '0']
    """
    w = [int(x) for x in weights]
    if any(x < 0 for x in w) or quota <= 0:
        raise InvalidParameterError("Weights must be non-negative integers and the quota a positive integer.")
    n = len(w)
    names = list(players) if players is not None else [str(i + 1) for i in range(n)]
    if len(names) != n:
        raise InvalidParameterError("players and weights must have the same length.")
    if sum(w) < quota:  # nobody can win: all indices zero
        z = [Fraction(0)] * n
        return PowerIndices(names, z, [0] * n, z, z)
    q = quota
    # a[k][t]: coalitions of size k and weight t < q
    a = [[0] * q for _ in range(n + 1)]
    a[0][0] = 1
    for i, wi in enumerate(w):
        for k in range(i + 1, 0, -1):
            row, prev = a[k], a[k - 1]
            for t in range(q - 1, wi - 1, -1):
                if prev[t - wi]:
                    row[t] += prev[t - wi]
    fact = [math.factorial(k) for k in range(n + 1)]
    cache: dict[int, tuple[Fraction, int]] = {}
    for wi in set(w):
        b = [[0] * q for _ in range(n)]
        for k in range(n):
            for t in range(q):
                v = a[k][t]
                if k >= 1 and t >= wi:
                    v -= b[k - 1][t - wi]
                b[k][t] = v
        lo = max(0, q - wi)
        ss_num = 0
        sw = 0
        for k in range(n):
            c = sum(b[k][lo:q])
            sw += c
            ss_num += c * fact[k] * fact[n - 1 - k]
        cache[wi] = (Fraction(ss_num, fact[n]), sw)
    return _finish(names, [cache[x][0] for x in w], [cache[x][1] for x in w], n)


def type_indices(
    counts: Sequence[int], wins: Callable[[tuple[int, ...]], bool], types: Sequence[str] | None = None
) -> PowerIndices:
    """Exact indices of a game whose players form symmetric types; returns one entry per *type*.

    Parameters
    ----------
    counts : sequence of int
        Number of players of each type.
    wins : callable
        Given how many players of each type vote yes, whether the motion passes (monotone).
    types : sequence of str, optional

    Examples
    --------
    The Security Council: 5 permanent members (all needed) and 10 elected; 9 votes in all.

    >>> r = type_indices([5, 10], lambda k: k[0] == 5 and k[0] + k[1] >= 9)
    >>> [str(x) for x in r.shapley_shubik], r.swings
    (['421/2145', '4/2145'], [848, 84])
    """
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
        ``banzhaf``, ``banzhaf_exact``, ``banzhaf_absolute``, ``swings``.
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
    res = type_indices(counts, wins, [str(t) for t in type_list])
    labels = {}
    for m in players:
        labels[sig[m]] = (
            "veto holder" if sig[m][1] else ("unnamed seat" if m.startswith(SEAT_PREFIX) else "member")
        )
    type_rows = pd.DataFrame(
        {
            "type": [labels[t] for t in type_list],
            "players": counts,
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
