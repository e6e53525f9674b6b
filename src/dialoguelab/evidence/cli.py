"""CLI commands of the evidence base: ``summary``, ``timeline``, ``actor``, ``actors``, ``quotations``,
``sources``, ``export`` and ``build`` (the store).

Each command loads the case, calls one library function and prints its result.
"""

from __future__ import annotations

__all__ = ["register"]

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from dialoguelab.clikit import CaseOpt, CsvOpt, JsonOpt, ParquetOpt, fail, load, one_format
from dialoguelab.errors import DialoguelabError
from dialoguelab.output import Column, console, emit_json, emit_table, stderr, stdout


def _who(row: dict[str, Any]) -> str:
    src = ", ".join(row.get("source_actors") or [])
    tgt = ", ".join(row.get("target_actors") or [])
    return f"{src} → {tgt}" if tgt else src


#: an event per row: date and type stacked, the id above its summary (whole at 80 columns), then
#: who acted on whom, the footnotes and the citations as the width allows
EVENT_COLUMNS = [
    Column("type", header="date/type", above="date"),
    Column("summary", header="event", above="id", min_width=30),
    Column("source_actors", header="source → target", kind="ids", priority=1, value=_who),
    Column("footnotes", header="fn", priority=2),
    Column("citations", header="citations", kind="ids", priority=3),
]
QUOTATION_COLUMNS = [
    Column("date", kind="id"),
    Column("text", header="quotation", above="id", min_width=30),
    Column("speaker_name", header="speaker", priority=1),
    Column("citations", kind="ids", priority=2),
    Column("context", priority=3),
]


