"""Property-based: whatever a case file holds, reading it ends in located problems or a valid load.

Every file kind a case reads is fuzzed: the evidence files (in the mini case, through ``check`` and
``load_case``) and the files of every part (membership CSVs and YAML, a ``world/organizations.yaml``
override, a forecast issue, ``blocs.yaml``, ``findings.yaml``, the scenarios of both engines, in a copy
of the built-in case, through each part's loader). Inputs: random bytes, random YAML documents, the
real file with random edits, deep nesting, anchors and aliases, huge scalars. The only exceptions
allowed are :class:`~dialoguelab.errors.CaseValidationError` whose problems name the file and the
line. Inputs are bounded in size so the suite stays fast; no deadline (``deadline=None``): speed is
measured in ``benchmarks/loading``, never here.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialoguelab.case import builtin_case_path, check_case, load_case
from dialoguelab.case.loader import Case
from dialoguelab.case.parts import registered_parts
from dialoguelab.errors import CaseValidationError, Problem
from dialoguelab.world import load_world
from dialoguelab.world.loader import WORLD_DIR

MINI = Path(__file__).resolve().parents[1] / "data" / "mini_case"
FILES = ["actors.yaml", "sources.yaml", "events/main.yaml", "quotations.yaml", "case.yaml"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=True), st.text(max_size=30)
)
yaml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=20,
)
FIELDS = ["id", "date", "type", "source_actors", "citations", "locator", "name", "kind", "number", "speaker", "text"]
# characters that change YAML's or CSV's structure, and a few that are not text at all
SYNTAX = st.sampled_from(
    ["[", "]", "{", "}", ":", ": ", ",", "-", "- ", "&a ", "*a", "!!", "!x ", "|", ">", "'", '"', "#", "%", "@", "`",
     "\t", "\n", "  ", "? ", "---\n", "<<: ", "\x00", "\x85", "\ufeff", "\x1b", "2024-01-01 10:00:00", "\r"]
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _fresh(tmp: Path) -> Path:
    dest = tmp / "case"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(MINI, dest)
    return dest


def _assert_located(case_dir: Path, target: str) -> None:
    report = check_case(case_dir)
    for p in report.problems:
        assert p.file and p.message
        assert p.line >= 0
    try:
        load_case(case_dir)
    except CaseValidationError as exc:
        assert exc.problems == report.problems
    else:
        assert report.ok


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(FILES), data=st.binary(max_size=300))
def test_random_bytes(tmp_path: Path, target: str, data: bytes) -> None:
    case_dir = _fresh(tmp_path)
    (case_dir / target).write_bytes(data)
    _assert_located(case_dir, target)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(FILES), value=yaml_values)
def test_random_yaml_documents(tmp_path: Path, target: str, value: object) -> None:
    case_dir = _fresh(tmp_path)
    (case_dir / target).write_text(yaml.safe_dump(value, allow_unicode=True), encoding="utf-8")
    _assert_located(case_dir, target)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    target=st.sampled_from(FILES[:4]),
    index=st.integers(0, 3),
    field=st.sampled_from(FIELDS),
    value=yaml_values,
)
def test_one_field_replaced_by_anything(tmp_path: Path, target: str, index: int, field: str, value: object) -> None:
    case_dir = _fresh(tmp_path)
    path = case_dir / target
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    records[index % len(records)][field] = value
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = check_case(case_dir)
    for p in report.problems:
        assert p.file == target or p.file.startswith(("events/", "quotations", "sources", "actors"))
        assert p.line >= 1 or "missing" in p.message


@FUZZ
@given(target=st.sampled_from(FILES), edits=st.lists(st.tuples(st.floats(0, 1), SYNTAX), min_size=1, max_size=5))
def test_evidence_files_with_random_edits(tmp_path: Path, target: str, edits: list[tuple[float, str]]) -> None:
    case_dir = _fresh(tmp_path)
    path = case_dir / target
    path.write_text(_edit(path.read_text(encoding="utf-8"), edits), encoding="utf-8")
    _assert_located(case_dir, target)


# --- the parts' files, in a copy of the built-in case --------------------------------------------


def _load_world(case: Case) -> None:
    load_world(case.root / "world")


def _part(name: str) -> Callable[[Case], Any]:
    return lambda case: registered_parts()[name].load(case)


#: every file kind of a part, with the loader that reads it (called directly: no cache in between)
PART_FILES: dict[str, Callable[[Case], Any]] = {
    "membership/recognitions.csv": _part("membership"),
    "membership/stances.yaml": _part("membership"),
    "membership/applicant_memberships.csv": _part("membership"),
    "membership/stages.csv": _part("membership"),
    "membership/sources.yaml": _part("membership"),
    "world/organizations.yaml": _load_world,
    "world/members.csv": _load_world,
    "forecast/un-membership.yaml": _part("forecast"),
    "blocs.yaml": _part("blocs"),
    "findings.yaml": _part("findings"),
    "membership/scenarios/russia-abstains-at-the-un.yaml": _part("membership_scenarios"),
    "forecast/scenarios/russia-steps-back.yaml": _part("forecast_scenarios"),
}


@pytest.fixture(scope="module")
def kosovo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Case]:
    root = tmp_path_factory.mktemp("fuzz") / "kosovo"
    shutil.copytree(builtin_case_path("kosovo"), root)
    (root / "world").mkdir()
    for name in ("organizations.yaml", "members.csv"):  # overrides identical to the built-in files
        shutil.copy(WORLD_DIR / name, root / "world" / name)
    case = load_case(root)
    for target, load in PART_FILES.items():
        load(case)  # each loads as shipped
        assert (root / target).is_file(), target
    yield case


def _part_reads(case: Case, target: str, data: bytes) -> None:
    """Write ``data`` into ``target``, read it with its part's loader, then put the file back."""
    path = case.root / target
    original = path.read_bytes()
    path.write_bytes(data)
    try:
        PART_FILES[target](case)
    except CaseValidationError as exc:
        _check_problems(exc.problems, target)
    finally:
        path.write_bytes(original)


