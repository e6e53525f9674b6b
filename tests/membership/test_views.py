"""The functions front ends call: recognition counts and tables, key figures, what-if, the explorer."""

from __future__ import annotations

import pandas as pd
import pytest

from dialoguelab.case import load_case
from dialoguelab.errors import CaseError, InvalidParameterError, UnknownIdError
from dialoguelab.membership import api
from dialoguelab.membership.api import (
    RECOGNITION_STATUSES,
    UnknownStateCodeError,
    applicant_memberships,
    body_outcomes,
    body_rules,
    explorer_view,
    key_figures,
    membership_data,
    membership_sources,
    outcome,
    recognition_counts,
    recognition_table,
    recognition_view,
    recognitions,
    what_if_scenario,
    world,
)

KOSOVO = load_case()

# ----------------------------------------------------------------- recognition


@pytest.mark.parametrize("on", ["2008-02-18", "2012-06-30", "2020-01-01", "2024-06-01"])
def test_recognition_counts_are_the_worlds_counts(on):
    got = recognition_counts(KOSOVO, on)
    assert got["date"] == on
    assert got["counts"] == {
        "kosovo": world(KOSOVO, on, position="kosovo").recognizer_count(),
        "serbia": world(KOSOVO, on, position="serbia").recognizer_count(),
    }
    assert got["counts"]["serbia"] <= got["counts"]["kosovo"]
    assert set(got["labels"]) == {"kosovo", "serbia"}


def test_recognition_counts_resolve_partial_dates_and_count_unverified_on_request():
    assert recognition_counts(KOSOVO, "2020-01")["date"] == "2020-01-31"
    plain = recognition_counts(KOSOVO, "2024-06-01")
    more = recognition_counts(KOSOVO, "2024-06-01", include_unverified=True)
    unverified = [r for r in membership_data(KOSOVO).recognitions.values() if not r.verified]
    assert unverified and more["counts"]["kosovo"] > plain["counts"]["kosovo"]


def test_recognition_table_status_column():
    t = recognition_table(KOSOVO, "2020-01-01", "serbia")
    assert list(t.columns) == [
        "iso3",
        "state",
        "recognized_on",
        "withdrawal_claimed_on",
        "applicant_position",
        "verified",
        "status",
        "sources",
    ]
    assert set(t.status) <= set(RECOGNITION_STATUSES)
    counts = recognition_counts(KOSOVO, "2020-01-01")
    assert (t.status == "recognizes").sum() == counts["counts"]["serbia"]
    k = recognition_table(KOSOVO, "2020-01-01", "kosovo")
    assert (k.status == "recognizes").sum() == counts["counts"]["kosovo"]
    # every withdrawal applied under Serbia's view is one Serbia claims; Kosovo's view keeps those it disputes
    withdrew = t[t.status == "withdrew"]
    assert len(withdrew) > 0 and withdrew.withdrawal_claimed_on.notna().all()
    disputed = set(withdrew[withdrew.applicant_position == "withdrawal_disputed"].iso3)
    assert disputed and set(k[k.iso3.isin(disputed)].status) == {"recognizes"}
    # rows left out are marked: unverified ones, and recognitions dated after the day
    assert set(t[~t.verified].status) == {"unverified"}
    later = t[t.recognized_on.notna() & (t.recognized_on > "2020-01-01") & t.verified]
    assert len(later) > 0 and set(later.status) == {"not_yet"}


def test_recognition_table_day_before_independence_has_only_undated_recognitions():
    t = recognition_table(KOSOVO, "2008-02-16")
    # only an undated (verified) recognition can count before independence; there may be none
    assert set(t[t.status == "recognizes"].recognized_on.isna()) <= {True}
    assert "not_yet" in set(t.status)


def test_recognitions_is_the_table_and_the_view_holds_both():
    assert recognitions(KOSOVO, "2015-01-01", position="serbia").equals(
        recognition_table(KOSOVO, "2015-01-01", "serbia")
    )
    v = recognition_view(KOSOVO, "2015-01", "serbia")
    c = recognition_counts(KOSOVO, "2015-01")
    assert (v.date, v.position) == ("2015-01-31", "serbia")
    assert v.counts == c["counts"]
    assert v.table.equals(recognition_table(KOSOVO, "2015-01", "serbia"))


# ----------------------------------------------------------------- key figures


def test_key_figures_bodies_blockers_and_memberships():
    k = key_figures(KOSOVO, on="2024-06-01")
    assert k["date"] == "2024-06-01"
    assert k["recognitions"] == recognition_counts(KOSOVO, "2024-06-01")
    data = membership_data(KOSOVO)
    assert [b["body"] for b in k["bodies"]] == list(data.bodies)
    by_id = {b["body"]: b for b in k["bodies"]}
    assert by_id["nato"]["blocking"] == ["ESP", "GRC", "ROU", "SVK"]
    assert by_id["nato"]["blockers"] == ["Spain", "Greece", "Romania", "Slovakia"]
    un = by_id["un"]
    assert un["outcome"] == "blocked" and un["blocking"] == ["CHN", "RUS"]
    assert set(un["veto_player_ids"]) == {"CHN", "FRA", "GBR", "RUS", "USA"}
    assert "Russia" in un["veto_players"] and un["citations"]
    for b in k["bodies"]:
        o = outcome(KOSOVO, b["body"], "2024-06-01", detail=False)
        assert (b["passed"], b["blocking"]) == (o.passed, o.blocking)
        assert b["outcome"] == ("would pass" if o.passed else "blocked")
    assert k["joined"] == applicant_memberships(KOSOVO)
    assert {m["body"] for m in k["joined"]} == {r.body for r in data.applicant_memberships if r.verified}
    assert all(m["sources"] and isinstance(m["joined"], str) for m in k["joined"])


