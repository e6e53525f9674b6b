"""CLI commands of the case format: ``check`` (validate a case folder) and ``schema`` (JSON Schemas).

Each command calls one library function and formats its result.
"""

from __future__ import annotations

__all__ = ["register"]

import json
from pathlib import Path
from typing import Annotated

import typer

from dialoguelab.clikit import CASE_HELP, JsonOpt, chosen_case, fail, one_format
from dialoguelab.errors import DialoguelabError
from dialoguelab.output import emit_csv, emit_json, stderr, stdout


def register(app: typer.Typer) -> None:
    """Add ``check`` and ``schema`` to the main app."""

    @app.command()
    def schema(
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder to write the schema files into.")] = None,
    ) -> None:
        """Write JSON Schemas of the case files, so editors can validate them.

        Example: [bold]dialoguelab schema --out schemas/[/bold]
        """
        from dialoguelab.case.jsonschema import case_json_schemas

        schemas = case_json_schemas()
        if out is None:
            emit_json(schemas)
            return
        try:
            out.mkdir(parents=True, exist_ok=True)
            for name, sch in schemas.items():
                (out / f"{name}.schema.json").write_text(json.dumps(sch, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write to {out}: {exc.strerror or exc}")
        stdout.print(f"wrote {len(schemas)} schema files to {out}", markup=False)


    @app.command()
    def check(
        case_dir: Annotated[Path | None, typer.Argument(help=CASE_HELP)] = None,
        paper: Annotated[
            Path | None, typer.Option("--paper", help="The paper's text file, to verify locators.")
        ] = None,
        as_json: JsonOpt = False,
        as_csv: Annotated[
            bool, typer.Option("--csv", help="Print the problems as CSV (file, line, field, message).")
        ] = False,
    ) -> None:
        """Validate every file and cross-reference of a case folder; exit 1 if anything is wrong.

        Each problem names the file, the line and the field. Nothing is written.

        Example: [bold]dialoguelab check path/to/case[/bold]
        """
        from dialoguelab.case import check_case

        one_format(as_json, as_csv)
        try:
            report = check_case(chosen_case(case_dir), paper)
        except DialoguelabError as exc:
            fail(str(exc))
        if as_json:
            emit_json(
                {
                    "ok": report.ok,
                    "root": str(report.root),
                    "counts": report.counts,
                    "paper": str(report.paper) if report.paper else None,
                    "locators_checked": report.locators_checked,
                    "problems": [vars(p) for p in report.problems],
                }
            )
        elif as_csv:
            emit_csv([vars(p) for p in report.problems], fields=["file", "line", "field", "message"])
        else:
            for p in report.problems:
                stderr.print(str(p), highlight=False, markup=False, soft_wrap=True)
            if report.paper is None and report.paper_expected:
                stderr.print("note: the paper's text was not found, so locators were not verified (use --paper)")
            if report.ok:
                counts = ", ".join(f"{v} {k}" for k, v in report.counts.items())
                stdout.print(f"OK: {report.root} — {counts}; {report.locators_checked} locators verified", markup=False)
            else:
                stderr.print(f"{len(report.problems)} problem(s) in {report.root}", markup=False)
        if not report.ok:
            raise typer.Exit(1)
