"""Whose vote is needed: single switches against brute force, and the smallest-set claims."""

import itertools
from fractions import Fraction

import numpy as np
import pytest

from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership import swing as sw
from dialoguelab.membership.rules import AllOf, Ballot, Base, Majority, Quota, Stage, Unanimity, Veto
from dialoguelab.membership.votes import METHOD_DECLARED, METHOD_VOTE_MODEL, StageInput, stage_probability

RULES = [
    Majority(Fraction(2, 3), Base.PRESENT_AND_VOTING),
    Majority(Fraction(2, 3), Base.ALL_MEMBERS),
    Majority(Fraction(1, 2), Base.PRESENT, strict=True),
    AllOf((Quota(5), Veto(("m1", "m2")))),
    Unanimity(abstention_blocks=False, absence_blocks=True),
]


@pytest.mark.parametrize("rule", RULES)
def test_switch_probabilities_equal_one_stage_probability_per_member(rule):
    n = 9
    members = tuple(f"m{i + 1}" for i in range(n))
    p = np.random.default_rng(4).dirichlet([2, 1.5, 1, 0.5], size=n)
    got = sw.switch_probabilities(rule, members, p)
    for i in range(n):
        q = p.copy()
        q[i] = (1, 0, 0, 0)
        assert got[i] == pytest.approx(stage_probability(rule, members, q), abs=1e-12)


def test_switch_probabilities_validate_their_input():
    with pytest.raises(InvalidParameterError, match="shape"):
        sw.switch_probabilities(RULES[0], ("a", "b"), np.full((3, 4), 0.25))


def _stage(rule, name="vote", procedure="recorded_vote"):
    return Stage(name, name, rule, organ={"list": "x"}, procedure=procedure, procedure_verified=True)


def _best_smaller(initial, members, k):
    """The highest probability any set of k switches reaches (enumeration)."""
    best = 0.0
    for subset in itertools.combinations(members, k):
        best = max(best, sw._probability_with(initial, list(subset)))
    return best


def test_an_exact_claim_is_checked_by_enumeration():
    members = tuple(f"s{i}" for i in range(10))
    # the further down the list, the likelier a yes and the less likely a no: dominance holds
    yes = np.linspace(0.05, 0.9, 10)
    no = (1 - yes) * 0.8
    p = np.column_stack([yes, no, 1 - yes - no, np.zeros(10)])
    initial = [StageInput(_stage(Majority(Fraction(2, 3), Base.PRESENT_AND_VOTING)), METHOD_VOTE_MODEL, members, p)]
    path: list[str] = []
    while sw._probability_with(initial, path) <= 0.5:  # greedy, as swing() builds it
        after = {m: sw._probability_with(initial, path + [m]) for m in members if m not in path}
        path.append(max(after, key=lambda m: after[m]))
    method, statement = sw._exactness(initial, path, True, 0.5)
    assert method == "exact", statement
    assert _best_smaller(initial, members, len(path) - 1) <= 0.5
    assert sw._probability_with(initial, path) > 0.5


def test_no_exact_claim_without_dominance():
    members = tuple(f"s{i}" for i in range(8))
    rng = np.random.default_rng(7)
    p = rng.dirichlet([1, 1, 1, 0.2], size=8)
    # break dominance on purpose: the lowest P(yes) also has the lowest P(no)
    p[0] = (0.01, 0.01, 0.97, 0.01)
    initial = [StageInput(_stage(Majority(Fraction(2, 3), Base.PRESENT_AND_VOTING)), METHOD_VOTE_MODEL, members, p)]
    method, statement = sw._exactness(initial, ["s1", "s2"], True, 0.5)
    assert method == "greedy" and "dominance" in statement


def test_blockers_of_a_stage_without_a_ballot_must_switch():
    members = ("a", "b", "c")
    ballot = Ballot(members, {"a": "yes", "b": "no", "c": "yes"})
    declared = StageInput(_stage(Unanimity(), "invite", "consensus"), METHOD_DECLARED, members, None, ballot)
    p = np.array([[0.9, 0.1, 0, 0], [0.2, 0.8, 0, 0], [0.9, 0.1, 0, 0]])
    vote = StageInput(_stage(Majority(Fraction(1, 2), Base.ALL_MEMBERS, strict=True), "vote"), METHOD_VOTE_MODEL,
                      members, p)
    initial = [declared, vote]
    assert sw._probability_with(initial, []) == 0.0
    after = sw._probability_with(initial, ["b"])
    assert after == pytest.approx(stage_probability(vote.stage.rule, members, np.array(
        [[0.9, 0.1, 0, 0], [1, 0, 0, 0], [0.9, 0.1, 0, 0]])))
    method, statement = sw._exactness(initial, ["b"], after > 0.5, 0.5)
    assert method == "exact" and "must all switch" in statement
