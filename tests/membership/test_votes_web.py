"""The vote model's routes (swing, validation) against the library, and their parameter checks."""

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from dialoguelab.case import load_case
from dialoguelab.membership import validation as V
from dialoguelab.membership.swing import swing
from dialoguelab.web.app import create_app
from dialoguelab.web.config import Settings

KOSOVO = load_case()


@pytest.fixture(scope="module")
def client():
    app = create_app(Settings(warm_up=False))
    # the app answers only to its allowed Host names
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        yield c


def test_swing_route_is_the_library_answer(client):
    got = client.get("/api/v1/membership/swing", params={"body": "unesco", "date": "2015-11-09"})
    assert got.status_code == 200
    data = got.json()
    want = swing(KOSOVO, "unesco", "2015-11-09")
    assert data["probability"] == pytest.approx(want.probability, rel=1e-12)
    assert data["smallest_set"] == want.smallest_set and data["method"] == want.method
    assert data["states"][0]["iso3"] == want.states.iloc[0]["iso3"]


def test_swing_route_follows_the_toggles(client):
    base = client.get("/api/v1/membership/swing", params={"body": "coe", "date": "2024-06-01"}).json()
    five = client.get("/api/v1/membership/swing",
                      params={"body": "coe", "date": "2024-06-01", "recognize": "ESP,GRC,ROU,SVK,CYP"}).json()
    assert five["probability"] > base["probability"]
    assert five["scenario"] is not None and base["scenario"] is None


@pytest.mark.parametrize("params", [{"body": "<script>"}, {"body": "unesco", "date": "2015-13-40"}, {}])
def test_swing_route_rejects_bad_parameters(client, params):
    r = client.get("/api/v1/membership/swing", params=params)
    assert r.status_code in (400, 404, 422)


def test_validation_route_does_not_compute_unless_asked(client, monkeypatch, tmp_path):
    monkeypatch.setenv("DIALOGUELAB_CACHE", str(tmp_path))

    def boom(*a, **k):
        raise AssertionError("computed although compute=false")

    monkeypatch.setattr(V, "validate", boom)
    r = client.get("/api/v1/rollcalls/validate", params={"compute": "false"})
    assert r.status_code == 202 and r.json()["status"] == "not_computed"  # 202: never kept by the response cache


def test_validation_route_computes_once_and_keeps_it(client, monkeypatch, tmp_path):
    monkeypatch.setenv("DIALOGUELAB_CACHE", str(tmp_path))
    real = V.validate
    calls = []

    def quick(case, position=None, **kw):
        calls.append(position)
        return real(case, position)

    monkeypatch.setattr(V, "validate", quick)
    first = client.get("/api/v1/rollcalls/validate").json()
    assert first["status"] == "ready" and len(calls) == 1
    assert set(first["reliability"]) == set(V.MODELS)
    assert sum(b["n"] for b in first["reliability"]["model"]) == first["states_scored"]
    again = client.get("/api/v1/rollcalls/validate", params={"compute": "false"}).json()
    assert again == first and len(calls) == 1  # read back from disk, not recomputed


def test_the_pooled_validation_route_answers_what_the_library_and_the_cli_answer(client):
    from dialoguelab.membership.validation import validate_every_case

    r = client.get("/api/v1/rollcalls/validate/every-case")
    assert r.status_code == 200, r.text
    body = r.json()
    want = validate_every_case()
    assert body["cases"] == want.cases
    assert [row["vote"] for row in body["rows"]] == list(want.table["vote"])
    assert body["summary"]["mean_brier_model"] == pytest.approx(want.summary["mean_brier_model"])
    assert body["summary"]["mean_log_loss_rule"] == pytest.approx(want.summary["mean_log_loss_rule"])
