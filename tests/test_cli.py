"""The CLI through its real entry point (Typer's CliRunner), on the mini case."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    assert code == 0, out
    assert (tmp_path / "out" / "events.csv").exists() and not (tmp_path / "out" / "events.json").exists()
    # the mini case has no membership/, findings.yaml or blocs.yaml: those tables are named as left out
    assert "note: recognitions left out" in out and "note: findings left out" in out
    code, out = run("export", str(tmp_path / "out"), "--case", MINI)
    assert code == 1 and "not empty" in out
    assert "--force" in out and "overwrite=True" not in out  # a CLI flag, not the Python argument
    (tmp_path / "out" / "stray.txt").write_text("old", encoding="utf-8")
    code, out = run("export", str(tmp_path / "out"), "--case", MINI, "--formats", "json", "--force")
    assert code == 0, out
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert "events.json" in names and "stray.txt" not in names and "events.csv" not in names
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left beside it


def test_export_usage_errors_come_before_any_work(tmp_path: Path) -> None:
    # an unknown format is refused before the (missing) case is even looked for
    code, out = run("export", str(tmp_path / "out"), "--case", str(tmp_path / "missing"), "--formats", "csv,xml")
    assert code == 2 and "xml" in out and "does not exist" not in out
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.csv").write_text("x\n", encoding="utf-8")
    code, out = run("export", str(tmp_path / "full"), "--case", str(tmp_path / "missing"))
    assert code == 1 and "--force" in out and "does not exist" not in out
    assert (tmp_path / "full" / "keep.csv").read_text(encoding="utf-8") == "x\n"


def test_version() -> None:
    code, out = run("--version")
    assert code == 0 and out.startswith("dialoguelab ")


# ------------------------------------------------------------------------------------ start-up

# (pydantic is not among them: Typer itself imports it to convert a subcommand's options)
HEAVY = ("pandas", "numpy", "duckdb", "scipy", "pyarrow", "networkx", "yaml")


def imported_modules(*args: str) -> set[str]:
    """The top-level modules a fresh ``dialoguelab ARGS`` process imports (from ``python -X importtime``)."""
    code = "import sys; from dialoguelab.cli import main; sys.argv = ['dialoguelab', *sys.argv[1:]]; main()"
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, *args], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["timeline", "--help"]])
def test_help_and_version_import_no_engine_library(args: list[str]) -> None:
    loaded = imported_modules(*args)
    assert "typer" in loaded and "rich" in loaded
    assert not loaded & set(HEAVY), f"dialoguelab {' '.join(args)} imports {sorted(loaded & set(HEAVY))}"


def test_a_command_that_needs_pandas_does_import_it() -> None:
    """Counterfactual for the test above: the same probe sees pandas when a command uses it."""
    loaded = imported_modules("timeline", "--case", MINI, "--csv")
    assert {"pandas", "duckdb"} <= loaded


def test_summary_needs_no_dataframes() -> None:
    loaded = imported_modules("summary", "--case", MINI)
    assert "pydantic" in loaded  # the case is read...
    assert not loaded & {"pandas", "numpy", "duckdb", "scipy"}  # ...and counted without tables


def test_building_the_app_imports_no_engine() -> None:
    code = (
        "import sys, json; import dialoguelab.cli; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('dialoguelab'))))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    mods = json.loads(proc.stdout)
    # the packages themselves (their __init__ re-exports lazily), the CLI modules and what they share
    allowed = {"case", "evidence", "membership", "forecast", "stance", "ingest", "web", "cli", "clikit", "output",
               "errors", "lazy"}
    engine = [m for m in mods if m != "dialoguelab" and not m.endswith(".cli") and m.split(".", 1)[1] not in allowed]
    assert engine == [], engine


# ------------------------------------------------------------------------------------ tables

BOX = set("─━│┃╇┡┩┏┓┗┛┳┻╋")


def words(value: Any) -> set[str]:
    """Every word of every string (and number) inside a JSON value, without trailing , or ;."""
    if isinstance(value, dict):
        return set().union(*(words(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(words(v) for v in value)) if value else set()
    if value is None:
        return set()
    return {w.strip(",;") for w in str(value).split()}


def broken_words(table_text: str, allowed: set[str]) -> list[str]:
    """Tokens of a printed table that are not whole words of the data (a word cut by wrapping)."""
    out = []
    for token in table_text.split():
        if set(token) <= BOX:
            continue
        t = token.strip(",;")
        if t in allowed or t in {"→", ""}:
            continue
        out.append(token)
    return out


def table_part(output: str) -> str:
    """The printed table without the row count under it."""
    return re.split(r"\n\d+ rows?\b", output)[0]


@pytest.mark.parametrize("width", [80, 120])
def test_timeline_fits_the_terminal_with_whole_words_and_ids(width: int) -> None:
    code, data = run("timeline", "--json")
    assert code == 0
    rows = json.loads(data)
    result = runner.invoke(app, ["timeline"], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    out = result.output
    assert max(len(line) for line in out.splitlines()) <= width
    tokens = set(out.split())
    missing = [r["id"] for r in rows if r["id"] not in tokens]
    assert missing == [], f"ids not shown whole at {width} columns: {missing[:5]}"
    from dialoguelab.evidence.cli import EVENT_COLUMNS

    allowed = words([{k: v for k, v in r.items() if k != "sources"} for r in rows])
    allowed |= words([c.label for c in EVENT_COLUMNS]) | {"Timeline"}
    assert broken_words(table_part(out), allowed) == []
    if width == 120:  # wider: who acted on whom is shown too
        assert "source → target" in out
    else:
        assert "not shown at 80 columns: source → target" in " ".join(out.split())


def test_the_broken_word_check_can_fail() -> None:
    """Counterfactual: the table as printed before (Rich folding squeezed columns) breaks words."""
    import io

    from rich.console import Console
    from rich.table import Table

    code, data = run("timeline", "--json")
    rows = json.loads(data)[:20]
    table = Table(title="Timeline")
    for col in ["date", "type", "source_actors", "target_actors", "summary", "citations"]:
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(*(", ".join(map(str, v)) if isinstance(v, list) else str(v) for v in
                        (r["date"], r["type"], r["source_actors"], r["target_actors"], r["summary"], r["citations"])))
    buf = io.StringIO()
    Console(file=buf, width=80).print(table)
    allowed = words(rows) | {"Timeline", "date", "type", "source_actors", "target_actors", "summary", "citations"}
    assert len(broken_words(buf.getvalue(), allowed)) > 10


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command", ["quotations", "sources", "actors"])
def test_evidence_listings_keep_words_and_ids_whole(command: str, width: int) -> None:
    code, data = run(command, "--json")
    assert code == 0
    rows = json.loads(data)
    result = runner.invoke(app, [command], env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    out = result.output
    assert max(len(line) for line in out.splitlines()) <= width
    assert {r["id"] for r in rows} <= set(out.split())
    from dialoguelab.output import format_value

    allowed = words(rows) | {format_value(v) for r in rows for v in r.values() if isinstance(v, bool)}
    header = table_part(out).split("\n")[:2]  # the title and the column headings
    allowed |= set(" ".join(header).split())
    bad = [t for t in broken_words(table_part(out), allowed) if not t.endswith("…")]  # … marks a cut URL
    assert bad == []


@pytest.mark.parametrize("width", [80, 120])
def test_scenario_table_has_readable_headers_and_numbers(width: int) -> None:
    scenario = Path(__file__).resolve().parents[1] / "src/dialoguelab/cases/kosovo/membership/scenarios"
    f = scenario / "russia-abstains-at-the-un.yaml"
    result = runner.invoke(app, ["scenario", str(f), "--on", "2024-06-01"], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    out = table_part(result.output)
    assert max(len(line) for line in out.splitlines()) <= width
    assert "…" not in out  # no header or number cut short
    assert "P base" in out and "P scenario" in out
    assert re.search(r"\b\d+\.\d%", out)  # probabilities as percentages
    assert not re.search(r"\d\.\d{5,}", out)  # no long fractions
    bodies = ("un", "osce", "nato", "eu", "coe", "unesco", "interpol", "who")
    assert set(bodies) <= set(out.split())
    if width == 120:
        assert "blocking (base)" in out


def test_power_by_type_shows_decimals_not_exact_fractions() -> None:
    code, out = run("power", "--org", "UN", "--by-type")
    assert code == 0
    assert "/" not in table_part(out) and "0.1748" in out  # a veto holder's Shapley-Shubik index, 4 digits
    code, out = run("power", "--org", "UN", "--by-type", "--exact", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert all("/" in r["shapley_shubik_exact"] for r in rows)  # --exact --csv carries the fractions
    code, out = run("power", "--org", "UN", "--by-type", "--exact")
    assert code == 0 and "…" not in out  # an exact fraction is shown whole or not at all


def test_summary_prints_sentences_not_a_dict() -> None:
    code, data = run("summary", "--case", MINI, "--json")
    s = json.loads(data)
    code, out = run("summary", "--case", MINI)
    assert code == 0
    assert "{" not in out and "'" not in out.replace("'s", "")
    expected = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in s["footnote_status"].items())
    assert f"footnotes: {expected}" in " ".join(out.split())


# every command, sorted into those that list rows (--json, --csv, --parquet) and those that do not
LISTING: dict[str, list[str]] = {
    "timeline": [],
    "actors": [],
    "quotations": [],
    "sources": [],
    "scenario": ["missing-scenario.yaml"],
    "series": [],
    "leverage": ["Russia"],
    "power": ["--org", "UN"],
    "recognitions": [],
    "stance": [],
    "changepoints": [],
    "findings": [],
    "forecast-issues": [],
    "ingest": ["missing-document.pdf"],
    "ingest-eval": [],
    "check": [],
}
NOT_LISTING = {
    "actor": "one actor's profile (--json)",
    "summary": "one case's counts (--json)",
    "rule": "one tally's arithmetic (--json)",
    "blockers": "one body on one day (--json)",
    "admission": "one probability with its stages (--json)",
    "forecast": "one forecast report (--json)",
    "review": "a review of candidates (--json)",
    "export": "writes files",
    "build": "prints a path",
    "report": "writes a file",
    "schema": "writes JSON Schemas",
    "serve": "runs the dashboard",
    "swing": "one body's swing analysis (--json)",
    "rollcalls": "a group: rollcalls validate (--json)",
}


def test_every_command_is_sorted_into_listing_or_not() -> None:
    names = set(get_command(app).commands)  # type: ignore[attr-defined]
    assert names - set(LISTING) - set(NOT_LISTING) == set(), "new command: add it to LISTING or NOT_LISTING"


@pytest.mark.parametrize("name", sorted(LISTING))
def test_listing_commands_print_json_and_csv_and_refuse_both(name: str) -> None:
    cmd = get_command(app).commands[name]  # type: ignore[attr-defined]
    flags = {o for p in cmd.params for o in p.opts}
    assert {"--json", "--csv"} <= flags, name
    code, out = run(name, *LISTING[name], "--json", "--csv")
    assert code == 2 and "Use just one of --json, --csv" in " ".join(out.split()), out
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["recognitions", "--on", "2020-01-01"], "iso3"),
        (["stance"], "label"),
        (["series", "--org", "UNESCO", "--start", "2015-01-01", "--end", "2015-03-01"], "probability"),
        (["forecast-issues"], "id"),
        (["findings", "--number", "2"], "status"),
        (["changepoints"], "series"),
    ],
)
def test_csv_of_listings(args: list[str], key: str) -> None:
    code, out = run(*args, "--csv")
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r[key] != "" for r in rows)


@pytest.mark.parametrize(
    "args",
    [
        ["summary"],
        ["admission", "--org", "UN", "--on", "2024-06-01"],
        ["blockers", "--org", "OSCE", "--on", "2024-06-01"],
        ["rule", "UNESCO", "--yes", "92", "--no", "50", "--abstain", "29", "--absent", "15"],
        ["findings", "--number", "7"],
        ["actor", "Lavrov"],
    ],
    ids=lambda a: a[0],
)
def test_reports_wrap_at_the_terminal_width(args: list[str]) -> None:
    result = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    if args[0] == "admission":  # probabilities as percentages, not 0.02725
        assert re.search(r"probability of admission (<0\.1|\d+(\.\d)?)%", result.output)


def test_a_case_chosen_before_the_command_applies_to_it_and_a_commands_own_case_wins() -> None:
    before = runner.invoke(app, ["--case", "palestine", "summary", "--json"])
    assert before.exit_code == 0, before.output
    assert json.loads(before.output)["id"] == "palestine"
    own = runner.invoke(app, ["--case", "palestine", "blockers", "--org", "UN", "--case", "kosovo", "--json"])
    assert own.exit_code == 0, own.output
    assert "kosovo" in json.loads(own.output)["position"]
    default = runner.invoke(app, ["summary", "--json"])
    assert json.loads(default.output)["id"] != "palestine"
    checked = runner.invoke(app, ["--case", "palestine", "check", "--json"])
    assert checked.exit_code == 0 and "palestine" in checked.output


def test_an_unknown_case_name_lists_the_installed_ones() -> None:
    result = runner.invoke(app, ["--case", "no-such-case", "summary"])
    assert result.exit_code == 1
    assert "no installed case is named 'no-such-case'" in result.output and "kosovo" in result.output


def test_a_case_chosen_before_the_command_does_not_outlive_the_invocation() -> None:
    from dialoguelab import clikit

    runner.invoke(app, ["--case", "palestine", "summary", "--json"])
    assert clikit.chosen_case(None) is None
