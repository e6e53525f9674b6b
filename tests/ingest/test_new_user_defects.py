"""Defects a new user found in ``ingest``, each fixed in the general rule that caused it.

The document below is the kind they ingested (a short news digest). Each test failed before its fix:

* a heading was taken for an event (a title line has a date and an actor, but reports nothing);
* "would not agree to a UN seat" was typed AGREE (a negated trigger reported the event it denies);
* "armed Serbs attacked Kosovo police" made Kosovo the attacker (an unknown subject let the verb's object
  become the source);
* "Vučić and Kosovo's Prime Minister Albin Kurti" was proposed as one new actor (names joined by "and",
  and a known name with a title before a person, were read as one name).
"""

from __future__ import annotations

from dialoguelab.ingest.actors import Gazetteer
from dialoguelab.ingest.candidates import Candidate, extract_candidates
from dialoguelab.ingest.document import parse_html, parse_text

DIGEST = """Serbia and the UN seat in 2023

On March 18, 2023, Vučić said that Serbia would not agree to a UN seat for Kosovo.

On September 24, 2023, armed Serbs attacked Kosovo police in Banjska.

On February 27, 2023, Vučić and Kosovo's Prime Minister Albin Kurti met in Brussels.
"""


def candidates(text: str, gaz: Gazetteer, name: str = "digest.txt") -> dict[int, Candidate]:
    result = extract_candidates(parse_text(text, name), gaz)
    return {c.line: c for c in result.candidates}


# ------------------------------------------------------------------------------------- headings


def test_a_heading_is_not_an_event(seed_gazetteer: Gazetteer) -> None:
    found = candidates(DIGEST, seed_gazetteer)
    assert 1 not in found  # "Serbia and the UN seat in 2023"
    assert sorted(found) == [3, 5, 7]


def test_html_headings_are_not_events(seed_gazetteer: Gazetteer) -> None:
    html = (
        "<html><body><h2>Serbia and the UN in 2023</h2>"
        "<p>On March 18, 2023, Serbia rejected a UN seat for Kosovo.</p></body></html>"
    )
    doc = parse_html(html, "digest.html")
    assert [p.heading for p in doc.paragraphs] == [True, False]
    result = extract_candidates(doc, seed_gazetteer)
    assert [c.line for c in result.candidates] == [2] and result.stats["headings"] == 1


def test_a_short_last_line_of_a_sentence_is_not_a_heading(seed_gazetteer: Gazetteer) -> None:
    text = (
        "On March 18, 2023, after a long meeting in Brussels that lasted the whole afternoon,\n"
        "Serbia rejected the plan.\n"
        "Kosovo welcomed it on March 19, 2023, in a statement issued by its government late.\n"
    )
    assert [c.line for c in candidates(text, seed_gazetteer).values()] == [1, 3]
