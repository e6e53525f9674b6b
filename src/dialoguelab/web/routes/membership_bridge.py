"""What the overview and the sources page take from the membership engine, when the case has its data.

Each helper calls one function of :mod:`dialoguelab.membership.api` and only adapts the result for the
page. A case folder without ``membership/`` still gets every other page: these helpers then return
empty results.
"""

from __future__ import annotations

__all__ = ["key_figures", "membership_sources", "applicant_memberships"]

from typing import Any

import pandas as pd

from dialoguelab.errors import CaseError, DialoguelabError
from dialoguelab.membership import api as membership
from dialoguelab.web.tables import jsonable


def key_figures(case: Any) -> dict[str, Any]:
    """Recognitions today under both positions, each body's outcome with its blockers, the applicant's
    memberships (:func:`dialoguelab.membership.api.key_figures`), and the findings' one-line status."""
    try:
        figures = membership.key_figures(case)
    except CaseError:  # no (valid) membership folder: nothing to show
        return {}
    return {"findings": _findings_lines(case), **jsonable(figures)}


def _findings_lines(case: Any) -> list[str]:
    """One line per finding of the case: title, status and figure (empty when the case has none)."""
    from dialoguelab.stance.api import findings_table

    try:
        rows = findings_table(case)
    except DialoguelabError:
        return []
    return [f"{r['title']} — {r['status']}" + (f" ({r['figure']})" if r["figure"] else "") for r in rows]


def applicant_memberships(case: Any) -> list[dict[str, Any]]:
    """Bodies the applicant has joined, with dates and sources (verified rows only)."""
    try:
        return jsonable(membership.applicant_memberships(case))
    except CaseError:
        return []


def membership_sources(case: Any) -> pd.DataFrame:
    """The outside documents the membership data cite, as a table (empty without membership data)."""
    try:
        return membership.membership_sources(case)
    except CaseError:
        return pd.DataFrame(columns=["id", "kind", "title", "publisher", "date", "urls", "note", "verified"])
