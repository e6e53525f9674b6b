from fractions import Fraction

import pytest

from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership.rules import (
    AllOf,
    Ballot,
    Base,
    Consensus,
    Majority,
    Quota,
    Tally,
    Unanimity,
    Veto,
    WeightedQuota,
    rule_from_dict,
)


def ballot(**t):
    return Ballot.from_tally(Tally(**t))


def test_unesco_2015_fails_as_it_did():
    ev = Majority(Fraction(2, 3), Base.PRESENT_AND_VOTING).evaluate(
        ballot(yes=92, no=50, abstain=29, absent=15)
    )
    assert not ev.passed and ev.required == 95 and ev.margin == -3


@pytest.mark.parametrize("yes,no,abstain,need", [(68, 51, 16, 80), (76, 56, 22, 88), (78, 56, 22, 90)])
def test_interpol_2018_rounds_fail_as_they_did(yes, no, abstain, need):
    ev = Majority(Fraction(2, 3), Base.PRESENT_AND_VOTING).evaluate(ballot(yes=yes, no=no, abstain=abstain))
    assert not ev.passed and ev.required == need


def test_bases_count_abstentions_differently():
    b = ballot(yes=31, no=5, abstain=5, absent=5)  # 46 members
    assert Majority(Fraction(2, 3), Base.PRESENT_AND_VOTING).evaluate(b).passed
    assert Majority(Fraction(2, 3), Base.ALL_MEMBERS).evaluate(b).passed  # 31 = ceil(2/3*46)
    b2 = ballot(yes=30, no=0, abstain=10, absent=6)
    assert Majority(Fraction(2, 3), Base.PRESENT_AND_VOTING).evaluate(b2).passed
    assert not Majority(Fraction(2, 3), Base.ALL_MEMBERS).evaluate(b2).passed
    assert Majority(Fraction(2, 3), Base.PRESENT).evaluate(b2).passed  # base 40, needs 27


def test_present_base():
    b = ballot(yes=30, no=0, abstain=10, absent=6)
    assert Majority(Fraction(2, 3), Base.PRESENT).evaluate(b).required == 27


def test_strict_simple_majority_tie_fails():
    r = Majority(Fraction(1, 2), strict=True)
    assert not r.evaluate(ballot(yes=5, no=5)).passed
    assert r.evaluate(ballot(yes=6, no=5)).passed


def test_security_council_veto_and_abstention():
    p5 = ("CHN", "FRA", "RUS", "GBR", "USA")
    sc = AllOf((Quota(9), Veto(p5)))
    b = Ballot.from_tally(Tally(yes=12, no=1, abstain=2), {"USA": "no"})
    ev = sc.evaluate(b)
    assert not ev.passed and ev.blockers == ("USA",)
    b2 = Ballot.from_tally(Tally(yes=13, no=0, abstain=2), {"RUS": "abstain", "CHN": "abstain"})
    assert sc.evaluate(b2).passed  # a permanent member's abstention does not block
    assert sc.veto_players(p5 + tuple(f"e{i}" for i in range(10))) == frozenset(p5)


def test_consensus_and_unanimity():
    b = Ballot(("A", "B", "C"), {"A": "yes", "B": "abstain", "C": "yes"})
    assert Consensus().evaluate(b).passed
    assert not Unanimity().evaluate(b).passed
    assert Unanimity(abstention_blocks=False).evaluate(b).passed
    assert not Consensus().evaluate(b.with_votes({"B": "no"})).passed


def test_weighted_quota():
    r = WeightedQuota((("DE", 4), ("FR", 4), ("IT", 4), ("NL", 2), ("BE", 2), ("LU", 1)), 12)
    b = Ballot(("DE", "FR", "IT", "NL", "BE", "LU"), {"DE": "yes", "FR": "yes", "NL": "yes", "BE": "yes"})
    assert r.evaluate(b).passed
    assert not r.evaluate(b.with_votes({"BE": "no"})).passed


def test_rule_from_dict_roundtrip_and_errors():
    d = {"kind": "all_of", "rules": [{"kind": "quota", "min_yes": 9}, {"kind": "veto", "vetoers": ["RUS"]}]}
    assert rule_from_dict(rule_from_dict(d).to_dict()) == rule_from_dict(d)
    with pytest.raises(InvalidParameterError, match="unknown rule kind"):
        rule_from_dict({"kind": "plurality"})
    with pytest.raises(InvalidParameterError, match="needs the field 'min_yes'"):
        rule_from_dict({"kind": "quota"})
    with pytest.raises(InvalidParameterError, match="base"):
        rule_from_dict({"kind": "majority", "fraction": "2/3", "base": "everyone"})


def test_tally_rejects_negative():
    with pytest.raises(InvalidParameterError, match="non-negative"):
        Tally(yes=-1)
