"""The forecast and its probability come from the same runs, and each says what it is conditional on.

A user read "median 45.22 does not pass the threshold 50" next to "P(median passes) = 0.835" with
quartiles 69.75–88.53 (issue un-membership, replication mode, 200 runs, seed 0). The ensemble was not
summarising wrongly, nor comparing another round: with zero noise it reproduces the run on the judged
inputs in every round (first test). The run on the judged inputs is atypical: those inputs put actors on
exactly the same position with the same weights, where the model's choices jump under any perturbation,
and the model has not settled after 10 rounds. So the forecast is the ensemble's when there is one, and
the judged-inputs run is reported as such, with its percentile and notes.
"""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from dialoguelab.case import load_case
from dialoguelab.forecast import NoiseModel, forecast_issue, load_issue, run_bdm
from dialoguelab.forecast.bdm import BDMOptions


@pytest.fixture(scope="module")
def case():
    return load_case()


@pytest.fixture(scope="module")
def un_report(case):
    return forecast_issue(case, "un-membership", runs=200, seed=0, workers=0)


def test_zero_noise_ensemble_reproduces_the_judged_run_in_every_round(case):
    rep = forecast_issue(case, "un-membership", runs=12, workers=0, noise=NoiseModel(0, 0, 0))
    ens = rep.ensemble
    assert ens is not None
    for t in range(rep.result.rounds + 1):
        assert ens.median_quantiles[t] == pytest.approx([rep.result.median[t]] * 5, abs=1e-12)
        assert ens.mean_quantiles[t] == pytest.approx([rep.result.mean[t]] * 5, abs=1e-12)
    assert ens.p_pass == (1.0 if rep.judged_passes() else 0.0)
    assert rep.forecast_median == pytest.approx(rep.judged_median)
    assert rep.judged_percentile == pytest.approx(0.5)
    assert not any("interquartile" in n for n in rep.notes())


def test_forecast_and_probability_agree(un_report):
    rep = un_report
    ens = rep.ensemble
    q = ens.median_quantiles[-1]
    assert q[1] <= rep.forecast_median <= q[3]
    assert rep.passes() == (ens.p_pass >= 0.5)
    d = rep.to_dict()
    assert d["forecast"]["basis"] == "monte_carlo"
    assert d["forecast"]["passes"] is rep.passes()
    assert d["forecast"]["p_pass"] == ens.p_pass


def test_the_reported_contradiction_is_now_explained(un_report):
    # The judged-inputs run is the user's 45.22: reported as such, with its percentile and a note.
    rep = un_report
    assert rep.judged_median == pytest.approx(45.2174, abs=1e-3)
    assert rep.judged_passes() is False and rep.p_pass > 0.5
    pct = rep.judged_percentile
    assert pct == pytest.approx(np.mean(np.asarray(rep.ensemble.final_medians) < rep.judged_median), abs=0.01)
    notes = " ".join(rep.notes())
    assert "interquartile range" in notes and "45.22" in notes
    assert "not settled" in notes
    d = rep.to_dict()
    assert d["judged_inputs"]["passes"] is False and d["judged_inputs"]["settled"] is False


def test_the_judged_run_sits_on_a_knife_edge(case):
    # The cause: a change of France's salience by 1e-6 either way (far below any judgement's
    # precision) gives another final median: France and the United Kingdom have the same capability
    # and salience and meet on one position, where the tie decides their offers.
    issue = load_issue(case, "un-membership")
    x, c, s = (np.asarray(v, dtype=float) for v in issue.arrays())
    opts = BDMOptions.replication()
    base = run_bdm(x, c, s, 10, opts).median[-1]
    for step in (1e-6, -1e-6):
        s2 = s.copy()
        s2[issue.actor_ids().index("france")] += step
        assert run_bdm(x, c, s2, 10, opts).median[-1] != pytest.approx(base, abs=1.0)
    # and the trajectory has not settled: round 10 differs from round 11
    longer = run_bdm(x, c, s, 12, opts)
    assert not np.allclose(longer.positions[10], longer.positions[11])


def test_without_runs_the_forecast_is_the_judged_run(case):
    rep = forecast_issue(case, "eu-path", runs=0)
    assert rep.basis == "judged_inputs"
    assert rep.forecast_median == rep.judged_median and rep.p_pass is None and rep.judged_percentile is None
    assert rep.conditional_on().startswith("given the issue's judged inputs exactly")


def test_distribution_counts_every_run(un_report):
    dist = un_report.ensemble.distribution((0.0, 100.0), bins=10)
    assert sum(b["runs"] for b in dist) == 200
    assert dist[0]["lo"] == 0.0 and dist[-1]["hi"] == 100.0
    assert sum(b["share"] for b in dist) == pytest.approx(1.0)


def test_every_probability_in_the_cli_says_what_it_is_conditional_on():
    import typer

    from dialoguelab.forecast.cli import register

    app = typer.Typer()
    register(app)
    res = CliRunner().invoke(app, ["forecast", "un-membership", "--runs", "40", "--workers", "0"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "P(final median ≥ 50) =" in text
    assert "Conditional on: given the issue's judged inputs perturbed at random" in text
    assert "40 runs, seed 0, replication mode, after 10 rounds" in text
    assert "The run on the judged inputs alone ends at median 45.22" in text
