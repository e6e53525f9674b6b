"""Candidate events: dated sentences with actors, a PLOVER type, quotations, footnotes and a locator.

The pipeline for one document (:func:`extract_candidates`):

1. split each paragraph into sentences (abbreviation-aware);
2. find date expressions (:mod:`dialoguelab.ingest.dates`) in document order; resolve relative ones
   against the nearest preceding absolute date; drop a relative expression that sits next to an
   absolute one ("Two days later, on March 26, 1999") — the absolute wins, and a disagreement between
   the two is written into the date note;
   read weekdays, "today", "yesterday" and days without a year against the document's date (its
   dateline, header, address, or the date the reviewer gave: :func:`document_metadata`);
3. one candidate per event date of a sentence; its clause runs from the previous date of the sentence
   to the next one, and actors (gazetteer) and the type (classifier) are read from that clause;
4. attach the footnote markers of the sentence (else the next marker of the paragraph), the quotations
   of the sentence with their speaker, and a locator (line + the sentence's opening words) checked by the
   case's locator rule;
5. link the candidate to existing case events with the same day (day precision only) and at least one
   common actor.
"""

from __future__ import annotations

__all__ = [
    "DocumentDate",
    "document_metadata",
    "METADATA_FIELDS",
    "Candidate",
    "QuotationCandidate",
    "IngestResult",
    "extract_candidates",
    "split_sentences",
    "ingest_document",
]

import hashlib
import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from dialoguelab.case.dates import PartialDate
from dialoguelab.case.paper import WINDOW, normalise
from dialoguelab.case.schema import Locator
from dialoguelab.ingest.actors import ActorMention, Gazetteer, NewActorCandidate, new_actor_candidates
from dialoguelab.ingest.classify import classify
from dialoguelab.ingest.dates import (
    DateMention,
    MentionPrecision,
    find_dates,
    read_dateline,
    resolve_against_document,
    resolve_relative,
)
from dialoguelab.ingest.document import MAX_BYTES, Document, Paragraph, read_document

_ABBREV = {
    "u.s",
    "u.k",
    "dr",
    "mr",
    "mrs",
    "ms",
    "st",
    "no",
    "vol",
    "p",
    "pp",
    "op",
    "cit",
    "e.g",
    "i.e",
    "etc",
    "gen",
    "col",
    "prof",
    "jr",
    "sr",
    "vs",
    "al",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "approx",
    "ca",
    "fig",
    "art",
    "para",
    "u.n",
    "e.u",
    "d.c",
    "inc",
    "ltd",
    "co",
    "corp",
    "dept",
}
_SENT_END = re.compile(r"[.!?][”\"’)\]]*(?=\s+[“\"‘(]?[A-Z0-9\u00C0-\u017F])")
_BOUNDARY = re.compile(r",\s+(?:and|while|whereas|but)\s+|;\s+")
_QUOTE = re.compile(r"“([^”]{2,600})”|\"([^\"]{2,600})\"")
_SPEECH = re.compile(
    r"\b(?:said|says|stated|states|stating|declared|asserted|emphasi[sz]ed|stressed|noted|claimed|told|"
    r"labell?ed|"
    r"called|warned|added|asked|argued|wrote|affirmed|lamented|praised|accused|according to|pointed out|"
    r"reassured|underlin\w+|expressed|mentioned|announced|insisted)\b",
    re.IGNORECASE,
)


#: Longest sentence (characters) read as one; a longer run of text without a sentence end is cut at the last
#: space before the limit. Real sentences stay far below it (the seed paper's longest is under 1,000), and the
#: bound keeps the per-sentence steps (clauses, actors, the classifier) cheap on hostile input.
MAX_SENTENCE_CHARS = 3000


