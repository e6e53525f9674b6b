"""The stance commands through the real Typer app, on the built-in case and on a synthetic one."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from dialoguelab.cli import app
from dialoguelab.stance.findings import STATUSES

runner = CliRunner()


def test_findings_on_the_builtin_case_each_have_status_figure_and_sourced_evidence() -> None:
    result = runner.invoke(app, ["findings", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["number"] for r in rows] == list(range(1, 9))
    for r in rows:
        assert r["status"] in STATUSES
        if r["status"] != "not computable":
            assert r["figure"] is not None and r["figure"]["text"]
        assert len(r["evidence"]) >= 3
        source_ids = {s["id"] for s in r["sources"]}
        for e in r["evidence"]:
            assert e["citations"] and set(e["citations"]) <= source_ids
    plain = runner.invoke(app, ["findings", "--number", "8"])
    assert plain.exit_code == 0 and "8. " in plain.stdout and "Evidence" in plain.stdout


def test_stance_and_changepoints_commands(make_case, steps) -> None:
    root = make_case(
        steps(),
        {
            "periods": [
                {
                    "id": "turn",
                    "label": "Turn",
                    "start": 2000,
                    "end": 2000,
                    "locator": {"line": 1, "anchor": "turn"},
                }
            ],
            "findings": [
                {
                    "id": "f1",
                    "number": 1,
                    "title": "t",
                    "claim": "c",
                    "locator": {"line": 1, "anchor": "abc"},
                    "evidence": ["ev-1990-p0", "ev-1991-p0", "ev-1992-p0"],
                }
            ],
        },
    )
    out = runner.invoke(
        app, ["stance", "--case", str(root), "--series", "russia-process", "--window", "10", "--json"]
    )
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert [r["n"] for r in rows] == [20, 20]
    cp = runner.invoke(app, ["changepoints", "--case", str(root), "--json"])
    assert json.loads(cp.stdout)["series"]["russia-process"]["changepoints"] == [2000]
    bad = runner.invoke(app, ["stance", "--case", str(root), "--series", "nope"])
    assert bad.exit_code == 1 and "Error:" in bad.output and "'series' parameter" in bad.output
