"""PartialDate: a date known to the day, the month or the year."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialoguelab.case.dates import PartialDate, Precision


@pytest.mark.parametrize(
    ("text", "precision", "first", "last"),
    [
        ("1999", Precision.YEAR, dt.date(1999, 1, 1), dt.date(1999, 12, 31)),
        ("2008-02", Precision.MONTH, dt.date(2008, 2, 1), dt.date(2008, 2, 29)),
        ("2013-04-19", Precision.DAY, dt.date(2013, 4, 19), dt.date(2013, 4, 19)),
    ],
)
def test_precision_and_interval(text: str, precision: Precision, first: dt.date, last: dt.date) -> None:
    d = PartialDate.parse(text)
    assert d.precision is precision
    assert (d.first_day(), d.last_day()) == (first, last)
    assert str(d) == text


@pytest.mark.parametrize("bad", ["2008-02-30", "1999-13", "99", "2008/02/17", "June 1999", "", "2008-2-1"])
def test_impossible_or_malformed_dates_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(bad)


def test_yaml_scalars_are_accepted() -> None:
    assert str(PartialDate.parse(dt.date(1999, 6, 12))) == "1999-06-12"
    assert str(PartialDate.parse(1999)) == "1999"


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_round_trip_and_order(d: dt.date) -> None:
    p = PartialDate.parse(d.isoformat())
    assert p.first_day() == p.last_day() == d
    month = PartialDate.parse(d.isoformat()[:7])
    assert month.first_day() <= d <= month.last_day()
    assert month <= p
