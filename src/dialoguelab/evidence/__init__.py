"""Evidence queries over a case: timeline, actors, quotations, sources, summary, export.

Every function takes a loaded :class:`~dialoguelab.case.Case` and returns a pandas DataFrame or
plain objects; the CLI and the web app only format what these return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialoguelab.lazy import lazy_exports

if TYPE_CHECKING:  # imported on first use (dialoguelab.lazy), so importing the package stays cheap
    from dialoguelab.evidence.actors import actor_network, actor_profile, actors_table, co_actors, quotations_table
    from dialoguelab.evidence.export import FORMATS, export_case
    from dialoguelab.evidence.sources import sources_table
    from dialoguelab.evidence.summary import case_summary
    from dialoguelab.evidence.timeline import (
        TIMELINE_COLUMNS,
        event_detail,
        events_per_year,
        linked_quotations,
        timeline,
    )

__all__ = [
    "FORMATS",
    "TIMELINE_COLUMNS",
    "actor_network",
    "actor_profile",
    "actors_table",
    "case_summary",
    "co_actors",
    "event_detail",
    "events_per_year",
    "export_case",
    "linked_quotations",
    "quotations_table",
    "sources_table",
    "timeline",
]

lazy_exports(
    __name__,
    {
        "actor_network": "dialoguelab.evidence.actors",
        "actor_profile": "dialoguelab.evidence.actors",
        "actors_table": "dialoguelab.evidence.actors",
        "co_actors": "dialoguelab.evidence.actors",
        "quotations_table": "dialoguelab.evidence.actors",
        "FORMATS": "dialoguelab.evidence.export",
        "export_case": "dialoguelab.evidence.export",
        "sources_table": "dialoguelab.evidence.sources",
        "case_summary": "dialoguelab.evidence.summary",
        "TIMELINE_COLUMNS": "dialoguelab.evidence.timeline",
        "event_detail": "dialoguelab.evidence.timeline",
        "events_per_year": "dialoguelab.evidence.timeline",
        "linked_quotations": "dialoguelab.evidence.timeline",
        "timeline": "dialoguelab.evidence.timeline",
    },
)
