from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialoguelab.case import load_case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership import power
from dialoguelab.membership.power import (
    PowerIndices,
    body_power,
    brute_force_indices,
    type_indices,
    weighted_indices,
)

KOSOVO = load_case()

F = Fraction


def test_security_council_textbook_values_weighted_form():
    r = weighted_indices([7] * 5 + [1] * 10, 39, method="exact")
    assert r.shapley_shubik[0] == F(421, 2145) and r.shapley_shubik[5] == F(4, 2145)
    assert r.swings[0] == 848 and r.swings[5] == 84
    assert r.banzhaf[0] == F(106, 635) and r.banzhaf[5] == F(21, 1270)
    assert r.banzhaf_absolute[0] == F(53, 1024) and r.banzhaf_absolute[5] == F(21, 4096)


def test_security_council_as_composite_veto_plus_quota():
    r = type_indices([5, 10], lambda k: k[0] == 5 and k[0] + k[1] >= 9, method="exact")
    assert r.shapley_shubik == [F(421, 2145), F(4, 2145)]
    assert r.swings == [848, 84]
    assert r.banzhaf == [F(106, 635), F(21, 1270)]


def test_eec_1958_council():
    r = weighted_indices([4, 4, 4, 2, 2, 1], 12, method="exact")
    assert r.banzhaf == [F(5, 21)] * 3 + [F(3, 21)] * 2 + [F(0)]
    assert r.shapley_shubik == [F(7, 30)] * 3 + [F(3, 20)] * 2 + [F(0)]


@pytest.mark.parametrize(
    "weights,quota,ss",
    [
        ([10, 10, 20, 30], 50, [F(1, 12), F(1, 12), F(1, 4), F(7, 12)]),
        ([3, 2, 1], 4, [F(2, 3), F(1, 6), F(1, 6)]),
    ],
)
def test_published_small_games(weights, quota, ss):
    assert weighted_indices(weights, quota, method="exact").shapley_shubik == ss


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=8), st.integers(1, 40))
def test_dp_equals_brute_force_and_invariants(weights, quota):
    r = weighted_indices(weights, quota, method="exact")
    b = brute_force_indices(len(weights), lambda s: sum(weights[i] for i in s) >= quota)
    assert r.shapley_shubik == b.shapley_shubik and r.swings == b.swings
    if sum(weights) >= quota:
        assert sum(r.shapley_shubik) == 1
        assert sum(r.banzhaf) == 1 or sum(r.swings) == 0
    for i in range(len(weights)):
        for j in range(len(weights)):
            if weights[i] == weights[j]:
                assert r.shapley_shubik[i] == r.shapley_shubik[j]
    assert all(0 <= x <= 1 for x in r.banzhaf_absolute)


def test_scaling_changes_nothing():
    exact = {"method": "exact"}
    assert weighted_indices([8, 6, 4, 2], 12, **exact).banzhaf == weighted_indices([4, 3, 2, 1], 6, **exact).banzhaf


def test_193_member_assembly_is_exact_and_fast_enough():
    r = weighted_indices([1] * 193, 129, method="exact")
    assert r.shapley_shubik[0] == F(1, 193)


def test_un_composite_game_sums_to_one_and_veto_dominates():
    t = body_power(KOSOVO, "un", "2024-06-01", by_type=True)
    total = sum(F(s) * n for s, n in zip(t.shapley_shubik_exact, t.players, strict=True))
    assert total == 1 and int(t.players.sum()) == 193
    veto = F(t[t.type == "veto holder"].shapley_shubik_exact.iloc[0])
    other = F(t[t.type == "member"].shapley_shubik_exact.iloc[0])
    assert veto > 100 * other


def test_unanimity_body_is_symmetric():
    df = body_power(KOSOVO, "nato", "2024-06-01")
    assert len(df) == 32 and set(df.shapley_shubik_exact) == {"1/32"}


# ------------------------------------------------------------------------------------------------
# the float path against the exact one


@pytest.fixture
def numpy_path(monkeypatch):
    """Send every game to the numpy path (small games are otherwise computed exactly and rounded)."""
    monkeypatch.setattr(power, "_SMALL_BANZHAF", 0)
    monkeypatch.setattr(power, "_SMALL_SHAPLEY", 0)


