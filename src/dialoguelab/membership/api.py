"""Public surface of the membership engine (DataFrames and plain objects).

>>> from dialoguelab.membership import api
>>> api.outcome("NATO", "2024-06-01").blocking
['ESP', 'GRC', 'ROU', 'SVK']
"""

from __future__ import annotations

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
from dialoguelab.membership.votes import (
    AdmissionResult,
    Calibration,
    admission_probability,
    calibrate,
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
    "joint_distribution",
    "marginal_distribution",
    "monte_carlo_probability",
    "stage_probability",
    "World",
    "world",
    "recognitions",
]


def recognitions(
    on: str | None = None,
    *,
    position: str = "kosovo",
    root: str | None = None,
    include_unverified: bool = False,
):  # noqa: ANN201 - DataFrame
    """Recognition of the applicant state by state on a day, with both positions on withdrawals."""
    import pandas as pd

    data = load_membership(root)
    w = world(on, position=position, root=root, include_unverified=include_unverified)
    rows = []
    for iso, r in sorted(data.recognitions.items()):
        rows.append(
            {
                "iso3": iso,
                "state": r.state,
                "recognized_on": str(r.recognized_on) if r.recognized_on else None,
                "withdrawal_claimed_on": str(r.withdrawal_date()) if r.withdrawal_date() else None,
                "kosovo_position": r.kosovo_position,
                "verified": r.verified,
                "status": "recognizes" if w.recognizes(iso) else (w._recognition.get(iso) or "excluded"),
                "sources": ";".join(r.sources),
            }
        )
    return pd.DataFrame(rows)
