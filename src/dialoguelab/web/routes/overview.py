"""Overview: what the case argues, its key figures, and (once they exist) its findings."""

from __future__ import annotations

__all__ = ["router"]

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dialoguelab import evidence
from dialoguelab.web.deps import CaseDep
from dialoguelab.web.render import render_page
from dialoguelab.web.tables import jsonable

router = APIRouter(tags=["overview"])

_HIDDEN = ("paper_text",)  # a path on the server's disk: not for clients


def _summary(case: Any) -> dict[str, Any]:
    out = evidence.case_summary(case)
    return {k: jsonable(v) for k, v in out.items() if k not in _HIDDEN}


@router.get("/api/v1/summary", summary="The case at a glance: counts, span, footnote status")
def api_summary(case: CaseDep) -> dict[str, Any]:
    """Counts of every record type, the span of the events and the status of the footnotes."""
    return _summary(case)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def page_overview(request: Request, case: CaseDep) -> HTMLResponse:
    return render_page(request, "overview.html", "overview", {"summary": _summary(case), "key": _key_figures(case)})


def _key_figures(case: Any) -> dict[str, Any]:
    """Key figures from the membership engine, when it is installed (recognitions, blocked bodies)."""
    from dialoguelab.web.routes import membership_bridge

    return membership_bridge.key_figures(case)
