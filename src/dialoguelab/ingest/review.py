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

Only the documents that a merged event is located in or cites get a source record and a stored text. The
record carries what the review file says of the document (title, publisher, date, URL, note: given to
``ingest``, read from the document, or edited in review). An event from a document other than the paper
has ``date_basis: outside`` (``context`` when its date was computed from a relative phrase, a weekday or a
day without a year) and a ``date_note`` naming the document, unless the reviewer says otherwise.
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
    "DOCUMENT_FIELDS",
    "KEY_TAG_PREFIX",
    "check_metadata",
    "load_decisions",
    "unique_ids",
    "proposed_source_id",
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
from dialoguelab.case.schema import ID_PATTERN, DateBasis, EventType
from dialoguelab.errors import CaseValidationError, InvalidParameterError, Problem
from dialoguelab.fsutil import atomic_write, case_lock, commit_files, recover_locked
from dialoguelab.ingest.candidates import METADATA_FIELDS, IngestResult
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
    "date_basis",
    "citations",
    "tags",
)
#: What ``--edit d-<document> FIELD=VALUE`` may change: the document's source record.
DOCUMENT_FIELDS = METADATA_FIELDS
#: Kinds of date expression whose date is computed, not written: merged as ``date_basis: context``.
COMPUTED_DATE_KINDS = ("relative", "deictic", "yearless")
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
    sources: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    preview: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "added": self.added,
            "sources": self.sources,
            "warnings": self.warnings,
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


def _doc_slug(path: str) -> str:
    return _slug(Path(path).stem)[:40] or "document"


def proposed_source_id(text_sha256: str, path: str, sources: Iterable[Any], taken: set[str]) -> str:
    """The source id a document's text is (or will be) cited by; the result is added to ``taken``.

    A source of the case that already holds this text (same SHA-256) is reused; otherwise
    ``doc-<file stem>-<first 8 hex digits of the text's SHA-256>``, made longer if that id is taken.
    """
    for src in sources:
        if getattr(src, "sha256", None) == text_sha256 and getattr(src, "text_file", None):
            return str(src.id)
    sid, n = f"doc-{_doc_slug(path)}-{text_sha256[:8]}", 8
    while sid in taken:
        n += 4
        sid = f"doc-{_doc_slug(path)}-{text_sha256[:n]}"
    taken.add(sid)
    return sid


def unique_ids(results: Sequence[IngestResult]) -> None:
    """Make document and candidate ids unique across documents, in place (stable: in the given order).

    Ids are ``d-<file stem>`` and ``c-<file stem>-<line>-<n>``; a second document with the same stem
    (``a/news.txt``, ``b/news.txt``) becomes ``d-news-2`` and its candidates ``c-news-2-…``.
    """
    doc_ids: set[str] = set()
    for r in results:
        base = str(r.document.get("id") or f"d-{_doc_slug(r.document['path'])}")
        did = _unique(base, doc_ids)
        r.document["id"] = did
        if did != base:
            old, new = "c-" + base[2:] + "-", "c-" + did[2:] + "-"
            for c in r.candidates:
                if c.id.startswith(old):
                    c.id = new + c.id[len(old) :]


