"""Blocs, scored events and series on the synthetic case with a known answer."""

from __future__ import annotations

import numpy as np
import pytest

from dialoguelab.case import load_case
from dialoguelab.errors import CaseError, CaseValidationError, InvalidParameterError
from dialoguelab.stance.blocs import actor_bloc, load_blocs
from dialoguelab.stance.scoring import type_score
from dialoguelab.stance.series import bootstrap_mean_ci, scored_events, stance_series


def test_blocs_follow_lists_affiliations_and_dated_membership(make_case, steps) -> None:
    case = load_case(make_case(steps(), membership=True))
    assert actor_bloc(case, "minister", "2000") == "russia"  # minister -> envoy -> rusland
    assert actor_bloc(case, "mediator", "2000") == "process"
    # farland is POL: a NATO member from 12 March 1999 (the world's member list gives the day)
    assert actor_bloc(case, "farland", "1999-03-11") == "other"
    assert actor_bloc(case, "farland", "1999-03-12") == "west"
    assert actor_bloc(case, "georgland", "2000") == "other"


def test_scored_events_read_direction_and_topic(make_case, steps) -> None:
    case = load_case(make_case(steps()))
    proc = scored_events(case, "russia-process")
    other = scored_events(case, "russia-west-other")
    assert len(proc) == 40 and len(other) == 20
    assert set(proc.id).isdisjoint(other.id)  # the topic split shares no event
    assert set(proc.relation) == {"directed"}
    assert proc[proc.year < 2000].score.eq(type_score("COOPERATE")).all()
    assert proc[proc.year >= 2000].score.eq(type_score("THREATEN")).all()
    everything = scored_events(case, "russia-west")
    assert set(everything.id) == set(other.id)  # no Kosovo-topic event targets the West here


def test_joint_acts_and_alignment(make_case, ev) -> None:
    events = [
        ev("ev-a", "2001-01-01", "COOPERATE", ["serbland", "envoy"], []),  # joint with Rusland: +COOPERATE
        ev("ev-b", "2001-02-01", "MOBILIZE", ["serbland", "rusland"], ["kosland"]),  # joint conflict: AGREE
        ev("ev-c", "2001-03-01", "REJECT", ["serbland"], ["union"]),  # rejecting the West leans to Rusland
        ev("ev-d", "2001-04-01", "AGREE", ["serbland"], ["westland"]),  # agreeing with the West leans away
    ]
    case = load_case(make_case(events))
    s = scored_events(case, "serbia-alignment").set_index("id")
    assert s.loc["ev-a", "score"] == pytest.approx(type_score("COOPERATE"))
    assert s.loc["ev-a", "relation"] == "joint:russia"
    assert s.loc["ev-b", "score"] == pytest.approx(type_score("AGREE"))
    assert s.loc["ev-c", "score"] == pytest.approx(-type_score("REJECT"))
    assert s.loc["ev-d", "score"] == pytest.approx(-type_score("AGREE"))


def test_series_by_year_has_the_known_means_counts_and_gaps(make_case, steps) -> None:
    case = load_case(make_case(steps()))
    s = stance_series(case, "russia-process", start=1988)
    assert list(s.start) == list(range(1988, 2010))
    y = s.set_index("start")
    assert y.loc[1988, "n"] == 0 and np.isnan(y.loc[1988, "mean"]) and y.loc[1988, "sparse"]
    assert y.loc[1995, "n"] == 2 and y.loc[1995, "mean"] == pytest.approx(type_score("COOPERATE"))
    # two identical scores: the bootstrap interval collapses on them; n=2 < 3 is flagged sparse
    assert y.loc[1995, "lo"] == pytest.approx(y.loc[1995, "hi"]) and y.loc[1995, "sparse"]
    assert y.loc[2005, "mean"] == pytest.approx(type_score("THREATEN"))


def test_windows_pool_years_and_single_events_get_no_interval(make_case, steps, ev) -> None:
    events = steps() + [ev("ev-lone", "2012-06-01", "ACCUSE", ["rusland"], ["kosland"])]
    case = load_case(make_case(events))
    w = stance_series(case, "russia-process", window=5, start=1990, end=2014)
    assert list(w.label) == ["1990–1994", "1995–1999", "2000–2004", "2005–2009", "2010–2014"]
    assert list(w.n) == [10, 10, 10, 10, 1]
    last = w.iloc[-1]
    assert np.isnan(last["lo"]) and np.isnan(last["hi"]) and last["sparse"]
    assert not w.iloc[0]["sparse"]


def test_bootstrap_interval_covers_the_mean_and_is_reproducible() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(2.0, 1.0, 40)
    lo, hi = bootstrap_mean_ci(x, seed=3)
    assert lo < x.mean() < hi
    assert (lo, hi) == bootstrap_mean_ci(list(x), seed=3)  # list and array give the same answer
    assert bootstrap_mean_ci(x, seed=4) != (lo, hi)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"series": "russia-moon"}, "'series' parameter must be one of"),
        ({"window": 0}, "'window' parameter must be an integer in \\[1, 50\\]"),
        ({"window": True}, "'window' parameter"),
        ({"start": 2005, "end": 2000}, "before the 'start' year"),
        ({"scale": "weis"}, "'scale' parameter"),
    ],
)
def test_series_parameters_are_validated(make_case, steps, kwargs, match) -> None:
    case = load_case(make_case(steps()))
    with pytest.raises(InvalidParameterError, match=match):
        stance_series(case, **{"series": "russia-process", **kwargs})


def test_bloc_table_errors_name_the_fix(make_case, steps) -> None:
    root = make_case(steps())
    (root / "blocs.yaml").write_text("blocs:\n  - {id: russia, name: R, actors: [nobody]}\n")
    with pytest.raises(CaseValidationError, match="unknown actor id 'nobody'"):
        load_blocs(load_case(root))
    (root / "blocs.yaml").unlink()
    with pytest.raises(CaseError, match="blocs.yaml"):
        load_blocs(load_case(root))
