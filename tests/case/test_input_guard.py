"""Every file a case reads is bounded and fails with one located error, never a traceback or a hang.

One test per finding of the input audit; each breaks one file of a copy of a case and reads back the one
problem (file, line, field). Where the parser matters, the test runs on libyaml and on PyYAML's
pure-Python parser (the fallback when libyaml is absent).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from dialoguelab.case import builtin_case_path, check_case, load_case
from dialoguelab.case import files as case_files
from dialoguelab.case.dates import PartialDate
from dialoguelab.case.files import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    parse_yaml,
    read_csv_records,
    read_file_bytes,
    read_yaml_records,
    yaml_backend,
)
from dialoguelab.case.parts import registered_parts
from dialoguelab.errors import CaseValidationError, Problem
from dialoguelab.world.loader import WORLD_DIR

KOSOVO = builtin_case_path("kosovo")
EVENTS = "events/ingested.yaml"
LAUGHS = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(9)]
)


@pytest.fixture(params=["libyaml", "python"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run the test on the C parser and on the pure-Python fallback."""
    if request.param == "libyaml" and case_files._CParser is None:
        pytest.skip("PyYAML is built without libyaml here")
    monkeypatch.setattr(case_files, "USE_LIBYAML", request.param == "libyaml")
    assert yaml_backend() == request.param
    yield request.param


@pytest.fixture()
def kosovo(tmp_path: Path) -> Path:
    dst = tmp_path / "kosovo"
    shutil.copytree(KOSOVO, dst)
    return dst


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


def _only(case_dir: Path) -> Problem:
    report = check_case(case_dir)
    assert len(report.problems) == 1, report.problems
    p = report.problems[0]
    assert str(p).startswith(p.file)
    return p


def _prepend(path: Path, text: str) -> None:
    path.write_text(text + path.read_text(encoding="utf-8"), encoding="utf-8")


# --- encoding ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "membership/stances.yaml",
        "membership/recognitions.csv",
        "membership/scenarios/russia-abstains-at-the-un.yaml",
        "forecast/eu-path.yaml",
        "blocs.yaml",
        "findings.yaml",
        "forecast/scenarios/russia-steps-back.yaml",
    ],
)
def test_a_non_utf8_byte_in_any_file_is_one_located_error(kosovo: Path, target: str) -> None:
    path = kosovo / target
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2] + b" \xff\xfe"
    path.write_bytes(b"\n".join(lines))
    p = _only(kosovo)
    assert (p.file, p.line) == (target, 3)
    assert "not valid UTF-8" in p.message


def test_a_membership_scenario_given_by_path_is_read_as_utf8_with_a_located_error(tmp_path: Path) -> None:
    from dialoguelab.membership.scenarios import load_scenario

    path = tmp_path / "s.yaml"
    path.write_bytes(b"name: caf\xe9\nchanges: []\n")
    with pytest.raises(CaseValidationError) as err:
        load_scenario(path)
    assert [(p.file, p.line) for p in err.value.problems] == [("s.yaml", 1)]


def test_a_byte_order_mark_is_dropped(tmp_path: Path, backend: str) -> None:
    path = tmp_path / "e.yaml"
    path.write_bytes(b"\xef\xbb\xbf- id: a\n  name: b\n")
    problems: list[Problem] = []
    recs = read_yaml_records(path, problems)
    assert problems == [] and recs[0].data == {"id": "a", "name": "b"} and recs[0].line == 1


# --- nesting -------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 3000, 5000])
def test_deep_nesting_is_refused_without_recursion(kosovo: Path, backend: str, depth: int) -> None:
    path = kosovo / EVENTS
    _prepend(path, "- id: deep\n  summary: " + "[" * depth + "]" * depth + "\n")
    p = _only(kosovo)
    assert (p.file, p.line) == (EVENTS, 2)
    # libyaml stops at its own limit (1000) before ours is reached; the pure-Python parser reaches ours
    assert f"more than {MAX_DEPTH} levels" in p.message or "maximum nesting depth" in p.message


