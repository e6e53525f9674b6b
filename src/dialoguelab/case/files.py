"""Read case files (YAML lists, CSV tables) keeping the line of every record and field.

Errors are never tracebacks: a file that cannot be read or parsed, a record of the wrong shape or a
field that fails validation becomes a :class:`~dialoguelab.errors.Problem` naming the file, the line
and the field.

Every read is bounded by construction:

* a file is read through :func:`read_file_bytes`, which reads at most its size limit plus one byte
  (so a file that grows, lies about its size or is a device never makes the reader read more) and
  refuses anything that is not a regular file (a pipe would block, a device never ends);
* text is strict UTF-8 (a byte-order mark is dropped) and holds no NUL byte;
* YAML is parsed once, from the event stream of the C parser (libyaml, through PyYAML's
  ``CParser``; PyYAML's pure-Python parser when libyaml is absent), by a composer that keeps an
  explicit stack instead of recursing. It refuses, with the line: nesting deeper than
  :data:`MAX_DEPTH`, anchors and aliases (an alias can expand a small file into billions of
  nodes), duplicate keys, tags other than YAML's plain types, keys that are lists or mappings,
  timestamps with a time of day, and more than one document. Parsing is linear in the size of the
  file.
"""

from __future__ import annotations

__all__ = [
    "Located",
    "LineTree",
    "file_present",
    "hash_file",
    "read_file_bytes",
    "read_file_text",
    "parse_yaml",
    "read_yaml_records",
    "read_yaml_mapping",
    "read_yaml_list",
    "read_csv_records",
    "validate_records",
    "yaml_backend",
    "MAX_FILE_BYTES",
    "MAX_TEXT_BYTES",
    "MAX_DEPTH",
]

import csv
import datetime as dt
import io
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from dialoguelab.errors import Problem

#: PyYAML's binding of the C parser (libyaml), or ``None`` when PyYAML was built without it.
_CParser: Any = getattr(yaml, "CParser", None) or getattr(getattr(yaml, "cyaml", None), "CParser", None)

#: Largest YAML or CSV file a case may hold, in bytes (the largest shipped file is about 60 kB).
MAX_FILE_BYTES = 8 * 1024 * 1024
#: Largest text a locator may point into (the paper, ``texts/*``), in bytes.
MAX_TEXT_BYTES = 8 * 1024 * 1024
#: Deepest nesting of lists and mappings a YAML case file may use (the shipped files use at most 5).
MAX_DEPTH = 64

#: Parse with libyaml when PyYAML has it (tests and the benchmark switch it off to use the fallback).
USE_LIBYAML = _CParser is not None

M = TypeVar("M", bound=BaseModel)

_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP = (
    _TAG + t for t in ("str", "null", "bool", "int", "float", "timestamp")
)
_SCALAR_TAGS = {_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP}
_RESOLVER = yaml.resolver.Resolver()
_IMPLICIT_FIRST = frozenset(k for k in _RESOLVER.yaml_implicit_resolvers if k)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def yaml_backend() -> str:
    """``"libyaml"`` when YAML files are parsed by the C parser, ``"python"`` for PyYAML's own."""
    return "libyaml" if USE_LIBYAML and _CParser is not None else "python"


class LineTree:
    """Where a YAML list or mapping and everything in it is: 1-based lines, kept beside the data.

    ``children`` maps a key's text to ``(line of the key, tree of its value)`` for a mapping, and is a
    list of the items' trees for a list; a scalar's tree is its line (an ``int``). ``bad`` is set when
    a value inside could not be read (the problem is already reported).
    """

    __slots__ = ("line", "children", "bad")

    def __init__(self, line: int, children: dict[str, tuple[int, LineTree | int]] | list[LineTree | int]):
        self.line = line
        self.children = children
        self.bad = False

    def field_lines(self, deep: bool = False, prefix: str = "") -> dict[str, int]:
        """Line of each field of a mapping; with ``deep``, of every nested field and item as a dotted
        path (``actors.3.salience.value``)."""
        out: dict[str, int] = {}
        if isinstance(self.children, dict):
            for name, (line, sub) in self.children.items():
                out[prefix + name] = line
                if deep and isinstance(sub, LineTree):
                    out.update(sub.field_lines(True, f"{prefix}{name}."))
        elif deep:
            for i, sub in enumerate(self.children):
                out[f"{prefix}{i}"] = sub if isinstance(sub, int) else sub.line
                if isinstance(sub, LineTree):
                    out.update(sub.field_lines(True, f"{prefix}{i}."))
        return out

    def line_of(self, path: Sequence[str | int]) -> int:
        """The line of the deepest part of ``path`` (keys and list indices) found in the tree."""
        node: LineTree | int = self
        line = self.line
        for part in path:
            if not isinstance(node, LineTree):
                break
            children = node.children
            if isinstance(children, dict):
                hit = children.get(str(part))
                if hit is None:
                    break
                line, node = hit
            else:
                if not isinstance(part, int) or not 0 <= part < len(children):
                    break
                node = children[part]
                line = node if isinstance(node, int) else node.line
        return line


