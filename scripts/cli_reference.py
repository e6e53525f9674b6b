"""Write docs/cli.md from the CLI's own --help texts, so the reference cannot drift.

Run: python scripts/cli_reference.py  (tests/test_docs.py fails when a command is missing from it)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ["COLUMNS"] = "100"
os.environ["NO_COLOR"] = "1"
os.environ["TERM"] = "dumb"

from typer.main import get_command  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from dialoguelab.cli import app  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def render() -> str:
    group = get_command(app)
    runner = CliRunner()
    parts = [
        "# CLI reference",
        "",
        "Generated from each command's `--help` by `python scripts/cli_reference.py`; do not edit by hand.",
        "Every command that lists rows takes `--json` and `--csv` (most also `--parquet`; one at a time),",
        "and every command that reads a case takes `--case DIR` (a folder or an installed case's name), or once",
        "before the command for all: `dialoguelab --case palestine blockers --org UN`.",
        "Tables fit the terminal's width (`$COLUMNS`, else the terminal's, else 80): the most useful columns",
        "first, more as the width allows, words and ids never cut; `--json` and `--csv` carry every field.",
        "",
    ]
    for name in sorted(group.commands):  # type: ignore[attr-defined]
        text = runner.invoke(app, [name, "--help"], terminal_width=100).output.rstrip()
        parts += [f"## dialoguelab {name}", "", "```", text, "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {OUT}\n")
