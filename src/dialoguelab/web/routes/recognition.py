"""Recognition map: which states recognise the applicant on a day, under each side's view of the withdrawals
the objector claims; each state's record (recognition, declared stance, the bodies it votes in) with its
sources. Data from :mod:`dialoguelab.membership`.
"""

from __future__ import annotations

__all__ = ["router"]

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from dialoguelab.errors import DialoguelabError
from dialoguelab.membership.api import applicant_since, recognition_table, recognition_view
from dialoguelab.membership.views import state_record
from dialoguelab.web.deps import CaseDep
from dialoguelab.web.geo import map_available, marker_of, on_map
from dialoguelab.web.params import DayParam, FormatParam
from dialoguelab.web.render import render_page
from dialoguelab.web.routes._models import CSV
from dialoguelab.web.tables import csv_response, jsonable, table_payload, wants_csv

router = APIRouter(tags=["recognition"])

PositionParam = Annotated[
    str | None,
    Query(min_length=2, max_length=40, pattern=r"^[a-z0-9][a-z0-9_.\-]*$",
          description="whose view of disputed withdrawals colours the map: one of the case's positions "
          "(the applicant's keeps disputed withdrawals, the objector's applies them); default the applicant's"),
]


StatePath = Annotated[str, Path(min_length=2, max_length=60, pattern=r"^[A-Za-z][A-Za-z .'\-]*$",
                                description="ISO 3166 alpha-3 code or name of a state", examples=["ESP"])]


def _payload(case: Any, date: str | None, position: str | None, view: Any = None) -> dict[str, Any]:
    view = view or recognition_view(case, date or None, position)
    return table_payload(view.table, date=view.date, position=view.position, counts=view.counts, labels=view.labels)


@router.get("/api/v1/states/{state}", summary="A state's record toward the applicant: recognition, stance, bodies")
def api_state(case: CaseDep, state: StatePath, date: DayParam = None, position: PositionParam = None) -> dict[str, Any]:
    """Whether the state recognises the applicant on ``date`` (and since when), its declared stances, and in
    each body whether it is a member, which stages it votes in and the vote its recognition and stance give.
    Any state of the world's list, recognising or not; an unknown one is a 404."""
    return jsonable(state_record(case, state, date or None, position=position))


@router.get("/api/v1/recognitions", responses=CSV,
            summary="Recognition of the applicant state by state on a day, with counts under both positions")
def api_recognitions(case: CaseDep, date: DayParam = None, position: PositionParam = None,
                     format: FormatParam = "json") -> Any:
    """Each state with its recognition date, any withdrawal the objector claims, the applicant's position on
    it, the status on ``date`` under ``position`` (recognizes, withdrew, not_yet, unverified), and sources;
    ``counts`` gives the number of recognising states under each of the case's positions."""
    if wants_csv(format):
        return csv_response(recognition_table(case, date or None, position), "recognitions.csv")
    return _payload(case, date, position)


def _slider_dates(start: dt.date, today: dt.date) -> list[str]:
    out = [start.isoformat()]
    y, m = start.year, start.month + 1
    while (y, m) <= (today.year, today.month):
        out.append(dt.date(y, m, 1).isoformat())
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if out[-1] != today.isoformat():
        out.append(today.isoformat())
    return out


@router.get("/map", response_class=HTMLResponse, include_in_schema=False)
def page_map(request: Request, case: CaseDep, date: DayParam = None,
             position: PositionParam = None) -> HTMLResponse:
    if not case.has_part("membership"):
        return render_page(request, "map.html", "map", {"unavailable": (
            "This case has no recognition data: its folder has no membership/ part (recognitions.csv, "
            "stances.yaml), so there is nothing to map.")})
    try:
        view = recognition_view(case, date or None, position)
    except DialoguelabError as exc:
        if date or position:
            raise
        return render_page(request, "map.html", "map", {"unavailable": str(exc)})
    data = _payload(case, date, position, view)
    dates = _slider_dates(applicant_since(case), dt.date.today())
    if data["date"] not in dates:
        dates = sorted(set(dates) | {data["date"]})
    return render_page(request, "map.html", "map", {
        "data": data, "rows": rows_by_name(data), "dates": dates, "map_ready": map_available(),
        "states": view.states,
        "applicant_polygon": on_map(case.applicant.iso3), "applicant_id": case.applicant.iso3,
        "applicant_marker": marker_of(case.applicant.iso3),
    })


def rows_by_name(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a table payload, sorted by state name for the page's table."""
    return sorted(payload["rows"], key=lambda r: r.get("state") or "")
