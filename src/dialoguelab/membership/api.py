"""Public surface of the membership engine (DataFrames and plain objects).

The models (rules, world, outcomes, vote model, power indices, scenarios) and, for front ends, one
function per page or table (:mod:`dialoguelab.membership.views`): ``recognition_counts``,
``recognition_table``, ``recognition_view``, ``key_figures``, ``body_outcomes``, ``body_rules``,
``applicant_memberships``, ``membership_sources``, ``what_if_scenario`` and ``explorer_view``.
Every function takes the :class:`~dialoguelab.case.Case` first.

>>> from dialoguelab.case import load_case
>>> from dialoguelab.membership import api
>>> case = load_case()
>>> api.outcome(case, "NATO", "2024-06-01").blocking
['ESP', 'GRC', 'ROU', 'SVK']
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dialoguelab.case import Case
from dialoguelab.membership.data import MembershipData, membership_data
from dialoguelab.membership.leverage import leverage
from dialoguelab.membership.outcomes import FlipSet, Outcome, StageOutcome, blockers, evaluate_tally, outcome
from dialoguelab.membership.power import (
    PowerIndices,
    body_power,
    brute_force_indices,
    type_indices,
    weighted_indices,
)
from dialoguelab.membership.rules import (
    AllOf,
    Ballot,
    Base,
    Consensus,
    Evaluation,
    Majority,
    Quota,
    Rule,
    Stage,
    Tally,
    Unanimity,
    Veto,
    WeightedQuota,
    rule_from_dict,
)
from dialoguelab.membership.scenarios import Scenario, load_scenario, parse_scenario
from dialoguelab.membership.views import (
    RECOGNITION_STATUSES,
    RecognitionView,
    UnknownStateCodeError,
    applicant_memberships,
    body_outcomes,
    body_rules,
    explorer_view,
    key_figures,
    membership_sources,
    recognition_counts,
    recognition_table,
    recognition_view,
    what_if_scenario,
)
from dialoguelab.membership.votes import (
    AdmissionResult,
    Calibration,
    admission_probability,
    calibrate,
    calibration_cache_dir,
    joint_distribution,
    marginal_distribution,
    monte_carlo_probability,
    stage_probability,
)
from dialoguelab.membership.whatif import compare, series
from dialoguelab.membership.world import World, applicant_since, world

__all__ = [
    "MembershipData",
    "membership_data",
    "applicant_since",
    "leverage",
    "FlipSet",
    "Outcome",
    "StageOutcome",
    "blockers",
    "evaluate_tally",
    "outcome",
    "PowerIndices",
    "body_power",
    "brute_force_indices",
    "type_indices",
    "weighted_indices",
    "AllOf",
    "Ballot",
    "Base",
    "Consensus",
    "Evaluation",
    "Majority",
    "Quota",
    "Rule",
    "Stage",
    "Tally",
    "Unanimity",
    "Veto",
    "WeightedQuota",
    "rule_from_dict",
    "Scenario",
    "compare",
    "load_scenario",
    "parse_scenario",
    "series",
    "AdmissionResult",
    "Calibration",
    "admission_probability",
    "calibrate",
    "calibration_cache_dir",
    "joint_distribution",
    "marginal_distribution",
    "monte_carlo_probability",
    "stage_probability",
    "World",
    "world",
    "recognitions",
    "RECOGNITION_STATUSES",
    "RecognitionView",
    "UnknownStateCodeError",
    "body_outcomes",
    "body_rules",
    "explorer_view",
    "key_figures",
    "applicant_memberships",
    "membership_sources",
    "recognition_counts",
    "recognition_table",
    "recognition_view",
    "what_if_scenario",
]


def recognitions(
    case: Case,
    on: dt.date | str | None = None,
    *,
    position: str | None = None,
    include_unverified: bool = False,
) -> pd.DataFrame:
    """Recognition of the applicant state by state on a day (same as :func:`recognition_table`)."""
    return recognition_table(case, on, position, include_unverified=include_unverified)