def _bounded(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """``(start, end)``, cut into pieces of at most ``limit`` characters at spaces where possible."""
    out: list[tuple[int, int]] = []
    while end - start > limit:
        cut = text.rfind(" ", start + 1, start + limit)
        cut = cut if cut > start else start + limit
        out.append((start, cut))
        start = cut
        while start < end and text[start] == " ":
            start += 1
    if text[start:end].strip():
        out.append((start, end))
    return out


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``; abbreviations and initials do not end a sentence.

    A span longer than ``max_chars`` is cut at spaces into pieces of at most that length.

    >>> t = "The U.S. Envoy met him. Then George W. Bush spoke."
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['The U.S. Envoy met him.', 'Then George W. Bush spoke.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        # the abbreviation test reads the sentence's last word only: a bounded window keeps it linear
        word = re.search(r"([\w.]+)\.[”\"’)\]]*$", text[max(start, end - 200) : end])
        if text[m.start()] == "." and word:
            w = word.group(1).lower()
            if w in _ABBREV or re.fullmatch(r"[a-z]", w) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", w):
                continue
        if text[start:end].strip():
            spans += _bounded(text, start, end, max_chars)
        start = end
        while start < len(text) and text[start] == " ":
            start += 1
    if text[start:].strip():
        spans += _bounded(text, start, len(text.rstrip()), max_chars)
    return spans


#: After "N units after/before", a named event ("the beginning of the dialogue", "its adoption") rather than
#: "that"/"this"/a date: the offset counts from that event.
_EXPLICIT_REFERENT = re.compile(
    r"\s+((?:the|its|his|her|their)\s+(?!same\b|next\b|following\b)[a-z][\w-]*(?:\s+of\s+the\s+[\w-]+)?)",
    re.IGNORECASE,
)

@dataclass
class QuotationCandidate:
    """Words in quotation marks with the speaker the sentence attributes them to (if any)."""

    text: str
    speaker: str | None
    speaker_id: str | None
    line: int
    anchor: str


@dataclass
class Candidate:
    """A proposed event. Its fields map onto :class:`dialoguelab.case.Event` when accepted."""

    id: str
    document: str
    line: int
    end_line: int
    sentence: str
    locator: dict[str, Any]
    locator_ok: bool
    date: str | None
    end_date: str | None
    precision: str
    date_text: str
    date_kind: str
    date_note: str | None
    type: str | None
    type_confidence: float
    trigger: str | None
    source_actors: list[str]
    target_actors: list[str]
    actors: list[str]
    actor_confidence: float
    quotations: list[dict[str, Any]] = field(default_factory=list)
    footnotes: list[dict[str, Any]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    summary: str = ""
    status: str = "pending"
    date_basis: str | None = None
    citations: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestResult:
    """What ingesting one document gave: the document's facts, candidates, new-actor candidates, stats."""

    document: dict[str, Any]
    candidates: list[Candidate]
    new_actors: list[NewActorCandidate]
    stats: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "candidates": [c.to_dict() for c in self.candidates],
            "new_actors": [asdict(n) for n in self.new_actors],
            "stats": self.stats,
        }


def _dedupe(ids: Iterable[str]) -> list[str]:
    out: list[str] = []
    for i in ids:
        if i not in out:
            out.append(i)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "doc"


def _precision_of(m: DateMention) -> str:
    return m.precision.value


def _summary(
    etype: str | None, src: Sequence[str], tgt: Sequence[str], when: str, doc: str, line: int
) -> str:
    who = ", ".join(src) or "unknown actor"
    to = f" toward {', '.join(tgt)}" if tgt else ""
    kind = etype or "event (type to choose)"
    return (
        f"Proposed {kind}: {who}{to}, {when} ({doc}, line {line}). Rewrite in your own words when reviewing."
    )


def _quotations(
    doc: Document,
    para: Paragraph,
    s: int,
    e: int,
    mentions: Sequence[ActorMention],
    actor_types: dict[str, str],
) -> list[QuotationCandidate]:
    text = para.text[s:e]
    out: list[QuotationCandidate] = []
    for q in _QUOTE.finditer(text):
        words = q.group(1) or q.group(2) or ""
        qs = s + q.start()
        before = [m for m in mentions if m.end <= qs]
        after = [m for m in mentions if m.start >= s + q.end()]
        speaker: ActorMention | None = None
        window = text[: q.start()]
        if _SPEECH.search(window) or _SPEECH.search(text[q.end() : q.end() + 40]):
            people = [m for m in before if actor_types.get(m.actor_id) == "person"]
            pool = people or [m for m in before if m.kind != "demonym"] or before
            if pool:
                speaker = pool[-1]
            elif after:
                speaker = after[0]
        line, col = para.origin[min(qs, len(para.origin) - 1)]
        anchor = doc.anchor(line, col, max_words=6)
        out.append(
            QuotationCandidate(
                words.strip(),
                speaker.text if speaker else None,
                speaker.actor_id if speaker else None,
                line,
                anchor,
            )
        )
    return out


_WORD = re.compile(r"\S+")


def _anchor_starts_at(doc: Document, line: int, col: int, anchor: str) -> bool:
    """Whether ``anchor`` is the text at ``line``/``col``, whitespace collapsed, as the case's rule reads it.

    The text is read word by word from ``col`` on, into the next non-blank lines (at most
    :data:`~dialoguelab.case.paper.WINDOW` of them) if needed, and only as far as the anchor's length. When
    it holds, so does the case's locator rule (:meth:`~dialoguelab.case.paper.PaperText.check`: the anchor
    starts on its line); this costs the anchor's length, where that check normalises the whole line (and
    on failure searches the whole document) for each locator — quadratic on long lines.
    """
    want = normalise(anchor)
    if not want:
        return False
    words: list[str] = []
    size, n, taken = -1, line, 0
    while n <= len(doc.lines) and size < len(want):
        piece = doc.lines[n - 1][col:] if n == line else doc.lines[n - 1]
        found = False
        for m in _WORD.finditer(piece):
            if not found and n != line:
                taken += 1
                if taken > WINDOW:
                    break
            found = True
            words.append(m.group(0))
            size += len(m.group(0)) + 1
            if size >= len(want):
                break
        if n == line and not found:
            return False  # nothing on the line from this column: a locator points at where its anchor starts
        if taken > WINDOW:
            break
        n += 1
    return " ".join(words).startswith(want)


#: What a reviewer may say about a document (``ingest --title …``, ``review --edit d-… title=…``); the merge
#: writes them into the document's source record.
METADATA_FIELDS = ("title", "publisher", "date", "url", "note")
#: A dateline heads a report: it is looked for in paragraphs starting on the document's first lines.
DATELINE_LINES = 30
_URL_DAY = re.compile(r"/((?:19|20)\d\d)[/-]([01]?\d)[/-]([0-3]?\d)(?=[/._-]|$)")
_URL_COMPACT_DAY = re.compile(r"/((?:19|20)\d\d)([01]\d)([0-3]\d)(?=[/._-]|$)")
_URL_MONTH = re.compile(r"/((?:19|20)\d\d)/([01]?\d)(?=/)")
_URL_YEAR = re.compile(r"/((?:19|20)\d\d)(?=/)")


@dataclass(frozen=True)
class DocumentDate:
    """The date of a document (its publication), and where it was read."""

    date: PartialDate
    origin: str
    line: int | None = None


_Datelines = tuple[set[int], dict[int, DateMention], DocumentDate | None, tuple[DateMention, int] | None]


def _date_in_url(url: str) -> tuple[PartialDate, str] | None:
    """A date written in a page's address: ``/2025/12/18/`` or ``/20250902/`` (day), ``/2025/10/`` (month),
    ``/2024/`` (year)."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url.strip())
    for pat in (_URL_DAY, _URL_COMPACT_DAY):
        m = pat.search(path)
        if m:
            try:
                return PartialDate(int(m.group(1)), int(m.group(2)), int(m.group(3))), m.group(0)
            except ValueError:
                pass
    m = _URL_MONTH.search(path)
    if m:
        try:
            return PartialDate(int(m.group(1)), int(m.group(2))), m.group(0)
        except ValueError:
            return None
    m = _URL_YEAR.search(path)  # a folder of the year: press.un.org/en/2024/sc15582.doc.htm
    return (PartialDate(int(m.group(1))), m.group(0)) if m else None


def _datelines(doc: Document) -> _Datelines:
    """Datelines near the top: paragraphs that are only a date, and dates that open a paragraph.

    Returns the indexes of the paragraphs that are only a dateline (they are not text), the opening
    dateline mention per paragraph index, the first dateline with a year as a :class:`DocumentDate`, and
    a first dateline without a year with its line (to be completed by the address's date).
    """
    whole: set[int] = set()
    opening: dict[int, DateMention] = {}
    found: DocumentDate | None = None
    yearless: tuple[DateMention, int] | None = None
    for k, para in enumerate(doc.paragraphs):
        if para.first_line > DATELINE_LINES:
            break
        got = read_dateline(para.text) if para.text.strip() else None
        if got is None and len(para.text) <= 100 and para.last_line > para.first_line:
            # a byline and a dateline joined ("Beta" / "09. feb. 2024. 10:50"): the dateline is a line of its own
            for n in range(para.first_line, para.last_line + 1):
                one = read_dateline(doc.lines[n - 1].strip())
                if one is not None and one[1]:
                    got = one
                    break
        if got is None:
            continue
        m, is_whole = got
        line = para.line_at(m.start)
        if is_whole:
            whole.add(k)
        else:
            opening[k] = m
        if m.date is not None and found is None:
            found = DocumentDate(m.date, f"its dateline {m.text!r}, line {line}", line)
        elif m.date is None and yearless is None:
            yearless = (m, line)
    return whole, opening, found, yearless


def document_metadata(
    doc: Document, given: Mapping[str, Any] | None = None, datelines: _Datelines | None = None
) -> tuple[dict[str, Any], DocumentDate | None]:
    """What is known of a document for its source record: title, publisher, date, URL, note, and from where.

    Each field comes from the reviewer (``given``: ``ingest --title/--publisher/--date/--url/--note``)
    first, then from the document itself: the URL from a header line ("URL (note) excerpts retrieved
    2026-12", :func:`~dialoguelab.ingest.document.parse_text`), the date from a dateline (a date on a line
    of its own near the top, or opening the report), else from the date written in the URL
    (``/2025/12/18/``); a dateline without a year ("BELGRADE, March 7.") takes the address's year. The
    title is the first paragraph when it is a heading. ``from`` says where each value was read.

    Returns
    -------
    (dict, DocumentDate or None)
        The metadata (values are ``None`` when unknown) and the document's date, used to read weekdays,
        "today" and days without a year.
    """
    given = dict(given or {})
    header = doc.metadata
    meta: dict[str, Any] = {f: None for f in METADATA_FIELDS}
    origin: dict[str, str] = {}
    for f in METADATA_FIELDS:
        if given.get(f) not in (None, ""):
            meta[f] = str(given[f])
            origin[f] = "given to ingest"
    if meta["url"] is None and header.get("url"):
        meta["url"], origin["url"] = header["url"], f"its header line (line {header.get('line', 1)})"
    if meta["note"] is None and header.get("note"):
        meta["note"], origin["note"] = header["note"], f"its header line (line {header.get('line', 1)})"
    whole, _, dateline, yearless = datelines if datelines is not None else _datelines(doc)
    if meta["title"] is None:
        first = next((p for k, p in enumerate(doc.paragraphs) if p.text.strip() and k not in whole), None)
        if first is not None and first.heading and first.first_line <= DATELINE_LINES:
            meta["title"] = re.sub(r"^=+\s*|\s*=+$", "", first.text.strip())[:300] or None
            if meta["title"]:
                origin["title"] = f"its first heading (line {first.first_line})"
    doc_date: DocumentDate | None = None
    if meta["date"] is not None:
        doc_date = DocumentDate(PartialDate.parse(meta["date"]), "the date given for the document")
    in_url = _date_in_url(meta["url"]) if meta["url"] else None
    if doc_date is None and dateline is not None:
        doc_date = dateline
    if doc_date is None and yearless is not None and in_url is not None:
        ym, yline = yearless
        assert ym.month is not None and ym.day is not None
        try:
            d: PartialDate | None = PartialDate(in_url[0].year, ym.month, ym.day)
        except ValueError:
            d = None
        if d is not None and in_url[0].month in (None, d.month) and in_url[0].day in (None, d.day):
            doc_date = DocumentDate(d, f"its dateline {ym.text!r}, line {yline}, in the year of its address", yline)
    if doc_date is None and in_url is not None:
        doc_date = DocumentDate(in_url[0], f"its address ({in_url[1]})")
    if doc_date is not None and meta["date"] is None:
        meta["date"], origin["date"] = str(doc_date.date), doc_date.origin
    meta["from"] = origin
    return meta, doc_date


def _case_index(events: Iterable[Any]) -> dict[str, list[tuple[str, set[str]]]]:
    index: dict[str, list[tuple[str, set[str]]]] = {}
    for ev in events:
        actors = set(getattr(ev, "source_actors", []) or []) | set(getattr(ev, "target_actors", []) or [])
        index.setdefault(str(ev.date), []).append((ev.id, actors))
    return index


def extract_candidates(
    doc: Document,
    gazetteer: Gazetteer,
    case_events: Iterable[Any] = (),
    min_actors: int = 1,
    metadata: Mapping[str, Any] | None = None,
) -> IngestResult:
    """Turn a :class:`~dialoguelab.ingest.document.Document` into candidate events.

    Parameters
    ----------
    doc : Document
    gazetteer : Gazetteer
        Names, aliases and metonyms of the case's actors.
    case_events : iterable of Event, optional
        Existing events: a candidate dated to the same day, sharing an actor with one, is linked to it.
    min_actors : int, default=1
        A dated sentence needs at least this many known actors to become a candidate (an event needs
        a source actor to be merged).
    metadata : mapping, optional
        What the reviewer says of the document (:data:`METADATA_FIELDS`: title, publisher, date, url,
        note); the rest is read from the document (:func:`document_metadata`). The document's date
        resolves weekdays, "today", "yesterday" and days without a year.

    Returns
    -------
    IngestResult
    """
    t0 = time.perf_counter()
    index = _case_index(case_events)
    name = Path(doc.path).name
    doc_slug = _slug(Path(doc.path).stem)
    found = _datelines(doc)
    meta, doc_date = document_metadata(doc, metadata, found)
    dateline_paras, opening_datelines, _, _ = found
    per_line: dict[int, int] = {}  # candidates numbered per line: c-<doc>-<line>-<n>, unique and stable
    candidates: list[Candidate] = []
    sentences_for_new: list[tuple[str, int]] = []
    stats: dict[str, int] = {
        "paragraphs": len(doc.paragraphs),
        "sentences": 0,
        "date_mentions": 0,
        "relative": 0,
        "relative_resolved": 0,
        "absorbed_relative": 0,
        "relative_named_referent": 0,
        "non_event_dates": 0,
        "dated_sentences_without_actor": 0,
        "locators_invalid": 0,
        "headings": 0,
        "datelines": 0,
        "document_dated": 0,
    }
    last_absolute: DateMention | None = None
    for k_para, para in enumerate(doc.paragraphs):
        text = para.text
        if not text.strip():
            continue
        if k_para in dateline_paras:
            # "United Nations, 8 February 2024" on its own line dates the document; it reports nothing
            stats["datelines"] += 1
            continue
        if para.heading:
            # a title names a section ("Serbia and the UN in 2023"); the events are in the sentences below
            stats["headings"] += 1
            sentences_for_new += [(text[a:b], para.line_at(a)) for a, b in split_sentences(text)]
            continue
        all_mentions = find_dates(text, deictic=doc_date is not None)
        opening = opening_datelines.get(k_para)
        if opening is not None:  # "Oct 9, 2024 – The trial …": the dateline dates the document
            stats["datelines"] += 1
            all_mentions = [replace(m, role="dateline") if m.start == opening.start else m for m in all_mentions]
        stats["date_mentions"] += len(all_mentions)
        actor_mentions = gazetteer.find(text)
        # offsets, sorted, so that each sentence takes its dates, actors and markers by binary search:
        # scanning the paragraph's lists once per sentence made ingest quadratic in the paragraph's length
        date_starts = [m.start for m in all_mentions]
        actor_starts = [a.start for a in actor_mentions]
        marker_offsets = [mk.offset for mk in para.markers]
        for s, e in split_sentences(text):
            stats["sentences"] += 1
            line = para.line_at(s)
            sentences_for_new.append((text[s:e], line))
            ms = all_mentions[bisect_left(date_starts, s) : bisect_left(date_starts, e)]
            # weekdays, "today", days without a year: read against the document's date (or a year written
            # earlier in the sentence), before relative dates are resolved
            for i, m in enumerate(ms):
                if m.kind in ("deictic", "yearless"):
                    year_anchor = next(
                        (
                            o
                            for o in reversed(ms[:i])
                            if o.date is not None and o.kind in ("absolute", "partial", "range", "vague")
                        ),
                        None,
                    )
                    ms[i] = resolve_against_document(
                        m,
                        doc_date.date if doc_date else None,
                        doc_date.origin if doc_date else "",
                        year_anchor if m.kind == "yearless" else None,
                    )
                    if ms[i].date is not None and ms[i].role == "event":
                        stats["document_dated"] += 1
            # relative dates: absorb those next to an absolute one, resolve the rest
            resolved: list[DateMention] = []
            for m in ms:
                if m.kind == "relative":
                    stats["relative"] += 1
                    near = [
                        o
                        for o in ms
                        if o.kind != "relative"
                        and o.role == "event"
                        and o.date is not None
                        and o.precision in (MentionPrecision.DAY, MentionPrecision.MONTH)
                        and (0 <= o.start - m.end <= 60 or 0 <= m.start - o.end <= 5)
                    ]
                    if near:
                        stats["absorbed_relative"] += 1
                        o = near[0]
                        gap = text[m.end : o.start]
                        if (
                            last_absolute is not None
                            and o.start >= m.end
                            and re.fullmatch(r"\s*(?:these|this|that|those)?\s*\w*\s*,?\s*(?:on|in)?\s*", gap)
                        ):
                            r = resolve_relative(m, last_absolute)
                            if (
                                r.date is not None
                                and o.date is not None
                                and str(r.date) != str(o.date)[: len(str(r.date))]
                            ):
                                idx = ms.index(o)
                                ms[idx] = replace(
                                    o,
                                    note=(
                                        f"the text says {m.text!r} after {last_absolute.value()}, "
                                        f"which gives {r.date}, "
                                        f"but it also gives {o.text!r}: check the source"
                                    ),
                                )
                        continue
                    referent = _EXPLICIT_REFERENT.match(text, m.end)
                    if referent and m.qualifier != "month of year":
                        # "few weeks after the beginning of the dialogue": the offset counts from a named
                        # event, not from the last date written, so resolving it would guess a date
                        stats["relative_named_referent"] += 1
                        resolved.append(
                            replace(
                                m,
                                note=f"relative to {referent.group(1).strip()!r}, which the text does not date here",
                            )
                        )
                        continue
                    r = resolve_relative(m, last_absolute)
                    if r.date is not None:
                        stats["relative_resolved"] += 1
                    resolved.append(r)
                else:
                    resolved.append(m)
            # a relative mention absorbed above may have changed a note: take the updated absolutes
            resolved = [
                next((o for o in ms if o.start == r.start and o.kind != "relative"), r) for r in resolved
            ]
            event_dates = [m for m in resolved if m.role == "event" and m.date is not None]
            stats["non_event_dates"] += sum(1 for m in resolved if m.role != "event")
            for m in resolved:
                if m.kind != "relative" and m.role in ("event", "deadline") and m.date is not None:
                    last_absolute = m
            if not event_dates:
                continue
            sent_actors = actor_mentions[bisect_left(actor_starts, s) : bisect_left(actor_starts, e)]
            seen_values: set[str] = set()
            for k, m in enumerate(event_dates):
                if m.value() in seen_values:
                    continue
                seen_values.add(m.value())
                lo = event_dates[k - 1].end if k > 0 else s
                hi = event_dates[k + 1].start if k + 1 < len(event_dates) else e
                if k + 1 < len(event_dates):  # stop at the clause boundary after this date
                    b = _BOUNDARY.search(text, m.end, hi)
                    hi = b.start() if b else hi
                clause_actors = [a for a in sent_actors if lo <= a.start < hi]
                if not clause_actors:
                    first = event_dates[0].start
                    clause_actors = [a for a in sent_actors if a.start < first] or sent_actors
                if len({a.actor_id for a in clause_actors}) < min_actors:
                    stats["dated_sentences_without_actor"] += 1
                    continue
                clause = text[lo:hi]
                rel = [replace(a, start=a.start - lo, end=a.end - lo) for a in clause_actors]
                cls = classify(clause, rel, gazetteer.actor_types)
                actors = _dedupe(a.actor_id for a in clause_actors)
                # footnotes: markers in the sentence, else the next one of the paragraph
                fns = list(para.markers[bisect_left(marker_offsets, s) : bisect_right(marker_offsets, e + 1)])
                if not fns:
                    nxt = bisect_right(marker_offsets, e)
                    fns = list(para.markers[nxt : nxt + 1])
                footnotes = []
                for mk in fns:
                    f = doc.footnotes.get(mk.number)
                    footnotes.append(
                        {
                            "number": mk.number,
                            "status": f.status if f else "missing",
                            "text": f.text if f else None,
                        }
                    )
                # locator: the sentence's first words, stopping before a marker on the same line
                sline, scol = para.origin[s]
                stop = None
                for mk in para.markers[bisect_right(marker_offsets, s) :]:
                    if mk.offset - 1 < len(para.origin):
                        ml, mc = para.origin[mk.offset - 1]
                        if ml == sline and mc >= scol:
                            stop = mc + 1
                        break  # only the first marker after the sentence's start can stop its anchor
                anchor = doc.anchor(sline, scol, stop=stop)
                try:
                    Locator(line=sline, anchor=anchor)
                    # at the sentence's start, or (the anchor's fallback) at the start of its line
                    ok = _anchor_starts_at(doc, sline, scol, anchor) or _anchor_starts_at(doc, sline, 0, anchor)
                except ValueError:
                    ok = False
                if not ok:
                    stats["locators_invalid"] += 1
                quotes = _quotations(doc, para, s, e, sent_actors, gazetteer.actor_types)
                date = str(m.date) if m.date else None
                end_date = str(m.end_date) if m.end_date else None
                notes = [n for n in (m.note,) if n]
                if m.precision is MentionPrecision.PART:
                    notes.insert(0, f"{m.qualifier} of the year ({m.text!r}); stored at year precision")
                if m.approximate:
                    notes.append("approximate offset")
                # a link says "this is probably that event": only a shared day and a shared actor say so (a
                # year or a month shared with any event of an actor was noise)
                links = (
                    [ev_id for ev_id, ev_actors in index.get(date or "", []) if ev_actors & set(actors)]
                    if m.precision is MentionPrecision.DAY and m.end_date is None
                    else []
                )
                per_line[sline] = per_line.get(sline, 0) + 1
                cid = f"c-{doc_slug}-{sline:05d}-{per_line[sline]}"
                src = list(cls.source_actors)  # empty when the subject is no known actor: the reviewer names it
                tgt = [a for a in cls.target_actors if a not in src]
                candidates.append(
                    Candidate(
                        id=cid,
                        document=doc.path,
                        line=sline,
                        end_line=para.line_at(e - 1),
                        sentence=text[s:e],
                        locator={"line": sline, "anchor": anchor},
                        locator_ok=ok,
                        date=date,
                        end_date=end_date,
                        precision=_precision_of(m),
                        date_text=m.text,
                        date_kind=m.kind,
                        date_note="; ".join(notes) or None,
                        type=cls.type.value if cls.type else None,
                        type_confidence=cls.confidence,
                        trigger=cls.trigger,
                        source_actors=src,
                        target_actors=tgt,
                        actors=actors,
                        actor_confidence=cls.actor_confidence,
                        quotations=[asdict(q) for q in quotes],
                        footnotes=footnotes,
                        links=links,
                        summary=_summary(
                            cls.type.value if cls.type else None, src, tgt, m.value(), name, sline
                        ),
                    )
                )
    new = new_actor_candidates(sentences_for_new, gazetteer, min_count=1)
    seconds = time.perf_counter() - t0
    document = {
        "id": f"d-{doc_slug}",
        "path": doc.path,
        "kind": doc.kind,
        "sha256": doc.sha256,
        # the text the locators count lines in, as the merge stores it in the case's texts/
        "text_sha256": _text_sha256(doc),
        **{f: meta[f] for f in METADATA_FIELDS},
        "metadata_from": meta["from"],
        "lines": len(doc.lines),
        "pages": doc.n_pages,
        "paragraphs": len(doc.paragraphs),
        "footnotes": len(doc.footnotes),
        "footnotes_cut_off": sum(1 for f in doc.footnotes.values() if f.status != "complete"),
        "markers_without_footnote": list(doc.missing_footnotes),
        "removed": dict(doc.removed),
    }
    stats_out: dict[str, Any] = dict(stats)
    stats_out["candidates"] = len(candidates)
    stats_out["linked"] = sum(1 for c in candidates if c.links)
    stats_out["seconds_extract"] = round(seconds, 4)
    return IngestResult(document, candidates, new, stats_out)


def _text_sha256(doc: Document) -> str:
    """SHA-256 of ``doc.text() + "\\n"`` (what the merge stores in ``texts/``), without building that copy."""
    h = hashlib.sha256()
    for k, line in enumerate(doc.lines):
        if k:
            h.update(b"\n")
        h.update(line.encode("utf-8"))
    h.update(b"\n")
    return h.hexdigest()


def ingest_document(
    path: str | Path,
    gazetteer: Gazetteer,
    case_events: Iterable[Any] = (),
    max_bytes: int = MAX_BYTES,
    metadata: Mapping[str, Any] | None = None,
) -> IngestResult:
    """Read one document and extract its candidate events.

    :func:`~dialoguelab.ingest.document.read_document` then :func:`extract_candidates`.

    Raises
    ------
    DocumentError
        When the document cannot be read (empty, binary, corrupt, too large).
    """
    t0 = time.perf_counter()
    doc = read_document(path, max_bytes=max_bytes)
    t1 = time.perf_counter()
    result = extract_candidates(doc, gazetteer, case_events, metadata=metadata)
    result.stats["seconds_read"] = round(t1 - t0, 4)
    result.stats["seconds"] = round(time.perf_counter() - t0, 4)
    return result
