from dialoguelab.case import load_case
from dialoguelab.membership.outcomes import blockers, evaluate_tally, outcome
from dialoguelab.membership.scenarios import Change, Scenario
from dialoguelab.membership.world import world

KOSOVO = load_case()

HOLDOUTS = Scenario(
    name="holdouts recognise",
    changes=[Change(action="recognize", state=s, date="2025-06-01") for s in ("ESP", "SVK", "ROU", "GRC", "CYP")],
)


def test_un_veto_players_and_blockers():
    o = blockers(KOSOVO, "UN", "2024-06-01")
    assert set(o.veto_players) == {"CHN", "FRA", "RUS", "GBR", "USA"}
    assert set(o.blocking) == {"CHN", "RUS"}
    assert not o.passed
    assert {"CHN", "RUS"} <= set(o.flip.required) and o.flip.exact


def test_nato_blockers_are_the_non_recognisers():
    o = blockers(KOSOVO, "NATO", "2024-06-01")
    assert set(o.blocking) == {"ESP", "GRC", "ROU", "SVK"}
    assert o.flip.size == 4 and o.flip.exact


def test_holdouts_scenario_opens_nato_and_eu_but_not_un():
    for body in ("NATO", "EU"):
        assert outcome(KOSOVO, body, "2025-07-01", scenario=HOLDOUTS).passed
        assert not outcome(KOSOVO, body, "2025-05-01", scenario=HOLDOUTS).passed
    un = outcome(KOSOVO, "UN", "2025-07-01", scenario=HOLDOUTS)
    assert not un.passed and set(un.blocking) == {"CHN", "RUS"}


def test_positions_on_disputed_withdrawals():
    k = world(KOSOVO, "2020-06-01", position="kosovo").recognizer_count()
    s = world(KOSOVO, "2020-06-01", position="serbia").recognizer_count()
    assert s < k
    assert world(KOSOVO, "2020-06-01", position="serbia").stance_class("SUR", "un") == "withdrew"
    assert world(KOSOVO, "2020-06-01", position="kosovo").stance_class("SUR", "un") == "recognizes"


def test_member_lists_by_date():
    assert "GBR" in world(KOSOVO, "2020-01-31").members("eu") and "GBR" not in world(KOSOVO, "2020-02-01").members("eu")
    assert "RUS" in world(KOSOVO, "2022-03-15").members("coe") and "RUS" not in world(KOSOVO, "2022-03-16").members(
        "coe"
    )
    assert (
        len(world(KOSOVO, "2024-03-07").members("nato")) == 32
        and len(world(KOSOVO, "2024-03-06").members("nato")) == 31
    )
    assert (
        len(world(KOSOVO, "2011-07-13").members("un")) == 192 and len(world(KOSOVO, "2011-07-14").members("un")) == 193
    )


def test_serbia_dropping_objection_and_vote_override():
    sc = Scenario(
        name="x",
        changes=[
            Change(action="objector_drops_objection"),
            Change(action="set_vote", state="RUS", vote="abstain", bodies=["un"]),
        ],
    )
    o = outcome(KOSOVO, "UN", "2024-06-01", scenario=sc)
    assert o.blocking == ["CHN"]


def test_passing_outcome_flip_is_smallest_veto():
    sc = Scenario(
        name="all",
        changes=[Change(action="set_stance", state=s, stance="recognizes") for s in ("ESP", "GRC", "ROU", "SVK")],
    )
    o = outcome(KOSOVO, "NATO", "2024-06-01", scenario=sc)
    assert o.passed and o.flip.size == 1 and o.flip.direction == "to_fail"
    assert len(o.pivotal) == 32


def test_evaluate_tally_shows_arithmetic():
    r = evaluate_tally(KOSOVO, "CoE", yes=30, no=0, abstain=10, absent=6)
    assert not r["passed"] and r["required"] == 31
    assert any("counts against" in line for line in r["lines"])
