"""Change points on a known step and their agreement with named periods."""

from __future__ import annotations

import numpy as np
import pytest

from dialoguelab.case import load_case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.stance.changepoints import (
    NamedPeriod,
    agreement,
    changepoints,
    detect_changepoints,
    yearly_signal,
)
from dialoguelab.stance.series import stance_series

FINDINGS = {
    "periods": [
        {
            "id": "turn",
            "label": "The turn",
            "start": 2000,
            "end": 2000,
            "locator": {"line": 1, "anchor": "turn"},
        },
        {
            "id": "later",
            "label": "Later",
            "start": 2006,
            "end": 2006,
            "locator": {"line": 1, "anchor": "later"},
        },
    ],
    "findings": [
        {
            "id": "f1",
            "number": 1,
            "title": "t",
            "claim": "c",
            "locator": {"line": 1, "anchor": "abc"},
            "evidence": ["ev-1990-p0", "ev-1991-p0", "ev-2000-p0"],
            "sources": ["paper"],
        },
    ],
}


def test_a_step_is_found_where_it_is() -> None:
    years = list(range(1990, 2010))
    assert detect_changepoints(years, [5.0] * 10 + [-5.0] * 10) == [2000]
    assert detect_changepoints(years, [1.0] * 20) == []
    rng = np.random.default_rng(0)
    noisy = np.r_[np.full(10, 5.0), np.full(10, -5.0)] + rng.normal(0, 0.5, 20)
    assert detect_changepoints(years, noisy) == [2000]
    assert detect_changepoints(years, noisy, n_bkps=1) == [2000]


def test_the_default_penalty_rarely_adds_a_spurious_change() -> None:
    years = list(range(1990, 2010))
    exact = 0
    for seed in range(40):
        x = np.r_[np.full(10, 5.0), np.full(10, -5.0)] + np.random.default_rng(seed).normal(0, 1, 20)
        found = detect_changepoints(years, x)
        assert 2000 in found
        exact += found == [2000]
    assert exact >= 32


def test_series_change_points_and_agreement_on_the_synthetic_case(make_case, steps) -> None:
    case = load_case(make_case(steps(), FINDINGS))
    res = changepoints(case)
    s = res["series"]["russia-process"]
    assert s["changepoints"] == [2000] and s["filled"] == []
    assert s["agreement"]["precision"] == 1.0 and s["agreement"]["recall"] == 0.5
    assert res["series"]["russia-west-other"]["changepoints"] == [2000]
    assert res["series"]["serbia-alignment"]["changepoints"] == []
    assert res["overall"]["matches"] == {"turn": [2000], "later": []}


def test_empty_years_are_carried_forward_and_reported(make_case, steps) -> None:
    events = [e for e in steps() if not e["date"].startswith(("1995", "1996"))]
    case = load_case(make_case(events))
    years, values, filled = yearly_signal(stance_series(case, "russia-process"))
    assert filled == [1995, 1996]
    assert values[years.index(1995)] == values[years.index(1994)]


def test_agreement_counts_both_directions() -> None:
    periods = [
        NamedPeriod("a", "A", 1996, 1996),
        NamedPeriod("b", "B", 1998, 1999),
        NamedPeriod("c", "C", 2014, 2014),
    ]
    a = agreement([1997, 2000, 2008], periods)
    assert a["precision"] == pytest.approx(2 / 3) and a["recall"] == pytest.approx(2 / 3)
    assert a["unmatched"] == [2008]
    assert agreement([], periods)["precision"] is None
    assert agreement([2008], periods, tolerance=0)["recall"] == 0.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"values": [1.0, np.nan, 2.0, 3.0]}, "must not contain NaN"),
        ({"values": [1.0, 2.0]}, "one value per year"),
        ({"penalty": -1.0}, "'penalty' parameter"),
        ({"n_bkps": 0}, "'n_bkps' parameter"),
    ],
)
def test_detection_parameters_are_validated(kwargs, match) -> None:
    args = {"years": [2000, 2001, 2002, 2003], "values": [1.0, 1.0, 5.0, 5.0]} | kwargs
    with pytest.raises(InvalidParameterError, match=match):
        detect_changepoints(**args)


def test_change_points_of_the_built_in_case_in_a_fresh_process() -> None:
    """The named periods come from findings.yaml, whose checks are registered by the findings module: a
    process that imports only the change points (as `dialoguelab changepoints` does) must still read it."""
    import subprocess
    import sys

    code = (
        "from dialoguelab.case import load_case\n"
        "from dialoguelab.stance.changepoints import changepoints\n"
        "print(len(changepoints(load_case())['periods']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 5
