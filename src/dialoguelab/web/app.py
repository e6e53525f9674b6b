"""The FastAPI application: pages, the ``/api/v1`` JSON API, static files and security.

Pattern: full-stack-fastapi-template ``backend/app/main.py`` (one router per area) and datasette's
``serve`` (build the app, then hand it to uvicorn).
"""

from __future__ import annotations

__all__ = ["create_app", "STATIC_DIR", "plotly_js_path"]

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from dialoguelab import __version__
from dialoguelab.case import load_case
from dialoguelab.web.cache import ResponseCacheMiddleware
from dialoguelab.web.config import Settings, get_settings
from dialoguelab.web.deps import available_cases
from dialoguelab.web.params import EmptyMeansAnyMiddleware, document_empty_values
from dialoguelab.web.routes import ROUTERS
from dialoguelab.web.security import SecurityHeadersMiddleware, install_error_handlers

STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_BODY = "un"  # the membership page's default body
log = logging.getLogger("dialoguelab.web")

DESCRIPTION = """Read-only JSON API of the dialoguelab dashboard. Every table route also answers
`?format=csv` with a CSV download. Errors are JSON: `{"detail": "...", "errors": [{"field": ...}]}`
(`errors` only for 422). Every answer carries `X-Case-Version`, the first 12 hex digits of the content
hash of the case it was computed from; `?case=<id>` picks one of the installed cases."""