def test_deep_block_nesting_is_refused_at_the_line_it_passes_the_limit(tmp_path: Path, backend: str) -> None:
    text = "".join("  " * i + "a:\n" for i in range(200)) + "  " * 200 + "b: 1\n"
    problems: list[Problem] = []
    assert parse_yaml(text.encode(), text, "deep.yaml", problems) is None
    # line i + 1 opens the mapping at depth i + 1: the first one past the limit is on line MAX_DEPTH + 1
    assert [(p.line, p.field) for p in problems] == [(MAX_DEPTH + 1, ".".join(["a"] * MAX_DEPTH))]
    assert f"more than {MAX_DEPTH} levels" in problems[0].message


def test_nesting_at_the_limit_is_read(tmp_path: Path, backend: str) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("- id: x\n  v: " + "[" * (MAX_DEPTH - 2) + "1" + "]" * (MAX_DEPTH - 2) + "\n", encoding="utf-8")
    problems: list[Problem] = []
    recs = read_yaml_records(path, problems)
    assert problems == [] and len(recs) == 1


# --- anchors and aliases -------------------------------------------------------------------------


def test_a_billion_laughs_event_id_is_refused_at_once(kosovo: Path, backend: str) -> None:
    path = kosovo / EVENTS
    _prepend(path, "- " + LAUGHS.replace("\n", "\n  ") + "\n  id: *j\n")
    p = _only(kosovo)
    assert (p.file, p.line) == (EVENTS, 1)
    assert "anchors (&a) are not allowed" in p.message


def test_a_billion_laughs_in_a_forecast_issue_is_refused(kosovo: Path, backend: str) -> None:
    path = kosovo / "forecast" / "un-membership.yaml"
    text = path.read_text(encoding="utf-8").replace("id: un-membership", "id: *j", 1)
    path.write_text(LAUGHS + "\n" + text, encoding="utf-8")
    p = _only(kosovo)
    assert (p.file, p.line, p.field) == ("forecast/un-membership.yaml", 1, "a")
    assert "anchors" in p.message


def test_an_alias_without_its_anchor_is_refused_with_the_line(kosovo: Path, backend: str) -> None:
    path = kosovo / "actors.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n  name: ", "\n  name: *who\n  title: ", 1), encoding="utf-8")
    p = _only(kosovo)
    assert p.file == "actors.yaml" and "aliases (*who) are not allowed" in p.message
    assert p.line == _line_of(path, "*who")


def test_an_unreadable_actors_file_is_one_problem_not_one_per_reference(kosovo: Path) -> None:
    _prepend(kosovo / "actors.yaml", "- &x {id: a}\n")
    p = _only(kosovo)
    assert p.file == "actors.yaml" and "anchors" in p.message


# --- duplicate keys, keys, tags ------------------------------------------------------------------


def test_a_duplicate_key_is_refused_with_the_line_of_the_second(kosovo: Path, backend: str) -> None:
    path = kosovo / "actors.yaml"
    text = path.read_text(encoding="utf-8")
    i = text.index("\n  name:")
    path.write_text(text[:i] + "\n  name: Twice" + text[i:], encoding="utf-8")
    p = _only(kosovo)
    second = _line_of(path, "name: Twice") + 1
    assert (p.file, p.line, p.field) == ("actors.yaml", second, "name")
    assert f"duplicate key 'name' (first on line {second - 1})" in p.message


def test_a_duplicate_key_in_a_nested_mapping_names_its_path(tmp_path: Path, backend: str) -> None:
    path = tmp_path / "e.yaml"
    path.write_text("- id: a\n  locator:\n    line: 1\n    line: 2\n", encoding="utf-8")
    problems: list[Problem] = []
    read_yaml_records(path, problems)
    assert [(p.line, p.field) for p in problems] == [(4, "locator.line")]


def test_a_duplicate_csv_column_is_refused(kosovo: Path) -> None:
    path = kosovo / "membership" / "stages.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] += ",body"
    path.write_text("\n".join(lines), encoding="utf-8")
    p = _only(kosovo)
    assert (p.file, p.line, p.field) == ("membership/stages.csv", 1, "body")


@pytest.mark.parametrize(
    "text, message",
    [
        ("- !!python/object:os.system {id: a}\n", "tag"),
        ("- id: !!binary aGVsbG8=\n", "tag"),
        ("- {id: a, <<: {name: b}}\n", "merge"),
        ("- {[a, b]: 1}\n", "a key must be a plain value"),
        ("- ? {a: 1}\n  : 2\n", "a key must be a plain value"),
        ("- id: a\n---\n- id: b\n", "one YAML document"),
    ],
)
def test_constructs_a_case_file_does_not_use_are_refused(tmp_path: Path, backend: str, text: str, message: str) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    read_yaml_records(path, problems)
    assert len(problems) == 1 and message in problems[0].message and problems[0].line >= 1, problems


