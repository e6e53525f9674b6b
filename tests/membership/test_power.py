from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialoguelab.case import load_case
from dialoguelab.membership.power import body_power, brute_force_indices, type_indices, weighted_indices

KOSOVO = load_case()

F = Fraction


def test_security_council_textbook_values_weighted_form():
    r = weighted_indices([7] * 5 + [1] * 10, 39)
    assert r.shapley_shubik[0] == F(421, 2145) and r.shapley_shubik[5] == F(4, 2145)
    assert r.swings[0] == 848 and r.swings[5] == 84
    assert r.banzhaf[0] == F(106, 635) and r.banzhaf[5] == F(21, 1270)
    assert r.banzhaf_absolute[0] == F(53, 1024) and r.banzhaf_absolute[5] == F(21, 4096)


def test_security_council_as_composite_veto_plus_quota():
    r = type_indices([5, 10], lambda k: k[0] == 5 and k[0] + k[1] >= 9)
    assert r.shapley_shubik == [F(421, 2145), F(4, 2145)]
    assert r.swings == [848, 84]
    assert r.banzhaf == [F(106, 635), F(21, 1270)]


def test_eec_1958_council():
    r = weighted_indices([4, 4, 4, 2, 2, 1], 12)
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
    assert weighted_indices(weights, quota).shapley_shubik == ss


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=8), st.integers(1, 40))
def test_dp_equals_brute_force_and_invariants(weights, quota):
    r = weighted_indices(weights, quota)
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
    assert weighted_indices([8, 6, 4, 2], 12).banzhaf == weighted_indices([4, 3, 2, 1], 6).banzhaf


def test_193_member_assembly_is_exact_and_fast_enough():
    r = weighted_indices([1] * 193, 129)
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
