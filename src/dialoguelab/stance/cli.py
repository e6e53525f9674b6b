"""CLI commands of stance dynamics and findings: ``stance``, ``changepoints``, ``findings``, ``report``.

Each command calls one library function and only formats its result (STYLE.md §1).
"""

from __future__ import annotations

__all__ = ["register"]

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from dialoguelab.clikit import CaseOpt, CsvOpt, JsonOpt, ParquetOpt, fail, load, one_format
from dialoguelab.errors import DialoguelabError
from dialoguelab.output import Column, emit_json, emit_table, stdout

_SERIES_COLUMNS = [
    Column("label", header="period", kind="id"),
    Column("n", header="events", kind="int"),
    Column("mean", kind="signed"),
    Column("lo", header="95% low", kind="signed"),
    Column("hi", header="95% high", kind="signed"),
    Column("sparse", kind="bool", priority=1),
    Column("events", header="event ids", kind="ids", priority=2, min_width=30),
]
_CHANGEPOINT_COLUMNS = [
    Column("series", kind="id"),
    Column("change_points", header="change points"),
    Column("precision", kind="float"),
    Column("recall", kind="float"),
    Column("filled_years", header="filled years", kind="int", priority=1),
]
_FINDING_COLUMNS = [
    Column("number", header="#", kind="int"),
    Column("title", above="id", min_width=24),
    Column("status", kind="id"),
    Column("figure", priority=1, min_width=24),
    Column("evidence", header="events", kind="int", priority=2, value=lambda r: len(r["evidence"])),
]

_STATUS_STYLE = {
    "supported": "bold green",
    "partly supported": "bold cyan",
    "contested": "bold yellow",
    "not computable": "bold blue",
}


_fail = fail
_load = load


