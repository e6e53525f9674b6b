"""Forecast pages and API through the TestClient: the same numbers as the library, bounded parameters,
scenarios, CSV tables, and a page for a case without issues."""

from __future__ import annotations

import csv
import io

import pytest

from dialoguelab.forecast.api import forecast_issue
from dialoguelab.forecast.scenarios import Change, Scenario

RUNS = 40  # small ensembles: the numbers are compared with the library's for the same parameters


def test_issue_list_api_and_page(client, case):
    from dialoguelab.forecast import list_forecast_issues

    ids = [i["id"] for i in list_forecast_issues(case)]
    body = client.get("/api/v1/forecast/issues").json()
    assert [r["id"] for r in body["rows"]] == ids
    page = client.get("/forecast")
    assert page.status_code == 200
    for i in ids:
        assert f'href="/forecast/{i}"' in page.text
    csv_text = client.get("/api/v1/forecast/issues", params={"format": "csv"})
    assert csv_text.headers["content-type"].startswith("text/csv")
    assert [r["id"] for r in csv.DictReader(io.StringIO(csv_text.text))] == ids


def test_forecast_api_matches_the_library(client, case):
    r = client.get("/api/v1/forecast/un-membership", params={"runs": RUNS, "seed": 3})
    assert r.status_code == 200
    body = r.json()
    lib = forecast_issue(case, "un-membership", runs=RUNS, seed=3, workers=0)
    assert body["forecast"]["median"] == pytest.approx(lib.forecast_median)
    assert body["forecast"]["p_pass"] == pytest.approx(lib.ensemble.p_pass)
    assert body["judged_inputs"]["median"] == pytest.approx(lib.judged_median)
    assert [row["median"] for row in body["rounds"]] == pytest.approx(lib.result.median.tolist())
    assert [row["mc_median_q50"] for row in body["rounds"]] == pytest.approx(
        [q[2] for q in lib.ensemble.median_quantiles])
    assert sum(b["runs"] for b in body["distribution"]) == RUNS
    assert "conditional_on" in body["forecast"] and f"{RUNS} runs, seed 3" in body["forecast"]["conditional_on"]
    russia = next(a for a in body["actors"] if a["actor"] == "russia")
    assert russia["salience"]["why"] and russia["salience"]["citations"][0]["href"].startswith("/sources#src-")
    assert r.headers["x-case-version"] == case.content_hash[:12]


def test_scenario_parameters_match_a_scenario_file(client, case):
    r = client.get("/api/v1/forecast/un-membership",
                   params=[("runs", RUNS), ("salience", "russia:0.4"), ("capability", "eu:70"), ("remove", "china")])
    assert r.status_code == 200
    got = r.json()["scenario"]
    scen = Scenario(name="x", changes=[Change(actor="russia", salience={"set": 0.4}),
                                       Change(actor="eu", capability={"set": 70}),
                                       Change(actor="china", leave=True)])
    lib = forecast_issue(case, "un-membership", runs=RUNS, workers=0, scenario=scen)
    assert got["final_median"] == pytest.approx(float(lib.scenario.result.median[-1]))
    assert got["p_pass"] == pytest.approx(lib.scenario.ensemble.p_pass)
    assert got["delta_p_pass"] == pytest.approx(lib.scenario.ensemble.p_pass - lib.ensemble.p_pass)
    rows = r.json()["rounds"]
    assert all(row["delta_median"] == pytest.approx(row["scenario_median"] - row["median"]) for row in rows)


@pytest.mark.parametrize(("params", "field"), [
    ({"runs": 2001}, "runs"),
    ({"runs": -1}, "runs"),
    ({"rounds": 0}, "rounds"),
    ({"rounds": 51}, "rounds"),
    ({"mode": "exact"}, "mode"),
    ({"seed": -5}, "seed"),
    ({"salience": "russia=0.4"}, "salience.0"),
    ({"capability": "eu:lots"}, "capability.0"),
    ({"remove": "China!"}, "remove.0"),
    ({"format": "xml"}, "format"),
    ({"table": "everything"}, "table"),
])
def test_bad_parameters_are_422_naming_the_field(client, params, field):
    r = client.get("/api/v1/forecast/un-membership", params=params)
    assert r.status_code == 422, r.text
    body = r.json()
    assert field in {e["field"] for e in body["errors"]}
    assert field.split(".")[0] in body["detail"]


@pytest.mark.parametrize(("params", "words"), [
    ({"salience": "russia:1.5"}, ["'salience'", "[0, 1]"]),
    ({"salience": "putin:0.5"}, ["'salience'", "putin", "kosovo"]),
    ({"remove": "nobody"}, ["'remove'", "nobody"]),
])
def test_scenario_values_out_of_range_or_unknown_are_422(client, params, words):
    r = client.get("/api/v1/forecast/un-membership", params={"runs": 0, **params})
    assert r.status_code == 422
    for w in words:
        assert w in r.json()["detail"]


def test_unknown_issue_is_404_listing_the_issues(client):
    r = client.get("/api/v1/forecast/nope")
    assert r.status_code == 404 and "un-membership" in r.json()["detail"]
    page = client.get("/forecast/nope")
    assert page.status_code == 404 and "un-membership" in page.text


@pytest.mark.parametrize("table", ["rounds", "actors", "outcomes"])
def test_csv_tables(client, table):
    r = client.get("/api/v1/forecast/eu-path", params={"runs": RUNS, "format": "csv", "table": table})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    expected = {"rounds": 11, "actors": 14, "outcomes": 20}[table]
    assert len(rows) == expected


def test_issue_page_shows_forecast_conditions_and_sources(client, case):
    r = client.get("/forecast/un-membership", params={"runs": RUNS})
    assert r.status_code == 200
    lib = forecast_issue(case, "un-membership", runs=RUNS, workers=0)
    text = r.text
    assert f'id="forecast-median">{lib.forecast_median:.2f}<' in text
    assert f'id="p-pass">{lib.ensemble.p_pass:.3f}<' in text
    assert "Conditional on: given the issue&#39;s judged inputs perturbed at random" in text
    assert 'href="/sources#src-fn-89"' in text
    assert 'id="actor-russia"' in text


def test_a_case_without_issues_says_so(mini_client):
    page = mini_client.get("/forecast")
    assert page.status_code == 200
    assert 'id="forecast-unavailable"' in page.text and "no negotiation issues" in page.text
    assert mini_client.get("/api/v1/forecast/issues").json()["rows"] == []
    assert mini_client.get("/api/v1/forecast/anything").status_code == 404


def test_nav_has_the_forecast_page(client):
    assert 'href="/forecast"' in client.get("/").text
