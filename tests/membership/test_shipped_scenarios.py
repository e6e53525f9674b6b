"""The example scenarios shipped with the Kosovo case load and say what their comments promise."""

from pathlib import Path

import pytest

from dialoguelab.case import builtin_case_path, load_case
from dialoguelab.membership.scenarios import load_scenario
from dialoguelab.membership.whatif import compare

KOSOVO = load_case()

SCENARIOS = builtin_case_path() / "membership" / "scenarios"


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_scenario_loads(path: Path) -> None:
    assert load_scenario(path).changes


def test_five_holdouts_open_nato_and_eu_recognition_stages_and_leave_the_un_vetoed() -> None:
    df = compare(KOSOVO, load_scenario(SCENARIOS / "five-holdouts-recognise.yaml"), "2026-01-01").set_index("body")
    assert not df.loc["nato", "baseline_passed"] and df.loc["nato", "scenario_passed"]
    assert not df.loc["eu", "baseline_passed"] and df.loc["eu", "scenario_passed"]
    assert not df.loc["un", "scenario_passed"]
    assert df.loc["un", "scenario_blocking"] == "CHN, RUS"


def test_russia_abstaining_leaves_china_blocking_the_un() -> None:
    df = compare(KOSOVO, load_scenario(SCENARIOS / "russia-abstains-at-the-un.yaml")).set_index("body")
    assert df.loc["un", "scenario_blocking"] == "CHN"
