"""Dates in prose: absolute, partial, vague, ranges and relative, each with its precision.

:func:`find_dates` finds date expressions in a text with rules of our own and normalises the absolute
ones with :mod:`dateparser` (which handles "June 12, 1999", "December 15th, 2023", "29 May 2022" and
numeric forms, and reports their precision). dateparser does not handle vague or relative expressions
("early 2007", "mid-2010", "the next day", "two months later") and its ``search_dates`` finds false
dates in ordinary words, so finding is ours and only normalisation is delegated.

:func:`resolve_relative` resolves relative expressions against the nearest preceding absolute date,
coarsening the precision as the expression requires (see ``docs/ingest.md`` for the table).

News reports date events against their own date: "on Thursday", "yesterday", "today" (``deictic``
mentions) and "on 10 June", "Dec. 5" (``yearless`` mentions, a day and month without a year).
:func:`resolve_against_document` reads them against the document's date (from its dateline, its header,
its address or the reviewer) and, for a day and month, against a year written earlier in the same
sentence. :func:`read_dateline` recognises a dateline: a line that holds only a date ("United Nations,
8 February 2024", "Thursday, 30 October, 2025, 10:16") or a date that opens a report ("Oct 9, 2024 – The
trial …", "BELGRADE, March 7. /TASS/."). Dates in other languages are not read.

Precision of a mention is one of ``day``, ``month``, ``part`` (a part of a year: early, mid, late,
the end of, a season) and ``year``. The case stores dates as
:class:`~dialoguelab.case.dates.PartialDate`; a ``part`` date is stored as its year with the
qualifier kept in the date note, never as an invented month.
"""

from __future__ import annotations

__all__ = [
    "DateMention",
    "MentionPrecision",
    "find_dates",
    "resolve_relative",
    "parse_absolute",
    "PART_MONTHS",
    "WEEKDAYS",
    "read_dateline",
    "resolve_against_document",
]

import calendar
import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any

from dialoguelab.case.dates import PartialDate


class MentionPrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    PART = "part"
    YEAR = "year"


_ORDER = {
    MentionPrecision.DAY: 0,
    MentionPrecision.MONTH: 1,
    MentionPrecision.PART: 2,
    MentionPrecision.YEAR: 3,
}

