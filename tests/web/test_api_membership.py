"""The membership explorer's and the recognition map's routes, checked against dialoguelab.membership."""

from __future__ import annotations

import csv
import io
from fractions import Fraction

import pytest

from dialoguelab.membership.api import (
    Scenario,
    admission_probability,
    body_power,
    compare,
    membership_data,
    outcome,
    recognitions,
    world,
)
from dialoguelab.membership.scenarios import Change

FIVE = "ESP,SVK,ROU,GRC,CYP"  # the EU/NATO members that do not recognise Kosovo (issue 3)
DAY = "2024-06-01"


def _five() -> Scenario:
    return Scenario(name="what-if", changes=[Change(action="recognize", state=s) for s in FIVE.split(",")])


def test_bodies_list_rules_in_words(client, case):
    got = client.get("/api/v1/membership/bodies").json()
    data = membership_data(case)
    assert [b["id"] for b in got] == list(data.bodies)
    un = next(b for b in got if b["id"] == "un")
    assert [s["rule"] for s in un["stages"]] == [st.rule.describe() for st in data.stages["un"]]
    assert all(s["legal_basis"] and s["citations"] for b in got for s in b["stages"])


def test_outcome_un_names_the_veto(client, case):
    got = client.get("/api/v1/membership/outcome", params={"body": "UN", "date": DAY}).json()
    want = outcome(case, "un", DAY)
    assert got["passed"] is want.passed is False
    assert got["blocking"] == want.blocking and {"RUS", "CHN"} <= set(got["blocking"])
    assert got["veto_players"] == want.veto_players
    assert got["stages"][0]["lines"] == want.stages[0].lines  # the arithmetic, shown


def test_what_if_toggles_change_nato(client, case):
    base = client.get("/api/v1/membership/outcome", params={"body": "nato", "date": DAY}).json()
    what = client.get("/api/v1/membership/outcome", params={"body": "nato", "date": DAY, "recognize": FIVE}).json()
    want = outcome(case, "nato", DAY, scenario=_five())
    assert what["scenario"] == "what-if"
    assert what["passed"] == want.passed and what["blocking"] == want.blocking
    assert base["blocking"] and set(base["blocking"]) - set(what["blocking"])  # some blockers are gone
    # repeated parameters mean the same as a comma list
    rep = client.get("/api/v1/membership/outcome",
                     params=[("body", "nato"), ("date", DAY)] + [("recognize", s) for s in FIVE.split(",")]).json()
    assert rep == what


def test_what_if_abstain_and_serbia(client, case):
    got = client.get("/api/v1/membership/outcome",
                     params={"body": "un", "date": DAY, "abstain": "RUS,CHN", "objector_drops": "true"}).json()
    scen = Scenario(name="what-if", changes=[Change(action="set_vote", state="RUS", vote="abstain"),
                                             Change(action="set_vote", state="CHN", vote="abstain"),
                                             Change(action="objector_drops_objection")])
    want = outcome(case, "un", DAY, scenario=scen)
    assert got["passed"] == want.passed and got["blocking"] == want.blocking
    assert "RUS" not in got["blocking"]


def test_admission_matches_library(client, case):
    got = client.get("/api/v1/membership/admission", params={"body": "unesco", "date": "2015-11-09"}).json()
    want = admission_probability(case, "unesco", "2015-11-09")
    assert got["probability"] == pytest.approx(want.probability, rel=1e-12)
    last = [s for s in got["stages"] if s["modelled"]][-1]
    assert sum(last["yes_distribution"]) == pytest.approx(1.0, abs=1e-9)


def test_compare_and_csv(client, case):
    got = client.get("/api/v1/membership/compare", params={"date": DAY, "recognize": FIVE}).json()
    want = compare(case, _five(), DAY)
    assert [r["body"] for r in got["rows"]] == list(want["body"])
    assert [r["scenario_passed"] for r in got["rows"]] == list(want["scenario_passed"])
    r = client.get("/api/v1/membership/compare", params={"date": DAY, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(r.text)))) == len(want)


def test_power_by_type_sums_to_one(client, case):
    got = client.get("/api/v1/membership/power", params={"body": "un", "date": DAY, "by_type": "true"}).json()
    want = body_power(case, "un", DAY, by_type=True)
    assert [r["type"] for r in got["rows"]] == list(want["type"])
    total = sum(r["players"] * Fraction(r["shapley_shubik_exact"]) for r in got["rows"])
    assert total == 1


def test_series_csv(client, case):
    r = client.get("/api/v1/membership/series", params={"body": "un", "format": "csv"})
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows[0]["date"] == "2008-02-17" and rows[0]["body"] == "un"
    assert all(0.0 <= float(x["probability"]) <= 1.0 for x in rows)