def write_review(
    results: Sequence[IngestResult],
    path: str | Path,
    case: str | Path | None = None,
    sources: Sequence[Any] = (),
) -> Path:
    """Write candidates of one or more ingested documents to a review file (atomically).

    Each document gets a review id (``d-<file stem>``) by which ``review --edit`` changes what the merge
    will write of it (title, publisher, date, URL, note), and the source id it will be cited by
    (``source_id``; an existing source with the same text, given in ``sources``, is reused). Candidate
    ids are unique across the file: a second document with the same file stem gets ``-2`` after its stem.

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
    unique_ids(results)
    documents: list[dict[str, Any]] = []
    taken = {str(s.id) for s in sources}
    for r in results:
        d = dict(r.document, stats=r.stats)
        if d.get("text_sha256"):
            d["source_id"] = proposed_source_id(d["text_sha256"], d["path"], sources, taken)
        documents.append(d)
    candidates = [c.to_dict() for r in results for c in r.candidates]
    data = {
        "format": REVIEW_FORMAT,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "case": str(Path(case).resolve()) if case is not None else None,
        "documents": documents,
        "new_actors": sorted(new_actors.values(), key=lambda x: (-x["count"], x["name"])),
        "candidates": candidates,
    }
    atomic_write(p, _dump(data))
    return p


def load_review(path: str | Path) -> dict[str, Any]:
    """Read a review file and check its shape (candidate and document ids unique, statuses known)."""
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
    docs = data.setdefault("documents", [])
    if not isinstance(docs, list) or not all(isinstance(d, dict) and "path" in d for d in docs):
        raise ReviewError(f"{p}: 'documents' must be a list of documents, each with its 'path'.")
    doc_ids: set[str] = set()
    for d in docs:  # a review file written before documents had ids gets them, in order
        if d.get("id") in doc_ids:
            raise ReviewError(f"{p}: duplicate document id {d['id']!r}.")
        d["id"] = _unique(str(d.get("id") or f"d-{_doc_slug(d['path'])}"), doc_ids)
    seen: set[str] = set()
    for k, c in enumerate(cands):
        if not isinstance(c, dict) or "id" not in c:
            raise ReviewError(f"{p}: candidate {k + 1} has no id.")
        if c["id"] in seen:
            raise ReviewError(
                f"{p}: duplicate candidate id {c['id']!r} (candidate {k + 1}): ingest the document again "
                "to get unique ids."
            )
        seen.add(c["id"])
        if c.get("status", "pending") not in STATUSES:
            raise ReviewError(
                f"{p}: candidate {c['id']} has status {c.get('status')!r}; use one of {STATUSES}."
            )
    return data


# -------------------------------------------------------------------------------------- decisions


_ID = re.compile(ID_PATTERN)
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def check_metadata(values: Mapping[str, Any], where: str = "ingest") -> dict[str, str]:
    """Validate what is said of a document (title, publisher, date, url, note); drop empty values.

    ``date`` must be ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (normalised) and not in the future; ``url``
    an http(s) address.

    Raises
    ------
    InvalidParameterError
        Naming the parameter (``where`` names the function or the review id it was given to).
    """
    out: dict[str, str] = {}
    for fname, raw in values.items():
        if fname not in DOCUMENT_FIELDS:
            raise InvalidParameterError(
                f"{where}: cannot set {fname!r} of a document; its fields are {', '.join(DOCUMENT_FIELDS)}."
            )
        value = "" if raw is None else str(raw).strip()
        if not value:
            continue
        if fname == "date":
            try:
                d = PartialDate.parse(value)
            except ValueError as exc:
                raise InvalidParameterError(
                    f"The 'date' parameter of {where} must be a date (YYYY, YYYY-MM or YYYY-MM-DD). "
                    f"Got {value!r} instead ({exc})."
                ) from None
            if d.first_day() > dt.date.today():
                raise InvalidParameterError(f"The 'date' parameter of {where} is in the future: {value!r}.")
            value = str(d)
        elif fname == "url" and not _URL.match(value):
            raise InvalidParameterError(
                f"The 'url' parameter of {where} must be an http(s) address. Got {value!r} instead."
            )
        out[fname] = value
    return out


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
    if fname == "date_basis":
        if value.lower() in ("", "default", "none", "null"):
            return None
        if value.lower() not in {b.value for b in DateBasis}:
            raise ReviewError(
                f"date_basis={value!r}: use one of {', '.join(b.value for b in DateBasis)} "
                "(or 'default': outside for an outside document, context for a computed date)."
            )
        return value.lower()
    if fname == "locator.line":
        if not value.isdigit() or int(value) < 1:
            raise ReviewError(f"locator.line must be a positive line number, got {value!r}.")
        return int(value)
    return value


def _edit_list(cid: str, fname: str, current: Sequence[str], value: str) -> list[str]:
    """``a,b`` sets the list; ``+a,b`` adds; ``-a`` removes (an id that is not there is an error)."""
    value = value.strip()
    op = value[:1] if value[:1] in "+-" else "="
    items = [v.strip() for v in (value[1:] if op != "=" else value).split(",") if v.strip()]
    for v in items:
        if not _ID.match(v):
            raise ReviewError(
                f"candidate {cid}: {fname}: {v!r} is not an id (lower-case letters, digits, '-', '.', '_')."
            )
    if op == "=":
        return list(dict.fromkeys(items))
    if op == "+":
        return list(dict.fromkeys([*current, *items]))
    missing = [v for v in items if v not in current]
    if missing:
        raise ReviewError(
            f"candidate {cid}: cannot remove {missing[0]!r} from {fname}: it is not among them "
            f"({', '.join(current) or 'none'}); the document the event is located in is always cited."
        )
    return [v for v in current if v not in items]


def _check_citations(cid: str, citations: Sequence[str], known: Iterable[str]) -> None:
    known = set(known)
    for v in citations:
        if v not in known:
            import difflib

            close = difflib.get_close_matches(v, sorted(known), n=2, cutoff=0.7)
            hint = f" Did you mean {' or '.join(close)}?" if close else ""
            raise ReviewError(
                f"candidate {cid}: citations: unknown source id {v!r}: the case's sources.yaml has no such "
                f"source and no document of this review file is cited by it. Add it to sources.yaml first.{hint}"
            )


def apply_decisions(
    review: dict[str, Any],
    accept: Iterable[str] = (),
    reject: Iterable[str] = (),
    edits: Mapping[str, Mapping[str, str]] | None = None,
    accept_all: bool = False,
    known_sources: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Apply accept / reject / edit decisions to a loaded review (in place) and return it.

    Parameters
    ----------
    accept, reject : iterable of str
        Candidate ids. An id in both is an error.
    edits : mapping, optional
        ``{id: {field: value}}``, all applied before any merge. For a candidate id the fields are
        :data:`EDITABLE_FIELDS`; editing accepts the candidate unless it is rejected in the same call.
        ``links=`` (empty) unlinks a candidate from existing events so that it is merged as a new
        event; ``date_basis=`` is ``paper``, ``context``, ``footnote``, ``outside`` or ``default``;
        ``citations=`` and ``tags=`` take ``a,b`` (set), ``+a,b`` (add) or ``-a`` (remove) — citations
        beyond the document the event is located in, tags beyond ``ingested``. For a document id
        (``d-…``) the fields are :data:`DOCUMENT_FIELDS`, written into its source record at merge.
    accept_all : bool, default=False
        Accept every pending candidate.
    known_sources : iterable of str, optional
        The case's source ids: citations must name one of them or a document of this review file.
        ``None`` skips that check (the merge's validation still catches an unknown id).

    Raises
    ------
    ReviewError
        For an unknown id, an unknown field, a value of the wrong form or an unknown source id.
    """
    by_id = {c["id"]: c for c in review["candidates"]}
    docs = {d["id"]: d for d in review.get("documents", []) if isinstance(d, dict) and "id" in d}
    accept, reject = list(accept), list(reject)
    both = set(accept) & set(reject)
    if both:
        raise ReviewError(
            f"candidate(s) {', '.join(sorted(both))} are both accepted and rejected: choose one."
        )
    for cid in [*accept, *reject, *(edits or {})]:
        if cid not in by_id and not (cid in docs and cid not in accept and cid not in reject):
            hint = f"e.g. {next(iter(by_id), 'none')}" + (f", or document {next(iter(docs))}" if docs else "")
            raise ReviewError(f"unknown candidate id {cid!r}; the review file has {hint}.")
    citable: set[str] | None = None
    if known_sources is not None:
        citable = {*known_sources, *(str(d["source_id"]) for d in docs.values() if d.get("source_id"))}
    for cid, changes in (edits or {}).items():
        if cid in docs:
            d = docs[cid]
            try:
                checked = check_metadata(changes, f"review --edit {cid}")
            except InvalidParameterError as exc:
                raise ReviewError(str(exc)) from None
            for fname in changes:
                d[fname] = checked.get(fname)
                d.setdefault("metadata_from", {})[fname] = "the reviewer"
            continue
        c = by_id[cid]
        if c.get("status") == "merged":
            raise ReviewError(
                f"candidate {cid} is already merged (as {c.get('merged_as')}); edit the case file instead."
            )
        edited = set(c.get("edited_fields") or [])
        for fname, raw in changes.items():
            if fname not in EDITABLE_FIELDS:
                raise ReviewError(
                    f"cannot edit {fname!r} of candidate {cid}; editable fields are {', '.join(EDITABLE_FIELDS)}"
                    + (f"; a document's are {', '.join(DOCUMENT_FIELDS)} (--edit d-… FIELD=VALUE)." if docs else ".")
                )
            if fname in ("citations", "tags"):
                value: Any = _edit_list(cid, fname, list(c.get(fname) or []), raw)
                if fname == "citations" and citable is not None:
                    _check_citations(cid, value, citable)
            else:
                value = _parse_value(fname, raw)
            if fname == "date" and "date" not in edited:
                c["date_found"] = c.get("date")  # what the passage gave, for the date note
            if fname.startswith("locator."):
                c.setdefault("locator", {})[fname.split(".", 1)[1]] = value
            else:
                c[fname] = value
            edited.add(fname)
        c["edited"] = True
        c["edited_fields"] = sorted(edited)
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


