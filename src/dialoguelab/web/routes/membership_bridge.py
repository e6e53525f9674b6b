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
    """Recognitions today under both positions, each body's headline answer (outcome under declared
    positions and probability under the vote model, :func:`dialoguelab.membership.api.key_figures`), the
    applicant's memberships, and the findings' status (``findings``; empty when the case has none)."""
    findings = _findings_rows(case)
    try:
        figures = membership.key_figures(case)
    except CaseError as exc:  # no (valid) membership folder: say so, show the rest
        return {"findings": findings, "membership_missing": _missing_sentence(case, exc)}
    return {"findings": findings, **jsonable(figures)}


def _missing_sentence(case: Any, exc: Exception) -> str:
    if not case.has_part("membership"):
        return ("This case has no membership data (no membership/ folder with the applicant's recognitions "
                "and declared stances), so no admission outcome is computed.")
    return f"The membership data of this case could not be read: {exc}"


def _findings_rows(case: Any) -> list[dict[str, Any]]:
    """One row per finding of the case: number, title, status and figure (empty when the case has none)."""
    from dialoguelab.stance.api import findings_table

    if not case.has_part("findings"):
        return []
    try:
        rows = findings_table(case)
    except DialoguelabError:
        return []
    return [{k: r[k] for k in ("number", "id", "title", "status", "figure")} for r in rows]


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
