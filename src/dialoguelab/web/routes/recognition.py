"""Recognition map: which states recognise Kosovo on a day, under Kosovo's or Serbia's view of the
withdrawals Serbia claims; each state's record with its sources. Data from :mod:`dialoguelab.membership`.
"""

from __future__ import annotations

__all__ = ["router"]

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from dialoguelab.errors import DialoguelabError
from dialoguelab.membership.api import recognition_table, recognition_view
from dialoguelab.web.deps import CaseDep
from dialoguelab.web.geo import KOSOVO_ID, kosovo_on_map, map_available
from dialoguelab.web.params import DayParam, FormatParam
from dialoguelab.web.render import render_page
from dialoguelab.web.routes._models import CSV
from dialoguelab.web.tables import csv_response, table_payload, wants_csv

router = APIRouter(tags=["recognition"])

PositionParam = Annotated[
    Literal["kosovo", "serbia"],
    Query(description="whose view of disputed withdrawals colours the map: Kosovo's (kept) or Serbia's (applied)"),
]
START = dt.date(2008, 2, 17)  # Kosovo's declaration of independence: the slider's first day


def _payload(case: Any, date: str | None, position: str) -> dict[str, Any]:
    view = recognition_view(date or None, position, case.root)
    return table_payload(view.table, date=view.date, position=view.position, counts=view.counts)


@router.get("/api/v1/recognitions", responses=CSV,
            summary="Recognition of Kosovo state by state on a day, with counts under both positions")
def api_recognitions(case: CaseDep, date: DayParam = None, position: PositionParam = "kosovo",
                     format: FormatParam = "json") -> Any:
    """Each state with its recognition date, any withdrawal Serbia claims, Kosovo's position on it, the
    status on ``date`` under ``position`` (recognizes, withdrew, not_yet, unverified), and sources;
    ``counts`` gives the number of recognising states under Kosovo's and under Serbia's view."""
    if wants_csv(format):
        return csv_response(recognition_table(date or None, position, case.root), "recognitions.csv")
    return _payload(case, date, position)


def _slider_dates(today: dt.date) -> list[str]:
    out = [START.isoformat()]
    y, m = START.year, START.month + 1
    while (y, m) <= (today.year, today.month):
        out.append(dt.date(y, m, 1).isoformat())
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if out[-1] != today.isoformat():
        out.append(today.isoformat())
    return out


@router.get("/map", response_class=HTMLResponse, include_in_schema=False)
def page_map(request: Request, case: CaseDep, date: DayParam = None,
             position: PositionParam = "kosovo") -> HTMLResponse:
    try:
        data = _payload(case, date, position)
    except DialoguelabError as exc:
        if date or position != "kosovo":
            raise
        return render_page(request, "map.html", "map", {"unavailable": str(exc)})
    dates = _slider_dates(dt.date.today())
    if data["date"] not in dates:
        dates = sorted(set(dates) | {data["date"]})
    return render_page(request, "map.html", "map", {
        "data": data, "rows": rows_by_name(data), "dates": dates, "map_ready": map_available(),
        "kosovo_polygon": kosovo_on_map(), "kosovo_id": KOSOVO_ID,
    })


def rows_by_name(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a table payload, sorted by state name for the page's table."""
    return sorted(payload["rows"], key=lambda r: r.get("state") or "")
