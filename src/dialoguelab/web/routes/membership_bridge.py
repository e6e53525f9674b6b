"""What the overview and the sources page take from the membership engine, when the case has its data.

A case folder without ``membership/`` still gets every other page: these helpers return empty results.
"""

from __future__ import annotations

__all__ = ["key_figures", "membership_sources", "kosovo_memberships"]

import datetime as dt
from typing import Any

import pandas as pd

from dialoguelab.errors import DialoguelabError
from dialoguelab.membership.api import load_membership, outcome, world
from dialoguelab.web.tables import jsonable


def key_figures(case: Any) -> dict[str, Any]:
    """Recognitions today under both positions, and each body's outcome with its blockers."""
    try:
        data = load_membership(case.root)
    except DialoguelabError:
        return {}
    today = dt.date.today()
    counts = {p: world(today, position=p, root=case.root).recognizer_count() for p in ("kosovo", "serbia")}
    bodies = []
    for bid, b in data.bodies.items():
        o = outcome(bid, today, root=case.root, detail=False)
        bodies.append({
            "body": bid, "name": b.name, "passed": o.passed, "outcome": "would pass" if o.passed else "blocked",
            "blockers": [o.names.get(m, m) for m in o.blocking],
            "veto_players": [o.names.get(m, m) for m in o.veto_players],
            "rule": "; then ".join(f"{st.name}: {st.rule.describe()}" for st in data.stages[bid]),
            "citations": list(b.citations),
        })
    return {
        "findings": _findings_lines(case),
        "recognitions": {"date": today.isoformat(), "kosovo_position": counts["kosovo"],
                         "serbia_position": counts["serbia"]},
        "bodies": bodies,
        "joined": kosovo_memberships(case),
    }


def _findings_lines(case: Any) -> list[str]:
    """One line per finding of the case: title, status and figure (empty when the case has none)."""
    from dialoguelab.stance.api import findings_table

    try:
        rows = findings_table(case)
    except DialoguelabError:
        return []
    return [f"{r['title']} — {r['status']}" + (f" ({r['figure']})" if r["figure"] else "") for r in rows]


def kosovo_memberships(case: Any) -> list[dict[str, Any]]:
    """Bodies Kosovo has joined, with dates and sources (verified rows only)."""
    try:
        data = load_membership(case.root)
    except DialoguelabError:
        return []
    return [jsonable(r.model_dump()) for r in data.kosovo_memberships if r.verified]


def membership_sources(case: Any) -> pd.DataFrame:
    """The outside documents the membership data cite, as a table (empty without membership data)."""
    cols = ["id", "kind", "title", "publisher", "date", "urls", "note", "verified"]
    try:
        data = load_membership(case.root)
    except DialoguelabError:
        return pd.DataFrame(columns=cols)
    rows = [{c: jsonable(getattr(s, c, None)) for c in cols} for s in data.sources.values()]
    return pd.DataFrame(rows, columns=cols).sort_values("id").reset_index(drop=True)
