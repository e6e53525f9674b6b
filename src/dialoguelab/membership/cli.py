"""CLI commands of the membership engine: ``rule``, ``blockers``, ``admission``, ``scenario``, ``series``,
``leverage``, ``power``, ``recognitions``, ``swing`` and ``rollcalls validate``. The main app calls
:func:`register`.

Each command calls one library function and formats its result (Rich table, or ``--json``).
"""

from __future__ import annotations

__all__ = ["register"]

from pathlib import Path
from typing import Any, TypeVar

import typer

from dialoguelab.clikit import CASE_HELP, chosen_case, load, one_format, print_json, run_or_exit
from dialoguelab.output import Column, emit_table, item, percent, stderr, stdout

T = TypeVar("T")
_out = stdout
_err = stderr
_item = item

CaseOpt = typer.Option(None, "--case", help=CASE_HELP)
JsonOpt = typer.Option(False, "--json", help="Print JSON instead of tables.")
CsvOpt = typer.Option(False, "--csv", help="Print CSV instead of a table.")
ParquetOpt = typer.Option(None, "--parquet", help="Write the table to this Parquet file.")
PositionOpt = typer.Option(
    None,
    "--position",
    help="Whose reading of disputed withdrawals: one of the case's positions (`dialoguelab summary` lists "
    "them: the applicant's keeps disputed withdrawals, the objector's applies them); default the applicant's.",
)
UnverifiedOpt = typer.Option(False, "--include-unverified", help="Also use rows marked verified: false.")


_run = run_or_exit
_json = print_json


def _fmt(v: Any) -> str:
    """A summary value as printed: floats to four significant digits, lists comma-separated."""
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list):
        return ", ".join(map(str, v)) if v else "none"
    return "–" if v is None else str(v)


#: how each listing prints as a table (--json, --csv and --parquet carry every field)
_SCENARIO_COLUMNS = [
    Column("body", kind="id"),
    Column("baseline_probability", header="P base", kind="prob"),
    Column("scenario_probability", header="P scenario", kind="prob"),
    Column("baseline_passed", header="passes base", kind="bool", priority=1),
    Column("scenario_passed", header="passes scenario", kind="bool", priority=1),
    Column("baseline_blocking", header="blocking (base)", priority=2),
    Column("scenario_blocking", header="blocking (scenario)", priority=2),
    Column("probability_basis", header="basis", priority=3),
]
_SERIES_COLUMNS = [
    Column("date", kind="id"),
    Column("body", kind="id"),
    Column("probability", header="P", kind="prob"),
    Column("passed", header="passes", kind="bool", priority=1),
    Column("recognizers", header="recognising", kind="int", priority=1),
    Column("probability_basis", header="basis", priority=2),
]
_LEVERAGE_COLUMNS = [
    Column("date", kind="id"),
    Column("body", kind="id"),
    Column("veto_player", header="veto player", kind="bool"),
    Column("blocking", kind="bool"),
    Column("pivotal", kind="bool"),
    Column("passed", header="passes", kind="bool", priority=1),
]
#: exact fractions (--exact) are shown only whole, where they fit (else --json or --csv)
_EXACT_COLUMNS = [
    Column("shapley_shubik_exact", header="Shapley-Shubik (exact)", kind="id", priority=3),
    Column("banzhaf_exact", header="Banzhaf (exact)", kind="id", priority=3),
    Column("swings", kind="id", priority=4),
]
_POWER_COLUMNS = [
    Column("member", kind="id"),
    Column("name"),
    Column("shapley_shubik", header="Shapley-Shubik", kind="float", digits=4),
    Column("banzhaf", header="Banzhaf", kind="float", digits=4),
    Column("type", priority=1),
    Column("banzhaf_absolute", header="Banzhaf (absolute)", kind="float", priority=2, digits=4),
    *_EXACT_COLUMNS,
]
_POWER_TYPE_COLUMNS = [
    Column("type"),
    Column("players", kind="int"),
    Column("shapley_shubik", header="Shapley-Shubik", kind="float", digits=4),
    Column("banzhaf", header="Banzhaf", kind="float", digits=4),
    Column("banzhaf_absolute", header="Banzhaf (absolute)", kind="float", priority=2, digits=4),
    *_EXACT_COLUMNS,
]
_RECOGNITION_COLUMNS = [
    Column("iso3", header="ISO", kind="id"),
    Column("state"),
    Column("status", kind="id"),
    Column("recognized_on", header="recognised", kind="id", priority=1),
    Column("withdrawal_claimed_on", header="withdrawal claimed", kind="id", priority=2),
    Column("verified", kind="bool", priority=3),
    Column("applicant_position", header="applicant's position", priority=4),
    Column("sources", priority=5),
]


