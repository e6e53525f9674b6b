"""The built-in Kosovo case meets the bar the foundation issue sets, checked against the seed paper."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dialoguelab.case import DateBasis, SourceKind, SourceStatus, check_case, load_case
from dialoguelab.cli import app
from dialoguelab.evidence import timeline


@pytest.fixture(scope="module")
def case():  # type: ignore[no-untyped-def]
    return load_case()


def test_case_is_valid_and_every_locator_matches_the_paper(seed_paper: Path) -> None:
    report = check_case(paper=seed_paper)
    assert report.problems == []
    assert report.paper == seed_paper
    n_records = sum(report.counts[k] for k in ("events", "quotations"))
    assert report.locators_checked >= n_records


def test_at_least_160_distinct_events_spanning_the_1990s_to_2024(case) -> None:  # type: ignore[no-untyped-def]
    # Three line-by-line audits of the paper's body found 155 distinct acts that it dates (by a date in the
    # passage, the narrative or a cited footnote); an independent hand annotation of lines 121-1144
    # (tests/ingest/data) has 84, all covered here. Acts the body reports without any date are dated from
    # outside documents and say so (date_basis "outside"), so the paper's own dates stay separable.
    assert len(case.events) >= 160
    by_basis = Counter(e.date_basis for e in case.events)
    assert by_basis[DateBasis.PAPER] + by_basis[DateBasis.CONTEXT] + by_basis[DateBasis.FOOTNOTE] >= 155
    assert 0 < by_basis[DateBasis.OUTSIDE] < by_basis[DateBasis.PAPER]
    years = [e.date.year for e in case.events]
    assert min(years) <= 1999 and max(years) >= 2023
    # distinct: no two events share date, type, actors and passage
    keys = {(str(e.date), e.type, tuple(e.source_actors), e.locator.line) for e in case.events}
    assert len(keys) == len(case.events)


def test_every_event_is_cited_and_its_footnotes_are_sources(case) -> None:  # type: ignore[no-untyped-def]
    for e in case.events:
        assert e.citations, e.id
        for n in e.footnotes:
            assert f"fn-{n}" in e.citations


def test_all_138_footnotes_are_sources_with_a_status(case) -> None:  # type: ignore[no-untyped-def]
    notes = sorted((s for s in case.sources if s.kind is SourceKind.FOOTNOTE), key=lambda s: s.number or 0)
    assert [s.number for s in notes] == list(range(1, 139))
    statuses = {s.status for s in notes}
    assert SourceStatus.MISSING in statuses and SourceStatus.COMPLETE in statuses
    for s in notes:
        if s.status is not SourceStatus.MISSING:
            assert s.text and s.locator
        for u in s.urls:
            assert " " not in str(u)


def test_broken_urls_are_rejoined(case) -> None:  # type: ignore[no-untyped-def]
    fn4 = case.source("fn-4")
    assert "https://carnegieendowment.org/files/Rumer_PrimakovDoctrine_final1.pdf" in [str(u) for u in fn4.urls]


def test_at_least_40_quotations_with_known_speakers(case) -> None:  # type: ignore[no-untyped-def]
    assert len(case.quotations) >= 40
    for q in case.quotations:
        assert q.speaker in case.actors_by_id


@pytest.mark.parametrize(
    ("name", "actor_id"),
    [
        ("Moscow", "russia"),
        ("the Kremlin", "russia"),
        ("Belgrade", "serbia"),
        ("Pristina", "kosovo"),
        ("Prishtina", "kosovo"),
        ("Lavrov", "sergey-lavrov"),
    ],
)
def test_metonyms_and_aliases(case, name: str, actor_id: str) -> None:  # type: ignore[no-untyped-def]
    assert case.actor(name).id == actor_id


def test_the_agreements_and_resolutions_the_paper_relies_on(case) -> None:  # type: ignore[no-untyped-def]
    dates = {str(a.date) for a in case.agreements}
    for d in ("1999-06-09", "2013-04-19", "2015-08-25", "2020-09-04", "2023-02-27", "2023-03-18"):
        assert d in dates, d
    symbols = " ".join(d.symbol for d in case.documents)
    for s in ("1160", "1199", "1203", "1239", "1244", "63/3", "64/298"):
        assert s in symbols, s


def test_the_papers_errors_are_recorded_not_fixed(case) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(
        filter(
            None, [d.errata for d in case.documents] + [e.errata for e in case.events] + [s.note for s in case.sources]
        )
    )
    assert "1988" in text
    assert "64/292" in text


def test_moscow_and_russia_give_the_same_timeline_with_sources() -> None:
    runner = CliRunner()
    a = runner.invoke(app, ["timeline", "--actor", "Moscow", "--from", "2008", "--to", "2013", "--json"])
    b = runner.invoke(app, ["timeline", "--actor", "Russia", "--from", "2008", "--to", "2013", "--json"])
    assert a.exit_code == 0 and b.exit_code == 0, a.output
    rows = json.loads(a.output)
    assert rows == json.loads(b.output)
    assert len(rows) >= 10
    for r in rows:
        assert "russia" in r["source_actors"] + r["target_actors"]
        assert r["date"][:4] <= "2013" and (r["end_date"] or r["date"])[:4] >= "2008"  # intervals overlap
        assert r["sources"] and all(s["id"] in r["citations"] for s in r["sources"])


def test_russia_is_the_most_present_actor(case) -> None:  # type: ignore[no-untyped-def]
    counts = {a: len(timeline(case, actor=a)) for a in ("russia", "serbia", "kosovo", "eu")}
    assert counts["russia"] == max(counts.values())
