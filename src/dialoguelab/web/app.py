"""The FastAPI application: pages, the ``/api/v1`` JSON API, static files and security.

Pattern: full-stack-fastapi-template ``backend/app/main.py`` (one router per area) and datasette's
``serve`` (build the app, then hand it to uvicorn).
"""

from __future__ import annotations

__all__ = ["create_app", "STATIC_DIR", "plotly_js_path"]

import logging
import threading
from collections.abc import AsyncIterator
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
from dialoguelab.web.params import EmptyMeansAnyMiddleware
from dialoguelab.web.routes import ROUTERS
from dialoguelab.web.security import SecurityHeadersMiddleware, install_error_handlers

STATIC_DIR = Path(__file__).parent / "static"
log = logging.getLogger("dialoguelab.web")

DESCRIPTION = """Read-only JSON API of the dialoguelab dashboard. Every table route also answers
`?format=csv` with a CSV download. Errors are JSON: `{"detail": "...", "errors": [{"field": ...}]}`."""


@lru_cache(maxsize=1)
def plotly_js_path() -> Path:
    """``plotly.min.js`` as shipped inside the installed ``plotly`` Python package."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - a broken plotly install
        raise FileNotFoundError(f"plotly.min.js not found at {path}: reinstall plotly")
    return path


def warm_up(case: Any) -> None:
    """Compute in advance what the first visitor of the membership pages would wait for.

    The vote model's calibration is read from the on-disk cache of :mod:`dialoguelab.membership`
    (a fraction of a second; a fresh fit, after the data changed, takes about half a second), and
    today's admission probability of every body follows from it. (The monthly series is not warmed:
    it would hold the interpreter for a while, and the membership page loads it after the page is
    shown.) Errors are logged, never raised: a case without membership data has nothing to warm.
    """
    try:
        from dialoguelab.membership.api import admission_probability, membership_data

        for body in membership_data(case).bodies:
            admission_probability(case, body)
    except Exception:  # noqa: BLE001 - best effort, in a background thread
        log.info("warm-up skipped", exc_info=True)


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
        app.add_middleware(ResponseCacheMiddleware, max_entries=settings.cache_entries, ttl=settings.cache_seconds)
    app.add_middleware(SecurityHeadersMiddleware, max_query_length=settings.max_query_length)
    app.add_middleware(EmptyMeansAnyMiddleware)  # outermost: an empty query parameter means "not given"

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(
            plotly_js_path(), media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
