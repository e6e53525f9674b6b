"""The CLI through its real entry point (Typer's CliRunner), on the mini case."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from dialoguelab.cli import app

MINI = str(Path(__file__).resolve().parent / "data" / "mini_case")
runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_every_command_has_help_with_an_example() -> None:
    group = get_command(app)
    names = sorted(group.commands)  # type: ignore[attr-defined]
    assert {"check", "timeline", "actor", "sources", "export", "schema"} <= set(names)
    for name in names:
        code, out = run(name, "--help")
        assert code == 0, name
        assert "dialoguelab " in out, f"{name} --help has no example"


def test_timeline_json_carries_sources() -> None:
    code, out = run("timeline", "--case", MINI, "--actor", "Ostgrad", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["ev-2008-02-18-suria-rejects", "ev-2009-03-03-ostia-veto-threat"]
    assert rows[0]["sources"][0]["id"] == "fn-2"
    assert rows[0]["sources"][0]["text"].startswith("Suria MFA")


def test_timeline_csv() -> None:
    code, out = run("timeline", "--case", MINI, "--type", "REJECT", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == ["ev-2008-02-17-norland-declares", "ev-2008-02-18-suria-rejects"]
    assert rows[1]["source_actors"] == "ostia; suria"


def test_timeline_by_date_basis() -> None:
    code, out = run("timeline", "--case", MINI, "--date-basis", "context", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], r["date_basis"]) for r in rows] == [("ev-2008-02-18-suria-rejects", "context")]


def test_timeline_parquet(tmp_path: Path) -> None:
    import pandas as pd

    target = tmp_path / "t.parquet"
    code, _ = run("timeline", "--case", MINI, "--parquet", str(target))
    assert code == 0
    assert len(pd.read_parquet(target)) == 4


def test_conflicting_formats_are_refused_before_work() -> None:
    code, out = run("timeline", "--case", MINI, "--json", "--csv")
    assert code == 2
    assert "Use just one of --json, --csv or --parquet" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["timeline", "--actor", "Atlantis"], "unknown actor 'Atlantis'"),
        (["timeline", "--from", "2009-13"], "'date_from' parameter must be a date"),
        (["timeline", "--role", "observer"], "'role' parameter must be one of"),
        (["timeline", "--date-basis", "rumour"], "'date_basis' parameter must be one or more of"),
        (["actor", "Nobody"], "unknown actor 'Nobody'"),
        (["sources", "--status", "lost"], "'status' parameter must be one of"),
    ],
)
def test_bad_input_exits_1_with_a_clear_error(args: list[str], message: str) -> None:
    code, out = run(*args, "--case", MINI)
    assert code == 1
    assert "Error:" in out and message in " ".join(out.split())
    assert "Traceback" not in out


def test_unknown_case_folder(tmp_path: Path) -> None:
    code, out = run("summary", "--case", str(tmp_path / "missing"))
    assert code == 1 and "does not exist" in out


def test_invalid_case_lists_located_problems(mini_case_dir: Path) -> None:
    f = mini_case_dir / "actors.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("type: person", "type: alien"), encoding="utf-8")
    code, out = run("summary", "--case", str(mini_case_dir))
    assert code == 1
    assert "actors.yaml:" in out and "[type]" in out


def test_actor_profile_json() -> None:
    code, out = run("actor", "Ostgrad", "--case", MINI, "--json")
    assert code == 0
    p = json.loads(out)
    assert p["actor"]["id"] == "ostia" and len(p["events"]) == 2


def test_summary_json() -> None:
    code, out = run("summary", "--case", MINI, "--json")
    assert code == 0 and json.loads(out)["counts"]["events"] == 4
    code, out = run("summary", "--case", MINI)
    assert code == 0 and "event dates from: paper 3, context 1, footnote 0, outside 0" in out


def test_check_json_ok() -> None:
    code, out = run("check", MINI, "--json")
    assert code == 0
    d = json.loads(out)
    assert d["ok"] is True and d["locators_checked"] == 7


def test_schema_writes_files(tmp_path: Path) -> None:
    code, _ = run("schema", "--out", str(tmp_path))
    assert code == 0
    events = json.loads((tmp_path / "events.schema.json").read_text())
    assert events["type"] == "array"
    item = events["$defs"]["Event"]
    assert "PLOVER" in json.dumps(events["$defs"]["EventType"]) or "AGREE" in json.dumps(events)
    assert set(item["required"]) >= {"id", "date", "type", "summary", "locator", "citations"}


def test_export_cli(tmp_path: Path) -> None:
    code, out = run("export", str(tmp_path / "out"), "--case", MINI, "--formats", "csv")
    assert code == 0
    assert (tmp_path / "out" / "events.csv").exists() and not (tmp_path / "out" / "events.json").exists()
    code, out = run("export", str(tmp_path / "out"), "--case", MINI)
    assert code == 1 and "not empty" in out


def test_version() -> None:
    code, out = run("--version")
    assert code == 0 and out.startswith("dialoguelab ")