# --- dates ---------------------------------------------------------------------------------------


def test_a_datetime_where_a_date_belongs_is_refused(kosovo: Path, backend: str) -> None:
    path = kosovo / EVENTS
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("date: '2024-02-01'", "date: 2024-02-01 10:30:00", 1), encoding="utf-8")
    p = _only(kosovo)
    assert (p.file, p.line, p.field) == (EVENTS, _line_of(path, "10:30:00"), "date")
    assert "time" in p.message


@pytest.mark.parametrize("value", ["2024-02-01T10:30:00Z", "2024-02-01 00:00:00"])
def test_a_partial_date_is_never_a_datetime(value: str) -> None:
    import datetime as dt

    with pytest.raises(ValueError, match="time of day"):
        PartialDate.parse(dt.datetime.fromisoformat(value))
    assert str(PartialDate.parse(dt.date(2024, 2, 1))) == "2024-02-01"


def test_a_datetime_in_the_world_data_is_refused(kosovo: Path) -> None:
    (kosovo / "world").mkdir()
    text = (WORLD_DIR / "organizations.yaml").read_text(encoding="utf-8")
    old = "\n    procedure_verified: false\n"
    new = old + "    rule_note: 2011-07-13 10:00:00\n"
    (kosovo / "world" / "organizations.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    p = _only(kosovo)
    assert p.file == "world/organizations.yaml" and p.field == "admission.0.rule_note" and "time" in p.message


# --- unknown keys --------------------------------------------------------------------------------


def _override_organizations(case_dir: Path, old: str, new: str) -> Path:
    (case_dir / "world").mkdir(exist_ok=True)
    path = case_dir / "world" / "organizations.yaml"
    text = (WORLD_DIR / "organizations.yaml").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_an_unknown_top_level_key_of_organizations_yaml_is_an_error(kosovo: Path) -> None:
    path = _override_organizations(kosovo, "bodies:\n", "bodys:\n- id: x\nbodies:\n")
    p = _only(kosovo)
    assert (p.file, p.line, p.field) == ("world/organizations.yaml", _line_of(path, "bodys:"), "bodys")


def test_an_unknown_key_in_an_organ_is_an_error_on_its_line(kosovo: Path) -> None:
    path = _override_organizations(kosovo, "organ: {list: un}", "organ: {list: un, colour: red}")
    p = _only(kosovo)
    assert p.file == "world/organizations.yaml" and p.line == _line_of(path, "colour: red")
    assert p.field.endswith("organ.colour") and "unknown field" in p.message


def test_an_unknown_key_in_a_rule_is_an_error_on_its_line(kosovo: Path) -> None:
    path = _override_organizations(kosovo, "rule: {kind: majority,", "rule: {colour: red, kind: majority,")
    p = _only(kosovo)
    assert (p.file, p.line) == ("world/organizations.yaml", _line_of(path, "colour: red"))
    assert "unknown field(s) colour" in p.message


def test_an_unknown_top_level_key_of_a_sources_file_is_an_error(kosovo: Path) -> None:
    _prepend(kosovo / "membership" / "sources.yaml", "source:\n- id: x\n")
    p = _only(kosovo)
    assert (p.file, p.line, p.field) == ("membership/sources.yaml", 1, "source")


# --- sizes and kinds of file ---------------------------------------------------------------------


@pytest.mark.parametrize("target", [EVENTS, "membership/recognitions.csv", "world/members.csv", "blocs.yaml"])
def test_a_file_over_the_size_limit_is_refused(kosovo: Path, target: str) -> None:
    path = kosovo / target
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        shutil.copy(WORLD_DIR / path.name, path)
    with path.open("r+b") as fh:  # sparse: nothing is written, the reader stops after limit + 1 bytes
        fh.truncate(MAX_FILE_BYTES + 1)
    p = _only(kosovo)
    assert (p.file, p.line) == (target, 0) and f"larger than the limit of {MAX_FILE_BYTES} bytes" in p.message


def test_the_size_is_checked_on_what_is_read_not_on_what_stat_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a\n" + b"1\n" * 100)
    real_stat = os.stat

    class Lying:
        def __init__(self, st: os.stat_result) -> None:
            self._st = st

        def __getattr__(self, name: str) -> object:
            return 0 if name == "st_size" else getattr(self._st, name)

    monkeypatch.setattr(os, "stat", lambda *a, **k: Lying(real_stat(*a, **k)))
    monkeypatch.setattr(os, "fstat", lambda fd: Lying(real_stat(fd)))
    problems: list[Problem] = []
    assert read_file_bytes(path, "big.csv", problems, limit=50) is None
    assert "larger than the limit of 50 bytes" in problems[0].message
    assert read_file_bytes(path, "big.csv", [], limit=202) == path.read_bytes()


@pytest.mark.parametrize("kind", ["dev_zero", "fifo", "folder", "broken_link"])
def test_something_that_is_not_a_file_is_refused_without_reading_it(kosovo: Path, kind: str) -> None:
    path = kosovo / EVENTS
    path.unlink()
    if kind == "dev_zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)  # opening it to read would block until a writer comes
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to(kosovo / "nowhere.yaml")
    report = check_case(kosovo)
    if kind == "folder":  # a folder named like an events file is not an events file: its events are gone
        assert all("ingested.yaml" not in p.file for p in report.problems)
        return
    assert [(p.file, p.line) for p in report.problems] == [(EVENTS, 0)], report.problems
    msg = report.problems[0].message
    assert ("not a regular file" in msg) if kind != "broken_link" else ("cannot read the file" in msg)


def test_texts_and_the_paper_are_bounded_too(kosovo: Path) -> None:
    from dialoguelab.case.files import MAX_TEXT_BYTES

    text = next((kosovo / "texts").iterdir())
    with text.open("r+b") as fh:
        fh.truncate(MAX_TEXT_BYTES + 1)
    report = check_case(kosovo)
    assert report.problems and all(f"texts/{text.name} cannot be read" in p.message for p in report.problems)


# --- one parser, once, the same lines -----------------------------------------------------------


def test_the_c_parser_is_used_when_pyyaml_has_it() -> None:
    assert yaml_backend() == ("libyaml" if yaml.__with_libyaml__ else "python")


def _yaml_files() -> list[Path]:
    return sorted([*KOSOVO.rglob("*.yaml"), *WORLD_DIR.glob("*.yaml")])


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: str(p.relative_to(p.parents[2])))
def test_both_parsers_read_every_shipped_file_alike_and_as_pyyaml_does(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    out = {}
    for backend in ("libyaml", "python"):
        if backend == "libyaml" and case_files._CParser is None:
            continue
        monkeypatch.setattr(case_files, "USE_LIBYAML", backend == "libyaml")
        problems: list[Problem] = []
        parsed = parse_yaml(raw, text, path.name, problems)
        assert parsed is not None and problems == []
        value, tree = parsed
        assert value == yaml.safe_load(text)  # the same values as PyYAML's safe_load
        out[backend] = (value, tree.field_lines(deep=True) if isinstance(tree, case_files.LineTree) else tree)
    assert len({repr(v) for v in out.values()}) == 1


def test_node_lines_match_pyyaml_compose() -> None:
    path = KOSOVO / "forecast" / "eu-path.yaml"
    text = path.read_text(encoding="utf-8")
    parsed = parse_yaml(text.encode(), text, "x", [])
    assert parsed is not None and isinstance(parsed[1], case_files.LineTree)
    ours = parsed[1].field_lines(deep=True)
    node = yaml.compose(text, Loader=yaml.SafeLoader)

    def walk(n: yaml.Node, prefix: str = "") -> dict[str, int]:
        out: dict[str, int] = {}
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                out[prefix + k.value] = k.start_mark.line + 1
                out.update(walk(v, f"{prefix}{k.value}."))
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                out[f"{prefix}{i}"] = v.start_mark.line + 1
                out.update(walk(v, f"{prefix}{i}."))
        return out

    assert ours == walk(node)


def test_every_case_file_is_parsed_once_by_the_bounded_reader(kosovo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dialoguelab.forecast.scenarios import load_scenario as forecast_scenario
    from dialoguelab.membership.scenarios import load_scenario as membership_scenario

    seen: list[bytes] = []
    real = case_files._parser

    def spy(raw: bytes, text: str) -> object:
        seen.append(raw)
        return real(raw, text)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a case file was parsed outside dialoguelab.case.files")

    monkeypatch.setattr(case_files, "_parser", spy)
    for name in ("safe_load", "load", "compose", "compose_all", "safe_load_all", "parse"):
        monkeypatch.setattr(yaml, name, forbidden)
    report = check_case(kosovo)
    assert report.ok, report.problems
    assert len(seen) == len(set(seen)), "a file was parsed twice"
    yaml_in_case = [p for p in kosovo.rglob("*.yaml")]
    assert len(seen) >= len(yaml_in_case)
    seen.clear()
    membership_scenario(kosovo / "membership" / "scenarios" / "five-holdouts-recognise.yaml")
    forecast_scenario(kosovo / "forecast" / "scenarios" / "russia-steps-back.yaml")
    assert len(seen) == 2


# --- check reads every file ----------------------------------------------------------------------


def test_check_validates_every_registered_part(kosovo: Path) -> None:
    assert {"membership", "forecast", "blocs", "findings", "membership_scenarios", "forecast_scenarios"} <= set(
        registered_parts()
    )
    assert check_case(kosovo).ok


@pytest.mark.parametrize(
    "target, old, new, field",
    [
        ("blocs.yaml", "default: other", "default: other\ncolour: red", "colour"),
        ("findings.yaml", "findings:", "colour: red\nfindings:", "colour"),
        ("forecast/eu-path.yaml", "title:", "colour: red\ntitle:", "colour"),
        ("membership/scenarios/russia-abstains-at-the-un.yaml", "name:", "colour: red\nname:", "colour"),
        ("forecast/scenarios/russia-steps-back.yaml", "name:", "colour: red\nname:", "colour"),
        ("forecast/scenarios/russia-steps-back.yaml", "issue: un-membership", "issue: un-membershp", "issue"),
    ],
)
def test_check_reports_a_problem_in_each_part(kosovo: Path, target: str, old: str, new: str, field: str) -> None:
    path = kosovo / target
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    p = _only(kosovo)
    assert (p.file, p.field) == (target, field)
    assert p.line == _line_of(path, "colour: red" if field == "colour" else "un-membershp")


@pytest.mark.parametrize(
    "stray, reported",
    [
        ("events/notes.txt", True),
        ("events/more.yml", True),
        ("membership/extra.csv", True),
        ("membership/scenarios/notes.md", True),
        ("forecast/readme.txt", True),
        ("world/organisations.yaml", True),
        ("texts/uncited.txt", False),  # texts/ keeps documents; review writes one before its source
        ("event.yaml", True),
        ("events/_notes.txt", False),
        ("events/_draft.yaml", False),
        ("events/.gitkeep", False),
        ("README.md", False),
        ("paper-notes.txt", False),
        ("schemas/events.schema.json", False),
    ],
)
def test_a_file_nothing_reads_is_reported_where_case_files_belong(kosovo: Path, stray: str, reported: bool) -> None:
    path = kosovo / stray
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("- id: x\n", encoding="utf-8")
    report = check_case(kosovo)
    if not reported:
        assert report.ok, report.problems
        return
    assert [(p.file, p.line) for p in report.problems] == [(stray, 0)]
    assert "not read by dialoguelab" in report.problems[0].message


def test_a_valid_case_loads_and_checks_alike(kosovo: Path) -> None:
    assert check_case(kosovo).ok
    assert load_case(kosovo).events


def test_csv_lines_survive_characters_python_treats_as_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,x\x0cy\n2,z\n", encoding="utf-8")
    problems: list[Problem] = []
    rows = read_csv_records(path, problems)
    assert problems == [] and [(r.line, r.data["b"]) for r in rows] == [(2, "x\x0cy"), (3, "z")]


@pytest.mark.parametrize("target", ["membership/sources.yaml", "world/sources.yaml", "world/members.csv"])
def test_an_unreadable_sources_or_member_list_is_one_problem(kosovo: Path, target: str) -> None:
    path = kosovo / target
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        shutil.copy(WORLD_DIR / path.name, path)
    path.write_bytes(path.read_bytes() + b"\n\x00")
    p = _only(kosovo)
    assert p.file == target and "binary" in p.message and p.line >= 1
