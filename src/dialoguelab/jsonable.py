"""Plain JSON-ready values from what the library returns: DataFrames, numpy values, dates, fractions, models.

Shared by every surface that serialises results (the CLI's ``--json``, the JSON API, the HTML report,
exports), so a value prints the same everywhere.
"""

from __future__ import annotations

__all__ = ["to_jsonable"]

import datetime as dt
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


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
