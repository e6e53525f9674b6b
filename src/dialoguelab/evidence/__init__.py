"""Evidence queries over a case: timeline, actors, quotations, sources, summary, export.

Every function takes a loaded :class:`~dialoguelab.case.Case` and returns a pandas DataFrame or
plain objects; the CLI and the web app only format what these return.
"""

from dialoguelab.evidence.actors import actor_network, actor_profile, actors_table, co_actors, quotations_table
from dialoguelab.evidence.export import FORMATS, export_case
from dialoguelab.evidence.sources import sources_table
from dialoguelab.evidence.summary import case_summary
from dialoguelab.evidence.timeline import TIMELINE_COLUMNS, event_detail, events_per_year, linked_quotations, timeline

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