@dataclass(frozen=True)
class Located:
    """One raw record with where it came from."""

    data: Any
    file: str
    line: int
    field_lines: dict[str, int] = field(default_factory=dict)
    tree: LineTree | None = field(default=None, compare=False, repr=False)
    #: a value inside could not be read (its problem is reported): :func:`validate_records` skips it,
    #: while its id still counts for cross-references (no cascade of "unknown id" problems)
    bad: bool = False

    def line_of(self, name: str | int | None) -> int:
        """Line of a top-level field (the record's line when the field is absent)."""
        if isinstance(name, str) and name in self.field_lines:
            return self.field_lines[name]
        return self.line

    def line_of_path(self, path: Sequence[str | int]) -> int:
        """Line of a nested field (``("admission", 1, "organ", "list")``), or of its nearest parent."""
        if self.tree is None:
            return self.line_of(path[0] if path else None)
        return self.tree.line_of(path)


def file_present(path: Path) -> bool:
    """Whether something other than a folder is at ``path`` (a file, a link, even a broken one, a pipe
    or a device): the readers then read it or say why they cannot, instead of calling it missing."""
    return os.path.lexists(path) and not path.is_dir()


def hash_file(h: Any, path: Path) -> None:
    """Add a file's size and its first ``max(MAX_FILE_BYTES, MAX_TEXT_BYTES) + 1`` bytes to the hash ``h``.

    What a reader would read, bounded in memory and time whatever the file holds (a file past the
    limit is refused by the readers, so bytes beyond it never decide what a valid case holds).
    """
    try:
        with path.open("rb") as fh:
            h.update(str(os.fstat(fh.fileno()).st_size).encode())
            left = max(MAX_FILE_BYTES, MAX_TEXT_BYTES) + 1
            while left > 0:
                chunk = fh.read(min(left, 1 << 20))
                if not chunk:
                    break
                h.update(chunk)
                left -= len(chunk)
    except OSError as exc:
        h.update(f"<unreadable: {exc.strerror}>".encode())


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    return str(path)


