"""CLI commands of stance dynamics and findings: ``stance``, ``changepoints``, ``findings``, ``report``.

Each command calls one library function and only formats its result (STYLE.md §1).
"""

from __future__ import annotations

__all__ = ["register"]

from pathlib import Path
from typing import Annotated, Any

import typer

from dialoguelab.clikit import CaseOpt, JsonOpt, fail, load
from dialoguelab.errors import DialoguelabError
from dialoguelab.output import console, emit_json, emit_table

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
    ) -> None:
        """A stance series by year or window: events, mean score, bootstrap interval, sparse flag.

        Scores run from -10 (conflict) to +10 (cooperation); see docs/stance-and-findings.md.

        Examples:
          [bold]dialoguelab stance --series russia-process[/bold]
          [bold]dialoguelab stance --series serbia-alignment --window 5 --json[/bold]
        """
        from dialoguelab.stance.series import stance_series

        c = _load(case)
        try:
            df = stance_series(c, series, window=window, scale=scale)
        except DialoguelabError as exc:
            _fail(str(exc))
        if as_json:
            emit_json(df)
            return
        shown = df.copy()
        for col in ("mean", "lo", "hi"):
            shown[col] = shown[col].map(lambda v: "" if v != v else f"{v:+.2f}")
        shown["sparse"] = shown["sparse"].map(lambda v: "sparse" if v else "")
        emit_table(
            shown, title=series, columns=["label", "n", "mean", "lo", "hi", "sparse", "events"], width=60
        )

    @app.command("changepoints")
    def changepoints_cmd(
        penalty: Annotated[
            float | None, typer.Option("--penalty", help="PELT penalty (default 3 sigma^2 ln n).")
        ] = None,
        tolerance: Annotated[int, typer.Option("--tolerance", help="Years of slack when matching.")] = 1,
        case: CaseOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Change points of every stance series, compared with the periods the paper names.

        Examples:
          [bold]dialoguelab changepoints[/bold]
          [bold]dialoguelab changepoints --tolerance 2 --json[/bold]
        """
        from dialoguelab.stance.changepoints import changepoints

        c = _load(case)
        try:
            res = changepoints(c, penalty=penalty, tolerance=tolerance)
        except DialoguelabError as exc:
            _fail(str(exc))
        if as_json:
            emit_json(res)
            return
        import pandas as pd

        rows = []
        for name, s in res["series"].items():
            a = s["agreement"]
            rows.append(
                {
                    "series": name,
                    "change points": ", ".join(map(str, s["changepoints"])) or "none",
                    "precision": "" if a["precision"] is None else f"{a['precision']:.2f}",
                    "recall": "" if a["recall"] is None else f"{a['recall']:.2f}",
                    "filled years": len(s["filled"]),
                }
            )
        o = res["overall"]
        rows.append(
            {
                "series": "all (union)",
                "change points": ", ".join(map(str, o["changepoints"])) or "none",
                "precision": "" if o["precision"] is None else f"{o['precision']:.2f}",
                "recall": "" if o["recall"] is None else f"{o['recall']:.2f}",
                "filled years": "",
            }
        )
        emit_table(pd.DataFrame(rows), title="Change points vs the paper's periods")
        periods = ", ".join(f"{p['label']} ({p['start']}–{p['end']})" for p in res["periods"])
        console.print(f"[dim]Named periods: {periods}. Match: within ±{tolerance} year(s).[/dim]")

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
    ) -> None:
        """The paper's eight findings: each with its status, its figure and its evidence with sources.

        Status: supported, partly supported, contested or not computable (see docs/stance-and-findings.md).

        Examples:
          [bold]dialoguelab findings[/bold]
          [bold]dialoguelab findings --number 8 --json[/bold]
          [bold]dialoguelab findings --date-basis paper,context,footnote[/bold]   (the paper's own dates only)
          [bold]dialoguelab findings -n 8 --scenario russia-recognises.yaml[/bold]   (a membership scenario file)
        """
        from dialoguelab.membership.scenarios import load_scenario
        from dialoguelab.stance.findings import evaluate_findings

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
        console.print(f"wrote {path}")


def _print_finding(r: Any) -> None:
    style = _STATUS_STYLE.get(r.status, "bold")
    console.print(f"\n[bold]{r.number}. {r.title}[/bold]  [{style}]{r.status}[/{style}]", highlight=False)
    console.print(f"   Claim: {r.claim}", highlight=False, markup=False)
    where = f"paper line {r.locator['line']}"
    if r.conclusion:
        where += f" and {r.conclusion['line']}"
    console.print(f"   Where: {where}; check: {r.check or 'none'}", highlight=False, markup=False)
    if r.figure is not None:
        console.print(f"   Figure: {r.figure.label}: {r.figure.text}", highlight=False, markup=False)
    console.print(f"   Why: {r.reason}", highlight=False, markup=False)
    if r.scenario:
        console.print(f"   Scenario: {r.scenario}", highlight=False, markup=False)
    for p in r.details.get("parts", []):
        console.print(f"     [{p['status']}] {p['label']}", highlight=False, markup=False)
    for u in r.details.get("untestable", []):
        console.print(f"     [untestable] {u.get('label', u.get('id'))}", highlight=False, markup=False)
    console.print(f"   Evidence ({len(r.evidence)} events):", highlight=False)
    for e in r.evidence:
        console.print(
            f"     {e['date']:<10} {e['id']}  [{', '.join(e['citations'])}]", highlight=False, markup=False
        )
