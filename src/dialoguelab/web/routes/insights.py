"""Findings and stance pages of the dashboard, with their JSON API (``/api/v1/findings``, ``/api/v1/stance``).

The pages are built on the same library calls as the CLI and the HTML report:
:func:`dialoguelab.stance.findings.evaluate_findings`, :func:`dialoguelab.stance.series.stance_series`
and :func:`dialoguelab.stance.changepoints.changepoints`; the charts are Plotly figures embedded as
JSON and drawn by ``/insights/charts.js`` (the report's own script), so no inline script is needed.
"""

from __future__ import annotations

__all__ = ["router", "NAV_ITEMS"]

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from dialoguelab.jsonable import to_jsonable
from dialoguelab.web.deps import CaseDep
from dialoguelab.web.render import render_page

router = APIRouter(tags=["findings and stance"])

#: (key, path, title) of the navigation entries this router adds.
NAV_ITEMS = (("findings", "/findings", "Findings"), ("stance", "/stance", "Stance"))


#: What a page says, in one sentence, when the case lacks the part it shows.
MISSING = {
    "findings": "This case has no findings to check: its folder has no findings.yaml (the study's claims, "
    "each with its evidence and a check; see docs/stance-and-findings.md).",
    "blocs": "This case has no stance series: its folder has no blocs.yaml (the blocs of actors and the "
    "series read between them; see docs/stance-and-findings.md).",
}


def missing_part(case: Any, part: str) -> str | None:
    """The sentence to show when ``case`` has no ``part`` (``findings`` or ``blocs``), else ``None``."""
    return None if case.has_part(part) else MISSING[part]


def _require(case: Any, part: str) -> None:
    """A 404 naming what is missing, for an API route asked about a part the case does not have."""
    message = missing_part(case, part)
    if message is not None:
        raise HTTPException(404, f"case {case.meta.id!r}: " + message[0].lower() + message[1:])


def _findings(case: Any) -> list[dict[str, Any]]:
    from dialoguelab.stance.findings import evaluate_findings

    return [to_jsonable(r.to_dict()) for r in evaluate_findings(case)]  # the library keeps the evaluation


def _changepoints_cached(case: Any) -> dict[str, Any]:
    from dialoguelab.stance.changepoints import changepoints

    return case.cached(("stance.changepoints",), lambda: changepoints(case))  # type: ignore[no-any-return]


@router.get("/insights/charts.js", include_in_schema=False)
def charts_js() -> FileResponse:
    """The chart script shared with the HTML report."""
    from dialoguelab.report import CHARTS_JS

    return FileResponse(
        CHARTS_JS, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"}
    )


@router.get("/api/v1/findings", summary="The paper's findings with status, figure, evidence and sources")
def api_findings(case: CaseDep) -> list[dict[str, Any]]:
    """Each finding: claim (our words), locator, check, status, figure, reason, evidence events, sources.

    A case without ``findings.yaml`` answers 404 saying so."""
    _require(case, "findings")
    return _findings(case)


@router.get("/api/v1/stance", summary="A stance series by year or window, with bootstrap intervals")
def api_stance(
    case: CaseDep,
    series: Annotated[
        str | None,
        Query(description="one of the case's series (their ids are listed on the stance page and in "
              "the case's blocs.yaml); default its first", max_length=40),
    ] = None,
    window: Annotated[int, Query(ge=1, le=50, description="window width in years")] = 1,
    scale: Annotated[str, Query(description="goldstein or plover", max_length=20)] = "goldstein",
) -> dict[str, Any]:
    """The series rows (start, end, n, mean, lo, hi, sparse, events) and its change points.

    A case without ``blocs.yaml`` answers 404 saying so."""
    from dialoguelab.stance.series import series_specs, stance_series

    _require(case, "blocs")
    series = series or next(iter(series_specs(case)), "")
    frame = stance_series(case, series, window=window, scale=scale)
    cps = _changepoints_cached(case)
    return {
        "series": series,
        "window": window,
        "scale": scale,
        "rows": to_jsonable(frame),
        "changepoints": cps["series"][series]["changepoints"]
        if window == 1 and scale == "goldstein"
        else None,
        "periods": cps["periods"],
    }


@router.get("/findings", response_class=HTMLResponse, include_in_schema=False)
def page_findings(request: Request, case: CaseDep) -> HTMLResponse:
    unavailable = missing_part(case, "findings")
    if unavailable:
        return render_page(request, "findings.html", "findings", {"unavailable": unavailable, "findings": []})
    return render_page(request, "findings.html", "findings", {"findings": _findings(case)})


@router.get("/stance", response_class=HTMLResponse, include_in_schema=False)
def page_stance(request: Request, case: CaseDep) -> HTMLResponse:
    from dialoguelab.report import stance_figure, stance_years
    from dialoguelab.stance.series import scored_events, series_specs, stance_series

    unavailable = missing_part(case, "blocs")
    if unavailable:
        return render_page(request, "stance.html", "stance", {"unavailable": unavailable})
    cps = _changepoints_cached(case)
    specs = series_specs(case)
    frames = {name: stance_series(case, name) for name in specs}
    years = stance_years(list(frames.values()), cps["periods"])  # one x range for every chart
    panels = []
    for name, spec in specs.items():
        entry = cps["series"][name]
        panels.append(
            {
                "name": name,
                "title": spec.title,
                "description": spec.description,
                "figure_id": f"fig-{name}",
                "figure": stance_figure(frames[name], entry["changepoints"], cps["periods"], spec.title, years),
                "changepoints": entry["changepoints"],
                "agreement": entry["agreement"],
                "events": to_jsonable(scored_events(case, name)[["id", "date", "type", "score", "relation"]]),
            }
        )
    return render_page(
        request,
        "stance.html",
        "stance",
        {"panels": panels, "periods": cps["periods"], "overall": cps["overall"], "years": years},
    )
