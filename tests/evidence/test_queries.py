"""Evidence queries on the synthetic mini case, whose answers are known by construction."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from dialoguelab.case import load_case
from dialoguelab.errors import InvalidParameterError, UnknownIdError
from dialoguelab.evidence import (
    actor_network,
    actor_profile,
    case_summary,
    event_detail,
    events_per_year,
    export_case,
    quotations_table,
    sources_table,
    timeline,
)
from dialoguelab.store import build_store, open_store

MINI = Path(__file__).resolve().parents[1] / "data" / "mini_case"


@pytest.fixture(scope="module")
def case():  # type: ignore[no-untyped-def]
    return load_case(MINI)


def ids(df: pd.DataFrame) -> list[str]:
    return list(df["id"])


def test_timeline_is_in_date_order(case) -> None:  # type: ignore[no-untyped-def]
    assert ids(timeline(case)) == [
        "ev-2008-02-17-norland-declares",
        "ev-2008-02-18-suria-rejects",
        "ev-2009-norland-talks",
        "ev-2009-03-03-ostia-veto-threat",
    ]


@pytest.mark.parametrize("name", ["ostia", "Ostia", "OSTIA", "Ostgrad", "OST"])
def test_aliases_resolve_to_the_same_events(case, name: str) -> None:  # type: ignore[no-untyped-def]
    assert ids(timeline(case, actor=name)) == ["ev-2008-02-18-suria-rejects", "ev-2009-03-03-ostia-veto-threat"]


def test_metonym_with_article(case) -> None:  # type: ignore[no-untyped-def]
    assert case.actor("the Palace").id == "suria"
    assert case.actor("Palace").id == "suria"


def test_role_filter(case) -> None:  # type: ignore[no-untyped-def]
    assert ids(timeline(case, actor="norland", role="target")) == [
        "ev-2008-02-18-suria-rejects",
        "ev-2009-03-03-ostia-veto-threat",
    ]
    assert ids(timeline(case, actor="norland", role="source")) == [
        "ev-2008-02-17-norland-declares",
        "ev-2009-norland-talks",
    ]


def test_date_bounds_use_intervals(case) -> None:  # type: ignore[no-untyped-def]
    # a year-precision event overlaps any month of its year
    assert ids(timeline(case, date_from="2009-06", date_to="2009-06")) == ["ev-2009-norland-talks"]
    assert ids(timeline(case, date_from="2008", date_to="2008")) == [
        "ev-2008-02-17-norland-declares",
        "ev-2008-02-18-suria-rejects",
    ]
    assert ids(timeline(case, date_to="2008-02-17")) == ["ev-2008-02-17-norland-declares"]


def test_type_footnote_text_and_limit(case) -> None:  # type: ignore[no-untyped-def]
    assert ids(timeline(case, event_type="threaten")) == ["ev-2009-03-03-ostia-veto-threat"]
    assert len(timeline(case, event_type="REJECT,THREATEN")) == 3
    assert ids(timeline(case, footnote=2)) == ["ev-2008-02-18-suria-rejects"]
    assert ids(timeline(case, text="VETO")) == ["ev-2009-03-03-ostia-veto-threat"]
    assert ids(timeline(case, text="100%")) == []  # LIKE wildcards are literal
    assert len(timeline(case, limit=2)) == 2


def test_date_basis_filter(case) -> None:  # type: ignore[no-untyped-def]
    assert ids(timeline(case, date_basis="context")) == ["ev-2008-02-18-suria-rejects"]
    assert len(timeline(case, date_basis="paper")) == 3
    assert len(timeline(case, date_basis="paper, context")) == 4
    assert timeline(case, date_basis="outside").empty
    assert set(timeline(case)["date_basis"]) == {"paper", "context"}


def test_case_restricted_to_where_dates_come_from(case, mini_case_dir: Path) -> None:  # type: ignore[no-untyped-def]
    paper_only = case.with_dates_from("paper")
    assert [e.id for e in paper_only.events] == [e.id for e in case.events if e.date_basis.value == "paper"]
    assert len(paper_only.events) == 3 and paper_only.content_hash != case.content_hash
    assert ids(timeline(paper_only)) == ids(timeline(case, date_basis="paper"))  # its own store
    assert case.with_dates_from(["paper", "context", "footnote", "outside"]) is case
    with pytest.raises(InvalidParameterError, match="'date_basis' parameter must be one or more of"):
        case.with_dates_from("rumour")
    # a quotation linked to a dropped event keeps its words and loses the link
    q = mini_case_dir / "quotations.yaml"
    q.write_text(
        q.read_text(encoding="utf-8") + "  event: ev-2008-02-18-suria-rejects\n", encoding="utf-8"
    )
    linked = load_case(mini_case_dir)
    assert linked.quotations[0].event == "ev-2008-02-18-suria-rejects"
    assert linked.with_dates_from("paper").quotations[0].event is None
    assert linked.with_dates_from("context").quotations[0].event == "ev-2008-02-18-suria-rejects"


def test_timeline_rows_carry_actors_and_citations(case) -> None:  # type: ignore[no-untyped-def]
    row = timeline(case, footnote=2).iloc[0]
    assert row["source_actors"] == ["ostia", "suria"]
    assert row["target_actors"] == ["norland"]
    assert row["citations"] == ["fn-2"] and row["footnotes"] == [2]
    assert row["precision"] == "day" and row["line"] == 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "observer"}, "'role' parameter must be one of"),
        ({"event_type": "HUG"}, "'event_type' parameter must be PLOVER types"),
        ({"date_from": "2009-13"}, "'date_from' parameter must be a date"),
        ({"date_from": "2010", "date_to": "2009"}, "is after 'date_to'"),
        ({"limit": 0}, "'limit' parameter must be an integer in [1, 10000]"),
        ({"footnote": -1}, "'footnote' parameter must be a positive integer"),
        ({"text": "x" * 500}, "'text' parameter is at most 200 characters"),
        ({"date_basis": "rumour"}, "'date_basis' parameter must be one or more of paper, context, footnote, outside"),
    ],
)
def test_bad_parameters(case, kwargs: dict, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidParameterError, match=message.replace("[", r"\[").replace("]", r"\]")):
        timeline(case, **kwargs)


def test_unknown_actor_suggests(case) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownIdError, match="Did you mean: ostia"):
        timeline(case, actor="Ostiaa")


def test_event_detail_links_quotations_by_date_and_affiliation(case) -> None:  # type: ignore[no-untyped-def]
    d = event_detail(case, "ev-2009-03-03-ostia-veto-threat")
    assert [q["id"] for q in d["quotations"]] == ["q-2009-03-03-envoy-precedent"]
    assert d["sources"][0]["id"] == "paper"
    assert event_detail(case, "ev-2008-02-17-norland-declares")["quotations"] == []
    with pytest.raises(UnknownIdError):
        event_detail(case, "ev-nope")


def test_actor_profile(case) -> None:  # type: ignore[no-untyped-def]
    p = actor_profile(case, "Ostgrad")
    assert p["actor"]["id"] == "ostia"
    assert [x["id"] for x in p["people"]] == ["ivan-envoy"]
    assert len(p["events"]) == 2
    assert list(p["quotations"]["id"]) == ["q-2009-03-03-envoy-precedent"]  # the envoy speaks for Ostia
    co = dict(zip(p["co_actors"]["id"], p["co_actors"]["shared_events"], strict=True))
    assert co == {"norland": 2, "suria": 1}


def test_quotations_by_speaker(case) -> None:  # type: ignore[no-untyped-def]
    assert len(quotations_table(case, speaker="Ivan Envoy")) == 1
    assert len(quotations_table(case, speaker="suria")) == 0


def test_network_weights(case) -> None:  # type: ignore[no-untyped-def]
    g = actor_network(case)
    assert isinstance(g, nx.Graph)
    assert g["norland"]["suria"]["weight"] == 3
    assert g["norland"]["ostia"]["weight"] == 2
    assert "ivan-envoy" not in g  # no events


def test_sources_table_links_events_and_status(case) -> None:  # type: ignore[no-untyped-def]
    df = sources_table(case).set_index("id")
    assert df.loc["fn-1", "events"] == ["ev-2008-02-17-norland-declares"]
    assert df.loc["paper", "n_events"] == 2
    assert df.loc["paper", "quotations"] == ["q-2009-03-03-envoy-precedent"]
    assert list(sources_table(case, status="missing")["id"]) == ["fn-3"]
    with pytest.raises(InvalidParameterError):
        sources_table(case, status="lost")


def test_summary_and_counts(case) -> None:  # type: ignore[no-untyped-def]
    s = case_summary(case)
    assert s["counts"]["events"] == 4 and s["counts"]["footnotes"] == 3
    assert s["footnote_status"] == {"complete": 2, "missing": 1}
    assert (s["first_event"], s["last_event"]) == ("2008-02-17", "2009-03-03")
    assert s["date_basis"] == {"paper": 3, "context": 1, "footnote": 0, "outside": 0}


def test_events_per_year(case) -> None:  # type: ignore[no-untyped-def]
    df = events_per_year(case)
    assert df.groupby("year")["events"].sum().to_dict() == {2008: 2, 2009: 2}


def test_store_is_built_once_and_atomically(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "db.duckdb"
    assert build_store(case, target) == target
    mtime = target.stat().st_mtime_ns
    build_store(case, target)
    assert target.stat().st_mtime_ns == mtime  # reused, not rebuilt
    assert [p.name for p in tmp_path.iterdir()] == ["db.duckdb"]  # no temporary file left


def test_store_is_rebuilt_when_the_case_changes(mini_case_dir: Path) -> None:
    a = load_case(mini_case_dir)
    f = mini_case_dir / "events" / "main.yaml"
    f.write_text(
        f.read_text(encoding="utf-8").replace("Ostia threatens to veto", "Ostia vows to veto"), encoding="utf-8"
    )
    b = load_case(mini_case_dir)
    assert a.content_hash != b.content_hash
    assert open_store(a).path != open_store(b).path
    assert timeline(b, text="vows")["id"].tolist() == ["ev-2009-03-03-ostia-veto-threat"]


def test_in_memory_store_matches(case) -> None:  # type: ignore[no-untyped-def]
    mem = open_store(case, in_memory=True).table("events")
    disk = open_store(case).table("events")
    pd.testing.assert_frame_equal(mem, disk)


def test_export_writes_every_format(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "export"
    paths = {p.name for p in export_case(case, out)}
    assert {"events.csv", "events.parquet", "events.json", "network.graphml"} <= paths
    events = pd.read_parquet(out / "events.parquet")
    assert len(events) == 4
    assert nx.read_graphml(out / "network.graphml").number_of_nodes() == 3
    with pytest.raises(InvalidParameterError, match="not empty"):
        export_case(case, out)
    with pytest.raises(InvalidParameterError, match="'formats'"):
        export_case(case, tmp_path / "x", formats=("xlsx",))
    assert not (tmp_path / "x").exists()
