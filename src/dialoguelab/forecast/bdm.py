"""The expected-utility ("group decision") model of Bueno de Mesquita, vectorized.

One issue dimension; each actor has a position, a capability and a salience. Every round the
model (1) re-estimates each actor's risk exponent from the danger it is in, (2) lets every actor
evaluate, from its own point of view, the expected utility of challenging every other actor and
of being challenged by it, (3) turns these into offers (confrontation, compromise, capitulation),
(4) lets every actor accept its best offer, all moves applied at once. The weighted mean and the
median are the forecast.

The specification is the replication by Scholz, Calbert & Smith (2011), as ported to Python by
J. Velev (jmckib) and D. Masad. :meth:`BDMOptions.replication` reproduces that replication exactly,
its quirks included; :meth:`BDMOptions.corrected` fixes what the notes call bugs. Every ambiguity
is one field of :class:`BDMOptions`; ``docs/forecast.md`` states every equation and option.

Complexity: one round is O(n^3) time and O(n^2) memory (the reference port is O(n^6)): the
all-pairs probability denominator and the n x n probability matrix are computed once per phase
and shared by every observer. Those sums run voter by voter so that every float equals the
replication's; ``BDMOptions(arithmetic="fast")`` takes them by closed forms instead (sorted
distances, running sums over voters sorted by position), O(n^2 log n) per round and equal within 1e-12.

References
----------
.. [1] Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's group
   decision model. *Journal of Theoretical Politics* 23(4), 510-531. doi:10.1177/0951629811418142
.. [2] Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In
   Bueno de Mesquita & Stokman (eds), *European Community Decision Making*, Yale UP, 71-104.
.. [3] Bueno de Mesquita, B. (2002). *Predicting Politics*. Ohio State University Press.
"""

from __future__ import annotations

__all__ = [
    "BDMOptions",
    "BDMResult",
    "RoundResult",
    "OFFER_NONE",
    "OFFER_CONFRONTATION",
    "OFFER_COMPROMISE",
    "OFFER_CAPITULATION",
    "OFFER_NAMES",
    "validate_inputs",
    "distance_matrix",
    "vote_numerators",
    "probability_matrix",
    "challenge_eu",
    "dangers",
    "risk_exponents",
    "observer_eu",
    "weighted_mean",
    "weighted_median",
    "tournament_median",
    "median_position",
    "bdm_round",
    "run_bdm",
]

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dialoguelab.errors import InvalidParameterError

FloatArray = NDArray[np.float64]

OFFER_NONE = 0
OFFER_CONFRONTATION = 1
OFFER_COMPROMISE = 2
OFFER_CAPITULATION = 3
#: Names of the offer codes stored in :attr:`BDMResult.offer_types`.
OFFER_NAMES = {
    OFFER_NONE: "none",
    OFFER_CONFRONTATION: "confrontation",
    OFFER_COMPROMISE: "compromise",
    OFFER_CAPITULATION: "capitulation",
}

_CHOICES: dict[str, tuple[str, ...]] = {
    "probability": ("scholz", "pairwise"),
    "capitulation": ("never", "working"),
    "compromise_choice": ("eu_weighted_position", "least_move"),
    "offer_priority": ("type", "least_move"),
    "conflict": ("deterministic", "stochastic"),
    "median": ("tournament", "weighted"),
    "risk_range": ("actors", "positions"),
    "vote_risk": ("voter", "neutral"),
    "utility_risk": ("observer", "own"),
    "resist_salience": ("target", "challenger"),
    "position_range": ("initial", "current"),
    "drift_sign": ("subtract", "add"),
    "drift_reference": ("median", "mean"),
    "drift_distance": ("both", "challenger_gap"),
    "arithmetic": ("bit_exact", "fast"),
}


