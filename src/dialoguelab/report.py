"""A self-contained HTML report of a case: findings, stance series, recognitions, admissions, timeline.

The report is one HTML file that works offline: Plotly's JavaScript is inlined from the installed
``plotly`` package, the charts are Plotly figures stored as JSON inside the file and drawn by the small
script ``report_templates/charts.js`` (also served to the dashboard), and no other resource is loaded.
Every figure is followed by the list of the events or records it is built from, each linked to its
entry in the report's timeline or to its sources. The file is written atomically (a temporary file in
the same folder, then :func:`os.replace`, by :func:`dialoguelab.fsutil.atomic_write`), with the umask's
default mode (e.g. 644) for a new file and the old file's mode when it replaces one.
"""

from __future__ import annotations

__all__ = [
    "REPORT_FILE",
    "TEMPLATES_DIR",
    "CHARTS_JS",
    "build_report_context",
    "render_report",
    "write_report",
    "stance_figure",
    "recognitions_figure",
    "admissions_figure",
]

import datetime as dt
from pathlib import Path
from typing import Any

from dialoguelab.case import Case
from dialoguelab.errors import DialoguelabError, InvalidParameterError
from dialoguelab.fsutil import atomic_write
from dialoguelab.jsonable import to_jsonable
from dialoguelab.membership.views import OUTCOME_TITLE, PROBABILITY_TITLE, outcome_word
from dialoguelab.output import percent

REPORT_FILE = "report.html"
TEMPLATES_DIR = Path(__file__).parent / "report_templates"
CHARTS_JS = TEMPLATES_DIR / "charts.js"

_COLORS = {
    "mean": "#1f4e79",
    "band": "rgba(31,78,121,0.15)",
    "cp": "#b03a2e",
    "period": "rgba(120,120,120,0.12)",
}


def _layout(title: str, ytitle: str, yrange: list[float] | None = None) -> dict[str, Any]:
    lay: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 14}},
        "margin": {"l": 55, "r": 20, "t": 40, "b": 40},
        "height": 320,
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "xaxis": {"title": {"text": "year"}, "gridcolor": "#eee", "dtick": 2},
        "yaxis": {"title": {"text": ytitle}, "gridcolor": "#eee", "zeroline": True, "zerolinecolor": "#999"},
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.2},
    }
    if yrange:
        lay["yaxis"]["range"] = yrange
    return lay


def stance_years(frames: list[Any], periods: list[dict[str, Any]]) -> tuple[int, int]:
    """One year range for every stance chart: the first and last year with data or a named period.

    Drawing every series on the same x range lets a reader compare them year against year.
    """
    years = [int(y) for f in frames for y in f[f.n > 0].start]
    years += [int(p["start"]) for p in periods] + [int(p["end"]) for p in periods]
    if not years:
        today = dt.date.today().year
        return today - 1, today
    return min(years), max(years)


