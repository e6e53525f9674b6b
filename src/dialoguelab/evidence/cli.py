"""CLI commands of the evidence base: ``summary``, ``timeline``, ``actor``, ``actors``, ``quotations``,
``sources``, ``export`` and ``build`` (the store).

Each command loads the case, calls one library function and prints its result.
"""

from __future__ import annotations

__all__ = ["register"]

import json
from pathlib import Path
from typing import Annotated

import typer

from dialoguelab.clikit import CaseOpt, CsvOpt, JsonOpt, ParquetOpt, fail, load, one_format
from dialoguelab.errors import DialoguelabError
from dialoguelab.output import console, emit_json, emit_table


def register(app: typer.Typer) -> None:
    """Add the evidence commands to the main app."""

    @app.command()
    def summary(case: CaseOpt = None, as_json: JsonOpt = False) -> None:
        """The case at a glance: counts, span of the events, footnote status.

        Example: [bold]dialoguelab summary --json[/bold]
        """
        from dialoguelab.evidence import case_summary

        s = case_summary(load(case))
        if as_json:
            emit_json(s)
            return
        console.print(f"[bold]{s['title']}[/bold]  ({s['id']})")
        if s["description"]:
            console.print(s["description"])
        console.print(", ".join(f"{v} {k}" for k, v in s["counts"].items()))
        console.print(f"events from {s['first_event']} to {s['last_event']}; footnotes: {s['footnote_status']}")
        console.print("event dates from: " + ", ".join(f"{k} {v}" for k, v in s["date_basis"].items()))
        console.print("data checked up to: " + ", ".join(f"{k} {v}" for k, v in s["verified_to"].items()))


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
        emit_table(
            df,
            title="Timeline",
            as_csv=as_csv,
            parquet=parquet,
            columns=["date", "type", "source_actors", "target_actors", "summary", "citations"],
        )


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
        console.print(f"[bold]{a['name']}[/bold] ({a['id']}, {a['type']}) aliases: {', '.join(a.get('aliases', []))}")
        for r in p["roles"]:
            org, start, end = r.get("organization", ""), r.get("start", "?"), r.get("end", "")
            console.print(f"  role: {r['title']} ({org}) {start} – {end}")
        emit_table(p["events"], title="Events", columns=["date", "type", "source_actors", "target_actors", "summary"])
        if len(p["quotations"]):
            emit_table(p["quotations"], title="Quotations", columns=["date", "speaker", "text", "citations"])
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
        emit_table(df, title="Actors", as_json=as_json, as_csv=as_csv, parquet=parquet)


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
            columns=["date", "speaker_name", "text", "citations"],
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
            columns=["id", "status", "text", "n_events", "events"],
        )


    @app.command()
    def export(
        out: Annotated[Path, typer.Argument(help="Folder to write into (must be empty or new).")],
        case: CaseOpt = None,
        formats: Annotated[
            str, typer.Option("--formats", help="Comma-separated: csv,parquet,json.")
        ] = "csv,parquet,json",
        overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace a non-empty folder.")] = False,
    ) -> None:
        """Export the whole case as CSV, Parquet and JSON tables, and the actor network as GraphML.

        Example: [bold]dialoguelab export out/kosovo --formats csv,json[/bold]
        """
        from dialoguelab.evidence import export_case

        c = load(case)
        try:
            paths = export_case(
                c, out, formats=tuple(f.strip() for f in formats.split(",") if f.strip()), overwrite=overwrite
            )
        except DialoguelabError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write to {out}: {exc.strerror or exc}")
        console.print(f"wrote {len(paths)} files to {out}")


    @app.command()
    def build(case: CaseOpt = None, force: Annotated[bool, typer.Option("--force")] = False) -> None:
        """Build (or reuse) the case's DuckDB database and print its path.

        Example: [bold]dialoguelab build[/bold]
        """
        from dialoguelab.store import build_store

        c = load(case)
        console.print(str(build_store(c, force=force)))
