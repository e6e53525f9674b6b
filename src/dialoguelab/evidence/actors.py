"""Actor profiles, quotations and the network of actors who appear in the same events."""

from __future__ import annotations

__all__ = ["actor_profile", "actors_table", "quotations_table", "actor_network", "co_actors"]

from typing import Any

import networkx as nx
import pandas as pd

from dialoguelab.case import Case
from dialoguelab.evidence._params import check_text
from dialoguelab.evidence.timeline import timeline
from dialoguelab.store import open_store


def actors_table(case: Case, *, actor_type: str | None = None) -> pd.DataFrame:
    """Every actor with its type, ISO code, aliases and number of events."""
    sql = """
        SELECT a.id, a.name, a.type, a.iso3, a.affiliation, a.aliases,
               (SELECT count(DISTINCT event_id) FROM event_actors x WHERE x.actor_id = a.id) AS events,
               (SELECT count(*) FROM quotations q WHERE q.speaker = a.id) AS quotations
        FROM actors a {where} ORDER BY events DESC, a.name
    """
    params: list[Any] = []
    where = ""
    if actor_type:
        where = "WHERE a.type = ?"
        params.append(actor_type)
    df = open_store(case).query(sql.format(where=where), params)
    df["aliases"] = df["aliases"].map(list)
    return df


def quotations_table(case: Case, *, speaker: str | None = None, text: str | None = None) -> pd.DataFrame:
    """Quotations with speaker name, date, words and citations; optionally one speaker's (aliases resolve)."""
    clauses, params = [], []
    if check_text("speaker", speaker):
        assert speaker is not None
        actor = case.actor(speaker)
        ids = [actor.id] + [a.id for a in case.actors if a.affiliation == actor.id and actor.type.value == "state"]
        clauses.append(f"q.speaker IN ({', '.join('?' for _ in ids)})")
        params += ids
    text = check_text("text", text)
    if text:
        clauses.append("q.text ILIKE ?")
        params.append(f"%{text}%")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    df = open_store(case).query(
        f"""
        SELECT q.id, q.date, q.speaker, a.name AS speaker_name, q.text, q.context, q.event_id, q.line,
          coalesce((SELECT list(source_id ORDER BY source_id) FROM quotation_citations c
                    WHERE c.quotation_id = q.id), []) AS citations
        FROM quotations q LEFT JOIN actors a ON a.id = q.speaker {where}
        ORDER BY q.first_day NULLS LAST, q.id
        """,
        params,
    )
    df["citations"] = df["citations"].map(list)
    return df


def co_actors(case: Case, name: str) -> pd.DataFrame:
    """Actors appearing in the same events as ``name``, with the number of shared events."""
    actor = case.actor(name)
    return open_store(case).query(
        """
        SELECT b.actor_id AS id, x.name, x.type, count(DISTINCT b.event_id) AS shared_events
        FROM event_actors a JOIN event_actors b ON a.event_id = b.event_id AND b.actor_id <> a.actor_id
        JOIN actors x ON x.id = b.actor_id
        WHERE a.actor_id = ? GROUP BY ALL ORDER BY shared_events DESC, x.name
        """,
        [actor.id],
    )


def actor_profile(case: Case, name: str) -> dict[str, Any]:
    """An actor's record, roles with tenures, events, quotations and co-occurring actors.

    ``name`` may be an id, a name, an alias or a metonym (``"the Kremlin"``).
    """
    actor = case.actor(name)
    people = [a for a in case.actors if a.affiliation == actor.id]
    return {
        "actor": actor.model_dump(mode="json", exclude_none=True),
        "roles": [r.model_dump(mode="json", exclude_none=True) for r in actor.roles],
        "people": [{"id": p.id, "name": p.name} for p in people],
        "events": timeline(case, actor=actor.id),
        "quotations": quotations_table(case, speaker=actor.id),
        "co_actors": co_actors(case, actor.id),
    }


def actor_network(case: Case, *, min_shared: int = 1) -> nx.Graph:
    """Undirected graph of actors; an edge's ``weight`` counts the events two actors share.

    Nodes carry ``name``, ``type`` and ``events`` (their number of events).
    """
    store = open_store(case)
    g: nx.Graph = nx.Graph()
    for row in actors_table(case).itertuples():
        if row.events:
            g.add_node(row.id, name=row.name, type=row.type, events=int(row.events))  # type: ignore[arg-type]
    pairs = store.query(
        """
        SELECT a.actor_id AS u, b.actor_id AS v, count(DISTINCT a.event_id) AS w
        FROM event_actors a JOIN event_actors b ON a.event_id = b.event_id AND a.actor_id < b.actor_id
        GROUP BY ALL HAVING count(DISTINCT a.event_id) >= ?
        """,
        [min_shared],
    )
    for r in pairs.itertuples():
        g.add_edge(r.u, r.v, weight=int(r.w))  # type: ignore[arg-type]
    return g
