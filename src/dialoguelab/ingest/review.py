"""The review file, decisions on candidates, and the transactional merge of accepted ones into a case.

A review file is YAML (format ``dialoguelab-review/1``, described in ``docs/ingest.md``): the documents
ingested, new-actor candidates, and the candidates, each with a ``status`` — ``pending``, ``accepted``,
``rejected``, or ``merged`` (with the id of the event it became).

Merging never edits an existing record. New events are appended to ``events/ingested.yaml`` (created
if absent); a document that is not the case's paper gets one source record appended to
``sources.yaml`` and its text stored in ``texts/`` under a name made from its SHA-256. A merge is a
transaction:

* it holds the case folder's exclusive lock (:func:`dialoguelab.fsutil.case_lock`) from reading the case
  to writing the review file, so two merges into one case run one after the other, each on the other's
  result;
* the new files are first written into a temporary copy of the case folder and validated with
  :func:`dialoguelab.case.check_case`; a validation failure leaves every file untouched;
* they are then switched in together with a journal (:func:`dialoguelab.fsutil.commit_files`): a crash at
  any point leaves the old or the new case, and the next ``ingest`` or ``review`` finishes or undoes the
  interrupted merge (:func:`dialoguelab.fsutil.recover`);
* each merged event carries its candidate's key (:func:`candidate_key`, a hash of the document's content
  and the passage) as the tag ``ingest-<key>``, so merging the same candidate again — a re-run whose
  review file was not saved, a second review file, the same document under another name — adds nothing.
"""

from __future__ import annotations

__all__ = [
    "REVIEW_FORMAT",
    "ReviewError",
    "MergeReport",
    "write_review",
    "load_review",
    "apply_decisions",
    "merge_review",
    "run_review",
    "candidate_key",
    "EDITABLE_FIELDS",
    "KEY_TAG_PREFIX",
]

import datetime as dt
import hashlib
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dialoguelab.case import check_case, load_case
from dialoguelab.case.dates import PartialDate
from dialoguelab.case.schema import EventType
from dialoguelab.errors import CaseValidationError, InvalidParameterError, Problem
from dialoguelab.fsutil import atomic_write, case_lock, commit_files, recover_locked
from dialoguelab.ingest.candidates import IngestResult
from dialoguelab.ingest.document import read_document

REVIEW_FORMAT = "dialoguelab-review/1"
STATUSES = ("pending", "accepted", "rejected", "merged")
EDITABLE_FIELDS = (
    "date",
    "end_date",
    "date_note",
    "type",
    "source_actors",
    "target_actors",
    "summary",
    "locator.line",
    "locator.anchor",
    "footnotes",
    "links",
)
INGESTED_FILE = "events/ingested.yaml"
#: Merged events carry the tag ``ingest-<candidate key>`` (see :func:`candidate_key`).
KEY_TAG_PREFIX = "ingest-"


class ReviewError(InvalidParameterError):
    """A review file or a decision that cannot be applied."""


@dataclass
class MergeReport:
    """What a merge did (or would do, for a dry run)."""

    case: str
    added: list[str] = field(default_factory=list)
    linked: list[tuple[str, list[str]]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    quotations: list[str] = field(default_factory=list)
    quotations_skipped: list[str] = field(default_factory=list)
    already: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False
    preview: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "added": self.added,
            "linked": [list(x) for x in self.linked],
            "rejected": self.rejected,
            "pending": self.pending,
            "files": self.files,
            "quotations": self.quotations,
            "quotations_skipped": self.quotations_skipped,
            "already_merged": [list(x) for x in self.already],
            "dry_run": self.dry_run,
        }


# ------------------------------------------------------------------------------------------ files


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)


def write_review(results: Sequence[IngestResult], path: str | Path, case: str | Path | None = None) -> Path:
    """Write candidates of one or more ingested documents to a review file (atomically).

    Returns
    -------
    Path
        The review file.
    """
    p = Path(path)
    new_actors: dict[str, dict[str, Any]] = {}
    for r in results:
        for n in r.new_actors:
            entry = new_actors.setdefault(
                n.name,
                {"name": n.name, "count": 0, "first_line": n.first_line, "document": r.document["path"]},
            )
            entry["count"] += n.count
    data = {
        "format": REVIEW_FORMAT,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "case": str(Path(case).resolve()) if case is not None else None,
        "documents": [dict(r.document, stats=r.stats) for r in results],
        "new_actors": sorted(new_actors.values(), key=lambda x: (-x["count"], x["name"])),
        "candidates": [c.to_dict() for r in results for c in r.candidates],
    }
    atomic_write(p, _dump(data))
    return p


