"""The dashboard's routers: one per page, each with its HTML page and its ``/api/v1`` JSON routes.

A later feature adds its page by appending its router here and its entry to
:data:`dialoguelab.web.nav.NAV`.
"""

from __future__ import annotations

__all__ = ["ROUTERS"]

from fastapi import APIRouter

from dialoguelab.web.routes import (
    actors,
    apidocs,
    forecast,
    insights,
    membership,
    overview,
    recognition,
    sources,
    timeline,
)

ROUTERS: list[APIRouter] = [
    overview.router,
    timeline.router,
    actors.router,
    recognition.router,
    membership.router,
    sources.router,
    insights.router,
    forecast.router,
    apidocs.router,
]
