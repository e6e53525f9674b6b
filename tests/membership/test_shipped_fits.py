"""The vote model's fits of the built-in cases ship with the package and match their data.

A fresh install's first admission probability reads them instead of fitting for about ten seconds. When
the world data, a built-in case's membership files or the model's code change, these tests fail until
``scripts/ship_fits.py`` is run again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dialoguelab.case import builtin_case_path, installed_cases, load_case
from dialoguelab.membership import idealpoints
from dialoguelab.membership.votes import admission_probability
from dialoguelab.world import WORLD_DIR


@pytest.fixture()
def no_fitting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """An empty cache, and a fit_design that records being called instead of fitting."""
    monkeypatch.setenv("DIALOGUELAB_CACHE", str(tmp_path / "cache"))
    calls: list[int] = []

    def refuse(design, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        calls.append(len(design.items))
        raise AssertionError("a shipped fit is missing or stale: run scripts/ship_fits.py")

    monkeypatch.setattr(idealpoints, "fit_design", refuse)
    return calls


@pytest.mark.parametrize("name", installed_cases())
def test_the_built_in_cases_read_their_shipped_fits(name: str, no_fitting: list[int]) -> None:
    case = load_case(name)
    case.clear_cached()
    for position in case.positions():
        p = admission_probability(case, "un", position=position)
        assert 0.0 <= p.probability <= 1.0
    assert no_fitting == []


def test_a_case_with_other_data_does_not_take_a_shipped_fit(tmp_path: Path, no_fitting: list[int]) -> None:
    """Counterfactual: change one roll call's tally through the case's world/ folder; the shipped fit no
    longer matches its data, so the model must fit (here: the refusing stand-in is called)."""
    dest = tmp_path / "k"
    shutil.copytree(builtin_case_path("kosovo"), dest)
    (dest / "world").mkdir()
    text = (WORLD_DIR / "rollcalls.csv").read_text(encoding="utf-8")
    assert ",68,51,16," in text  # INTERPOL 2018, final round
    (dest / "world" / "rollcalls.csv").write_text(text.replace(",68,51,16,", ",69,50,16,"), encoding="utf-8")
    with pytest.raises(AssertionError, match="ship_fits"):
        admission_probability(load_case(dest), "un")
    assert no_fitting
