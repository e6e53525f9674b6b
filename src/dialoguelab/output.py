"""Printing library results for the CLI: Rich tables, JSON, CSV and Parquet.

Shared by every command so that ``--json``, ``--csv`` and ``--parquet`` mean the same everywhere.
"""

from __future__ import annotations

__all__ = ["emit_table", "emit_json", "to_jsonable", "console", "err_console"]

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from dialoguelab.jsonable import to_jsonable

console = Console()
err_console = Console(stderr=True)


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2) + "\n")


def _cell(v: Any, width: int) -> str:
    v = to_jsonable(v)
    if v is None:
        return ""
    if isinstance(v, list):
        s = ", ".join(str(x) for x in v)
    else:
        s = str(v)
    return s if len(s) <= width else s[: width - 1] + "…"


def emit_table(
    df: pd.DataFrame,
    *,
    title: str | None = None,
    as_json: bool = False,
    as_csv: bool = False,
    parquet: Path | None = None,
    columns: Sequence[str] | None = None,
    width: int = 80,
) -> None:
    """Print a DataFrame as a Rich table, or as JSON/CSV on stdout, or write Parquet."""
    if parquet is not None:
        parquet.parent.mkdir(parents=True, exist_ok=True)
        df.to_parquet(parquet, index=False)
        err_console.print(f"wrote {len(df)} rows to {parquet}")
        return
    if as_json:
        emit_json(df)
        return
    if as_csv:
        flat = df.copy()
        for col in flat.columns:
            flat[col] = flat[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, list | tuple) else v)
        flat.to_csv(sys.stdout, index=False)
        return
    shown = df[list(columns)] if columns else df
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in shown.columns:
        table.add_column(str(col), overflow="fold")
    for row in shown.itertuples(index=False):
        table.add_row(*(_cell(v, width) for v in row))
    console.print(table)
    if title is not None:
        console.print(f"[dim]{len(df)} row(s)[/dim]")