def _check_problems(problems: list[Problem], target: str) -> None:
    assert problems
    for p in problems:
        assert p.file and p.message and p.line >= 0, p
    mine = [p for p in problems if p.file == target]
    if mine:  # the broken file is named, at a line
        assert any(p.line >= 1 for p in mine), mine
        if any(not p.field and p.message.startswith(WHOLE_FILE) for p in mine):  # it could not be read at all:
            assert problems == mine, problems  # one problem, and nothing else is reported because of it
    else:  # a valid file that takes away what others refer to (an empty sources.yaml): they say so, located
        assert all(p.line >= 1 for p in problems), problems


def _edit(text: str, edits: list[tuple[float, str]]) -> str:
    for where, what in edits:
        i = int(where * len(text))
        text = text[:i] + what + text[i:]
    return text


targets = st.sampled_from(sorted(PART_FILES))
#: how the problems of a file that cannot be read at all begin
WHOLE_FILE = ("YAML syntax error", "YAML cannot hold", "not valid UTF-8", "file is binary", "anchors", "aliases",
              "lists and mappings are nested", "a case file holds one YAML document")


@FUZZ
@given(target=targets, data=st.binary(max_size=400))
def test_part_files_of_random_bytes(kosovo: Case, target: str, data: bytes) -> None:
    _part_reads(kosovo, target, data)


@FUZZ
@given(target=targets, value=yaml_values)
def test_part_files_of_random_yaml(kosovo: Case, target: str, value: object) -> None:
    _part_reads(kosovo, target, yaml.safe_dump(value, allow_unicode=True).encode("utf-8"))


@FUZZ
@given(target=targets, edits=st.lists(st.tuples(st.floats(0, 1), SYNTAX), min_size=1, max_size=5))
def test_part_files_with_random_edits(kosovo: Case, target: str, edits: list[tuple[float, str]]) -> None:
    text = (kosovo.root / target).read_text(encoding="utf-8")
    _part_reads(kosovo, target, _edit(text, edits).encode("utf-8"))


@FUZZ
@given(target=targets, depth=st.integers(1, 5000), flow=st.booleans(), at=st.floats(0, 1))
def test_part_files_nested_deep(kosovo: Case, target: str, depth: int, flow: bool, at: float) -> None:
    text = (kosovo.root / target).read_text(encoding="utf-8")
    if flow:
        nested = "[" * depth + "]" * depth
    else:
        nested = "\n" + "".join(" " * (i + 1) + "- \n" for i in range(min(depth, 400)))
    _part_reads(kosovo, target, _edit(text, [(at, nested)]).encode("utf-8"))


@FUZZ
@given(
    target=targets,
    levels=st.integers(1, 9),
    fanout=st.integers(2, 9),
    key=st.sampled_from(["id", "name", "actor", "stance", "sources", "x"]),
)
def test_part_files_with_anchors_and_aliases(kosovo: Case, target: str, levels: int, fanout: int, key: str) -> None:
    laughs = ["a0: &a0 [lol, lol]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fanout) + "]" for i in range(1, levels + 1)
    ]
    text = (kosovo.root / target).read_text(encoding="utf-8")
    if target.endswith(".csv"):
        data = text.replace("\n", f"\n*a{levels},&x y,", 1)
    else:
        data = "\n".join(laughs) + "\n" + text.replace(f"{key}: ", f"{key}: *a{levels} #", 1)
    _part_reads(kosovo, target, data.encode("utf-8"))


@FUZZ
@given(
    target=targets,
    size=st.integers(1000, 300_000),
    char=st.sampled_from(["a", "9", "é", "'", " ", "\\", "x,"]),
    at=st.floats(0, 1),
)
def test_part_files_with_huge_scalars(kosovo: Case, target: str, size: int, char: str, at: float) -> None:
    text = (kosovo.root / target).read_text(encoding="utf-8")
    _part_reads(kosovo, target, _edit(text, [(at, char * size)]).encode("utf-8"))
