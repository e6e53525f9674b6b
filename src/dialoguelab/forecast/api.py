"""Forecasting, one call per question: list the issues, forecast one (with uncertainty and a scenario).

Front ends (CLI, web) call these functions and only format their results.
"""

from __future__ import annotations

__all__ = ["ForecastReport", "ScenarioDiff", "list_forecast_issues", "forecast_issue", "conditions_sentence"]

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.forecast.bdm import BDMOptions, BDMResult, run_bdm
from dialoguelab.forecast.ensemble import EnsembleSpec, EnsembleSummary, NoiseModel, run_ensemble
from dialoguelab.forecast.issues import Issue, Threshold, load_issue, load_issues
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


def _threshold_passes(value: float, threshold: Threshold | None) -> bool | None:
    if threshold is None:
        return None
    return value >= threshold.value if threshold.direction == "above" else value <= threshold.value


def conditions_sentence(
    mode: str, rounds: int, ensemble: EnsembleSummary | None, scenario: Scenario | None = None
) -> str:
    """What a forecast's figures are conditional on, in one clause (front ends print it as given).

    Examples
    --------
    >>> conditions_sentence("replication", 10, None)
    "given the issue's judged inputs exactly, replication mode, after 10 rounds"
    """
    if ensemble is None:
        head = "given the issue's judged inputs exactly"
    else:
        nz = ensemble.noise
        head = (
            "given the issue's judged inputs perturbed at random (positions + N(0, "
            f"{nz.get('position_sd', 0) * 100:g}% of the scale), saliences + N(0, {nz.get('salience_sd', 0):g}), "
            f"capabilities × exp N(0, {nz.get('capability_sd', 0):g})), {ensemble.runs} runs, seed {ensemble.seed}"
        )
    tail = f", {mode} mode, after {rounds} rounds"
    if scenario is not None:
        tail += f", under the scenario {scenario.name!r}"
    return head + tail


@dataclass(frozen=True)
class ScenarioDiff:
    """A scenario's run next to the baseline."""

    scenario: Scenario
    result: BDMResult
    ensemble: EnsembleSummary | None

    def to_dict(self, baseline: BDMResult, baseline_ensemble: EnsembleSummary | None = None,
                mode: str = "replication") -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.scenario.name,
            "description": self.scenario.description,
            "changes": [c.model_dump(exclude_none=True) for c in self.scenario.changes],
            "median": self.result.median.tolist(),
            "mean": self.result.mean.tolist(),
            "delta_median": (self.result.median - baseline.median).tolist(),
            "delta_mean": (self.result.mean - baseline.mean).tolist(),
            "final_positions": dict(zip(self.result.names, self.result.positions[-1].tolist(), strict=True)),
            "conditional_on": conditions_sentence(mode, self.result.rounds, self.ensemble, self.scenario),
        }
        if self.ensemble is not None:
            d["ensemble"] = self.ensemble.to_dict()
            base_p = None if baseline_ensemble is None else baseline_ensemble.p_pass
            if self.ensemble.p_pass is not None and base_p is not None:
                d["delta_p_pass"] = self.ensemble.p_pass - base_p
            base_median = (float(baseline.median[-1]) if baseline_ensemble is None
                           else baseline_ensemble.median_quantiles[-1][2])
            d["delta_final_median"] = self.ensemble.median_quantiles[-1][2] - base_median
        return d


