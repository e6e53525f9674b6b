"""Citations: every source with its status and the records that use it."""

from __future__ import annotations

__all__ = ["sources_table"]

import pandas as pd

from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.store import open_store

_STATUSES = ("complete", "cut_off", "missing")


def sources_table(case: Case, *, status: str | None = None, kind: str | None = None) -> pd.DataFrame:
    """Each source (footnote or document) with its status, URLs and the events and quotations citing it.

    Parameters
    ----------
    status : {"complete", "cut_off", "missing"}, optional
        Only footnotes with this status.
    kind : {"footnote", "document"}, optional
    """
    clauses, params = [], []
    if status is not None:
        if status not in _STATUSES:
            raise InvalidParameterError(
                f"The 'status' parameter must be one of {', '.join(_STATUSES)}. Got {status!r}."
            )
        clauses.append("s.status = ?")
        params.append(status)
    if kind is not None:
        if kind not in ("footnote", "document"):
            raise InvalidParameterError(f"The 'kind' parameter must be 'footnote' or 'document'. Got {kind!r}.")
        clauses.append("s.kind = ?")
        params.append(kind)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    df = open_store(case).query(
        f"""
        SELECT s.id, s.kind, s.number, s.status, s.title, s.publisher, s.date, s.text, s.urls, s.line, s.note,
          coalesce((SELECT list(event_id ORDER BY event_id) FROM event_citations c WHERE c.source_id = s.id), [])
            AS events,
          coalesce((SELECT list(quotation_id ORDER BY quotation_id) FROM quotation_citations c
                    WHERE c.source_id = s.id), []) AS quotations
        FROM sources s {where}
        ORDER BY s.kind = 'document', s.number NULLS LAST, s.id
        """,
        params,
    )
    for col in ("urls", "events", "quotations"):
        df[col] = df[col].map(list)
    df["n_events"] = df["events"].map(len)
    return df
