"""CLI commands of the forecasting area: ``forecast`` and ``forecast-issues``.

Each command calls one library function and formats its result; library errors become
``Error: <message>`` on stderr and exit code 1.
"""

from __future__ import annotations

__all__ = ["register"]

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from dialoguelab.clikit import CASE_HELP, load, one_format
from dialoguelab.errors import DialoguelabError
from dialoguelab.output import Column, console, emit_table

if TYPE_CHECKING:
    from dialoguelab.forecast.api import ForecastReport

_ISSUE_COLUMNS = [
    Column("id", kind="id"),
    Column("title", min_width=24),
    Column("actors", kind="int", value=lambda r: len(r["actors"])),
    Column(
        "threshold",
        kind="id",
        priority=1,
        value=lambda r: "" if r["threshold"] is None else f"{r['threshold']['direction']} {r['threshold']['value']:g}",
    ),
    Column("question", priority=2, min_width=30),
]


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"Error: {exc}", err=True)
    return typer.Exit(1)


def _fmt(v: float) -> str:
    return f"{v:.2f}"


def _print_report(rep: ForecastReport, console: Console) -> None:
    from dialoguelab.forecast.api import conditions_sentence

    issue = rep.issue
    console.print(f"[bold]{issue.title}[/bold] ({issue.id}) — mode: {rep.mode}, {rep.result.rounds} rounds")
    console.print(f"Scale {issue.scale.min:g}: {issue.scale.low}")
    console.print(f"Scale {issue.scale.max:g}: {issue.scale.high}")
    traj = Table(title="Trajectory (weighted by capability x salience)")
    traj.add_column("round", justify="right")
    traj.add_column("mean", justify="right")
    traj.add_column("median", justify="right")
    ens = rep.ensemble
    if ens is not None:
        traj.add_column("median 5–95% (MC)", justify="right")
    for t in range(rep.result.rounds + 1):
        row = [str(t), _fmt(rep.result.mean[t]), _fmt(rep.result.median[t])]
        if ens is not None:
            q = ens.median_quantiles[t]
            row.append(f"{_fmt(q[0])} – {_fmt(q[-1])}")
        traj.add_row(*row)
    console.print(traj)
    r = rep.result.rounds
    thr = issue.threshold
    if ens is not None:
        q = ens.median_quantiles[-1]
        console.print(
            f"Forecast after {r} rounds: median {_fmt(rep.forecast_median)} (the runs' middle final median; "
            f"5%–95% {_fmt(q[0])}–{_fmt(q[-1])}, quartiles {_fmt(q[1])}–{_fmt(q[3])}), "
            f"mean {_fmt(rep.forecast_mean)}"
        )
        if thr is not None and ens.p_pass is not None:
            word = "above" if thr.direction == "above" else "below"
            console.print(
                f"P(final median {'≥' if word == 'above' else '≤'} {thr.value:g}) = {ens.p_pass:.3f}; "
                f"for the mean: {ens.p_pass_mean:.3f} — the share of runs ({thr.meaning})"
            )
        console.print(f"Conditional on: {rep.conditional_on()}.")
        line = (f"The run on the judged inputs alone ends at median {_fmt(rep.judged_median)}, "
                f"mean {_fmt(rep.judged_mean)}")
        if thr is not None:
            line += f" ({'passes' if rep.judged_passes() else 'does not pass'} {thr.value:g})"
        line += f"; {rep.judged_percentile:.0%} of the runs end lower."
        console.print(line)
    else:
        line = (
            f"Forecast after {r} rounds: median {_fmt(rep.forecast_median)}, mean {_fmt(rep.forecast_mean)}"
        )
        if thr is not None:
            word = "passes" if rep.passes() else "does not pass"
            line += f"; {word} the threshold {thr.value:g} ({thr.meaning})"
        console.print(line)
        console.print(f"Conditional on: {rep.conditional_on()} (no Monte Carlo runs: no probability).")
    for note in rep.notes():
        console.print(f"Note: {note}")
    movers = Table(
        title="Actors in the run on the judged inputs: start, end, move"
        + (" and share of MC runs in which they move" if ens else "")
    )
    for col in ("actor", "start", "end", "move"):
        movers.add_column(col, justify="left" if col == "actor" else "right")
    if ens is not None:
        movers.add_column("P(moves)", justify="right")
        movers.add_column("mean |move|", justify="right")
    for j, name in enumerate(rep.result.names):
        a, b = rep.result.positions[0, j], rep.result.positions[-1, j]
        row = [name, _fmt(a), _fmt(b), _fmt(b - a)]
        if ens is not None:
            row += [f"{ens.actors[j]['p_moves']:.2f}", _fmt(ens.actors[j]["mean_move"])]
        movers.add_row(*row)
    console.print(movers)
    if rep.scenario is not None:
        sc = rep.scenario
        diff = Table(title=f"Scenario: {sc.scenario.name} — difference from the baseline")
        for col in ("round", "median", "scenario median", "Δ median", "mean", "scenario mean", "Δ mean"):
            diff.add_column(col, justify="right")
        for t in range(rep.result.rounds + 1):
            diff.add_row(
                str(t),
                _fmt(rep.result.median[t]),
                _fmt(sc.result.median[t]),
                _fmt(sc.result.median[t] - rep.result.median[t]),
                _fmt(rep.result.mean[t]),
                _fmt(sc.result.mean[t]),
                _fmt(sc.result.mean[t] - rep.result.mean[t]),
            )
        console.print(diff)
        if (
            sc.ensemble is not None
            and sc.ensemble.p_pass is not None
            and ens is not None
            and ens.p_pass is not None
        ):
            console.print(
                f"P(final median passes): baseline {ens.p_pass:.3f}, scenario {sc.ensemble.p_pass:.3f} — "
                f"each the share of its runs, {conditions_sentence(rep.mode, rep.result.rounds, ens)}"
            )


