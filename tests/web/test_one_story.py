"""One story across surfaces: each body's headline answer is the same in the library, the JSON API, the
overview and membership pages, the HTML report and the CLI's --json output.

A body gets two answers, never mixed up: the outcome if every member votes as its recognition and declared
stance say (``passed``), and the probability of admission under the vote model (``probability``), which
says what it is conditional on.
"""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest
from typer.testing import CliRunner

from dialoguelab.case import load_case
from dialoguelab.cli import app as cli_app
from dialoguelab.membership.views import (
    OUTCOME_TITLE,
    PROBABILITY_TITLE,
    body_headlines,
    outcome_word,
    probability_condition,
    toggle_effects,
)
from dialoguelab.output import percent

CASES = ["kosovo", "palestine"]


def _rows(html: str, row_pattern: str) -> dict[str, dict[str, str]]:
    """Per body: the outcome word, its data-passed flag and the probability text of a table row."""
    out = {}
    for m in re.finditer(row_pattern, html, flags=re.S):
        body, row = m.group(1), m.group(2)
        passed = re.search(r'class="outcome" data-passed="(true|false)"', row).group(1)
        word = re.search(r'class="outcome[^"]*"[^>]*>\s*(?:<strong[^>]*>)?([a-z ]+)<', row).group(1).strip()
        prob = re.search(r'class="[^"]*probability" data-value="([^"]+)">([^<]+)<', row)
        text = htmllib.unescape(prob.group(2)).strip()
        out[body] = {"passed": passed, "word": word, "value": prob.group(1), "text": text}
    return out


@pytest.fixture(scope="module", params=CASES)
def story(request):
    case = load_case(request.param)
    return request.param, case, body_headlines(case)


def test_library_api_pages_report_and_cli_agree(story, client):
    from dialoguelab.report import render_report

    case_id, case, lib = story
    want = {b["body"]: b for b in lib}
    assert want

    api = client.get("/api/v1/membership/headlines", params={"case": case_id}).json()
    assert api["titles"] == {"outcome": OUTCOME_TITLE, "probability": PROBABILITY_TITLE}
    assert api["condition"] == probability_condition(case)
    assert {b["body"]: (b["passed"], b["probability"], b["why"]) for b in api["bodies"]} == {
        k: (b["passed"], b["probability"], b["why"]) for k, b in want.items()}

    overview = client.get("/", params={"case": case_id}).text
    membership = client.get("/membership", params={"case": case_id}).text
    report = render_report(case)
    row = r'<tr data-body="([a-z-]+)">(.*?)</tr>'
    surfaces = {
        "overview": _rows(overview, row),
        "membership": _rows(membership[membership.index('id="compare-table"'):], row),
        "report": _rows(report, r'<tr class="admission" data-body="([a-z-]+)">(.*?)</tr>'),
    }
    for name, html in (("overview", overview), ("membership", membership), ("report", report)):
        assert OUTCOME_TITLE in html and PROBABILITY_TITLE.lower() in html.lower(), name
        assert probability_condition(case)["sentence"] in htmllib.unescape(html), name  # what it is conditional on
    for name, rows in surfaces.items():
        assert set(rows) == set(want), name
        for body, b in want.items():
            got = rows[body]
            assert got["passed"] == ("true" if b["passed"] else "false"), (name, body)
            assert got["word"] == outcome_word(b["passed"]), (name, body)
            assert float(got["value"]) == pytest.approx(b["probability"], abs=1e-12), (name, body)
            assert got["text"] == percent(b["probability"]), (name, body)

    runner = CliRunner()
    for body, b in want.items():
        r = runner.invoke(cli_app, ["blockers", "--org", body, "--case", case_id, "--json"])
        assert r.exit_code == 0, r.output
        assert json.loads(r.output)["passed"] is b["passed"]
        r = runner.invoke(cli_app, ["admission", "--org", body, "--case", case_id, "--json"])
        assert r.exit_code == 0, r.output
        assert json.loads(r.output)["probability"] == pytest.approx(b["probability"], abs=1e-12)
    text = runner.invoke(cli_app, ["admission", "--org", lib[0]["body"], "--case", case_id]).output
    assert percent(lib[0]["probability"]) in text
    assert probability_condition(case)["calibration"] in " ".join(text.split())
    text = runner.invoke(cli_app, ["blockers", "--org", lib[0]["body"], "--case", case_id]).output
    assert f"{OUTCOME_TITLE.lower()}: {outcome_word(lib[0]['passed'])}" in " ".join(text.split())


def test_a_body_can_pass_on_declared_positions_and_be_uncertain_under_the_vote_model():
    """The case the two columns exist for: the Council of Europe passes on declared positions in the
    Kosovo case while the vote model gives it a probability, not a certainty; neither may stand in for the
    other. (The class model gave it 0.0085 although the Committee of Ministers forwarded the application
    33-7-5 in 2023; the per-state model, fitted on that vote among others, gives it about one half.)"""
    coe = next(b for b in body_headlines(load_case("kosovo"), "2024-06-01") if b["body"] == "coe")
    assert coe["passed"] is True and 0.05 < coe["probability"] < 0.95
    assert coe["outcome"] == "would pass"


def test_the_condition_names_the_votes_the_model_rests_on():
    # both cases' applicants have recorded admission votes; the per-state model is fitted on them
    cond = probability_condition(load_case("palestine"))
    assert cond["calibrated"] and "unsc-2024-04-18-palestine" in [v["id"] for v in cond["votes"]]
    assert "calibrated state by state" in cond["sentence"]
    cond = probability_condition(load_case("kosovo"))
    assert cond["calibrated"] and "unesco-gc-2015-11-09" in [v["id"] for v in cond["votes"]]
    assert "coe-cm-2023-04-24" in [v["id"] for v in cond["votes"]]


@pytest.mark.parametrize("case_id, body", [("kosovo", "un"), ("kosovo", "nato"), ("palestine", "un")])
def test_every_toggle_says_what_it_changes_or_why_it_cannot(client, case_id, body):
    effects = toggle_effects(load_case(case_id), body)
    assert effects
    html = htmllib.unescape(client.get("/membership", params={"case": case_id, "body": body}).text)
    for e in effects:
        assert e["label"] in html
        assert e["reason"][1:] in html
        assert e["reason"].startswith("changes the outcome" if e["changes_outcome"] else "does not change the outcome")


def test_recognition_cannot_move_a_declared_opponent_and_the_page_says_why(client):
    effects = {e["label"]: e for e in toggle_effects(load_case("kosovo"), "un")}
    russia = effects["Russia recognises"]
    assert not russia["changes_outcome"] and "declared stance" in russia["reason"]
    html = client.get("/membership", params={"body": "un", "recognize": "RUS"}).text
    assert re.search(r'id="whatif-why">unchanged: blocked by China, Russia', html)


def test_the_un_power_table_counts_members_and_seats_apart(client):
    html = client.get("/membership", params={"body": "un"}).text
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "193 players : the 193 member states, 10 of whom hold the 10 unnamed seats" in text
    assert "Every member state (193) and every unnamed seat (10)" in text
    assert "Every member (203)" not in text
    # decimals on the page; the exact fractions only in tooltips and the download
    assert not re.search(r"\d{12,}/\d{12,}", text)
    assert re.search(r'title="exactly \d+/\d+"', html)
    csv = client.get("/api/v1/membership/power", params={"body": "un", "format": "csv"}).text
    assert re.search(r"\d{12,}/\d{12,}", csv)