def read_file_bytes(path: Path, shown: str, problems: list[Problem], limit: int = MAX_FILE_BYTES) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes, or ``None`` with a located problem.

    At most ``limit + 1`` bytes are read, whatever the file system says of the file's size, so the
    memory used is bounded even by a file that grows while it is read. Pipes, sockets and devices are
    refused before anything is read (a pipe would block, ``/dev/zero`` never ends), as are folders.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        problems.append(Problem(shown, 0, "", f"cannot read the file: {exc.strerror or exc}"))
        return None
    with os.fdopen(fd, "rb", buffering=0) as fh:
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                problems.append(Problem(shown, 0, "", "is a folder; a file was expected here"))
                return None
            if not stat.S_ISREG(mode):
                problems.append(
                    Problem(shown, 0, "", "is not a regular file (a pipe, socket or device): replace it with a file")
                )
                return None
            chunks: list[bytes] = []
            left = limit + 1
            while left > 0:
                chunk = fh.read(min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
        except OSError as exc:
            problems.append(Problem(shown, 0, "", f"cannot read the file: {exc.strerror or exc}"))
            return None
    raw = b"".join(chunks)
    if len(raw) > limit:
        problems.append(
            Problem(shown, 0, "", f"file is larger than the limit of {limit} bytes: split it or shorten it")
        )
        return None
    return raw


def _decode(raw: bytes, shown: str, problems: list[Problem]) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw[:nul].count(b"\n") + 1
        problems.append(Problem(shown, line, "", "file is binary (it contains NUL bytes); expected UTF-8 text"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(shown, line, "", f"not valid UTF-8 at byte {exc.start}: save the file as UTF-8"))
        return None


def read_file_text(path: Path, shown: str, problems: list[Problem], limit: int = MAX_FILE_BYTES) -> str | None:
    """The text of a UTF-8 file of at most ``limit`` bytes, or ``None`` with a located problem."""
    raw = read_file_bytes(path, shown, problems, limit)
    return None if raw is None else _decode(raw, shown, problems)


# --- YAML -----------------------------------------------------------------------------------------


class _Stop(Exception):
    """Raised inside the composer to abandon a file after its one fatal problem."""


class _Frame:
    __slots__ = ("obj", "tree", "children", "is_map", "key", "key_text", "key_line", "skip")

    def __init__(self, obj: Any, tree: LineTree, is_map: bool):
        self.obj = obj
        self.tree = tree
        self.children: Any = tree.children
        self.is_map = is_map
        self.key: Any = _NO_KEY
        self.key_text = ""
        self.key_line = 0
        self.skip = False


_NO_KEY = object()
_ANCHOR = "anchors (&%s) are not allowed in case files: write each value out in full"


def _path(stack: list[_Frame], skip: int) -> str:
    parts: list[str] = []
    for frame in stack:
        if frame.is_map:
            if frame.key is not _NO_KEY:
                parts.append(frame.key_text)
        else:
            parts.append(str(len(frame.obj)))
    return ".".join(parts[skip:])


_PLAIN: dict[str, Any] = {}  # short plain scalars already read (dates, numbers): immutable values


def _plain(ev: yaml.ScalarEvent) -> Any:
    """The value of an untagged plain scalar that may be a number, a date, a boolean or null."""
    value = ev.value
    if len(value) > 32:
        return _scalar(ev)[0]
    try:
        return _PLAIN[value]
    except KeyError:
        out = _PLAIN[value] = _scalar(ev)[0]  # a value that cannot be read raises: nothing is kept
        if len(_PLAIN) > 1 << 14:
            _PLAIN.clear()
        return out


def _scalar(ev: yaml.ScalarEvent) -> tuple[Any, str]:
    """The value of a scalar event and its resolved tag; ``ValueError`` for a value that cannot be."""
    tag = ev.tag
    value = ev.value
    if tag is None or tag == "!":
        if not ev.implicit[0] or (value and value[0] not in _IMPLICIT_FIRST):
            return value, _STR
        tag = _RESOLVER.resolve(yaml.ScalarNode, value, ev.implicit)
    if tag == _STR:
        return value, tag
    if tag not in _SCALAR_TAGS:
        if tag in (_TAG + "merge", _TAG + "value"):
            raise ValueError(f"{value!r} is a YAML 1.1 special key ({tag[len(_TAG):]}): quote it if it is text")
        raise ValueError(f"the YAML tag {tag} is not allowed in a case file: remove the tag")
    node = yaml.ScalarNode(tag, value)
    if tag == _NULL:
        return None, tag
    if tag == _BOOL:
        return _CONSTRUCTOR.construct_yaml_bool(node), tag
    if tag == _INT:
        return _CONSTRUCTOR.construct_yaml_int(node), tag
    if tag == _FLOAT:
        return _CONSTRUCTOR.construct_yaml_float(node), tag
    out = _CONSTRUCTOR.construct_yaml_timestamp(node)
    if isinstance(out, dt.datetime):
        raise ValueError(
            f"{value} is a date with a time; case files hold dates without times (YYYY-MM-DD): "
            "drop the time, or quote the value if it is text"
        )
    return out, tag


def _parser(raw: bytes, text: str) -> Any:
    if USE_LIBYAML and _CParser is not None:
        return _CParser(raw)
    return yaml.SafeLoader(text)


def parse_yaml(
    raw: bytes, text: str, shown: str, problems: list[Problem], *, path_skip: int = 0
) -> tuple[Any, LineTree | int | None] | None:
    """Parse one YAML document into plain values and a :class:`LineTree` of their lines.

    ``raw`` is the file's bytes and ``text`` the same decoded (the C parser reads the bytes, the
    pure-Python one the text). Returns ``(value, tree)`` (``(None, None)`` for an empty document)
    or ``None`` when the file cannot be read as a whole; every problem is appended to ``problems``
    with its line. Problems with one value (an impossible date, a duplicate key) are reported and
    the containing lists and mappings are marked ``bad`` (a duplicate key keeps its first value and
    marks nothing); anchors, aliases, nesting deeper than
    :data:`MAX_DEPTH`, a second document and syntax errors end the parse. ``path_skip`` drops that
    many leading parts from the field paths of reported problems (the record's index in a list).

    Notes
    -----
    The composer keeps an explicit stack, so the nesting depth never reaches Python's recursion
    limit, and every event is handled once, so the time is linear in the size of the file. It
    mirrors PyYAML's ``Composer`` and ``SafeConstructor`` (YAML 1.1 implicit types, same lines) but
    builds no node graph.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if text.startswith("\ufeff"):
        text = text[1:]
    stack: list[_Frame] = []
    holder = _Frame([], LineTree(0, []), False)  # holds the document's root value
    documents = 0
    parser: Any = None

    def stop(line: int, message: str) -> None:
        problems.append(Problem(shown, line, _path(stack, path_skip), message))
        raise _Stop

    def mark_bad() -> None:
        for frame in stack:
            frame.tree.bad = True

    def duplicate(top: _Frame, text_key: str, line: int) -> None:
        first = top.children.get(text_key, (0, 0))[0] or top.tree.line
        where = _path(stack, path_skip)
        problems.append(
            Problem(
                shown,
                line,
                f"{where}.{text_key}" if where else text_key,
                f"duplicate key {text_key!r} (first on line {first}): give each field once",
            )
        )
        top.skip = True  # the first value stays, so the record is still checked

    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    plain_first = _IMPLICIT_FIRST
    no_key = _NO_KEY
    try:
        try:
            parser = _parser(raw, text)
            get_event = parser.get_event
            top = holder
            while True:
                ev = get_event()
                kind = type(ev)
                if kind is scalar_event:
                    line = ev.start_mark.line + 1
                    if ev.anchor is not None:
                        stop(line, _ANCHOR % ev.anchor)
                    value = ev.value
                    if ev.tag is not None or (ev.implicit[0] and (not value or value[0] in plain_first)):
                        try:
                            value = _scalar(ev)[0] if ev.tag is not None else _plain(ev)
                        except (ValueError, TypeError, OverflowError, yaml.YAMLError) as exc:
                            problems.append(Problem(shown, line, _path(stack, path_skip), f"invalid value: {exc}"))
                            mark_bad()
                            value = None
                    if not top.is_map:
                        top.obj.append(value)
                        top.children.append(line)
                    elif top.key is no_key:
                        if value in top.obj:
                            duplicate(top, ev.value, line)
                        top.key, top.key_text, top.key_line = value, ev.value, line
                    else:
                        if not top.skip:
                            top.obj[top.key] = value
                            top.children[top.key_text] = (top.key_line, line)
                        top.key, top.skip = no_key, False
                elif kind is map_start or kind is seq_start:
                    line = ev.start_mark.line + 1
                    is_map = kind is map_start
                    if ev.anchor is not None:
                        stop(line, _ANCHOR % ev.anchor)
                    if ev.tag not in (None, "!", _TAG + ("map" if is_map else "seq")):
                        stop(line, f"the YAML tag {ev.tag} is not allowed in a case file: remove the tag")
                    if len(stack) >= MAX_DEPTH:
                        stop(line, f"lists and mappings are nested more than {MAX_DEPTH} levels deep: flatten the data")
                    if top.is_map and top.key is no_key:
                        stop(line, "a key must be a plain value, not a list or a mapping")
                    top = _Frame({} if is_map else [], LineTree(line, {} if is_map else []), is_map)
                    stack.append(top)
                elif kind is map_end or kind is seq_end:
                    frame = stack.pop()
                    top = stack[-1] if stack else holder
                    if frame.tree.bad:
                        top.tree.bad = True
                    if not top.is_map:
                        top.obj.append(frame.obj)
                        top.children.append(frame.tree)
                    else:  # a list or mapping as a key was refused when it started
                        if not top.skip:
                            top.obj[top.key] = frame.obj
                            top.children[top.key_text] = (top.key_line, frame.tree)
                        top.key, top.skip = no_key, False
                elif kind is alias_event:
                    stop(ev.start_mark.line + 1,
                         f"aliases (*{ev.anchor}) are not allowed in case files: write the value out in full")
                elif kind is yaml.DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        stack.clear()
                        stop(ev.start_mark.line + 1,
                             "a case file holds one YAML document: remove the second '---' and what follows")
                elif kind is yaml.StreamEndEvent:
                    break
        except yaml.reader.ReaderError as exc:
            pos = exc.position
            before = raw[:pos].count(b"\n") if parser is not None and _is_c(parser) else text[:pos].count("\n")
            problems.append(
                Problem(shown, before + 1, "", f"YAML cannot hold this character: {exc.reason} (#x{exc.character:04x})")
            )
            return None
        except yaml.MarkedYAMLError as exc:
            line, message = _syntax_error(exc)
            problems.append(Problem(shown, line, "", message))
            return None
        except yaml.YAMLError as exc:
            problems.append(Problem(shown, 0, "", f"YAML error: {exc}"))
            return None
        except MemoryError:  # pragma: no cover - the size limit keeps a file far below this
            problems.append(Problem(shown, 0, "", "the file is too large to parse"))
            return None
    except _Stop:
        return None
    finally:
        if parser is not None and hasattr(parser, "dispose"):
            parser.dispose()
    if not holder.obj:
        return None, None
    return holder.obj[0], holder.children[0]


def _syntax_error(exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """The line and message of a syntax error, the same with either parser.

    An unclosed bracket or quote is reported where it opens (``while parsing a flow sequence``, ``while
    scanning a quoted scalar``): that is where the fix goes, and where both parsers agree (each finds
    the missing ``]`` at a different later point). Other errors are reported where they are found.
    """
    problem = exc.problem_mark.line + 1 if exc.problem_mark is not None else 0
    context = exc.context_mark.line + 1 if exc.context_mark is not None else 0
    text = f"YAML syntax error: {exc.problem or exc}"
    opened = exc.context is not None and ("flow" in exc.context or "quoted" in exc.context)
    if opened and context:
        if problem and problem != context:
            text += f" (line {problem}), {exc.context} that starts on line {context}"
        return context, text
    return problem or context, text


def _is_c(parser: Any) -> bool:
    return _CParser is not None and isinstance(parser, _CParser)


def _load_yaml(
    path: Path, problems: list[Problem], root: Path | None, path_skip: int, limit: int
) -> tuple[str, Any, LineTree | int | None] | None:
    shown = _display(path, root)
    raw = read_file_bytes(path, shown, problems, limit)
    if raw is None:
        return None
    text = _decode(raw, shown, problems)
    if text is None:
        return None
    parsed = parse_yaml(raw, text, shown, problems, path_skip=path_skip)
    if parsed is None:
        return None
    return shown, parsed[0], parsed[1]


def _records(items: LineTree, values: list[Any], shown: str, field_name: str, problems: list[Problem]) -> list[Located]:
    out: list[Located] = []
    assert isinstance(items.children, list)
    for value, sub in zip(values, items.children, strict=True):
        line = sub if isinstance(sub, int) else sub.line
        if not isinstance(value, dict) or not isinstance(sub, LineTree):
            problems.append(Problem(shown, line, field_name, "expected a record (a mapping of field: value)"))
            continue
        children = sub.children
        assert isinstance(children, dict)
        out.append(Located(value, shown, line, {k: v[0] for k, v in children.items()}, sub, sub.bad))
    return out


def read_yaml_records(
    path: Path, problems: list[Problem], root: Path | None = None, *, limit: int = MAX_FILE_BYTES
) -> list[Located]:
    """Read a YAML file whose top level is a list of mappings; one :class:`Located` per item.

    An empty file is an empty list. Problems are appended to ``problems``; a record holding a value
    that cannot be read is left out (its problem names the line).
    """
    loaded = _load_yaml(path, problems, root, 1, limit)
    if loaded is None:
        return []
    shown, value, tree = loaded
    if tree is None:
        return []
    if not isinstance(value, list) or not isinstance(tree, LineTree):
        line = tree if isinstance(tree, int) else tree.line
        problems.append(Problem(shown, line, "", "expected a list of records (items starting with '- ')"))
        return []
    return _records(tree, value, shown, "", problems)


def read_yaml_mapping(
    path: Path,
    problems: list[Problem],
    root: Path | None = None,
    *,
    deep_lines: bool = False,
    limit: int = MAX_FILE_BYTES,
) -> Located | None:
    """Read a YAML file whose top level is one mapping.

    ``deep_lines=True`` records the line of every nested field as a dotted path in ``field_lines``
    (:meth:`Located.line_of_path` finds nested lines either way).
    """
    loaded = _load_yaml(path, problems, root, 0, limit)
    if loaded is None:
        return None
    shown, value, tree = loaded
    if not isinstance(value, dict) or not isinstance(tree, LineTree):
        line = 1 if tree is None else tree if isinstance(tree, int) else tree.line
        problems.append(Problem(shown, line, "", "expected a mapping of field: value"))
        return None
    if tree.bad:
        return None
    return Located(value, shown, tree.line, tree.field_lines(deep_lines), tree)


def read_yaml_list(
    path: Path,
    key: str,
    problems: list[Problem],
    root: Path | None = None,
    *,
    limit: int = MAX_FILE_BYTES,
) -> list[Located]:
    """Read a YAML file whose top level is a mapping holding a list of records under ``key``.

    One :class:`Located` per item (``bodies:`` of ``organizations.yaml``, ``sources:`` of a
    ``sources.yaml``); an absent or empty list is an empty list. Any other key at the top level is
    an error (a misspelt key would otherwise hide the whole list).
    """
    loaded = _load_yaml(path, problems, root, 2, limit)
    if loaded is None:
        return []
    shown, value, tree = loaded
    if tree is None:
        return []
    if not isinstance(value, dict) or not isinstance(tree, LineTree):
        line = tree if isinstance(tree, int) else tree.line
        problems.append(Problem(shown, line, "", f"expected a mapping with a list under {key!r}"))
        return []
    assert isinstance(tree.children, dict)
    for name, (line, _sub) in tree.children.items():
        if name != key:
            problems.append(
                Problem(shown, line, name, f"unknown top-level key {name!r}: this file holds only {key!r}")
            )
    if key not in tree.children or value.get(key) is None:
        return []
    line, items = tree.children[key]
    if not isinstance(value[key], list) or not isinstance(items, LineTree):
        problems.append(Problem(shown, line, key, f"expected a list under {key!r}"))
        return []
    return _records(items, value[key], shown, key, problems)


def read_csv_records(
    path: Path, problems: list[Problem], root: Path | None = None, *, limit: int = MAX_FILE_BYTES
) -> list[Located]:
    """Read a CSV file with a header; one :class:`Located` per row (line = physical line where the row
    ends). A column named twice in the header is an error."""
    shown = _display(path, root)
    text = read_file_text(path, shown, problems, limit)
    if text is None:
        return []
    out: list[Located] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return []
        seen: set[str] = set()
        for name in header:
            if name in seen:
                problems.append(Problem(shown, reader.line_num, name, f"column {name!r} is named twice in the header"))
                return []
            seen.add(name)
        width = len(header)
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            if len(row) > width:
                problems.append(Problem(shown, line, "", "row has more cells than the header"))
                continue
            if len(row) < width:
                row += [""] * (width - len(row))
            out.append(Located({k: v or None for k, v in zip(header, row, strict=True)}, shown, line))
    except csv.Error as exc:
        problems.append(Problem(shown, reader.line_num, "", f"CSV error: {exc}"))
    return out


def _loc_field(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc)


def validate_records(records: Iterable[Located], model: type[M], problems: list[Problem]) -> list[tuple[M, Located]]:
    """Validate raw records against a pydantic model; each failure becomes a located problem.

    The line is the one of the field the error is about, however deeply nested.
    """
    out: list[tuple[M, Located]] = []
    for rec in records:
        if rec.bad:
            continue
        try:
            out.append((model.model_validate(rec.data), rec))
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = tuple(err.get("loc", ()))
                msg = err.get("msg", "invalid")
                if err.get("type") == "extra_forbidden":
                    if len(loc) == 1:
                        allowed = ", ".join(f.alias or n for n, f in model.model_fields.items())
                        msg = f"unknown field (allowed: {allowed})"
                    else:
                        msg = "unknown field: remove it or check its spelling"
                elif err.get("type") == "missing":
                    msg = "required field is missing"
                name = _loc_field(loc) or "(record)"
                problems.append(Problem(rec.file, rec.line_of_path(loc), name, msg))
    return out
