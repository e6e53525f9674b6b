"""The forecast CLI through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from dialoguelab.forecast.cli import register


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    a = typer.Typer()
    register(a)
    return a


runner = CliRunner()


def test_forecast_issues_lists_builtin(app):
    res = runner.invoke(app, ["forecast-issues", "--json"])
    assert res.exit_code == 0, res.output
    ids = [i["id"] for i in json.loads(res.output)]
    assert {"un-membership", "asm-powers", "eu-path"} <= set(ids)
    res = runner.invoke(app, ["forecast-issues"])
    assert res.exit_code == 0 and "un-membership" in res.output


def test_forecast_prints_trajectory_forecast_and_uncertainty(app, tiny_case: Path):
    res = runner.invoke(
        app,
        [
            "forecast",
            "toy",
            "--case",
            str(tiny_case),
            "--rounds",
            "4",
            "--runs",
            "8",
            "--workers",
            "0",
            "--seed",
            "2",
        ],
    )
    assert res.exit_code == 0, res.output
    output = " ".join(res.output.split())
    for text in (
        "Trajectory",
        "Forecast after 4 rounds",
        "8 runs, seed 2",
        "P(final median",
        "Conditional on:",
        "kosovo",
        "russia",
    ):
        assert text in output


def test_forecast_json_matches_library(app, tiny_case: Path):
    from dialoguelab.case import load_case
    from dialoguelab.forecast.api import forecast_issue

    res = runner.invoke(
        app,
        [
            "forecast",
            "toy",
            "--case",
            str(tiny_case),
            "--rounds",
            "3",
            "--runs",
            "6",
            "--workers",
            "0",
            "--mode",
            "corrected",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    lib = forecast_issue(load_case(tiny_case), "toy", rounds=3, runs=6, workers=0, mode="corrected").to_dict()
    assert out == json.loads(json.dumps(lib))
    assert [t["round"] for t in out["trajectory"]] == [0, 1, 2, 3]
    assert out["options"]["probability"] == "pairwise"


def test_forecast_scenario_shows_difference(app, tiny_case: Path, tmp_path: Path):
    f = tmp_path / "scen.yaml"
    f.write_text("name: Russia leaves\nchanges:\n  - {actor: russia, leave: true}\n")
    res = runner.invoke(
        app, ["forecast", "toy", "--case", str(tiny_case), "--runs", "0", "--scenario", str(f), "--json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["scenario"]["name"] == "Russia leaves"
    assert "russia" not in out["scenario"]["final_positions"]
    assert len(out["scenario"]["delta_mean"]) == 11
    res = runner.invoke(
        app, ["forecast", "toy", "--case", str(tiny_case), "--runs", "0", "--scenario", str(f)]
    )
    assert res.exit_code == 0 and "difference from the baseline" in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["forecast", "nope"], "unknown issue 'nope'"),
        (["forecast", "toy", "--mode", "exact"], "--mode must be 'replication' or 'corrected'"),
        (["forecast", "toy", "--runs", "0", "--dask", "tcp://127.0.0.1:9"], "Dask address only matters"),
    ],
)
def test_forecast_errors(app, tiny_case: Path, args, message):
    res = runner.invoke(app, [*args, "--case", str(tiny_case)])
    assert res.exit_code == 1
    assert "Error: " in res.output and message in res.output
