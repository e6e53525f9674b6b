"""The ingestion API: one function per task, as the CLI and notebooks call them.

Example (a new study, a case folder, then an unattended review)::

    from dialoguelab.ingest.api import ingest, review
    summary = ingest(["new-study.pdf"], case="my-case", out="review.yaml")
    report = review("review.yaml", accept_all=True)
"""

from __future__ import annotations

__all__ = [
    "IngestSummary",
    "ingest",
    "review",
    "evaluate",
    "Gazetteer",
    "read_document",
    "find_dates",
    "extract_candidates",
    "merge_review",
    "write_review",
    "load_review",
    "apply_decisions",
    "load_decisions",
]

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dialoguelab.case import builtin_case_path, load_case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.fsutil import recover
from dialoguelab.ingest.actors import Gazetteer
from dialoguelab.ingest.candidates import IngestResult, extract_candidates
from dialoguelab.ingest.dates import find_dates
from dialoguelab.ingest.document import MAX_BYTES, DocumentError, read_document
from dialoguelab.ingest.evaluate import evaluate
from dialoguelab.ingest.parallel import collect_paths, ingest_paths
from dialoguelab.ingest.review import (
    apply_decisions,
    check_metadata,
    load_decisions,
    load_review,
    merge_review,
    run_review,
    unique_ids,
    write_review,
)

review = run_review


@dataclass
class IngestSummary:
    """What :func:`ingest` did: results per document, failures, where the review file is."""

    results: list[IngestResult]
    errors: list[tuple[str, str]] = field(default_factory=list)
    review_file: str | None = None
    case: str | None = None
    seconds: float = 0.0
    backend: str = "serial"

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "review_file": self.review_file,
            "seconds": round(self.seconds, 4),
            "backend": self.backend,
            "documents": [
                dict(
                    r.document,
                    candidates=len(r.candidates),
                    linked=r.stats.get("linked", 0),
                    new_actors=len(r.new_actors),
                )
                for r in self.results
            ],
            "errors": [{"path": p, "error": e} for p, e in self.errors],
            "candidates": [c.to_dict() for r in self.results for c in r.candidates],
        }


def ingest(
    paths: Sequence[str | Path],
    case: str | Path | None = None,
    out: str | Path | None = None,
    workers: int = 1,
    dask_address: str | None = None,
    progress: bool = False,
    max_bytes: int = MAX_BYTES,
    title: str | None = None,
    publisher: str | None = None,
    date: str | None = None,
    url: str | None = None,
    note: str | None = None,
) -> IngestSummary:
    """Ingest documents into candidate events for a case, and write them to a review file.

    Parameters
    ----------
    paths : sequence of path
        Files (PDF, text, HTML) and folders.
    case : path, optional
        The case folder whose actors, aliases and events are used (default: the built-in case).
    out : path, optional
        The review file to write; nothing is written when omitted. The case is never modified here.
    workers, dask_address, progress
        See :func:`dialoguelab.ingest.parallel.ingest_paths`.
    title, publisher, date, url, note : str, optional
        What the document is, for its source record (``date`` as ``YYYY``, ``YYYY-MM`` or
        ``YYYY-MM-DD``; ``url`` an http(s) address). Only for a single document. Without them the
        pipeline reads what the document says of itself (a header line, a dateline, the date in its
        address, its first heading: :func:`dialoguelab.ingest.candidates.document_metadata`); the
        reviewer can change each with ``review --edit d-<document> FIELD=VALUE``. The document's date
        resolves weekdays, "today" and days without a year.

    Raises
    ------
    DocumentError
        When no document could be read (each failure is named with its reason).
    InvalidParameterError
        For a malformed date or URL, or metadata given for several documents at once.

    Notes
    -----
    A merge into the case that a crash interrupted is finished or undone first
    (:func:`dialoguelab.fsutil.recover`), so the candidates are made against a consistent case.
    """
    metadata = check_metadata(
        {"title": title, "publisher": publisher, "date": date, "url": url, "note": note}, "ingest"
    )
    if metadata and len(collect_paths(paths)) > 1:
        raise InvalidParameterError(
            f"--{next(iter(metadata))} describes one document, and {len(collect_paths(paths))} were given: "
            "ingest them one at a time to give each its own title, publisher, date and URL (or let each "
            "carry a header line 'URL … retrieved …', and edit the rest in review)."
        )
    recover(Path(case).expanduser() if case is not None else builtin_case_path())
    c = load_case(case)
    gaz = Gazetteer.from_case(c)
    batch = ingest_paths(
        paths,
        gaz,
        c.events,
        workers=workers,
        dask_address=dask_address,
        progress=progress,
        max_bytes=max_bytes,
        metadata=metadata or None,
    )
    if not batch.results:
        if len(batch.errors) == 1:  # one document, one error: its own message says where and what to do
            raise DocumentError(batch.errors[0][1])
        raise DocumentError("no document could be ingested:\n" + "\n".join(f"  {e}" for _, e in batch.errors))
    unique_ids(batch.results)  # the same ids in the review file and in --json
    review_file = None
    if out is not None:
        review_file = str(write_review(batch.results, out, case=c.root, sources=c.sources))
    return IngestSummary(batch.results, batch.errors, review_file, str(c.root), batch.seconds, batch.backend)
