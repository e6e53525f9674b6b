"""The ``dialoguelab`` command line: thin commands over the library.

Each command loads the case, calls one library function and prints its result. Library errors
are printed as ``Error: …`` with exit code 1 (2 for usage errors, as Typer does).

Building the app imports each area's ``cli`` module but no engine: the packages re-export lazily
(:mod:`dialoguelab.lazy`) and commands import the library inside their bodies, so ``--help`` and
``--version`` load only Typer, Rich and the CLI modules (``tests/test_cli.py`` checks it).
"""

from __future__ import annotations

__all__ = ["app", "main", "case_option", "load", "fail"]

import importlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from dialoguelab import __version__
from dialoguelab.clikit import CaseOpt, fail, load, set_root_case
from dialoguelab.errors import CaseValidationError, DialoguelabError
from dialoguelab.output import console, err_console

app = typer.Typer(
    name="dialoguelab",
    help="Evidence-backed models of a policy study: the built-in cases or any case folder in the same format.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

case_option = CaseOpt


def _version(value: bool) -> None:
    if value:
        console().print(f"dialoguelab {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    case: Annotated[
        Path | None,
        typer.Option(
            "--case",
            help="The case every command works on (a folder or an installed case's name; a command's own "
            "--case wins). Example: dialoguelab --case palestine blockers --org UN",
            show_default=False,
        ),
    ] = None,
) -> None:
    """dialoguelab: what happened, who can block what, and where the negotiation is heading, with sources."""
    set_root_case(case)
    ctx.call_on_close(lambda: set_root_case(None))  # nothing outlives the invocation (tests run many in one process)


# Areas plug their commands in here; each module has register(app).
_AREAS = (
    "dialoguelab.case.cli",
    "dialoguelab.evidence.cli",
    "dialoguelab.membership.cli",
    "dialoguelab.forecast.cli",
    "dialoguelab.stance.cli",
    "dialoguelab.ingest.cli",
    "dialoguelab.web.cli",
)
for _mod in _AREAS:
    try:
        _m = importlib.import_module(_mod)
    except ModuleNotFoundError as _exc:  # an area not present in this build
        if _exc.name is None or not _mod.startswith(_exc.name):
            raise
        continue
    _m.register(app)


def main() -> None:
    """Entry point of the ``dialoguelab`` script."""
    try:
        app()
    except CaseValidationError as exc:
        err_console().print(f"Error: {exc}", highlight=False, markup=False)
        sys.exit(1)
    except DialoguelabError as exc:
        err_console().print(f"Error: {exc}", highlight=False, markup=False)
        sys.exit(1)
