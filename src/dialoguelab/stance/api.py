"""The public surface of stance dynamics and findings (re-exports; see ``docs/stance-and-findings.md``)."""

from __future__ import annotations

from dialoguelab.stance.blocs import actor_bloc, blocs_table, event_blocs, load_blocs
from dialoguelab.stance.changepoints import (
    NamedPeriod,
    agreement,
    changepoints,
    default_penalty,
    detect_changepoints,
    named_periods,
    yearly_signal,
)
from dialoguelab.stance.findings import (
    CHECKS,
    STATUSES,
    CheckResult,
    FindingResult,
    evaluate_findings,
    findings_table,
    load_findings_file,
    register_check,
    run_check,
    validate_findings,
)
from dialoguelab.stance.scoring import SCALES, cameo_table, scoring_table, type_score, type_scores
from dialoguelab.stance.series import bootstrap_mean_ci, scored_events, series_specs, stance_series

__all__ = [
    "CHECKS",
    "SCALES",
    "STATUSES",
    "CheckResult",
    "FindingResult",
    "NamedPeriod",
    "actor_bloc",
    "agreement",
    "blocs_table",
    "bootstrap_mean_ci",
    "cameo_table",
    "changepoints",
    "default_penalty",
    "detect_changepoints",
    "evaluate_findings",
    "event_blocs",
    "findings_table",
    "load_blocs",
    "load_findings_file",
    "named_periods",
    "register_check",
    "run_check",
    "scored_events",
    "scoring_table",
    "series_specs",
    "stance_series",
    "type_score",
    "type_scores",
    "validate_findings",
    "yearly_signal",
]
