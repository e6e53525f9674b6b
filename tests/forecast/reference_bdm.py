"""A straightforward per-pair implementation of the expected-utility model, for tests only.

Plain Python loops, one function per equation of Scholz, Calbert & Smith (2011), written in the
style of the jmckib/dmasad port but with every option of :class:`dialoguelab.forecast.bdm.BDMOptions`.
It is O(n^6) per round (the all-pairs denominator is recomputed for every probability, and the
risk update evaluates every EU afresh), so use it on small inputs. The vectorized model must equal
it to 1e-12.
"""

from __future__ import annotations

__all__ = ["RefModel", "ref_run"]

from dataclasses import dataclass, field

import numpy as np

from dialoguelab.forecast.bdm import BDMOptions


def _pow(base: float, exp: float) -> float:
    # numpy's array pow, as the vectorized model uses: numpy's SIMD pow, the C library's pow and
    # numpy's scalar fast paths (x ** 0.5 -> sqrt) differ in the last bit for a few percent of
    # arguments, and near-equal positions amplify that through cancellation in the votes.
    return float(np.power(np.array([base], dtype=np.float64), np.array([exp], dtype=np.float64))[0])


@dataclass
class RefModel:
    x: list[float]
    c: list[float]
    s: list[float]
    opts: BDMOptions
    delta: float
    r: list[float] = field(default_factory=list)
    mu: float = 0.0

    def __post_init__(self) -> None:
        if not self.r:
            self.r = [1.0] * len(self.x)

    @property
    def n(self) -> int:
        return len(self.x)

    # votes ---------------------------------------------------------------------------------
    def vote(self, k: int, xi: float, xj: float, x_k: float | None = None) -> float:
        """v_k(i, j): positive when voter k prefers position xi over xj."""
        rho = self.r[k] if self.opts.vote_risk == "voter" else 1.0
        xk = self.x[k] if x_k is None else x_k
        dj = _pow(abs(xk - xj) / self.delta, rho)
        di = _pow(abs(xk - xi) / self.delta, rho)
        return self.c[k] * self.s[k] * (dj - di)

    def probability(self, i: int, j: int) -> float:
        xi, xj = self.x[i], self.x[j]
        if xi == xj:
            return 0.0
        num = 0.0
        for k in range(self.n):
            num += max(0.0, self.vote(k, xi, xj))
        if self.opts.probability == "scholz":
            den = 0.0
            for k in range(self.n):
                for a in range(self.n):
                    for b in range(self.n):
                        den += abs(self.vote(k, self.x[a], self.x[b]))
            return num / den if den > 0 else 0.0
        den = 0.0
        for k in range(self.n):
            den += abs(self.vote(k, xi, xj))
        return num / den if den > 0 else 0.5

    # utilities -------------------------------------------------------------------------------
    def drift_dist(self, i: int, j: int) -> float:
        if self.opts.drift_distance == "both":
            return (abs(self.x[i] - self.mu) + abs(self.x[j] - self.mu)) / self.delta
        return (abs(self.x[i] - self.mu) + abs(self.x[i] - self.x[j])) / self.delta

    def eu(self, i: int, j: int, rexp: float) -> float:
        """E(i -> j) with utilities evaluated with exponent rexp."""
        p = self.probability(i, j)
        d = abs(self.x[i] - self.x[j]) / self.delta
        u_s = 2 - 4 * _pow(0.5 - 0.5 * d, rexp)
        u_f = 2 - 4 * _pow(0.5 + 0.5 * d, rexp)
        u_sq = 2 - 4 * _pow(0.5, rexp)
        sr = self.s[j] if self.opts.resist_salience == "target" else self.s[i]
        eu_resist = sr * (p * u_s + (1 - p) * u_f)
        eu_not_resist = (1 - sr) * u_s
        val = eu_resist + eu_not_resist - self.opts.q * u_sq
        if self.opts.q != 1.0:
            m = self.drift_dist(i, j)
            u_b = 2 - 4 * _pow(max(0.5 - 0.25 * m, 0.0), rexp)
            u_w = 2 - 4 * _pow(0.5 + 0.25 * m, rexp)
            drift = (1 - self.opts.q) * (self.opts.t * u_b + (1 - self.opts.t) * u_w)
            val = val - drift if self.opts.drift_sign == "subtract" else val + drift
        return val

    def danger(self, a: int) -> float:
        total = 0.0
        for k in range(self.n):
            if k != a:
                total += self.eu(k, a, 1.0)
        return total

    def risk_update(self) -> list[float]:
        self.r = [1.0] * self.n
        dangers = [self.danger(a) for a in range(self.n)]
        out = []
        for i in range(self.n):
            if self.opts.risk_range == "actors":
                hi, lo = max(dangers), min(dangers)
            else:
                vals = []
                orig = self.x[i]
                for y in sorted(set(self.x)):
                    self.x[i] = y
                    vals.append(self.danger(i))
                self.x[i] = orig
                hi, lo = max(vals), min(vals)
            big_r = (2 * dangers[i] - hi - lo) / (hi - lo) if hi > lo else 0.0
            out.append((1 - big_r / 3.0) / (1 + big_r / 3.0))
        self.r = out
        return out

    # medians ---------------------------------------------------------------------------------
    def mean(self) -> float:
        top = 0.0
        bottom = 0.0
        for k in range(self.n):
            top += self.c[k] * self.s[k] * self.x[k]
            bottom += self.c[k] * self.s[k]
        return top / bottom

    def median(self) -> float:
        if self.opts.median == "weighted":
            pts = sorted(set(self.x))
            total = 0.0
            for k in range(self.n):
                total += self.c[k] * self.s[k]
            cum = 0.0
            for p in pts:
                for k in sorted(range(self.n), key=lambda k: self.x[k]):
                    if self.x[k] == p:
                        cum += self.c[k] * self.s[k]
                if cum >= 0.5 * total:
                    return p
            return pts[-1]
        positions = list({float(v) for v in self.x})
        champion = positions[0]
        for pos in positions[1:]:
            votes = 0.0
            for k in range(self.n):
                votes += (
                    self.c[k]
                    * self.s[k]
                    * (abs(self.x[k] - champion) / self.delta - abs(self.x[k] - pos) / self.delta)
                )
            if votes > 0:
                champion = pos
        return champion

    def reference_point(self) -> float:
        if self.opts.q == 1.0:
            return 0.0
        return self.mean() if self.opts.drift_reference == "mean" else self.median()

    # offers ----------------------------------------------------------------------------------
    def pairwise_p(self, i: int, j: int) -> float:
        num = 0.0
        den = 0.0
        for k in range(self.n):
            v = self.vote(k, self.x[i], self.x[j])
            num += max(0.0, v)
            den += abs(v)
        return num / den if den > 0 else 0.5

    def offers_of(
        self, a: int, uniforms: list[list[float]] | None
    ) -> list[tuple[int, int, float, float, float]]:
        """(type code, b, position, e_ab, e_ba) of every offer actor a receives."""
        out = []
        for b in range(self.n):
            if self.x[a] == self.x[b]:
                continue
            e_ab = self.eu(a, b, self.r[a])
            e_ba = self.eu(b, a, self.r[a] if self.opts.utility_risk == "observer" else self.r[b])
            if self.opts.conflict == "deterministic":
                confront = e_ba > e_ab > 0
            else:
                assert uniforms is not None
                lo_, hi_ = min(a, b), max(a, b)
                lo_wins = uniforms[lo_][hi_] < self.pairwise_p(lo_, hi_)
                a_loses = lo_wins if b == lo_ else not lo_wins
                confront = e_ab > 0 and e_ba > 0 and a_loses
            if confront:
                out.append((1, b, self.x[b], e_ab, e_ba))
            elif e_ba > 0 > e_ab and e_ba > abs(e_ab):
                concession = (self.x[b] - self.x[a]) * abs(e_ab / e_ba)
                out.append((2, b, self.x[a] + concession, e_ab, e_ba))
            elif e_ba > 0 > e_ab and (
                e_ba < abs(e_ab) if self.opts.capitulation == "working" else e_ba < abs(e_ba)
            ):
                out.append((3, b, self.x[b], e_ab, e_ba))
        return out

    def best(
        self, a: int, offers: list[tuple[int, int, float, float, float]]
    ) -> tuple[int, int, float] | None:
        if not offers:
            return None
        xa = self.x[a]

        def move(o: tuple[int, int, float, float, float]) -> float:
            return abs(xa - o[2])

        def eu_weighted(o: tuple[int, int, float, float, float]) -> float:
            top = abs(o[3]) * xa + abs(o[4]) * self.x[o[1]]
            return top / (abs(o[3]) + abs(o[4]))

        if self.opts.offer_priority == "least_move":
            o = min(offers, key=lambda o: (move(o), o[0], o[1]))
            return o[0], o[1], o[2]
        for code in (1, 2, 3):
            group = [o for o in offers if o[0] == code]
            if group:
                key = (
                    eu_weighted
                    if (code == 2 and self.opts.compromise_choice == "eu_weighted_position")
                    else move
                )
                o = min(group, key=key)
                return o[0], o[1], o[2]
        return None

    def step(self, uniforms: list[list[float]] | None = None) -> tuple[list[float], list[float], list[int]]:
        self.mu = self.reference_point()
        r = self.risk_update()
        chosen = []
        for a in range(self.n):
            chosen.append(self.best(a, self.offers_of(a, uniforms)))
        kinds = []
        new = list(self.x)
        for a, ch in enumerate(chosen):
            if ch is None:
                kinds.append(0)
            else:
                kinds.append(ch[0])
                new[a] = ch[2]
        self.x = new
        return new, r, kinds


def ref_run(
    x: list[float],
    c: list[float],
    s: list[float],
    rounds: int,
    opts: BDMOptions,
    uniforms: list[list[list[float]]] | None = None,
) -> tuple[list[list[float]], list[list[float]], list[float], list[float]]:
    """Positions per round, risk exponents per round, means and medians (rounds + 1 each)."""
    lo, hi = min(x), max(x)
    delta0 = (hi - lo) if hi > lo else 1.0
    m = RefModel(list(map(float, x)), list(map(float, c)), list(map(float, s)), opts, delta0)
    traj = [list(m.x)]
    risks = []
    means = [m.mean()]
    meds = [m.median()]
    for t in range(rounds):
        if opts.position_range == "current":
            lo, hi = min(m.x), max(m.x)
            m.delta = (hi - lo) if hi > lo else 1.0
        _, r, _ = m.step(uniforms[t] if uniforms is not None else None)
        traj.append(list(m.x))
        risks.append(list(r))
        if opts.position_range == "current":
            lo, hi = min(m.x), max(m.x)
            m.delta = (hi - lo) if hi > lo else 1.0
        means.append(m.mean())
        meds.append(m.median())
    return traj, risks, means, meds