def register(app: typer.Typer) -> None:
    """Add the evidence commands to the main app."""

    @app.command()
    def summary(case: CaseOpt = None, as_json: JsonOpt = False) -> None:
        """The case at a glance: counts, span of the events, footnote status, the positions it offers.

        Example: [bold]dialoguelab summary --json[/bold]
        """
        from dialoguelab.evidence import case_summary

        c = load(case)
        s = case_summary(c)
        if as_json:
            emit_json(s)
            return
        out = console()
        out.print(f"[bold]{escape(s['title'])}[/bold]  ({escape(s['id'])})")
        if s["description"]:
            out.print(s["description"], markup=False)
        out.print(", ".join(f"{v} {k}" for k, v in s["counts"].items()), markup=False)
        out.print(f"events from {s['first_event']} to {s['last_event']}", markup=False)
        status = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in s["footnote_status"].items())
        out.print(f"footnotes: {status or 'none'}", markup=False)
        out.print("event dates from: " + ", ".join(f"{k} {v}" for k, v in s["date_basis"].items()), markup=False)
        if s.get("verified_to"):
            out.print("data checked up to: " + ", ".join(f"{k} {v}" for k, v in s["verified_to"].items()), markup=False)
        if c.meta.applicant is not None:
            positions = "; ".join(f"{k}: {v}" for k, v in c.positions().items())
            out.print(f"positions (--position): {positions}", markup=False)


    @app.command()
    def timeline(
        case: CaseOpt = None,
        actor: Annotated[str | None, typer.Option("--actor", "-a", help="Actor id, name, alias or metonym.")] = None,
        role: Annotated[str, typer.Option("--role", help="source, target or any.")] = "any",
        event_type: Annotated[str | None, typer.Option("--type", "-t", help="PLOVER type(s), comma-separated.")] = None,
        date_from: Annotated[str | None, typer.Option("--from", help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
        date_to: Annotated[str | None, typer.Option("--to", help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
        footnote: Annotated[
            int | None, typer.Option("--footnote", "-f", help="Only events citing this footnote.")
        ] = None,
        text: Annotated[str | None, typer.Option("--text", "-q", help="Substring of summary or quotations.")] = None,
        date_basis: Annotated[
            str | None,
            typer.Option(
                "--date-basis", help="Where the date comes from: paper, context, footnote, outside (comma-separated)."
            ),
        ] = None,
        limit: Annotated[int | None, typer.Option("--limit", "-n", help="At most this many events.")] = None,
        as_json: JsonOpt = False,
        as_csv: CsvOpt = False,
        parquet: ParquetOpt = None,
    ) -> None:
        """Events in date order, filtered; each with its actors and sources.

        Examples:
          [bold]dialoguelab timeline --actor Moscow --from 2008 --to 2013 --json[/bold]
          [bold]dialoguelab timeline --type THREATEN,REJECT --text veto[/bold]
          [bold]dialoguelab timeline --date-basis paper,footnote --csv[/bold]   (only dates the paper gives)
        """
        from dialoguelab.evidence import timeline as run

        one_format(as_json, as_csv, parquet)
        c = load(case)
        try:
            df = run(
                c,
                actor=actor,
                role=role,
                event_type=event_type,
                date_from=date_from,
                date_to=date_to,
                footnote=footnote,
                text=text,
                date_basis=date_basis,
                limit=limit,
            )
        except DialoguelabError as exc:
            fail(str(exc))
        if as_json:
            # each event with its sources in full, as the issue asks
            by_id = c.sources_by_id
            rows = json.loads(df.to_json(orient="records", force_ascii=False))
            for r in rows:
                r["sources"] = [by_id[s].model_dump(mode="json", exclude_none=True) for s in r["citations"]]
            emit_json(rows)
            return
        emit_table(df, title="Timeline", as_csv=as_csv, parquet=parquet, columns=EVENT_COLUMNS)


    @app.command()
    def actor(
        name: Annotated[str, typer.Argument(help="Actor id, name, alias or metonym (e.g. Moscow, Lavrov).")],
        case: CaseOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """An actor's profile: roles, events, quotations, co-occurring actors.

        Example: [bold]dialoguelab actor "the Kremlin"[/bold]
        """
        from dialoguelab.evidence import actor_profile

        c = load(case)
        try:
            p = actor_profile(c, name)
        except DialoguelabError as exc:
            fail(str(exc))
        if as_json:
            emit_json(p)
            return
        a = p["actor"]
        out = console()
        out.print(f"[bold]{escape(a['name'])}[/bold] ({escape(a['id'])}, {a['type']})")
        if a.get("aliases"):
            out.print(f"aliases: {', '.join(a['aliases'])}", markup=False)
        for r in p["roles"]:
            org, start, end = r.get("organization", ""), r.get("start", "?"), r.get("end", "")
            out.print(f"  role: {r['title']} ({org}) {start} – {end}", markup=False)
        emit_table(p["events"], title="Events", columns=EVENT_COLUMNS)
        if len(p["quotations"]):
            emit_table(p["quotations"], title="Quotations", columns=QUOTATION_COLUMNS)
        emit_table(p["co_actors"].head(15), title="Co-occurring actors")


    @app.command()
    def actors(
        case: CaseOpt = None,
        actor_type: Annotated[str | None, typer.Option("--type", help="state, organization, person or group.")] = None,
        as_json: JsonOpt = False,
        as_csv: CsvOpt = False,
        parquet: ParquetOpt = None,
    ) -> None:
        """Every actor with its type, ISO code, aliases and number of events.

        Example: [bold]dialoguelab actors --type person[/bold]
        """
        from dialoguelab.evidence import actors_table

        one_format(as_json, as_csv, parquet)
        try:
            df = actors_table(load(case), actor_type=actor_type)
        except DialoguelabError as exc:
            fail(str(exc))
        emit_table(
            df,
            title="Actors",
            as_json=as_json,
            as_csv=as_csv,
            parquet=parquet,
            columns=[
                Column("id", kind="id"),
                Column("name"),
                Column("type", priority=1),
                Column("events", priority=1),
                Column("iso3", header="ISO", priority=2),
                Column("quotations", header="quot.", priority=2),
                Column("aliases", priority=3, min_width=20),
                Column("affiliation", priority=4),
            ],
        )


    @app.command()
    def quotations(
        case: CaseOpt = None,
        speaker: Annotated[str | None, typer.Option("--speaker", help="Actor (aliases resolve).")] = None,
        text: Annotated[str | None, typer.Option("--text", "-q", help="Substring of the words.")] = None,
        as_json: JsonOpt = False,
        as_csv: CsvOpt = False,
        parquet: ParquetOpt = None,
    ) -> None:
        """Quotations with speaker, date and sources.

        Example: [bold]dialoguelab quotations --speaker Lavrov[/bold]
        """
        from dialoguelab.evidence import quotations_table

        one_format(as_json, as_csv, parquet)
        try:
            df = quotations_table(load(case), speaker=speaker, text=text)
        except DialoguelabError as exc:
            fail(str(exc))
        emit_table(
            df,
            title="Quotations",
            as_json=as_json,
            as_csv=as_csv,
            parquet=parquet,
            columns=QUOTATION_COLUMNS,
        )


    @app.command()
    def sources(
        case: CaseOpt = None,
        status: Annotated[str | None, typer.Option("--status", help="complete, cut_off or missing.")] = None,
        kind: Annotated[str | None, typer.Option("--kind", help="footnote or document.")] = None,
        as_json: JsonOpt = False,
        as_csv: CsvOpt = False,
        parquet: ParquetOpt = None,
    ) -> None:
        """Every citation with its status and the events that use it.

        Example: [bold]dialoguelab sources --status cut_off[/bold]
        """
        from dialoguelab.evidence import sources_table

        one_format(as_json, as_csv, parquet)
        try:
            df = sources_table(load(case), status=status, kind=kind)
        except DialoguelabError as exc:
            fail(str(exc))
        emit_table(
            df,
            title="Sources",
            as_json=as_json,
            as_csv=as_csv,
            parquet=parquet,
            columns=[
                Column("status", kind="id"),
                Column("text", header="source", above="id", min_width=30),
                Column("n_events", header="events", kind="int", priority=1),
                Column("kind", priority=2),
                Column("urls", header="URLs", priority=3),
                Column("events", header="event ids", kind="ids", priority=4),
            ],
        )


    @app.command()
    def export(
        out: Annotated[Path, typer.Argument(help="Folder to write into (must be new or empty, unless --force).")],
        case: CaseOpt = None,
        formats: Annotated[
            str, typer.Option("--formats", help="Comma-separated: csv,parquet,json.")
        ] = "csv,parquet,json",
        force: Annotated[bool, typer.Option("--force", help="Replace the folder if it holds files.")] = False,
        on: Annotated[
            str | None, typer.Option("--on", help="Day of the recognitions and body outcomes (default today).")
        ] = None,
        position: Annotated[
            str | None,
            typer.Option("--position", help="Whose reading of disputed withdrawals (default the applicant's)."),
        ] = None,
        evidence_only: Annotated[
            bool, typer.Option("--evidence-only", help="Only the evidence tables and the network (no engines).")
        ] = False,
    ) -> None:
        """Export the case and what the engines make of it as tables (CSV, Parquet, JSON).

        The evidence tables, the actor network (GraphML), recognitions, the applicant's memberships,
        body outcomes on a day, roll calls, the findings with their statuses and the stance series.

        The folder appears only when every file is written: a failed export leaves nothing behind.

        Examples:
          [bold]dialoguelab export out/case --formats csv,json[/bold]
          [bold]dialoguelab export out/case --on 2024-06-01 --force[/bold]
        """
        from dialoguelab.evidence.export import ExportTargetExistsError, check_export_target, parse_formats

        try:  # usage errors before any work
            chosen = parse_formats(formats)
        except DialoguelabError as exc:
            fail(str(exc), 2)
        try:
            check_export_target(out, force)
        except ExportTargetExistsError:
            fail(f"{out} exists and is not empty: choose another folder, or pass --force to replace it.")
        except DialoguelabError as exc:
            fail(str(exc))
        c = load(case)
        skipped: dict[str, str] = {}
        try:
            if evidence_only:
                from dialoguelab.evidence import export_case

                files = export_case(c, out, formats=chosen, overwrite=force)
            else:
                from dialoguelab.export import export_all

                res = export_all(c, out, formats=chosen, overwrite=force, on=on, position=position)
                files, skipped = res.files, res.skipped
        except DialoguelabError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write to {out}: {exc.strerror or exc}")
        tables = sorted({f.stem for f in files if f.suffix != ".graphml"})
        stdout.print(f"wrote {len(files)} files ({len(tables)} tables × {', '.join(chosen)}) to {out}", markup=False)
        for name, why in skipped.items():
            stderr.print(f"note: {name} left out: {why}", markup=False)


    @app.command()
    def build(case: CaseOpt = None, force: Annotated[bool, typer.Option("--force")] = False) -> None:
        """Build (or reuse) the case's DuckDB database and print its path.

        Example: [bold]dialoguelab build[/bold]
        """
        from dialoguelab.store import build_store

        c = load(case)
        console().print(str(build_store(c, force=force)), markup=False, soft_wrap=True)