#: Months spanned by a part of a year (used for intervals; the stored date stays the year).
PART_MONTHS: dict[str, tuple[int, int]] = {
    "early": (1, 4),
    "beginning": (1, 4),
    "start": (1, 4),
    "first half": (1, 6),
    "mid": (5, 8),
    "middle": (5, 8),
    "second half": (7, 12),
    "late": (9, 12),
    "end": (10, 12),
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 12),
}


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a text.

    Attributes
    ----------
    text : str
        The expression as written.
    start, end : int
        Character offsets in the searched text.
    kind : {"absolute", "partial", "vague", "range", "relative", "deictic", "yearless"}
        ``absolute`` has a day; ``partial`` a month or year only; ``deictic`` is a weekday, "today",
        "yesterday" (read against the document's date); ``yearless`` a day and month without a year.
    date, end_date : PartialDate
        The date (``end_date`` for ranges). For a relative expression, after resolution.
    precision : MentionPrecision
    qualifier : str or None
        For vague dates: early, mid, late, end, … ; for relative ones: the expression's unit.
    approximate : bool
        True for "one week after", "a few days before" and other inexact offsets.
    role : {"event", "deadline", "planned", "quoted", "citation", "reference", "dateline"}
        Only ``event`` mentions date candidate events; a ``dateline`` dates the document itself.
    anchor : str or None
        For a resolved relative date, the absolute date it was resolved against.
    note : str or None
        How the date was read (relative resolution, inconsistencies).
    """

    text: str
    start: int
    end: int
    kind: str
    date: PartialDate | None
    precision: MentionPrecision
    end_date: PartialDate | None = None
    qualifier: str | None = None
    approximate: bool = False
    role: str = "event"
    anchor: str | None = None
    note: str | None = None
    # relative expressions before resolution
    offset: int = 0
    unit: str | None = None
    month: int | None = None
    day: int | None = None

    def interval(self) -> tuple[dt.date, dt.date] | None:
        """First and last calendar day the mention can mean (parts of years use :data:`PART_MONTHS`)."""
        if self.date is None:
            return None
        first, last = self.date.first_day(), (self.end_date or self.date).last_day()
        if self.precision is MentionPrecision.PART and self.qualifier in PART_MONTHS:
            a, b = PART_MONTHS[self.qualifier]
            first = dt.date(self.date.year, a, 1)
            last = dt.date(self.date.year, b, calendar.monthrange(self.date.year, b)[1])
        return first, last

    def value(self) -> str:
        """``date`` or ``date/end_date`` as text."""
        if self.date is None:
            return ""
        return f"{self.date}/{self.end_date}" if self.end_date is not None else str(self.date)


_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MON = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_YEAR = r"(?:1[89]\d\d|20\d\d)"
#: Weekday names, Monday first (the index is :meth:`datetime.date.weekday`); English, whatever the locale.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORD = r"(?:st|nd|rd|th)?"
_D = rf"(?:[12]\d|3[01]|0?[1-9]){_ORD}"
_RANGE_SEP = r"\s*(?:-|–|—|and|to|until|through)\s*"
_NUM = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "few": 3,
    "a few": 3,
    "several": 3,
    "couple of": 2,
    "a couple of": 2,
}
_NUMW = (
    r"(?:a\s+few|a\s+couple\s+of|couple\s+of|few|several|a|an|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve|\d{1,2})"
)
_PART = (
    r"(?:early|mid|late|the\s+end\s+of|end\s+of|the\s+beginning\s+of|beginning\s+of|the\s+start\s+of|"
    r"start\s+of|the\s+middle\s+of|middle\s+of|the\s+first\s+half\s+of|first\s+half\s+of|"
    r"the\s+second\s+half\s+of|second\s+half\s+of|spring|summer|autumn|fall|winter)"
)

# Ordered: the first pattern that matches at a position wins; matches never overlap.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "day_range",
        re.compile(rf"\b(?P<m>{_MON})\s+(?P<d1>{_D}){_RANGE_SEP}(?P<d2>{_D}),?\s+(?P<y>{_YEAR})\b"),
    ),
    (
        "day_range_dmy",
        re.compile(rf"\b(?P<d1>{_D}){_RANGE_SEP}(?P<d2>{_D})\s+(?P<m>{_MON}),?\s+(?P<y>{_YEAR})\b"),
    ),
    (
        "month_range",
        re.compile(
            rf"\b(?:between\s+|from\s+)?(?P<m1>{_MON}),?\s+(?P<y1>{_YEAR}){_RANGE_SEP}"
            rf"(?P<m2>{_MON}),?\s+(?P<y2>{_YEAR})\b"
        ),
    ),
    (
        "month_range_same_year",
        re.compile(
            rf"\b(?:between\s+|from\s+)?(?P<m1>{_MON}){_RANGE_SEP}(?P<m2>{_MON}),?\s+(?P<y>{_YEAR})\b"
        ),
    ),
    # "April22, 2024": a copy that lost the space after the month is still a date
    ("mdy", re.compile(rf"\b(?P<m>{_MON})\s*(?P<d>{_D}),?\s+(?P<y>{_YEAR})\b")),
    ("dmy", re.compile(rf"\b(?P<d>{_D})\s+(?P<m>{_MON}),?\s+(?P<y>{_YEAR})\b")),
    # "the 9th of February 2025", or without a year; "09. feb. 2024." (an agency's dateline, month in any case)
    ("dmy_of", re.compile(rf"\b(?:the\s+)?(?P<d>{_D})\s+of\s+(?P<m>{_MON})(?:,?\s+(?P<y>{_YEAR}))?\b")),
    ("dmy", re.compile(rf"\b(?P<d>{_D})\.\s*(?P<m>(?i:{_MON}))\.?\s*(?P<y>{_YEAR})\b")),
    ("iso", re.compile(r"\b(?P<iso>(?:1[89]|20)\d\d-[01]\d-[0-3]\d)\b")),
    ("numeric", re.compile(r"\b(?P<num>[0-3]?\d[./][01]?\d[./](?:1[89]|20)\d\d)\b")),
    (
        "month_same_year",
        re.compile(
            rf"\b(?P<m>{_MON})\s+(?:of\s+)?"
            r"(?P<rel>the\s+same|that|the\s+following|the\s+next|the\s+previous)\s+year\b"
        ),
    ),
    ("my", re.compile(rf"\b(?P<m>{_MON}),?\s+(?:of\s+)?(?P<y>{_YEAR})\b")),
    ("vague", re.compile(rf"\b(?P<q>{_PART})(?:\s+of)?[\s\-]*(?P<y>{_YEAR})\b", re.IGNORECASE)),
    (
        "year_range",
        re.compile(
            rf"\b(?:between\s+|from\s+)?(?P<y1>{_YEAR})"
            rf"(?:\s*(?:-|–|—|/)\s*|\s+(?:and|to|until|through)\s+)(?P<y2>{_YEAR})\b(?!-)"
        ),
    ),
    (
        "relative_n",
        re.compile(
            rf"\b(?P<n>{_NUMW})\s+(?P<u>day|week|month|year)s?\s+"
            r"(?P<dir>later|after|afterwards|before|earlier|ago|prior)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "relative_next",
        re.compile(
            r"\b(?:the\s+)?(?P<dir>next|following|previous|preceding|same)\s+(?P<u>day|week|month|year)\b",
            re.IGNORECASE,
        ),
    ),
    # a day and month without a year ("on 10 June", "Dec. 5"); not a range ("June 27-28")
    (
        "yearless",
        re.compile(
            rf"\b(?:(?P<m>{_MON})\s+(?P<d>{_D})\b(?!\s*(?:-|–|—)\s*\d|[.,:]?\d)"
            rf"|(?<![\d.,])(?P<d2>{_D})\s+(?P<m2>{_MON})(?!\w))"
        ),
    ),
    ("weekday", re.compile(rf"\b(?P<wd>{'|'.join(WEEKDAYS)})(?!s\b)\b")),
    (
        "today",
        re.compile(
            r"\b(?P<t>today|yesterday|tomorrow|tonight|this\s+(?:morning|afternoon|evening)|last\s+night)\b",
            re.IGNORECASE,
        ),
    ),
    ("year", re.compile(rf"(?<![\w/\-.])(?P<y>{_YEAR})(?![\w/\-]|\.\d)")),
]

_QUOTES = re.compile(r"“[^”]{0,1500}”|\"[^\"]{0,1500}\"")
_DEADLINE = re.compile(r"\b(?:by|until|till|before|no\s+later\s+than)\s+(?:the\s+)?$", re.IGNORECASE)
_PLANNED = re.compile(r"\b(?:expected|scheduled|planned|due|set)\s+(?:on|for|in|to)?\s*$", re.IGNORECASE)


def _month(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@lru_cache(maxsize=4096)
def parse_absolute(text: str) -> tuple[PartialDate, MentionPrecision] | None:
    """Normalise an absolute date expression with dateparser; None if it cannot.

    Ordinal suffixes are removed first ("November 25th, 2021"). The precision is dateparser's
    ``period`` (day, month or year).

    >>> d, p = parse_absolute("December 15th, 2023")
    >>> str(d), p.value
    ('2023-12-15', 'day')
    """
    try:
        from dateparser.date import DateDataParser
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    cleaned = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text)
    parser: Any = _parser(DateDataParser)
    data = parser.get_date_data(cleaned)
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj
    period = data.period or "day"
    if period == "day":
        return PartialDate(d.year, d.month, d.day), MentionPrecision.DAY
    if period == "month":
        return PartialDate(d.year, d.month), MentionPrecision.MONTH
    return PartialDate(d.year), MentionPrecision.YEAR


_PARSER_CACHE: dict[str, object] = {}


def _parser(cls: type) -> object:
    if "p" not in _PARSER_CACHE:
        _PARSER_CACHE["p"] = cls(
            languages=["en"],
            settings={
                "PREFER_DAY_OF_MONTH": "first",
                "PREFER_MONTH_OF_YEAR": "first",
                "DATE_ORDER": "DMY",
                "PARSERS": ["absolute-time"],
            },
        )
    return _PARSER_CACHE["p"]


def _safe(y: int, m: int | None = None, d: int | None = None) -> PartialDate | None:
    try:
        return PartialDate(y, m, d)
    except ValueError:
        return None


def _build(kind: str, m: re.Match[str], base: int) -> DateMention | None:
    text, start, end = m.group(0), m.start() + base, m.end() + base
    g = m.groupdict()
    if kind in ("day_range", "day_range_dmy"):
        y, mo = int(g["y"]), _month(g["m"])
        d1, d2 = _safe(y, mo, _day(g["d1"])), _safe(y, mo, _day(g["d2"]))
        if d1 is None or d2 is None or d2 < d1:
            return None
        return DateMention(text, start, end, "range", d1, MentionPrecision.DAY, end_date=d2)
    if kind == "month_range":
        a, b = _safe(int(g["y1"]), _month(g["m1"])), _safe(int(g["y2"]), _month(g["m2"]))
        if a is None or b is None or b < a:
            return None
        return DateMention(text, start, end, "range", a, MentionPrecision.MONTH, end_date=b)
    if kind == "month_range_same_year":
        a, b = _safe(int(g["y"]), _month(g["m1"])), _safe(int(g["y"]), _month(g["m2"]))
        if a is None or b is None or b < a:
            return None
        return DateMention(text, start, end, "range", a, MentionPrecision.MONTH, end_date=b)
    if kind in ("mdy", "dmy", "iso", "numeric", "my"):
        parsed = parse_absolute(text)
        if parsed is None:  # fall back to our own reading of the parts
            if kind in ("mdy", "dmy"):
                d = _safe(int(g["y"]), _month(g["m"]), _day(g["d"]))
                parsed = (d, MentionPrecision.DAY) if d else None
            elif kind == "my":
                d = _safe(int(g["y"]), _month(g["m"]))
                parsed = (d, MentionPrecision.MONTH) if d else None
        if parsed is None:
            return None
        date, prec = parsed
        if kind == "my" and prec is MentionPrecision.DAY:  # "June 1999" must not gain a day
            date, prec = PartialDate(date.year, date.month), MentionPrecision.MONTH
        return DateMention(
            text, start, end, "absolute" if prec is MentionPrecision.DAY else "partial", date, prec
        )
    if kind == "vague":
        q = re.sub(r"^(?:the\s+)|(?:\s+of)$", "", g["q"].lower())
        q = re.sub(r"\s+", " ", q)
        q = {
            "beginning of": "beginning",
            "start of": "start",
            "end of": "end",
            "middle of": "middle",
            "first half of": "first half",
            "second half of": "second half",
        }.get(q, q)
        return DateMention(
            text, start, end, "vague", PartialDate(int(g["y"])), MentionPrecision.PART, qualifier=q
        )
    if kind == "year_range":
        ya, yb = int(g["y1"]), int(g["y2"])
        if yb <= ya or yb - ya > 30:
            return None
        joined_by_and = re.search(r"\s+and\s+", m.group(0)) is not None
        if joined_by_and and not m.group(0).lower().startswith("between") and yb - ya > 1:
            return None  # "in 2014 and 2022": two dates, each found as a year; "between 2014 and 2016" is a range
        return DateMention(
            text, start, end, "range", PartialDate(ya), MentionPrecision.YEAR, end_date=PartialDate(yb)
        )
    if kind == "year":
        return DateMention(text, start, end, "partial", PartialDate(int(g["y"])), MentionPrecision.YEAR)
    if kind == "dmy_of":
        if g["y"] is not None:
            d = _safe(int(g["y"]), _month(g["m"]), _day(g["d"]))
            return DateMention(text, start, end, "absolute", d, MentionPrecision.DAY) if d else None
        kind = "yearless"
    if kind == "yearless":
        mo, dd = _month(g.get("m") or g["m2"]), _day(g.get("d") or g["d2"])
        if _safe(2000, mo, dd) is None:  # 2000 is a leap year: 29 February is a day
            return None
        return DateMention(text, start, end, "yearless", None, MentionPrecision.DAY, month=mo, day=dd)
    if kind == "weekday":
        wd_index = WEEKDAYS.index(g["wd"])
        return DateMention(
            text, start, end, "deictic", None, MentionPrecision.DAY, unit="weekday", offset=wd_index, qualifier=g["wd"]
        )
    if kind == "today":
        word = re.sub(r"\s+", " ", g["t"].lower())
        off = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
        return DateMention(
            text, start, end, "deictic", None, MentionPrecision.DAY, unit="day", offset=off, qualifier=word
        )
    if kind == "month_same_year":
        rel = re.sub(r"\s+", " ", g["rel"].lower())
        off = {"the same": 0, "that": 0, "the following": 1, "the next": 1, "the previous": -1}[rel]
        return DateMention(
            text,
            start,
            end,
            "relative",
            None,
            MentionPrecision.MONTH,
            unit="year",
            offset=off,
            month=_month(g["m"]),
            qualifier="month of year",
        )
    if kind == "relative_n":
        n_word = re.sub(r"\s+", " ", g["n"].lower())
        n = int(n_word) if n_word.isdigit() else _NUM[n_word]
        unit = g["u"].lower()
        direction = g["dir"].lower()
        sign = -1 if direction in ("before", "earlier", "ago", "prior") else 1
        vague = n_word in ("few", "a few", "several", "couple of", "a couple of")
        return DateMention(
            text,
            start,
            end,
            "relative",
            None,
            MentionPrecision.DAY,
            unit=unit,
            offset=sign * n,
            approximate=vague or unit == "week",
            qualifier="few" if vague else unit,
        )
    if kind == "relative_next":
        word = g["dir"].lower()
        off = {"next": 1, "following": 1, "previous": -1, "preceding": -1, "same": 0}[word]
        return DateMention(
            text,
            start,
            end,
            "relative",
            None,
            MentionPrecision.DAY,
            unit=g["u"].lower(),
            offset=off,
            qualifier=g["u"].lower(),
        )
    return None  # pragma: no cover


#: Patterns of mentions that only a document's date resolves (weekdays, "today", "yesterday").
DEICTIC_KINDS = ("weekday", "today")


def find_dates(text: str, base: int = 0, deictic: bool = True) -> list[DateMention]:
    """Find date expressions in ``text`` (relative ones unresolved), in order of position.

    With ``deictic=False`` weekdays, "today" and "yesterday" are not looked for (a text with no date of
    its own cannot resolve them; skipping them saves two passes over the text).

    Each mention gets a ``role``: ``quoted`` inside quotation marks, ``deadline`` after "by",
    "until" or "before", ``planned`` after "expected on", "scheduled for", ``citation`` for a year in
    brackets after a number (a resolution symbol such as "1160 (1998)"); otherwise ``event``.

    Examples
    --------
    >>> found = find_dates("in early 2007 and on June 2 and 3, 1999")
    >>> [(m.text, m.value(), m.precision.value) for m in found]
    [('early 2007', '2007', 'part'), ('June 2 and 3, 1999', '1999-06-02/1999-06-03', 'day')]
    """
    taken = bytearray(len(text))  # one byte per character, not a list of pointers
    found: list[DateMention] = []
    for kind, pat in _PATTERNS:
        if not deictic and kind in DEICTIC_KINDS:
            continue
        for m in pat.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            if kind == "year":
                after = text[m.end() : m.end() + 1]
                if after == "s":  # decades: "1990s"
                    continue
            mention = _build(kind, m, base)
            if mention is None:
                continue
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
            found.append(mention)
    found.sort(key=lambda x: x.start)
    # "Thursday, 30 October, 2025", "on Saturday, March 15": the weekday belongs to the date that follows
    found = [
        mt
        for k, mt in enumerate(found)
        if not (
            mt.unit == "weekday"
            and k + 1 < len(found)
            and found[k + 1].kind in ("absolute", "yearless")
            and re.fullmatch(r"[\s,(]{0,3}", text[mt.end - base : found[k + 1].start - base])
        )
    ]
    quotes = [(q.start(), q.end()) for q in _QUOTES.finditer(text)]  # in order, never overlapping
    quote_starts = [a for a, _ in quotes]
    out: list[DateMention] = []
    for mt in found:
        s, e = mt.start - base, mt.end - base
        before = text[max(0, s - 40) : s]
        role = "event"
        q = bisect_left(quote_starts, s) - 1  # the last quotation opened before the date
        if q >= 0 and e <= quotes[q][1]:
            role = "quoted"
        elif mt.kind == "deictic" and mt.unit == "day" and mt.offset > 0:
            role = "planned"  # "tomorrow": not yet an event
        elif _PLANNED.search(before):
            role = "planned"
        elif _DEADLINE.search(before) and mt.kind != "relative":
            role = "deadline"
        elif (
            mt.precision is MentionPrecision.YEAR
            and mt.kind == "partial"
            and re.search(r"\d\s*\($", before)
            and text[e : e + 1] == ")"
        ):
            role = "citation"
        elif (
            mt.precision is MentionPrecision.YEAR
            and mt.kind == "partial"
            and re.search(r"(?:[’']s|\b(?:the|its|their|his|her|a))\s+$", before)
            and re.match(r"\s+(?!and\b|or\b|to\b|in\b|until\b)[a-z]", text[e : e + 12])
        ):
            role = "reference"  # a year used as an adjective: "NATO’s 1999 intervention"
        out.append(replace(mt, role=role) if role != "event" else mt)
    return out


def _shift(date: PartialDate, unit: str, n: int, end: PartialDate | None = None) -> PartialDate:
    base = (end or date) if n >= 0 else date
    if unit == "year":
        return (
            PartialDate(base.year + n, base.month, base.day)
            if base.day != 29 or base.month != 2
            else PartialDate(base.year + n, 2, 28)
        )
    if unit == "month":
        y, mo = divmod((base.month or 1) - 1 + n, 12)
        year, month = base.year + y, mo + 1
        if base.month is None:
            return PartialDate(year)
        day = None if base.day is None else min(base.day, calendar.monthrange(year, month)[1])
        return PartialDate(year, month, day)
    days = n * (7 if unit == "week" else 1)
    if base.day is None:
        return base
    d = dt.date(base.year, base.month or 1, base.day) + dt.timedelta(days=days)
    return PartialDate(d.year, d.month, d.day)


def _coarsen(date: PartialDate, precision: MentionPrecision) -> PartialDate:
    if precision is MentionPrecision.DAY:
        return date
    if precision is MentionPrecision.MONTH and date.month is not None:
        return PartialDate(date.year, date.month)
    return PartialDate(date.year)


def resolve_relative(mention: DateMention, anchor: DateMention | None) -> DateMention:
    """Resolve a relative mention against an absolute one (the nearest preceding, by the caller).

    Precision rules: an offset in days keeps day precision; in weeks keeps day precision but is
    ``approximate``; in months gives month precision; in years gives year precision; "a few" or
    "several" units coarsen by one step (days/weeks → month, months → year). The result is never finer
    than the anchor. "May of the same year" takes its month from the text and its year from the anchor.

    >>> a = find_dates("on November 25th, 2021")[0]
    >>> r = resolve_relative(find_dates("one week after")[0], a)
    >>> str(r.date), r.precision.value, r.approximate
    ('2021-12-02', 'day', True)
    """
    if mention.kind != "relative":
        return mention
    if anchor is None or anchor.date is None:
        return replace(
            mention, note=f"relative date {mention.text!r} with no earlier date to resolve it against"
        )
    unit, n = mention.unit or "day", mention.offset
    base, base_end = anchor.date, anchor.end_date
    anchor_prec = anchor.precision if anchor.precision is not MentionPrecision.PART else MentionPrecision.YEAR
    if mention.month is not None:  # "May of the same year"
        year = base.year + n
        date = PartialDate(year, mention.month)
        prec = MentionPrecision.MONTH
    else:
        date = _shift(base, unit, n, base_end)
        prec = {
            "day": MentionPrecision.DAY,
            "week": MentionPrecision.DAY,
            "month": MentionPrecision.MONTH,
            "year": MentionPrecision.YEAR,
        }[unit]
        if mention.qualifier == "few":
            prec = {
                MentionPrecision.DAY: MentionPrecision.MONTH,
                MentionPrecision.MONTH: MentionPrecision.YEAR,
            }.get(prec, MentionPrecision.YEAR)
        if _ORDER[anchor_prec] > _ORDER[prec]:
            prec = anchor_prec
        date = _coarsen(date, prec)
    note = f"{mention.text!r} resolved against {anchor.value()} ({anchor.text!r})"
    return replace(mention, date=date, precision=prec, anchor=anchor.value(), note=note)


def resolve_against_document(
    mention: DateMention,
    document_date: PartialDate | None,
    origin: str = "",
    year_anchor: DateMention | None = None,
) -> DateMention:
    """Resolve a ``deictic`` or ``yearless`` mention against the document's date.

    * A weekday ("on Thursday") is the last such day on or before the document's date (a report tells
      what has happened; the same day counts): news reports date events this way. It needs the document's
      date to the day.
    * "today", "tonight", "this evening" are the document's date (to the day or the month); "yesterday" and
      "last night" the day before, "tomorrow" the day after (a ``planned`` mention, not an event).
    * A day and month without a year take the year of ``year_anchor`` — a date written earlier in the same
      sentence ("arrested in September 2023 … on September 24") — or else of the document's date, provided
      that does not put the day after the document's date (then the year is not written and the mention
      stays unresolved: a report may name a past year's day or a coming one, and neither is guessed).

    The returned mention has a ``note`` saying what it was read against; an unresolved one has no
    ``date`` and a note saying why.

    Parameters
    ----------
    mention : DateMention
        A mention of kind ``deictic`` or ``yearless`` (others are returned unchanged).
    document_date : PartialDate or None
        The document's own date.
    origin : str, default=""
        Where the document's date comes from, for the note ("its dateline, line 7").
    year_anchor : DateMention, optional
        The nearest date with a year earlier in the same sentence.

    Examples
    --------
    >>> m = find_dates("The trial opened on Wednesday.")[0]
    >>> r = resolve_against_document(m, PartialDate(2024, 10, 9), "its dateline")
    >>> str(r.date), r.precision.value
    ('2024-10-09', 'day')
    >>> m = find_dates("The indictment was announced on September 11.")[0]
    >>> str(resolve_against_document(m, PartialDate(2024, 10, 9)).date)
    '2024-09-11'
    """
    if mention.kind not in ("deictic", "yearless"):
        return mention
    where = f"the document's date {document_date}" + (f" ({origin})" if origin else "")
    if mention.kind == "yearless":
        assert mention.month is not None and mention.day is not None
        if year_anchor is not None and year_anchor.date is not None:
            d = _safe(year_anchor.date.year, mention.month, mention.day)
            if d is not None:
                return replace(
                    mention,
                    date=d,
                    anchor=year_anchor.value(),
                    note=f"{mention.text!r} takes the year of {year_anchor.text!r}, earlier in the sentence",
                )
        if document_date is None:
            return replace(mention, note=f"{mention.text!r} has no year, and the document's date is not known")
        d = _safe(document_date.year, mention.month, mention.day)
        if d is None:
            return replace(mention, note=f"{mention.text!r} is not a day of {document_date.year}")
        if d.first_day() > document_date.last_day():
            return replace(
                mention,
                note=f"{mention.text!r} has no year and would fall after {where}: a past year's day or a coming "
                "one; not guessed",
            )
        return replace(
            mention, date=d, anchor=str(document_date), note=f"{mention.text!r} takes the year of {where}"
        )
    if document_date is None:
        return replace(mention, note=f"{mention.text!r} needs the document's date, which is not known")
    if mention.unit == "weekday":
        if document_date.day is None:
            return replace(mention, note=f"{mention.text!r} needs the document's date to the day; {where} is not")
        day = document_date.first_day()
        back = (day.weekday() - mention.offset) % 7
        wd = day - dt.timedelta(days=back)
        how = "is" if back == 0 else f"is the last {WEEKDAYS[mention.offset]} before"
        return replace(
            mention,
            date=PartialDate(wd.year, wd.month, wd.day),
            anchor=str(document_date),
            note=f"{mention.text!r} {how} {where}",
        )
    # today, yesterday, tomorrow
    if mention.offset == 0:
        if document_date.month is None:
            return replace(mention, note=f"{mention.text!r} needs the document's date to the month; {where} is not")
        prec = MentionPrecision.DAY if document_date.day is not None else MentionPrecision.MONTH
        return replace(
            mention, date=document_date, precision=prec, anchor=str(document_date), note=f"{mention.text!r} is {where}"
        )
    if document_date.day is None:
        return replace(mention, note=f"{mention.text!r} needs the document's date to the day; {where} is not")
    near = document_date.first_day() + dt.timedelta(days=mention.offset)
    return replace(
        mention,
        date=PartialDate(near.year, near.month, near.day),
        anchor=str(document_date),
        note=f"{mention.text!r} is the day {'before' if mention.offset < 0 else 'after'} {where}",
    )


_DL_TIME = re.compile(r"[,\s]*\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?\s*$")
_DL_PLACE = r"(?:[A-Z][A-Za-z .'’-]{0,40}(?:,\s*[A-Z][A-Za-z .'’-]{0,30})?(?:\s*\([^)]{1,30}\))?,\s*)?"
_DL_PREFIX = re.compile(rf"{_DL_PLACE}(?:(?:{'|'.join(WEEKDAYS)}),?\s*)?")
_DL_OPENS = re.compile(r"\s*(?:[–—-]|\.?\s*/[^/\s][^/]{0,20}/)")


def read_dateline(text: str) -> tuple[DateMention, bool] | None:
    """The date of a dateline, and whether the text is nothing but the dateline; ``None`` if it is none.

    A dateline is a date, with at most a place and a weekday before it and a time after it, that stands
    on a line of its own ("United Nations, 8 February 2024", "21 October 2025", "Thursday, 30 October,
    2025, 10:16", "09. feb. 2024. 10:50"), or opens a report, followed by a dash or an agency's name
    ("Oct 9, 2024 – The trial …", "BELGRADE, March 7. /TASS/. …", "MOSCOW, May 9 - RIA Novosti."). It
    dates the document, not an event. The mention returned has the role ``dateline``; a day and month
    without a year is returned ``yearless`` (unresolved).

    Examples
    --------
    >>> m, whole = read_dateline("United Nations, 8 February 2024")
    >>> str(m.date), whole
    ('2024-02-08', True)
    >>> m, whole = read_dateline("Oct 9, 2024 – The trial of 45 individuals opened on Wednesday.")
    >>> str(m.date), whole
    ('2024-10-09', False)
    >>> read_dateline("On June 12, 1999 Russian troops entered Pristina.") is None
    True
    """
    if len(text) > 3000:
        text = text[:3000]
    found = [m for m in find_dates(text) if m.kind in ("absolute", "yearless")]
    if not found:
        return None
    m = found[0]
    prefix = _DL_PREFIX.fullmatch(text[: m.start])
    if prefix is None:
        return None
    rest = text[m.end :]
    if re.fullmatch(r"[\s.,]*", _DL_TIME.sub("", rest)) and len(text) <= 80:
        return replace(m, role="dateline"), True
    if _DL_OPENS.match(rest):
        return replace(m, role="dateline"), False
    return None
