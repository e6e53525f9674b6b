"""The Python API in one place, for notebooks and scripts.

Every front end (CLI, dashboard, report) calls these same functions; they return pandas DataFrames,
dataclasses or plain dicts. Each area keeps its own fuller surface (``dialoguelab.membership.api``,
``dialoguelab.forecast``, ``dialoguelab.stance.api``, ``dialoguelab.ingest.api``).

Examples
--------
>>> from dialoguelab import api
>>> case = api.load_case()
>>> len(api.timeline(case, actor="Moscow", date_from="2008", date_to="2013")) > 0
True
>>> api.outcome(case, "NATO", "2024-06-01").blocking
['ESP', 'GRC', 'ROU', 'SVK']
"""

from __future__ import annotations

from dialoguelab.case import Case, check_case, load_case
from dialoguelab.evidence import (
    actor_network,
    actor_profile,
    actors_table,
    case_summary,
    event_detail,
    export_case,
    quotations_table,
    sources_table,
    timeline,
)
from dialoguelab.forecast import forecast_issue, list_forecast_issues, run_bdm, run_ensemble
from dialoguelab.ingest.api import ingest, read_document, review
from dialoguelab.membership.api import (
    admission_probability,
    blockers,
    body_power,
    compare,
    leverage,
    load_scenario,
    outcome,
    recognition_counts,
    recognition_table,
    series,
)
from dialoguelab.report import write_report
from dialoguelab.stance.api import changepoints, evaluate_findings, findings_table, stance_series

__all__ = [
    "Case",
    "actor_network",
    "actor_profile",
    "actors_table",
    "admission_probability",
    "blockers",
    "body_power",
    "case_summary",
    "changepoints",
    "check_case",
    "compare",
    "evaluate_findings",
    "event_detail",
    "export_case",
    "findings_table",
    "forecast_issue",
    "ingest",
    "leverage",
    "list_forecast_issues",
    "load_case",
    "load_scenario",
    "outcome",
    "quotations_table",
    "read_document",
    "recognition_counts",
    "recognition_table",
    "review",
    "run_bdm",
    "run_ensemble",
    "series",
    "sources_table",
    "stance_series",
    "timeline",
    "write_report",
]
