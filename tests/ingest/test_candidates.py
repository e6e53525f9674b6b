"""Candidate events on the seed paper and on small texts: dates, actors, footnotes, quotations, locators."""

from __future__ import annotations

from pathlib import Path

from dialoguelab.case import load_case
from dialoguelab.case.paper import PaperText
from dialoguelab.case.schema import Locator
from dialoguelab.ingest.actors import Gazetteer
from dialoguelab.ingest.candidates import extract_candidates, ingest_document, split_sentences
from dialoguelab.ingest.document import parse_text


def test_split_sentences_keeps_abbreviations() -> None:
    t = "The U.S. Envoy Richard Holbrooke met him on June 3. Then George W. Bush spoke. See p. 12 here."
    assert [t[a:b] for a, b in split_sentences(t)] == [
        "The U.S. Envoy Richard Holbrooke met him on June 3.",
        "Then George W. Bush spoke.",
        "See p. 12 here.",
    ]


def test_relative_dates_absorbed_next_to_absolute(small_gazetteer: Gazetteer) -> None:
    text = (
        "NATO struck Serbia on March 24, 1999. Two days later, on March 26, 1999, the UNSC rejected "
        "a Russian draft. The next day Putin met Lavrov in Moscow.\n"
    )
    res = extract_candidates(parse_text(text, "t.txt"), small_gazetteer)
    dates = [(c.date, c.date_kind) for c in res.candidates]
    assert dates == [("1999-03-24", "absolute"), ("1999-03-26", "absolute"), ("1999-03-27", "relative")]
    assert res.stats["absorbed_relative"] == 1
    assert "resolved against 1999-03-26" in (res.candidates[2].date_note or "")


def test_inconsistent_relative_date_is_noted(small_gazetteer: Gazetteer) -> None:
    text = (
        "Lavrov spoke on January 14, 2022. Just one day after these statements, on February 15, 2022, "
        "Putin met Vučić.\n"
    )
    res = extract_candidates(parse_text(text, "t.txt"), small_gazetteer)
    feb = next(c for c in res.candidates if c.date == "2022-02-15")
    assert "check the source" in (feb.date_note or "")


def test_offset_from_a_named_event_is_not_resolved_against_the_last_date(small_gazetteer: Gazetteer) -> None:
    text = (
        "Putin met Vučić on September 26, 2023.\n\n"
        "Few weeks after the beginning of the dialogue, Lavrov visited Belgrade. "
        "Two days later Putin met Lavrov in Moscow.\n"
    )
    res = extract_candidates(parse_text(text, "t.txt"), small_gazetteer)
    # the first offset counts from an event the text does not date: no guessed 2023 date for it
    assert [c.date for c in res.candidates] == ["2023-09-26", "2023-09-28"]
    assert res.stats["relative_named_referent"] == 1


def test_one_candidate_per_date_with_its_clause_actors(small_gazetteer: Gazetteer) -> None:
    text = "Serbia signed a deal with the EU in July 2014, and Putin visited Pristina on October 22, 2015.\n"
    res = extract_candidates(parse_text(text, "t.txt"), small_gazetteer)
    by_date = {c.date: c for c in res.candidates}
    assert set(by_date) == {"2014-07", "2015-10-22"}
    assert set(by_date["2014-07"].actors) == {"serbia", "eu"}
    assert set(by_date["2015-10-22"].actors) == {"vladimir-putin", "kosovo"}


def test_quotation_with_speaker(small_gazetteer: Gazetteer) -> None:
    text = "On February 23, 2008 Putin called the declaration a “terrible precedent” for Europe.\n"
    c = extract_candidates(parse_text(text, "t.txt"), small_gazetteer).candidates[0]
    assert c.quotations[0]["text"] == "terrible precedent"
    assert c.quotations[0]["speaker_id"] == "vladimir-putin"


def test_dated_sentence_without_actor_is_not_a_candidate(small_gazetteer: Gazetteer) -> None:
    res = extract_candidates(
        parse_text("It rained heavily on June 1, 2001 in the valley.\n", "t.txt"), small_gazetteer
    )
    assert res.candidates == [] and res.stats["dated_sentences_without_actor"] == 1


def test_seed_candidates_have_valid_locators_and_footnotes(
    seed_paper: Path, seed_gazetteer: Gazetteer
) -> None:
    res = ingest_document(seed_paper, seed_gazetteer)
    paper = PaperText.read(seed_paper)
    assert len(res.candidates) > 100
    for c in res.candidates:
        assert c.locator_ok
        assert paper.check(Locator(**c.locator)) is None
    icj = next(c for c in res.candidates if c.date == "2008-10")  # "October 200836": marker glued to the year
    assert [f["number"] for f in icj.footnotes] == [36]
    assert icj.footnotes[0]["text"].startswith("UNGA, A/Res/63/3")
    crimea = [c for c in res.candidates if c.date == "2023-02" and c.date_kind == "relative"]
    assert crimea and "resolved against 2023-02-27" in (crimea[0].date_note or "")


def test_links_to_existing_events(mini_case_dir: Path) -> None:
    case = load_case(mini_case_dir)
    res = ingest_document(mini_case_dir / "paper.txt", Gazetteer.from_case(case), case.events)
    linked = [c for c in res.candidates if c.links]
    assert [(c.date, c.links) for c in linked] == [("2009-03-03", ["ev-2009-03-03-ostia-veto-threat"])]
    assert res.stats["linked"] == 1
