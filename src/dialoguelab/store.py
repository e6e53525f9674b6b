"""The embedded store: a DuckDB database built from a :class:`~dialoguelab.case.Case`.

The database is built once per case content (the file name carries the case's content hash),
written aside and renamed into place, so a reader never sees half a database; it is then opened
read-only, which lets many processes read at once (DuckDB allows one writer *or* many readers).
"""

from __future__ import annotations

__all__ = ["Store", "open_store", "build_store", "cache_dir", "TABLES"]

import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dialoguelab.cachedir import cache_dir
from dialoguelab.case import Case

TABLES = (
    "actors",
    "actor_names",
    "roles",
    "sources",
    "events",
    "event_actors",
    "event_citations",
    "event_footnotes",
    "quotations",
    "quotation_citations",
    "agreements",
    "documents",
)

_SCHEMA_VERSION = "3"


def _frames(case: Case) -> dict[str, pd.DataFrame]:
    lines = case.lines
    actors = pd.DataFrame(
        [
            {
                "id": a.id,
                "name": a.name,
                "type": a.type.value,
                "iso3": a.iso3,
                "affiliation": a.affiliation,
                "description": a.description,
                "aliases": list(a.aliases),
            }
            for a in case.actors
        ],
        columns=["id", "name", "type", "iso3", "affiliation", "description", "aliases"],
    )
    names = [
        {"name": n.casefold(), "actor_id": act.id}
        for act in case.actors
        for n in {act.id, act.name, *act.aliases, *([act.iso3] if act.iso3 else [])}
    ]
    roles = [
        {
            "actor_id": a.id,
            "title": r.title,
            "organization": r.organization,
            "start": str(r.start) if r.start else None,
            "end": str(r.end) if r.end else None,
        }
        for a in case.actors
        for r in a.roles
    ]
    sources = [
        {
            "id": s.id,
            "kind": s.kind.value,
            "number": s.number,
            "status": s.status.value if s.status else None,
            "text": s.text,
            "title": s.title,
            "author": s.author,
            "publisher": s.publisher,
            "date": str(s.date) if s.date else None,
            "urls": [str(u) for u in s.urls],
            "line": s.locator.line if s.locator else None,
            "note": s.note,
            "verified": s.verified,
        }
        for s in case.sources
    ]
    events, ev_actors, ev_cit, ev_fn = [], [], [], []
    for e in case.events:
        last = (e.end_date or e.date).last_day()
        events.append(
            {
                "id": e.id,
                "date": str(e.date),
                "precision": e.date.precision.value,
                "end_date": str(e.end_date) if e.end_date else None,
                "first_day": e.date.first_day(),
                "last_day": last,
                "year": e.date.year,
                "type": e.type.value,
                "summary": e.summary,
                "line": e.locator.line,
                "anchor": e.locator.anchor,
                "date_note": e.date_note,
                "date_basis": e.date_basis.value,
                "errata": e.errata,
                "tags": list(e.tags),
                "file": lines.get(f"events:{e.id}", ("", 0))[0],
                # denormalised for the timeline (the link tables below serve joins and exports)
                "source_actors": sorted(e.source_actors),
                "target_actors": sorted(e.target_actors),
                "footnotes": sorted(e.footnotes),
                "citations": sorted(e.citations),
            }
        )
        for a in e.source_actors:
            ev_actors.append({"event_id": e.id, "actor_id": a, "role": "source"})
        for a in e.target_actors:
            ev_actors.append({"event_id": e.id, "actor_id": a, "role": "target"})
        ev_cit += [{"event_id": e.id, "source_id": c} for c in e.citations]
        ev_fn += [{"event_id": e.id, "number": n} for n in e.footnotes]
    quotes, q_cit = [], []
    for q in case.quotations:
        quotes.append(
            {
                "id": q.id,
                "speaker": q.speaker,
                "date": str(q.date) if q.date else None,
                "first_day": q.date.first_day() if q.date else None,
                "text": q.text,
                "event_id": q.event,
                "context": q.context,
                "line": q.locator.line,
            }
        )
        q_cit += [{"quotation_id": q.id, "source_id": c} for c in q.citations]
    agreements = [
        {
            "id": g.id,
            "title": g.title,
            "date": str(g.date),
            "first_day": g.date.first_day(),
            "place": g.place,
            "parties": list(g.parties),
            "facilitators": list(g.facilitators),
            "summary": g.summary,
            "status": g.status,
            "citations": list(g.citations),
            "errata": g.errata,
            "line": g.locator.line if g.locator else None,
        }
        for g in case.agreements
    ]
    documents = [
        {
            "id": d.id,
            "body": d.body,
            "symbol": d.symbol,
            "kind": d.kind,
            "date": str(d.date),
            "first_day": d.date.first_day(),
            "title": d.title,
            "summary": d.summary,
            "votes_yes": (d.votes or {}).get("yes"),
            "votes_no": (d.votes or {}).get("no"),
            "votes_abstain": (d.votes or {}).get("abstain"),
            "citations": list(d.citations),
            "errata": d.errata,
            "line": d.locator.line if d.locator else None,
        }
        for d in case.documents
    ]

    def df(rows: list[dict[str, Any]], cols: list[str]) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=cols)

    return {
        "actors": actors,
        "actor_names": df(names, ["name", "actor_id"]),
        "roles": df(roles, ["actor_id", "title", "organization", "start", "end"]),
        "sources": df(
            sources,
            [
                "id",
                "kind",
                "number",
                "status",
                "text",
                "title",
                "author",
                "publisher",
                "date",
                "urls",
                "line",
                "note",
                "verified",
            ],
        ),
        "events": df(
            events,
            [
                "id",
                "date",
                "precision",
                "end_date",
                "first_day",
                "last_day",
                "year",
                "type",
                "summary",
                "line",
                "anchor",
                "date_note",
                "date_basis",
                "errata",
                "tags",
                "file",
                "source_actors",
                "target_actors",
                "footnotes",
                "citations",
            ],
        ),
        "event_actors": df(ev_actors, ["event_id", "actor_id", "role"]),
        "event_citations": df(ev_cit, ["event_id", "source_id"]),
        "event_footnotes": df(ev_fn, ["event_id", "number"]),
        "quotations": df(quotes, ["id", "speaker", "date", "first_day", "text", "event_id", "context", "line"]),
        "quotation_citations": df(q_cit, ["quotation_id", "source_id"]),
        "agreements": df(
            agreements,
            [
                "id",
                "title",
                "date",
                "first_day",
                "place",
                "parties",
                "facilitators",
                "summary",
                "status",
                "citations",
                "errata",
                "line",
            ],
        ),
        "documents": df(
            documents,
            [
                "id",
                "body",
                "symbol",
                "kind",
                "date",
                "first_day",
                "title",
                "summary",
                "votes_yes",
                "votes_no",
                "votes_abstain",
                "citations",
                "errata",
                "line",
            ],
        ),
    }


