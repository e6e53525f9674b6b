"""Leverage of one actor: where and when it is a veto player, blocks, or is pivotal.

For each body and each sampled date the actor's role is read from
:func:`~dialoguelab.membership.outcomes.outcome`
(veto player = can block alone under the rules; blocking = its derived vote blocks now; pivotal = its
vote alone would flip the outcome) and, optionally, the same under a scenario.
"""

from __future__ import annotations

__all__ = ["leverage"]

import datetime as dt

import pandas as pd

from dialoguelab.case import Case
from dialoguelab.membership.data import membership_data
from dialoguelab.membership.outcomes import outcome
from dialoguelab.membership.scenarios import Scenario
from dialoguelab.membership.world import applicant_since, as_date, world


def _dates(start: dt.date, end: dt.date) -> list[dt.date]:
    out = [start]
    for y in range(start.year + 1, end.year + 1):
        d = dt.date(y, 1, 1)
        if d < end:
            out.append(d)
    if end not in out:
        out.append(end)
    return out


def leverage(
    case: Case,
    actor: str,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    scenario: Scenario | None = None,
    position: str | None = None,
    bodies: list[str] | None = None,
) -> pd.DataFrame:
    """The actor's role in every body at the start, each 1 January, and the end date.

    Parameters
    ----------
    actor : str
        ISO 3166 alpha-3 code or state name (``Russia``, ``RUS``).
    start, end : date or str
        Default: from the applicant's ``since`` date (``case.yaml``) to today.
    scenario : Scenario, optional
        Adds ``scenario_*`` columns.

    Returns
    -------
    DataFrame
        ``date``, ``body``, ``member``, ``veto_player``, ``blocking``, ``pivotal``, ``passed`` and, with a
        scenario, the same prefixed ``scenario_``.

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> df = leverage(load_case(), "Russia", start="2024-01-01", end="2024-06-01", bodies=["UN"])
    >>> bool(df.veto_player.all())
    True
    """
    data = membership_data(case)
    iso = data.state(actor)
    ids = [data.body(b).id for b in bodies] if bodies else list(data.bodies)
    s, e = as_date(start if start is not None else applicant_since(case)), as_date(end)
    rows = []
    for d in _dates(s, e):
        w = world(case, d, position=position)
        for bid in ids:
            o = outcome(case, bid, d, position=position)
            row = {
                "date": d,
                "body": bid,
                "member": iso in w.members(bid) or any(iso in w.organ(bid, st) for st in data.stages[bid]),
                "veto_player": iso in o.veto_players,
                "blocking": iso in o.blocking,
                "pivotal": iso in o.pivotal,
                "passed": o.passed,
            }
            if scenario is not None:
                so = outcome(case, bid, d, scenario=scenario, position=position)
                row.update(
                    {
                        "scenario_veto_player": iso in so.veto_players,
                        "scenario_blocking": iso in so.blocking,
                        "scenario_pivotal": iso in so.pivotal,
                        "scenario_passed": so.passed,
                    }
                )
            rows.append(row)
    return pd.DataFrame(rows)