@dataclass(frozen=True)
class ForecastReport:
    """A forecast of one issue: the run on the judged inputs, the ensemble, the scenario.

    The *forecast* (:attr:`forecast_median`, :meth:`passes`, :attr:`p_pass`) comes from one set of
    runs: the Monte Carlo ensemble when there is one (the median of the runs' final medians and the
    share of runs that pass), otherwise the single run on the judged inputs. The run on the judged
    inputs is always reported too (:attr:`judged_median`, :meth:`judged_passes`), with its percentile
    among the runs. They can differ widely: the judged inputs put several actors on exactly the same
    position with the same weights, a point where the model's choices (``x_i == x_j``, the first of
    tied offers) make its output jump under any perturbation, and the model often has not settled
    after the requested rounds (actors keep swapping positions), so one run's last round is not a
    forecast on its own. :meth:`notes` says when this is the case.
    """

    issue: Issue
    mode: str
    options: BDMOptions
    seed: int
    result: BDMResult
    ensemble: EnsembleSummary | None
    scenario: ScenarioDiff | None

    @property
    def basis(self) -> str:
        """``"monte_carlo"`` (the forecast summarises the ensemble) or ``"judged_inputs"`` (one run)."""
        return "judged_inputs" if self.ensemble is None else "monte_carlo"

    @property
    def judged_median(self) -> float:
        """The final median of the run on the judged inputs."""
        return float(self.result.median[-1])

    @property
    def judged_mean(self) -> float:
        """The final weighted mean of the run on the judged inputs."""
        return float(self.result.mean[-1])

    @property
    def judged_settled(self) -> bool:
        """Whether no actor moved in the last round of the run on the judged inputs."""
        p = self.result.positions
        if p.shape[0] < 2:
            return True
        tol = 1e-9 * max(self.issue.scale.max - self.issue.scale.min, 1.0)
        return bool(np.all(np.abs(p[-1] - p[-2]) <= tol))

    def judged_passes(self) -> bool | None:
        """Whether the judged-inputs run's final median passes the threshold (None without threshold)."""
        return _threshold_passes(self.judged_median, self.issue.threshold)

    @property
    def forecast_median(self) -> float:
        """The forecast median: the ensemble's median final median, else the judged-inputs run's."""
        if self.ensemble is None:
            return self.judged_median
        return float(self.ensemble.median_quantiles[-1][2])

    @property
    def forecast_mean(self) -> float:
        """The forecast weighted mean: the ensemble's median final mean, else the judged-inputs run's."""
        if self.ensemble is None:
            return self.judged_mean
        return float(self.ensemble.mean_quantiles[-1][2])

    @property
    def p_pass(self) -> float | None:
        """Share of runs whose final median passes the threshold (None without threshold or ensemble)."""
        return None if self.ensemble is None else self.ensemble.p_pass

    def passes(self) -> bool | None:
        """Whether the forecast median passes the issue's threshold (None without threshold)."""
        return _threshold_passes(self.forecast_median, self.issue.threshold)

    @property
    def judged_percentile(self) -> float | None:
        """Where the judged-inputs run's final median falls among the runs' (mid-rank share; None without runs)."""
        return None if self.ensemble is None else self.ensemble.percentile_of(self.judged_median)

    def conditional_on(self) -> str:
        """What the forecast and its probabilities are conditional on (one clause)."""
        text = conditions_sentence(self.mode, self.result.rounds, self.ensemble)
        if getattr(self.options, "arithmetic", "bit_exact") == "fast":
            text += " (fast arithmetic)"
        return text

    def notes(self) -> list[str]:
        """Warnings a reader needs next to the figures: an unsettled model, an atypical judged-inputs run."""
        out: list[str] = []
        r = self.result.rounds
        if not self.judged_settled:
            out.append(
                f"The run on the judged inputs had not settled after {r} rounds (actors still moved in the "
                "last round): its final value depends on the number of rounds."
            )
        ens = self.ensemble
        if ens is not None:
            if ens.settled == ens.settled and ens.settled < 0.5:
                out.append(
                    f"Only {ens.settled:.0%} of the Monte Carlo runs had settled after {r} rounds: the "
                    "distribution is of the values in that round, not of resting points."
                )
            pct = self.judged_percentile
            q = ens.median_quantiles[-1]
            if pct is not None and not q[1] <= self.judged_median <= q[3]:
                out.append(
                    f"The run on the judged inputs ends at {self.judged_median:.2f}, outside the runs' "
                    f"interquartile range ({q[1]:.2f}–{q[3]:.2f}; {pct:.0%} of runs end lower): the model "
                    "is sensitive to small changes of these inputs, so the forecast is the ensemble's."
                )
        return out

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
            "forecast": {
                "basis": self.basis,
                "round": r.rounds,
                "median": self.forecast_median,
                "mean": self.forecast_mean,
                "passes": self.passes(),
                "p_pass": self.p_pass,
                "p_pass_mean": None if self.ensemble is None else self.ensemble.p_pass_mean,
                "conditional_on": self.conditional_on(),
            },
            "judged_inputs": {
                "median": self.judged_median,
                "mean": self.judged_mean,
                "passes": self.judged_passes(),
                "settled": self.judged_settled,
                "percentile": self.judged_percentile,
                "conditional_on": conditions_sentence(self.mode, r.rounds, None),
            },
            "notes": self.notes(),
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
            "scenario": None if self.scenario is None else self.scenario.to_dict(r, self.ensemble, self.mode),
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
