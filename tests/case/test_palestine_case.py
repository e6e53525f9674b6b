"""The second built-in case: Palestine's path through the same bodies, every fact sourced.

It proves the engines are not about one applicant: the same membership engine answers for it, and the
answers match what happened (each figure below is checked against the events the case cites).
"""

from __future__ import annotations

import pytest

from dialoguelab.case import check_case, installed_cases, load_case
from dialoguelab.membership.api import membership_data, outcome, recognition_counts

PALESTINE = load_case("palestine")


def test_both_cases_are_installed_and_pass_check() -> None:
    assert {"kosovo", "palestine"} <= set(installed_cases())
    for name in ("kosovo", "palestine"):
        report = check_case(name)
        assert report.ok, report.problems
    assert check_case("palestine").paper_expected is False  # built from outside documents only


def test_the_case_names_its_applicant_and_objector() -> None:
    assert (PALESTINE.applicant.iso3, PALESTINE.objector.iso3) == ("PSE", "ISR")
    assert list(PALESTINE.positions()) == ["palestine", "israel"]


def test_every_event_is_dated_from_an_outside_document_it_cites() -> None:
    docs = {s.id for s in PALESTINE.sources if s.kind.value == "document"}
    for e in PALESTINE.events:
        assert e.date_basis.value == "outside" and e.date_note
        assert e.locator.document in docs and e.locator.document in e.citations


def test_every_verified_recognition_cites_a_source_the_case_has() -> None:
    data = membership_data(PALESTINE)
    for r in data.recognitions.values():
        if r.verified:
            assert r.sources and all(s in data.sources for s in r.sources), r.iso3


@pytest.mark.parametrize(
    ("day", "lo", "hi"), [("1988-12-31", 70, 90), ("2011-12-31", 120, 135), ("2025-12-31", 150, 160)]
)
def test_recognition_counts_grow_in_the_waves_the_sources_report(day: str, lo: int, hi: int) -> None:
    n = recognition_counts(PALESTINE, day)["counts"]["palestine"]
    assert lo <= n <= hi


def test_the_security_council_is_where_the_2024_application_stopped() -> None:
    o = outcome(PALESTINE, "UN", "2024-04-18")
    assert not o.passed and "USA" in o.blocking and "USA" in o.veto_players
    council = next(s for s in o.stages if s.id == "security_council")
    assert not council.passed