def register(app: typer.Typer) -> None:
    """Add the stance and findings commands to the main app."""

    @app.command("stance")
    def stance_cmd(
        series: Annotated[
            str,
            typer.Option(
                "--series",
                "-s",
                help="russia-process, russia-west, russia-west-other or serbia-alignment.",
            ),
        ] = "russia-process",
        window: Annotated[
            int, typer.Option("--window", "-w", help="Window width in years (1 = by year).")
        ] = 1,
        scale: Annotated[
            str, typer.Option("--scale", help="Scoring table: goldstein or plover.")
        ] = "goldstein",
        case: CaseOpt = None,
        as_json: JsonOpt = False,
        as_csv: CsvOpt = False,
        parquet: ParquetOpt = None,
    ) -> None:
        """A stance series by year or window: events, mean score, bootstrap interval, sparse flag.

        Scores run from -10 (conflict) to +10 (cooperation); see docs/stance-and-findings.md.

        Examples:
          [bold]dialoguelab stance --series russia-process[/bold]
          [bold]dialoguelab stance --series serbia-alignment --window 5 --json[/bold]
        """
        from dialoguelab.stance.series import stance_series

        one_format(as_json, as_csv, parquet)
        c = _load(case)
        try:
            df = stance_series(c, series, window=window, scale=scale)
        except DialoguelabError as exc:
            _fail(str(exc))
        emit_table(
            df, title=f"{series} ({scale})", as_json=as_json, as_csv=as_csv, parquet=parquet, columns=_SERIES_COLUMNS
        )

    @app.command("changepoints")
    def changepoints_cmd(
        penalty: Annotated[
            float | None, typer.Option("--penalty", help="PELT penalty (default 3 sigma^2 ln n).")
        ] = None,
        tolerance: Annotated[int, typer.Option("--tolerance", help="Years of slack when matching.")] = 1,
        case: CaseOpt = None,
        as_json: JsonOpt = False,
        as_csv: CsvOpt = False,
        parquet: ParquetOpt = None,
    ) -> None:
        """Change points of every stance series, compared with the periods the paper names.

        Examples:
          [bold]dialoguelab changepoints[/bold]
          [bold]dialoguelab changepoints --tolerance 2 --json[/bold]
        """
        from dialoguelab.stance.changepoints import changepoints

        one_format(as_json, as_csv, parquet)
        c = _load(case)
        try:
            res = changepoints(c, penalty=penalty, tolerance=tolerance)
        except DialoguelabError as exc:
            _fail(str(exc))
        if as_json:
            emit_json(res)
            return
        rows: list[dict[str, Any]] = [
            {
                "series": name,
                "change_points": s["changepoints"],
                "precision": s["agreement"]["precision"],
                "recall": s["agreement"]["recall"],
                "filled_years": len(s["filled"]),
            }
            for name, s in res["series"].items()
        ]
        o = res["overall"]
        rows.append(
            {
                "series": "all (union)",
                "change_points": o["changepoints"],
                "precision": o["precision"],
                "recall": o["recall"],
                "filled_years": None,
            }
        )
        emit_table(
            rows, title="Change points vs the paper's periods", as_csv=as_csv, parquet=parquet,
            columns=_CHANGEPOINT_COLUMNS,
        )
        if not (as_csv or parquet):
            periods = ", ".join(f"{p['label']} ({p['start']}–{p['end']})" for p in res["periods"])
            stdout.print(f"Named periods: {periods}. Match: within ±{tolerance} year(s).", style="dim", markup=False)

    @app.command("findings")
    def findings_cmd(
        number: Annotated[
            list[int] | None, typer.Option("--number", "-n", help="Only these findings.")
        ] = None,
        case: CaseOpt = None,
        date_basis: Annotated[
            str | None,
            typer.Option(
                "--date-basis",
                help="Use only events dated from these bases (paper, context, footnote, outside; comma-separated).",
            ),
        ] = None,
        scenario: Annotated[
            Path | None,
            typer.Option("--scenario", help="Membership scenario YAML: the membership checks read its world."),
        ] = None,
        as_json: JsonOpt = False,
        as_csv: CsvOpt = False,
        parquet: ParquetOpt = None,
        brief: Annotated[
            bool, typer.Option("--brief", help="A table, one row per finding, instead of the evidence.")
        ] = False,
    ) -> None:
        """The paper's eight findings: each with its status, its figure and its evidence with sources.

        Status: supported, partly supported, contested or not computable (see docs/stance-and-findings.md).

        Examples:
          [bold]dialoguelab findings[/bold]
          [bold]dialoguelab findings --number 8 --json[/bold]
          [bold]dialoguelab findings --brief[/bold]   (a table: number, title, status, figure)
          [bold]dialoguelab findings --date-basis paper,context,footnote[/bold]   (the paper's own dates only)
          [bold]dialoguelab findings -n 8 --scenario russia-recognises.yaml[/bold]   (a membership scenario file)
        """
        from dialoguelab.membership.scenarios import load_scenario
        from dialoguelab.stance.findings import evaluate_findings

        one_format(as_json, as_csv, parquet)
        c = _load(case)
        try:
            sc = load_scenario(scenario) if scenario else None
            results = evaluate_findings(
                c, only=list(number) if number else None, date_basis=date_basis, scenario=sc
            )
        except DialoguelabError as exc:
            _fail(str(exc))
        if as_json:
            emit_json([r.to_dict() for r in results])
            return
        if as_csv or parquet or brief:
            rows = [
                {
                    "number": r.number,
                    "id": r.id,
                    "title": r.title,
                    "status": r.status,
                    "figure": r.figure.text if r.figure else "",
                    "reason": r.reason,
                    "evidence": [e["id"] for e in r.evidence],
                }
                for r in results
            ]
            emit_table(rows, title="Findings", as_csv=as_csv, parquet=parquet, columns=_FINDING_COLUMNS)
            return
        for r in results:
            _print_finding(r)

    @app.command("report")
    def report_cmd(
        out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write report.html into.")],
        case: CaseOpt = None,
    ) -> None:
        """Write a self-contained HTML report (findings, stance, recognitions, admissions, timeline).

        The file works offline: its charts and their script are inside it.

        Example: [bold]dialoguelab report --out build/report[/bold]
        """
        from dialoguelab.report import write_report

        c = _load(case)
        try:
            path = write_report(c, out)
        except DialoguelabError as exc:
            _fail(str(exc))
        stdout.print(f"wrote {path}", markup=False, soft_wrap=True)


def _print_finding(r: Any) -> None:
    from rich.padding import Padding

    def para(label: str, text: str) -> None:  # wrapped between words, indented under the heading
        stdout.print(Padding(Text.assemble((f"{label}: ", "bold"), text), (0, 0, 0, 3)))

    style = _STATUS_STYLE.get(r.status, "bold")
    stdout.print(Text.assemble("\n", (f"{r.number}. {r.title}", "bold"), "  ", (r.status, style)))
    para("Claim", r.claim)
    where = f"paper line {r.locator['line']}"
    if r.conclusion:
        where += f" and {r.conclusion['line']}"
    para("Where", f"{where}; check: {r.check or 'none'}")
    if r.figure is not None:
        para("Figure", f"{r.figure.label}: {r.figure.text}")
    para("Why", r.reason)
    if r.scenario:
        para("Scenario", str(r.scenario))
    for p in r.details.get("parts", []):
        stdout.print(Padding(Text(f"[{p['status']}] {p['label']}"), (0, 0, 0, 5)))
    for u in r.details.get("untestable", []):
        stdout.print(Padding(Text(f"[untestable] {u.get('label', u.get('id'))}"), (0, 0, 0, 5)))
    stdout.print(Padding(Text.assemble(("Evidence", "bold"), f" ({len(r.evidence)} events):"), (0, 0, 0, 3)))
    for e in r.evidence:
        stdout.print(
            Padding(Text(f"{e['date']:<10} {e['id']}  [{', '.join(e['citations'])}]"), (0, 0, 0, 5)),
        )