def lognormal_weights(n: int, total: int, seed: int = 7) -> list[int]:
    # as benchmarks/membership/run.py: IMF-like, lognormal(0, 1.2) scaled to the total
    rng = np.random.default_rng(seed)
    x = rng.lognormal(0, 1.2, n)
    return [max(1, int(v)) for v in np.round(x / x.sum() * total)]


def assert_close(fl: PowerIndices, ex: PowerIndices, tol: float = 1e-12) -> None:
    assert fl.method == "float" and ex.method == "exact"
    for field in ("shapley_shubik", "banzhaf", "banzhaf_absolute"):
        got, want = getattr(fl, field), getattr(ex, field)
        assert len(got) == len(want)
        assert all(type(x) is float for x in got)
        assert max((abs(a - float(b)) for a, b in zip(got, want, strict=True)), default=0.0) <= tol, field


def test_default_is_float_for_front_ends():
    r = weighted_indices([4, 4, 4, 2, 2, 1], 12)
    assert r.method == "float"
    for field in ("shapley_shubik", "swings", "banzhaf", "banzhaf_absolute"):
        assert all(type(x) is float for x in getattr(r, field))
    t = type_indices([5, 10], lambda k: k[0] == 5 and k[0] + k[1] >= 9)
    assert all(type(x) is float for x in t.shapley_shubik + t.banzhaf)
    frame = r.to_frame()
    assert "shapley_shubik_exact" not in frame and frame.shapley_shubik.dtype == float


@pytest.mark.usefixtures("numpy_path")
def test_float_textbook_values():
    unsc = weighted_indices([7] * 5 + [1] * 10, 39)
    assert abs(unsc.shapley_shubik[0] - 421 / 2145) <= 1e-12 and abs(unsc.shapley_shubik[5] - 4 / 2145) <= 1e-12
    assert abs(unsc.banzhaf[0] - 106 / 635) <= 1e-12 and abs(unsc.banzhaf_absolute[5] - 21 / 4096) <= 1e-12
    assert unsc.swings[:6] == [848.0] * 5 + [84.0]
    eec = weighted_indices([4, 4, 4, 2, 2, 1], 12)
    want_bz = [5 / 21] * 3 + [3 / 21] * 2 + [0.0]
    want_ss = [7 / 30] * 3 + [3 / 20] * 2 + [0.0]
    assert max(abs(a - b) for a, b in zip(eec.banzhaf, want_bz, strict=True)) <= 1e-12
    assert max(abs(a - b) for a, b in zip(eec.shapley_shubik, want_ss, strict=True)) <= 1e-12
    for w, q in (([7] * 5 + [1] * 10, 39), ([4, 4, 4, 2, 2, 1], 12), ([1] * 193, 129)):
        assert_close(weighted_indices(w, q), weighted_indices(w, q, method="exact"))


@pytest.mark.usefixtures("numpy_path")
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=14),
    st.floats(0.0, 1.05),
)
def test_float_path_equals_exact_path(weights, share):
    quota = max(1, round(share * sum(weights)))
    assert_close(weighted_indices(weights, quota), weighted_indices(weights, quota, method="exact"))


def test_float_path_equals_exact_path_190_lognormal_players():
    w = lognormal_weights(190, 1000)
    q = sum(w) // 2 + 1
    exact = weighted_indices(w, q, method="exact")
    assert sum(exact.shapley_shubik) == 1
    assert_close(weighted_indices(w, q), exact)


@pytest.mark.usefixtures("numpy_path")
def test_float_path_keeps_small_swings_near_unanimity():
    # swing probabilities of 2^-59 and less: normalised Banzhaf still exact to the last digits
    w = [1] * 60
    for q in (60, 59):
        fl, ex = weighted_indices(w, q), weighted_indices(w, q, method="exact")
        assert_close(fl, ex)
        assert all(abs(a - float(b)) <= 1e-14 * float(b) for a, b in zip(fl.banzhaf_absolute, ex.banzhaf_absolute,
                                                                            strict=True))