_TYPES = {
    "first_day": "DATE",
    "last_day": "DATE",
    "number": "INTEGER",
    "line": "INTEGER",
    "year": "INTEGER",
    "votes_yes": "INTEGER",
    "votes_no": "INTEGER",
    "votes_abstain": "INTEGER",
    "verified": "BOOLEAN",
    "urls": "VARCHAR[]",
    "aliases": "VARCHAR[]",
    "tags": "VARCHAR[]",
    "parties": "VARCHAR[]",
    "facilitators": "VARCHAR[]",
    "citations": "VARCHAR[]",
    "source_actors": "VARCHAR[]",
    "target_actors": "VARCHAR[]",
    "footnotes": "INTEGER[]",
}


def _load_into(con: duckdb.DuckDBPyConnection, case: Case) -> None:
    for name, frame in _frames(case).items():
        cols = ", ".join(f'"{c}" {_TYPES.get(c, "VARCHAR")}' for c in frame.columns)
        con.execute(f'CREATE TABLE "{name}" ({cols})')
        if len(frame):
            con.register("_frame", frame)
            con.execute(f'INSERT INTO "{name}" SELECT * FROM _frame')
            con.unregister("_frame")
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("case_id", case.meta.id), ("content_hash", case.content_hash), ("schema_version", _SCHEMA_VERSION)],
    )


def build_store(case: Case, path: Path | None = None, *, force: bool = False) -> Path:
    """Build the case's DuckDB file if it is not already built for this content; return its path.

    The file is written to a temporary name in the same folder and renamed into place.
    """
    target = path or cache_dir() / f"{case.meta.id}-{case.content_hash[:16]}-v{_SCHEMA_VERSION}.duckdb"
    if target.exists() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # DuckDB wants to create the file itself
    try:
        con = duckdb.connect(str(tmp))
        try:
            _load_into(con, case)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            if leftover.exists():
                leftover.unlink()
    return target


class Store:
    """Read-only access to a built case database; safe to share across threads.

    Each query runs on its own cursor of one read-only connection.
    """

    def __init__(self, case: Case, con: duckdb.DuckDBPyConnection, path: Path | None):
        self.case = case
        self.path = path
        self._con = con
        self._lock = threading.Lock()

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run SQL with ``?`` parameters and return a DataFrame."""
        with self._lock:
            cur = self._con.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def table(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; tables: {', '.join(TABLES)}")
        return self.query(f'SELECT * FROM "{name}"')


_STORES: dict[tuple[str, str], Store] = {}
_STORES_LOCK = threading.Lock()


def open_store(case: Case, *, in_memory: bool = False) -> Store:
    """Open (building if needed) the store of a case, read-only; cached per process.

    ``in_memory=True`` builds a private in-memory database instead (tests, throwaway cases).
    """
    key = (str(case.root), case.content_hash + (":mem" if in_memory else ""))
    with _STORES_LOCK:
        if key in _STORES:
            return _STORES[key]
        if in_memory:
            con = duckdb.connect(":memory:")
            _load_into(con, case)
            store = Store(case, con, None)
        else:
            path = build_store(case)
            store = Store(case, duckdb.connect(str(path), read_only=True), path)
        _STORES[key] = store
        return store