def test_applicant_memberships_unverified_on_request():
    data = membership_data(KOSOVO)
    assert len(applicant_memberships(KOSOVO, include_unverified=True)) == len(data.applicant_memberships)
    assert len(applicant_memberships(KOSOVO)) == sum(r.verified for r in data.applicant_memberships)


def test_body_outcomes_under_a_scenario():
    scen = what_if_scenario(KOSOVO, recognize="ESP,GRC,ROU,SVK")
    nato = next(b for b in body_outcomes(KOSOVO, "2024-06-01", scenario=scen) if b["body"] == "nato")
    assert nato["blocking"] == [] and nato["passed"] is True


def test_case_without_membership_folder(case_copy):
    import shutil

    shutil.rmtree(case_copy / "membership")
    bare = load_case(case_copy)
    with pytest.raises(CaseError, match="membership/ folder"):
        key_figures(bare)
    with pytest.raises(CaseError):
        membership_sources(bare)


def test_membership_sources_and_body_rules():
    df = membership_sources(KOSOVO)
    assert list(df.id) == sorted(membership_data(KOSOVO).sources) and df.id.is_unique
    assert all(isinstance(u, list) for u in df.urls)
    assert all(isinstance(d, str) for d in df.date.dropna())
    rules = body_rules(KOSOVO)
    assert [b["id"] for b in rules] == list(membership_data(KOSOVO).bodies)
    un = next(b for b in rules if b["id"] == "un")
    assert [s["id"] for s in un["stages"]] == [st.id for st in membership_data(KOSOVO).stages["un"]]
    assert "9 yes" in un["stages"][0]["rule"] and un["stages"][0]["citations"]


# ----------------------------------------------------------------- what-if and explorer


def test_what_if_scenario_from_toggles():
    assert what_if_scenario(KOSOVO) is None
    s = what_if_scenario(KOSOVO, recognize=["esp, Greece", "ESP"], withdraw="TGO", abstain="rus", objector_drops=True)
    assert [(c.action, c.state, c.vote) for c in s.changes] == [
        ("recognize", "ESP", None),
        ("recognize", "GRC", None),
        ("withdraw", "TGO", None),
        ("set_vote", "RUS", "abstain"),
        ("objector_drops_objection", None, None),
    ]
    assert s.description == "recognize=ESP,GRC, withdraw=TGO, abstain=RUS, objector_drops=true"


@pytest.mark.parametrize("field", ["recognize", "withdraw", "abstain"])
def test_what_if_unknown_state_names_the_parameter(field):
    with pytest.raises(UnknownStateCodeError, match=f"^{field}: Unknown state 'ZZZ'") as exc:
        what_if_scenario(KOSOVO, **{field: "ESP,ZZZ"})
    assert (exc.value.parameter, exc.value.code) == (field, "ZZZ")
    assert isinstance(exc.value, UnknownIdError)


def test_explorer_view_baseline_and_scenario():
    base = explorer_view(KOSOVO, "NATO", "2024-06-01")
    assert base["body"]["id"] == "nato" and base["date"] == "2024-06-01"
    assert base["baseline"] == outcome(KOSOVO, "nato", "2024-06-01").to_dict()
    assert base["scenario"] is None and base["scenario_admission"] is None
    assert 0 <= base["baseline_admission"]["probability"] <= 1
    assert isinstance(base["compare"], pd.DataFrame) and len(base["compare"]) == len(base["bodies"])
    assert (base["compare"].baseline_passed == base["compare"].scenario_passed).all()
    assert len(base["power"]) == len(world(KOSOVO, "2024-06-01").members("nato"))
    scen = what_if_scenario(KOSOVO, recognize="ESP,GRC,ROU,SVK")
    what = explorer_view(KOSOVO, "nato", "2024-06-01", scenario=scen)
    assert what["baseline"] == base["baseline"]
    assert what["scenario"]["passed"] is True and what["scenario"]["scenario"] == "what-if"
    row = what["compare"].set_index("body").loc["nato"]
    assert not row.baseline_passed and row.scenario_passed


# ----------------------------------------------------------------- validation, one test for all


DATED = [
    lambda on: recognition_counts(KOSOVO, on),
    lambda on: recognition_table(KOSOVO, on),
    lambda on: recognition_view(KOSOVO, on),
    lambda on: key_figures(KOSOVO, on),
    lambda on: body_outcomes(KOSOVO, on),
    lambda on: explorer_view(KOSOVO, "un", on),
]


@pytest.mark.parametrize("call", DATED, ids=["counts", "table", "view", "key_figures", "outcomes", "explorer"])
def test_bad_dates_are_rejected_with_the_fix(call):
    with pytest.raises(InvalidParameterError, match="YYYY-MM-DD"):
        call("2024-13-01")
    with pytest.raises(InvalidParameterError, match="before the United Nations existed"):
        call("1900-01-01")


@pytest.mark.parametrize("call", [recognition_table, recognition_view])
def test_bad_position_is_rejected(call):
    with pytest.raises(InvalidParameterError, match="'position' parameter must be one of"):
        call(KOSOVO, "2020-01-01", "belgrade")


def test_unknown_body_in_explorer():
    with pytest.raises(UnknownIdError, match="Unknown body 'ZZ'"):
        explorer_view(KOSOVO, "ZZ")


def test_new_functions_are_public():
    for name in (
        "recognition_counts",
        "recognition_table",
        "recognition_view",
        "key_figures",
        "body_outcomes",
        "body_rules",
        "applicant_memberships",
        "membership_sources",
        "what_if_scenario",
        "explorer_view",
        "calibration_cache_dir",
        "body_power",
        "compare",
    ):
        assert name in api.__all__ and callable(getattr(api, name))
