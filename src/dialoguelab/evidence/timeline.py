"""The timeline: events filtered by actor, role, type, dates, footnote and text."""

from __future__ import annotations

__all__ = ["timeline", "event_detail", "linked_quotations", "events_per_year", "TIMELINE_COLUMNS"]

import datetime as dt
from typing import Any

import pandas as pd

from dialoguelab.case import Case, EventType, Quotation, parse_date_bases
from dialoguelab.case.dates import PartialDate
from dialoguelab.errors import InvalidParameterError
from dialoguelab.evidence._params import check_limit, check_text, parse_bound
from dialoguelab.store import open_store

TIMELINE_COLUMNS = [
    "id",
    "date",
    "end_date",
    "precision",
    "type",
    "source_actors",
    "target_actors",
    "summary",
    "footnotes",
    "citations",
    "line",
    "errata",
    "date_note",
    "date_basis",
]

_ROLES = ("source", "target", "any")


def _where(
    case: Case,
    actor: str | None,
    role: str | None,
    event_type: str | None,
    date_from: str | int | dt.date | PartialDate | None,
    date_to: str | int | dt.date | PartialDate | None,
    footnote: int | None,
    text: str | None,
    date_basis: str | None = None,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    role = role or "any"
    if role not in _ROLES:
        raise InvalidParameterError(f"The 'role' parameter must be one of {', '.join(_ROLES)}. Got {role!r}.")
    actor = check_text("actor", actor)
    if actor is not None:
        actor_id = case.actor(actor).id
        if role == "any":
            clauses.append("(list_contains(e.source_actors, ?) OR list_contains(e.target_actors, ?))")
            params += [actor_id, actor_id]
        else:
            clauses.append(f"list_contains(e.{role}_actors, ?)")
            params.append(actor_id)
    if event_type:
        types = [t.strip().upper() for t in event_type.split(",") if t.strip()]
        bad = [t for t in types if t not in EventType.__members__]
        if bad:
            raise InvalidParameterError(
                f"The 'event_type' parameter must be PLOVER types ({', '.join(EventType.__members__)}). Got {bad[0]!r}."
            )
        clauses.append(f"e.type IN ({', '.join('?' for _ in types)})")
        params += types
    lo = parse_bound("date_from", date_from, end=False)
    hi = parse_bound("date_to", date_to, end=True)
    if lo and hi and lo > hi:
        raise InvalidParameterError(f"'date_from' ({lo}) is after 'date_to' ({hi}).")
    # an event overlaps [lo, hi] when its own interval meets it
    if lo:
        clauses.append("e.last_day >= ?")
        params.append(lo)
    if hi:
        clauses.append("e.first_day <= ?")
        params.append(hi)
    if footnote is not None:
        if isinstance(footnote, bool) or not isinstance(footnote, int) or footnote < 1:
            raise InvalidParameterError(f"The 'footnote' parameter must be a positive integer. Got {footnote!r}.")
        clauses.append("list_contains(e.footnotes, ?)")
        params.append(footnote)
    if date_basis:
        bases = parse_date_bases(date_basis)
        clauses.append(f"e.date_basis IN ({', '.join('?' for _ in bases)})")
        params += bases
    text = check_text("text", text)
    if text is not None:
        clauses.append(
            "(e.summary ILIKE ? OR e.id ILIKE ? OR e.id IN (SELECT event_id FROM quotations WHERE text ILIKE ?))"
        )
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [like, like, like]
    where = " AND ".join(clauses) if clauses else "TRUE"
    return where, params


def timeline(
    case: Case,
    *,
    actor: str | None = None,
    role: str | None = None,
    event_type: str | None = None,
    date_from: str | int | dt.date | PartialDate | None = None,
    date_to: str | int | dt.date | PartialDate | None = None,
    footnote: int | None = None,
    text: str | None = None,
    date_basis: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Events of a case in date order, filtered.

    Parameters
    ----------
    case : Case
        A loaded case (:func:`dialoguelab.case.load_case`).
    actor : str, optional
        An actor id, name, alias or metonym (``"Moscow"`` finds Russia's events).
    role : {"source", "target", "any"}, default="any"
        Whether ``actor`` must be the event's source, its target, or either.
    event_type : str, optional
        One PLOVER type or several separated by commas (``"THREATEN,REJECT"``).
    date_from, date_to : str, optional
        Bounds ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a year or month covers all its days. An event is
        kept when its date interval (a month-precision date spans the month) overlaps the bounds.
    footnote : int, optional
        Only events carrying this footnote marker.
    text : str, optional
        Case-insensitive substring of the summary, the id or a quotation linked to the event.
    date_basis : str, optional
        Where the date comes from, one value or several separated by commas: ``paper`` (the paper
        writes it), ``context`` (read from the narrative), ``footnote`` (from a cited footnote),
        ``outside`` (the paper reports the act undated; an outside document dates it). See
        :class:`dialoguelab.case.DateBasis`.
    limit : int, optional
        At most this many events (1 to 10,000).

    Returns
    -------
    pandas.DataFrame
        One row per event with columns :data:`TIMELINE_COLUMNS`; actor, footnote and citation
        columns hold lists.

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> case = load_case()
    >>> df = timeline(case, actor="Moscow", date_from="2008", date_to="2013")
    >>> df.equals(timeline(case, actor="Russia", date_from="2008", date_to="2013"))
    True
    """
    limit = check_limit(limit)
    where, params = _where(case, actor, role, event_type, date_from, date_to, footnote, text, date_basis)
    sql = f"""
        SELECT e.id, e.date, e.end_date, e.precision, e.type, e.source_actors, e.target_actors, e.summary,
          e.footnotes, e.citations, e.line, e.errata, e.date_note, e.date_basis
        FROM events e WHERE {where}
        ORDER BY e.first_day, e.precision = 'year', e.precision = 'month', e.id
    """
    if limit:
        sql += f" LIMIT {int(limit)}"
    df = open_store(case).query(sql, params)
    for col in ("source_actors", "target_actors", "footnotes", "citations"):
        df[col] = df[col].map(lambda v: [x.item() if hasattr(x, "item") else x for x in v])
    return df.reset_index(drop=True)


def events_per_year(case: Case, **filters: Any) -> pd.DataFrame:
    """Count of events per year and PLOVER type under the same filters as :func:`timeline`."""
    df = timeline(case, **filters)
    if df.empty:
        return pd.DataFrame(columns=["year", "type", "events"])
    df["year"] = df["date"].str.slice(0, 4).astype(int)
    out = df.groupby(["year", "type"]).size().reset_index(name="events")
    return out.sort_values(["year", "type"]).reset_index(drop=True)


def linked_quotations(case: Case, event_id: str) -> list[Quotation]:
    """Quotations tied to an event: linked by id, or said on the event's date by one of its actors.

    A speaker counts as one of the event's actors when it is one of them or is affiliated with one
    (Lavrov speaks for Russia).
    """
    e = case.event(event_id)
    actors = set(e.source_actors) | set(e.target_actors)
    out = []
    for q in case.quotations:
        if q.event == e.id:
            out.append(q)
            continue
        if q.event is None and q.date is not None and q.date == e.date:
            speaker = case.actors_by_id.get(q.speaker)
            if q.speaker in actors or (speaker is not None and speaker.affiliation in actors):
                out.append(q)
    return out


def event_detail(case: Case, event_id: str) -> dict[str, Any]:
    """One event with its actors (names), quotations and full sources."""
    e = case.event(event_id)
    quotes = linked_quotations(case, e.id)

    def actor_ref(a: str) -> dict[str, str]:
        act = case.actors_by_id.get(a)
        return {"id": a, "name": act.name if act else a}

    return {
        "id": e.id,
        "date": str(e.date),
        "end_date": str(e.end_date) if e.end_date else None,
        "precision": e.date.precision.value,
        "date_note": e.date_note,
        "date_basis": e.date_basis.value,
        "type": e.type.value,
        "source_actors": [actor_ref(a) for a in e.source_actors],
        "target_actors": [actor_ref(a) for a in e.target_actors],
        "summary": e.summary,
        "locator": {"line": e.locator.line, "anchor": e.locator.anchor},
        "mentions": [{"line": m.line, "anchor": m.anchor} for m in e.mentions],
        "footnotes": list(e.footnotes),
        "errata": e.errata,
        "tags": list(e.tags),
        "sources": [case.source(c).model_dump(mode="json", exclude_none=True) for c in e.citations],
        "quotations": [q.model_dump(mode="json", exclude_none=True) for q in quotes],
    }
