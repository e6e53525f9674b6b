"""Dates with a precision: a day, a month or a year, as the source gives them.

A case never guesses a day it does not know: ``"1999-06"`` means "some day in June 1999"
and stays that way. Intervals (:meth:`PartialDate.first_day`, :meth:`PartialDate.last_day`)
let queries compare such dates honestly.
"""

from __future__ import annotations

__all__ = ["PartialDate", "Precision", "parse_partial_date"]

import calendar
import datetime as dt
import functools
import re
from enum import StrEnum
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema


class Precision(StrEnum):
    """How much of a date the source states."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


_PATTERN = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


class PartialDate:
    """A calendar date known to the day, the month or the year.

    Parameters
    ----------
    year, month, day : int
        ``month`` and ``day`` are ``None`` when the source does not give them.

    Examples
    --------
    >>> d = PartialDate.parse("1999-06")
    >>> d.precision.value, str(d.first_day()), str(d.last_day())
    ('month', '1999-06-01', '1999-06-30')
    >>> PartialDate.parse("2008-02-17") < PartialDate.parse("2008-03")
    True
    """

    __slots__ = ("year", "month", "day")

    def __init__(self, year: int, month: int | None = None, day: int | None = None):
        if day is not None and month is None:
            raise ValueError("a day needs a month")
        if not 1 <= year <= 9999:
            raise ValueError(f"year {year} is out of range")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month} is not between 1 and 12")
        if day is not None:
            assert month is not None
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"{year:04d}-{month:02d} has no day {day}")
        self.year = year
        self.month = month
        self.day = day

    @classmethod
    def parse(cls, value: str | dt.date | int | PartialDate) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or a ``date``, or an int year).

        A ``datetime`` is refused, not truncated: a date with a time of day is not what a case records.
        """
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise ValueError(
                f"{value.isoformat(' ')} has a time of day; a date is YYYY, YYYY-MM or YYYY-MM-DD without a time"
            )
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        if not isinstance(value, str):
            raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {type(value).__name__}")
        if cls is PartialDate and len(value) <= 12:
            return _parse_text(value)  # member lists repeat the same dates: read each text once
        return cls._from_text(value)

    @classmethod
    def _from_text(cls, value: str) -> PartialDate:
        m = _PATTERN.match(value.strip())
        if not m:
            raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        return cls(int(m["y"]), int(m["m"]) if m["m"] else None, int(m["d"]) if m["d"] else None)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    def first_day(self) -> dt.date:
        """The earliest calendar day this date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The latest calendar day this date can mean."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def _key(self) -> tuple[int, int, int, int]:
        # Order by first day, then coarser precision after finer (June before "1999-06-??" ends)
        return (self.year, self.month or 0, self.day or 0, 0)

    def __str__(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def __repr__(self) -> str:
        return f"PartialDate({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialDate) and self._key() == other._key()

    def __lt__(self, other: PartialDate) -> bool:
        return self._key() < other._key()

    def __le__(self, other: PartialDate) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: PartialDate) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: PartialDate) -> bool:
        return self._key() >= other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> PartialDate:
            return cls.parse(value)

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
            json_schema_input_schema=core_schema.str_schema(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"),
        )


@functools.lru_cache(maxsize=1 << 14)
def _parse_text(value: str) -> PartialDate:
    return PartialDate._from_text(value)


def parse_partial_date(value: str | dt.date | int) -> PartialDate:
    """Functional form of :meth:`PartialDate.parse`.

    >>> str(parse_partial_date("2013-04-19"))
    '2013-04-19'
    """
    return PartialDate.parse(value)
