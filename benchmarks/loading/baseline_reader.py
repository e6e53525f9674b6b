"""The case-file reader as it was before the bounded reader (commit d8da3f8), kept as the benchmark's baseline.

Only for ``benchmarks/loading/run.py``: PyYAML's pure-Python ``SafeLoader`` composes the whole node
graph, then constructs each record. Two shims let today's callers run it: ``Located.line_of_path`` and
``Located.bad``. Do not import it from the library.

Read case files (YAML lists, CSV tables) keeping the line of every record and field.

Errors are never tracebacks: a file that cannot be parsed, a record of the wrong shape or a
field that fails validation becomes a :class:`~dialoguelab.errors.Problem` naming the file,
the line and the field.
"""

from __future__ import annotations

__all__ = [
    "Located",
    "read_yaml_records",
    "read_yaml_mapping",
    "read_yaml_list",
    "read_csv_records",
    "validate_records",
    "MAX_FILE_BYTES",
]

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from dialoguelab.errors import Problem

MAX_FILE_BYTES = 20 * 1024 * 1024
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Located:
    """One raw record with where it came from."""

    data: Any
    file: str
    line: int
    field_lines: dict[str, int] = field(default_factory=dict)

    bad: bool = False  # shim: the new reader's flag, never set here

    def line_of(self, name: str | int | None) -> int:
        if isinstance(name, str) and name in self.field_lines:
            return self.field_lines[name]
        return self.line

    def line_of_path(self, path: Any) -> int:  # shim: the new reader's nested lines
        return self.line_of(path[0] if path else None)


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    return str(path)