def test_recognitions_counts_both_positions(client, case):
    got = client.get("/api/v1/recognitions", params={"date": "2020-01-01", "position": "serbia"}).json()
    assert got["counts"]["kosovo"] == world(case, "2020-01-01", position="kosovo").recognizer_count()
    assert got["counts"]["serbia"] == world(case, "2020-01-01", position="serbia").recognizer_count()
    assert got["counts"]["serbia"] < got["counts"]["kosovo"]  # Serbia claims withdrawals before 2020
    want = recognitions(case, "2020-01-01", position="serbia")
    assert [r["iso3"] for r in got["rows"]] == list(want["iso3"])
    assert [r["status"] for r in got["rows"]] == list(want["status"])
    assert got["date"] == "2020-01-01" and got["position"] == "serbia"


def test_recognitions_csv(client):
    r = client.get("/api/v1/recognitions", params={"date": "2012-01-01", "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "iso3" in r.text.splitlines()[0]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"body": "un", "recognize": "ZZZ"}, "recognize"),
        ({"body": "un", "recognize": "ES"}, "recognize"),
        ({"body": "un", "abstain": "<script>"}, "abstain"),
        ({"body": "un", "withdraw": "ESP;DROP"}, "withdraw"),
        ({"body": "un", "position": "neutral"}, "position"),
        ({"body": "un", "date": "2024-02-30"}, "date"),
        ({"body": "un", "date": "June 2024"}, "date"),
        ({"body": "un", "objector_drops": "maybe"}, "objector_drops"),
        ({"body": "<b>"}, "body"),
        ({}, "body"),
    ],
)
def test_membership_422_names_the_field(client, params, field):
    r = client.get("/api/v1/membership/outcome", params=params)
    assert r.status_code == 422, (params, r.status_code, r.text[:200])
    assert field in r.json()["detail"]
    assert "<script>" not in r.text


def test_unknown_body_is_404(client):
    r = client.get("/api/v1/membership/outcome", params={"body": "nowhere"})
    assert r.status_code == 404 and "Known bodies" in r.json()["detail"]


def test_recognition_sources_are_listed(client, case):
    page = client.get("/sources").text
    data = membership_data(case)
    for sid in list(data.sources)[:10]:
        assert f'id="src-{sid}"' in page
    listed = client.get("/api/v1/membership/sources").json()
    assert listed["total"] == len(data.sources)


def test_membership_page_shows_library_values(client, case):
    r = client.get("/membership", params={"body": "nato", "date": DAY, "recognize": FIVE})
    assert r.status_code == 200
    base = outcome(case, "nato", DAY)
    for iso in base.blocking:  # a toggle per blocker, the five ticked
        assert f'value="{iso}"' in r.text
    assert 'id="outcome-scenario"' in r.text and 'id="whatif-change"' in r.text


def test_map_page_without_membership_data(mini_client):
    r = mini_client.get("/map")
    assert r.status_code == 200 and "no recognition data" in r.text
    r = mini_client.get("/membership")
    assert r.status_code == 200 and "no membership data" in r.text


def test_admission_api_labels_consensus_stages(client, case):
    got = client.get("/api/v1/membership/admission", params={"body": "nato", "date": DAY, "recognize": FIVE}).json()
    want = admission_probability(case, "nato", DAY, scenario=_five())
    assert got["probability"] == want.probability == 1.0
    assert got["basis"] == "declared_positions" and got["label"] == want.label
    assert [s["procedure"] for s in got["stages"]] == ["consensus", "ratification"]
    assert all(s["label"] == "follows declared positions; not a ballot" for s in got["stages"])
    uni = client.get("/api/v1/membership/admission", params={"body": "unesco", "date": "2015-11-09"}).json()
    assert uni["basis"] == "vote_model" and "recorded vote" in uni["label"]


def test_membership_page_shows_procedures_and_basis(client, case):
    r = client.get("/membership", params={"body": "nato", "date": DAY})
    assert r.status_code == 200
    assert 'id="procedure-invitation"' in r.text and 'data-procedure="consensus"' in r.text
    assert 'data-basis="declared_positions"' in r.text
    assert "follows declared positions; not a ballot" in r.text
    assert 'href="/sources#src-nato-consensus-decision-making"' in r.text
    r = client.get("/membership", params={"body": "interpol", "date": "2018-11-20"})
    assert 'data-procedure="secret_ballot"' in r.text and ">not verified<" in r.text
    rows = client.get("/api/v1/membership/compare", params={"date": DAY}).json()["rows"]
    assert {r["body"]: r["probability_basis"] for r in rows}["osce"] == "declared_positions"


def test_membership_page_shows_power_as_decimals(client):
    # the exact fractions (up to 60 digits for the UN) stay in the tooltip and the download
    html = client.get("/membership", params={"body": "un", "date": DAY}).text
    table = html.split('id="power-types"')[1].split("</table>")[0]
    assert "0.174" in table and 'title="exactly ' in table and "<code" not in table
