"""The swing and rollcalls commands through the CLI, against the library."""

import json

import typer
from typer.testing import CliRunner

from dialoguelab.case import load_case
from dialoguelab.membership import validation as V
from dialoguelab.membership.cli import register
from dialoguelab.membership.swing import swing

KOSOVO = load_case()
app = typer.Typer()
register(app)
runner = CliRunner()


def test_swing_json_is_the_library_answer():
    res = runner.invoke(app, ["swing", "--org", "UNESCO", "--on", "2015-11-09", "--json"])
    assert res.exit_code == 0, res.output
    got = json.loads(res.output)
    want = swing(KOSOVO, "UNESCO", "2015-11-09")
    assert got["probability"] == want.probability and got["smallest_set"] == want.smallest_set
    assert got["method"] in ("exact", "greedy") and got["statement"]
    assert [s["iso3"] for s in got["states"]] == list(want.states["iso3"])
    gains = [s["gain"] for s in got["states"]]
    assert gains == sorted(gains, reverse=True)
    assert "ideal-point model" in got["model_label"]


def test_swing_table_and_errors():
    res = runner.invoke(app, ["swing", "--org", "UNESCO", "--on", "2015-11-09", "--top", "3"])
    assert res.exit_code == 0 and "Smallest set" in res.output and "model:" in res.output
    bad = runner.invoke(app, ["swing", "--org", "Atlantis"])
    assert bad.exit_code == 1 and "Unknown body" in bad.output
    bad = runner.invoke(app, ["swing", "--org", "UNESCO", "--model", "oracle"])
    assert bad.exit_code == 1 and "'model'" in bad.output


def test_rollcalls_validate_prints_one_row_per_held_out_vote():
    res = runner.invoke(app, ["rollcalls", "validate", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output[res.output.index("{"):])
    folds, why = V.folds(KOSOVO)
    assert [r["vote"] for r in out["rows"]] == [r for f in folds for r in f.predict]
    row = next(r for r in out["rows"] if r["vote"] == "coe-cm-2023-04-24")
    for m in V.MODELS:
        assert {f"brier_{m}", f"log_loss_{m}", f"expected_yes_{m}", f"outcome_right_{m}"} <= set(row)
    assert set(out["unpredictable"]) == set(why)


def test_report_section_shows_every_body_from_one_call():
    from dialoguelab.membership.swing import swing_report
    from dialoguelab.report import _env

    rep = swing_report(KOSOVO, "2024-06-01")
    assert {b["body"] for b in rep["bodies"]} == set(KOSOVO.world.bodies)
    unesco = next(b for b in rep["bodies"] if b["body"] == "unesco")
    want = swing(KOSOVO, "unesco", "2024-06-01")
    assert unesco["probability"] == want.probability and unesco["statement"] == want.statement
    html = _env().get_template("_swing.html").render(swing=rep, applicant="Kosovo")
    assert html.count("<tr><td>") == len(rep["bodies"])
    assert want.statement in html and "ideal-point model" in html


def test_rollcalls_validate_every_case_pools_the_cases_and_refuses_a_case():
    res = runner.invoke(app, ["rollcalls", "validate", "--every-case", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output[res.output.index("{"):])
    assert {r["case"] for r in out["rows"]} == set(out["cases"]) and len(out["cases"]) >= 2
    assert out["summary"]["mean_brier_model"] == V.validate_every_case().summary["mean_brier_model"]
    bad = runner.invoke(app, ["rollcalls", "validate", "--every-case", "--case", "palestine"])
    assert bad.exit_code == 2 and "leave out --case" in bad.output
