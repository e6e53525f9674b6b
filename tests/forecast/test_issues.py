"""Issue files: the built-in Kosovo issues load; bad files give located errors; scenarios apply."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialoguelab.case import load_case
from dialoguelab.errors import CaseValidationError, InvalidParameterError, UnknownIdError
from dialoguelab.forecast.issues import load_issue, load_issues
from dialoguelab.forecast.scenarios import apply_scenario, load_scenario

from .conftest import issue_yaml

KOSOVO = load_case()

REQUIRED_ACTORS = {
    "kosovo",
    "serbia",
    "russia",
    "china",
    "united-states",
    "eu",
    "germany",
    "france",
    "spain",
    "slovakia",
    "romania",
    "greece",
    "cyprus",
}


def test_builtin_kosovo_issues_load_and_cover_the_actors():
    issues = {i.id: i for i in load_issues(KOSOVO)}
    assert {"un-membership", "asm-powers", "eu-path"} <= set(issues)
    assert REQUIRED_ACTORS <= set(issues["un-membership"].actor_ids())
    for issue in issues.values():
        assert "judgement" in issue.judgement_note
        for a in issue.actors:
            for what in (a.position, a.salience, a.capability):
                assert what.why and what.citations
                assert what.locators, f"{issue.id}/{a.actor}: every value points at the paper"


def test_builtin_issue_locators_checked_against_the_paper(tmp_path: Path):
    # copy the built-in case's issue into a temporary case whose locators are wrong: the check must notice
    from dialoguelab.case import builtin_case_path

    src = builtin_case_path()
    root = tmp_path / "k"
    (root / "forecast").mkdir(parents=True)
    for name in ("actors.yaml", "sources.yaml"):
        (root / name).write_text((src / name).read_text(encoding="utf-8"), encoding="utf-8")
    (root / "events.yaml").write_text("[]\n")
    text = (src / "forecast" / "eu-path.yaml").read_text(encoding="utf-8")
    assert "{line: 1899, anchor:" in text
    (root / "forecast" / "eu-path.yaml").write_text(
        text.replace("{line: 1899, anchor:", "{line: 1901, anchor:"), encoding="utf-8"
    )
    (root / "case.yaml").write_text(
        (src / "case.yaml")
        .read_text(encoding="utf-8")
        .replace("../shared/seed", str(src.parents[4] / "shared" / "seed")),
        encoding="utf-8",
    )
    with pytest.raises(CaseValidationError) as err:
        load_issues(load_case(root))
    msgs = [str(p) for p in err.value.problems]
    assert any("does not start on paper line 1901" in m and "forecast/eu-path.yaml:" in m for m in msgs)


def test_tiny_case_loads(tiny_case: Path):
    issue = load_issue(load_case(tiny_case), "toy")
    assert issue.actor_ids() == ["kosovo", "serbia", "russia", "eu"]
    with pytest.raises(UnknownIdError, match="unknown issue 'nope'. Issues of this case: toy"):
        load_issue(load_case(tiny_case), "nope")


@pytest.mark.parametrize(
    ("edit", "line", "field", "message"),
    [
        (
            lambda t: t.replace("actor: serbia", "actor: atlantis"),
            14,
            "actors.1.actor",
            "unknown actor id 'atlantis'",
        ),
        (
            lambda t: t.replace("citations: [fn-1]}", "citations: [fn-99]}", 1),
            11,
            "actors.0.position.citations",
            "unknown source id 'fn-99'",
        ),
        (
            lambda t: t.replace("salience: {value: 0.9", "salience: {value: 90"),
            14,
            "actors.1",
            "salience 90.0 is outside [0, 1]",
        ),
        (
            lambda t: t.replace("position: {value: 20", "position: {value: 120"),
            1,
            "(issue)",
            "position 120.0 is outside the scale",
        ),
        (
            lambda t: t.replace("title: A toy issue", "title: A toy issue\ncolour: blue"),
            3,
            "colour",
            "unknown field",
        ),
        (
            lambda t: t.replace("citations: [fn-1]}", "citations: [paper]}", 1),
            11,
            "actors.0.position",
            "needs a locator",
        ),
        (lambda t: t.replace("id: toy", "id: other"), 1, "id", "must match the file name"),
        (lambda t: t.replace("question: How", "question: [How"), 3, "", "YAML syntax error"),
    ],
)
def test_issue_file_errors_are_located(tiny_case: Path, edit, line, field, message):
    path = tiny_case / "forecast" / "toy.yaml"
    path.write_text(edit(path.read_text()))
    with pytest.raises(CaseValidationError) as err:
        load_issues(load_case(tiny_case))
    probs = err.value.problems
    assert any(
        p.file == "forecast/toy.yaml" and p.line == line and p.field == field and message in p.message
        for p in probs
    ), probs


def test_missing_actors_file_is_reported(tiny_case: Path):
    (tiny_case / "actors.yaml").unlink()
    with pytest.raises(CaseValidationError, match="actors.yaml: missing"):
        load_issues(load_case(tiny_case))


def test_scenarios_apply_and_validate(tiny_case: Path, tmp_path: Path):
    issue = load_issue(load_case(tiny_case), "toy")
    f = tmp_path / "s.yaml"
    f.write_text(
        "name: Russia steps back\nchanges:\n  - {actor: russia, salience: {multiply: 0.5}}\n"
        "  - {actor: eu, capability: {add: 10}}\n  - {actor: serbia, position: 50}\n"
        "  - {actor: kosovo, leave: true}\n"
    )
    changed = apply_scenario(issue, load_scenario(f))
    vals = {a.actor: a for a in changed.actors}
    assert set(vals) == {"serbia", "russia", "eu"}
    assert vals["russia"].salience.value == pytest.approx(0.4)
    assert vals["eu"].capability.value == 55
    assert vals["serbia"].position.value == 50
    assert {a.actor: a.salience.value for a in issue.actors}["russia"] == 0.8  # the input is unchanged
    f.write_text("name: bad\nchanges:\n  - {actor: russia, salience: {multiply: 2}}\n")
    with pytest.raises(InvalidParameterError, match=r"russia's salience would be 1.6, outside \[0, 1\]"):
        apply_scenario(issue, load_scenario(f))
    f.write_text("name: bad\nchanges:\n  - {actor: mars, leave: true}\n")
    with pytest.raises(UnknownIdError, match="actor 'mars' is not on issue 'toy'"):
        apply_scenario(issue, load_scenario(f))
    f.write_text("name: bad\nchanges:\n  - {actor: russia}\n  - {actor: eu, salience: {set: 1, add: 2}}\n")
    with pytest.raises(CaseValidationError) as err:
        load_scenario(f)
    assert [(p.line, p.field) for p in err.value.problems] == [(3, "changes.0"), (4, "changes.1.salience")]


def test_issue_yaml_helper_roundtrip():
    assert "actor: kosovo" in issue_yaml()


def test_shipped_scenario_applies_to_its_issue():
    from dialoguelab.case import builtin_case_path

    scen = load_scenario(builtin_case_path() / "forecast" / "scenarios" / "russia-steps-back.yaml")
    issue = load_issue(KOSOVO, "un-membership")
    changed = {a.actor: a for a in apply_scenario(issue, scen).actors}
    base = {a.actor: a for a in issue.actors}
    assert changed["russia"].salience.value == pytest.approx(base["russia"].salience.value / 2)
    assert changed["eu"].capability.value == pytest.approx(base["eu"].capability.value * 1.5)
    with pytest.raises(InvalidParameterError, match="written for issue 'un-membership'"):
        apply_scenario(load_issue(KOSOVO, "eu-path"), scen)
