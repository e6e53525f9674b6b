"""Property-based: whatever bytes a case file holds, loading gives located problems, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialoguelab.case import check_case, load_case
from dialoguelab.errors import CaseValidationError

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
