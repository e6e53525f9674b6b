"""CLI commands of ingestion: ``ingest``, ``review``, ``ingest-eval``. The main app calls :func:`register`.

Each command calls one library function (:mod:`dialoguelab.ingest.api`) and formats its result.
"""

from __future__ import annotations

__all__ = ["register"]

from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand

from dialoguelab.clikit import chosen_case, one_format, print_json, run_or_exit
from dialoguelab.output import Column, emit_table, stderr, stdout

T = TypeVar("T")
_out = stdout
_err = stderr
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")]


_run = run_or_exit
_json = print_json


def _ids(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _show_candidate(c: dict[str, Any]) -> None:
    _out.print(
        f"[bold]{c['id']}[/bold]  line {c['line']}  {c.get('date')}"
        f"{'/' + str(c['end_date']) if c.get('end_date') else ''} ({c.get('precision')})  "
        f"{c.get('type') or '?'} ({c.get('type_confidence', 0):.2f})"
    )
    _out.print(
        f"  source: {', '.join(c.get('source_actors') or [])}  "
        f"target: {', '.join(c.get('target_actors') or [])}",
        markup=False,
    )
    _out.print(f"  {c.get('sentence', '')}", markup=False, highlight=False)
    if c.get("links"):
        _out.print(f"  linked to existing: {', '.join(c['links'])}", markup=False)
    if c.get("date_note"):
        _out.print(f"  date note: {c['date_note']}", markup=False)


_PAIR = "\x1f"  # joins the two values of one --edit


class _PairOptions(TyperCommand):
    """``--edit ID FIELD=VALUE``, repeatable: an option of two values, given any number of times.

    Typer cannot declare a repeatable option of two values, so each ``--edit A B`` on the command line is
    joined into one value before parsing, and the command splits it again.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(args):
            a = args[i]
            if a == "--":
                out += args[i:]
                break
            if a == "--edit" and i + 2 < len(args) and not args[i + 1].startswith("--"):
                out += ["--edit", args[i + 1] + _PAIR + args[i + 2]]
                i += 3
                continue
            out.append(a)
            i += 1
        return list(super().parse_args(ctx, out))


def register(app: typer.Typer) -> None:
    """Add the ingestion commands to ``app``."""

    @app.command("ingest")
    def ingest_cmd(
        paths: Annotated[list[Path], typer.Argument(help="Documents (PDF, text, HTML) or folders of them.")],
        case: Annotated[
            Path | None, typer.Option("--case", help="Case folder (default: the built-in case).")
        ] = None,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Review file to write (YAML).")] = None,
        workers: Annotated[int, typer.Option("--workers", "-w", help="Local worker processes.")] = 1,
        dask: Annotated[
            str | None, typer.Option("--dask", help="Dask scheduler address (tcp://host:8786).")
        ] = None,
        max_mb: Annotated[
            float, typer.Option("--max-mb", help="Refuse documents larger than this (MB).")
        ] = 20.0,
        title: Annotated[
            str | None, typer.Option("--title", help="The document's title, for its source record (one document).")
        ] = None,
        publisher: Annotated[
            str | None, typer.Option("--publisher", help="Who published the document (one document).")
        ] = None,
        date: Annotated[
            str | None,
            typer.Option(
                "--date",
                help="The document's date, YYYY[-MM[-DD]] (one document); it also dates 'on Thursday', "
                "'yesterday' and days without a year. Default: its dateline, or the date in its URL.",
            ),
        ] = None,
        url: Annotated[
            str | None, typer.Option("--url", help="Where the document is published (one document).")
        ] = None,
        note: Annotated[
            str | None, typer.Option("--note", help="What was verified in the document (one document).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
        as_csv: CsvOpt = False,
    ) -> None:
        """Turn documents into candidate events (dates, actors, PLOVER type, footnotes, locator) for review.

        The case is not modified: candidates go to the review file given with --out. A text whose first
        line is "URL (what it is) excerpts retrieved …" gives its URL and note from that line.

        Examples:
          [bold]dialoguelab ingest new-study.pdf --case my-case --out review.yaml[/bold]
          [bold]dialoguelab ingest statement.txt --out r.yaml --publisher "UN" --date 2024-02-08[/bold]
        """
        from dialoguelab.ingest.api import ingest

        one_format(as_json, as_csv)
        if max_mb <= 0:
            _err.print("Error: --max-mb must be positive.", markup=False)
            raise typer.Exit(2)
        summary = _run(
            lambda: ingest(
                paths,
                case=chosen_case(case),
                out=out,
                workers=workers,
                dask_address=dask,
                progress=not (as_json or as_csv),
                max_bytes=int(max_mb * 1024 * 1024),
                title=title,
                publisher=publisher,
                date=date,
                url=url,
                note=note,
            )
        )
        if as_json:
            _json(summary.to_dict())
        else:
            rows = [
                {
                    "document": Path(r.document["path"]).name,
                    "date": str(r.document.get("date") or "-"),
                    "pages": r.document["pages"],
                    "footnotes": r.document["footnotes"],
                    "candidates": len(r.candidates),
                    "linked": r.stats.get("linked", 0),
                    "new_actors": len(r.new_actors),
                    "seconds": float(r.stats.get("seconds", 0)),
                }
                for r in summary.results
            ]
            emit_table(
                rows,
                title="Ingested documents",
                as_csv=as_csv,
                columns=[
                    Column("document", min_width=20),
                    Column("date", kind="id"),
                    Column("candidates", kind="int"),
                    Column("pages", kind="int", priority=1),
                    Column("footnotes", kind="int", priority=1),
                    Column("linked", kind="int", priority=2),
                    Column("new_actors", header="new actors", kind="int", priority=2),
                    Column("seconds", kind="float", priority=3),
                ],
            )
            if summary.review_file and not as_csv:
                _out.print(
                    f"review file: {summary.review_file} — next: dialoguelab review {summary.review_file}",
                    markup=False,
                )
        for _path, err in summary.errors:
            _err.print(f"Error: {err}", markup=False, highlight=False)
        if summary.errors:
            raise typer.Exit(1)

    @app.command("review", cls=_PairOptions)
    def review_cmd(
        review_file: Annotated[
            Path, typer.Argument(help="The review file written by `dialoguelab ingest --out`.")
        ],
        case: Annotated[
            Path | None, typer.Option("--case", help="Case folder (default: the one in the file).")
        ] = None,
        accept_all: Annotated[
            bool, typer.Option("--accept-all", help="Accept every pending candidate.")
        ] = False,
        accept: Annotated[
            str | None, typer.Option("--accept", help="Candidate ids to accept, comma-separated.")
        ] = None,
        reject: Annotated[
            str | None, typer.Option("--reject", help="Candidate ids to reject, comma-separated.")
        ] = None,
        edit: Annotated[
            list[str] | None,  # each value is an ID and a FIELD=VALUE: see _PairOptions
            typer.Option(
                "--edit",
                metavar="ID FIELD=VALUE",
                help="ID FIELD=VALUE, repeatable: --edit c-x-00012-1 type=AGREE (accepts the candidate); "
                "--edit d-x title=... (a document's title, publisher, date, url, note).",
            ),
        ] = None,
        more: Annotated[
            list[str] | None,
            typer.Option(
                "--field", help="More FIELD=VALUE changes for the one id given with --edit (repeatable)."
            ),
        ] = None,
        decisions: Annotated[
            Path | None,
            typer.Option(
                "--decisions",
                help="A YAML file of decisions (accept, reject, accept_all, edit: {ID: {FIELD: VALUE}}).",
            ),
        ] = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Validate and report; write nothing.")
        ] = False,
        lock_timeout: Annotated[
            float | None,
            typer.Option(
                "--lock-timeout",
                help="Seconds to wait while another process changes the same case "
                "(default 30, or $DIALOGUELAB_LOCK_TIMEOUT).",
                show_default=False,
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Accept, edit or reject candidates and merge the accepted ones into the case (validated, atomic).

        Without a decision flag, asks about each pending candidate in the terminal:
        a(ccept), r(eject), e(dit), s(kip), q(uit).

        The merge holds the case folder's lock and switches its files in one transaction; a candidate
        already in the case is never added twice.

        Every decision of one call is applied before the one merge.

        Examples:
          [bold]dialoguelab review review.yaml --accept c-study-00042-1 --reject c-study-00050-1[/bold]
          [bold]dialoguelab review review.yaml --edit c-study-00042-1 type=AGREE --dry-run[/bold]
          [bold]dialoguelab review r.yaml --edit c-news-00003-1 type=CONSULT --edit d-news publisher=AP[/bold]
          [bold]dialoguelab review r.yaml --decisions decisions.yaml[/bold]
        """
        from dialoguelab.ingest.api import load_decisions, review
        from dialoguelab.ingest.review import EDITABLE_FIELDS, load_review

        edits: dict[str, dict[str, str]] = {}
        edit_pairs: list[tuple[str, str]] = []
        for value in edit or []:
            if _PAIR not in value:
                _err.print(f"Error: --edit {value}: expected --edit ID FIELD=VALUE.", markup=False)
                raise typer.Exit(2)
            cid, assignment = value.split(_PAIR, 1)
            edit_pairs.append((cid, assignment))
        edited_ids = list(dict.fromkeys(cid for cid, _ in edit_pairs))
        if more and len(edited_ids) != 1:
            _err.print(
                "Error: --field adds changes to the one id given with --edit; with "
                f"{'no' if not edited_ids else 'several'} --edit ids, write each change as --edit ID FIELD=VALUE.",
                markup=False,
            )
            raise typer.Exit(2)
        pairs = [*edit_pairs, *((edited_ids[0], a) for a in more or [])]
        for cid, assignment in pairs:
            if "=" not in assignment:
                _err.print(f"Error: --edit {cid} {assignment}: expected FIELD=VALUE.", markup=False)
                raise typer.Exit(2)
            fname, value = assignment.split("=", 1)
            edits.setdefault(cid, {})[fname.strip()] = value
        accepts, rejects = _ids(accept), _ids(reject)
        if decisions is not None:
            planned = _run(lambda: load_decisions(decisions))
            accepts += [x for x in planned["accept"] if x not in accepts]
            rejects += [x for x in planned["reject"] if x not in rejects]
            accept_all = accept_all or planned["accept_all"]
            for cid, changes in planned["edits"].items():
                edits.setdefault(cid, {}).update({k: v for k, v in changes.items() if k not in edits.get(cid, {})})
        if accept_all and rejects:
            _err.print("Error: use --accept-all or --reject, not both.", markup=False)
            raise typer.Exit(2)
        if lock_timeout is not None and not lock_timeout >= 0:
            _err.print("Error: --lock-timeout must be a number of seconds >= 0.", markup=False)
            raise typer.Exit(2)
        if not (accept_all or accepts or rejects or edits):
            data = _run(lambda: load_review(review_file))
            pending = [c for c in data["candidates"] if c.get("status", "pending") == "pending"]
            for c in pending:
                _show_candidate(c)
                choice = (
                    typer.prompt("accept (a), reject (r), edit (e), skip (s), quit (q)", default="s")
                    .strip()
                    .lower()
                )
                if choice.startswith("q"):
                    break
                if choice.startswith("a"):
                    accepts.append(c["id"])
                elif choice.startswith("r"):
                    rejects.append(c["id"])
                elif choice.startswith("e"):
                    while True:
                        a = typer.prompt(
                            f"FIELD=VALUE ({', '.join(EDITABLE_FIELDS)}; empty to finish)",
                            default="",
                            show_default=False,
                        ).strip()
                        if not a:
                            break
                        if "=" not in a:
                            _err.print("expected FIELD=VALUE", markup=False)
                            continue
                        f, v = a.split("=", 1)
                        edits.setdefault(c["id"], {})[f.strip()] = v
            if not (accepts or rejects or edits):
                _out.print("nothing decided; the review file is unchanged.")
                return
        report = _run(
            lambda: review(
                review_file,
                case_dir=chosen_case(case),
                accept=accepts,
                reject=rejects,
                edits=edits,
                accept_all=accept_all,
                dry_run=dry_run,
                lock_timeout=lock_timeout,
            )
        )
        if as_json:
            _json(report.to_dict())
            return
        verb = "would add" if dry_run else "added"
        _out.print(
            f"{verb} {len(report.added)} event(s) to {report.case}: {', '.join(report.added) or '-'}",
            markup=False,
        )
        if report.sources:
            _out.print(f"  new source(s): {', '.join(report.sources)}", markup=False)
        if report.quotations:
            _out.print(f"  quotation(s): {', '.join(report.quotations)}", markup=False)
        for cid, links in report.linked:
            _out.print(
                f"  {cid} matches existing {', '.join(links)} (not duplicated; edit links= to add it anyway)",
                markup=False,
            )
        for cid, eid in report.already:
            _out.print(f"  {cid} is already in the case as {eid} (not added again)", markup=False)
        if report.pending:
            _out.print(f"{len(report.pending)} candidate(s) still pending", markup=False)
        for w in report.warnings:
            _err.print(f"Warning: {w}", markup=False, highlight=False)

    @app.command("ingest-eval")
    def ingest_eval_cmd(
        annotation: Annotated[
            Path | None, typer.Option("--annotation", help="Annotation YAML (default: the seed's).")
        ] = None,
        paper: Annotated[
            Path | None, typer.Option("--paper", help="The annotated paper's text file.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        as_csv: CsvOpt = False,
    ) -> None:
        """Score ingestion of the seed paper against its hand-made annotation (dates, actors, types).

        Example: [bold]dialoguelab ingest-eval --json[/bold]
        """
        from dialoguelab.ingest.api import evaluate

        one_format(as_json, as_csv)
        result = _run(lambda: evaluate(annotation, paper))
        if as_json:
            _json({k: v for k, v in result.items() if k != "events"})
            return
        rows: list[dict[str, Any]] = [{"measure": k, "value": float(v)} for k, v in result["metrics"].items()]
        rows += [
            {"measure": "candidates in range", "value": result["counts"]["candidates_in_range"]},
            {"measure": "seconds (whole paper)", "value": float(result["seconds"])},
            {"measure": "seconds per page", "value": float(result["seconds_per_page"])},
        ]
        emit_table(
            rows,
            title=f"Ingestion vs annotation ({result['counts']['annotated']} events, lines "
            f"{result['range'][0]}–{result['range'][1]})",
            as_csv=as_csv,
            columns=[Column("measure"), Column("value", kind="float")],
            count=False,
        )
