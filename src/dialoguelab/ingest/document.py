"""A document model for ingestion: pages, paragraphs and footnotes, read from text, PDF or HTML.

Text extracted from PDFs is messy in known ways, and the seed paper shows all of them: footnotes are
interleaved with the body where pages broke, superscript markers are glued to words and numbers
("alliances.1", "October 200836"), long URLs are broken across lines and repeated in link blocks at the
foot of a page, and page numbers stand alone on a line. :func:`read_document` undoes these and keeps,
for every character of a paragraph, the line and column it came from in the document's text, so that a
locator (line + anchor) can be built and checked by the case's rule
(:meth:`dialoguelab.case.paper.PaperText.check`).

Readers
-------
* plain text (``.txt``, ``.md`` and anything else that is UTF-8 text): a line-based state machine
  (body / footnotes / link block) described in ``docs/ingest.md``;
* PDF: :mod:`pdfplumber` words with their font size; footnotes are the lines set in a smaller font at the
  foot of a page, superscript markers are small-font digits; a running header is a first line repeated on
  most pages;
* HTML: the standard library's :class:`html.parser.HTMLParser` (no network, scripts and styles skipped);
  ``<sup>`` digits are markers, elements whose id looks like ``fn3`` / ``footnote-3`` are footnotes.
"""

from __future__ import annotations

__all__ = [
    "DocumentError",
    "Footnote",
    "Marker",
    "Paragraph",
    "Page",
    "Document",
    "read_document",
    "parse_text",
    "parse_html",
    "parse_pdf",
    "Origin",
    "MAX_BYTES",
    "MAX_LINE_CHARS",
    "SUPPORTED_SUFFIXES",
]

import hashlib
import io
import itertools
import os
import re
import stat
import statistics
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, overload

from dialoguelab.errors import InvalidParameterError

#: Largest document read by default (bytes); larger files are refused with a clear message.
MAX_BYTES = 20 * 1024 * 1024
#: Longest line of a text document (characters). Prose never comes near it (a paragraph kept on one line is a
#: few thousand); a longer line is data, a minified file or text whose line breaks were lost, and is refused.
MAX_LINE_CHARS = 100_000
SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".pdf", ".html", ".htm")


class DocumentError(InvalidParameterError):
    """A document cannot be ingested (empty, binary, corrupt, too large, unsupported)."""


@dataclass(frozen=True)
class Footnote:
    """A footnote: its number, its text (URLs re-joined) and the line where it starts."""

    number: int
    text: str
    line: int
    status: str = "complete"  # complete | cut_off
    urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Marker:
    """A footnote marker found in the body: its number and position in the clean paragraph text."""

    number: int
    offset: int
    line: int


