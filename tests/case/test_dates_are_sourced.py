"""Never guess a date: each event's date is where its ``date_basis`` says it is.

A date "is stated" when its year (and, at month or day precision, the month name, and at day precision
the day) appears in a text. By basis:

- ``paper``: stated in the paper within a few lines of the event's locator or one of its mentions —
  no note can excuse it;
- ``footnote``: stated in the text of a footnote the event cites;
- ``context``: the event says in ``date_note`` how the date was read (a relative date such as "the next
  day" anchored on a date the paper gives);
- ``outside``: the event cites an outside document (title, publisher, URL, and a note of what was
  verified) and its ``date_note`` names that document.
"""

from __future__ import annotations

import calendar
import re
from pathlib import Path

import pytest

from dialoguelab.case import DateBasis, Event, SourceKind, load_case

WINDOW = 12  # lines before and after a locator


def _paper_window(event: Event, lines: list[str]) -> str:
    parts = []
    for loc in [event.locator, *event.mentions]:
        parts += lines[max(0, loc.line - 1 - WINDOW) : loc.line - 1 + WINDOW]
    return " ".join(parts)


def _footnote_text(event: Event, case) -> str:  # type: ignore[no-untyped-def]
    return " ".join(
        case.sources_by_id[c].text or ""
        for c in event.citations
        if c in case.sources_by_id and case.sources_by_id[c].kind is SourceKind.FOOTNOTE
    )


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


@pytest.fixture(scope="module")
def case():  # type: ignore[no-untyped-def]
    return load_case()


def test_paper_dates_are_written_near_their_passage(case, seed_paper: Path) -> None:  # type: ignore[no-untyped-def]
    lines = seed_paper.read_text(encoding="utf-8").split("\n")
    paper_dated = [e for e in case.events if e.date_basis is DateBasis.PAPER and e.locator.document is None]
    assert len(paper_dated) >= 100
    assert [e.id for e in paper_dated if not _stated(e, _paper_window(e, lines))] == []


def test_footnote_dates_are_in_a_cited_footnote(case) -> None:  # type: ignore[no-untyped-def]
    from_footnotes = [e for e in case.events if e.date_basis is DateBasis.FOOTNOTE]
    assert from_footnotes
    assert [e.id for e in from_footnotes if not _stated(e, _footnote_text(e, case))] == []


def test_context_dates_are_explained(case) -> None:  # type: ignore[no-untyped-def]
    from_context = [e for e in case.events if e.date_basis is DateBasis.CONTEXT]
    assert from_context
    assert [e.id for e in from_context if len((e.date_note or "").split()) < 5] == []


def test_outside_dates_name_a_verified_outside_document(case) -> None:  # type: ignore[no-untyped-def]
    for e in case.events:
        if e.date_basis is not DateBasis.OUTSIDE:
            continue
        outside = [
            case.sources_by_id[c]
            for c in e.citations
            if case.sources_by_id[c].kind is SourceKind.DOCUMENT and c != "paper"
        ]
        assert outside, e.id
        named = [s for s in outside if s.id in (e.date_note or "") or (s.title or "")[:30] in (e.date_note or "")]
        assert named, f"{e.id}: date_note must name the outside document that dates it"
        for s in named:
            assert s.urls and s.title and s.date is not None, f"{e.id}: {s.id} lacks url, title or date"
            assert "verified" in (s.note or ""), f"{e.id}: {s.id} has no note of what was verified"


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
