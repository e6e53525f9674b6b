"""Public surface of the membership engine (DataFrames and plain objects).

The models (rules, world, outcomes, vote model, power indices, scenarios) and, for front ends, one
function per page or table (:mod:`dialoguelab.membership.views`): ``recognition_counts``,
``recognition_table``, ``recognition_view``, ``key_figures``, ``body_outcomes``, ``body_rules``,
``kosovo_memberships``, ``membership_sources``, ``what_if_scenario`` and ``explorer_view``.

>>> from dialoguelab.membership import api
>>> api.outcome("NATO", "2024-06-01").blocking
['ESP', 'GRC', 'ROU', 'SVK']
>>> api.recognition_counts("2020-01-01")["serbia_position"] < api.recognition_counts("2020-01-01")["kosovo_position"]
True
"""

from __future__ import annotations

import pandas as pd

from dialoguelab.membership.data import MembershipData, load_membership, load_membership_for_case
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
from dialoguelab.membership.scenarios import Scenario, compare, load_scenario, parse_scenario, series
from dialoguelab.membership.views import (
    RECOGNITION_STATUSES,
    RecognitionView,
    UnknownStateCodeError,
    body_outcomes,
    body_rules,
    explorer_view,
    key_figures,
    kosovo_memberships,
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
from dialoguelab.membership.world import World, world

__all__ = [
    "MembershipData",
    "load_membership",
    "load_membership_for_case",
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
    "kosovo_memberships",
    "membership_sources",
    "recognition_counts",
    "recognition_table",
    "recognition_view",
    "what_if_scenario",
]


def recognitions(
    on: str | None = None,
    *,
    position: str = "kosovo",
    root: str | None = None,
    include_unverified: bool = False,
) -> pd.DataFrame:
    """Recognition of the applicant state by state on a day (same as :func:`recognition_table`)."""
    return recognition_table(on, position, root, include_unverified=include_unverified)
