"""Forecasting, one call per question: list the issues, forecast one (with uncertainty and a scenario).

Front ends (CLI, web) call these functions and only format their results.
"""

from __future__ import annotations

__all__ = ["ForecastReport", "ScenarioDiff", "list_forecast_issues", "forecast_issue"]

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.forecast.bdm import BDMOptions, BDMResult, run_bdm
from dialoguelab.forecast.ensemble import EnsembleSpec, EnsembleSummary, NoiseModel, run_ensemble
from dialoguelab.forecast.issues import Issue, load_issue, load_issues
from dialoguelab.forecast.scenarios import Scenario, apply_scenario, load_scenario


def list_forecast_issues(case: Case) -> list[dict[str, Any]]:
    """The negotiation issues of a case: id, title, question, scale ends, threshold, actors.

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> [i["id"] for i in list_forecast_issues(load_case())]
    ['asm-powers', 'eu-path', 'un-membership']
    """
    out = []
    for issue in load_issues(case):
        out.append(
            {
                "id": issue.id,
                "title": issue.title,
                "question": issue.question,
                "scale": {
                    "min": issue.scale.min,
                    "max": issue.scale.max,
                    "low": issue.scale.low,
                    "high": issue.scale.high,
                },
                "threshold": None if issue.threshold is None else issue.threshold.model_dump(),
                "actors": issue.actor_ids(),
            }
        )
    return out


@dataclass(frozen=True)
class ScenarioDiff:
    """A scenario's run next to the baseline."""

    scenario: Scenario
    result: BDMResult
    ensemble: EnsembleSummary | None

    def to_dict(self, baseline: BDMResult) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.scenario.name,
            "description": self.scenario.description,
            "changes": [c.model_dump(exclude_none=True) for c in self.scenario.changes],
            "median": self.result.median.tolist(),
            "mean": self.result.mean.tolist(),
            "delta_median": (self.result.median - baseline.median).tolist(),
            "delta_mean": (self.result.mean - baseline.mean).tolist(),
            "final_positions": dict(zip(self.result.names, self.result.positions[-1].tolist(), strict=True)),
        }
        if self.ensemble is not None:
            d["ensemble"] = self.ensemble.to_dict()
        return d


@dataclass(frozen=True)
class ForecastReport:
    """A forecast of one issue: the deterministic trajectory, the ensemble, the scenario."""

    issue: Issue
    mode: str
    options: BDMOptions
    seed: int
    result: BDMResult
    ensemble: EnsembleSummary | None
    scenario: ScenarioDiff | None

    @property
    def forecast_median(self) -> float:
        return float(self.result.median[-1])

    @property
    def forecast_mean(self) -> float:
        return float(self.result.mean[-1])

    def passes(self) -> bool | None:
        """Whether the final median passes the issue's threshold (None without threshold)."""
        t = self.issue.threshold
        if t is None:
            return None
        return self.forecast_median >= t.value if t.direction == "above" else self.forecast_median <= t.value

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        initial = r.positions[0]
        final = r.positions[-1]
        d: dict[str, Any] = {
            "issue": {
                "id": self.issue.id,
                "title": self.issue.title,
                "question": self.issue.question,
                "scale": self.issue.scale.model_dump(),
                "threshold": None if self.issue.threshold is None else self.issue.threshold.model_dump(),
            },
            "mode": self.mode,
            "options": self.options.to_dict(),
            "seed": self.seed,
            "rounds": r.rounds,
            "trajectory": [
                {"round": t, "mean": float(r.mean[t]), "median": float(r.median[t])}
                for t in range(r.rounds + 1)
            ],
            "forecast": {"median": self.forecast_median, "mean": self.forecast_mean, "passes": self.passes()},
            "actors": [
                {
                    "actor": n,
                    "initial": float(initial[j]),
                    "final": float(final[j]),
                    "move": float(final[j] - initial[j]),
                }
                for j, n in enumerate(r.names)
            ],
            "ensemble": None if self.ensemble is None else self.ensemble.to_dict(),
            "scenario": None if self.scenario is None else self.scenario.to_dict(r),
        }
        return d