def stance_figure(
    frame: Any,
    changepoints: list[int],
    periods: list[dict[str, Any]],
    title: str,
    years: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """A Plotly figure (plain dict) of a yearly stance series: means, intervals, change points, periods.

    ``frame`` is :func:`dialoguelab.stance.series.stance_series` output; sparse years are drawn hollow.
    ``years`` fixes the x range (see :func:`stance_years`), so that several series share one axis. The
    named periods are grey bands numbered inside the plot (1, 2, …, in the order of ``periods``; the
    page and the report list the numbers with the periods' names, and hovering a number shows it).
    """
    obs = frame[frame.n > 0]
    xs = [int(y) for y in obs.start]
    means = [round(float(v), 3) for v in obs["mean"]]
    lo = [None if v != v else round(float(v), 3) for v in obs.lo]
    hi = [None if v != v else round(float(v), 3) for v in obs.hi]
    err_plus = [None if h is None else round(h - m, 3) for h, m in zip(hi, means, strict=True)]
    err_minus = [None if l_ is None else round(m - l_, 3) for l_, m in zip(lo, means, strict=True)]
    sparse = [bool(s) for s in obs["sparse"]]
    n = [int(v) for v in obs.n]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "mean score (95% bootstrap interval)",
            "x": xs,
            "y": means,
            "error_y": {
                "type": "data",
                "array": err_plus,
                "arrayminus": err_minus,
                "visible": True,
                "color": "#7f9bb8",
            },
            "marker": {
                "size": [6 + min(v, 8) for v in n],
                "color": _COLORS["mean"],
                "symbol": ["circle-open" if s else "circle" for s in sparse],
            },
            "line": {"color": _COLORS["mean"], "width": 1.5},
            "text": [f"{v} event(s){' (sparse)' if s else ''}" for v, s in zip(n, sparse, strict=True)],
            "hovertemplate": "%{x}: %{y:.2f}<br>%{text}<extra></extra>",
        }
    ]
    shapes: list[dict[str, Any]] = []
    for p in periods:
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": p["start"] - 0.5,
                "x1": p["end"] + 0.5,
                "y0": 0,
                "y1": 1,
                "fillcolor": _COLORS["period"],
                "line": {"width": 0},
                "layer": "below",
            }
        )
    for c in changepoints:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": c - 0.5,
                "x1": c - 0.5,
                "y0": 0,
                "y1": 1,
                "line": {"color": _COLORS["cp"], "width": 2, "dash": "dash"},
            }
        )
    if changepoints:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "detected change point",
                "x": [None],
                "y": [None],
                "line": {"color": _COLORS["cp"], "dash": "dash"},
            }
        )
    lay = _layout(title, "score (−10 conflict … +10 coop.)", [-10.5, 10.5])
    lay["xaxis"]["title"] = {"text": ""}  # years speak for themselves; the legend sits below the axis
    if years is not None:
        lay["xaxis"]["range"] = [years[0] - 0.6, years[1] + 0.6]
        lay["xaxis"]["autorange"] = False
    lay["shapes"] = shapes
    lay["annotations"] = [
        {
            "x": (p["start"] + p["end"]) / 2,
            "y": 0.985,
            "xref": "x",
            "yref": "paper",
            "text": f"<b>{i}</b>",
            "hovertext": f"{i}. {p['label']} ({_span(p)})",
            "showarrow": False,
            "font": {"size": 11, "color": "#333"},
            "bgcolor": "rgba(255,255,255,0.85)",
            "borderpad": 1,
            "yanchor": "top",
            "xanchor": "center",
        }
        for i, p in enumerate(periods, start=1)
    ]
    return {"data": data, "layout": lay}


def _span(p: dict[str, Any]) -> str:
    return str(p["start"]) if p["start"] == p["end"] else f"{p['start']}–{p['end']}"


def recognitions_figure(points: list[dict[str, Any]], applicant: str = "the applicant") -> dict[str, Any]:
    """Count of states recognizing the applicant over time (Plotly dict) from ``[{"date", "count"}]``."""
    lay = _layout(f"States recognizing {applicant}", "states")
    lay["xaxis"] = {"title": {"text": "date"}, "gridcolor": "#eee", "type": "date"}
    lay["showlegend"] = False
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "line": {"shape": "hv", "color": _COLORS["mean"]},
                "x": [p["date"] for p in points],
                "y": [p["count"] for p in points],
                "hovertemplate": "%{x}: %{y} states<extra></extra>",
            }
        ],
        "layout": lay,
    }


def admissions_figure(rows: list[dict[str, Any]], applicant: str = "the applicant") -> dict[str, Any]:
    """Who blocks the applicant in each body (Plotly dict), from :func:`~dialoguelab.membership.views.body_headlines`.

    One row per body, its name in full on the y axis: a bar for the members whose own vote blocks (veto,
    consensus, unanimity) and a bar for the further yes votes a stage lacks to reach its majority, each
    annotated ("blocked by …", "lacks the majority: N more yes needed"); a body that would pass says so.
    """
    names = [r["name"] for r in rows]
    blocking = [len(r["blocking"]) for r in rows]
    short = [sum(s["more_yes_needed"] for s in r.get("short", [])) for r in rows]
    annotations = []
    for r, n_block, n_short in zip(rows, blocking, short, strict=True):
        if r["passed"]:
            text, x = "would pass", 0
        else:
            parts = []
            if n_block:
                parts.append("blocked by " + (", ".join(r["blockers"]) if n_block <= 3 else f"{n_block} members"))
            for st in r.get("short", []):
                parts.append(f"lacks the majority: {st['more_yes_needed']} more yes needed")
            text, x = "; ".join(parts) or "blocked", max(n_block, n_short)
        annotations.append({"x": x, "y": r["name"], "xref": "x", "yref": "y", "text": text, "showarrow": False,
                            "xanchor": "left", "xshift": 6, "font": {"size": 11, "color": "#333"}})
    lay = _layout(f"Who blocks {applicant}'s admission, by body", "")
    lay["height"] = 130 + 48 * len(rows)
    lay["margin"] = {"l": 20, "r": 20, "t": 80, "b": 50}
    lay["barmode"] = "group"
    top = max(blocking + short + [1])
    lay["xaxis"] = {"title": {"text": "states"}, "gridcolor": "#eee",
                    "range": [0, top * 2.2], "rangemode": "tozero"}
    lay["yaxis"] = {"type": "category", "automargin": True, "autorange": "reversed", "categoryarray": names}
    lay["legend"] = {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "xanchor": "left"}
    lay["annotations"] = annotations
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": "members whose vote blocks (veto, consensus, unanimity)",
                "y": names,
                "x": blocking,
                "marker": {"color": "#b03a2e"},
                "hovertemplate": "%{y}: %{x} blocking<extra></extra>",
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": "more yes votes needed (majority not reached)",
                "y": names,
                "x": short,
                "marker": {"color": "#c77c02"},
                "hovertemplate": "%{y}: %{x} more yes votes needed<extra></extra>",
            },
        ],
        "layout": lay,
    }


