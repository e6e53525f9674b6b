"""What the forecast pages and the forecast API show: one function per page or table.

Front ends (the dashboard's ``/forecast`` pages, ``/api/v1/forecast``) call one of these and only
format the result. Each forecast is computed once per case version and set of parameters
(:meth:`dialoguelab.case.Case.cached`, single flight: concurrent requests for the same forecast wait
for the first), in the calling process (no worker processes are started for a page).
"""

from __future__ import annotations

__all__ = [
    "MAX_RUNS",
    "MAX_ROUNDS",
    "DEFAULT_RUNS",
    "MODES",
    "TABLES",
    "forecast_report",
    "issues_view",
    "issue_view",
    "issue_table",
]

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.forecast.api import ForecastReport, forecast_issue, list_forecast_issues
from dialoguelab.forecast.ensemble import QUANTILES
from dialoguelab.forecast.issues import Issue, Judgement, load_issue
from dialoguelab.forecast.scenarios import scenario_from_settings

#: Bounds of the parameters a page or the API accepts (a request above them is a 422).
MAX_RUNS = 2000
MAX_ROUNDS = 50
DEFAULT_RUNS = 200
MODES = ("replication", "corrected")
#: The tables :func:`issue_table` returns.
TABLES = ("rounds", "actors", "outcomes")
_BINS = 20


def _check(runs: int, seed: int, rounds: int, mode: str) -> None:
    for name, value, lo, hi in (("runs", runs, 0, MAX_RUNS), ("seed", seed, 0, 2**32 - 1),
                                ("rounds", rounds, 1, MAX_ROUNDS)):
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise InvalidParameterError(f"The {name!r} parameter must be an integer in [{lo}, {hi}]. Got {value!r}.")
    if mode not in MODES:
        raise InvalidParameterError(f"The 'mode' parameter must be one of {', '.join(MODES)}. Got {mode!r}.")


def forecast_report(
    case: Case,
    issue: str,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    rounds: int = 10,
    mode: str = "replication",
    salience: Mapping[str, float] | None = None,
    capability: Mapping[str, float] | None = None,
    remove: Sequence[str] = (),
) -> ForecastReport:
    """The forecast of one issue with a scenario given as settings, computed once per case version.

    Parameters
    ----------
    case : Case
    issue : str
        An issue id of the case.
    runs : int, default=200
        Monte Carlo runs, 0 to :data:`MAX_RUNS`.
    seed : int, default=0
    rounds : int, default=10
        1 to :data:`MAX_ROUNDS`.
    mode : {"replication", "corrected"}, default="replication"
    salience, capability : mapping of actor id to float, optional
        Scenario: new saliences ([0, 1]) or capabilities (>= 0).
    remove : sequence of str, default=()
        Scenario: actors that leave the issue.

    Returns
    -------
    ForecastReport
        As :func:`dialoguelab.forecast.api.forecast_issue` returns it (the scenario, if any, beside
        the baseline, each with its own ensemble).

    Raises
    ------
    UnknownIdError
        An unknown issue or actor.
    InvalidParameterError
        A parameter out of its bounds (the message names it).
    """
    _check(runs, seed, rounds, mode)
    the_issue = load_issue(case, issue)
    sal = tuple(sorted((str(k), float(v)) for k, v in (salience or {}).items()))
    cap = tuple(sorted((str(k), float(v)) for k, v in (capability or {}).items()))
    rem = tuple(sorted(dict.fromkeys(remove)))
    scenario = scenario_from_settings(the_issue, salience=dict(sal), capability=dict(cap), remove=rem)
    key = ("forecast.report", the_issue.id, runs, seed, rounds, mode, sal, cap, rem)
    return case.cached(
        key,
        lambda: forecast_issue(case, the_issue, rounds=rounds, mode=mode, runs=runs, seed=seed,
                               scenario=scenario, workers=0),
    )


def issues_view(case: Case) -> dict[str, Any]:
    """The ``/forecast`` page: the case's negotiation issues, or a sentence saying it has none.

    Returns
    -------
    dict
        ``issues`` (as :func:`~dialoguelab.forecast.api.list_forecast_issues`, each with ``n_actors``)
        and ``unavailable`` (a sentence when the case has no issue, else ``None``).
    """
    issues = list_forecast_issues(case)
    for i in issues:
        i["n_actors"] = len(i["actors"])
    unavailable = None
    if not issues:
        unavailable = (
            f"The case {case.meta.id!r} has no negotiation issues: add files to its forecast/ folder "
            "(see docs/forecast.md) to forecast them here."
        )
    return {"issues": issues, "unavailable": unavailable}