@lru_cache(maxsize=1)
def plotly_js_path() -> Path:
    """``plotly.min.js`` as shipped inside the installed ``plotly`` Python package."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - a broken plotly install
        raise FileNotFoundError(f"plotly.min.js not found at {path}: reinstall plotly")
    return path


def _warm_steps(case: Any) -> list[tuple[str, Callable[[], Any]]]:
    """What :func:`warm_up` computes, most requested and most expensive first; each is the library call
    a route makes (so its result is kept with the case under the same key)."""
    steps: list[tuple[str, Callable[[], Any]]] = []

    def membership() -> None:
        from dialoguelab.membership.api import admission_probability, membership_data, series

        bodies = list(membership_data(case).bodies)
        for body in bodies:
            admission_probability(case, body)
        # the monthly series the membership page fetches for its default body (the others, and
        # other scenarios, are computed on request: warming all would compete with the first visitors)
        series(case, [DEFAULT_BODY if DEFAULT_BODY in bodies else bodies[0]])

    def findings() -> None:
        from dialoguelab.stance.findings import evaluate_findings

        evaluate_findings(case)

    def stance() -> None:
        from dialoguelab.stance.changepoints import changepoints

        case.cached(("stance.changepoints",), lambda: changepoints(case))

    steps += [("membership", membership), ("findings", findings), ("stance", stance)]
    return steps


def warm_up(case: Any) -> None:
    """Compute in advance what the first visitors would otherwise wait for.

    The vote model's calibration (read from the on-disk cache of :mod:`dialoguelab.membership` when
    there), today's admission probability of every body, the monthly series of the membership page's
    default body, the findings and the stance change points, one after the other, in the calling
    (background) thread. (Forecasts are not warmed: each issue's page is computed once, on its first
    visit, and warming them would take CPU from the first visitors of the other pages.) Each result
    is kept with the case (:meth:`~dialoguelab.case.Case.cached`,
    single flight), so a request that needs one while it is being computed waits for it instead of
    computing it again. Errors are logged, never raised: a case without a part has nothing to warm.
    """
    for name, step in _warm_steps(case):
        try:
            step()
        except Exception:  # noqa: BLE001 - best effort, in a background thread
            log.info("warm-up of %s skipped", name, exc_info=True)


def _one_of(values: list[str], *, case_insensitive: bool = False) -> str:
    """A regular expression matching exactly one of ``values`` (letters in either case if asked).

    The alternatives are factored by common prefix (a trie: ``ESP|EST`` becomes ``ES[PT]``), the same
    language in a fraction of the size; generators that build strings from the pattern (schemathesis,
    through Hypothesis) work in proportion to it.

    Examples
    --------
    >>> _one_of(["ESP", "EST", "GRC"])
    '(ES[PT]|GRC)'
    >>> import re
    >>> bool(re.fullmatch(_one_of(["ESP", "EST"], case_insensitive=True), "eSt"))
    True
    """
    import re

    def letters(c: str) -> str:
        return c.upper() + c.lower() if case_insensitive and c.upper() != c.lower() else c

    def char(c: str) -> str:
        return f"[{letters(c)}]" if len(letters(c)) > 1 else re.escape(c)

    def alternation(words: list[str]) -> str:
        if words == [""]:
            return ""
        end = "" in words
        heads: dict[str, list[str]] = {}
        for w in words:
            if w:
                heads.setdefault(w[0], []).append(w[1:])
        if all(rest == [""] for rest in heads.values()) and len(heads) > 1:  # one character each: a class
            parts = ["[" + "".join(re.escape(x) for h in heads for x in letters(h)) + "]"]
        else:
            parts = [char(h) + alternation(rest) for h, rest in heads.items()]
        body = parts[0] if len(parts) == 1 and not end else "(" + "|".join(parts) + ")"
        return f"({body})?" if end else body

    folded = sorted({v.upper() if case_insensitive else v for v in values})
    out = alternation(folded)
    return out if out.startswith("(") else f"({out})"


def _parameter_formats(cases: dict[str, Path]) -> dict[str, dict[str, Any]]:
    """The exact formats of the parameters whose valid values come from the served cases' data.

    The routes check these values against the case a request asks for (a 422 naming the allowed
    ones); the OpenAPI document states the sets of the default case, so a client (or schemathesis)
    can see them.
    """
    from dialoguelab.case import DateBasis

    positions: list[str] = ["applicant", "objector"]
    series: list[str] = []
    codes: list[str] = []
    # Positions and series: those of the default case (a request for another case with ?case= names
    # that case's, or uses applicant/objector; OpenAPI cannot state a dependency between parameters).
    # State codes: every served case's world data.
    for k, path in enumerate(cases.values()):
        c = load_case(path)
        if k == 0:
            try:
                positions += list(c.positions())
            except Exception:  # noqa: BLE001 - a case without applicant has no positions
                pass
            try:
                from dialoguelab.stance.series import series_specs

                series += list(series_specs(c))
            except Exception:  # noqa: BLE001 - a case without blocs has no series
                pass
        try:
            codes += list(c.world.state_names)
        except Exception:  # noqa: BLE001 - a case without world data
            pass
    month_day = r"((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
    year = r"([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
    out: dict[str, dict[str, Any]] = {
        "position": {"enum": sorted(set(positions))},
        "scale": {"enum": ["goldstein", "plover"]},
        # a partial date, YYYY, YYYY-MM or YYYY-MM-DD (empty: an unused form field)
        "date_from": {"pattern": f"^({year}(-(0[1-9]|1[0-2])|-{month_day})?)?$"},
        "date_to": {"pattern": f"^({year}(-(0[1-9]|1[0-2])|-{month_day})?)?$"},
        # a day on which every modelled body exists (2000 to 2099; empty: today)
        "date": {"pattern": f"^(20[0-9]{{2}}-{month_day})?$"},
        "date_basis": {"pattern": "^ *{b}( *, *{b})* *$".format(b=_one_of([b.value for b in DateBasis]))},
    }
    if series:
        out["series"] = {"enum": sorted(set(series))}
    if codes:
        code = _one_of(codes, case_insensitive=True)
        out["iso_list"] = {"pattern": f"^({code}(,{code}){{0,49}})?$"}
    return out


def _refine_openapi(app: FastAPI, cases: dict[str, Path]) -> None:
    """Generate the OpenAPI document once, with the parameter formats of :func:`_parameter_formats`."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        formats = _parameter_formats(cases)
        for ops in doc.get("paths", {}).values():
            for op in ops.values():
                for prm in op.get("parameters", []):
                    name = prm.get("name")
                    schema = prm.get("schema", {})
                    target = schema.get("anyOf", [schema])
                    fmt = formats.get("iso_list") if name in ("recognize", "withdraw", "abstain") else formats.get(name)
                    if fmt is None:
                        continue
                    for sub in target:
                        if sub.get("type") == "string":
                            sub.pop("pattern", None)
                            sub.update(fmt)
                        elif sub.get("type") == "array" and sub.get("items", {}).get("type") == "string":
                            sub["items"].pop("pattern", None)
                            sub["items"].update(fmt)
        document_empty_values(doc)  # an optional parameter sent empty counts as not given
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the dashboard for one case.

    Parameters
    ----------
    settings : Settings, optional
        What to serve (``case_path``) and the bounds to enforce; default :func:`get_settings`.

    Returns
    -------
    fastapi.FastAPI
        The app, serving its default case and every installed case (``app.state.cases``, id → folder).

    Raises
    ------
    dialoguelab.errors.CaseError
        If the case folder cannot be loaded (the message lists each located problem).
    """
    settings = settings or get_settings()
    cases = available_cases(settings)  # loads (and so validates) every case the app serves
    case = load_case(next(iter(cases.values())))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:
            threading.Thread(target=warm_up, args=(case,), name="dialoguelab-warm-up", daemon=True).start()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="dialoguelab",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; /api renders the reference instead
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.case = case  # the served case as it was at start-up (warm-up); requests load it afresh
    app.state.cases = cases
    install_error_handlers(app)
    # Added first = innermost: the cache sits inside the security middleware, so cached answers
    # carry the same headers and bounds as fresh ones.
    if settings.cache_entries > 0:
        app.add_middleware(ResponseCacheMiddleware, cases=cases, max_entries=settings.cache_entries,
                           ttl=settings.cache_seconds)
    app.add_middleware(SecurityHeadersMiddleware, max_query_length=settings.max_query_length,
                       allowed_hosts=tuple(settings.allowed_hosts))
    app.add_middleware(EmptyMeansAnyMiddleware)  # outermost: an empty query parameter means "not given"

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(
            plotly_js_path(), media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    from dialoguelab.web.routes._models import ERROR_RESPONSES

    for router in ROUTERS:  # every API operation documents the error bodies it may answer
        app.include_router(router, responses=ERROR_RESPONSES)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _refine_openapi(app, cases)
    return app
