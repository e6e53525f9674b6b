"""The exact tally law (membership.tally) against enumeration, and its invariants."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership.tally import tally_log_probability, tally_posterior


def _enumerate(p, counts):
    m = len(p)
    total = 0.0
    post = np.zeros((m, 4))
    for combo in itertools.product(range(4), repeat=m):
        if (combo.count(0), combo.count(1), combo.count(2)) != tuple(counts):
            continue
        pr = float(np.prod([p[i, k] for i, k in enumerate(combo)]))
        total += pr
        for i, k in enumerate(combo):
            post[i, k] += pr
    return total, post


@pytest.mark.parametrize("m", [1, 2, 4, 6])
def test_probability_and_posterior_match_enumeration(m):
    rng = np.random.default_rng(m)
    p = rng.dirichlet([2, 1.5, 1, 0.7], size=m)
    for counts in [(0, 0, 0), (1, 0, 0), (1, 1, 0), (m // 2, 1, 0), (1, 1, 1), (0, m, 0)]:
        if sum(counts) > m:
            continue
        total, post = _enumerate(p, counts)
        lp, w = tally_posterior(p, counts)
        assert math.isclose(lp, math.log(total), rel_tol=1e-10)
        assert math.isclose(tally_log_probability(p, counts), math.log(total), rel_tol=1e-10)
        assert np.allclose(w, post / total, atol=1e-12)


@settings(deadline=None, max_examples=30)
@given(st.integers(min_value=8, max_value=40), st.integers(min_value=0, max_value=10_000))
def test_posterior_counts_add_up_to_the_tally(m, seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet([3, 2, 1, 1], size=m)
    y, n, a = int(0.4 * m), int(0.3 * m), int(0.1 * m)
    lp, w = tally_posterior(p, (y, n, a))
    assert math.isfinite(lp)
    assert np.allclose(w.sum(axis=1), 1.0)
    assert np.allclose(w.sum(axis=0), [y, n, a, m - y - n - a], atol=1e-8)


def test_largest_count_left_as_the_rest_gives_the_same_answer():
    rng = np.random.default_rng(3)
    p = rng.dirichlet([1, 1, 1, 1], size=30)
    for counts in [(20, 3, 2), (2, 20, 3), (2, 3, 20), (2, 3, 4)]:
        lp, w = tally_posterior(p, counts)
        # the same law with the columns permuted: yes and absent swapped
        q = p[:, [3, 1, 2, 0]]
        d = 30 - sum(counts)
        lq, wq = tally_posterior(q, (d, counts[1], counts[2]))
        assert math.isclose(lp, lq, rel_tol=1e-10)
        assert np.allclose(w, wq[:, [3, 1, 2, 0]], atol=1e-12)


def test_impossible_tallies():
    p = np.array([[1.0, 0, 0, 0], [0.5, 0.5, 0, 0]])
    assert tally_log_probability(p, (0, 2, 0)) == -math.inf  # the first member always votes yes
    assert tally_posterior(p, (2, 1, 0))[0] == -math.inf  # more votes than members
    lp, w = tally_posterior(np.zeros((0, 4)), (0, 0, 0))
    assert lp == 0.0 and w.shape == (0, 4)


def test_bad_input_is_rejected():
    with pytest.raises(InvalidParameterError, match="shape"):
        tally_posterior(np.ones((3, 3)) / 3, (1, 1, 0))
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        tally_log_probability(np.full((2, 4), 0.1), (1, 0, 0))
    with pytest.raises(InvalidParameterError, match="≥ 0"):
        tally_log_probability(np.full((2, 4), 0.25), (-1, 0, 0))
