"""The fast arithmetic of the expected-utility model (closed-form vote sums) against the bit-exact one.

The bit-exact mode stays the default and reproduces the published replication (test_bdm.py); the fast
mode changes no equation, only how the sums are taken, and must agree within 1e-12 on every output, relative
to the output's scale (positions run from 0 to 100: Hypothesis found a difference of 1.6e-12 on a position
near 80 after three rounds of 27 actors, 1.6e-14 of its size; probabilities and categories are at most 1).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import typer
from hypothesis import given, note, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dialoguelab.errors import InvalidParameterError
from dialoguelab.forecast.bdm import (
    BDMOptions,
    BDMResult,
    _all_pairs_denominator,
    _all_pairs_denominator_fast,
    distance_matrix,
    probability_matrix,
    run_bdm,
    vote_numerators,
)
from dialoguelab.forecast.cli import register

from .results import results_bdm as R

TOL = 1e-12
OUTPUTS = ("positions", "risk", "mean", "median", "offer_types", "partners")
DETAILS = ("positions", "risk", "offer_type", "partner", "eu_challenge", "eu_challenged", "probability")


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    """Within TOL of each other, relative to the output's scale (at least 1)."""
    a, b = a.astype(float), b.astype(float)
    scale = max(1.0, float(np.max(np.abs(a), initial=0.0)))
    return float(np.max(np.abs(a - b), initial=0.0)) <= TOL * scale


def assert_same_run(exact: BDMResult, fast: BDMResult) -> None:
    assert exact.options.arithmetic == "bit_exact" and fast.options.arithmetic == "fast"
    for name in OUTPUTS:
        a, b = getattr(exact, name), getattr(fast, name)
        assert a.shape == b.shape
        assert _close(a, b), name
    for ra, rb in zip(exact.rounds_detail, fast.rounds_detail, strict=True):
        for name in DETAILS:
            assert _close(getattr(ra, name), getattr(rb, name)), name


def test_default_is_bit_exact():
    assert BDMOptions().arithmetic == "bit_exact"
    assert BDMOptions.replication().arithmetic == "bit_exact" and BDMOptions.corrected().arithmetic == "bit_exact"
    with pytest.raises(InvalidParameterError, match="The 'arithmetic' option of BDMOptions must be one of"):
        BDMOptions(arithmetic="quick")  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["replication", "corrected"])
def test_fast_equals_bit_exact_on_the_published_example(mode):
    def run(arithmetic: str) -> BDMResult:
        opts = BDMOptions.for_mode(mode, arithmetic=arithmetic)
        return run_bdm(R.POSITION, R.CAPABILITY, R.SALIENCE, 10, opts, seed=5, keep_details=True)

    fast = run("fast")
    assert_same_run(run("bit_exact"), fast)
    if mode == "replication":
        np.testing.assert_allclose(fast.mean, R.PORT_MEANS, rtol=0, atol=TOL)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 30),
    seed=st.integers(0, 2**32 - 1),
    mode=st.sampled_from(["replication", "corrected"]),
    risk_range=st.sampled_from(["actors", "positions"]),
    rounds=st.integers(1, 3),
)
def test_fast_equals_bit_exact_on_random_inputs(n, seed, mode, risk_range, rounds):
    rng = np.random.default_rng(seed)
    x, c, s = rng.uniform(0, 100, n), rng.uniform(0.01, 1, n), rng.uniform(0.05, 1, n)
    note(f"x={x.tolist()}, c={c.tolist()}, s={s.tolist()}")

    def run(arithmetic: str) -> BDMResult:
        opts = BDMOptions.for_mode(mode, arithmetic=arithmetic, risk_range=risk_range)
        return run_bdm(x, c, s, rounds, opts, seed=seed, keep_details=True)

    assert_same_run(run("bit_exact"), run("fast"))


def test_closed_form_sums_equal_the_ordered_sums_with_ties_and_risk_exponents():
    # tied positions, voters exactly at midpoints, and voter-specific exponents
    rng = np.random.default_rng(11)
    x = rng.integers(0, 7, 40).astype(float)
    w = rng.uniform(0, 1, 40)
    r = rng.uniform(0.5, 2.0, 40)
    a = distance_matrix(x, 6.0, r)
    num, tot = vote_numerators(w, a)
    den = _all_pairs_denominator(w, a)
    assert abs(_all_pairs_denominator_fast(w, a) - den) <= 1e-13 * den
    for form in ("scholz", "pairwise"):
        pe, ne, te = probability_matrix(x, w, r, 6.0, form)
        pf, nf, tf = probability_matrix(x, w, r, 6.0, form, arithmetic="fast")
        for e, f in ((pe, pf), (ne, nf), (te, tf)):
            np.testing.assert_allclose(f, e, rtol=0, atol=1e-13)
    np.testing.assert_allclose(ne, num, rtol=0, atol=0)


def test_cli_fast_flag(tiny_case: Path):
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    args = ["forecast", "toy", "--case", str(tiny_case), "--runs", "0", "--json"]
    exact = json.loads(runner.invoke(app, args).output)
    res = runner.invoke(app, [*args, "--fast"])
    assert res.exit_code == 0, res.output
    fast = json.loads(res.output)
    assert exact["options"]["arithmetic"] == "bit_exact" and fast["options"]["arithmetic"] == "fast"
    a = [row["mean"] for row in exact["trajectory"]]
    b = [row["mean"] for row in fast["trajectory"]]
    assert np.max(np.abs(np.subtract(a, b))) <= TOL
