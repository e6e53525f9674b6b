"""Every kind of bad input gets a located error: file, line and field; nothing is written.

Each test breaks one thing in a copy of the mini case and reads the problem back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dialoguelab.case import check_case, load_case
from dialoguelab.cli import app
from dialoguelab.errors import CaseValidationError, Problem


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


def _only(case_dir: Path) -> Problem:
    report = check_case(case_dir)
    assert len(report.problems) == 1, report.problems
    return report.problems[0]


def test_the_mini_case_is_valid(mini_case_dir: Path) -> None:
    report = check_case(mini_case_dir)
    assert report.ok, report.problems
    assert report.locators_checked == 7
    assert report.counts["events"] == 4


def test_unknown_actor_id(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, "source_actors: [ostia]", "source_actors: [atlantis]")
    p = _only(mini_case_dir)
    assert (p.file, p.field) == ("events/main.yaml", "source_actors")
    assert p.line == _line_of(f, "[atlantis]")
    assert "unknown actor id 'atlantis'" in p.message


def test_unknown_source_id(mini_case_dir: Path) -> None:
    f = mini_case_dir / "quotations.yaml"
    _replace(f, "citations: [paper]", "citations: [fn-99]")
    p = _only(mini_case_dir)
    assert (p.file, p.line, p.field) == ("quotations.yaml", _line_of(f, "fn-99"), "citations")
    assert "unknown source id 'fn-99'" in p.message


def test_duplicate_id_names_both_places(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, "id: ev-2009-03-03-ostia-veto-threat", "id: ev-2008-02-17-norland-declares")
    p = _only(mini_case_dir)
    assert (p.file, p.field) == ("events/main.yaml", "id")
    assert p.line == _line_of(f, "id: ev-2008-02-17-norland-declares") + 0 or p.line > 1
    assert "duplicate id 'ev-2008-02-17-norland-declares' (first at events/main.yaml:1)" in p.message


def test_duplicate_id_across_event_files(mini_case_dir: Path) -> None:
    (mini_case_dir / "events" / "more.yaml").write_text(
        (mini_case_dir / "events" / "main.yaml").read_text(encoding="utf-8").split("- id: ev-2008-02-18")[0],
        encoding="utf-8",
    )
    p = _only(mini_case_dir)
    assert p.file == "events/more.yaml" and p.field == "id" and p.line == 1


def test_impossible_date(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, 'date: "2009-03-03"', 'date: "2009-02-30"')
    p = _only(mini_case_dir)
    assert (p.file, p.line, p.field) == ("events/main.yaml", _line_of(f, "2009-02-30"), "date")
    assert "has no day 30" in p.message


def test_impossible_unquoted_yaml_date(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, 'date: "2009-03-03"', "date: 2009-02-30")
    p = _only(mini_case_dir)
    assert (p.file, p.line, p.field) == ("events/main.yaml", _line_of(f, "2009-02-30"), "date")
    assert "day is out of range" in p.message


def test_end_before_start(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, 'date_note: "the next day', 'end_date: "2007-01"\n  date_note: "the next day')
    p = _only(mini_case_dir)
    assert p.file == "events/main.yaml" and p.field == "(record)"
    assert "end_date 2007-01 is before date 2008-02-18" in p.message


def test_date_basis_other_than_paper_needs_a_note(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, '  date_note: "the next day after the declaration (line 3)"\n', "")
    p = _only(mini_case_dir)
    assert p.file == "events/main.yaml" and p.field == "(record)"
    assert "date_basis 'context' needs a date_note" in p.message


def test_unknown_date_basis(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, "date_basis: context", "date_basis: rumour")
    p = _only(mini_case_dir)
    assert (p.file, p.line, p.field) == ("events/main.yaml", _line_of(f, "rumour"), "date_basis")
    assert "'paper', 'context', 'footnote' or 'outside'" in p.message


def test_date_from_outside_must_cite_an_outside_document(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, "date_basis: context", "date_basis: outside")
    p = _only(mini_case_dir)
    assert (p.file, p.line, p.field) == ("events/main.yaml", _line_of(f, "date_basis: outside"), "date_basis")
    assert "cites no outside document" in p.message
    # citing one makes it valid
    src = mini_case_dir / "sources.yaml"
    src.write_text(
        src.read_text(encoding="utf-8")
        + '\n- id: suria-gazette\n  kind: document\n  title: "Suria official gazette"\n  date: "2008-02-18"\n',
        encoding="utf-8",
    )
    _replace(f, "citations: [fn-2]", "citations: [fn-2, suria-gazette]")
    assert check_case(mini_case_dir).ok


def test_date_from_a_footnote_must_cite_a_footnote(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, "date_basis: context", "date_basis: footnote")
    _replace(f, "  footnotes: [2]\n  citations: [fn-2]", "  citations: [paper]")
    p = _only(mini_case_dir)
    assert (p.file, p.field) == ("events/main.yaml", "date_basis")
    assert "cites no footnote" in p.message


def test_future_date(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, 'date: "2009"', 'date: "2999"')
    p = _only(mini_case_dir)
    assert (p.field, p.line) == ("date", _line_of(f, '"2999"'))
    assert "in the future" in p.message


def test_locator_that_does_not_match_the_paper(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, 'anchor: "Ostia threatened to veto"', 'anchor: "Ostia promised to veto"')
    p = _only(mini_case_dir)
    assert (p.file, p.line, p.field) == ("events/main.yaml", _line_of(f, "Ostia promised"), "locator")
    assert "is not in the paper" in p.message


def test_locator_on_the_wrong_line_says_where_it_is(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, '{line: 11, anchor: "Ostia threatened to veto"}', '{line: 5, anchor: "Ostia threatened to veto"}')
    p = _only(mini_case_dir)
    assert p.field == "locator" and "found on line 11" in p.message


def test_anchor_may_run_across_lines(mini_case_dir: Path) -> None:
    f = mini_case_dir / "quotations.yaml"
    _replace(f, 'anchor: "Its envoy said the move"', 'anchor: "was “a dangerous precedent” for the"')
    assert check_case(mini_case_dir).ok  # starts on line 11, runs into 12
    _replace(f, "line: 11", "line: 12")
    p = _only(mini_case_dir)  # it does not start on line 12
    assert p.field == "locator" and "found on line 11" in p.message


def test_event_without_citation(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, "  citations: [paper]\n- id: ev-2009-norland", "  citations: []\n- id: ev-2009-norland")
    p = _only(mini_case_dir)
    assert (p.file, p.line, p.field) == ("events/main.yaml", _line_of(f, "citations: []"), "citations")
    assert "at least 1 item" in p.message


def test_footnote_marker_without_source(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, "footnotes: [2]", "footnotes: [2, 7]")
    p = _only(mini_case_dir)
    assert (p.field, p.line) == ("footnotes", _line_of(f, "[2, 7]"))
    assert "footnote 7 is not in sources.yaml" in p.message


def test_malformed_url(mini_case_dir: Path) -> None:
    f = mini_case_dir / "sources.yaml"
    _replace(f, 'urls: ["https://example.org/norland"]', 'urls: ["htps//example org"]')
    p = _only(mini_case_dir)
    assert (p.file, p.line, p.field) == ("sources.yaml", _line_of(f, "htps//"), "urls.0")
    assert "URL" in p.message


def test_unknown_field_lists_the_allowed_ones(mini_case_dir: Path) -> None:
    f = mini_case_dir / "actors.yaml"
    _replace(f, "  iso3: OST", "  iso3: OST\n  capital: Ostgrad")
    p = _only(mini_case_dir)
    assert (p.file, p.line, p.field) == ("actors.yaml", _line_of(f, "capital"), "capital")
    assert "unknown field (allowed: id, name, type" in p.message


def test_alias_shared_by_two_actors(mini_case_dir: Path) -> None:
    f = mini_case_dir / "actors.yaml"
    _replace(f, "aliases: [Ostgrad]", "aliases: [Ostgrad, Nordburg]")
    p = _only(mini_case_dir)
    assert (p.file, p.field) == ("actors.yaml", "aliases")
    assert "'nordburg' also belongs to actor 'norland'" in p.message


def test_yaml_syntax_error(mini_case_dir: Path) -> None:
    f = mini_case_dir / "actors.yaml"
    _replace(f, "aliases: [Ostgrad]", "aliases: [Ostgrad")
    p = check_case(mini_case_dir).problems[0]
    assert p.file == "actors.yaml" and p.line >= _line_of(f, "[Ostgrad")
    assert "YAML syntax error" in p.message


def test_not_a_list(mini_case_dir: Path) -> None:
    (mini_case_dir / "quotations.yaml").write_text("speaker: x\n", encoding="utf-8")
    p = _only(mini_case_dir)
    assert (p.file, p.line) == ("quotations.yaml", 1)
    assert "expected a list of records" in p.message


def test_binary_file(mini_case_dir: Path) -> None:
    (mini_case_dir / "agreements.yaml").write_bytes(b"\x00\x01\x02binary")
    p = _only(mini_case_dir)
    assert p.file == "agreements.yaml" and "binary" in p.message


def test_missing_required_file(mini_case_dir: Path) -> None:
    (mini_case_dir / "actors.yaml").unlink()
    problems = check_case(mini_case_dir).problems
    assert problems[0].file == "actors.yaml" and "missing" in problems[0].message


def test_load_case_raises_with_every_problem(mini_case_dir: Path) -> None:
    _replace(mini_case_dir / "events" / "main.yaml", "source_actors: [ostia]", "source_actors: [atlantis]")
    _replace(mini_case_dir / "quotations.yaml", "citations: [paper]", "citations: [fn-99]")
    with pytest.raises(CaseValidationError) as info:
        load_case(mini_case_dir)
    assert len(info.value.problems) == 2
    assert "events/main.yaml:" in str(info.value) and "quotations.yaml:" in str(info.value)


def test_check_cli_exits_1_and_writes_nothing(mini_case_dir: Path) -> None:
    _replace(mini_case_dir / "events" / "main.yaml", "source_actors: [ostia]", "source_actors: [atlantis]")
    before = {p: p.read_bytes() for p in mini_case_dir.rglob("*") if p.is_file()}
    result = CliRunner().invoke(app, ["check", str(mini_case_dir)])
    assert result.exit_code == 1
    assert "events/main.yaml:" in result.output and "[source_actors]" in result.output
    after = {p: p.read_bytes() for p in mini_case_dir.rglob("*") if p.is_file()}
    assert before == after


def test_check_cli_on_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_check_covers_the_membership_folder(tmp_path: Path) -> None:
    import shutil

    from dialoguelab.case import builtin_case_path

    dest = tmp_path / "kosovo"
    shutil.copytree(builtin_case_path(), dest)
    recs = dest / "membership" / "recognitions.csv"
    lines = recs.read_text(encoding="utf-8").splitlines()
    lines[1] = "BROKEN,LINE"
    recs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = check_case(dest).problems
    assert problems and all(p.file == "membership/recognitions.csv" and p.line == 2 for p in problems)


def test_check_covers_the_world_data_a_case_overrides(tmp_path: Path) -> None:
    import shutil

    from dialoguelab.case import builtin_case_path
    from dialoguelab.world import WORLD_DIR

    dest = tmp_path / "kosovo"
    shutil.copytree(builtin_case_path(), dest)
    (dest / "world").mkdir()
    lines = (WORLD_DIR / "members.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = "BROKEN,LINE"
    (dest / "world" / "members.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = check_case(dest).problems
    assert problems and all(p.file == "world/members.csv" and p.line == 2 for p in problems)


def test_locator_on_a_blank_line_is_refused(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(
        f, '{line: 5, anchor: "Suria rejected the declaration"}', '{line: 4, anchor: "Suria rejected the declaration"}'
    )
    p = _only(mini_case_dir)
    assert p.field == "locator" and "paper line 4 is blank" in p.message and "found on line 5" in p.message


def _add_document(case_dir: Path, text: str = "Line one.\nOstia and Suria met in Vienna on May 5, 2010.\n") -> str:
    import hashlib

    (case_dir / "texts").mkdir()
    (case_dir / "texts" / "doc-vienna.txt").write_text(text, encoding="utf-8")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with (case_dir / "sources.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            "- id: doc-vienna\n  kind: document\n  title: A note on Vienna\n"
            f"  text_file: doc-vienna.txt\n  sha256: {sha}\n"
        )
    with (case_dir / "events" / "main.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            "- id: ev-2010-05-05-vienna\n  date: '2010-05-05'\n  type: CONSULT\n  source_actors: [ostia, suria]\n"
            "  summary: Ostia and Suria meet in Vienna.\n"
            "  locator: {line: 2, anchor: 'met in Vienna on May 5', document: doc-vienna}\n"
            "  citations: [doc-vienna]\n"
        )
    return sha


def test_locator_into_another_document_is_verified_against_its_text(mini_case_dir: Path) -> None:
    _add_document(mini_case_dir)
    report = check_case(mini_case_dir)
    assert report.ok, report.problems
    assert report.locators_checked == 8


def test_locator_into_another_document_that_does_not_match(mini_case_dir: Path) -> None:
    _add_document(mini_case_dir)
    f = mini_case_dir / "events" / "main.yaml"
    _replace(f, "anchor: 'met in Vienna on May 5'", "anchor: 'met in Geneva on May 5'")
    p = _only(mini_case_dir)
    assert (p.file, p.field, p.line) == ("events/main.yaml", "locator", _line_of(f, "Geneva"))
    assert "is not in the paper" in p.message or "does not start" in p.message


def test_document_text_that_changed_or_is_missing(mini_case_dir: Path) -> None:
    _add_document(mini_case_dir)
    (mini_case_dir / "texts" / "doc-vienna.txt").write_text("Something else entirely.\n", encoding="utf-8")
    assert "has changed since it was located" in _only(mini_case_dir).message
    (mini_case_dir / "texts" / "doc-vienna.txt").unlink()
    assert "expected texts/doc-vienna.txt" in _only(mini_case_dir).message


def test_locator_into_an_unknown_document(mini_case_dir: Path) -> None:
    f = mini_case_dir / "events" / "main.yaml"
    _replace(
        f,
        '{line: 11, anchor: "Ostia threatened to veto"}',
        '{line: 11, anchor: "Ostia threatened to veto", document: doc-x}',
    )
    p = _only(mini_case_dir)
    assert p.field == "locator" and "unknown document 'doc-x'" in p.message
