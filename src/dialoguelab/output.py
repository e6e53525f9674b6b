"""Printing library results for the CLI: Rich tables, JSON, CSV and Parquet.

Shared by every command so that ``--json``, ``--csv`` and ``--parquet`` mean the same everywhere.
"""

from __future__ import annotations

__all__ = ["emit_table", "emit_json", "to_jsonable", "console", "err_console"]

import datetime as dt
import json
import math
import sys
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)


def to_jsonable(value: Any) -> Any:
    """Convert DataFrames, numpy values, dates, Fractions and pydantic models into JSON-ready objects."""
    if isinstance(value, pd.DataFrame):
        return [to_jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return to_jsonable(value.tolist())
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | np.ndarray):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return to_jsonable(value.model_dump(mode="json", exclude_none=True))
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return (
            value.isoformat()[:10]
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime)
            else value.isoformat()
        )
    if value is pd.NaT:
        return None
    if isinstance(value, Path):
        return str(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


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