class Origin(Sequence[tuple[int, int]]):
    """Where each character of a paragraph came from, ``(line, column)``, stored as runs.

    A run is a stretch of characters copied from one line (the column grows by one per character) or a
    joining space (the column stays). Memory is one run per line piece instead of one tuple per character,
    and lookup is a binary search.

    >>> o = Origin()
    >>> o.append_run(3, 4, 5)
    >>> o.append_run(3, 8, 1, step=0)
    >>> len(o), o[0], o[4], o[5], o[-1]
    (6, (3, 4), (3, 8), (3, 8), (3, 8))
    """

    __slots__ = ("_starts", "_lines", "_cols", "_steps", "_n")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._lines: list[int] = []
        self._cols: list[int] = []
        self._steps: list[int] = []
        self._n = 0

    def append_run(self, line: int, col: int, length: int, step: int = 1) -> None:
        """Add ``length`` characters from ``line`` starting at ``col`` (``step=0``: all at ``col``)."""
        if length <= 0:
            return
        if (
            self._starts
            and step == 1
            and self._steps[-1] == 1
            and self._lines[-1] == line
            and self._cols[-1] + (self._n - self._starts[-1]) == col
        ):
            self._n += length
            return
        self._starts.append(self._n)
        self._lines.append(line)
        self._cols.append(col)
        self._steps.append(step)
        self._n += length

    def extend_slice(self, other: Origin, start: int, stop: int) -> None:
        """Append ``other[start:stop]``."""
        stop = min(stop, len(other))
        if start >= stop:
            return
        k = bisect_right(other._starts, start) - 1
        while k < len(other._starts) and other._starts[k] < stop:
            run_start = other._starts[k]
            run_end = other._starts[k + 1] if k + 1 < len(other._starts) else other._n
            lo, hi = max(start, run_start), min(stop, run_end)
            step = other._steps[k]
            self.append_run(other._lines[k], other._cols[k] + step * (lo - run_start), hi - lo, step)
            k += 1

    def __len__(self) -> int:
        return self._n

    def _at(self, i: int) -> tuple[int, int]:
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("origin index out of range")
        k = bisect_right(self._starts, i) - 1
        return self._lines[k], self._cols[k] + self._steps[k] * (i - self._starts[k])

    @overload
    def __getitem__(self, i: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, i: slice) -> list[tuple[int, int]]: ...

    def __getitem__(self, i: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        if isinstance(i, slice):
            return [self._at(j) for j in range(*i.indices(self._n))]
        return self._at(i)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for k, start in enumerate(self._starts):
            end = self._starts[k + 1] if k + 1 < len(self._starts) else self._n
            for j in range(end - start):
                yield self._lines[k], self._cols[k] + self._steps[k] * j

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Origin) and list(self) == list(other)

    def __hash__(self) -> int:
        return hash((self._n, tuple(self._starts), tuple(self._lines), tuple(self._cols)))

    def __repr__(self) -> str:
        return f"Origin({len(self)} characters in {len(self._starts)} runs)"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of body text with markers removed and a map back to the document's lines.

    ``origin[i]`` is ``(line, column)`` of character ``i`` of :attr:`text` in the document's text
    (1-based line, 0-based column); joining spaces map to the end of the preceding line. ``heading`` is
    true for a title: a line on its own that is short, has no closing punctuation and is followed by a
    capitalised line (text and PDF), or an ``<h1>``–``<h6>`` element (HTML). A heading names a section;
    it is not a sentence that reports an event.
    """

    index: int
    page: int
    text: str
    origin: Origin
    markers: tuple[Marker, ...] = ()
    heading: bool = False

    @property
    def first_line(self) -> int:
        return self.origin[0][0] if self.origin else 0

    @property
    def last_line(self) -> int:
        return self.origin[-1][0] if self.origin else 0

    def line_at(self, offset: int) -> int:
        """The document line of character ``offset``."""
        if not self.origin:
            return 0
        return self.origin[min(max(offset, 0), len(self.origin) - 1)][0]


@dataclass(frozen=True)
class Page:
    number: int
    first_line: int
    last_line: int


@dataclass
class Document:
    """A document read for ingestion.

    Attributes
    ----------
    path : str
        Where it was read from.
    kind : {"text", "pdf", "html"}
    sha256 : str
        Of the file's bytes.
    lines : tuple of str
        The document's text, one item per line; locators refer to these (1-based).
    pages, paragraphs, footnotes
        The structure recovered; ``footnotes`` maps a number to its :class:`Footnote`.
    removed : dict
        How many page numbers, header lines and link-block lines were dropped.
    metadata : dict
        What a header line said of the document (``url``, ``note``, ``retrieved``, ``line``): a first line
        "URL (note) excerpts retrieved 2026-12", as saved copies of web pages begin. It is not text.
    """

    path: str
    kind: str
    sha256: str
    lines: tuple[str, ...]
    pages: list[Page] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    footnotes: dict[int, Footnote] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    missing_footnotes: list[int] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def n_pages(self) -> int:
        return max(len(self.pages), 1)

    def text(self) -> str:
        """The document's text as lines (what locators refer to)."""
        return "\n".join(self.lines)

    def anchor(self, line: int, column: int, max_words: int = 7, stop: int | None = None) -> str:
        """A short verbatim anchor starting at ``line``/``column`` (see the case's locator rule).

        Words are taken from the line (and from the next line when it is the next non-blank line and
        the first gives fewer than three words), at most ``max_words`` and 90 characters, stopping
        before ``stop`` (a column on ``line``, e.g. a footnote marker).
        """
        raw = self.lines[line - 1] if 1 <= line <= len(self.lines) else ""
        seg = raw[column:stop] if stop is not None and stop > column else raw[column:]
        words = _first_words(seg, max_words)  # not seg.split(): a long line would be split once per anchor
        if len(words) < 3 and (stop is None or stop <= column):
            nxt = line
            while nxt < len(self.lines) and not self.lines[nxt].strip():
                nxt += 1
            if nxt < len(self.lines) and nxt + 1 != line:
                words += _first_words(self.lines[nxt], max_words)
        out: list[str] = []
        for w in words[:max_words]:
            if len(" ".join([*out, w])) > 90:
                break
            out.append(w)
        text = " ".join(out)
        if len(text) < 3:  # fall back to the start of the line
            text = " ".join(_first_words(raw, max_words))[:90]
        return text


_WORD = re.compile(r"\S+")


def _first_words(text: str, n: int) -> list[str]:
    """The first ``n`` whitespace-separated words of ``text`` (reading no further)."""
    return [m.group(0) for m in itertools.islice(_WORD.finditer(text), n)]


# --------------------------------------------------------------------------------------- reading


def _too_large(shown: str, max_bytes: int) -> DocumentError:
    return DocumentError(
        f"{shown} is larger than {max_bytes:,} bytes; the limit is {max_bytes:,} bytes. Split the document, "
        "or raise the limit (max_bytes / --max-mb) if you really mean to ingest it whole."
    )


