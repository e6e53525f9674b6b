"""What-if comparisons: every body under a scenario beside the baseline, and month-by-month series.

The scenario itself is data (:mod:`dialoguelab.membership.scenarios`); this module asks the
outcome engine (declared positions) and the vote model (probabilities) for both worlds.
"""

from __future__ import annotations

__all__ = ["compare", "series"]

import datetime as dt

import pandas as pd

from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership.data import membership_data
from dialoguelab.membership.outcomes import outcome
from dialoguelab.membership.scenarios import Scenario
from dialoguelab.membership.votes import admission_probability
from dialoguelab.membership.world import applicant_since, as_date, world


def compare(
    case: Case,
    scenario: Scenario,
    on: dt.date | str | None = None,
    *,
    position: str | None = None,
    include_unverified: bool = False,
) -> pd.DataFrame:
    """Every body's outcome and admission probability, baseline beside scenario.

    Returns a DataFrame with one row per body: ``body``, ``baseline_passed``, ``scenario_passed``,
    ``baseline_blocking``, ``scenario_blocking``, ``baseline_probability``, ``scenario_probability``,
    ``probability_basis`` (``vote_model``, ``declared_positions`` or ``mixed``: see
    :class:`~dialoguelab.membership.votes.AdmissionResult`).
    """
    pos, unv = position, include_unverified
    rows = []
    for bid in membership_data(case).bodies:
        base = outcome(case, bid, on, position=pos, include_unverified=unv, detail=False)
        scen = outcome(case, bid, on, scenario=scenario, position=pos, include_unverified=unv, detail=False)
        pb = admission_probability(case, bid, on, position=pos, include_unverified=unv)
        ps = admission_probability(case, bid, on, scenario=scenario, position=pos, include_unverified=unv)
        rows.append(
            {
                "body": bid,
                "baseline_passed": base.passed,
                "scenario_passed": scen.passed,
                "baseline_blocking": ", ".join(base.blocking),
                "scenario_blocking": ", ".join(scen.blocking),
                "baseline_probability": float(pb.probability),
                "scenario_probability": float(ps.probability),
                "probability_basis": pb.basis,
            }
        )
    return pd.DataFrame(rows)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(dt.date(y, m, 1) if (y, m) != (start.year, start.month) else start)
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def series(
    case: Case,
    bodies: list[str] | None = None,
    *,
    scenario: Scenario | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    position: str | None = None,
    include_unverified: bool = False,
) -> pd.DataFrame:
    """Admission probability and deterministic outcome per body, month by month.

    Returns a long DataFrame: ``date``, ``body``, ``probability``, ``probability_basis`` (how the
    probability was obtained: ``vote_model``, ``declared_positions`` or ``mixed``), ``passed``,
    ``recognizers``. The first row is ``start`` (default: the applicant's ``since`` date in
    ``case.yaml``), then the first day of every month up to ``end`` (default: today).
    """
    data = membership_data(case)
    ids = [data.body(b).id for b in bodies] if bodies else list(data.bodies)
    s = as_date(start) if start is not None else applicant_since(case)
    e = as_date(end) if end is not None else dt.date.today()
    if e < s:
        raise InvalidParameterError(f"The series end ({e}) is before its start ({s}).")
    scen, pos, unv = scenario, position, include_unverified
    rows = []
    for d in _months(s, e):
        n_rec = world(case, d, scenario=scen, position=pos, include_unverified=unv).recognizer_count()
        for bid in ids:
            o = outcome(case, bid, d, scenario=scen, position=pos, include_unverified=unv, detail=False)
            p = admission_probability(case, bid, d, scenario=scen, position=pos, include_unverified=unv)
            rows.append(
                {
                    "date": d,
                    "body": bid,
                    "probability": float(p.probability),
                    "probability_basis": p.basis,
                    "passed": o.passed,
                    "recognizers": n_rec,
                }
            )
    return pd.DataFrame(rows)
