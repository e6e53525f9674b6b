"""What every CLI module shares: the error exit, loading a case, JSON output, common options.

The main CLI (:mod:`dialoguelab.cli`) and each area's ``cli.py`` import these, so that an error
looks the same from every command: ``Error: <message>`` on stderr, exit code 1.
"""

from __future__ import annotations

__all__ = ["CaseOpt", "JsonOpt", "CsvOpt", "ParquetOpt", "fail", "load", "run_or_exit", "print_json"]

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.markup import escape

from dialoguelab.case import Case, load_case
from dialoguelab.errors import DialoguelabError
from dialoguelab.output import err_console

T = TypeVar("T")

CaseOpt = Annotated[
    Path | None,
    typer.Option("--case", help="Case folder (default: the built-in Kosovo case).", show_default=False),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")]
ParquetOpt = Annotated[Path | None, typer.Option("--parquet", help="Write the table to this Parquet file.")]


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``Error: message`` on stderr (markup-safe: ``[field]`` names survive) and exit with ``code``."""
    err_console.print(f"[bold red]Error:[/bold red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def run_or_exit(fn: Callable[[], T]) -> T:
    """Call ``fn``; a library error becomes ``Error: …`` and exit code 1."""
    try:
        return fn()
    except DialoguelabError as exc:
        fail(str(exc))


def load(case: Path | None) -> Case:
    """Load a case for a command, turning library errors into a clean exit."""
    return run_or_exit(lambda: load_case(case))


def print_json(obj: Any) -> None:
    """Print ``obj`` as indented JSON (non-JSON values as text)."""
    typer.echo(json.dumps(obj, indent=2, default=str, ensure_ascii=False))