def load_review(path: str | Path) -> dict[str, Any]:
    """Read a review file and check its shape."""
    p = Path(path)
    if not p.is_file():
        raise ReviewError(f"review file {p} does not exist: create it with `dialoguelab ingest … --out {p}`.")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReviewError(f"review file {p} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != REVIEW_FORMAT:
        raise ReviewError(f"{p} is not a review file (expected 'format: {REVIEW_FORMAT}').")
    cands = data.get("candidates")
    if not isinstance(cands, list):
        raise ReviewError(f"{p}: 'candidates' must be a list.")
    seen: set[str] = set()
    for k, c in enumerate(cands):
        if not isinstance(c, dict) or "id" not in c:
            raise ReviewError(f"{p}: candidate {k + 1} has no id.")
        if c["id"] in seen:
            raise ReviewError(f"{p}: duplicate candidate id {c['id']!r}.")
        seen.add(c["id"])
        if c.get("status", "pending") not in STATUSES:
            raise ReviewError(
                f"{p}: candidate {c['id']} has status {c.get('status')!r}; use one of {STATUSES}."
            )
    return data


# -------------------------------------------------------------------------------------- decisions


def _parse_value(fname: str, value: str) -> Any:
    value = value.strip()
    if fname in ("source_actors", "target_actors", "links"):
        return [v.strip() for v in value.split(",") if v.strip()]
    if fname == "footnotes":
        try:
            return [{"number": int(v)} for v in value.split(",") if v.strip()]
        except ValueError:
            raise ReviewError(f"footnotes must be comma-separated numbers, got {value!r}.") from None
    if fname in ("date", "end_date"):
        if value.lower() in ("", "none", "null"):
            return None
        try:
            return str(PartialDate.parse(value))
        except ValueError as exc:
            raise ReviewError(f"{fname}={value!r}: {exc}.") from None
    if fname == "type":
        if value.upper() not in EventType.__members__:
            raise ReviewError(
                f"type={value!r} is not a PLOVER type; use one of {', '.join(EventType.__members__)}."
            )
        return value.upper()
    if fname == "locator.line":
        if not value.isdigit() or int(value) < 1:
            raise ReviewError(f"locator.line must be a positive line number, got {value!r}.")
        return int(value)
    return value


def apply_decisions(
    review: dict[str, Any],
    accept: Iterable[str] = (),
    reject: Iterable[str] = (),
    edits: Mapping[str, Mapping[str, str]] | None = None,
    accept_all: bool = False,
) -> dict[str, Any]:
    """Apply accept / reject / edit decisions to a loaded review (in place) and return it.

    Parameters
    ----------
    accept, reject : iterable of str
        Candidate ids. An id in both is an error.
    edits : mapping, optional
        ``{candidate_id: {field: value}}``; fields are :data:`EDITABLE_FIELDS`. Editing accepts the
        candidate unless it is rejected in the same call. ``links=`` (empty) unlinks a candidate from
        existing events so that it is merged as a new event.
    accept_all : bool, default=False
        Accept every pending candidate.

    Raises
    ------
    ReviewError
        For an unknown id, an unknown field, or a value of the wrong form.
    """
    by_id = {c["id"]: c for c in review["candidates"]}
    accept, reject = list(accept), list(reject)
    both = set(accept) & set(reject)
    if both:
        raise ReviewError(
            f"candidate(s) {', '.join(sorted(both))} are both accepted and rejected: choose one."
        )
    for cid in [*accept, *reject, *(edits or {})]:
        if cid not in by_id:
            raise ReviewError(
                f"unknown candidate id {cid!r}; the review file has e.g. {next(iter(by_id), 'none')}."
            )
    for cid, changes in (edits or {}).items():
        c = by_id[cid]
        if c.get("status") == "merged":
            raise ReviewError(
                f"candidate {cid} is already merged (as {c.get('merged_as')}); edit the case file instead."
            )
        for fname, raw in changes.items():
            if fname not in EDITABLE_FIELDS:
                raise ReviewError(f"cannot edit {fname!r}; editable fields are {', '.join(EDITABLE_FIELDS)}.")
            value = _parse_value(fname, raw)
            if fname.startswith("locator."):
                c.setdefault("locator", {})[fname.split(".", 1)[1]] = value
            else:
                c[fname] = value
        c["edited"] = True
        if cid not in reject:
            c["status"] = "accepted"
    for cid in accept:
        if by_id[cid].get("status") != "merged":
            by_id[cid]["status"] = "accepted"
    for cid in reject:
        if by_id[cid].get("status") == "merged":
            raise ReviewError(f"candidate {cid} is already merged; remove the event from the case instead.")
        by_id[cid]["status"] = "rejected"
    if accept_all:
        for c in review["candidates"]:
            if c.get("status", "pending") == "pending":
                c["status"] = "accepted"
    return review


# ------------------------------------------------------------------------------------------ merge


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _event_id(c: dict[str, Any], taken: set[str]) -> str:
    who = (c.get("source_actors") or ["x"])[0]
    base = f"ev-{c['date']}-{_slug(str(c.get('type') or 'event'))}-{who}"[:100]
    eid, n = base, 2
    while eid in taken:
        eid, n = f"{base}-{n}", n + 1
    taken.add(eid)
    return eid


def _append_records(existing: str | None, records: list[dict[str, Any]], header: str) -> str:
    block = _dump(records)
    if existing is None or not existing.strip() or yaml.safe_load(existing) in (None, []):
        prefix = (
            existing if existing and existing.strip().startswith("#") and "[]" not in existing else header
        )
        return prefix + block
    return (existing if existing.endswith("\n") else existing + "\n") + block


def _unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is free; the result is added to ``taken``."""
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base}-{n}"
    taken.add(out)
    return out


def _document_text(d: Mapping[str, Any]) -> str:
    """The text an ingested document's locators refer to, read again from its file (unchanged since ingest)."""
    path = Path(d["path"])
    try:
        doc = read_document(path)
    except OSError as exc:
        raise ReviewError(
            f"cannot read {path} again to keep its text with the case ({exc.strerror or exc}): "
            "run the review from the folder you ingested from, or ingest the document again."
        ) from None
    if d.get("sha256") and doc.sha256 != d["sha256"]:
        raise ReviewError(f"{path} has changed since it was ingested: ingest it again, then review.")
    return doc.text() + "\n"


def candidate_key(c: Mapping[str, Any], document_sha256: str) -> str:
    """The identity of a candidate, independent of its generated id and of the reviewer's edits.

    A SHA-256 (first 16 hex digits) over the document's content hash, the line the passage starts on, the
    passage and the date expression: what the candidate *is*, not what it is called. The same passage of
    the same document gives the same key whatever the file was named, whichever review file holds it, and
    however the candidate was edited, so a merge never adds it twice (the key is stored on the event as
    the tag ``ingest-<key>``).
    """
    h = hashlib.sha256()
    for part in (document_sha256, str(c.get("line", "")), str(c.get("sentence", "")), str(c.get("date_text", ""))):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def _existing_keys(events: Iterable[Any]) -> dict[str, str]:
    """Candidate key → id of the event it was merged as, from the ``ingest-<key>`` tags of the case."""
    out: dict[str, str] = {}
    for e in events:
        for t in e.tags:
            if t.startswith(KEY_TAG_PREFIX) and len(t) == len(KEY_TAG_PREFIX) + 16:
                out.setdefault(t[len(KEY_TAG_PREFIX) :], e.id)
    return out


def _document_source(
    d: Mapping[str, Any], root: Path, sources: Sequence[Any], taken: set[str]
) -> tuple[str, dict[str, Any] | None, tuple[str, str] | None]:
    """The source a non-paper document is cited by: ``(source id, new source record, new text file)``.

    The document's text (as its locators count lines) is kept in ``texts/`` under a name made from its
    SHA-256, so two documents with the same file name never share a text, and the same text is never
    stored twice: a source of the case that already holds this text is reused.
    """
    text = _document_text(d)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for s in sources:
        if s.sha256 == sha and s.text_file and (root / "texts" / s.text_file).is_file():
            return s.id, None, None
    text_file = f"{sha[:16]}.txt"
    existing = root / "texts" / text_file
    if existing.is_file() and hashlib.sha256(existing.read_bytes()).hexdigest() != sha:
        text_file = f"{sha}.txt"  # a 64-bit prefix collision, or a hand-edited text: use the full hash
    stem = _slug(Path(d["path"]).stem)[:40] or "document"
    sid, n = f"doc-{stem}-{sha[:8]}", 8
    while sid in taken:
        n += 4
        sid = f"doc-{stem}-{sha[:n]}"
    taken.add(sid)
    record = {
        "id": sid,
        "kind": "document",
        "title": Path(d["path"]).name,
        "text_file": text_file,
        "sha256": sha,
        "note": f"ingested document; original file SHA-256 {d.get('sha256', '')}",
    }
    if existing.is_file() and text_file == existing.name:  # the same text is stored already
        return sid, record, None
    return sid, record, (f"texts/{text_file}", text)


def _merge_locked(review: dict[str, Any], root: Path, dry_run: bool) -> MergeReport:
    """Merge the accepted candidates of a loaded review into the case at ``root`` (lock held).

    Marks merged candidates in ``review`` (in place); the caller saves the review file.
    """
    case = load_case(root)
    report = MergeReport(case=str(root), dry_run=dry_run)
    paper_sha = case.meta.paper.sha256 if case.meta.paper else None
    sources = case.sources_by_id
    taken = {e.id for e in case.events}
    done = _existing_keys(case.events)
    documents = {d["path"]: d for d in review.get("documents", []) if isinstance(d, dict) and "path" in d}
    # 1. what is to be merged: accepted, not linked to an existing event, not merged before (by key)
    todo: list[tuple[dict[str, Any], str]] = []
    keys_here: dict[str, str] = {}  # key → the candidate of this review that carries it
    twins: list[tuple[str, str]] = []
    for c in review["candidates"]:
        status = c.get("status", "pending")
        if status == "pending":
            report.pending.append(c["id"])
            continue
        if status == "rejected":
            report.rejected.append(c["id"])
            continue
        if status == "merged":
            continue
        if c.get("links"):
            report.linked.append((c["id"], list(c["links"])))
            continue
        if not c.get("type"):
            raise ReviewError(
                f"candidate {c['id']} has no event type: use --edit {c['id']} type=AGREE (or another)."
            )
        if not c.get("date"):
            raise ReviewError(f"candidate {c['id']} has no date: use --edit {c['id']} date=YYYY-MM-DD.")
        if not c.get("source_actors"):
            raise ReviewError(
                f"candidate {c['id']} has no source actor: use --edit {c['id']} source_actors=ID."
            )
        d = documents.get(c.get("document", ""))
        if d is None:
            raise ReviewError(
                f"candidate {c['id']} comes from {c.get('document')!r}, not listed in the review's documents."
            )
        key = candidate_key(c, str(d.get("sha256") or ""))
        if key in done:
            report.already.append((c["id"], done[key]))
            continue
        if key in keys_here:  # the same passage twice in one review (a document ingested under two names)
            twins.append((c["id"], keys_here[key]))
            continue
        keys_here[key] = c["id"]
        todo.append((c, key))
    # 2. the source each needed document is cited by
    doc_source: dict[str, str] = {}
    new_sources: list[dict[str, Any]] = []
    doc_texts: dict[str, str] = {}
    source_ids = set(sources)
    for path in dict.fromkeys(c.get("document", "") for c, _ in todo):
        d = documents[path]
        if paper_sha and d.get("sha256") == paper_sha:
            if "paper" not in sources:
                raise ReviewError(
                    "the case has no source with id 'paper' to cite the paper by: add one to sources.yaml."
                )
            doc_source[path] = "paper"
            continue
        sid, record, stored = _document_source(d, root, [*case.sources, *_as_sources(new_sources)], source_ids)
        doc_source[path] = sid
        if record is not None:
            new_sources.append(record)
        if stored is not None:
            doc_texts[stored[0]] = stored[1]
    # 3. the events and their quotations
    events: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    known_quotes = {q.text.strip() for q in case.quotations}
    taken_quotes = {q.id for q in case.quotations}
    merged_ids: dict[str, str] = {}
    for c, key in todo:
        src_id = doc_source[c.get("document", "")]
        fn_numbers = [int(f["number"]) for f in c.get("footnotes") or []]
        if src_id == "paper":
            fn_numbers = [n for n in fn_numbers if f"fn-{n}" in sources]
            citations = [f"fn-{n}" for n in fn_numbers] or ["paper"]
        else:
            fn_numbers, citations = [], [src_id]
        ev: dict[str, Any] = {
            "id": _event_id(c, taken),
            "date": str(c["date"]),
        }
        if c.get("end_date"):
            ev["end_date"] = str(c["end_date"])
        if c.get("date_note"):
            ev["date_note"] = str(c["date_note"])[:500]
        if c.get("date_kind") == "relative":
            # a date computed from "the next day", "two weeks later" is read from context, not written
            ev["date_basis"] = "context"
            ev.setdefault("date_note", f"read from the relative phrase {str(c.get('date_text') or '')[:200]!r}")
        ev.update(
            {
                "type": c["type"],
                "source_actors": list(c["source_actors"]),
                "target_actors": [a for a in c.get("target_actors") or [] if a not in c["source_actors"]],
                "summary": str(c.get("summary") or "").strip()[:600]
                or f"Ingested event from {Path(c['document']).name}.",
                "locator": {
                    "line": int(c["locator"]["line"]),
                    "anchor": str(c["locator"]["anchor"]),
                    **({"document": src_id} if src_id != "paper" else {}),
                },
                "footnotes": fn_numbers,
                "citations": citations,
                "tags": ["ingested", f"{KEY_TAG_PREFIX}{key}"],
            }
        )
        events.append(ev)
        merged_ids[c["id"]] = ev["id"]
        report.added.append(ev["id"])
        for q in c.get("quotations") or []:
            words = str(q.get("text") or "").strip()
            if not q.get("speaker_id") or len(words) < 2:
                report.quotations_skipped.append(f"{c['id']}: {words[:40]!r} (no speaker resolved)")
                continue
            if words in known_quotes:
                report.quotations_skipped.append(f"{c['id']}: {words[:40]!r} (already in the case)")
                continue
            known_quotes.add(words)
            qid = _unique(f"q-{ev['date']}-{q['speaker_id']}", taken_quotes)
            quotes.append(
                {
                    "id": qid,
                    "speaker": q["speaker_id"],
                    "date": ev["date"],
                    "text": words,
                    "event": ev["id"],
                    "locator": {
                        "line": int(q["line"]),
                        "anchor": str(q["anchor"]),
                        **({"document": src_id} if src_id != "paper" else {}),
                    },
                    "citations": list(citations),
                }
            )
            report.quotations.append(qid)
    report.already += [(cid, merged_ids[other]) for cid, other in twins]
    if not events:
        if not dry_run:
            _mark(review, merged_ids, report.already)
        return report
    header = (
        "# Events added by `dialoguelab review` from ingested documents (appended; never reordered).\n"
        "# Each was accepted by a reviewer; summaries should be in the reviewer's own words.\n"
    )
    # In the order a reader that does not recover still finds consistent: a text before the source that
    # names it, a source before the events that cite it, an event before the quotations that link to it.
    changes: dict[str, str] = dict(doc_texts)
    if new_sources:
        sp = root / "sources.yaml"
        changes["sources.yaml"] = _append_records(
            sp.read_text(encoding="utf-8") if sp.is_file() else None, new_sources, ""
        )
    ev_path = root / INGESTED_FILE
    changes[INGESTED_FILE] = _append_records(
        ev_path.read_text(encoding="utf-8") if ev_path.is_file() else None, events, header
    )
    if quotes:
        qp = root / "quotations.yaml"
        changes["quotations.yaml"] = _append_records(
            qp.read_text(encoding="utf-8") if qp.is_file() else None, quotes, ""
        )
    # validate on a temporary copy
    with tempfile.TemporaryDirectory(prefix="dialoguelab-merge-") as tmp:
        copy = Path(tmp) / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        for rel, text in changes.items():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (copy / rel).write_text(text, encoding="utf-8")
        check = check_case(copy, paper=case.paper_path)
        if not check.ok:
            raise CaseValidationError(
                [
                    Problem(p.file, p.line, p.field, p.message + " (nothing was written)")
                    for p in check.problems
                ]
            )
    report.files = sorted(changes)
    report.preview = changes
    if dry_run:
        return report
    commit_files(root, changes)
    _mark(review, merged_ids, report.already)
    return report


def _as_sources(records: Sequence[Mapping[str, Any]]) -> list[Any]:
    """New source records as objects with ``id``, ``sha256`` and ``text_file`` (for reuse by content)."""
    from types import SimpleNamespace

    return [SimpleNamespace(id=r["id"], sha256=r["sha256"], text_file=r["text_file"]) for r in records]


def _mark(review: dict[str, Any], merged: Mapping[str, str], already: Sequence[tuple[str, str]]) -> None:
    """Record in the review which candidates are now in the case, and as which event."""
    by_id = {c["id"]: c for c in review["candidates"]}
    for cid, eid in [*merged.items(), *already]:
        by_id[cid]["status"] = "merged"
        by_id[cid]["merged_as"] = eid


def _case_root(case_dir: str | Path | None, review: Mapping[str, Any]) -> Path:
    target = case_dir if case_dir is not None else review.get("case")
    if not target:
        raise ReviewError("the review file names no case: pass --case DIR.")
    root = Path(target).expanduser().resolve()
    if not root.is_dir():
        raise ReviewError(f"case folder {root} does not exist: pass --case DIR.")
    return root


def merge_review(
    review_path: str | Path,
    case_dir: str | Path,
    dry_run: bool = False,
    lock_timeout: float | None = None,
) -> MergeReport:
    """Merge the accepted candidates of a review file into a case folder, validated and atomically.

    Parameters
    ----------
    review_path : path
        The review file; merged candidates are marked ``merged`` in it.
    case_dir : path
        The case folder (it must validate before the merge).
    dry_run : bool, default=False
        Validate and report, write nothing.
    lock_timeout : float, optional
        Seconds to wait while another process changes the same case (default: 30, or
        ``$DIALOGUELAB_LOCK_TIMEOUT``); see :func:`dialoguelab.fsutil.case_lock`.

    Raises
    ------
    CaseValidationError
        When the case with the new records would not validate; no file is changed.
    ReviewError
        When an accepted candidate cannot become an event (no type, no date, a document the case cannot
        locate).
    CaseBusyError
        When another process holds the case for longer than ``lock_timeout``.

    Notes
    -----
    The whole read–validate–write cycle runs under the case folder's exclusive lock, and the files are
    switched in one transaction (:func:`dialoguelab.fsutil.commit_files`): a crash at any point leaves the
    old or the new case, and the next command recovers it. A candidate already in the case (same
    :func:`candidate_key`) is marked merged, never added again.
    """
    rp = Path(review_path)
    root = _case_root(case_dir, load_review(rp))
    with case_lock(root, lock_timeout, purpose=f"review {rp.name}"):
        recover_locked(root)
        review = load_review(rp)
        report = _merge_locked(review, root, dry_run)
        if not dry_run:
            atomic_write(rp, _dump(review))
    return report


def run_review(
    review_path: str | Path,
    case_dir: str | Path | None = None,
    accept: Iterable[str] = (),
    reject: Iterable[str] = (),
    edits: Mapping[str, Mapping[str, str]] | None = None,
    accept_all: bool = False,
    dry_run: bool = False,
    lock_timeout: float | None = None,
) -> MergeReport:
    """Apply decisions to a review file and merge the accepted candidates into the case.

    The decisions are saved in the review file only when the merge succeeds (or, for a dry run,
    never), so a failed merge can be retried after fixing the input. The review file is read again under
    the case's lock, so two reviews of the same file one after the other both keep their decisions.

    Parameters
    ----------
    case_dir : path, optional
        The case folder; default: the ``case`` recorded in the review file.
    lock_timeout : float, optional
        See :func:`merge_review`.
    """
    rp = Path(review_path)
    root = _case_root(case_dir, load_review(rp))
    with case_lock(root, lock_timeout, purpose=f"review {rp.name}"):
        recover_locked(root)
        review = load_review(rp)
        apply_decisions(review, accept=accept, reject=reject, edits=edits, accept_all=accept_all)
        report = _merge_locked(review, root, dry_run)
        if not dry_run:
            atomic_write(rp, _dump(review))
    return report
