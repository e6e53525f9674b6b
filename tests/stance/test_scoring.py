"""The scoring table: its derivation from the published sources, its order and its validation."""

from __future__ import annotations

import math

import pytest

from dialoguelab.case import EventType
from dialoguelab.errors import InvalidParameterError
from dialoguelab.stance.scoring import (
    PLOVER_PUBLISHED,
    SCALES,
    cameo_table,
    scoring_table,
    type_score,
    type_scores,
)

COOPERATIVE = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"]
CONFLICTUAL = [
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
]


@pytest.mark.parametrize("scale", SCALES)
def test_every_plover_type_has_a_score_on_goldsteins_range(scale: str) -> None:
    t = scoring_table(scale)
    assert list(t.type) == [e.value for e in EventType]
    assert t.score.between(-10, 10).all()
    assert t.derivation.str.len().min() > 10


def test_goldstein_scale_is_the_mean_weight_of_the_mapped_cameo_codes() -> None:
    cameo = cameo_table()
    for et in EventType:
        weights = [
            w
            for p, w in zip(cameo.plover, cameo.goldstein, strict=True)
            if p == et.value and not math.isnan(w)
        ]
        assert weights, et
        assert type_score(et) == pytest.approx(sum(weights) / len(weights), abs=0.005)


def test_reference_values_from_the_sources() -> None:
    # GDELT CAMEO.goldsteinscale.txt: 057 Sign formal agreement +8.0, 190 Use conventional force -10.0;
    # CAMEO2PLOVER-2021: 057 -> SUPPORT, 190 -> ASSAULT, DEMAND (10x) -> REQUEST, all DEMAND codes weigh -5.0.
    cameo = cameo_table().set_index("code")
    assert cameo.loc["057", "plover"] == "SUPPORT" and cameo.loc["057", "goldstein"] == 8.0
    assert cameo.loc["190", "plover"] == "ASSAULT" and cameo.loc["190", "goldstein"] == -10.0
    assert type_score("REQUEST") == -5.0
    assert type_score("MOBILIZE") == pytest.approx(-7.2)  # codes 150-154 all weigh -7.2
    # the two codes without a Goldstein weight are kept but left out of the mean
    assert sorted(cameo.index[cameo.goldstein.isna()]) == ["1213", "1214"]


@pytest.mark.parametrize("scale", SCALES)
def test_signs_follow_plovers_cooperation_conflict_split(scale: str) -> None:
    s = type_scores(scale)
    assert all(s[t] > 0 for t in COOPERATIVE)
    assert all(s[t] <= 0 for t in CONFLICTUAL)
    assert min(s, key=s.__getitem__) == "ASSAULT"


def test_plover_scale_is_the_published_table_with_the_accuse_correction() -> None:
    t = scoring_table("plover").set_index("type")
    for k, v in PLOVER_PUBLISHED.items():
        if k != "ACCUSE":
            assert t.loc[k, "score"] == v and bool(t.loc[k, "published"])
    assert PLOVER_PUBLISHED["ACCUSE"] == 3.0
    assert t.loc["ACCUSE", "score"] == -2.0 and not t.loc["ACCUSE", "published"]
    assert "contradicts" in t.loc["ACCUSE", "errata"]
    assert not scoring_table("goldstein").published.any()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: scoring_table("weis"), "'scale' parameter must be one of goldstein, plover"),
        (lambda: type_score("HUG"), "'event_type' parameter must be a PLOVER type"),
        (lambda: type_score("AGREE", scale=3), "'scale' parameter"),  # type: ignore[arg-type]
    ],
)
def test_bad_input_is_rejected_with_the_fix(call, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        call()
