"""The vote model's calibration: the class-wise likelihood kernel, and the fit persisted on disk."""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dialoguelab.case import load_case
from dialoguelab.membership import votes
from dialoguelab.world import WORLD_DIR

KOSOVO = load_case()

# ----------------------------------------------------------------- the kernel


@pytest.mark.parametrize("seed", range(6))
def test_class_kernel_equals_member_recursion(seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        counts = {c: int(rng.integers(0, 9)) * int(rng.random() < 0.75) for c in votes.VOTE_CLASSES}
        n = sum(counts.values())
        v = int(rng.integers(0, n + 1))
        y = int(rng.integers(0, v + 1))
        s = rng.uniform(0.02, 0.98, size=(3, 4))
        ref = votes._e_coef(counts, s, v, y)
        got = votes._e_coef_classes(counts, s, v, y)
        np.testing.assert_allclose(got, ref, rtol=1e-11, atol=0, err_msg=f"{counts} v={v} y={y}")


def test_class_kernel_on_the_unesco_organ():
    # the class sizes of the UNESCO General Conference tally, where the fit spends its time
    counts = {"recognizes": 101, "does_not": 91, "withdrew": 0, "opponent": 2}
    s = np.random.default_rng(3).uniform(0.05, 0.95, size=(4, 4))
    np.testing.assert_allclose(votes._e_coef_classes(counts, s, 142, 92), votes._e_coef(counts, s, 142, 92), rtol=1e-11)
    assert votes._e_coef_classes(counts, s, 142, 143).tolist() == [0.0] * 4  # more yes than voters
    assert votes._e_coef_classes({c: 0 for c in votes.VOTE_CLASSES}, s, 0, 0).tolist() == [1.0] * 4


# ----------------------------------------------------------------- the disk cache


def _clear_memory() -> None:
    KOSOVO.clear_cached()


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache folder for this test, and no fit held in memory."""
    monkeypatch.setenv("DIALOGUELAB_CACHE", str(tmp_path / "cache"))
    _clear_memory()
    yield tmp_path / "cache" / "membership"
    _clear_memory()


@pytest.fixture()
def fits(monkeypatch) -> list[int]:
    """Counts the real fits (each call goes through to the optimiser)."""
    calls: list[int] = []
    real = votes._fit

    def spy(obs, prior):
        calls.append(len(obs))
        return real(obs, prior)

    monkeypatch.setattr(votes, "_fit", spy)
    return calls


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("calibration-*.json"))


def test_fit_is_stored_and_read_back_after_memory_is_cleared(cache, fits, monkeypatch):
    first = votes.fitted_probabilities(KOSOVO)
    assert fits == [2]
    [path] = _files(cache)
    rec = json.loads(path.read_text())
    assert path.name == f"calibration-{rec['key'][:32]}.json"
    assert [t[0] for t in rec["inputs"]["tallies"]] == ["unesco-gc-2015-11-09", "interpol-2018-final"]
    assert rec["inputs"]["prior"] == 1.0 and rec["inputs"]["options"]["method"] == "L-BFGS-B"
    assert not list(cache.glob("*.tmp"))  # the temporary file was renamed into place

    _clear_memory()

    def no_fit(obs, prior):
        raise AssertionError("refitted although the cache holds this fit")

    monkeypatch.setattr(votes, "_fit", no_fit)
    assert votes.fitted_probabilities(KOSOVO) == first
    p = votes.admission_probability(KOSOVO, "unesco", "2015-11-09", model="class")
    assert 0 < p.probability < 1 and p.class_probabilities == first and p.model == "class"


def test_a_second_process_reads_the_same_numbers_from_disk(cache):
    first = votes.fitted_probabilities(KOSOVO)
    [path] = _files(cache)
    stamp = path.stat().st_mtime_ns
    code = (
        "import json\n"
        "from dialoguelab.membership import votes\n"
        "def no_fit(obs, prior):\n"
        "    raise SystemExit('refitted')\n"
        "votes._fit = no_fit\n"
        "from dialoguelab.case import load_case\n"
        "print(json.dumps(votes.fitted_probabilities(load_case())))\n"
    )
    env = dict(os.environ, DIALOGUELAB_CACHE=str(cache.parent))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    got = {k: tuple(v) for k, v in json.loads(out.stdout).items()}
    assert got == first  # bit for bit: JSON keeps every digit of a float
    assert path.stat().st_mtime_ns == stamp


def test_other_fit_options_are_other_entries(cache, fits):
    votes.fitted_probabilities(KOSOVO)
    votes.fitted_probabilities(KOSOVO, prior=0.5)
    # Serbia's view applies the withdrawals it claims before the 2018 INTERPOL vote: other class counts
    votes.fitted_probabilities(KOSOVO, position="serbia")
    keys = {json.loads(p.read_text())["key"] for p in _files(cache)}
    assert fits == [2, 2, 2] and len(keys) == 3
    _clear_memory()
    votes.fitted_probabilities(KOSOVO, prior=0.5)
    assert fits == [2, 2, 2]


def _edit_votes(root: Path, row_id: str, **changes: str) -> None:
    """Edit a roll call through the case's own world/rollcalls.csv (it overrides the built-in rows)."""
    path = root / "world" / "rollcalls.csv"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        shutil.copy(WORLD_DIR / "rollcalls.csv", path)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0])
    for r in rows:
        if r["id"] == row_id:
            r.update(changes)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def test_changed_tallies_refit_and_unrelated_edits_do_not(cache, fits, case_copy):
    before = votes.fitted_probabilities(load_case(case_copy))
    assert fits == [2] and len(_files(cache)) == 1

    _edit_votes(case_copy, "interpol-2018-final", note="an edited note")
    assert votes.fitted_probabilities(load_case(case_copy)) == before
    assert fits == [2] and len(_files(cache)) == 1  # a note is not data the fit sees

    _edit_votes(case_copy, "interpol-2018-final", abstain="20")
    after = votes.fitted_probabilities(load_case(case_copy))
    assert fits == [2, 2] and len(_files(cache)) == 2
    assert after != before
    assert after["recognizes"][2] > before["recognizes"][2]  # more abstentions, a higher abstention rate


