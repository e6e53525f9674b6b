"""Sources: every citation with its status and the events and quotations that use it."""

from __future__ import annotations

__all__ = ["router"]

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from dialoguelab import evidence
from dialoguelab.web.deps import CaseDep
from dialoguelab.web.params import FormatParam
from dialoguelab.web.render import render_page
from dialoguelab.web.routes._models import CSV, Table
from dialoguelab.web.routes.membership_bridge import membership_sources
from dialoguelab.web.tables import csv_response, frame_records, table_payload, wants_csv

router = APIRouter(tags=["sources"])

StatusParam = Annotated[
    Literal["complete", "cut_off", "missing"] | None, Query(description="only footnotes with this status")
]
KindParam = Annotated[Literal["footnote", "document"] | None, Query(description="footnotes or outside documents")]


@router.get("/api/v1/sources", response_model=Table, responses=CSV, summary="Every source, its status and users")
def api_sources(case: CaseDep, status: StatusParam = None, kind: KindParam = None, format: FormatParam = "json") -> Any:
    """Each footnote or document with its status, URLs and the events and quotations citing it."""
    df = evidence.sources_table(case, status=status, kind=kind)
    return csv_response(df, "sources.csv") if wants_csv(format) else table_payload(df)


@router.get("/api/v1/sources.csv", response_class=Response, responses=CSV, summary="Every source, as CSV")
def api_sources_csv(case: CaseDep, status: StatusParam = None, kind: KindParam = None) -> Response:
    """The same table as ``/api/v1/sources``, as a CSV download."""
    return csv_response(evidence.sources_table(case, status=status, kind=kind), "sources.csv")


@router.get("/api/v1/membership/sources", response_model=Table, responses=CSV,
            summary="The outside documents the membership and recognition data cite")
def api_membership_sources(case: CaseDep, format: FormatParam = "json") -> Any:
    """Each document (title, publisher, date, URLs, note) cited by rules, member lists and recognitions."""
    df = membership_sources(case)
    return csv_response(df, "membership_sources.csv") if wants_csv(format) else table_payload(df)


@router.get("/sources", response_class=HTMLResponse, include_in_schema=False)
def page_sources(request: Request, case: CaseDep, status: StatusParam = None, kind: KindParam = None) -> HTMLResponse:
    df = evidence.sources_table(case, status=status, kind=kind)
    extra = membership_sources(case) if status is None and kind in (None, "document") else None
    return render_page(request, "sources.html", "sources", {
        "sources": frame_records(df), "status": status, "kind": kind,
        "membership_sources": frame_records(extra) if extra is not None else [],
    })
