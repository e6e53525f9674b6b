"""Turn library results (DataFrames, models, plain objects) into JSON, CSV and template rows.

No computation happens here: values are only converted to what JSON, CSV and Jinja can show.
"""

from __future__ import annotations

__all__ = ["jsonable", "frame_records", "table_payload", "csv_response", "wants_csv"]

import csv
import datetime as dt
import io
import math
from collections.abc import Mapping
from enum import Enum
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from fastapi.responses import Response
from pydantic import BaseModel

from dialoguelab.case.dates import PartialDate


def jsonable(value: Any) -> Any:
    """A JSON-ready copy of ``value`` (dates as ISO strings, NaN as ``None``, Fractions as floats).

    >>> jsonable({"a": float("nan"), "b": [PartialDate.parse("1999-06")]})
    {'a': None, 'b': ['1999-06']}
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):  # beyond 2**53 a JSON reader in a browser would round it: keep it exact
        return value if abs(value) <= 2**53 else str(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, BaseModel):
        return jsonable(value.model_dump(mode="json"))
    if isinstance(value, pd.DataFrame):
        return frame_records(value)
    if isinstance(value, pd.Series):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if value is pd.NaT or value is pd.NA:
        return None
    if hasattr(value, "__dataclass_fields__"):
        return {k: jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return str(value)


def frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``df`` as JSON-ready dicts (column order kept)."""
    cols = [str(c) for c in df.columns]
    return [
        {c: jsonable(v) for c, v in zip(cols, row, strict=True)}
        for row in df.itertuples(index=False, name=None)
    ]


def table_payload(df: pd.DataFrame, *, limit: int | None = None, **extra: Any) -> dict[str, Any]:
    """``{"columns", "rows", "total", "returned", "truncated"}`` for a table route.

    ``limit`` caps the rows returned; ``total`` is the number of rows before the cap.
    """
    total = len(df)
    shown = df if limit is None else df.head(limit)
    payload: dict[str, Any] = {
        "columns": [str(c) for c in df.columns],
        "rows": frame_records(shown),
        "total": total,
        "returned": len(shown),
        "truncated": len(shown) < total,
    }
    payload.update({k: jsonable(v) for k, v in extra.items()})
    return payload


def _csv_cell(value: Any) -> str:
    v = jsonable(value)
    if v is None:
        return ""
    if isinstance(v, list):
        return "; ".join(_csv_cell(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}={_csv_cell(x)}" for k, x in v.items())
    text = str(v)
    # Neutralise spreadsheet formulas (CSV injection, OWASP): prefix a quote to =, +, -, @ starts.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        text = "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_response(df: pd.DataFrame, filename: str) -> Response:
    """A ``text/csv`` download of ``df`` (lists joined with ``; ``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([str(c) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v) for v in row])
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "-_.") or "table.csv"
    return Response(
        content=buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


def wants_csv(fmt: str | None) -> bool:
    """Whether a ``format`` query parameter asks for CSV."""
    return fmt == "csv"