def register(app: typer.Typer) -> None:
    """Add ``forecast`` and ``forecast-issues`` to the main Typer app."""

    @app.command("forecast-issues")
    def forecast_issues_cmd(
        case: Path | None = typer.Option(None, "--case", help=CASE_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
        as_csv: bool = typer.Option(False, "--csv", help="Print CSV instead of a table."),
        parquet: Path | None = typer.Option(None, "--parquet", help="Write the table to this Parquet file."),
    ) -> None:
        """List the negotiation issues of a case that `forecast` can run.

        Example: dialoguelab forecast-issues --json
        """
        from dialoguelab.forecast.api import list_forecast_issues

        one_format(as_json, as_csv, parquet)
        try:
            issues = list_forecast_issues(load(case))
        except DialoguelabError as exc:
            raise _fail(exc) from None
        if as_json:
            typer.echo(json.dumps(issues, indent=2, ensure_ascii=False))
            return
        emit_table(issues, title="Negotiation issues", as_csv=as_csv, parquet=parquet, columns=_ISSUE_COLUMNS)

    @app.command("forecast")
    def forecast_cmd(
        issue: str = typer.Argument(..., help="Issue id (see `dialoguelab forecast-issues`)."),
        case: Path | None = typer.Option(None, "--case", help=CASE_HELP),
        rounds: int = typer.Option(10, "--rounds", min=1, help="Rounds of the model."),
        mode: str = typer.Option(
            "replication", "--mode", help="replication (Scholz et al. 2011) or corrected."
        ),
        runs: int = typer.Option(
            200, "--runs", min=0, help="Monte Carlo runs for the uncertainty (0: none)."
        ),
        seed: int = typer.Option(
            0, "--seed", min=0, help="Seed of the Monte Carlo and stochastic conflicts."
        ),
        fast: bool = typer.Option(
            False,
            "--fast",
            help="Closed-form vote sums, O(n² log n) per round instead of the replication's bit-exact "
            "O(n³) order; equal within 1e-12 (for issues with hundreds of actors).",
        ),
        scenario: Path | None = typer.Option(
            None, "--scenario", help="YAML file of changes to compare with the baseline."
        ),
        dask: str | None = typer.Option(None, "--dask", help="Dask scheduler address for the Monte Carlo."),
        workers: int | None = typer.Option(
            None, "--workers", min=0, help="Local processes (0: in this process)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Forecast an issue with the expected-utility model: trajectory, forecast, uncertainty, scenario.

        Example: dialoguelab forecast un-membership --runs 500 --seed 1 --scenario \
        src/dialoguelab/cases/kosovo/forecast/scenarios/russia-steps-back.yaml
        """
        from dialoguelab.forecast.api import forecast_issue

        if mode not in ("replication", "corrected"):
            raise _fail(ValueError(f"--mode must be 'replication' or 'corrected', not {mode!r}"))
        try:
            rep = forecast_issue(
                load(case),
                issue,
                rounds=rounds,
                mode=mode,
                arithmetic="fast" if fast else "bit_exact",
                runs=runs,
                seed=seed,
                scenario=scenario,
                dask_address=dask,
                workers=workers,
                progress=not as_json,
            )
        except DialoguelabError as exc:
            raise _fail(exc) from None
        if as_json:
            out: dict[str, Any] = rep.to_dict()
            typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
            return
        _print_report(rep, console())