_FILE_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _read_regular_file(p: Path, shown: str, max_bytes: int) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` (reading one more proves it is too large).

    Symbolic links are followed; what they lead to must be a regular file. The file is opened without
    blocking (a FIFO would otherwise wait forever for a writer) and its type is taken from the open file
    itself, so it cannot be swapped for something else between the check and the read. The size limit is
    applied to what is read, not to what ``stat`` reports (``/dev/zero`` and ``/proc`` files report 0).
    """
    try:
        real = p.resolve(strict=True)
    except FileNotFoundError:
        if p.is_symlink():
            raise DocumentError(f"{shown} is a link to {os.readlink(p)}, which does not exist.") from None
        raise DocumentError(f"{shown} does not exist: check the path.") from None
    except (RuntimeError, OSError) as exc:  # a loop of links, a path through a file
        raise DocumentError(f"cannot read {shown}: {getattr(exc, 'strerror', None) or exc}.") from None
    via = f" (a link to {real})" if real != p.absolute() and p.is_symlink() else ""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise DocumentError(f"cannot read {shown}{via}: {exc.strerror or exc}.") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise DocumentError(f"{shown}{via} is a folder: give a file (the folder form is ingest_paths).")
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
            raise DocumentError(
                f"{shown}{via} is {kind}, not a regular file: only regular files are ingested. Save the "
                "document to a file first."
            )
        chunks: list[bytes] = []
        got = 0
        while got <= max_bytes:
            try:
                chunk = os.read(fd, min(1 << 20, max_bytes + 1 - got))
            except OSError as exc:
                raise DocumentError(f"cannot read {shown}{via}: {exc.strerror or exc}.") from None
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    finally:
        os.close(fd)
    if got > max_bytes:
        raise _too_large(shown, max_bytes)
    raw = b"".join(chunks)
    if not raw.strip():
        raise DocumentError(f"{shown} is empty: there is nothing to ingest. Give a document with text in it.")
    return raw


def read_document(path: str | Path, max_bytes: int = MAX_BYTES, max_line_chars: int = MAX_LINE_CHARS) -> Document:
    """Read a PDF, HTML or plain-text document into a :class:`Document`.

    Parameters
    ----------
    path : str or Path
        The file. Its kind is taken from its first bytes (``%PDF``, ``<html``) and then its suffix. A
        symbolic link is followed; the file it leads to must be a regular file (not a FIFO, a device, a
        socket or a folder).
    max_bytes : int, default=MAX_BYTES
        Larger files are refused; at most ``max_bytes + 1`` bytes are ever read.
    max_line_chars : int, default=MAX_LINE_CHARS
        A text or HTML document with a longer line (block) is refused, with the line's number.

    Raises
    ------
    DocumentError
        For a missing, empty, binary, corrupt or too-large file, a file that is not a regular file, a
        line too long to be prose, with a message that names the file (and line) and says what to do.

    Notes
    -----
    Reading and parsing are linear in the size of the document (see ``benchmarks/ingest``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> _ = p.write_text("On June 12, 1999 Russia moved troops.1\\n\\n 1 BBC, 2000.\\n")
    >>> doc = read_document(p)
    >>> doc.paragraphs[0].text, doc.footnotes[1].text
    ('On June 12, 1999 Russia moved troops.', 'BBC, 2000.')
    """
    p = Path(path)
    shown = str(p)
    if max_bytes < 1:
        raise InvalidParameterError(f"The 'max_bytes' parameter must be a positive integer. Got {max_bytes} instead.")
    raw = _read_regular_file(p, shown, max_bytes)
    sha = hashlib.sha256(raw).hexdigest()
    head = raw[:1024].lstrip().lower()
    suffix = p.suffix.lower()
    if head.startswith(b"%pdf") or suffix == ".pdf":
        return parse_pdf(raw, shown, sha)
    text = _decode(raw, shown)
    if head.startswith((b"<!doctype html", b"<html")) or suffix in (".html", ".htm"):
        return parse_html(text, shown, sha, max_line_chars=max_line_chars)
    return parse_text(text, shown, sha, max_line_chars=max_line_chars)


def _check_line_lengths(lines: Sequence[str], shown: str, max_line_chars: int, what: str = "line") -> None:
    for n, line in enumerate(lines, start=1):
        if len(line) > max_line_chars:
            raise DocumentError(
                f"{shown}, {what} {n}: {len(line):,} characters on one {what}; the limit is {max_line_chars:,}. "
                "This is not prose (data, a minified file, or text whose line breaks were lost): restore "
                "the line breaks, or split the text into paragraphs."
            )


def _decode(raw: bytes, shown: str) -> str:
    sample = raw[:65536]
    if b"\x00" in sample:
        raise DocumentError(
            f"{shown} looks like binary data (it contains NUL bytes), not text, PDF or HTML. "
            "Convert it to one of those first."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DocumentError(
            f"{shown} is not UTF-8 text (invalid byte at line {line}); if it is text, save it as UTF-8; "
            "if it is binary data, it cannot be ingested."
        ) from None
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(10, len(text[:65536]) // 100):
        raise DocumentError(f"{shown} looks like binary data (many control characters), not text.")
    return text


# ------------------------------------------------------------------------------------ plain text

_SEPARATOR = re.compile(r"^\s{10,}$|^\s*[_\-–—]{5,}\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(?P<page>page\s+)?(?P<n>\d{1,4})\s*$", re.IGNORECASE)
_HEADER = re.compile(r"^\s*(?P<url>(?:https?://|www\.)\S+)(?P<rest>.*)$")
_RETRIEVED = re.compile(
    r"\b(?:excerpts?\s+)?(?:retrieved|accessed|saved)\s+(?:on\s+)?(?P<when>[\w ,.-]{2,40}?)\s*$", re.IGNORECASE
)
_FOOTNOTE_START = re.compile(r"^\s?(\d{1,3})\s+(\S.*)$")
_URL_ONLY = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
_URL_TOKEN = re.compile(r"(?:https?://|www\.)\S+$")
_ORPHAN = re.compile(r"^\s*(?:Available at:|Retrieved from|Accessed)", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?:;”\"’)\]]\d{0,3}\s*$")


def _join_url(prev: str, nxt: str) -> bool:
    """Whether ``nxt`` continues a URL that ``prev`` ends with (broken across lines)."""
    m = _URL_TOKEN.search(prev.rstrip())
    if not m or prev != prev.rstrip() and prev.rstrip().endswith("."):
        return False
    url = m.group(0)
    if url.endswith((".", ",")) and not url.endswith("/."):
        return False
    first = nxt.strip().split(" ")[0] if nxt.strip() else ""
    if not first or first.startswith(("http://", "https://")):
        return False
    return bool(re.match(r"^[\w\-./%?=&#~:+]+$", first)) and any(c in first for c in "/.%=&_-")


@dataclass
class _FootBuild:
    number: int
    line: int
    parts: list[str]


def _finish_footnote(fb: _FootBuild) -> Footnote:
    pieces: list[str] = []
    tail = ""  # the end of the text so far (its last whitespace-free run is all that _join_url reads)
    for part in fb.parts:
        part = part.strip()
        if not part:
            continue
        if pieces and _join_url(tail, part):
            pieces.append(part)
            tail = (tail + part)[-4096:]  # a URL is never this long: a bounded tail keeps the loop linear
        else:
            if pieces:
                pieces.append(" ")
            pieces.append(part)
            tail = part[-4096:]
    text = re.sub(r"\s+", " ", "".join(pieces)).strip()
    urls = tuple(u.rstrip(".,;)") for u in re.findall(r"https?://\S+|www\.\S+", text))
    status = "complete" if re.search(r"(?:[.)”\"]|\d{4}|https?://\S+|\.\w{2,4})\s*$", text) else "cut_off"
    return Footnote(fb.number, text, fb.line, status, urls)


def _header(line: str, number: int) -> dict[str, Any] | None:
    """The metadata of a first line that begins with a URL: "URL (what it is) excerpts retrieved 2026-12"."""
    m = _HEADER.match(line)
    if m is None:
        return None
    out: dict[str, Any] = {"url": m.group("url").rstrip(".,;)"), "line": number, "text": line.strip()}
    rest = m.group("rest").strip()
    got = _RETRIEVED.search(rest)
    if got:
        out["retrieved"] = got.group("when").strip(" .,")
    note = rest.strip()
    if note:
        out["note"] = re.sub(r"^\((.*)\)$", r"\1", note[: got.start()].strip() if got else note).strip() or note
    return out


def _page_number_lines(clean: Sequence[str], paginated: bool) -> set[int]:
    """The lines (1-based) that are page numbers: digits alone on a line, in a document with pages.

    A line of digits alone is a page number in text with page structure (form feeds or footnote
    separators, as PDF extraction writes them), when it says "Page 12", or when it belongs to an
    increasing sequence of such lines
    (the longest, of at least two, each number no larger than its line's: a page cannot be numbered beyond
    the lines before it). Otherwise it is text: a news page's view counter ("814") does not end a page.
    """
    found: list[tuple[int, int, bool]] = []
    for i, raw in enumerate(clean, start=1):
        m = _PAGE_NUMBER.match(raw)
        if m:
            found.append((i, int(m.group("n")), bool(m.group("page"))))
    if paginated:
        return {i for i, _, _ in found}
    explicit = {i for i, _, page in found if page}
    seq = [(i, v) for i, v, page in found if not page and v <= i]
    # longest strictly increasing subsequence of the values (patience sorting, O(n log n))
    tails: list[int] = []  # index into seq of the smallest tail of each length
    tail_values: list[int] = []  # their values, increasing
    prev: list[int] = [-1] * len(seq)
    for k, (_, v) in enumerate(seq):
        lo = bisect_right(tail_values, v - 1)  # strictly increasing
        if lo > 0:
            prev[k] = tails[lo - 1]
        if lo == len(tails):
            tails.append(k)
            tail_values.append(v)
        else:
            tails[lo] = k
            tail_values[lo] = v
    chain: set[int] = set()
    if len(tails) >= 2:
        k = tails[-1]
        while k != -1:
            chain.add(seq[k][0])
            k = prev[k]
    return explicit | chain


def parse_text(
    text: str, shown: str = "<text>", sha256: str = "", max_line_chars: int = MAX_LINE_CHARS
) -> Document:
    """Parse text extracted from a paginated document (see the module notes).

    Parameters
    ----------
    text : str
        The document's text; lines are split on ``\\n`` exactly as the case's paper checker does.
    max_line_chars : int, default=MAX_LINE_CHARS
        A longer line is refused (:class:`DocumentError` naming the line).
    """
    lines = tuple(text.split("\n"))
    _check_line_lengths(lines, shown, max_line_chars)
    sha256 = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    clean = [ln.replace("\r", "").replace("\f", "") for ln in lines]
    body: list[tuple[int, str]] = []  # (line number, raw line)
    breaks_after: set[int] = set()  # body indices after which a page ends
    footnotes: dict[int, Footnote] = {}
    removed: Counter[str] = Counter()
    expected = 1
    state = "body"
    after_sep = False
    current: _FootBuild | None = None
    page_starts = [1]
    # page structure: form feeds, or the separator lines above a page's footnotes (text extracted from a PDF)
    page_numbers = _page_number_lines(clean, "\f" in text or any(_SEPARATOR.match(raw) for raw in clean))
    first = next((i for i, raw in enumerate(clean, start=1) if raw.strip()), 0)
    metadata = _header(clean[first - 1], first) if first else None

    def close() -> None:
        nonlocal current
        if current is not None:
            footnotes[current.number] = _finish_footnote(current)
            current = None

    def new_page(at: int) -> None:
        if body:
            breaks_after.add(len(body) - 1)
        if page_starts[-1] != at:
            page_starts.append(at)

    for i, raw in enumerate(clean, start=1):
        if "\f" in lines[i - 1]:
            close()
            state = "body"
            new_page(i)
        if not raw.strip():
            if _SEPARATOR.match(raw):
                close()
                state = "foot"
                after_sep = True
            continue
        if _SEPARATOR.match(raw):
            close()
            state = "foot"
            after_sep = True
            continue
        if i in page_numbers:
            close()
            removed["page_numbers"] += 1
            state = "body"
            new_page(i + 1)
            continue
        if metadata is not None and i == metadata["line"]:
            # "URL (note) excerpts retrieved …": what the document is, not a sentence of it
            removed["metadata_lines"] += 1
            continue
        m = _FOOTNOTE_START.match(raw)
        # Right after a separator, footnotes may jump ahead (the text lost some pages' notes).
        window = 80 if (after_sep or state == "foot") else 3
        after_sep = False
        is_start = bool(m) and m is not None and expected <= int(m.group(1)) <= expected + window
        if is_start and m is not None and state == "body":
            # In the body a footnote must start its line (a page's first line starts with a space).
            is_start = raw[:1] != " " or raw[1:2].isdigit()
        if is_start and m is not None:
            close()
            n = int(m.group(1))
            current = _FootBuild(n, i, [m.group(2)])
            expected = n + 1
            state = "foot"
            continue
        if state in ("foot", "links"):
            if _URL_ONLY.match(raw):
                # only the end of the footnote matters, and its parts are non-blank lines: the last one
                prev = current.parts[-1] if current is not None and current.parts else ""
                if current is not None and (
                    re.search(r"(?:at|see|from|URL):?\s*$|,$", prev.rstrip(), re.IGNORECASE)
                    or _join_url(prev, raw)
                ):
                    current.parts.append(raw)
                    continue
                close()
                removed["link_lines"] += 1
                state = "links"
                continue
            if state == "foot" and current is not None and not raw.startswith(" "):
                last = current.parts[-1].rstrip() if current.parts else ""
                ended = bool(re.search(r"[.!?”\"]$", last)) and not re.search(
                    r"(?:at|see|p|pp|Vol)[.:]$", last
                )
                if not (
                    ended
                    and raw[:1].isupper()
                    and len(raw.split()) >= 6
                    and not _URL_ONLY.match(raw)
                    and not re.match(r"^(?:Available|Retrieved|Accessed|In:|See|URL)", raw)
                ):
                    current.parts.append(raw)
                    continue
            if (
                state == "foot"
                and current is not None
                and raw.startswith(" ")
                and _join_url(current.parts[-1] if current.parts else "", raw)
            ):
                current.parts.append(raw)
                continue
            # the next page's body resumes
            close()
            state = "body"
            new_page(i)
        if _URL_ONLY.match(raw):
            removed["link_lines"] += 1
            continue
        if _ORPHAN.match(raw):
            removed["orphan_footnote_lines"] += 1
            state = "links"
            continue
        body.append((i, raw))
    close()

    # running headers: short body lines repeated verbatim at least 3 times
    counts = Counter(raw.strip() for _, raw in body if len(raw.strip()) < 80)
    headers = {t for t, c in counts.items() if c >= 3 and not _TERMINAL.search(t) and len(t.split()) <= 10}
    if headers:
        kept = [(n, r) for n, r in body if r.strip() not in headers]
        removed["header_lines"] = len(body) - len(kept)
        # page breaks follow headers: rebuild break indices conservatively
        index_of = {n: k for k, (n, _) in enumerate(kept)}
        breaks_after = {index_of[body[b][0]] for b in breaks_after if body[b][0] in index_of}
        body = kept

    grouped = _paragraphs(body, breaks_after, page_starts)
    paragraphs, missing = _attach_markers(grouped, set(footnotes))
    pages = [
        Page(k + 1, start, (page_starts[k + 1] - 1) if k + 1 < len(page_starts) else len(lines))
        for k, start in enumerate(page_starts)
    ]
    return Document(
        shown, "text", sha256, lines, pages, paragraphs, footnotes, dict(removed), missing, dict(metadata or {})
    )


def _paragraphs(
    body: list[tuple[int, str]], breaks_after: set[int], page_starts: list[int]
) -> list[tuple[int, list[tuple[int, int, str]], bool]]:
    """Group body lines into paragraphs: ``(page, [(line, col, text)], is a heading)``."""
    lengths = [len(r.strip()) for _, r in body if r.strip()]
    width = (
        statistics.quantiles(lengths, n=10)[8] if len(lengths) >= 10 else (max(lengths) if lengths else 80)
    )
    out: list[tuple[int, list[tuple[int, int, str]], bool]] = []
    cur: list[tuple[int, int, str]] = []

    def page_of(line: int) -> int:
        return bisect_right(page_starts, line)

    for k, (n, raw) in enumerate(body):
        stripped = raw.strip()
        col = len(raw) - len(raw.lstrip())
        nxt_upper = k + 1 < len(body) and body[k + 1][1].strip()[:1].isupper()
        short = len(stripped) < (0.9 if nxt_upper else 0.75) * width
        heading = (
            short
            and not _TERMINAL.search(stripped)
            and len(stripped) < 0.7 * width
            and (k + 1 < len(body) and body[k + 1][1].strip()[:1].isupper())
            and not stripped.endswith((",", "–", "-"))
        )
        if heading and cur:
            out.append((page_of(cur[0][0]), cur, False))
            cur = []
        cur.append((n, col, stripped))
        ends = short and bool(_TERMINAL.search(stripped)) and k not in breaks_after
        if heading or ends:
            out.append((page_of(cur[0][0]), cur, heading))  # a heading is always a paragraph of one line
            cur = []
    if cur:
        out.append((page_of(cur[0][0]), cur, False))
    return out


_MARKER_AFTER_TEXT = re.compile(r"(?<=[A-Za-z\u00C0-\u024F.,;:”\"’)\]])(\d{1,3})(?=[\s,.;:”\"’)]|$)")
_MARKER_AFTER_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(\d{1,3})(?=[\s,.;:)]|$)")


def _attach_markers(
    paras: list[tuple[int, list[tuple[int, int, str]], bool]], known: set[int]
) -> tuple[list[Paragraph], list[int]]:
    """Build paragraphs, find footnote markers in document order and remove them from the text.

    A marker is digits glued to a word, a punctuation mark or a year ("alliances.1", "enlargement,3",
    "October 200836"), whose number is the next expected footnote number (up to three ahead, to
    survive a lost marker). Sequential numbering is what tells "200836" (2008 + 36) from a number.
    """
    expected = 1
    result: list[Paragraph] = []
    seen: set[int] = set()
    for idx, (page, pieces, heading) in enumerate(paras):
        text_parts: list[str] = []
        origin = Origin()
        for j, (line, col, s) in enumerate(pieces):
            if j:
                prev = text_parts[-1]
                if re.search(r"[A-Za-z.]-$", prev) and s[:1].isalnum():
                    pass  # a word hyphenated across lines: keep the hyphen, no space
                else:
                    text_parts.append(" ")
                    origin.append_run(*(origin[-1] if len(origin) else (line, col)), 1, step=0)
            text_parts.append(s)
            origin.append_run(line, col, len(s))
        raw = "".join(text_parts)
        cuts: list[tuple[int, int, int]] = []  # (start, end, number)
        candidates: list[tuple[int, int, int]] = []
        for m in _MARKER_AFTER_TEXT.finditer(raw):
            candidates.append((m.start(1), m.end(1), int(m.group(1))))
        for m in _MARKER_AFTER_YEAR.finditer(raw):
            candidates.append((m.start(2), m.end(2), int(m.group(2))))
        for start, end, n in sorted(candidates):
            if expected <= n <= expected + 3 and n not in seen:
                cuts.append((start, end, n))
                seen.add(n)
                expected = n + 1
        text_chars: list[str] = []
        new_origin = Origin()
        markers: list[Marker] = []
        pos = 0
        length = 0
        for start, end, n in cuts:
            text_chars.append(raw[pos:start])
            length += start - pos
            new_origin.extend_slice(origin, pos, start)
            markers.append(Marker(n, length, origin[start][0]))
            pos = end
        text_chars.append(raw[pos:])
        new_origin.extend_slice(origin, pos, len(origin))
        result.append(Paragraph(idx, page, "".join(text_chars), new_origin, tuple(markers), heading))
    missing = sorted(n for n in seen if n not in known)
    return result, missing


# ------------------------------------------------------------------------------------------- HTML


class _HTMLText(HTMLParser):
    BLOCK = {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "blockquote",
        "div",
        "td",
        "dd",
        "dt",
        "pre",
        "section",
        "article",
        "br",
        "tr",
        "figcaption",
    }
    SKIP = {"script", "style", "noscript", "template", "svg", "head", "nav"}
    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str | None, bool]] = []  # (text, footnote-id number or None, heading)
        self.buf: list[str] = []
        self.skip = 0
        self.in_heading = 0
        self.in_sup = 0
        self.fn_stack: list[tuple[str, str | None]] = []
        self.current_fn: str | None = None

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buf)).strip()
        if text:
            self.blocks.append((text, self.current_fn, self.in_heading > 0))
        self.buf = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
            return
        ident = dict(attrs).get("id") or ""
        m = re.fullmatch(r"(?:fn|footnote|note|ftn)[-_:]?(\d{1,3})", ident, re.IGNORECASE)
        if tag in self.BLOCK:
            self._flush()
        if tag in self.HEADINGS:
            self.in_heading += 1
        if m:
            self._flush()
            self.fn_stack.append((tag, self.current_fn))
            self.current_fn = m.group(1)
        if tag == "sup":
            self.in_sup += 1
            self.buf.append("\x01")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "sup":
            self.in_sup = max(0, self.in_sup - 1)
            self.buf.append("\x02")
        if tag in self.BLOCK:
            self._flush()
        if tag in self.HEADINGS:
            self.in_heading = max(0, self.in_heading - 1)
        if self.fn_stack and self.fn_stack[-1][0] == tag:
            self._flush()
            _, self.current_fn = self.fn_stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.buf.append(data)


def parse_html(
    text: str, shown: str = "<html>", sha256: str = "", max_line_chars: int = MAX_LINE_CHARS
) -> Document:
    """Parse an HTML document: one line per block element; ``<sup>`` digits are footnote markers.

    A block longer than ``max_line_chars`` is refused (:class:`DocumentError` naming the block).
    """
    parser = _HTMLText()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # html.parser is lenient; this guards odd input
        raise DocumentError(f"{shown} is not readable HTML ({exc}).") from None
    parser._flush()
    _check_line_lengths([b for b, _, _ in parser.blocks], shown, max_line_chars, what="block")
    lines: list[str] = []
    paragraphs: list[Paragraph] = []
    footnotes: dict[int, Footnote] = {}
    for text_block, fn, heading in parser.blocks:
        if fn is not None:
            body = (
                re.sub(r"^\s*\x01?\s*\d{1,3}\s*\x02?[.)]?\s*", "", text_block)
                .replace("\x01", "")
                .replace("\x02", "")
            )
            line_no = len(lines) + 1
            lines.append(body)
            urls = tuple(u.rstrip(".,;)") for u in re.findall(r"https?://\S+", body))
            footnotes[int(fn)] = Footnote(int(fn), body, line_no, "complete", urls)
            continue
        line_no = len(lines) + 1
        clean: list[str] = []
        clean_len = 0
        origin = Origin()
        markers: list[Marker] = []
        visible = (
            re.sub(r"\x01\s*(\d{1,3})\s*\x02", r"\1", text_block).replace("\x01", "").replace("\x02", "")
        )
        lines.append(visible)
        col = 0
        pos = 0
        for m in re.finditer(r"\x01\s*(\d{1,3})\s*\x02|[\x01\x02]", text_block):
            chunk = text_block[pos : m.start()]
            clean.append(chunk)
            clean_len += len(chunk)
            origin.append_run(line_no, col, len(chunk))
            col += len(chunk)
            if m.group(1):
                markers.append(Marker(int(m.group(1)), clean_len, line_no))
                col += len(m.group(1))
            pos = m.end()
        chunk = text_block[pos:]
        clean.append(chunk)
        origin.append_run(line_no, col, len(chunk))
        paragraphs.append(Paragraph(len(paragraphs), 1, "".join(clean), origin, tuple(markers), heading))
    if not paragraphs and not footnotes:
        raise DocumentError(f"{shown} has no readable text (an HTML page with no paragraphs).")
    sha256 = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(shown, "html", sha256, tuple(lines), [Page(1, 1, len(lines))], paragraphs, footnotes, {})


# -------------------------------------------------------------------------------------------- PDF


def _num(w: dict[str, object], key: str) -> float:
    v = w[key]
    return float(v) if isinstance(v, int | float | str) else 0.0


def _x0(w: dict[str, object]) -> float:
    return _num(w, "x0")


def parse_pdf(raw: bytes, shown: str = "<pdf>", sha256: str = "") -> Document:
    """Parse a PDF with pdfplumber: body and footnotes told apart by font size.

    Notes
    -----
    Lines are rebuilt from words grouped by their top coordinate. The body font size is the most
    common size on the page; a line in a smaller font below the body is a footnote line (a new
    footnote starts with its number); a digit in a small font glued to a body word is a marker. A
    first line repeated on most pages is a running header; a line of digits alone is a page number.
    """
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a declared dependency
        raise DocumentError("reading PDFs needs pdfplumber: pip install pdfplumber") from None
    sha256 = sha256 or hashlib.sha256(raw).hexdigest()
    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
        page_lines: list[list[tuple[float, list[dict[str, object]]]]] = []
        with pdf:
            for page in pdf.pages:
                words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False, use_text_flow=True)
                rows: dict[int, list[dict[str, object]]] = {}
                for w in words:
                    rows.setdefault(round(_num(w, "bottom") / 2), []).append(w)
                ordered = sorted(rows.items())
                page_lines.append([(float(k), sorted(v, key=_x0)) for k, v in ordered])
    except DocumentError:
        raise
    except Exception as exc:
        raise DocumentError(
            f"{shown} is not a readable PDF ({type(exc).__name__}: {str(exc)[:120] or 'no detail'}). "
            "The file may be corrupt or truncated: download or export it again."
        ) from None
    if not any(page_lines):
        raise DocumentError(f"{shown} has no extractable text (a scanned PDF needs OCR first).")
    sizes = Counter(round(_num(w, "size"), 1) for pl in page_lines for _, ws in pl for w in ws)
    body_size = sizes.most_common(1)[0][0]
    firsts = Counter(" ".join(str(w["text"]) for w in pl[0][1]) for pl in page_lines if pl)
    header = {t for t, c in firsts.items() if c >= max(2, (len(page_lines) + 1) // 2) and len(page_lines) > 1}
    text_lines: list[str] = []
    body: list[tuple[int, str]] = []
    breaks_after: set[int] = set()
    page_starts: list[int] = []
    foot_builds: list[_FootBuild] = []
    glued: list[tuple[int, int, int]] = []  # (line, column, number) of small-font markers
    removed: Counter[str] = Counter()
    for pl in page_lines:
        page_starts.append(len(text_lines) + 1)
        for k, (_, ws) in enumerate(pl):
            texts = [str(w["text"]) for w in ws]
            joined = " ".join(texts)
            line_no = len(text_lines) + 1
            text_lines.append(joined)
            if k == 0 and joined in header:
                removed["header_lines"] += 1
                continue
            if re.fullmatch(r"\d{1,4}", joined.strip()):
                removed["page_numbers"] += 1
                continue
            line_size = statistics.median(_num(w, "size") for w in ws)
            if line_size < body_size * 0.9:
                m = re.match(r"^(\d{1,3})\s+(.*)$", joined)
                if m:
                    foot_builds.append(_FootBuild(int(m.group(1)), line_no, [m.group(2)]))
                elif foot_builds:
                    foot_builds[-1].parts.append(joined)
                continue
            line_text = ""
            prev_x1: float | None = None
            for w in ws:
                t = str(w["text"])
                small = _num(w, "size") < body_size * 0.8
                gap = _num(w, "x0") - prev_x1 if prev_x1 is not None else 99.0
                if small and re.fullmatch(r"\d{1,3}", t) and gap < 1.5:
                    glued.append((line_no, len(line_text), int(t)))
                    line_text += t  # a superscript marker: glue it to its word, as text extraction does
                else:
                    line_text = f"{line_text} {t}" if line_text else t
                prev_x1 = _num(w, "x1")
            text_lines[-1] = line_text
            body.append((line_no, line_text))
        if body:
            breaks_after.add(len(body) - 1)
    footnotes = {fb.number: _finish_footnote(fb) for fb in foot_builds}
    # Markers in small type are certain: make them glued digits the text rules will find, in order.
    paras = _paragraphs(body, breaks_after, page_starts)
    paragraphs, missing = _attach_markers(paras, set(footnotes))
    pages = [
        Page(k + 1, s, (page_starts[k + 1] - 1) if k + 1 < len(page_starts) else len(text_lines))
        for k, s in enumerate(page_starts)
    ]
    doc = Document(
        shown, "pdf", sha256, tuple(text_lines), pages, paragraphs, footnotes, dict(removed), missing
    )
    doc.removed["small_font_markers"] = len(glued)
    return doc