def _judgement(case: Case, j: Judgement) -> dict[str, Any]:
    cites = []
    for sid in j.citations:
        src = case.sources_by_id.get(sid)
        title = None if src is None else (src.title or src.text or (f"footnote {src.number}" if src.number else None))
        cites.append({"id": sid, "title": title, "href": f"/sources#src-{sid}"})
    return {
        "value": j.value,
        "why": j.why,
        "confidence": j.confidence,
        "citations": cites,
        "locators": [{"line": loc.line, "anchor": loc.anchor} for loc in j.locators],
    }


def _actor_name(case: Case, actor_id: str) -> str:
    actor = case.actors_by_id.get(actor_id)  # an issue's actors are checked when it is loaded
    return actor_id if actor is None else str(actor.name)


def _q(row: list[float]) -> dict[str, float]:
    return {f"q{round(q * 100):02d}": float(v) for q, v in zip(QUANTILES, row, strict=True)}


def issue_view(
    case: Case,
    issue: str,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    rounds: int = 10,
    mode: str = "replication",
    salience: Mapping[str, float] | None = None,
    capability: Mapping[str, float] | None = None,
    remove: Sequence[str] = (),
) -> dict[str, Any]:
    """The ``/forecast/{issue}`` page and the ``/api/v1/forecast/{issue}`` answer.

    Parameters are those of :func:`forecast_report`.

    Returns
    -------
    dict
        ``issue`` (title, question, scale, threshold, judgement note), ``params``, ``actors`` (each
        input with its justification, confidence and citations linking to ``/sources``; the judged
        run's start and end; the Monte Carlo's share of runs in which it moves; the scenario's
        values), ``forecast`` (the forecast, its probability and what it is conditional on),
        ``judged_inputs`` (the run on the judged inputs), ``notes``, ``rounds`` (per round: the
        judged run, the Monte Carlo quantiles of the median, the scenario and its difference),
        ``distribution`` (the runs' final medians in bins over the scale) and ``scenario``.
    """
    rep = forecast_report(case, issue, runs=runs, seed=seed, rounds=rounds, mode=mode, salience=salience,
                          capability=capability, remove=remove)
    d = rep.to_dict()
    the_issue: Issue = rep.issue
    scale = (the_issue.scale.min, the_issue.scale.max)
    ens = rep.ensemble
    sc = rep.scenario
    removed = set(remove)
    actors = []
    for j, a in enumerate(the_issue.actors):
        entry: dict[str, Any] = {
            "actor": a.actor,
            "name": _actor_name(case, a.actor),
            "position": _judgement(case, a.position),
            "salience": _judgement(case, a.salience),
            "capability": _judgement(case, a.capability),
            "start": float(rep.result.positions[0, j]),
            "end": float(rep.result.positions[-1, j]),
            "p_moves": None if ens is None else ens.actors[j]["p_moves"],
            "final_quantiles": None if ens is None else ens.actors[j]["final_quantiles"],
            "removed": a.actor in removed,
            "scenario_salience": (salience or {}).get(a.actor),
            "scenario_capability": (capability or {}).get(a.actor),
            "scenario_end": None,
        }
        if sc is not None and a.actor in sc.result.names:
            entry["scenario_end"] = float(sc.result.positions[-1, list(sc.result.names).index(a.actor)])
        actors.append(entry)
    rows = []
    for t in range(rep.result.rounds + 1):
        row: dict[str, Any] = {"round": t, "median": float(rep.result.median[t]), "mean": float(rep.result.mean[t])}
        if ens is not None:
            row.update({f"mc_median_{k}": v for k, v in _q(ens.median_quantiles[t]).items()})
            row.update({f"mc_mean_{k}": v for k, v in _q(ens.mean_quantiles[t]).items()})
        if sc is not None:
            row["scenario_median"] = float(sc.result.median[t])
            row["scenario_mean"] = float(sc.result.mean[t])
            row["delta_median"] = row["scenario_median"] - row["median"]
            row["delta_mean"] = row["scenario_mean"] - row["mean"]
            if sc.ensemble is not None:
                row.update({f"scenario_mc_median_{k}": v for k, v in _q(sc.ensemble.median_quantiles[t]).items()})
        rows.append(row)
    distribution = []
    if ens is not None:
        base_bins = ens.distribution(scale, _BINS)
        scen_bins = sc.ensemble.distribution(scale, _BINS) if sc is not None and sc.ensemble is not None else None
        for k, b in enumerate(base_bins):
            item = {"lo": b["lo"], "hi": b["hi"], "runs": b["runs"], "share": b["share"]}
            if scen_bins is not None:
                item["scenario_runs"] = scen_bins[k]["runs"]
                item["scenario_share"] = scen_bins[k]["share"]
            distribution.append(item)
    scenario = None
    if sc is not None:
        s = d["scenario"]
        scenario = {
            "name": s["name"],
            "changes": s["changes"],
            "conditional_on": s["conditional_on"],
            "final_median": float(sc.result.median[-1]),
            "final_mean": float(sc.result.mean[-1]),
            "delta_final_median": s.get("delta_final_median", float(sc.result.median[-1] - rep.result.median[-1])),
            "p_pass": None if sc.ensemble is None else sc.ensemble.p_pass,
            "delta_p_pass": s.get("delta_p_pass"),
            "forecast_median": None if sc.ensemble is None else float(sc.ensemble.median_quantiles[-1][2]),
        }
    return {
        "issue": {
            **d["issue"],
            "judgement_note": the_issue.judgement_note,
            "as_of": the_issue.as_of,
            "salience_scale": the_issue.salience_scale,
            "capability_scale": the_issue.capability_scale,
        },
        "params": {"runs": runs, "seed": seed, "rounds": rounds, "mode": mode,
                   "salience": dict(salience or {}), "capability": dict(capability or {}),
                   "remove": list(remove)},
        "options": d["options"],
        "forecast": d["forecast"],
        "judged_inputs": d["judged_inputs"],
        "notes": d["notes"],
        "quantiles": list(QUANTILES),
        "settled": None if ens is None else ens.settled,
        "actors": actors,
        "rounds": rows,
        "distribution": distribution,
        "scenario": scenario,
    }


