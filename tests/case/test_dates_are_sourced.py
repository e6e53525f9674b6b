"""Never guess a date: every event's date is written near its passage, in a footnote it cites, or explained.

For each event, the year (and, at month or day precision, the month name, and at day precision the day)
must appear in the paper within a few lines of its locator or one of its mentions, or in the text of a
footnote the event cites; otherwise the event must say in ``date_note`` how the date was read (a relative
date such as "the next day").
"""

from __future__ import annotations

import calendar
import re
from pathlib import Path

import pytest

from dialoguelab.case import Event, load_case

WINDOW = 12  # lines before and after a locator


def _evidence_text(event: Event, lines: list[str], case) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for loc in [event.locator, *event.mentions]:
        parts += lines[max(0, loc.line - 1 - WINDOW) : loc.line - 1 + WINDOW]
    parts += [case.sources_by_id[c].text or "" for c in event.citations if c in case.sources_by_id]
    return " ".join(parts)


def _stated(event: Event, text: str) -> bool:
    d = event.date
    if str(d.year) not in text:
        return False
    if d.month is None:
        return True
    month = calendar.month_name[d.month]
    if d.day is None:
        return month in text
    return bool(
        re.search(rf"{month}\s*{d.day}(st|nd|rd|th)?\b", text)
        or re.search(rf"\b{d.day}(st|nd|rd|th)?\s*(of\s+)?{month}", text)
    )


def test_every_date_is_stated_by_the_paper_or_explained(seed_paper: Path) -> None:
    case = load_case()
    lines = seed_paper.read_text(encoding="utf-8").split("\n")
    unexplained = [
        e.id
        for e in case.events
        if e.locator.document is None and not e.date_note and not _stated(e, _evidence_text(e, lines, case))
    ]
    assert unexplained == []


@pytest.mark.parametrize(
    ("date", "text", "stated"),
    [
        ("1999-06-12", "on June 12, 1999 Russian troops", True),
        ("1999-06-12", "on 12th of June 1999", True),
        ("1999-06-12", "on June 1, 1999", False),
        ("1999-06", "in June 1999", True),
        ("1999-06", "in July 1999", False),
        ("1999", "in 1998", False),
    ],
)
def test_the_rule_itself(date: str, text: str, stated: bool) -> None:
    from dialoguelab.case import PartialDate

    event = Event.model_construct(date=PartialDate.parse(date))
    assert _stated(event, text) is stated
