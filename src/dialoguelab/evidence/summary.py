"""A case at a glance: counts, span, and what the records cover."""

from __future__ import annotations

__all__ = ["case_summary"]

from collections import Counter
from typing import Any

from dialoguelab.case import Case, DateBasis, SourceKind


def case_summary(case: Case) -> dict[str, Any]:
    """Counts of every record type, the span of the events, and the status of the footnotes."""
    dates = [e.date for e in case.events]
    fn_status = Counter(s.status.value for s in case.sources if s.kind is SourceKind.FOOTNOTE and s.status)
    return {
        "id": case.meta.id,
        "title": case.meta.title,
        "description": case.meta.description,
        "format_version": case.meta.format_version,
        "counts": {
            "events": len(case.events),
            "actors": len(case.actors),
            "sources": len(case.sources),
            "footnotes": sum(fn_status.values()),
            "quotations": len(case.quotations),
            "agreements": len(case.agreements),
            "documents": len(case.documents),
        },
        "footnote_status": dict(sorted(fn_status.items())),
        "actor_types": dict(sorted(Counter(a.type.value for a in case.actors).items())),
        "event_types": dict(Counter(e.type.value for e in case.events).most_common()),
        "first_event": str(min(dates)) if dates else None,
        "last_event": str(max(dates)) if dates else None,
        "events_with_errata": sum(1 for e in case.events if e.errata),
        "date_basis": {b.value: sum(1 for e in case.events if e.date_basis is b) for b in DateBasis},
        "paper_text": str(case.paper_path) if case.paper_path else None,
        "verified_to": {k: str(v) for k, v in sorted(case.verified_to().items())},
    }