@dataclass(frozen=True)
class BDMOptions:
    """Every choice the published descriptions leave open, as one explicit option each.

    The defaults are the replication of Scholz, Calbert & Smith (2011) as ported by jmckib/dmasad
    (``BDMOptions.replication()``). ``BDMOptions.corrected()`` switches the five corrections of
    the issue on. ``docs/forecast.md`` explains the effect of each option.

    Parameters
    ----------
    probability : {"scholz", "pairwise"}, default="scholz"
        Denominator of the probability that *i* beats *j*: ``"scholz"`` sums the absolute votes
        of every voter over every ordered pair of actors (reproduces BDM 1994, P(i,j)+P(j,i) != 1);
        ``"pairwise"`` sums the absolute votes on the pair only (P(i,j)+P(j,i) = 1).
    capitulation : {"never", "working"}, default="never"
        ``"never"`` keeps the port's bug (the capitulation test compares e_ba with its own absolute
        value, so it never fires); ``"working"`` tests ``e_ba < |e_ab|`` as described.
    compromise_choice : {"eu_weighted_position", "least_move"}, default="eu_weighted_position"
        Among compromise offers, take the one whose EU-weighted position
        ``(|e_ab| x_a + |e_ba| x_b) / (|e_ab| + |e_ba|)`` is smallest (Scholz's code), or the one
        that moves the receiver least.
    offer_priority : {"type", "least_move"}, default="type"
        ``"type"``: any confrontation beats any compromise beats any capitulation (Scholz);
        ``"least_move"``: the offer needing the smallest move, whatever its type (ties: by type).
    conflict : {"deterministic", "stochastic"}, default="deterministic"
        ``"deterministic"``: the receiver yields in a confrontation when it sees
        ``e_ba > e_ab > 0`` (the larger EU wins). ``"stochastic"``: when it sees ``e_ab > 0`` and
        ``e_ba > 0`` the conflict is fought and the winner drawn with the pairwise probability
        (one draw per pair and round, shared by both sides; BDM 2011, Masad 2016).
    median : {"tournament", "weighted"}, default="tournament"
        ``"tournament"``: the port's sequential pairwise tournament over the distinct positions in
        Python ``set`` order (deterministic for floats, but order-dependent); ``"weighted"``: the
        smallest position at which the cumulative capability x salience reaches half the total.
    risk_range : {"actors", "positions"}, default="actors"
        Range of the danger rescaled to the risk exponent: across the actors' dangers (Scholz), or
        across the actor's own danger at each of the current positions (BDM's intent per jmckib;
        Masad's variant R1). The latter is O(n^4) per round.
    vote_risk : {"voter", "neutral"}, default="voter"
        Exponent of the distances in the votes: each voter's own r_k, or 1.
    utility_risk : {"observer", "own"}, default="observer"
        Exponent of the utilities: the observer's for everyone ("mirror imaging", Scholz), or each
        challenger's own.
    resist_salience : {"target", "challenger"}, default="target"
        Whose salience is the probability of resistance in E(i -> j): the target's s_j (the port),
        or the challenger's s_i (the reading of the typo in the printed formula).
    position_range : {"initial", "current"}, default="initial"
        The range Delta that scales distances: from the initial positions, fixed (the port), or
        recomputed at the start of every round.
    q : float, default=1.0
        Q, the probability that a target moves although unchallenged; in [0, 1]. With Q = 1 the
        drift terms below vanish (every published example).
    t : float, default=0.5
        T, the probability that such an unprompted move goes toward the reference point mu.
    drift_sign : {"subtract", "add"}, default="subtract"
        Sign of the ``(1-Q)(T U_b + (1-T) U_w)`` term: subtracted with the status quo (the printed
        formula) or added (Masad's 2014 code and dissertation text).
    drift_reference : {"median", "mean"}, default="median"
        The reference point mu of the drift utilities (the median is the one chosen by ``median``).
    drift_distance : {"both", "challenger_gap"}, default="both"
        Distance in U_b/U_w: ``|x_i-mu| + |x_j-mu|`` (Masad's dissertation) or ``|x_i-mu| + |x_i-x_j|``
        (Masad's 2014 code).
    arithmetic : {"bit_exact", "fast"}, default="bit_exact"
        How the vote sums are taken. ``"bit_exact"`` adds them voter by voter in the reference port's
        order, so every float equals the published replication's (O(n^3) per round); ``"fast"`` uses
        closed forms over positions sorted once: the all-pairs denominator from sorted distances and
        the vote numerators from running sums (double-double) over voters sorted by position (a voter
        prefers i to j exactly when it is nearer x_i), O(n^2 log n) per round. The two agree to about 1e-14 on every
        output; they can differ only where the replication breaks an exact tie on last-bit noise.
        Not a modelling choice: it changes no equation.
    """

    probability: Literal["scholz", "pairwise"] = "scholz"
    capitulation: Literal["never", "working"] = "never"
    compromise_choice: Literal["eu_weighted_position", "least_move"] = "eu_weighted_position"
    offer_priority: Literal["type", "least_move"] = "type"
    conflict: Literal["deterministic", "stochastic"] = "deterministic"
    median: Literal["tournament", "weighted"] = "tournament"
    risk_range: Literal["actors", "positions"] = "actors"
    vote_risk: Literal["voter", "neutral"] = "voter"
    utility_risk: Literal["observer", "own"] = "observer"
    resist_salience: Literal["target", "challenger"] = "target"
    position_range: Literal["initial", "current"] = "initial"
    q: float = 1.0
    t: float = 0.5
    drift_sign: Literal["subtract", "add"] = "subtract"
    drift_reference: Literal["median", "mean"] = "median"
    drift_distance: Literal["both", "challenger_gap"] = "both"
    arithmetic: Literal["bit_exact", "fast"] = "bit_exact"

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise InvalidParameterError(
                    f"The {name!r} option of BDMOptions must be one of {', '.join(map(repr, allowed))}. "
                    f"Got {value!r} instead."
                )
        for name in ("q", "t"):
            value = getattr(self, name)
            if (
                not isinstance(value, int | float)
                or isinstance(value, bool)
                or not 0.0 <= float(value) <= 1.0
            ):
                raise InvalidParameterError(
                    f"The {name!r} option of BDMOptions must be a float in the range [0, 1]. "
                    f"Got {value!r} instead."
                )

    @classmethod
    def replication(cls, **changes: Any) -> BDMOptions:
        """The published replication (Scholz et al. 2011, jmckib/dmasad port), quirks included."""
        return replace(cls(), **changes)

    @classmethod
    def corrected(cls, **changes: Any) -> BDMOptions:
        """Pairwise probabilities, working capitulation, least-move compromise choice, weighted
        median and stochastic conflicts; every other option as in the replication."""
        base = cls(
            probability="pairwise",
            capitulation="working",
            compromise_choice="least_move",
            conflict="stochastic",
            median="weighted",
        )
        return replace(base, **changes)

    @classmethod
    def for_mode(cls, mode: str, **changes: Any) -> BDMOptions:
        """``"replication"`` or ``"corrected"``, with optional changes."""
        if mode == "replication":
            return cls.replication(**changes)
        if mode == "corrected":
            return cls.corrected(**changes)
        raise InvalidParameterError(f"The mode must be 'replication' or 'corrected'. Got {mode!r} instead.")

    def to_dict(self) -> dict[str, Any]:
        """The options as a plain dict (for JSON output)."""
        return asdict(self)


