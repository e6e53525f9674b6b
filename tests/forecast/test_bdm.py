"""The expected-utility model: published reference values, invariants, and equality with the
straightforward per-pair implementation (``reference_bdm.py``) on random inputs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from dialoguelab.errors import InvalidParameterError
from dialoguelab.forecast.bdm import (
    OFFER_CAPITULATION,
    BDMOptions,
    bdm_round,
    dangers,
    observer_eu,
    probability_matrix,
    risk_exponents,
    run_bdm,
    tournament_median,
    weighted_mean,
    weighted_median,
)

from .reference_bdm import RefModel, ref_run
from .results import results_bdm as R

IDX = {n: i for i, n in enumerate(R.NAMES)}


@pytest.fixture(scope="module")
def eu_run():
    return run_bdm(
        R.POSITION,
        R.CAPABILITY,
        R.SALIENCE,
        rounds=10,
        options=BDMOptions.replication(),
        names=R.NAMES,
        keep_details=True,
    )


# --- issue 5 "Done when" -----------------------------------------------------------------------


def test_round0_median_and_mean(eu_run):
    assert eu_run.median[0] == R.ROUND0_MEDIAN
    np.testing.assert_allclose(eu_run.mean[0], R.ROUND0_MEAN, rtol=1e-14)


def test_first_round_risk_exponents(eu_run):
    for name, value in R.RISK_ROUND1_ISSUE.items():
        assert round(float(eu_run.risk[0, IDX[name]]), 4) == value
    np.testing.assert_allclose(eu_run.risk[0], R.PORT_RISK_ROUND1, rtol=1e-12)
    # every round has one actor at exactly 0.5 and one at exactly 2 (Scholz's cross-actor range)
    np.testing.assert_allclose(eu_run.risk.min(axis=1), 0.5, rtol=1e-12)
    np.testing.assert_allclose(eu_run.risk.max(axis=1), 2.0, rtol=1e-12)


def test_belgium_first_round_eu(eu_run):
    d = eu_run.rounds_detail[0]
    b = IDX["Belgium"]
    for (challenger, target), value in R.BELGIUM_EU_ISSUE.items():
        if challenger == "Belgium":
            got = d.eu_challenge[b, IDX[target]]
        else:
            got = d.eu_challenged[b, IDX[challenger]]
        assert round(float(got), 3) == value
    for other, (e_ab, e_ba) in R.PORT_BELGIUM_EU.items():
        np.testing.assert_allclose(d.eu_challenge[b, IDX[other]], e_ab, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(d.eu_challenged[b, IDX[other]], e_ba, rtol=1e-12, atol=1e-15)


def test_belgium_moves_in_round_one(eu_run):
    np.testing.assert_allclose(eu_run.positions[1, IDX["Belgium"]], R.BELGIUM_ROUND1, rtol=1e-14)
    assert eu_run.offer_types[0, IDX["Belgium"]] == 2  # a compromise …
    assert eu_run.partners[0, IDX["Belgium"]] == IDX["France"]  # … with France (Example.log)


def test_weighted_means_rounds_1_to_10(eu_run):
    np.testing.assert_allclose(eu_run.mean[1:], R.MEANS_ISSUE, atol=5e-7)
    np.testing.assert_allclose(eu_run.mean, R.PORT_MEANS, rtol=1e-12)


def test_full_port_trajectory(eu_run):
    np.testing.assert_allclose(eu_run.positions, R.PORT_POSITIONS, rtol=1e-12)
    np.testing.assert_allclose(eu_run.median, R.PORT_MEDIANS, rtol=1e-12)
    moved = np.any(eu_run.positions != eu_run.positions[0], axis=0)
    assert [R.NAMES[i] for i in np.flatnonzero(moved)] == ["Belgium", "Luxembourg", "Ireland"]


def test_raw_probabilities(eu_run):
    p = eu_run.rounds_detail[0].probability
    i4, i10 = IDX["Netherlands"], IDX["France"]
    np.testing.assert_allclose((p[i4, i10], p[i10, i4]), R.PORT_P_4_10, rtol=1e-12)


def test_close_to_published_original_series(eu_run):
    assert np.max(np.abs(eu_run.mean - R.ORIGINAL_MEANS_FIGURE)) <= 0.07
    peaks = [
        t for t in range(1, 10) if eu_run.mean[t] > eu_run.mean[t - 1] and eu_run.mean[t] > eu_run.mean[t + 1]
    ]
    assert peaks == [3, 8]


# --- the corrections ------------------------------------------------------------------------


def test_capitulation_never_fires_in_replication_but_can_when_corrected():
    opts_bug = BDMOptions.replication(probability="pairwise")
    opts_fix = BDMOptions.replication(probability="pairwise", capitulation="working")
    found = False
    rng = np.random.default_rng(3)
    for _ in range(40):
        n = 8
        x, c, s = rng.uniform(0, 10, n), rng.uniform(0.1, 1, n), rng.uniform(0.05, 1, n)
        a = run_bdm(x, c, s, 3, opts_bug)
        b = run_bdm(x, c, s, 3, opts_fix)
        assert not np.any(a.offer_types == OFFER_CAPITULATION)
        found |= bool(np.any(b.offer_types == OFFER_CAPITULATION))
    assert found


def test_pairwise_probabilities_sum_to_one():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, 12)
    w = rng.uniform(0.01, 1, 12)
    r = rng.uniform(0.5, 2, 12)
    p, _, _ = probability_matrix(x, w, r, 100.0, "pairwise")
    off = ~np.eye(12, dtype=bool)
    np.testing.assert_allclose((p + p.T)[off], 1.0, rtol=1e-12)
    ps, _, _ = probability_matrix(x, w, r, 100.0, "scholz")
    assert np.all(ps[off] > 0) and np.all(ps[off] < 0.5)


def test_corrected_mode_is_seeded_and_reproducible():
    opts = BDMOptions.corrected()
    a = run_bdm(R.POSITION, R.CAPABILITY, R.SALIENCE, 10, opts, seed=42)
    b = run_bdm(R.POSITION, R.CAPABILITY, R.SALIENCE, 10, opts, seed=42)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert a.median[0] == 7.0
    with pytest.raises(InvalidParameterError, match="random generator"):
        bdm_round(np.array(R.POSITION), np.array(R.CAPABILITY), np.array(R.SALIENCE), 6.0, opts, None)


def test_least_move_compromise_choice_differs_from_scholz_in_round_4():
    # jmckib: in round 4 Belgium compromises with the Netherlands to an extreme position rather than
    # with France; with the least-move choice it does not jump to 4.80.
    a = run_bdm(R.POSITION, R.CAPABILITY, R.SALIENCE, 4, BDMOptions.replication())
    b = run_bdm(
        R.POSITION, R.CAPABILITY, R.SALIENCE, 4, BDMOptions.replication(compromise_choice="least_move")
    )
    assert a.positions[4, IDX["Belgium"]] < 5
    assert b.positions[4, IDX["Belgium"]] > 9


def test_weighted_median_is_order_independent():
    rng = np.random.default_rng(1)
    x, c, s = rng.integers(0, 5, 9).astype(float), rng.uniform(0, 1, 9), rng.uniform(0, 1, 9)
    perm = rng.permutation(9)
    assert weighted_median(x, c, s) == weighted_median(x[perm], c[perm], s[perm])
    assert weighted_median([1, 2, 3], [1, 1, 1], [1, 1, 1]) == 2.0
    assert weighted_median([1, 2], [1, 1], [1, 1]) == 1.0  # lower median on an exact tie


def test_tournament_median_on_example():
    assert tournament_median(R.POSITION, R.CAPABILITY, R.SALIENCE, 6.0) == 7.0


def test_input_validation_messages():
    with pytest.raises(InvalidParameterError, match="same length"):
        run_bdm([1, 2], [1], [1, 1])
    with pytest.raises(InvalidParameterError, match=r"salience must be in the range \[0, 1\]"):
        run_bdm([1, 2], [1, 1], [50, 60])
    with pytest.raises(InvalidParameterError, match="finite"):
        run_bdm([1, float("nan")], [1, 1], [1, 1])
    with pytest.raises(InvalidParameterError, match="capability must be >= 0"):
        run_bdm([1, 2], [-1, 1], [1, 1])
    with pytest.raises(InvalidParameterError, match="positive capability and a positive salience"):
        run_bdm([1, 2], [0, 0], [1, 1])
    with pytest.raises(InvalidParameterError, match="'rounds' parameter"):
        run_bdm([1, 2], [1, 1], [1, 1], rounds=-1)
    with pytest.raises(InvalidParameterError, match="'probability' option"):
        BDMOptions(probability="textbook")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"'q' option .* \[0, 1\]"):
        BDMOptions(q=1.5)
    with pytest.raises(InvalidParameterError, match="mode must be"):
        BDMOptions.for_mode("exact")


def test_single_actor_and_identical_positions_do_not_move():
    res = run_bdm([3.0], [1.0], [1.0], 3)
    assert res.positions.tolist() == [[3.0]] * 4
    res = run_bdm([2.0, 2.0, 2.0], [1, 2, 3], [0.5, 0.5, 0.5], 2, BDMOptions.corrected(), seed=0)
    assert np.all(res.positions == 2.0)
    np.testing.assert_allclose(res.risk, 1.0)


def test_list_and_array_inputs_agree():
    a = run_bdm(R.POSITION, R.CAPABILITY, R.SALIENCE, 3)
    b = run_bdm(np.array(R.POSITION), tuple(R.CAPABILITY), np.array(R.SALIENCE), 3)
    np.testing.assert_array_equal(a.positions, b.positions)


# --- equality with the per-pair implementation on random inputs --------------------------------

OPTION_VARIANTS = [
    BDMOptions.replication(),
    BDMOptions.corrected(conflict="deterministic"),
    BDMOptions.replication(probability="pairwise", capitulation="working", offer_priority="least_move"),
    BDMOptions.replication(risk_range="positions"),
    BDMOptions.replication(vote_risk="neutral", utility_risk="own", resist_salience="challenger"),
    BDMOptions.replication(q=0.7, t=0.3, drift_reference="mean", position_range="current"),
    BDMOptions.corrected(conflict="deterministic", q=0.5, drift_sign="add", drift_distance="challenger_gap"),
]

unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)
actors = (
    st.integers(2, 6)
    .flatmap(
        lambda n: st.tuples(
            st.lists(st.floats(-50, 50, allow_nan=False, allow_subnormal=False), min_size=n, max_size=n),
            st.lists(st.floats(0.0, 2.0, allow_nan=False, allow_subnormal=False), min_size=n, max_size=n),
            st.lists(unit, min_size=n, max_size=n),
        )
    )
    .filter(lambda t: sum(c * s for c, s in zip(t[1], t[2], strict=True)) > 1e-6)
)


def _ref_model(x, c, s, opts):
    lo, hi = min(x), max(x)
    return RefModel(list(map(float, x)), list(map(float, c)), list(map(float, s)), opts, (hi - lo) or 1.0)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actors, st.sampled_from(OPTION_VARIANTS), st.lists(st.floats(0.5, 2.0), min_size=6, max_size=6))
def test_phase_quantities_equal_per_pair(data, opts, rvals):
    x, c, s = (np.array(v, dtype=float) for v in data)
    n = len(x)
    ref = _ref_model(x, c, s, opts)
    delta = ref.delta
    r = np.array(rvals[:n])
    ref.r = list(r)
    p, _, _ = probability_matrix(
        x, c * s, r if opts.vote_risk == "voter" else np.ones(n), delta, opts.probability
    )
    want = [[ref.probability(i, j) for j in range(n)] for i in range(n)]
    np.testing.assert_allclose(p, want, rtol=1e-12, atol=1e-12)
    ref.mu = ref.reference_point()
    e_ab, e_ba = observer_eu(x, s, p, r, delta, opts, ref.mu)
    for a in range(n):
        for b in range(n):
            ra = ref.r[a]
            assert e_ab[a, b] == pytest.approx(ref.eu(a, b, ra), rel=1e-12, abs=1e-12)
            rb = ra if opts.utility_risk == "observer" else ref.r[b]
            assert e_ba[a, b] == pytest.approx(ref.eu(b, a, rb), rel=1e-12, abs=1e-12)
    ref.r = [1.0] * n
    dang = dangers(x, c, s, delta, opts, ref.mu)
    np.testing.assert_allclose(dang, [ref.danger(a) for a in range(n)], rtol=1e-12, atol=1e-12)
    got_r = risk_exponents(x, c, s, delta, opts, ref.mu)
    np.testing.assert_allclose(got_r, ref.risk_update(), rtol=1e-12, atol=1e-12)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actors, st.sampled_from(OPTION_VARIANTS), st.integers(1, 4))
def test_trajectories_equal_per_pair(data, opts, rounds):
    x, c, s = data
    note(f"inputs: x={x!r} c={c!r} s={s!r} {opts!r}")
    res = run_bdm(x, c, s, rounds, opts)
    traj, risks, means, meds = ref_run(x, c, s, rounds, opts)
    np.testing.assert_allclose(res.positions, traj, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res.risk, np.array(risks).reshape(rounds, len(x)), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res.mean, means, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res.median, meds, rtol=1e-12, atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(actors, st.integers(0, 2**32 - 1))
def test_stochastic_conflicts_equal_per_pair(data, seed):
    x, c, s = data
    opts = BDMOptions.corrected()
    rounds = 3
    res = run_bdm(x, c, s, rounds, opts, seed=seed)
    # the same uniforms, drawn in the same order as run_bdm draws them (one n x n matrix per round)
    rng = np.random.default_rng(seed)
    uniforms = [rng.random((len(x), len(x))).tolist() for _ in range(rounds)]
    traj, _, _, _ = ref_run(x, c, s, rounds, opts, uniforms)
    np.testing.assert_allclose(res.positions, traj, rtol=1e-12, atol=1e-12)


def test_reference_runs_eu_example_too():
    traj, risks, means, _ = ref_run(R.POSITION, R.CAPABILITY, R.SALIENCE, 10, BDMOptions.replication())
    np.testing.assert_allclose(means, R.PORT_MEANS, rtol=1e-12)
    np.testing.assert_allclose(risks[0], R.PORT_RISK_ROUND1, rtol=1e-12)


def test_weighted_mean_doctest_value():
    assert weighted_mean([4, 7, 10], [1, 1, 1], [1, 1, 0.5]) == pytest.approx(6.4)


def test_options_are_frozen_and_serialisable():
    opts = BDMOptions.corrected()
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.q = 0.5  # type: ignore[misc]
    assert opts.to_dict()["probability"] == "pairwise"