def issue_table(
    case: Case,
    issue: str,
    table: str = "rounds",
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    rounds: int = 10,
    mode: str = "replication",
    salience: Mapping[str, float] | None = None,
    capability: Mapping[str, float] | None = None,
    remove: Sequence[str] = (),
) -> pd.DataFrame:
    """One table of an issue's forecast, for CSV: ``rounds``, ``actors`` or ``outcomes``.

    ``rounds``: per round the judged run's median and mean, the Monte Carlo quantiles and the
    scenario. ``actors``: each actor's inputs (values, confidence, citations), start, end and share of
    runs in which it moves. ``outcomes``: the distribution of the runs' final medians over the scale.
    Parameters otherwise as :func:`forecast_report`.
    """
    if table not in TABLES:
        raise InvalidParameterError(f"The 'table' parameter must be one of {', '.join(TABLES)}. Got {table!r}.")
    view = issue_view(case, issue, runs=runs, seed=seed, rounds=rounds, mode=mode, salience=salience,
                      capability=capability, remove=remove)
    if table == "rounds":
        return pd.DataFrame(view["rounds"])
    if table == "outcomes":
        return pd.DataFrame(view["distribution"], columns=["lo", "hi", "runs", "share", "scenario_runs",
                                                           "scenario_share"]).dropna(axis=1, how="all")
    out = []
    for a in view["actors"]:
        row: dict[str, Any] = {"actor": a["actor"], "name": a["name"]}
        for what in ("position", "salience", "capability"):
            j = a[what]
            row[what] = j["value"]
            row[f"{what}_confidence"] = j["confidence"]
            row[f"{what}_citations"] = " ".join(c["id"] for c in j["citations"])
        row.update(start=a["start"], end=a["end"], p_moves=a["p_moves"], removed=a["removed"],
                   scenario_end=a["scenario_end"])
        out.append(row)
    return pd.DataFrame(out)