def _read_text(path: Path, shown: str, problems: list[Problem]) -> str | None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.append(Problem(shown, 0, "", f"cannot read the file: {exc.strerror or exc}"))
        return None
    if size > MAX_FILE_BYTES:
        problems.append(Problem(shown, 0, "", f"file is {size} bytes; the limit is {MAX_FILE_BYTES}"))
        return None
    raw = path.read_bytes()
    if b"\x00" in raw:
        problems.append(Problem(shown, 0, "", "file is binary (it contains NUL bytes); expected UTF-8 text"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(shown, line, "", f"not valid UTF-8 at byte {exc.start}: save the file as UTF-8"))
        return None


def _compose(text: str, shown: str, problems: list[Problem]) -> tuple[yaml.Node | None, yaml.SafeLoader | None]:
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        problems.append(
            Problem(shown, line, "", f"YAML cannot hold this character: {exc.reason} (#x{exc.character:04x})")
        )
        return None, None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problems.append(Problem(shown, line, "", f"YAML syntax error: {exc.problem or exc}"))
        loader.dispose()
        return None, None
    except yaml.YAMLError as exc:
        problems.append(Problem(shown, 0, "", f"YAML error: {exc}"))
        loader.dispose()
        return None, None
    return node, loader


def _construct(loader: yaml.SafeLoader, node: yaml.Node, shown: str, problems: list[Problem]) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        problems.append(Problem(shown, node.start_mark.line + 1, "", f"YAML value error: {exc}"))
        return None
    except (ValueError, TypeError) as exc:  # e.g. an impossible date such as 2008-02-30
        problems.append(Problem(shown, node.start_mark.line + 1, "", f"invalid value: {exc}"))
        return None


def _field_lines(node: yaml.Node, deep: bool = False, prefix: str = "") -> dict[str, int]:
    """Line of each field of a mapping node; with ``deep``, of every nested field as a dotted path
    (``actors.3.salience.value``)."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                name = prefix + str(key.value)
                lines[name] = key.start_mark.line + 1
                if deep:
                    lines.update(_field_lines(value, True, name + "."))
    elif deep and isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[prefix + str(i)] = item.start_mark.line + 1
            lines.update(_field_lines(item, True, f"{prefix}{i}."))
    return lines


def read_yaml_records(path: Path, problems: list[Problem], root: Path | None = None) -> list[Located]:
    """Read a YAML file whose top level is a list of mappings; one :class:`Located` per item.

    An empty file is an empty list. Problems are appended to ``problems``.
    """
    shown = _display(path, root)
    text = _read_text(path, shown, problems)
    if text is None:
        return []
    node, loader = _compose(text, shown, problems)
    if loader is None:
        return []
    try:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            problems.append(
                Problem(shown, node.start_mark.line + 1, "", "expected a list of records (items starting with '- ')")
            )
            return []
        out: list[Located] = []
        for item in node.value:
            line = item.start_mark.line + 1
            if not isinstance(item, yaml.MappingNode):
                problems.append(Problem(shown, line, "", "expected a record (a mapping of field: value)"))
                continue
            data = _construct(loader, item, shown, problems)
            if data is None:
                continue
            out.append(Located(data, shown, line, _field_lines(item)))
        return out
    finally:
        loader.dispose()


def read_yaml_mapping(
    path: Path, problems: list[Problem], root: Path | None = None, *, deep_lines: bool = False
) -> Located | None:
    """Read a YAML file whose top level is one mapping.

    ``deep_lines=True`` records the line of every nested field as a dotted path in ``field_lines``.
    """
    shown = _display(path, root)
    text = _read_text(path, shown, problems)
    if text is None:
        return None
    node, loader = _compose(text, shown, problems)
    if loader is None:
        return None
    try:
        if not isinstance(node, yaml.MappingNode):
            line = node.start_mark.line + 1 if node is not None else 1
            problems.append(Problem(shown, line, "", "expected a mapping of field: value"))
            return None
        data = _construct(loader, node, shown, problems)
        if data is None:
            return None
        return Located(data, shown, node.start_mark.line + 1, _field_lines(node, deep_lines))
    finally:
        loader.dispose()


def read_yaml_list(path: Path, key: str, problems: list[Problem], root: Path | None = None) -> list[Located]:
    """Read a YAML file whose top level is a mapping holding a list of records under ``key``.

    One :class:`Located` per item (``bodies:`` of ``organizations.yaml``, ``sources:`` of a
    ``sources.yaml``); an absent or empty list is an empty list.
    """
    shown = _display(path, root)
    text = _read_text(path, shown, problems)
    if text is None:
        return []
    node, loader = _compose(text, shown, problems)
    if loader is None:
        return []
    try:
        if node is None:
            return []
        if not isinstance(node, yaml.MappingNode):
            line = node.start_mark.line + 1
            problems.append(Problem(shown, line, "", f"expected a mapping with a list under {key!r}"))
            return []
        items: yaml.Node | None = None
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                items = v
        if items is None or (isinstance(items, yaml.ScalarNode) and items.value in ("", "null", "~")):
            return []
        if not isinstance(items, yaml.SequenceNode):
            problems.append(Problem(shown, items.start_mark.line + 1, key, f"expected a list under {key!r}"))
            return []
        out: list[Located] = []
        for item in items.value:
            line = item.start_mark.line + 1
            if not isinstance(item, yaml.MappingNode):
                problems.append(Problem(shown, line, key, "expected a record (a mapping of field: value)"))
                continue
            data = _construct(loader, item, shown, problems)
            if data is not None:
                out.append(Located(data, shown, line, _field_lines(item)))
        return out
    finally:
        loader.dispose()


def read_csv_records(path: Path, problems: list[Problem], root: Path | None = None) -> list[Located]:
    """Read a CSV file with a header; one :class:`Located` per row (line = physical line of the row)."""
    shown = _display(path, root)
    text = _read_text(path, shown, problems)
    if text is None:
        return []
    out: list[Located] = []
    reader = csv.DictReader(text.splitlines(keepends=True))
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                problems.append(Problem(shown, line, "", "row has more cells than the header"))
                continue
            out.append(Located({k: (v if v != "" else None) for k, v in row.items()}, shown, line))
    except csv.Error as exc:
        problems.append(Problem(shown, reader.line_num, "", f"CSV error: {exc}"))
    return out


def _loc_field(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc)


def validate_records(records: Iterable[Located], model: type[M], problems: list[Problem]) -> list[tuple[M, Located]]:
    """Validate raw records against a pydantic model; each failure becomes a located problem."""
    out: list[tuple[M, Located]] = []
    for rec in records:
        try:
            out.append((model.model_validate(rec.data), rec))
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = tuple(err.get("loc", ()))
                top = loc[0] if loc else None
                msg = err.get("msg", "invalid")
                if err.get("type") == "extra_forbidden":
                    allowed = ", ".join(model.model_fields)
                    msg = f"unknown field (allowed: {allowed})"
                elif err.get("type") == "missing":
                    msg = "required field is missing"
                name = _loc_field(loc) or "(record)"
                problems.append(Problem(rec.file, rec.line_of(top), name, msg))
    return out
