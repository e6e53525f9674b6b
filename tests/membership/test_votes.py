import math
from fractions import Fraction

import numpy as np
import pytest

from dialoguelab.case import load_case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership.rules import AllOf, Base, Consensus, Majority, Quota, Unanimity, Veto
from dialoguelab.membership.votes import (
    _e_coef,
    admission_probability,
    calibrate,
    joint_distribution,
    marginal_distribution,
    monte_carlo_probability,
    stage_probability,
)

KOSOVO = load_case()


def random_probs(n, seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet([2, 1.5, 1, 0.5], size=n)
    return p


def test_joint_distribution_sums_to_one_and_matches_means():
    p = random_probs(40, 1)
    J = joint_distribution(p)
    assert math.isclose(J.sum(), 1.0, rel_tol=1e-12)
    y = np.arange(41)
    assert math.isclose((J.sum(axis=1) * y).sum(), p[:, 0].sum(), rel_tol=1e-9)
    assert np.allclose(J.sum(axis=1), marginal_distribution(p, 0))


def test_joint_distribution_brute_force_small():
    p = random_probs(4, 2)
    import itertools

    J = np.zeros((5, 5))
    for combo in itertools.product(range(4), repeat=4):
        pr = np.prod([p[i, c] for i, c in enumerate(combo)])
        J[sum(c == 0 for c in combo), sum(c == 1 for c in combo)] += pr
    assert np.allclose(J, joint_distribution(p))


@pytest.mark.parametrize(
    "rule",
    [
        Majority(Fraction(2, 3), Base.PRESENT_AND_VOTING),
        Majority(Fraction(2, 3), Base.ALL_MEMBERS),
        Majority(Fraction(1, 2), Base.PRESENT, strict=True),
        AllOf((Quota(9), Veto(("m1", "m2", "m3")))),
        Consensus(),
        Unanimity(),
    ],
)
def test_exact_probability_agrees_with_monte_carlo(rule):
    n = 15
    members = tuple(f"m{i + 1}" for i in range(n))
    p = random_probs(n, 3)
    p[:, 0] += 1.5
    p /= p.sum(axis=1, keepdims=True)
    exact = stage_probability(rule, members, p)
    est, se = monte_carlo_probability(rule, members, p, n_samples=20000, seed=7)
    assert abs(exact - est) < 4 * se + 1e-9


def test_bad_probabilities_rejected():
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        joint_distribution([[0.5, 0.2, 0.0, 0.0]])


def test_likelihood_kernel_matches_brute_force():
    counts = {"recognizes": 3, "does_not": 2, "withdrew": 0, "opponent": 1}
    s = np.array([[0.7, 0.3, 0.5, 0.1]])
    import itertools

    svals = [0.7] * 3 + [0.3] * 2 + [0.1]
    for v, y in [(4, 2), (6, 3), (3, 0)]:
        tot = 0.0
        for S in itertools.combinations(range(6), v):
            for Y in itertools.combinations(S, y):
                tot += np.prod([svals[i] if i in Y else 1 - svals[i] for i in S])
        assert math.isclose(_e_coef(counts, s, v, y)[0], tot, rel_tol=1e-12)


@pytest.fixture(scope="module")
def calibration():
    return calibrate(KOSOVO)


def test_calibration_reports_fit_and_leave_one_out(calibration):
    assert set(calibration.votes) == {"unesco-gc-2015-11-09", "interpol-2018-final"}
    for c, v in calibration.probabilities.items():
        assert math.isclose(sum(v), 1.0, rel_tol=1e-9), c
    # with the stance prior recognisers lean yes and opponents no
    assert calibration.probabilities["recognizes"][0] > calibration.probabilities["opponent"][0]
    fit = calibration.fit
    assert list(fit.yes) == [92, 68]
    # predictions are in the right range of the actual tallies
    assert (abs(fit.pred_no - fit.no) < 10).all()
    assert len(calibration.leave_one_out) == 2
    assert calibration.leave_one_out.held_out_log_likelihood.lt(0).all()


def test_admission_probability_is_a_probability():
    r = admission_probability(KOSOVO, "UNESCO", "2015-11-09")
    assert 0 < r.probability < 1
    gc = r.stages[-1]
    assert math.isclose(sum(gc.yes_distribution), 1.0, rel_tol=1e-9)
    assert r.stages[0].modelled is False


@pytest.mark.parametrize("fraction", [Fraction(1, 2), Fraction(2, 3), Fraction(3, 5), Fraction(1, 1)])
@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("base", list(Base))
def test_a_lone_majority_from_one_score_equals_the_joint_law(fraction, strict, base):
    from dialoguelab.membership import votes as V

    rng = np.random.default_rng(int(fraction.denominator * 10 + strict + 100 * list(Base).index(base)))
    for n in (1, 2, 7, 60):
        p = rng.dirichlet([2.0, 1.5, 0.7, 0.5], size=n)
        rule = Majority(fraction, base, strict)
        xcols = V.X_COLUMNS[base]
        # the joint-law computation the one-score path replaces, summed over the same condition
        want = float(V.joint_distribution(p, xcols)[V.pass_mask([rule], n)].sum())
        assert V.majority_probability(p, rule, xcols) == pytest.approx(want, abs=1e-14), (n, want)
    # a case the two paths must tell apart: everyone abstains -> no yes, the majority fails
    p = np.array([[0.0, 0.0, 1.0, 0.0]] * 5)
    assert V.majority_probability(p, Majority(Fraction(1, 2), base, strict), (1,)) == 0.0