@dataclass(frozen=True)
class RoundResult:
    """What one round did: the risk exponents used, the chosen offers and the new positions.

    ``eu_challenge[a, b]`` is E(a -> b) and ``eu_challenged[a, b]`` is E(b -> a), both as actor
    ``a`` sees them in the offer phase (row = observer). ``partner[a]`` is the index of the actor
    whose offer ``a`` accepted (-1 for none).
    """

    positions: FloatArray
    risk: FloatArray
    offer_type: NDArray[np.int8]
    partner: NDArray[np.int64]
    eu_challenge: FloatArray
    eu_challenged: FloatArray
    probability: FloatArray


@dataclass(frozen=True)
class BDMResult:
    """A run of the model.

    Attributes
    ----------
    names : tuple of str
        Actor names (or ids), in input order.
    positions : ndarray of shape (rounds + 1, n)
        Row 0 is the input; row t the positions after round t.
    risk : ndarray of shape (rounds, n)
        Risk exponents estimated at the start of each round (used in its offer phase).
    offer_types, partners : ndarray of shape (rounds, n)
        The offer each actor accepted in each round (codes in :data:`OFFER_NAMES`) and from whom.
    mean, median : ndarray of shape (rounds + 1,)
        Weighted mean (capability x salience) and median (by ``options.median``) per round.
    options : BDMOptions
    rounds_detail : tuple of RoundResult
        Per-round EU and probability matrices, only when ``keep_details=True``.
    """

    names: tuple[str, ...]
    capabilities: FloatArray
    saliences: FloatArray
    positions: FloatArray
    risk: FloatArray
    offer_types: NDArray[np.int8]
    partners: NDArray[np.int64]
    mean: FloatArray
    median: FloatArray
    options: BDMOptions
    rounds_detail: tuple[RoundResult, ...] = field(default=(), repr=False)

    @property
    def rounds(self) -> int:
        return int(self.positions.shape[0] - 1)

    def to_dict(self) -> dict[str, Any]:
        """Plain lists and floats, for JSON."""
        return {
            "names": list(self.names),
            "positions": self.positions.tolist(),
            "risk": self.risk.tolist(),
            "offer_types": [[OFFER_NAMES[int(v)] for v in row] for row in self.offer_types],
            "partners": [[self.names[int(p)] if p >= 0 else None for p in row] for row in self.partners],
            "mean": self.mean.tolist(),
            "median": self.median.tolist(),
            "options": self.options.to_dict(),
        }


# ---------------------------------------------------------------------------------------------
# inputs


def _as_vector(values: ArrayLike, name: str) -> FloatArray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"The {name!r} parameter must be an array of numbers. Got {values!r} instead."
        ) from None
    if arr.ndim != 1:
        raise InvalidParameterError(
            f"The {name!r} parameter must be one-dimensional. Got shape {arr.shape} instead."
        )
    if not np.all(np.isfinite(arr)):
        raise InvalidParameterError(f"The {name!r} parameter must hold finite numbers (no NaN or inf).")
    return arr


