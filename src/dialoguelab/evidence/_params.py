"""Validation of the parameters that the evidence queries share."""

from __future__ import annotations

__all__ = ["parse_bound", "check_limit", "check_text", "MAX_TEXT", "MAX_LIMIT"]

import datetime as dt

from dialoguelab.case.dates import PartialDate
from dialoguelab.errors import InvalidParameterError

MAX_TEXT = 200
MAX_LIMIT = 10_000


def parse_bound(name: str, value: str | int | dt.date | PartialDate | None, *, end: bool) -> dt.date | None:
    """Turn ``--from``/``--to`` into a calendar day: a year or month covers all its days."""
    if value is None or value == "":
        return None
    try:
        d = PartialDate.parse(value)  # type: ignore[arg-type]
    except ValueError as exc:
        raise InvalidParameterError(
            f"The {name!r} parameter must be a date YYYY, YYYY-MM or YYYY-MM-DD. Got {value!r} ({exc})."
        ) from None
    return d.last_day() if end else d.first_day()


def check_limit(limit: int | None) -> int | None:
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameterError(f"The 'limit' parameter must be an integer in [1, {MAX_LIMIT}]. Got {limit!r}.")
    return limit


def check_text(name: str, value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    if len(value) > MAX_TEXT:
        raise InvalidParameterError(f"The {name!r} parameter is at most {MAX_TEXT} characters. Got {len(value)}.")
    return value.strip()
