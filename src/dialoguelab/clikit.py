"""What every CLI module shares: the error exit, loading a case, JSON output, common options.

The main CLI (:mod:`dialoguelab.cli`) and each area's ``cli.py`` import these, so that an error
looks the same from every command: ``Error: <message>`` on stderr, exit code 1.

Nothing here imports the case loader, pandas or numpy at import time: ``dialoguelab --help`` loads
only Typer, Rich and the CLI modules. Commands import what they use inside their bodies.
"""

from __future__ import annotations

__all__ = [
    "CASE_HELP",
    "CaseOpt",
    "JsonOpt",
    "CsvOpt",
    "ParquetOpt",
    "fail",
    "load",
    "one_format",
    "run_or_exit",
    "print_json",
]

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.markup import escape

from dialoguelab.errors import DialoguelabError
from dialoguelab.output import err_console

if TYPE_CHECKING:
    from dialoguelab.case import Case

T = TypeVar("T")

CASE_HELP = "A case folder, or the name of an installed case (default: the built-in default case)."
CaseOpt = Annotated[Path | None, typer.Option("--case", help=CASE_HELP, show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")]
ParquetOpt = Annotated[Path | None, typer.Option("--parquet", help="Write the table to this Parquet file.")]


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``Error: message`` on stderr (markup-safe: ``[field]`` names survive) and exit with ``code``."""
    err_console().print(f"[bold red]Error:[/bold red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def one_format(as_json: bool, as_csv: bool, parquet: Path | None = None) -> None:
    """Refuse conflicting output options before any work (exit code 2, as for usage errors)."""
    if sum([as_json, as_csv, parquet is not None]) > 1:
        fail("Use just one of --json, --csv or --parquet.", 2)


def run_or_exit(fn: Callable[[], T]) -> T:
    """Call ``fn``; a library error becomes ``Error: …`` and exit code 1."""
    try:
        return fn()
    except DialoguelabError as exc:
        fail(str(exc))


_ROOT_CASE: list[Path | None] = [None]


def set_root_case(case: Path | None) -> None:
    """Remember ``dialoguelab --case X`` (before the command): the case of every command not given its own.

    The root command sets it for one invocation and clears it when the invocation closes.
    """
    _ROOT_CASE[0] = case


def chosen_case(case: Path | str | None) -> Path | str | None:
    """The command's own ``--case``, else the one given before the command, else ``None`` (the default case)."""
    return case if case is not None else _ROOT_CASE[0]


def load(case: Path | str | None) -> Case:
    """Load a case (a folder or an installed case's name) for a command; library errors exit cleanly."""
    from dialoguelab.case import load_case

    picked = chosen_case(case)
    return run_or_exit(lambda: load_case(str(picked) if picked is not None else None))


def print_json(obj: Any) -> None:
    """Print ``obj`` as indented JSON (non-JSON values as text)."""
    typer.echo(json.dumps(obj, indent=2, default=str, ensure_ascii=False))