def _spec(issue: Issue, rounds: int, options: BDMOptions, noise: NoiseModel) -> EnsembleSpec:
    x, c, s = issue.arrays()
    return EnsembleSpec(
        tuple(issue.actor_ids()),
        tuple(x),
        tuple(c),
        tuple(s),
        rounds,
        options,
        noise,
        (issue.scale.min, issue.scale.max),
    )


def _run(issue: Issue, rounds: int, options: BDMOptions, seed: int) -> BDMResult:
    x, c, s = issue.arrays()
    return run_bdm(x, c, s, rounds, options, names=issue.actor_ids(), seed=np.random.SeedSequence(seed))


def forecast_issue(
    case: Case,
    issue: str | Issue,
    *,
    rounds: int = 10,
    mode: str = "replication",
    options: BDMOptions | None = None,
    arithmetic: str = "bit_exact",
    runs: int = 0,
    seed: int = 0,
    scenario: str | Path | Scenario | None = None,
    dask_address: str | None = None,
    workers: int | None = None,
    noise: NoiseModel | None = None,
    progress: bool = False,
) -> ForecastReport:
    """Forecast one issue with the expected-utility model.

    Parameters
    ----------
    case : Case
    issue : str or Issue
        An issue id of the case (``dialoguelab forecast-issues`` lists them), or an Issue.
    rounds : int, default=10
    mode : {"replication", "corrected"}, default="replication"
        Ignored when ``options`` is given.
    options : BDMOptions, optional
    arithmetic : {"bit_exact", "fast"}, default="bit_exact"
        The vote sums in the replication's order, or by closed forms (O(n^2 log n) per round, equal
        within 1e-12; see :class:`BDMOptions`). Ignored when ``options`` is given.
    runs : int, default=0
        Monte Carlo samples for the uncertainty (0: none).
    seed : int, default=0
        Seeds the stochastic conflicts (corrected mode) and the Monte Carlo.
    scenario : path or Scenario, optional
        Changes to apply; the report then holds the scenario's run and its difference from the baseline.
    dask_address : str, optional
        Run the Monte Carlo on this Dask scheduler instead of local processes.
    workers : int, optional
        Local processes (0: in the calling process).
    noise : NoiseModel, optional
    progress : bool, default=False

    Returns
    -------
    ForecastReport

    Raises
    ------
    UnknownIdError, CaseValidationError, InvalidParameterError
    """
    if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 1:
        raise InvalidParameterError(
            f"The 'rounds' parameter must be an integer >= 1. Got {rounds!r} instead."
        )
    if not isinstance(runs, int) or isinstance(runs, bool) or runs < 0:
        raise InvalidParameterError(f"The 'runs' parameter must be an integer >= 0. Got {runs!r} instead.")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise InvalidParameterError(f"The 'seed' parameter must be an integer >= 0. Got {seed!r} instead.")
    if dask_address and runs == 0:
        raise InvalidParameterError(
            "A Dask address only matters with Monte Carlo runs: add --runs N (N >= 1)."
        )
    opts = options or BDMOptions.for_mode(mode, arithmetic=arithmetic)
    the_issue = issue if isinstance(issue, Issue) else load_issue(case, issue)
    scen = scenario if (scenario is None or isinstance(scenario, Scenario)) else load_scenario(scenario)
    changed = apply_scenario(the_issue, scen) if scen is not None else None  # validate before any work
    noise = noise or NoiseModel()
    threshold = the_issue.threshold

    def ensemble_of(iss: Issue) -> EnsembleSummary | None:
        if runs == 0:
            return None
        return run_ensemble(
            _spec(iss, rounds, opts, noise),
            runs,
            seed,
            threshold=None if threshold is None else threshold.value,
            direction="above" if threshold is None else threshold.direction,
            dask_address=dask_address,
            workers=workers,
            progress=progress,
        )

    base = _run(the_issue, rounds, opts, seed)
    diff = None
    if changed is not None and scen is not None:
        diff = ScenarioDiff(scen, _run(changed, rounds, opts, seed), ensemble_of(changed))
    return ForecastReport(
        the_issue, mode if options is None else "custom", opts, seed, base, ensemble_of(the_issue), diff
    )