def _recognitions(case: Case) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str | None]:
    from dialoguelab.membership.data import membership_data
    from dialoguelab.membership.world import applicant_since, world

    if not case.has_part("membership"):
        return [], [], ("This case has no recognition data (no membership/ folder), so there is no count "
                        "of recognitions to draw.")
    try:
        data = membership_data(case)
        start = applicant_since(case).replace(day=1)
    except DialoguelabError as exc:
        return [], [], f"Recognitions are not available: {exc}"
    points = []
    today = dt.date.today()
    y, m = start.year, start.month
    while dt.date(y, m, 1) <= today:
        d = dt.date(y, m, 1)
        points.append({"date": d.isoformat(), "count": world(case, d).recognizer_count()})
        m += 1
        if m > 12:
            y, m = y + 1, 1
    rows = []
    for r in data.recognitions.values():
        rec = to_jsonable(r)
        rows.append(
            {
                k: rec.get(k)
                for k in (
                    "iso3",
                    "state",
                    "recognized_on",
                    "withdrawal_claimed_on",
                    "applicant_position",
                    "sources",
                    "verified",
                )
            }
        )
    return points, rows, None


def _admissions(case: Case) -> tuple[list[dict[str, Any]], dict[str, Any] | None, str | None]:
    """Every body's headline answer today (:func:`~dialoguelab.membership.views.body_headlines`) with its
    stages, and what the probabilities are conditional on."""
    from dialoguelab.membership.outcomes import outcome
    from dialoguelab.membership.views import body_headlines, probability_condition

    if not case.has_part("membership"):
        return [], None, ("This case has no membership data (no membership/ folder with the applicant's "
                          "recognitions and declared stances), so no admission outcome is computed.")
    try:
        rows = body_headlines(case)
        condition = probability_condition(case)
    except DialoguelabError as exc:
        return [], None, f"Admission outcomes are not available: {exc}"
    for r in rows:
        o = outcome(case, r["body"], r["date"], detail=False)
        r["stages"] = [
            {"name": s.name, "passed": s.passed, "legal_basis": s.legal_basis, "citations": list(s.citations)}
            for s in o.stages
        ]
    return rows, condition, None


