"""Every dataset says the day it was checked up to; an answer for a later day says it is a projection."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from dialoguelab.case import builtin_case_path, load_case
from dialoguelab.evidence import case_summary
from dialoguelab.membership.api import admission_probability, membership_data, outcome

KOSOVO = load_case()


def test_each_dataset_carries_the_day_it_was_checked_up_to() -> None:
    checked = case_summary(KOSOVO)["verified_to"]
    assert {"members", "organizations", "rollcalls", "events", "recognitions", "stances"} <= set(checked)
    for day in checked.values():
        dt.date.fromisoformat(day)


def test_answers_after_that_day_are_projections_and_before_are_not() -> None:
    last = membership_data(KOSOVO).verified_to
    assert last is not None
    before = outcome(KOSOVO, "UN", last.isoformat())
    after = outcome(KOSOVO, "UN", (last + dt.timedelta(days=1)).isoformat())
    assert not before.projection and after.projection
    assert after.data_verified_to == last.isoformat()
    assert admission_probability(KOSOVO, "NATO", (last + dt.timedelta(days=1)).isoformat()).projection


def test_the_oldest_dataset_decides(tmp_path: Path) -> None:
    """Counterfactual: a case whose stances were checked long ago makes an earlier answer a projection."""
    dest = tmp_path / "k"
    shutil.copytree(builtin_case_path("kosovo"), dest)
    meta = dest / "case.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("  stances: '2026-11-29'", "  stances: '2020-01-01'"))
    old = load_case(dest)
    assert membership_data(old).verified_to == dt.date(2020, 1, 1)
    assert outcome(old, "UN", "2020-06-01").projection and not outcome(KOSOVO, "UN", "2020-06-01").projection
