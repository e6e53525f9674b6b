"""The gazetteer (aliases, metonyms, demonyms, diacritics), new-actor candidates and the classifier."""

from __future__ import annotations

import pytest

from dialoguelab.ingest.actors import Gazetteer, new_actor_candidates
from dialoguelab.ingest.classify import RULES, classify


def ids(g: Gazetteer, text: str) -> list[str]:
    return [m.actor_id for m in g.find(text)]


def test_aliases_and_metonyms(small_gazetteer: Gazetteer) -> None:
    assert ids(small_gazetteer, "Moscow and the Kremlin backed Belgrade against Pristina") == [
        "russia",
        "russia",
        "serbia",
        "kosovo",
    ]


def test_longest_match_and_diacritics(small_gazetteer: Gazetteer) -> None:
    assert ids(small_gazetteer, "the UN Security Council met") == ["un-security-council"]
    assert ids(small_gazetteer, "Vučiċ and Vucic") == ["aleksandar-vucic", "aleksandar-vucic"]


def test_demonyms_are_weaker(small_gazetteer: Gazetteer) -> None:
    ms = small_gazetteer.find("Russian Foreign Minister Lavrov")
    assert [(m.actor_id, m.kind) for m in ms] == [("russia", "demonym"), ("sergey-lavrov", "alias")]
    assert ms[0].confidence < ms[1].confidence


def test_case_matters_for_short_aliases(small_gazetteer: Gazetteer) -> None:
    assert ids(small_gazetteer, "the eu and the EU") == ["eu"]


def test_new_actor_candidates(small_gazetteer: Gazetteer) -> None:
    sents = [
        ("The Constitutional Court of Kosovo ruled, and President Hashim Thaçi met Putin.", 10),
        ("Later Hashim Thaçi spoke with Kosovo and Serbia officials.", 12),
    ]
    found = {c.name: c.count for c in new_actor_candidates(sents, small_gazetteer)}
    assert found["Hashim Thaçi"] == 2
    assert "Constitutional Court of Kosovo" in found
    assert "Kosovo and Serbia" not in found and "Putin" not in found and "President" not in found


def test_gazetteer_payload_roundtrip(small_gazetteer: Gazetteer) -> None:
    g2 = Gazetteer.from_payload(small_gazetteer.to_payload())
    assert ids(g2, "Moscow and Brussels") == ids(small_gazetteer, "Moscow and Brussels")


@pytest.mark.parametrize(
    "text, etype",
    [
        ("Russia threatened to use a veto to block Kosovo", "THREATEN"),
        ("Kosovo and Serbia signed the agreement", "AGREE"),
        ("Kosovo and Serbia agreed on the principles", "AGREE"),
        ("Lavrov condemned the EU", "ACCUSE"),
        ("Putin met Vučić in Sochi", "CONSULT"),
        ("Lavrov visited Belgrade", "CONSULT"),
        ("Russia invaded Ukraine", "ASSAULT"),
        ("Serbia rejected the plan", "REJECT"),
        ("Russia supported Serbia", "SUPPORT"),
        ("The Security Council imposed an arms embargo on Serbia", "SANCTION"),
        ("Serbia and Russia held the joint military exercise Srem", "COOPERATE"),
        ("Russia held air defence drills with Serbia", "COOPERATE"),
        ("Serbia staged a military parade in Belgrade", "MOBILIZE"),
        ("Russia deployed troops near the border", "MOBILIZE"),
    ],
)
def test_classifier_table(small_gazetteer: Gazetteer, text: str, etype: str) -> None:
    c = classify(text, small_gazetteer.find(text))
    assert c.type is not None and c.type.value == etype and 0 < c.confidence <= 1


def test_source_and_target_by_position_and_passive(small_gazetteer: Gazetteer) -> None:
    t = "Russia threatened Kosovo"
    c = classify(t, small_gazetteer.find(t))
    assert c.source_actors == ("russia",) and c.target_actors == ("kosovo",)
    t = "Kosovo was condemned by Russia"
    c = classify(t, small_gazetteer.find(t))
    assert c.source_actors == ("russia",) and c.target_actors == ("kosovo",)


def test_no_rule_means_no_type(small_gazetteer: Gazetteer) -> None:
    c = classify("Serbia and Kosovo in the spring", small_gazetteer.find("Serbia and Kosovo in the spring"))
    assert c.type is None and c.confidence == 0.0


def test_ambiguity_lowers_confidence(small_gazetteer: Gazetteer) -> None:
    plain = classify("Russia threatened Kosovo", [])
    mixed = classify("Russia threatened Kosovo and signed a deal and met Serbia", [])
    assert mixed.confidence < plain.confidence


def test_every_rule_compiles_and_has_an_example() -> None:
    for r in RULES:
        assert r.compiled() is not None and r.example
