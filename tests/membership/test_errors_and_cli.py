import json

import pytest
import typer
from typer.testing import CliRunner

from dialoguelab.case import load_case
from dialoguelab.errors import CaseError, CaseValidationError, InvalidParameterError, UnknownIdError
from dialoguelab.membership.cli import register
from dialoguelab.membership.data import membership_data
from dialoguelab.membership.outcomes import outcome
from dialoguelab.membership.scenarios import load_scenario
from dialoguelab.world import WORLD_DIR

KOSOVO = load_case()

app = typer.Typer()
register(app)
runner = CliRunner()


def test_cli_rule_json():
    res = runner.invoke(
        app, ["rule", "UNESCO", "--yes", "92", "--no", "50", "--abstain", "29", "--absent", "15", "--json"]
    )
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["passed"] is False and data["required"] == 95


def test_cli_blockers_un_names_russia_and_china():
    res = runner.invoke(app, ["blockers", "--org", "UN", "--on", "2024-06-01"])
    assert res.exit_code == 0
    assert "Blocking now: CHN (China), RUS (Russia)" in res.output


def test_cli_blockers_nato_json():
    res = runner.invoke(app, ["blockers", "--org", "NATO", "--on", "2024-06-01", "--json"])
    assert sorted(json.loads(res.output)["blocking"]) == ["ESP", "GRC", "ROU", "SVK"]


def test_cli_scenario_and_power(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(
        "name: holdouts\nchanges:\n"
        + "".join(
            f"  - {{action: recognize, state: {s}, date: 2025-06-01}}\n"
            for s in ("ESP", "SVK", "ROU", "GRC", "CYP")
        )
    )
    res = runner.invoke(app, ["scenario", str(f), "--on", "2025-07-01", "--json"])
    assert res.exit_code == 0
    rows = {r["body"]: r for r in json.loads(res.output)}
    assert rows["nato"]["scenario_passed"] and not rows["nato"]["baseline_passed"]
    assert not rows["un"]["scenario_passed"]
    res = runner.invoke(app, ["power", "--org", "UN", "--by-type", "--json"])
    assert res.exit_code == 0 and len(json.loads(res.output)) == 3


def test_cli_unknown_body_is_a_clear_error():
    res = runner.invoke(app, ["blockers", "--org", "Atlantis"])
    assert res.exit_code == 1
    assert "Unknown body 'Atlantis'" in res.output


def test_malformed_scenario_names_file_line_field(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(
        "name: bad\nchanges:\n  - {action: recognize, state: ESP}\n  - {action: set_vote, state: RUS}\n"
    )
    with pytest.raises(CaseValidationError) as exc:
        load_scenario(f)
    assert "bad.yaml:4" in str(exc.value) and "vote" in str(exc.value)
    res = runner.invoke(app, ["blockers", "--org", "UN", "--scenario", str(f)])
    assert res.exit_code == 1 and "bad.yaml:4" in res.output


def test_impossible_date_and_unknown_state():
    with pytest.raises(InvalidParameterError, match="YYYY-MM-DD"):
        outcome(KOSOVO, "UN", "2024-02-30")
    with pytest.raises(UnknownIdError, match="ISO 3166"):
        membership_data(KOSOVO).state("Narnia")


def test_bad_world_override_is_located(case_copy):
    """A case's own world/members.csv overrides the built-in lists, and its errors name the case's file."""
    lines = (WORLD_DIR / "members.csv").read_text().splitlines()
    lines[2] = lines[2].replace(",1955-12-14,", ",1955-13-14,")
    (case_copy / "world").mkdir()
    (case_copy / "world" / "members.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(CaseValidationError) as exc:
        membership_data(load_case(case_copy))
    assert "world/members.csv:3 [joined]" in str(exc.value)


def test_missing_membership_folder(case_copy):
    import shutil

    shutil.rmtree(case_copy / "membership")
    with pytest.raises(CaseError, match="membership"):
        membership_data(load_case(case_copy))


def test_unknown_source_is_reported(case_copy):
    p = case_copy / "membership" / "stances.yaml"
    p.write_text(p.read_text().replace("web-b92-politics-php-4", "no-such-source"))
    with pytest.raises(CaseValidationError, match="no-such-source"):
        membership_data(load_case(case_copy))
