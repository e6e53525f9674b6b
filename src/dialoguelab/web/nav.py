"""The dashboard's navigation: one list, in one place.

A later feature (findings, stance, forecast) adds its page by appending a :class:`NavItem` here
and its router to :data:`dialoguelab.web.routes.ROUTERS`.
"""

from __future__ import annotations

__all__ = ["NavItem", "NAV"]

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation bar: a key (for the active tab), a path and a title."""

    key: str
    path: str
    title: str


NAV: list[NavItem] = [
    NavItem("overview", "/", "Overview"),
    NavItem("timeline", "/timeline", "Timeline"),
    NavItem("actors", "/actors", "Actors"),
    NavItem("map", "/map", "Recognition map"),
    NavItem("membership", "/membership", "Membership"),
    NavItem("findings", "/findings", "Findings"),
    NavItem("stance", "/stance", "Stance"),
    NavItem("forecast", "/forecast", "Forecast"),
    NavItem("sources", "/sources", "Sources"),
    NavItem("api", "/api", "API"),
]
