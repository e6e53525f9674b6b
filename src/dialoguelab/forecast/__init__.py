"""Negotiation forecasting: the Bueno de Mesquita expected-utility model and Monte Carlo ensembles.

Re-exports the public surface of :mod:`~dialoguelab.forecast.bdm`, :mod:`~.ensemble`,
:mod:`~.issues`, :mod:`~.scenarios` and :mod:`~.api`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialoguelab.lazy import lazy_exports

if TYPE_CHECKING:  # imported on first use (dialoguelab.lazy), so importing the package stays cheap
    from dialoguelab.forecast.api import ForecastReport, ScenarioDiff, forecast_issue, list_forecast_issues
    from dialoguelab.forecast.bdm import BDMOptions, BDMResult, run_bdm, weighted_mean, weighted_median
    from dialoguelab.forecast.ensemble import EnsembleSpec, EnsembleSummary, NoiseModel, run_ensemble
    from dialoguelab.forecast.issues import Issue, load_issue, load_issues
    from dialoguelab.forecast.scenarios import Scenario, apply_scenario, load_scenario

__all__ = [
    "BDMOptions",
    "BDMResult",
    "EnsembleSpec",
    "EnsembleSummary",
    "ForecastReport",
    "Issue",
    "NoiseModel",
    "Scenario",
    "ScenarioDiff",
    "apply_scenario",
    "forecast_issue",
    "list_forecast_issues",
    "load_issue",
    "load_issues",
    "load_scenario",
    "run_bdm",
    "run_ensemble",
    "weighted_mean",
    "weighted_median",
]

lazy_exports(
    __name__,
    {
        "ForecastReport": "dialoguelab.forecast.api",
        "ScenarioDiff": "dialoguelab.forecast.api",
        "forecast_issue": "dialoguelab.forecast.api",
        "list_forecast_issues": "dialoguelab.forecast.api",
        "BDMOptions": "dialoguelab.forecast.bdm",
        "BDMResult": "dialoguelab.forecast.bdm",
        "run_bdm": "dialoguelab.forecast.bdm",
        "weighted_mean": "dialoguelab.forecast.bdm",
        "weighted_median": "dialoguelab.forecast.bdm",
        "EnsembleSpec": "dialoguelab.forecast.ensemble",
        "EnsembleSummary": "dialoguelab.forecast.ensemble",
        "NoiseModel": "dialoguelab.forecast.ensemble",
        "run_ensemble": "dialoguelab.forecast.ensemble",
        "Issue": "dialoguelab.forecast.issues",
        "load_issue": "dialoguelab.forecast.issues",
        "load_issues": "dialoguelab.forecast.issues",
        "Scenario": "dialoguelab.forecast.scenarios",
        "apply_scenario": "dialoguelab.forecast.scenarios",
        "load_scenario": "dialoguelab.forecast.scenarios",
    },
)
