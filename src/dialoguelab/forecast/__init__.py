"""Negotiation forecasting: the Bueno de Mesquita expected-utility model and Monte Carlo ensembles.

Re-exports the public surface of :mod:`~dialoguelab.forecast.bdm`, :mod:`~.ensemble`,
:mod:`~.issues`, :mod:`~.scenarios` and :mod:`~.api`.
"""

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