@pytest.mark.parametrize(
    "content",
    [
        "",
        "{not json",
        "[1, 2, 3]",
        '{"format": 1, "key": "another key", "theta": [0, 0, 0, 0, 0, 0], "log_likelihood": -1}',
        "KEY:theta-short",
        "KEY:theta-nan",
    ],
    ids=["empty", "not-json", "not-a-mapping", "other-key", "short-theta", "nan-theta"],
)
def test_corrupt_cache_file_is_ignored_and_rewritten(cache, fits, content):
    clean = votes.fitted_probabilities(KOSOVO)
    [path] = _files(cache)
    rec = json.loads(path.read_text())
    if content.startswith("KEY:"):
        rec["theta"] = rec["theta"][:3] if content.endswith("short") else [math.nan] * 6
        content = json.dumps(rec)
    path.write_text(content)
    _clear_memory()

    assert votes.fitted_probabilities(KOSOVO) == clean  # the fit is deterministic: same numbers again
    assert fits == [2, 2]
    assert json.loads(path.read_text())["key"] == rec["key"]  # and the file holds a good record again


def test_unusable_cache_folder_only_costs_a_refit(tmp_path, monkeypatch, fits):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("DIALOGUELAB_CACHE", str(blocker))
    _clear_memory()
    try:
        probs = votes.fitted_probabilities(KOSOVO)
        assert fits == [2] and math.isclose(sum(probs["recognizes"]), 1.0)
    finally:
        _clear_memory()


def test_leave_one_out_fits_are_cached_too(cache, fits):
    cal = votes.calibrate(KOSOVO)
    assert fits == [2, 1, 1] and len(_files(cache)) == 3
    _clear_memory()
    again = votes.calibrate(KOSOVO)
    assert fits == [2, 1, 1]
    assert again.probabilities == cal.probabilities
    assert again.leave_one_out.equals(cal.leave_one_out)


def test_cache_folder_follows_the_environment(cache):
    assert votes.calibration_cache_dir() == cache
