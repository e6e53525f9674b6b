"""Query parameters shared by the routes, declared once with their bounds (validated by FastAPI → 422)."""

from __future__ import annotations

__all__ = ["DATE_PATTERN", "DateParam", "TextParam", "ActorParam", "EventTypeParam", "LimitParam", "FormatParam",
           "DAY_PATTERN", "DayParam"]

from typing import Annotated, Literal

from fastapi import Query

DATE_PATTERN = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"  # empty allowed: an unused form field
DAY_PATTERN = r"^(\d{4}-\d{2}-\d{2})?$"

DateParam = Annotated[
    str | None,
    Query(max_length=10, pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD", examples=["2008-02"]),
]
DayParam = Annotated[
    str | None,
    Query(max_length=10, pattern=DAY_PATTERN, description="a day, YYYY-MM-DD (default: today)",
          examples=["2015-11-09"]),
]
TextParam = Annotated[
    str | None, Query(max_length=200, description="case-insensitive text to find", examples=["veto"])
]
ActorParam = Annotated[
    str | None,
    Query(max_length=120, description="actor id, name, alias or metonym", examples=["Moscow"]),
]
EventTypeParam = Annotated[
    str | None,
    Query(max_length=200, pattern=r"^([A-Za-z]+(,[A-Za-z]+)*)?$",
          description="PLOVER type(s), comma-separated", examples=["REJECT,THREATEN"]),
]
LimitParam = Annotated[int, Query(ge=1, le=1000, description="at most this many rows (1 to 1000)")]
FormatParam = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]