def build_report_context(case: Case, *, scale: str = "goldstein") -> dict[str, Any]:
    """Everything the report shows, from the library calls (the dashboard pages use the same calls)."""
    from dialoguelab.stance.changepoints import changepoints
    from dialoguelab.stance.findings import evaluate_findings
    from dialoguelab.stance.scoring import scoring_table
    from dialoguelab.stance.series import scored_events, series_specs, stance_series

    applicant = case.meta.applicant.name if case.meta.applicant else "the applicant"
    findings: list[dict[str, Any]] = []
    findings_note = None
    if case.has_part("findings"):
        findings = [r.to_dict() for r in evaluate_findings(case)]
    else:
        findings_note = ("This case has no findings to check: its folder has no findings.yaml (the study's "
                         "claims, each with its evidence and a check).")
    figures: list[dict[str, Any]] = []
    stance: list[dict[str, Any]] = []
    periods: list[dict[str, Any]] = []
    overall: dict[str, Any] = {}
    method: dict[str, Any] = {}
    stance_note = None
    years: tuple[int, int] | None = None
    if case.has_part("blocs"):
        cps = changepoints(case, scale=scale)
        periods, overall, method = cps["periods"], cps["overall"], cps["method"]
        specs = series_specs(case)
        frames = {name: stance_series(case, name, scale=scale) for name in specs}
        years = stance_years(list(frames.values()), periods)  # one x range for every stance chart
        for name, spec in specs.items():
            frame = frames[name]
            ev = scored_events(case, name, scale=scale)
            fig_id = f"fig-stance-{name}"
            figures.append(
                {
                    "id": fig_id,
                    "figure": stance_figure(frame, cps["series"][name]["changepoints"], periods, spec.title, years),
                }
            )
            stance.append(
                {
                    "name": name,
                    "title": spec.title,
                    "description": spec.description,
                    "figure": fig_id,
                    "changepoints": cps["series"][name]["changepoints"],
                    "agreement": cps["series"][name]["agreement"],
                    "events": to_jsonable(ev[["id", "date", "type", "score", "relation"]]),
                    "sparse_years": [int(y) for y in frame[(frame.n > 0) & frame["sparse"]].start],
                }
            )
    else:
        stance_note = ("This case has no stance series: its folder has no blocs.yaml (the blocs of actors and "
                       "the series read between them).")
    points, recognitions, rec_note = _recognitions(case)
    if points:
        figures.append({"id": "fig-recognitions", "figure": recognitions_figure(points, applicant)})
    admissions, condition, adm_note = _admissions(case)
    from dialoguelab.membership.swing import swing_report

    swing = swing_report(case)
    if admissions:
        figures.append({"id": "fig-admissions", "figure": admissions_figure(admissions, applicant)})
    events = [
        {
            "id": e.id,
            "date": str(e.date),
            "end_date": str(e.end_date) if e.end_date else None,
            "type": e.type.value,
            "source_actors": list(e.source_actors),
            "target_actors": list(e.target_actors),
            "summary": e.summary,
            "citations": list(e.citations),
            "line": e.locator.line,
            "errata": e.errata,
            "date_basis": e.date_basis.value,
            "date_note": e.date_note,
        }
        for e in case.events
    ]
    cited = {c for e in case.events for c in e.citations} | {s["id"] for f in findings for s in f["sources"]}
    sources = [s.model_dump(mode="json", exclude_none=True) for s in case.sources if s.id in cited]
    from dialoguelab import __version__

    return {
        "title": case.meta.title,
        "applicant": applicant,
        "case_id": case.meta.id,
        "generated": dt.date.today().isoformat(),
        "version": __version__,
        "findings": findings,
        "findings_note": findings_note,
        "stance": stance,
        "stance_note": stance_note,
        "years": years,
        "periods": periods,
        "overall": overall,
        "method": method,
        "scoring": to_jsonable(scoring_table(scale)[["type", "score", "derivation", "errata"]]),
        "recognitions": recognitions,
        "recognitions_note": rec_note,
        "admissions": admissions,
        "admissions_note": adm_note,
        "probability_condition": condition,
        "outcome_title": OUTCOME_TITLE,
        "probability_title": PROBABILITY_TITLE,
        "events": events,
        "sources": sources,
        "figures": figures,
        "has_recognitions": bool(points),
        "has_admissions": bool(admissions),
        "swing": swing,
    }


def _plotly_js_text() -> str:
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - a broken plotly install
        raise DialoguelabError(f"plotly.min.js not found at {path}: reinstall the plotly package")
    text = path.read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script")


def _env() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(percent=percent, outcome_text=outcome_word)  # the words and numbers of every surface
    return env


def render_report(case: Case, *, scale: str = "goldstein") -> str:
    """The report as one HTML string (Plotly and the chart script inlined)."""
    ctx = build_report_context(case, scale=scale)
    ctx["plotly_js"] = _plotly_js_text()
    ctx["charts_js"] = CHARTS_JS.read_text(encoding="utf-8").replace("</script", "<\\/script")
    return str(_env().get_template("report.html").render(**ctx))


def write_report(case: Case, out: str | Path, *, scale: str = "goldstein") -> Path:
    """Write ``report.html`` into the folder ``out`` (created if needed), atomically, with the usual mode
    (0o666 less the umask, like any file the user creates).

    Parameters
    ----------
    case : Case
    out : str or Path
        A folder; the file is ``out/report.html``.
    scale : {"goldstein", "plover"}, default="goldstein"

    Returns
    -------
    Path
        The written file.
    """
    folder = Path(out).expanduser()
    if folder.exists() and not folder.is_dir():
        raise InvalidParameterError(f"The 'out' parameter must be a folder; {folder} is a file.")
    folder.mkdir(parents=True, exist_ok=True)
    html = render_report(case, scale=scale)
    # atomic, and readable like any file the user creates (the umask's default mode, or the old file's)
    return atomic_write(folder / REPORT_FILE, html)
