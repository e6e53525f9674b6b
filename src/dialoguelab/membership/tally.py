"""The exact probability of a published tally, and what it says about each member's vote.

When members vote independently, member *i* yes, no, abstain or absent with probabilities
``p_i = (p_i0, p_i1, p_i2, p_i3)``, the counts ``(Y, N, A)`` follow a Poisson-multinomial law: the
coefficient of ``s^y t^n u^a`` in ``prod_i (p_i0 s + p_i1 t + p_i2 u + p_i3)`` (absences are the rest).
:func:`tally_log_probability` computes ``log P(Y=y, N=n, A=a)`` exactly by dynamic programming over the
members on the box ``[0..y] x [0..n] x [0..a]`` (counts never decrease, so nothing outside the box can
reach the observed tally).

:func:`tally_posterior` also returns each member's vote given the tally,
``P(v_i = k | Y=y, N=n, A=a) = p_ik P_{-i}(c - e_k) / P(c)``, by a forward and a backward pass (the
law of the members before *i* times the law of those after it, summed over the box): the E-step of
the EM algorithm that fits the per-state vote model with tally-only votes in its likelihood
(Dempster, Laird & Rubin 1977), and, by Fisher's identity, the weights of the exact likelihood's
gradient. Forward arrays are kept at every ``ceil(sqrt(m))``-th member and recomputed in between, so
memory is ``O(sqrt(m))`` boxes.

References
----------
Dempster, A. P., Laird, N. M. & Rubin, D. B. (1977). Maximum likelihood from incomplete data via the EM
algorithm. *Journal of the Royal Statistical Society B* 39(1), 1-38, doi:10.2307/2984875.
"""

from __future__ import annotations

__all__ = ["tally_log_probability", "tally_posterior"]

import math

import numpy as np

from dialoguelab.errors import InvalidParameterError


def _check(p: np.ndarray, counts: tuple[int, int, int]) -> tuple[np.ndarray, int, int, int, int]:
    p = np.asarray(p, dtype=float)
    if p.ndim != 2 or p.shape[1] != 4:
        raise InvalidParameterError(f"Vote probabilities must be an array of shape (m, 4). Got shape {p.shape}.")
    if (p < -1e-12).any() or not np.allclose(p.sum(axis=1), 1.0, atol=1e-9):
        raise InvalidParameterError("Each member's probabilities (yes, no, abstain, absent) must be ≥ 0 and sum to 1.")
    y, n, a = (int(c) for c in counts)
    if min(y, n, a) < 0:
        raise InvalidParameterError(f"Tally counts must be ≥ 0. Got {counts}.")
    d = p.shape[0] - y - n - a
    return np.clip(p, 0.0, 1.0), y, n, a, d


def _step(F: np.ndarray, q: np.ndarray, live: np.ndarray | None) -> np.ndarray:
    """Add one member with probabilities ``q`` to the law ``F`` (cells outside ``live`` dropped)."""
    G = q[3] * F
    G[1:] += q[0] * F[:-1]
    G[:, 1:] += q[1] * F[:, :-1]
    G[:, :, 1:] += q[2] * F[:, :, :-1]
    if live is not None:
        G[~live] = 0.0
    return G


def _forward(
    p: np.ndarray, shape: tuple[int, int, int], d: int, stop: int, F: np.ndarray, start: int, S: np.ndarray
) -> tuple[np.ndarray, float]:
    """Members ``start..stop-1`` added to ``F`` (normalised each step); returns the law and its log scale."""
    logscale = 0.0
    for k in range(start, stop):
        F = _step(F, p[k], S >= k + 1 - d)
        z = float(F.sum())
        if z <= 0.0:
            return F, -math.inf
        F /= z
        logscale += math.log(z)
    return F, logscale


def tally_log_probability(p: np.ndarray, counts: tuple[int, int, int]) -> float:
    """Exact log-probability that members voting with ``p`` give ``counts`` = (yes, no, abstain).

    Parameters
    ----------
    p : array-like of shape (m, 4)
        Each member's probabilities of yes, no, abstain and absent.
    counts : tuple of int
        The tally (yes, no, abstain); the other ``m - yes - no - abstain`` members are absent.

    Returns
    -------
    float
        ``log P(Y = yes, N = no, A = abstain)``; ``-inf`` when the tally is impossible (more votes than
        members, or a count no member can give).

    Examples
    --------
    >>> round(math.exp(tally_log_probability([[0.5, 0.5, 0, 0], [0.5, 0.5, 0, 0]], (1, 1, 0))), 6)
    0.5
    """
    p, y, n, a, d = _check(p, counts)
    if d < 0:
        return -math.inf
    shape = (y + 1, n + 1, a + 1)
    S = np.indices(shape).sum(axis=0)
    F = np.zeros(shape)
    F[0, 0, 0] = 1.0
    F, logscale = _forward(p, shape, d, p.shape[0], F, 0, S)
    last = float(F[y, n, a])
    return logscale + math.log(last) if last > 0 and math.isfinite(logscale) else -math.inf


