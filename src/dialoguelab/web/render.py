"""Render a page: the base context every template needs (navigation, case title) plus the page's own."""

from __future__ import annotations

__all__ = ["render_page"]

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from dialoguelab.web.deps import templates
from dialoguelab.web.nav import NAV


def render_page(request: Request, name: str, active: str, context: dict[str, Any]) -> HTMLResponse:
    """Render ``templates/name`` with the navigation (``active`` is the current page's key)."""
    case = getattr(request.state, "case", None) or request.app.state.case
    applicant = case.meta.applicant
    base = {
        "nav": NAV,
        "active": active,
        "case_title": case.meta.title,
        "case_id": case.meta.id,
        "applicant": applicant.name if applicant else "the applicant",
        "objector": case.meta.objector.name if case.meta.objector else "the objector",
        "positions": case.positions() if applicant else {},
        "cases": list(request.app.state.cases),
    }
    base.update(context)
    return templates.TemplateResponse(request=request, name=name, context=base)
