"""Timeline: events filtered by actor, type, date range and text, with a chart of events per year."""

from __future__ import annotations

__all__ = ["router"]

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from dialoguelab import evidence
from dialoguelab.case import EventType
from dialoguelab.web.deps import CaseDep, SettingsDep
from dialoguelab.web.params import ActorParam, DateParam, EventTypeParam, FormatParam, LimitParam, TextParam
from dialoguelab.web.render import render_page
from dialoguelab.web.routes._models import CSV, Table
from dialoguelab.web.tables import csv_response, frame_records, jsonable, table_payload, wants_csv

router = APIRouter(tags=["timeline"])

_DATE_BASES = [
    ("paper", "the paper"),
    ("paper,footnote", "the paper or its footnotes"),
    ("context", "the narrative (context)"),
    ("footnote", "a cited footnote"),
    ("outside", "an outside document"),
]

RoleParam = Annotated[
    Literal["source", "target", "any"] | None, Query(description="the actor's role in the event")
]
EventIdPath = Annotated[str, Path(max_length=120, pattern=r"^[a-z0-9][a-z0-9_.\-]*$", description="event id")]


DateBasisParam = Annotated[
    str | None,
    Query(max_length=60, pattern=r"^[a-z, ]+$",
          description="where the date comes from: paper, context, footnote, outside (comma-separated)"),
]


def _filters(actor: str | None, role: str | None, event_type: str | None, date_from: str | None,
             date_to: str | None, text: str | None, date_basis: str | None = None) -> dict[str, Any]:
    return {"actor": actor, "role": role, "event_type": event_type, "date_from": date_from,
            "date_to": date_to, "text": text, "date_basis": date_basis}


@router.get("/api/v1/timeline", response_model=Table, summary="Events, filtered (JSON or CSV)",
            responses=CSV)
def api_timeline(
    case: CaseDep, settings: SettingsDep, actor: ActorParam = None, role: RoleParam = None,
    event_type: EventTypeParam = None, date_from: DateParam = None, date_to: DateParam = None,
    text: TextParam = None, date_basis: DateBasisParam = None, limit: LimitParam = 1000,
    format: FormatParam = "json",
) -> Any:
    """Events in date order; each with its actors, summary, footnotes, citations and paper line."""
    df = evidence.timeline(case, **_filters(actor, role, event_type, date_from, date_to, text, date_basis))
    if wants_csv(format):
        return csv_response(df, "timeline.csv")
    return table_payload(df, limit=min(limit, settings.max_rows))


@router.get("/api/v1/timeline.csv", response_class=Response, summary="Events, filtered, as CSV",
            responses=CSV)
def api_timeline_csv(
    case: CaseDep, actor: ActorParam = None, role: RoleParam = None, event_type: EventTypeParam = None,
    date_from: DateParam = None, date_to: DateParam = None, text: TextParam = None,
    date_basis: DateBasisParam = None,
) -> Response:
    """The same table as ``/api/v1/timeline``, as a CSV download."""
    df = evidence.timeline(case, **_filters(actor, role, event_type, date_from, date_to, text, date_basis))
    return csv_response(df, "timeline.csv")


@router.get("/api/v1/timeline/per-year", response_model=Table, summary="Events per year and PLOVER type",
            responses=CSV)
def api_per_year(
    case: CaseDep, actor: ActorParam = None, role: RoleParam = None, event_type: EventTypeParam = None,
    date_from: DateParam = None, date_to: DateParam = None, text: TextParam = None,
    format: FormatParam = "json",
) -> Any:
    """Counts of events per year and type under the timeline's filters (the chart's data)."""
    df = evidence.events_per_year(case, **_filters(actor, role, event_type, date_from, date_to, text))
    if wants_csv(format):
        return csv_response(df, "events_per_year.csv")
    return table_payload(df)


@router.get("/api/v1/events/{event_id}", summary="One event with its actors, quotations and sources")
def api_event(case: CaseDep, event_id: EventIdPath) -> dict[str, Any]:
    """The event's record, its actors by name, the quotations tied to it and its full sources."""
    return jsonable(evidence.event_detail(case, event_id))


@router.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
def page_timeline(
    request: Request, case: CaseDep, settings: SettingsDep, actor: ActorParam = None,
    event_type: EventTypeParam = None, date_from: DateParam = None, date_to: DateParam = None,
    text: TextParam = None, date_basis: DateBasisParam = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> HTMLResponse:
    filters = _filters(actor, None, event_type, date_from, date_to, text, date_basis)
    df = evidence.timeline(case, **filters)
    per_year = evidence.events_per_year(case, **filters)
    shown = frame_records(df.head(min(limit, settings.max_rows)))
    for row in shown:
        row["quotations"] = [jsonable(q) for q in evidence.linked_quotations(case, row["id"])]
    actors = evidence.actors_table(case)
    return render_page(
        request, "timeline.html", "timeline",
        {
            "events": shown,
            "total": len(df),
            "filters": {k: v for k, v in filters.items() if k != "role"},
            "event_types": [t.value for t in EventType],
            "date_bases": _DATE_BASES,
            "actors": frame_records(actors[actors["events"] > 0][["id", "name", "events"]]),
            "per_year": frame_records(per_year),
            "actor_names": {a.id: a.name for a in case.actors},
            "query": request.url.query,
        },
    )


@router.get("/events/{event_id}", response_class=HTMLResponse, include_in_schema=False)
def page_event(request: Request, case: CaseDep, event_id: EventIdPath) -> HTMLResponse:
    return render_page(request, "event.html", "timeline", {"event": jsonable(evidence.event_detail(case, event_id))})