def tally_posterior(p: np.ndarray, counts: tuple[int, int, int]) -> tuple[float, np.ndarray]:
    """The tally's exact log-probability and each member's vote given the tally.

    Parameters
    ----------
    p : array-like of shape (m, 4)
        Each member's probabilities of yes, no, abstain and absent.
    counts : tuple of int
        The tally (yes, no, abstain); the rest are absent.

    Returns
    -------
    log_probability : float
        ``log P(Y = yes, N = no, A = abstain)`` (``-inf`` if impossible).
    posterior : ndarray of shape (m, 4)
        ``P(member i voted k | tally)``; rows sum to 1 (all zeros when the tally is impossible).

    Notes
    -----
    Time ``O(m b)`` with ``b`` the product of the three smallest counts plus one (the largest of
    yes, no, abstain and absent is left as the rest), three passes over the members; memory
    ``O(sqrt(m) b)``.

    Examples
    --------
    >>> lp, w = tally_posterior([[0.9, 0.1, 0, 0], [0.5, 0.5, 0, 0]], (1, 1, 0))
    >>> w.round(3).tolist()
    [[0.9, 0.1, 0.0, 0.0], [0.1, 0.9, 0.0, 0.0]]
    """
    p, y, n, a, d = _check(p, counts)
    m = p.shape[0]
    if d < 0 or m == 0:
        return (0.0 if m == 0 and d == 0 else -math.inf), np.zeros((m, 4))
    # count the three smallest categories on the box and leave the largest as the rest: same law,
    # smaller box
    c4 = [y, n, a, d]
    order = sorted(range(4), key=lambda k: (c4[k], k))  # the largest count goes last
    if order[-1] != 3:
        q = p[:, order]
        lp, post_q = _posterior(q, (c4[order[0]], c4[order[1]], c4[order[2]]))
        post = np.zeros_like(post_q)
        post[:, order] = post_q
        return lp, post
    return _posterior(p, (y, n, a))


def _posterior(p: np.ndarray, counts: tuple[int, int, int]) -> tuple[float, np.ndarray]:
    y, n, a = counts
    m = p.shape[0]
    d = m - y - n - a
    post = np.zeros((m, 4))
    shape = (y + 1, n + 1, a + 1)
    S = np.indices(shape).sum(axis=0)
    block = max(1, math.isqrt(m - 1) + 1)
    # forward pass: checkpoints F_k for k = 0, block, 2 block, ...
    checkpoints: dict[int, np.ndarray] = {}
    F = np.zeros(shape)
    F[0, 0, 0] = 1.0
    total = 0.0
    for k0 in range(0, m, block):
        checkpoints[k0] = F.copy()
        F, ls = _forward(p, shape, d, min(k0 + block, m), F, k0, S)
        total += ls
        if not math.isfinite(total):
            return -math.inf, post
    last = float(F[y, n, a])
    if last <= 0.0:
        return -math.inf, post
    log_p = total + math.log(last)
    # backward pass: R_{i+1}(u) = P(members after i give counts - u), normalised
    R = np.zeros(shape)
    R[y, n, a] = 1.0
    tmp = np.empty(R.size)
    for k0 in sorted(checkpoints, reverse=True):
        Fs = [checkpoints[k0]]
        for k in range(k0, min(k0 + block, m) - 1):
            G = _step(Fs[-1], p[k], S >= k + 1 - d)
            Fs.append(G / max(float(G.sum()), 1e-300))
        for i in range(min(k0 + block, m) - 1, k0 - 1, -1):  # member i (0-based) needs F_i = Fs[i - k0]
            Fi = Fs[i - k0].ravel()
            Ry = np.zeros(shape)
            Ry[:-1] = R[1:]
            Rn = np.zeros(shape)
            Rn[:, :-1] = R[:, 1:]
            Ra = np.zeros(shape)
            Ra[:, :, :-1] = R[:, :, 1:]
            # plain products, not BLAS dot: threaded BLAS on vectors this size costs more than it saves
            z = np.array([float(np.multiply(Fi, A.ravel(), out=tmp).sum()) for A in (Ry, Rn, Ra, R)])
            w = p[i] * z
            s = w.sum()
            post[i] = w / s if s > 0 else 0.0
            H = p[i, 3] * R + p[i, 0] * Ry + p[i, 1] * Rn + p[i, 2] * Ra
            R = H / max(float(H.sum()), 1e-300)
    return log_p, post