def load_decisions(path: str | Path) -> dict[str, Any]:
    """Read a decisions file: the accepts, rejects and edits of one review, applied in one call.

    The file is YAML::

        accept: [c-news-00003-1]
        reject: [c-news-00005-1]
        accept_all: false
        edit:
          c-news-00007-1: {type: CONSULT, date_basis: outside, citations: "+un-press-2024"}
          d-news: {title: "…", publisher: "…"}

    Returns
    -------
    dict
        ``accept``, ``reject`` (lists), ``edits`` (``{id: {field: str}}``), ``accept_all`` — the keyword
        arguments of :func:`run_review`.

    Raises
    ------
    ReviewError
        Naming the file and the key that is malformed.
    """
    p = Path(path)
    if not p.is_file():
        raise ReviewError(f"decisions file {p} does not exist.")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ReviewError(f"decisions file {p} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ReviewError(f"{p}: a decisions file is a mapping with accept, reject, accept_all and edit.")
    unknown = set(data) - {"accept", "reject", "accept_all", "edit"}
    if unknown:
        raise ReviewError(f"{p}: unknown key {sorted(unknown)[0]!r}; use accept, reject, accept_all and edit.")
    out: dict[str, Any] = {"accept": [], "reject": [], "edits": {}, "accept_all": bool(data.get("accept_all"))}
    for key in ("accept", "reject"):
        v = data.get(key) or []
        if isinstance(v, str):
            v = [x.strip() for x in v.split(",") if x.strip()]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise ReviewError(f"{p}: {key!r} must be a list of candidate ids.")
        out[key] = v
    edit = data.get("edit") or {}
    if not isinstance(edit, dict):
        raise ReviewError(f"{p}: 'edit' must map ids to {{field: value}}.")
    for cid, changes in edit.items():
        if not isinstance(changes, dict):
            raise ReviewError(f"{p}: edit.{cid} must be a mapping of field: value.")
        out["edits"][str(cid)] = {
            str(k): ",".join(str(x) for x in v) if isinstance(v, list) else ("" if v is None else str(v))
            for k, v in changes.items()
        }
    return out


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


def _from_note(d: Mapping[str, Any]) -> str:
    """What of the record was read from the document itself, and where ("date: its dateline …; URL: …")."""
    origin = d.get("metadata_from") or {}
    parts = [
        f"{label} from {origin[f]}"
        for f, label in (("title", "title"), ("date", "date"), ("url", "URL"))
        if origin.get(f) and origin[f] not in ("given to ingest", "the reviewer")
    ]
    return "Read from the document: " + "; ".join(parts) if parts else ""


def _document_source(
    d: Mapping[str, Any], root: Path, sources: Sequence[Any], taken: set[str]
) -> tuple[str, dict[str, Any] | None, tuple[str, str] | None]:
    """The source a non-paper document is cited by: ``(source id, new source record, new text file)``.

    The document's text (as its locators count lines) is kept in ``texts/`` under a name made from its
    SHA-256, so two documents with the same file name never share a text, and the same text is never
    stored twice: a source of the case that already holds this text is reused (its record unchanged).
    The new record carries the document's title (else its file name), publisher, date, URL and note from
    the review file, and says where each was read.
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
    wanted = d.get("source_id")
    if wanted and wanted not in taken and _ID.match(str(wanted)):
        sid = str(wanted)
        taken.add(sid)
    else:
        sid = proposed_source_id(sha, str(d["path"]), (), taken)
    name = Path(d["path"]).name
    record: dict[str, Any] = {"id": sid, "kind": "document", "title": d.get("title") or name}
    if d.get("publisher"):
        record["publisher"] = d["publisher"]
    if d.get("date"):
        record["date"] = str(d["date"])
    if d.get("url"):
        record["urls"] = [d["url"]]
    record["text_file"] = text_file
    record["sha256"] = sha
    notes = [str(d["note"]).strip().rstrip(".")] if d.get("note") else []
    if not d.get("title"):
        notes.append("Title: the file name (no title was given or read)")
    how = _from_note(d)
    if how:
        notes.append(how)
    notes.append(f"Ingested from {name} (file SHA-256 {d.get('sha256', '')})")
    record["note"] = ". ".join(notes) + "."
    if existing.is_file() and text_file == existing.name:  # the same text is stored already
        return sid, record, None
    return sid, record, (f"texts/{text_file}", text)


def _date_fields(
    c: Mapping[str, Any], src_id: str, source_title: str, from_paper: bool
) -> tuple[str | None, str | None]:
    """``(date_basis, date_note)`` of the event a candidate becomes, the reviewer's choice first.

    From the paper: the basis is the reviewer's, else ``context`` for a computed date ("the next day"),
    else none (the default, ``paper``). From another document: the reviewer's, else ``context`` for a
    computed date (a relative phrase, a weekday, "yesterday", a day without a year), else ``outside``; the
    note is the reviewer's, else one naming the document, the line and the words that date the event.
    """
    edited = set(c.get("edited_fields") or [])
    basis = c.get("date_basis") if "date_basis" in edited else None
    note = str(c["date_note"]) if c.get("date_note") and "date_note" in edited else None
    auto = str(c["date_note"]) if c.get("date_note") and "date_note" not in edited else None
    computed = c.get("date_kind") in COMPUTED_DATE_KINDS
    words = str(c.get("date_text") or "")[:200]
    if from_paper:
        if basis is None and c.get("date_kind") == "relative":
            basis = "context"
        if note is None and auto:
            note = auto
        if basis not in (None, "paper") and not note:
            note = f"read from the relative phrase {words!r}" if computed else f"the passage reads {words!r}"
        return basis, note
    if basis is None:
        basis = "context" if computed and "date" not in edited else "outside"
    if note is None:
        where = f"{src_id} ({source_title[:80]}), line {c.get('line')}"
        if "date" in edited and str(c.get("date")) != str(c.get("date_found")):
            note = f"{where}: the reviewer dated the event {c.get('date')}; the passage reads {words!r}"
        elif auto:
            note = f"{where}: {auto}"
        else:
            note = f"{where} gives the date as {words!r}"
    return basis, note


def _merge_locked(review: dict[str, Any], root: Path, dry_run: bool, case: Any = None) -> MergeReport:
    """Merge the accepted candidates of a loaded review into the case at ``root`` (lock held).

    Marks merged candidates in ``review`` (in place); the caller saves the review file.
    """
    case = case if case is not None else load_case(root)
    report = MergeReport(case=str(root), dry_run=dry_run)
    paper_sha = case.meta.paper.sha256 if case.meta.paper else None
    sources = case.sources_by_id
    taken = {e.id for e in case.events}
    done = _existing_keys(case.events)
    documents = {d["path"]: d for d in review.get("documents", []) if isinstance(d, dict) and "path" in d}
    by_source_id = {str(d["source_id"]): d for d in documents.values() if d.get("source_id")}
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
        from_paper = bool(paper_sha and d.get("sha256") == paper_sha)
        if not from_paper and c.get("date_basis") == "paper":
            raise ReviewError(
                f"candidate {c['id']}: date_basis 'paper' says the case's paper writes the date, but the "
                f"candidate comes from {Path(str(d['path'])).name}: use date_basis=outside (or context)."
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
    # 2. the source each needed document is cited by: the documents merged events are located in, and the
    #    documents of this review they cite (nothing for a document with no merged event)
    needed = list(dict.fromkeys(c.get("document", "") for c, _ in todo))
    for c, _ in todo:
        for cit in c.get("citations") or []:
            if cit in by_source_id and cit not in sources:
                needed.append(str(by_source_id[cit]["path"]))
    doc_source: dict[str, str] = {}
    new_sources: list[dict[str, Any]] = []
    doc_texts: dict[str, str] = {}
    source_ids = set(sources)
    for path in dict.fromkeys(needed):
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
            report.sources.append(sid)
        elif any(f in (d.get("metadata_from") or {}) and (d.get("metadata_from") or {})[f] == "the reviewer"
                 for f in DOCUMENT_FIELDS):
            report.warnings.append(
                f"{Path(path).name}: its text is already in the case as {sid}, whose record is kept as it is "
                "(the edits to the document were not applied; edit sources.yaml to change it)."
            )
        if stored is not None:
            doc_texts[stored[0]] = stored[1]
    # what the review file calls a document → the source the case cites it by
    renamed = {
        str(d["source_id"]): doc_source[path]
        for path, d in documents.items()
        if d.get("source_id") and path in doc_source
    }
    titles = {str(r["id"]): str(r.get("title") or "") for r in new_sources}
    titles.update({sid: str(src.title or sid) for sid, src in sources.items()})

    def rename(text: str) -> str:
        for old, new in renamed.items():
            if old != new:
                text = text.replace(old, new)
        return text

    # 3. the events and their quotations
    events: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    known_quotes = {q.text.strip() for q in case.quotations}
    taken_quotes = {q.id for q in case.quotations}
    merged_ids: dict[str, str] = {}
    undated_documents: set[str] = set()
    for c, key in todo:
        src_id = doc_source[c.get("document", "")]
        fn_numbers = [int(f["number"]) for f in c.get("footnotes") or []]
        if src_id == "paper":
            fn_numbers = [n for n in fn_numbers if f"fn-{n}" in sources]
            citations = [f"fn-{n}" for n in fn_numbers] or ["paper"]
        else:
            fn_numbers, citations = [], [src_id]
        citations = list(dict.fromkeys([*citations, *(renamed.get(x, x) for x in c.get("citations") or [])]))
        basis, note = _date_fields(c, src_id, titles.get(src_id, src_id), src_id == "paper")
        ev: dict[str, Any] = {
            "id": _event_id(c, taken),
            "date": str(c["date"]),
        }
        if c.get("end_date"):
            ev["end_date"] = str(c["end_date"])
        if basis is not None:
            ev["date_basis"] = basis
        if note:
            ev["date_note"] = rename(note)[:500]
        if basis == "outside":
            dating = [x for x in citations if x != "paper" and not x.startswith("fn-")]
            for x in dating:
                rec = next((r for r in new_sources if r["id"] == x), None)
                if rec is not None and not (rec.get("date") and rec.get("urls")):
                    undated_documents.add(x)
        ev.update(
            {
                "type": c["type"],
                "source_actors": list(c["source_actors"]),
                "target_actors": [a for a in c.get("target_actors") or [] if a not in c["source_actors"]],
                "summary": rename(str(c.get("summary") or "").strip())[:600]
                or f"Ingested event from {Path(c['document']).name}.",
                "locator": {
                    "line": int(c["locator"]["line"]),
                    "anchor": str(c["locator"]["anchor"]),
                    **({"document": src_id} if src_id != "paper" else {}),
                },
                "footnotes": fn_numbers,
                "citations": citations,
                "tags": list(dict.fromkeys(["ingested", *(c.get("tags") or []), f"{KEY_TAG_PREFIX}{key}"])),
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
                    # where the words are: check verifies them in that document's stored text
                    "locator": {
                        "line": int(q["line"]),
                        "anchor": str(q["anchor"]),
                        **({"document": src_id} if src_id != "paper" else {}),
                    },
                    "citations": [src_id] if src_id != "paper" else list(citations),
                }
            )
            report.quotations.append(qid)
    for x in sorted(undated_documents):
        rec = next(r for r in new_sources if r["id"] == x)
        lacking = [what for what, k in (("date", "date"), ("URL", "urls")) if not rec.get(k)]
        did = next((d["id"] for d in documents.values() if doc_source.get(str(d["path"])) == x), x)
        report.warnings.append(
            f"{x} dates an event (date_basis: outside) but has no {' or '.join(lacking)}: give "
            f"{'them' if len(lacking) > 1 else 'it'} with --edit {did} date=YYYY-MM-DD url=https://… "
            "(an outside date names a dated document and where it is)."
        )
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

    Every decision of the call (any number of accepts, rejects and edits, of candidates and of documents)
    is applied first, then the merge runs once. The decisions are saved in the review file only when the
    merge succeeds (or, for a dry run, never), so a failed merge can be retried after fixing the input.
    The review file is read again under the case's lock, so two reviews of the same file one after the
    other both keep their decisions.

    Parameters
    ----------
    case_dir : path, optional
        The case folder; default: the ``case`` recorded in the review file.
    accept, reject, edits, accept_all
        See :func:`apply_decisions`; citations are checked against the case's sources.
    lock_timeout : float, optional
        See :func:`merge_review`.
    """
    rp = Path(review_path)
    root = _case_root(case_dir, load_review(rp))
    with case_lock(root, lock_timeout, purpose=f"review {rp.name}"):
        recover_locked(root)
        review = load_review(rp)
        case = load_case(root)
        apply_decisions(
            review,
            accept=accept,
            reject=reject,
            edits=edits,
            accept_all=accept_all,
            known_sources=[s.id for s in case.sources],
        )
        report = _merge_locked(review, root, dry_run, case)
        if not dry_run:
            atomic_write(rp, _dump(review))
    return report