def validate_inputs(
    positions: ArrayLike, capabilities: ArrayLike, saliences: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Check and convert the three input vectors.

    Positions are any finite numbers; capabilities are >= 0; saliences are in [0, 1]; the total
    weight sum(c * s) is positive.

    Raises
    ------
    InvalidParameterError
        With a sentence saying which input is wrong and how.
    """
    x = _as_vector(positions, "positions")
    c = _as_vector(capabilities, "capabilities")
    s = _as_vector(saliences, "saliences")
    if not (len(x) == len(c) == len(s)):
        raise InvalidParameterError(
            "positions, capabilities and saliences must have the same length. "
            f"Got {len(x)}, {len(c)}, {len(s)}."
        )
    if len(x) == 0:
        raise InvalidParameterError("The model needs at least one actor. Got none.")
    if np.any(c < 0):
        raise InvalidParameterError("Every capability must be >= 0. Got a negative one.")
    if np.any((s < 0) | (s > 1)):
        raise InvalidParameterError(
            "Every salience must be in the range [0, 1] (divide 0-100 scores by 100)."
        )
    if not np.sum(c * s) > 0:
        raise InvalidParameterError("At least one actor needs a positive capability and a positive salience.")
    return x, c, s


def _range(x: FloatArray) -> float:
    delta = float(np.max(x) - np.min(x))
    return delta if delta > 0 else 1.0


# ---------------------------------------------------------------------------------------------
# votes and probabilities


def distance_matrix(x: FloatArray, delta: float, r: FloatArray | None = None) -> FloatArray:
    """``A[k, a] = (|x_k - x_a| / delta) ** r_k``: how far voter k finds position a (ρ = r_k, or 1)."""
    d = np.abs(x[:, None] - x[None, :]) / delta
    if r is None:
        return d
    return np.power(d, r[:, None])


def vote_numerators(w: FloatArray, a: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Positive and absolute vote sums of every ordered pair of positions.

    ``N[i, j] = sum_k max(0, v_k(i, j))`` and ``S[i, j] = sum_k |v_k(i, j)|`` with
    ``v_k(i, j) = w_k (A[k, j] - A[k, i])``. O(n^3) time, O(n^2) memory: one pass of n x n work
    per voter, summed in voter order (so the sums are those of a plain loop over the voters).
    """
    n = len(w)
    num = np.zeros((n, n))
    tot = np.zeros((n, n))
    for k in range(n):
        row = a[k]
        v = w[k] * (row[None, :] - row[:, None])
        tot += np.abs(v)
        np.maximum(v, 0.0, out=v)
        num += v
    return num, tot


def _all_pairs_denominator(w: FloatArray, a: FloatArray) -> float:
    """``sum_k sum_a sum_b |v_k(a, b)|``, summed term by term in (k, a, b) order.

    O(n^3) time and O(n^2) memory (one voter at a time). The order is that of the reference
    port's triple loop, so the result is the same float: a sum in another order (the closed form
    ``2 sum_j (2j - n + 1) y_(j)`` over sorted distances is O(n^2 log n)) differs in the last bits,
    and the tournament median turns last-bit differences of exactly tied votes into different
    forecasts.
    """
    total = np.zeros(1)
    for k in range(len(w)):
        row = a[k]
        terms = np.abs(w[k] * (row[None, :] - row[:, None])).ravel()
        total = np.cumsum(np.concatenate((total, terms)))[-1:]
    return float(total[0])


def _all_pairs_denominator_fast(w: FloatArray, a: FloatArray) -> float:
    """The all-pairs denominator in closed form: ``sum_a sum_b |y_a - y_b| = 2 sum_j (2j - n + 1) y_(j)``
    over each voter's sorted row y. O(n^2 log n); equal to the ordered sum up to rounding."""
    n = a.shape[1]
    coef = 2.0 * np.arange(n, dtype=np.float64) - (n - 1)
    per_voter = np.sort(a, axis=1) @ coef
    return float(2.0 * np.dot(w, per_voter))


def _split(v: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Dekker's split of doubles into two halves of 26 bits (``hi + lo == v`` exactly)."""
    c = 134217729.0 * v  # 2^27 + 1
    hi = c - (c - v)
    return hi, v - hi


def _dd_cumsum(hi: FloatArray, lo: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Running sums down axis 0 of ``hi + lo`` in double-double arithmetic (about 106 bits), with a
    leading row of zeros: ``out[t]`` is the sum of the first t rows."""
    n, m = hi.shape
    s_hi = np.zeros((n + 1, m))
    s_lo = np.zeros((n + 1, m))
    acc_hi = np.zeros(m)
    acc_lo = np.zeros(m)
    for t in range(n):
        x = hi[t]
        tot = acc_hi + x  # two-sum of the high parts
        back = tot - acc_hi
        err = (acc_hi - (tot - back)) + (x - back)
        err += acc_lo + lo[t]
        acc_hi = tot + err  # renormalise (fast two-sum)
        acc_lo = err - (acc_hi - tot)
        s_hi[t + 1] = acc_hi
        s_lo[t + 1] = acc_lo
    return s_hi, s_lo


def _vote_numerators_fast(w: FloatArray, a: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """:func:`vote_numerators` in O(n^2) for distances ``a[k, i] = (|x_k - x_i| / delta) ** r_k``.

    Voter k prefers i to j (``a[k, j] > a[k, i]``) exactly when it is strictly nearer x_i, that is, on
    x_i's side of the midpoint ``(x_i + x_j) / 2``: a prefix (x_i < x_j) or a suffix (x_i > x_j) of the
    voters sorted by position. With ``pre[t, i]`` the sum of ``w_k a[k, i]`` over the first t sorted
    voters, ``N[i, j] = pre[t, j] - pre[t, i]`` (or the same with suffix sums), and ``S = N + N^T``.
    Those differences cancel most digits for nearby positions, so the products and the running sums are
    kept in double-double arithmetic (error-free products by Dekker's split, compensated sums): N is
    then as accurate as the voter-by-voter sum.
    """
    n = len(w)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    ws, av = w[order, None], a[order]
    prod = ws * av  # exact product as prod + err
    wh, wl = _split(np.broadcast_to(ws, av.shape))
    ah, al = _split(av)
    err = ((wh * ah - prod) + wh * al + wl * ah) + wl * al
    pre_hi, pre_lo = _dd_cumsum(prod, err)
    suf_hi, suf_lo = _dd_cumsum(prod[::-1], err[::-1])  # suf[u]: the last u sorted voters
    mid = 0.5 * (x[:, None] + x[None, :])
    left = x[:, None] < x[None, :]  # x_i < x_j: the voters below the midpoint prefer i
    below = np.searchsorted(xs, mid, side="left")
    above = n - np.searchsorted(xs, mid, side="right")
    t = np.where(left, below, above)
    cols = np.arange(n)[None, :]
    rows = np.arange(n)[:, None]
    num = np.where(
        left,
        (pre_hi[t, cols] - pre_hi[t, rows]) + (pre_lo[t, cols] - pre_lo[t, rows]),
        (suf_hi[t, cols] - suf_hi[t, rows]) + (suf_lo[t, cols] - suf_lo[t, rows]),
    )
    num = np.where(x[:, None] == x[None, :], 0.0, np.maximum(num, 0.0))
    return num, num + num.T


def probability_matrix(
    x: FloatArray,
    w: FloatArray,
    r: FloatArray,
    delta: float,
    form: str = "scholz",
    *,
    arithmetic: str = "bit_exact",
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Probability that i's position beats j's, for every ordered pair.

    Parameters
    ----------
    x : ndarray of shape (n,)
        Positions.
    w : ndarray of shape (n,)
        Voting weights c_k * s_k.
    r : ndarray of shape (n,)
        Exponent of each voter's distances (r_k, or ones).
    delta : float
        The position range.
    form : {"scholz", "pairwise"}
        ``P = N / sum_k sum_a sum_b |v_k(a,b)|`` (Scholz et al. 2011, eq. for Pr) or
        ``P = N / (N + N^T)`` (BDM 2002 textbook form); P = 0 where x_i = x_j, and 0.5 under the
        pairwise form when no voter cares.

    arithmetic : {"bit_exact", "fast"}, default="bit_exact"
        Sums in the reference port's order (O(n^3)) or by closed forms (O(n^2 log n)); see
        :class:`BDMOptions`.

    Returns
    -------
    P, N, S : ndarray of shape (n, n)
        The probabilities, the numerators ``N[i, j] = sum_k max(0, v_k(i, j))`` and the pairwise
        absolute vote sums ``S[i, j] = sum_k |v_k(i, j)|`` (the pairwise denominator).
    """
    a = distance_matrix(x, delta, r)
    fast = arithmetic == "fast"
    num, tot = _vote_numerators_fast(w, a, x) if fast else vote_numerators(w, a)
    same = x[:, None] == x[None, :]
    if form == "scholz":
        den = _all_pairs_denominator_fast(w, a) if fast else _all_pairs_denominator(w, a)
        p = num / den if den > 0 else np.zeros_like(num)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(tot > 0, num / np.where(tot > 0, tot, 1.0), 0.5)
    p = np.where(same, 0.0, p)
    return p, num, tot


# ---------------------------------------------------------------------------------------------
# utilities and expected utilities


def challenge_eu(
    d: FloatArray,
    p: FloatArray,
    s_resist: FloatArray,
    r: FloatArray | float,
    opts: BDMOptions,
    drift_dist: FloatArray | None = None,
) -> FloatArray:
    """Expected utility of challenges, elementwise (Scholz et al. 2011, eq. for E(U_ij)).

    ``E = s (P U_s + (1-P) U_f) + (1-s) U_s - Q U_sq -/+ (1-Q)(T U_b + (1-T) U_w)`` with
    ``U_s = 2 - 4 (0.5 - 0.5 d)^r``, ``U_f = 2 - 4 (0.5 + 0.5 d)^r``, ``U_sq = 2 - 4 (0.5)^r``,
    ``U_b, U_w = 2 - 4 (0.5 -/+ 0.25 m)^r`` where ``m`` is ``drift_dist`` (already divided by Delta).
    All arguments broadcast.
    """
    u_s = 2 - 4 * np.power(0.5 - 0.5 * d, r)
    u_f = 2 - 4 * np.power(0.5 + 0.5 * d, r)
    u_sq = 2 - 4 * np.power(0.5, r)
    eu_resist = s_resist * (p * u_s + (1 - p) * u_f)
    eu_not_resist = (1 - s_resist) * u_s
    eu = eu_resist + eu_not_resist - opts.q * u_sq
    if opts.q != 1.0:
        m = np.zeros_like(d) if drift_dist is None else drift_dist
        u_b = 2 - 4 * np.power(np.maximum(0.5 - 0.25 * m, 0.0), r)
        u_w = 2 - 4 * np.power(0.5 + 0.25 * m, r)
        drift = (1 - opts.q) * (opts.t * u_b + (1 - opts.t) * u_w)
        eu = eu - drift if opts.drift_sign == "subtract" else eu + drift
    return np.asarray(eu, dtype=np.float64)


def _drift_dist(x: FloatArray, delta: float, mu: float, opts: BDMOptions) -> FloatArray | None:
    """``m[i, j]`` of the drift utilities for challenger i and target j (None when Q = 1)."""
    if opts.q == 1.0:
        return None
    gi = np.abs(x - mu)[:, None]
    if opts.drift_distance == "both":
        return np.asarray((gi + np.abs(x - mu)[None, :]) / delta)
    return np.asarray((gi + np.abs(x[:, None] - x[None, :])) / delta)


def _resist(s: FloatArray, opts: BDMOptions) -> FloatArray:
    """Salience used as the probability of resistance in E(i -> j), as an (n, n) broadcastable array."""
    return s[None, :] if opts.resist_salience == "target" else s[:, None]


def dangers(
    x: FloatArray, c: FloatArray, s: FloatArray, delta: float, opts: BDMOptions, mu: float
) -> FloatArray:
    """Danger of each actor, ``D_a = sum_{k != a} E(k -> a)``, all risk exponents 1.

    With r = 1 every observer sees the same EU, so one n x n matrix serves all (O(n^3)).
    """
    n = len(x)
    ones = np.ones(n)
    p, _, _ = probability_matrix(x, c * s, ones, delta, opts.probability, arithmetic=opts.arithmetic)
    d = distance_matrix(x, delta)
    eu = challenge_eu(d, p, _resist(s, opts), 1.0, opts, _drift_dist(x, delta, mu, opts))
    np.fill_diagonal(eu, 0.0)
    return np.asarray(np.sum(eu, axis=0))


def _rescale(own: FloatArray, hi: FloatArray, lo: FloatArray) -> FloatArray:
    """``r = (1 - R/3) / (1 + R/3)`` with ``R = (2 D - max - min) / (max - min)``; r = 1 when max = min."""
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        big_r = np.where(span > 0, (2 * own - hi - lo) / np.where(span > 0, span, 1.0), 0.0)
    return np.asarray((1 - big_r / 3.0) / (1 + big_r / 3.0))


def _own_position_dangers(
    x: FloatArray, c: FloatArray, s: FloatArray, delta: float, opts: BDMOptions, mu: float
) -> tuple[FloatArray, FloatArray]:
    """Max and min of each actor's danger over the current distinct positions (risk_range="positions")."""
    n = len(x)
    w = c * s
    cand = np.array(sorted(set(x.tolist())))
    a0 = distance_matrix(x, delta)
    den0 = _all_pairs_denominator_fast(w, a0) if opts.arithmetic == "fast" else _all_pairs_denominator(w, a0)
    hi = np.empty(n)
    lo = np.empty(n)
    others_all = np.ones(n, dtype=bool)
    for i in range(n):
        others = others_all.copy()
        others[i] = False

        def involving(a: FloatArray, i: int = i, others: NDArray[np.bool_] = others) -> float:
            # all-pairs denominator terms with actor i as voter, as a or as b
            own = w[i] * float(np.sum(np.abs(a[i][None, :] - a[i][:, None])))
            col = np.abs(a[others][:, others] - a[others][:, [i]])
            return own + 2.0 * float(np.sum(w[others] * np.sum(col, axis=1)))

        rest = den0 - involving(a0)
        vals = np.empty(len(cand))
        for m, y in enumerate(cand):
            xy = x.copy()
            xy[i] = y
            a = distance_matrix(xy, delta)
            # numerators for challengers k against target i, and for i against k
            diff = a[:, [i]] - a  # diff[m, k] = A[m, i] - A[m, k]: voter m prefers k over i by this
            v = w[:, None] * diff
            n_ki = np.sum(np.maximum(v, 0.0), axis=0)
            if opts.probability == "scholz":
                den = rest + involving(a)
                p = n_ki / den if den > 0 else np.zeros(n)
            else:
                tot_ki = np.sum(np.abs(v), axis=0)
                p = np.where(tot_ki > 0, n_ki / np.where(tot_ki > 0, tot_ki, 1.0), 0.5)
            p = np.where(xy == y, 0.0, p)
            dk = a[:, i]
            sres = s[i] if opts.resist_salience == "target" else s
            md = None
            if opts.q != 1.0:
                md_full = _drift_dist(xy, delta, mu, opts)
                md = None if md_full is None else md_full[:, i]
            eu = challenge_eu(dk, p, np.asarray(sres, dtype=np.float64), 1.0, opts, md)
            vals[m] = float(np.sum(eu[others]))
        hi[i] = np.max(vals)
        lo[i] = np.min(vals)
    return hi, lo


def risk_exponents(
    x: ArrayLike,
    c: ArrayLike,
    s: ArrayLike,
    delta: float,
    opts: BDMOptions | None = None,
    mu: float | None = None,
) -> FloatArray:
    """Risk exponents r_i in [0.5, 2] from the actors' dangers (Scholz et al. 2011, eqs. for R_i, r_i).

    ``R_i = (2 D_i - max D - min D) / (max D - min D)``, ``r_i = (1 - R_i/3) / (1 + R_i/3)``; the
    max and min run over the actors (``risk_range="actors"``) or over actor i's own danger at every
    current position (``"positions"``). When the range is empty r_i = 1.
    """
    opts = opts or BDMOptions()
    xv, cv, sv = (np.asarray(v, dtype=np.float64) for v in (x, c, s))
    if mu is None:
        mu = _reference_point(xv, cv, sv, delta, opts)
    dang = dangers(xv, cv, sv, delta, opts, mu)
    if opts.risk_range == "actors":
        hi = np.full_like(dang, np.max(dang))
        lo = np.full_like(dang, np.min(dang))
    else:
        hi, lo = _own_position_dangers(xv, cv, sv, delta, opts, mu)
    return _rescale(dang, hi, lo)


def observer_eu(
    x: FloatArray, s: FloatArray, p: FloatArray, r: FloatArray, delta: float, opts: BDMOptions, mu: float
) -> tuple[FloatArray, FloatArray]:
    """The offer-phase EU tables, each row seen by its observer a.

    Returns ``(e_ab, e_ba)`` with ``e_ab[a, b] = E^a(a -> b)`` and ``e_ba[a, b] = E^a(b -> a)``:
    the observer's exponent r_a for both (mirror imaging), or b's own r_b for ``e_ba`` when
    ``utility_risk="own"``.
    """
    d = distance_matrix(x, delta)
    md = _drift_dist(x, delta, mu, opts)
    r_obs = r[:, None]
    if opts.resist_salience == "target":
        s_ab, s_ba = s[None, :], s[:, None]
    else:
        s_ab, s_ba = s[:, None], s[None, :]
    e_ab = challenge_eu(d, p, s_ab, r_obs, opts, md)
    r_ba = r_obs if opts.utility_risk == "observer" else r[None, :]
    e_ba = challenge_eu(d, p.T, s_ba, r_ba, opts, None if md is None else md.T)
    return e_ab, e_ba


# ---------------------------------------------------------------------------------------------
# summaries


def weighted_mean(x: ArrayLike, c: ArrayLike, s: ArrayLike) -> float:
    """``sum c s x / sum c s`` (BDM 1994's "mean" forecast).

    >>> weighted_mean([4, 7, 10], [1, 1, 1], [1, 1, 0.5])
    6.4
    """
    xv, cv, sv = (np.asarray(v, dtype=np.float64) for v in (x, c, s))
    w = cv * sv
    # sequential sums (np.cumsum), as the reference port's plain loop adds them
    return float(np.cumsum(w * xv)[-1] / np.cumsum(w)[-1])


def weighted_median(x: ArrayLike, c: ArrayLike, s: ArrayLike) -> float:
    """The smallest position at which the cumulative weight c*s reaches half of the total.

    Deterministic and order-independent (the lower weighted median); with zero total weight, the
    lower median of the positions.

    >>> weighted_median([4, 7, 10], [0.248, 0.093, 0.336], [1, 1, 1])
    7.0
    """
    xv, cv, sv = (np.asarray(v, dtype=np.float64) for v in (x, c, s))
    w = cv * sv
    order = np.argsort(xv, kind="stable")
    xs, ws = xv[order], w[order]
    total = float(np.sum(ws))
    if total <= 0:
        return float(xs[(len(xs) - 1) // 2])
    cum = np.cumsum(ws)
    idx = int(np.searchsorted(cum, 0.5 * total, side="left"))
    return float(xs[min(idx, len(xs) - 1)])


def tournament_median(x: ArrayLike, c: ArrayLike, s: ArrayLike, delta: float) -> float:
    """The replication's "median": a sequential pairwise tournament over the distinct positions.

    The positions are visited in Python ``set`` order (built in actor order; deterministic for
    floats); a challenger replaces the champion when the votes with rho = 1,
    ``sum_k c_k s_k (d(k, champion) - d(k, challenger))``, are positive (summed in actor order).
    """
    xv, cv, sv = (np.asarray(v, dtype=np.float64) for v in (x, c, s))
    w = cv * sv
    order = list({float(v) for v in xv})
    champion = order[0]
    for pos in order[1:]:
        terms = w * (np.abs(xv - champion) / delta - np.abs(xv - pos) / delta)
        votes = float(np.cumsum(terms)[-1])
        if votes > 0:
            champion = pos
    return champion


def median_position(x: FloatArray, c: FloatArray, s: FloatArray, delta: float, opts: BDMOptions) -> float:
    """The median chosen by ``opts.median``."""
    if opts.median == "weighted":
        return weighted_median(x, c, s)
    return tournament_median(x, c, s, delta)


def _reference_point(x: FloatArray, c: FloatArray, s: FloatArray, delta: float, opts: BDMOptions) -> float:
    if opts.q == 1.0:
        return 0.0  # unused
    if opts.drift_reference == "mean":
        return weighted_mean(x, c, s)
    return median_position(x, c, s, delta, opts)


# ---------------------------------------------------------------------------------------------
# offers and rounds


def _choose(
    x: FloatArray, pos: FloatArray, kind: NDArray[np.int8], key_comp: FloatArray, opts: BDMOptions
) -> tuple[FloatArray, NDArray[np.int8], NDArray[np.int64]]:
    """Each receiver's accepted offer (first minimum in actor order on ties)."""
    n = len(x)
    move = np.abs(x[:, None] - pos)
    new = x.copy()
    chosen_kind = np.zeros(n, dtype=np.int8)
    partner = np.full(n, -1, dtype=np.int64)
    rows = np.arange(n)
    if opts.offer_priority == "type":
        remaining = np.ones(n, dtype=bool)
        for code in (OFFER_CONFRONTATION, OFFER_COMPROMISE, OFFER_CAPITULATION):
            mask = kind == code
            has = remaining & mask.any(axis=1)
            if not has.any():
                continue
            key = (
                key_comp
                if (code == OFFER_COMPROMISE and opts.compromise_choice == "eu_weighted_position")
                else move
            )
            k = np.where(mask, key, np.inf)
            best = np.argmin(k, axis=1)
            sel = rows[has]
            new[sel] = pos[sel, best[sel]]
            chosen_kind[sel] = code
            partner[sel] = best[sel]
            remaining &= ~has
    else:
        mask = kind > 0
        has = mask.any(axis=1)
        # least move; ties broken by type order, then by actor order
        big = np.where(mask, move, np.inf)
        best_move = np.min(big, axis=1)
        tie = mask & (big == best_move[:, None])
        type_key = np.where(tie, kind.astype(np.float64), np.inf)
        best = np.argmin(type_key, axis=1)
        sel = rows[has]
        new[sel] = pos[sel, best[sel]]
        chosen_kind[sel] = kind[sel, best[sel]]
        partner[sel] = best[sel]
    return new, chosen_kind, partner


def bdm_round(
    x: FloatArray,
    c: FloatArray,
    s: FloatArray,
    delta: float,
    opts: BDMOptions,
    rng: np.random.Generator | None = None,
) -> RoundResult:
    """One round of the model: risk update, offers, simultaneous moves.

    Parameters
    ----------
    x, c, s : ndarray of shape (n,)
        Current positions, capabilities, saliences (validated by the caller).
    delta : float
        The position range that scales distances (> 0).
    opts : BDMOptions
    rng : numpy.random.Generator, optional
        Needed for ``conflict="stochastic"``: one uniform draw per ordered cell of an n x n
        matrix is taken per round (the upper triangle decides each pair).

    Notes
    -----
    O(n^3) time (O(n^4) with ``risk_range="positions"``), O(n^2) memory; O(n^2 log n) time with
    ``arithmetic="fast"``.
    """
    n = len(x)
    w = c * s
    mu = _reference_point(x, c, s, delta, opts)
    r = risk_exponents(x, c, s, delta, opts, mu)
    r_vote = r if opts.vote_risk == "voter" else np.ones(n)
    p, num, tot = probability_matrix(x, w, r_vote, delta, opts.probability, arithmetic=opts.arithmetic)
    e_ab, e_ba = observer_eu(x, s, p, r, delta, opts, mu)

    differ = x[:, None] != x[None, :]
    pos_b = np.broadcast_to(x[None, :], (n, n))
    kind = np.zeros((n, n), dtype=np.int8)
    if opts.conflict == "deterministic":
        confront = differ & (e_ba > e_ab) & (e_ab > 0)
    else:
        if rng is None:
            raise InvalidParameterError("conflict='stochastic' needs a random generator: pass rng or a seed.")
        u = rng.random((n, n))
        with np.errstate(invalid="ignore", divide="ignore"):
            pi = np.where(tot > 0, num / np.where(tot > 0, tot, 1.0), 0.5)  # pairwise P(i beats j)
        first_wins = u < pi  # for i < j: i wins the pair's conflict
        beats = np.triu(first_wins, 1) | np.tril(~first_wins.T, -1)  # beats[i, j]: i beats j
        confront = differ & (e_ab > 0) & (e_ba > 0) & beats.T
    compromise_base = differ & (e_ba > 0) & (e_ab < 0)
    compromise = compromise_base & (e_ba > np.abs(e_ab))
    if opts.capitulation == "working":
        capitulate = compromise_base & (e_ba < np.abs(e_ab))
    else:
        capitulate = compromise_base & (e_ba < np.abs(e_ba))  # the port's test: never true
    kind[capitulate] = OFFER_CAPITULATION
    kind[compromise] = OFFER_COMPROMISE
    kind[confront] = OFFER_CONFRONTATION

    with np.errstate(invalid="ignore", divide="ignore"):
        concession = (pos_b - x[:, None]) * np.abs(e_ab / e_ba)
        comp_pos = x[:, None] + concession
        top = np.abs(e_ab) * x[:, None] + np.abs(e_ba) * pos_b
        key_comp = top / (np.abs(e_ab) + np.abs(e_ba))
    pos = np.where(kind == OFFER_COMPROMISE, comp_pos, pos_b)
    new, chosen, partner = _choose(x, pos, kind, key_comp, opts)
    return RoundResult(new, r, chosen, partner, e_ab, e_ba, p)


def run_bdm(
    positions: ArrayLike,
    capabilities: ArrayLike,
    saliences: ArrayLike,
    rounds: int = 10,
    options: BDMOptions | None = None,
    *,
    names: tuple[str, ...] | list[str] | None = None,
    seed: int | np.random.SeedSequence | np.random.Generator | None = None,
    keep_details: bool = False,
) -> BDMResult:
    """Run the expected-utility model for a number of rounds.

    Parameters
    ----------
    positions : array-like of shape (n,)
        Positions on the issue scale (any units).
    capabilities : array-like of shape (n,)
        Capabilities, >= 0 (only ratios matter).
    saliences : array-like of shape (n,)
        Saliences in [0, 1].
    rounds : int, default=10
        Number of rounds; the model has no convergence test (as in every port).
    options : BDMOptions, optional
        Default: ``BDMOptions.replication()``.
    names : sequence of str, optional
        Actor names, for the result.
    seed : int, SeedSequence or Generator, optional
        Randomness for stochastic conflicts (ignored by deterministic options).
    keep_details : bool, default=False
        Keep each round's EU and probability matrices in ``rounds_detail``.

    Returns
    -------
    BDMResult

    Examples
    --------
    The EU emission-standards example of BDM (1994), replicated by Scholz et al. (2011):

    >>> res = run_bdm([4, 7, 4, 4, 10, 10, 10, 7, 4, 7],
    ...               [.08, .08, .03, .16, .16, .16, .16, .05, .05, .08],
    ...               [.8, .4, .2, .8, .6, .6, .9, .1, 1.0, .7], rounds=1)
    >>> round(float(res.positions[1, 1]), 6), round(float(res.mean[1]), 6)
    (8.415932, 7.461314)

    Notes
    -----
    O(n^3) per round (see the module docstring). The position range Delta is taken from the
    initial positions unless ``options.position_range == "current"``.

    References
    ----------
    Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4), 510-531.
    """
    opts = options or BDMOptions()
    if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 0:
        raise InvalidParameterError(
            f"The 'rounds' parameter must be an integer >= 0. Got {rounds!r} instead."
        )
    x, c, s = validate_inputs(positions, capabilities, saliences)
    n = len(x)
    if names is None:
        names = tuple(f"actor-{i}" for i in range(n))
    names = tuple(names)
    if len(names) != n:
        raise InvalidParameterError(f"names must have one entry per actor ({n}). Got {len(names)}.")
    rng: np.random.Generator | None = None
    if opts.conflict == "stochastic":
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    delta0 = _range(x)
    traj = np.empty((rounds + 1, n))
    traj[0] = x
    risk = np.empty((rounds, n))
    kinds = np.zeros((rounds, n), dtype=np.int8)
    partners = np.full((rounds, n), -1, dtype=np.int64)
    mean = np.empty(rounds + 1)
    med = np.empty(rounds + 1)
    details: list[RoundResult] = []
    mean[0] = weighted_mean(x, c, s)
    med[0] = median_position(x, c, s, delta0, opts)
    cur = x
    for t in range(1, rounds + 1):
        delta = delta0 if opts.position_range == "initial" else _range(cur)
        res = bdm_round(cur, c, s, delta, opts, rng)
        cur = res.positions
        traj[t] = cur
        risk[t - 1] = res.risk
        kinds[t - 1] = res.offer_type
        partners[t - 1] = res.partner
        mean[t] = weighted_mean(cur, c, s)
        med[t] = median_position(cur, c, s, delta0 if opts.position_range == "initial" else _range(cur), opts)
        if keep_details:
            details.append(res)
    return BDMResult(names, c, s, traj, risk, kinds, partners, mean, med, opts, tuple(details))