@pytest.mark.parametrize("method", ["float", "exact"])
def test_one_index_alone_equals_it_in_the_combined_computation(method):
    w = lognormal_weights(40, 300, seed=3)
    q = 2 * sum(w) // 3
    both = weighted_indices(w, q, method=method)
    bz = weighted_indices(w, q, method=method, indices="banzhaf")
    ss = weighted_indices(w, q, method=method, indices="shapley_shubik")
    assert bz.shapley_shubik == [] and ss.banzhaf == [] and ss.swings == []
    if method == "exact":
        assert (bz.swings, bz.banzhaf, bz.banzhaf_absolute) == (both.swings, both.banzhaf, both.banzhaf_absolute)
        assert ss.shapley_shubik == both.shapley_shubik
    else:
        for a, b in ((bz.banzhaf, both.banzhaf), (bz.banzhaf_absolute, both.banzhaf_absolute),
                     (ss.shapley_shubik, both.shapley_shubik)):
            assert max(abs(x - y) for x, y in zip(a, b, strict=True)) <= 1e-15


@pytest.mark.usefixtures("numpy_path")
def test_one_index_alone_on_the_numpy_path():
    w = lognormal_weights(60, 600, seed=5)
    q = sum(w) // 2 + 1
    both = weighted_indices(w, q)
    assert weighted_indices(w, q, indices="banzhaf").banzhaf == both.banzhaf
    assert weighted_indices(w, q, indices="shapley_shubik").shapley_shubik == both.shapley_shubik


def test_reductions_change_nothing():
    # dummies (weight 0), a common factor, the dual game and weights above the quota
    base = weighted_indices([3, 2, 2, 1], 5, method="exact")
    padded = weighted_indices([6, 4, 4, 2, 0, 0], 10, method="exact")
    assert padded.shapley_shubik[:4] == base.shapley_shubik and padded.shapley_shubik[4:] == [0, 0]
    assert padded.banzhaf[:4] == base.banzhaf and padded.swings[:4] == [4 * s for s in base.swings]
    assert padded.banzhaf_absolute[:4] == base.banzhaf_absolute
    assert weighted_indices([9, 1, 1], 5, method="exact").shapley_shubik == [1, 0, 0]


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"method": "fraction"}, "The 'method' parameter of weighted_indices must be 'float' or 'exact'"),
        ({"indices": "holler"}, "The 'indices' parameter of weighted_indices must be"),
    ],
)
def test_bad_method_or_indices(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        weighted_indices([1, 1], 2, **kwargs)
    with pytest.raises(InvalidParameterError, match=match.replace("weighted_indices", "type_indices")):
        type_indices([2], lambda k: k[0] == 2, **kwargs)


def test_body_power_by_type_has_floats_for_front_ends():
    t = body_power(KOSOVO, "un", "2024-06-01", by_type=True)
    for col in ("shapley_shubik", "banzhaf", "banzhaf_absolute"):
        assert t[col].dtype == float
    for f, e in zip(t.shapley_shubik, t.shapley_shubik_exact, strict=True):
        assert f == float(F(e))


def test_cli_prints_decimals_and_exact_only_on_request():
    import json

    import typer
    from typer.testing import CliRunner

    from dialoguelab.membership.cli import register

    app = typer.Typer()
    register(app)
    runner = CliRunner()
    res = runner.invoke(app, ["power", "--org", "UN", "--by-type", "--json"])
    assert res.exit_code == 0
    rows = json.loads(res.output)
    assert all(isinstance(r["shapley_shubik"], float) and "shapley_shubik_exact" not in r for r in rows)
    res = runner.invoke(app, ["power", "--org", "UN", "--by-type"])
    assert res.exit_code == 0 and "0.1748" in res.output and "/" not in res.output
    res = runner.invoke(app, ["power", "--org", "UN", "--by-type", "--exact", "--json"])
    rows = json.loads(res.output)
    assert sum(r["players"] * F(r["shapley_shubik_exact"]) for r in rows) == 1


def test_too_large_a_game_is_refused_with_the_fix():
    weights = [10**9 + 7 * i for i in range(300)]
    with pytest.raises(InvalidParameterError, match="Divide the weights and the quota by a common unit"):
        weighted_indices(weights, sum(weights) // 2 + 1)