def register(app: typer.Typer) -> None:
    """Add the membership commands to ``app``."""

    @app.command("rule")
    def rule_cmd(
        body: str = typer.Argument(
            ..., help="Body id or alias: UN, OSCE, NATO, EU, CoE, UNESCO, Interpol, WHO."
        ),
        yes: int = typer.Option(..., "--yes", min=0),
        no: int = typer.Option(0, "--no", min=0),
        abstain: int = typer.Option(0, "--abstain", min=0),
        absent: int = typer.Option(0, "--absent", min=0),
        stage: str | None = typer.Option(
            None, "--stage", help="Stage id (default: the last modelled stage)."
        ),
        negative: list[str] = typer.Option(
            [], "--negative", help="A named member voting no (e.g. RUS); repeatable."
        ),
        case: Path | None = CaseOpt,
        as_json: bool = JsonOpt,
    ) -> None:
        """Evaluate a body's admission rule on a tally, with the arithmetic.

        Example: dialoguelab rule UNESCO --yes 92 --no 50 --abstain 29 --absent 15
        """
        from dialoguelab.membership.outcomes import evaluate_tally

        c = load(case)
        r = _run(
            lambda: evaluate_tally(
                c,
                body,
                yes=yes,
                no=no,
                abstain=abstain,
                absent=absent,
                stage=stage,
                negative=list(negative),
            )
        )
        if as_json:
            _json(r)
            return
        _item(f"{r['body']} — {r['stage_name']}:", r["rule"], style="bold")
        for line in r["lines"]:
            _item("", line, indent=1)
        _out.print(f"Result: {'PASSES' if r['passed'] else 'FAILS'}")
        _item("Legal basis:", f"{r['legal_basis']} [{', '.join(r['citations'])}]")

    @app.command("blockers")
    def blockers_cmd(
        org: str = typer.Option(..., "--org", help="Body id or alias."),
        on: str | None = typer.Option(None, "--on", help="Date YYYY-MM-DD (default today)."),
        scenario: Path | None = typer.Option(None, "--scenario", help="Scenario YAML file."),
        position: str = PositionOpt,
        include_unverified: bool = UnverifiedOpt,
        case: Path | None = CaseOpt,
        as_json: bool = JsonOpt,
    ) -> None:
        """Who can block the applicant in a body on a date, who blocks now, and what would change it.

        Example: dialoguelab blockers --org UN --on 2024-06-01
        """
        from dialoguelab.membership.outcomes import blockers
        from dialoguelab.membership.scenarios import load_scenario

        def go() -> Any:
            sc = load_scenario(scenario) if scenario else None
            return blockers(
                load(case), org, on, scenario=sc, position=position, include_unverified=include_unverified
            )

        o = _run(go)
        if as_json:
            _json(o.to_dict())
            return
        from dialoguelab.membership.views import OUTCOME_TITLE, outcome_word

        nm = o.names
        _out.print(
            f"[bold]{o.name}[/bold] on {o.date} ({o.position} position), {OUTCOME_TITLE.lower()}: "
            f"[bold]{outcome_word(o.passed)}[/bold] — {o.recognizers} recognising states"
        )
        if o.projection:
            _out.print(
                f"Projection: the data were checked up to {o.data_verified_to}; {o.date} is later.", markup=False
            )
        _item("Veto players:", ", ".join(f"{m} ({nm.get(m, m)})" for m in o.veto_players) or "none")
        _item("Blocking now:", ", ".join(f"{m} ({nm.get(m, m)})" for m in o.blocking) or "none")
        _item("Pivotal:", ", ".join(o.pivotal) or "none")
        for s in o.stages:
            _item("-", f"{s.name}: {'passes' if s.passed else 'fails'} (margin {s.margin})")
            for line in s.lines:
                _item("", line, indent=3)
        if o.flip:
            f = o.flip
            parts = [", ".join(f.required)] if f.required else []
            parts += [f"any {c['count']} of {c['pool_size']} in {c['stage']}" for c in f.choose]
            _item(
                f"Smallest flipping set ({f.direction}):",
                f"size {f.size} ({'exact' if f.exact else f'lower bound {f.lower_bound}'}): " + "; ".join(parts),
            )

    @app.command("admission")
    def admission_cmd(
        org: str = typer.Option(..., "--org", help="Body id or alias."),
        on: str | None = typer.Option(None, "--on", help="Date YYYY-MM-DD (default today)."),
        scenario: Path | None = typer.Option(None, "--scenario"),
        position: str = PositionOpt,
        include_unverified: bool = UnverifiedOpt,
        case: Path | None = CaseOpt,
        as_json: bool = JsonOpt,
    ) -> None:
        """Probability of admission to a body on a date, stage by stage.

        The calibrated vote model for stages decided by a ballot, declared positions (0 or 1) for
        stages decided by consensus or ratification; each stage shows its procedure and how its
        probability was obtained.

        Example: dialoguelab admission --org UNESCO --on 2015-11-09
        """
        from dialoguelab.membership.scenarios import load_scenario
        from dialoguelab.membership.votes import admission_probability

        def go() -> Any:
            sc = load_scenario(scenario) if scenario else None
            return admission_probability(
                load(case), org, on, scenario=sc, position=position, include_unverified=include_unverified
            )

        r = _run(go)
        if as_json:
            from dataclasses import asdict

            _json(asdict(r))
            return
        from dialoguelab.membership.views import PROBABILITY_TITLE, probability_condition, uncalibrated_label

        cond = probability_condition(load(case), position)
        label = (lambda x: x) if cond["calibrated"] else uncalibrated_label
        what, how = PROBABILITY_TITLE.lower().split(" under ", 1)  # "probability of admission", "the vote model"
        _out.print(f"[bold]{r.body}[/bold] on {r.date}: {what} [bold]{percent(r.probability)}[/bold] under {how}")
        _item("basis:", label(r.label), indent=2)
        _item("conditional on:", cond["sentence"], indent=2)
        if r.projection:
            _item("projection:", f"the data were checked up to {r.data_verified_to}; {r.date} is later.", indent=2)
        for s in r.stages:
            proc = (s.procedure or "procedure not recorded").replace("_", " ")
            if s.procedure and not s.procedure_verified:
                proc += ", not verified"
            if not s.modelled:
                _item("-", f"{s.name} [{proc}]: not modelled (assumed to pass)")
                continue
            e = s.expected
            if s.method == "declared_positions":
                _item(
                    "-",
                    f"{s.name} [{proc}]: {s.members} members; derived positions yes {e['yes']:.0f}, "
                    f"no {e['no']:.0f}, abstain {e['abstain']:.0f}, absent {e['absent']:.0f}; "
                    f"{'passes' if s.probability == 1.0 else 'blocked'} ({label(s.label)})",
                )
                continue
            _item(
                "-",
                f"{s.name} [{proc}]: {s.members} voters; expected yes {e['yes']:.1f}, no {e['no']:.1f}, "
                f"abstain {e['abstain']:.1f}, absent {e['absent']:.1f}; votes needed at the expected "
                f"turnout: {s.required_at_expected}; P(pass) = {percent(s.probability)} ({label(s.label)})",
            )
            dist = s.yes_distribution
            top = sorted(range(len(dist)), key=lambda k: -dist[k])[:5]
            _item(
                "most likely yes counts:", ", ".join(f"{k} ({percent(dist[k])})" for k in sorted(top)), indent=2
            )

    @app.command("scenario")
    def scenario_cmd(
        file: Path = typer.Argument(..., help="Scenario YAML file."),
        on: str | None = typer.Option(None, "--on"),
        position: str = PositionOpt,
        case: Path | None = CaseOpt,
        as_json: bool = JsonOpt,
        as_csv: bool = CsvOpt,
        parquet: Path | None = ParquetOpt,
    ) -> None:
        """Compare every body's outcome and admission probability, baseline against a scenario.

        Example: dialoguelab scenario holdouts.yaml --on 2025-06-01
        """
        from dialoguelab.membership.scenarios import load_scenario
        from dialoguelab.membership.whatif import compare

        one_format(as_json, as_csv, parquet)
        df = _run(lambda: compare(load(case), load_scenario(file), on, position=position))
        emit_table(
            df, title=f"Scenario {file.name}", as_json=as_json, as_csv=as_csv, parquet=parquet,
            columns=_SCENARIO_COLUMNS,
        )

    @app.command("series")
    def series_cmd(
        org: list[str] = typer.Option([], "--org", help="Body (repeatable; default all)."),
        scenario: Path | None = typer.Option(None, "--scenario"),
        start: str | None = typer.Option(None, "--start", help="Default: the applicant's 'since' date."),
        end: str | None = typer.Option(None, "--end"),
        position: str = PositionOpt,
        case: Path | None = CaseOpt,
        as_json: bool = JsonOpt,
        as_csv: bool = CsvOpt,
        parquet: Path | None = ParquetOpt,
    ) -> None:
        """Admission probability per body, month by month (baseline or a scenario).

        Example: dialoguelab series --org UNESCO --start 2015-01-01 --end 2016-01-01
        """
        from dialoguelab.membership.scenarios import load_scenario
        from dialoguelab.membership.whatif import series

        def go() -> Any:
            sc = load_scenario(scenario) if scenario else None
            return series(load(case), list(org) or None, scenario=sc, start=start, end=end, position=position)

        one_format(as_json, as_csv, parquet)
        df = _run(go)
        emit_table(
            df, title="Admission probability by month", as_json=as_json, as_csv=as_csv, parquet=parquet,
            columns=_SERIES_COLUMNS,
        )

    @app.command("leverage")
    def leverage_cmd(
        actor: str = typer.Argument(..., help="State: ISO3 code or name (Russia)."),
        scenario: Path | None = typer.Option(None, "--scenario"),
        start: str | None = typer.Option(None, "--start", help="Default: the applicant's 'since' date."),
        end: str | None = typer.Option(None, "--end"),
        position: str = PositionOpt,
        case: Path | None = CaseOpt,
        as_json: bool = JsonOpt,
        as_csv: bool = CsvOpt,
        parquet: Path | None = ParquetOpt,
    ) -> None:
        """Where and when an actor is a veto player, blocks, or is pivotal (and under a scenario).

        Example: dialoguelab leverage Russia --start 2020-01-01
        """
        from dialoguelab.membership.leverage import leverage
        from dialoguelab.membership.scenarios import load_scenario

        def go() -> Any:
            sc = load_scenario(scenario) if scenario else None
            return leverage(load(case), actor, start=start, end=end, scenario=sc, position=position)

        one_format(as_json, as_csv, parquet)
        df = _run(go)
        if as_json or as_csv or parquet:
            emit_table(df, as_json=as_json, as_csv=as_csv, parquet=parquet)
            return
        emit_table(df[df.member], title=f"Leverage of {actor} (bodies it belongs to)", columns=_LEVERAGE_COLUMNS)

    @app.command("power")
    def power_cmd(
        org: str = typer.Option(..., "--org"),
        on: str | None = typer.Option(None, "--on"),
        by_type: bool = typer.Option(False, "--by-type", help="One row per type of symmetric players."),
        exact: bool = typer.Option(
            False, "--exact", help="Also show the exact fractions and the swing counts (long for big bodies)."
        ),
        case: Path | None = CaseOpt,
        as_json: bool = JsonOpt,
        as_csv: bool = CsvOpt,
        parquet: Path | None = ParquetOpt,
    ) -> None:
        """Shapley–Shubik and Banzhaf indices of a body's admission game, as decimals (exact with --exact).

        Example: dialoguelab power --org UN --by-type --exact
        """
        from dialoguelab.membership.power import body_power

        one_format(as_json, as_csv, parquet)
        df = _run(lambda: body_power(load(case), org, on, by_type=by_type))
        if not exact:
            df = df[[c for c in df.columns if not c.endswith("_exact") and c != "swings"]]
        shown = [c for c in (_POWER_TYPE_COLUMNS if by_type else _POWER_COLUMNS) if c.key in df.columns]
        emit_table(
            df, title=f"Power indices: {org}", as_json=as_json, as_csv=as_csv, parquet=parquet, columns=shown
        )

    @app.command("recognitions")
    def recognitions_cmd(
        on: str | None = typer.Option(None, "--on"),
        position: str = PositionOpt,
        include_unverified: bool = UnverifiedOpt,
        case: Path | None = CaseOpt,
        as_json: bool = JsonOpt,
        as_csv: bool = CsvOpt,
        parquet: Path | None = ParquetOpt,
    ) -> None:
        """Recognition of the applicant state by state on a date, under a position on withdrawals.

        Example: dialoguelab recognitions --on 2020-01-01 --position serbia
        """
        from dialoguelab.membership.api import recognitions

        one_format(as_json, as_csv, parquet)
        df = _run(
            lambda: recognitions(load(case), on, position=position, include_unverified=include_unverified)
        )
        emit_table(
            df, title="Recognitions", as_json=as_json, as_csv=as_csv, parquet=parquet, columns=_RECOGNITION_COLUMNS
        )

    @app.command("swing")
    def swing_cmd(
        org: str = typer.Option(..., "--org", help="Body id or alias."),
        on: str | None = typer.Option(None, "--on", help="Date YYYY-MM-DD (default today)."),
        scenario: Path | None = typer.Option(None, "--scenario", help="Scenario YAML file."),
        position: str = PositionOpt,
        include_unverified: bool = UnverifiedOpt,
        model: str = typer.Option("ideal_points", "--model", help="Vote model: ideal_points (per state) or class."),
        top: int = typer.Option(15, "--top", min=1, help="Rows of the ranking to print (all with --json)."),
        case: Path | None = CaseOpt,
        as_json: bool = JsonOpt,
    ) -> None:
        """Whose vote is needed: members ranked by how much their switch to yes moves the probability of
        admission, and the smallest set of switches that lifts it above one half (exact or greedy, said).

        Example: dialoguelab swing --org UNESCO --on 2015-11-09
        """
        from dialoguelab.membership.scenarios import load_scenario
        from dialoguelab.membership.swing import swing

        def go() -> Any:
            sc = load_scenario(scenario) if scenario else None
            return swing(
                load(case), org, on, scenario=sc, position=position, include_unverified=include_unverified,
                model=model,
            )

        r = _run(go)
        if as_json:
            _json(r.to_dict())
            return
        _out.print(f"[bold]{r.body}[/bold] on {r.date}: probability of admission {r.probability:.4g}")
        _out.print(f"  model: {r.model_label}", markup=False)
        emit_table(
            r.states.head(top),
            title="Switch to yes: probability of admission after each member's switch",
            columns=[
                Column("iso3", priority=0, kind="id"),
                Column("name", priority=0, kind="text"),
                Column("stages", priority=2, kind="text"),
                Column("p_yes", "P(yes) now", priority=1, kind="prob"),
                Column("probability_after", "P(admission) after", priority=0, kind="prob"),
                Column("gain", priority=1, kind="prob"),
            ],
        )
        if r.smallest_set:
            _out.print(
                f"Smallest set ({r.method}): {len(r.smallest_set)} switches: "
                + ", ".join(f"{s['iso3']} → {s['probability']:.3g}" for s in r.path),
                markup=False,
            )
        _out.print(r.statement, markup=False)

    rollcalls = typer.Typer(
        help="Roll calls and the vote model's validation. Example: dialoguelab rollcalls validate --json",
        no_args_is_help=True,
    )
    app.add_typer(rollcalls, name="rollcalls")

    @rollcalls.command("validate")
    def rollcalls_validate_cmd(
        position: str = PositionOpt,
        case: Path | None = CaseOpt,
        as_json: bool = JsonOpt,
        every_case: bool = typer.Option(
            False, "--every-case",
            help="Score every installed case's votes on its own applicant and pool them (the baselines need the "
                 "applicant's recognitions, which only its case knows).",
        ),
    ) -> None:
        """Leave one roll call out, fit on the others, predict it: per-state Brier, log loss and AUC,
        expected against actual tally and the outcome, for the per-state model, the rule "recogniser ⇒
        yes" and the class model. Fits are cached on disk; the first run takes minutes.

        Example: dialoguelab rollcalls validate --json

        Example: dialoguelab rollcalls validate --every-case
        """
        from dialoguelab.membership.validation import validate, validate_every_case

        if every_case and (case is not None or chosen_case(None) is not None or position is not None):
            _err.print("--every-case scores every installed case with its own applicant's position: "
                       "leave out --case and --position.", markup=False)
            raise typer.Exit(2)
        progress = lambda s: _err.print(s, markup=False)  # noqa: E731
        r = (_run(lambda: validate_every_case(progress=progress)) if every_case
             else _run(lambda: validate(load(case), position, progress=progress)))
        if as_json:
            _json(r.to_dict())
            return
        cols: list[Column | str] = [Column("vote", priority=0, kind="id"), Column("yes", priority=0, kind="int")]
        if every_case:
            cols.insert(0, Column("case", priority=0, kind="id"))
        for rank, m in enumerate(("model", "rule", "class")):
            cols += [
                Column(f"expected_yes_{m}", priority=rank, kind="float"),
                Column(f"brier_{m}", priority=rank, kind="float"),
                Column(f"log_loss_{m}", priority=rank + 1, kind="float"),
                Column(f"p_pass_{m}", priority=rank + 1, kind="prob"),
            ]
        emit_table(r.table, title="Leave one roll call out (Brier and log loss of P(yes); lower is better)",
                   columns=cols)
        for k, v in r.summary.items():
            if k == "by_applicant":
                for applicant, means in v.items():
                    _out.print(f"{applicant}: " + "; ".join(
                        f"mean {col.replace('_', ' ')} model / rule / class "
                        + " / ".join(_fmt(means.get(f"mean_{col}_{m}")) for m in ("model", "rule", "class"))
                        for col in ("brier", "log_loss")) + f" ({len(means['votes_scored'])} votes)", markup=False)
                continue
            _out.print(f"{k}: {_fmt(v)}", markup=False)
        for k, v in (r.skipped if every_case else r.unpredictable).items():
            _out.print(f"{'skipped' if every_case else 'not predicted'}: {k} ({v})", markup=False)
