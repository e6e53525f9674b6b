"""Dates: absolute, partial, vague, ranges and relative, each with its precision."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialoguelab.ingest.dates import MentionPrecision, find_dates, resolve_relative


def one(text: str):  # type: ignore[no-untyped-def]
    found = [m for m in find_dates(text) if m.role == "event"]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text, value, precision, kind",
    [
        ("on June 12, 1999 the troops", "1999-06-12", "day", "absolute"),
        ("on December 15th, 2023, when", "2023-12-15", "day", "absolute"),
        ("One example took place on 29 May 2022 – at", "2022-05-29", "day", "absolute"),
        ("in July, 2003, thereby", "2003-07", "month", "partial"),
        ("in April 2020", "2020-04", "month", "partial"),
        ("in 1996.", "1996", "year", "partial"),
        ("in early 2007, drew", "2007", "part", "vague"),
        ("in mid-2010 the", "2010", "part", "vague"),
        ("at the end of 2023, there were", "2023", "part", "vague"),
        ("on June 2 and 3, 1999, involving", "1999-06-02/1999-06-03", "day", "range"),
        ("the meeting of June 27-28, 2013, the", "2013-06-27/2013-06-28", "day", "range"),
        ("on January 13th and 14th, 2022,", "2022-01-13/2022-01-14", "day", "range"),
        ("negotiated between October 2013 and May 2014", "2013-10/2014-05", "month", "range"),
        ("throughout 2016 and 2017.", "2016/2017", "year", "range"),
        ("over the period 2005–2016", "2005/2016", "year", "range"),
        ("released 2023-12-15 at", "2023-12-15", "day", "absolute"),
    ],
)
def test_expressions(text: str, value: str, precision: str, kind: str) -> None:
    m = one(text)
    assert (m.value(), m.precision.value, m.kind) == (value, precision, kind)


def test_two_years_joined_by_and_are_two_dates_unless_adjacent_or_between() -> None:
    two = find_dates("to Ukraine, in 2014 and 2022. This")
    assert [(m.value(), m.kind) for m in two] == [("2014", "partial"), ("2022", "partial")]
    (between,) = find_dates("between 2014 and 2016 the")
    assert (between.value(), between.kind) == ("2014/2016", "range")
    (adjacent,) = find_dates("in 2016 and 2017 the")
    assert (adjacent.value(), adjacent.kind) == ("2016/2017", "range")


def test_vague_qualifier_and_interval() -> None:
    m = one("in early 2007")
    assert m.qualifier == "early"
    first, last = m.interval() or (None, None)
    assert str(first) == "2007-01-01" and str(last) == "2007-04-30"


@pytest.mark.parametrize(
    "text, role",
    [
        ("negotiations with Serbia by January 2014.", "deadline"),
        ("an agreement expected on June 27, 2020, at the White House", "planned"),
        ("UNSC Resolution 1160 (1998), dated", "citation"),
        ("he said “we will act before the end of 2021” and left", "quoted"),
        ("exploited NATO’s 1999 intervention", "reference"),
    ],
)
def test_non_event_roles(text: str, role: str) -> None:
    roles = [m.role for m in find_dates(text)]
    assert role in roles and "event" not in roles


def test_no_dates_in_numbers_and_decades() -> None:
    assert find_dates("Resolution 1244 and S/2007/168 and the 1990s and 3,000 to 10,000 men") == []


@pytest.mark.parametrize(
    "anchor, text, value, precision",
    [
        ("on November 25th, 2021", "one week after", "2021-12-02", "day"),
        ("on June 9, 1999", "The next day", "1999-06-10", "day"),
        ("on March 24, 1999", "Two days later", "1999-03-26", "day"),
        ("on April 19, 2013", "two months later", "2013-06", "month"),
        ("on September 24, 2023", "a year ago", "2022", "year"),
        ("on February 27, 2023", "Few days before", "2023-02", "month"),
        ("on October 31, 2017", "in May of the same year", "2017-05", "month"),
        ("on October 31, 2017", "in the same month", "2017-10", "month"),
        ("in 2008", "the next day", "2008", "year"),  # never finer than the anchor
    ],
)
def test_relative_resolution(anchor: str, text: str, value: str, precision: str) -> None:
    a = one(anchor)
    rel = next(m for m in find_dates(text) if m.kind == "relative")
    r = resolve_relative(rel, a)
    assert (str(r.date), r.precision.value) == (value, precision)
    assert r.anchor == a.value() and r.note


def test_relative_without_anchor_is_left_unresolved() -> None:
    rel = find_dates("the next day")[0]
    r = resolve_relative(rel, None)
    assert r.date is None and "no earlier date" in (r.note or "")


@settings(deadline=None)  # no wall-clock limit in a test: a loaded machine is not a defect
@given(
    st.dates(
        min_value=__import__("datetime").date(1900, 1, 1), max_value=__import__("datetime").date(2099, 12, 31)
    )
)
def test_month_day_year_roundtrip(d) -> None:  # type: ignore[no-untyped-def]
    text = f"on {d:%B} {d.day}, {d.year} the"
    m = one(text)
    assert m.value() == d.isoformat() and m.precision is MentionPrecision.DAY
