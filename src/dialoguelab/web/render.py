"""Render a page: the base context every template needs (navigation, case, case selector) plus the page's own.

Every page is rendered in the same layout, error pages included (:func:`render_error`). Links that a
template or a script builds keep the case a page shows: :func:`case_url` adds ``case=<id>`` to a path when
the case is not the dashboard's default one, so that following a link never silently switches cases.
"""

from __future__ import annotations

__all__ = ["render_page", "render_error", "case_url", "base_context", "TOL_DISCRETE_RAINBOW_16", "PLOVER_COLOURS",
           "ACTOR_TYPE_COLOURS"]

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import pass_context

from dialoguelab.case import EventType, load_case
from dialoguelab.errors import DialoguelabError
from dialoguelab.membership.views import OUTCOME_TITLE, PROBABILITY_TITLE, outcome_word
from dialoguelab.output import percent  # the one way every surface prints a probability
from dialoguelab.web.deps import templates
from dialoguelab.web.nav import NAV


def case_url(path: str, case_param: str | None = None, **params: Any) -> str:
    """``path`` with the query ``params`` (``None`` and empty values left out) and ``case=case_param``.

    The fragment (``#...``) stays last; an existing query in ``path`` is extended.

    >>> case_url("/sources#src-a", "palestine")
    '/sources?case=palestine#src-a'
    >>> case_url("/membership?body=un", None, date="2024-06-01", position=None)
    '/membership?body=un&date=2024-06-01'
    >>> case_url("/timeline?case=palestine&actor=x", "palestine")  # the page's own query kept as it is
    '/timeline?case=palestine&actor=x'
    """
    base, hash_, fragment = path.partition("#")
    query = {k: v for k, v in params.items() if v is not None and v != ""}
    existing = {kv.split("=", 1)[0] for kv in base.partition("?")[2].split("&") if kv}
    if case_param and "case" not in existing and "case" not in query:
        query["case"] = case_param
    if query:
        base += ("&" if "?" in base else "?") + urlencode(query, doseq=True)
    return base + hash_ + fragment


#: Paul Tol's discrete rainbow scheme with 16 colours, designed to stay distinct in colour-blind vision
#: (P. Tol, "Colour Schemes", SRON technical note SRON/EPS/TN/09-002, issue 3.1, 2018; the values and the
#: choice of 16 from the 29 are those of Tol's tol_colors.py, BSD-3, https://personal.sron.nl/~pault/data/tol_colors.py,
#: as kept in github.com/Descanonge/tol_colors). An ordered scheme, for the ordered PLOVER list below.
TOL_DISCRETE_RAINBOW_16 = (
    "#D1BBD7", "#BA8DB4", "#AA6F9E", "#882E72", "#1965B0", "#5289C7", "#7BAFDE", "#4EB265",
    "#90C987", "#CAE0AB", "#F7F056", "#F6C141", "#F1932D", "#E8601C", "#DC050C", "#72190E",
)

#: One fixed colour per PLOVER event type, in PLOVER's own order (from agreement to assault): the same
#: type has the same colour on every chart and badge, whatever the filters.
PLOVER_COLOURS: dict[str, str] = dict(zip((t.value for t in EventType), TOL_DISCRETE_RAINBOW_16, strict=True))

#: Actor types in Tol's "bright" qualitative scheme (colour-blind safe; same note and file as above).
ACTOR_TYPE_COLOURS = {"state": "#4477AA", "organization": "#EE6677", "person": "#228833", "group": "#AA3377"}


@pass_context
def _url(ctx: Any, path: str, **params: Any) -> str:
    """Template helper: ``{{ url("/timeline", actor=a.id) }}`` keeps the page's case."""
    return case_url(path, ctx.get("case_param"), **params)


templates.env.globals.update(
    url=_url,
    plover_colours=PLOVER_COLOURS,
    percent=percent,
    outcome_text=outcome_word,
    outcome_title=OUTCOME_TITLE,
    probability_title=PROBABILITY_TITLE,
)


def base_context(request: Request) -> dict[str, Any]:
    """What the layout needs: navigation, the case shown, the cases served and the case selector."""
    app_state = request.app.state
    case = getattr(request.state, "case", None) or app_state.case
    cases: dict[str, Any] = getattr(app_state, "cases", {}) or {case.meta.id: None}
    default_id = next(iter(cases))
    applicant = case.meta.applicant
    return {
        "nav": NAV,
        "case_title": case.meta.title,
        "case_id": case.meta.id,
        "case_param": case.meta.id if case.meta.id != default_id else "",
        "default_case": default_id,
        "applicant": applicant.name if applicant else "the applicant",
        "objector": case.meta.objector.name if case.meta.objector else "the objector",
        "positions": case.positions() if applicant else {},
        "cases": list(cases),
        "case_choices": _case_choices(cases, case),
    }


def _case_choices(cases: dict[str, Any], shown: Any) -> list[dict[str, str]]:
    """``id``, ``label`` (the applicant's name) and ``title`` of each case served, for the selector."""
    out = []
    for cid, path in cases.items():
        try:
            c = shown if cid == shown.meta.id else load_case(path)
        except DialoguelabError:  # a case that stopped loading: offer it anyway; its pages say why
            out.append({"id": cid, "label": cid, "title": cid})
            continue
        label = c.meta.applicant.name if c.meta.applicant else c.meta.title
        out.append({"id": cid, "label": label, "title": c.meta.title})
    return out


def render_page(request: Request, name: str, active: str, context: dict[str, Any],
                status_code: int = 200) -> HTMLResponse:
    """Render ``templates/name`` in the layout (``active`` is the current page's navigation key)."""
    base = base_context(request)
    base["active"] = active
    base["section_path"] = next((item.path for item in NAV if item.key == active), "/")
    base.update(context)
    return templates.TemplateResponse(request=request, name=name, context=base, status_code=status_code)


def render_error(request: Request, status: int, message: str,
                 fields: list[dict[str, str]] | None = None) -> HTMLResponse:
    """An error page (404, 422, …) in the layout, with the navigation, so the user can go on from it."""
    return render_page(request, "error.html", "", {"status": status, "message": message,
                                                    "fields": fields or []}, status_code=status)
