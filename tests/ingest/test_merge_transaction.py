"""Merges as transactions: a crash at any step, killed processes, concurrent merges, re-runs, modes.

Every scenario ends with the same two checks: the case folder holds exactly the old files or exactly the
new ones (after the recovery that every ingest/review command runs first), and ``check`` passes. No
test measures time: waits are for events (a line printed by a child, a process exit), never for speed.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from dialoguelab import fsutil
from dialoguelab.case import check_case, load_case
from dialoguelab.fsutil import LOCK_FILE, TXN_DIR, CaseBusyError, case_lock, default_file_mode, recover
from dialoguelab.ingest.api import ingest, review
from dialoguelab.ingest.review import KEY_TAG_PREFIX, load_review

NEWS = (
    "On May 5, 2010 Ivan Envoy condemned the plan and said it was \u201ca grave mistake for the region\u201d.\n\n"
    "On June 7, 2011 Ostia threatened Norland again.\n\n"
    "On July 9, 2012 Suria rejected the proposal of Norland.\n"
)
MORE = (
    "On March 1, 2013 Norland visited Ostia.\n\n"
    "On April 2, 2014 Suria condemned Ostia.\n\n"
    "On May 3, 2015 Ostia supported Suria.\n\n"
    "On June 4, 2016 Norland rejected the plan of Suria.\n"
)


def snapshot(root: Path) -> dict[str, str]:
    """Every visible file of a case folder and its content hash (hidden files are the lock and staging)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


class Crash(BaseException):
    """A simulated crash: a BaseException, so no cleanup code written for errors runs."""


@pytest.fixture()
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture()
def news_review(mini_case_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The mini case and a review file of a document that touches texts/, sources, events and quotations."""
    doc = tmp_path / "docs" / "news.txt"
    doc.parent.mkdir()
    doc.write_text(NEWS, encoding="utf-8")
    out = tmp_path / "review.yaml"
    ingest([doc], case=mini_case_dir, out=out)
    assert len(load_review(out)["candidates"]) == 3
    return mini_case_dir, out


def fresh(case_dir: Path, review_file: Path, where: Path) -> tuple[Path, Path]:
    """Copies of a case folder and a review file (the document they name is shared)."""
    where.mkdir(parents=True)
    shutil.copytree(case_dir, where / "case")
    shutil.copy2(review_file, where / "review.yaml")
    return where / "case", where / "review.yaml"


def ingested_keys(case_dir: Path) -> list[str]:
    events = yaml.safe_load((case_dir / "events" / "ingested.yaml").read_text(encoding="utf-8"))
    return [t for e in events for t in e["tags"] if t.startswith(KEY_TAG_PREFIX)]


def assert_consistent(case_dir: Path) -> None:
    """check passes, every stored text is cited by a source, every ingested candidate is there once."""
    report = check_case(case_dir)
    assert report.ok, report.problems
    texts = {p.name for p in (case_dir / "texts").iterdir()} if (case_dir / "texts").is_dir() else set()
    cited = {s.text_file for s in load_case(case_dir).sources if s.text_file}
    assert texts <= cited, f"orphan texts: {texts - cited}"
    if (case_dir / "events" / "ingested.yaml").is_file():
        keys = ingested_keys(case_dir)
        assert len(keys) == len(set(keys)), "a candidate was merged twice"


# ------------------------------------------------------------------------ a crash at every step


def _steps(case_dir: Path, review_file: Path, where: Path) -> tuple[list[str], dict[str, str]]:
    """The steps of one merge, in order, and the case it produces."""
    case, rf = fresh(case_dir, review_file, where)
    seen: list[str] = []
    fsutil.FAULT_HOOK = seen.append
    try:
        review(rf, case, accept_all=True)
    finally:
        fsutil.FAULT_HOOK = None
    return seen, snapshot(case)


def test_crash_after_each_step_leaves_old_or_new_case(news_review: tuple[Path, Path], tmp_path: Path) -> None:
    case_dir, review_file = news_review
    old = snapshot(case_dir)
    steps, new = _steps(case_dir, review_file, tmp_path / "reference")
    # every file is staged, then committed, then each one renamed: four files, so at least 11 steps
    assert steps[0] == "begin" and "commit" in steps and steps[-1] == "done"
    assert [s for s in steps if s.startswith("replace ")] == [
        f"replace {f}" for f in sorted(new.keys() - old.keys()) if f.startswith("texts/")
    ] + ["replace sources.yaml", "replace events/ingested.yaml", "replace quotations.yaml"]
    commit = steps.index("commit")
    for k, step in enumerate(steps):
        case, rf = fresh(case_dir, review_file, tmp_path / f"crash-{k}")
        review_before = rf.read_bytes()

        def crash(name: str, at: str = step) -> None:
            if name == at:
                raise Crash(at)

        fsutil.FAULT_HOOK = crash
        try:
            with pytest.raises(Crash):
                review(rf, case, accept_all=True)
        finally:
            fsutil.FAULT_HOOK = None
        # even before recovery the files are written in an order that keeps the case valid: a copy of the
        # visible files (without the staging folder, which check_case would recover first) checks clean
        visible = tmp_path / f"visible-{k}"
        shutil.copytree(case, visible, ignore=shutil.ignore_patterns(TXN_DIR, LOCK_FILE))
        assert check_case(visible).ok, (step, check_case(visible).problems)
        assert rf.read_bytes() == review_before  # the review file is saved only after the case
        outcome = recover(case, timeout=0)
        assert not (case / TXN_DIR).exists()
        if k < commit:
            assert outcome == "rolled back" and snapshot(case) == old, step
        else:
            assert snapshot(case) == new, step
            if k < steps.index("journal removed"):
                assert outcome == "rolled forward", step
        assert_consistent(case)
        # the review file was not updated: running it again gives the new case, each event once
        again = review(rf, case, accept_all=True)
        assert snapshot(case) == new, step
        if k >= commit:
            assert again.added == [] and len(again.already) == 3
        assert {c["status"] for c in load_review(rf)["candidates"]} == {"merged"}


def test_an_error_while_staging_changes_nothing(news_review: tuple[Path, Path], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    case_dir, review_file = news_review
    old, review_before = snapshot(case_dir), review_file.read_bytes()
    real = fsutil._write_new

    def full_disk(path: Path, data: bytes, mode: int | None) -> None:
        if path.name.endswith(".stage") and path.name.startswith(".2"):
            raise OSError(28, "No space left on device")
        real(path, data, mode)

    monkeypatch.setattr(fsutil, "_write_new", full_disk)
    with pytest.raises(OSError, match="No space left"):
        review(review_file, case_dir, accept_all=True)
    assert snapshot(case_dir) == old and not (case_dir / TXN_DIR).exists()
    assert review_file.read_bytes() == review_before


def test_a_failed_rename_after_commit_is_finished_by_the_next_command(
    news_review: tuple[Path, Path], tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    case_dir, review_file = news_review
    _, new = _steps(case_dir, review_file, tmp_path / "reference")
    real_replace = os.replace
    calls = {"n": 0}

    def flaky_replace(src, dst):  # type: ignore[no-untyped-def]
        if str(dst).endswith("events/ingested.yaml") and calls["n"] == 0:
            calls["n"] += 1
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(PermissionError):
        review(review_file, case_dir, accept_all=True)
    assert (case_dir / TXN_DIR / ".journal.json").is_file()  # committed: to be rolled forward
    assert check_case(case_dir).ok
    # the next command that reads the case (here: ingest) finishes the merge first
    ingest([case_dir / "paper.txt"], case=case_dir)
    assert snapshot(case_dir) == new and not (case_dir / TXN_DIR).exists()
    again = review(review_file, case_dir, accept_all=True)
    assert again.added == [] and snapshot(case_dir) == new


# ----------------------------------------------------------------- real processes, killed at random

CHILD = textwrap.dedent(
    """
    import os, sys, time
    from dialoguelab import fsutil
    from dialoguelab.ingest.api import review

    review_file, case, pause, go = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]

    def step(name):
        print("step", name, flush=True)
        time.sleep(pause)

    fsutil.FAULT_HOOK = step
    print("ready", flush=True)
    while go and not os.path.exists(go):
        time.sleep(0.01)
    review(review_file, case, accept_all=True)
    print("finished", flush=True)
    """
)


def _child(review_file: Path, case: Path, pause: float = 0.0, go: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(review_file), str(case), str(pause), str(go or "")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(proc: subprocess.Popen[str], word: str) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.split()[:1] == [word]:
            return
    raise AssertionError(f"the child ended before printing {word!r}: {proc.stderr.read() if proc.stderr else ''}")


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["delay", "steps"])
def test_killed_merges_leave_old_or_new_case(news_review: tuple[Path, Path], tmp_path: Path, mode: str) -> None:
    """20 real merges killed with SIGKILL at random points (10 per mode): each leaves the old or the new case.

    ``delay``: killed after a random delay in the span of a whole merge (measured once, as the distribution
    to draw from — not asserted); ``steps``: after a random number of transaction steps. Each step pauses
    10 ms in the child so that kills land between renames as well as before and after them. (Two halves so
    that parallel test workers share them.)
    """
    case_dir, review_file = news_review
    old = snapshot(case_dir)
    _, new = _steps(case_dir, review_file, tmp_path / "reference")
    span = 0.0
    if mode == "delay":
        case, rf = fresh(case_dir, review_file, tmp_path / "timing")
        proc = _child(rf, case, pause=0.01)
        _wait_for(proc, "ready")
        t0 = time.monotonic()
        _wait_for(proc, "finished")
        span = time.monotonic() - t0
        proc.wait()
    rng = random.Random(20240917 if mode == "delay" else 20240918)
    outcomes = {"old": 0, "new": 0}
    for k in range(10):
        case, rf = fresh(case_dir, review_file, tmp_path / f"kill-{k}")
        proc = _child(rf, case, pause=0.01)
        _wait_for(proc, "ready")
        if mode == "delay":
            time.sleep(rng.uniform(0, 1.2 * span))
        else:
            _wait_for(proc, "step")
            for _ in range(rng.randrange(0, 14)):
                assert proc.stdout is not None
                if not proc.stdout.readline():
                    break
        proc.kill()
        proc.wait()
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()
        recover(case, timeout=0)
        state = snapshot(case)
        assert state in (old, new), k
        outcomes["old" if state == old else "new"] += 1
        assert_consistent(case)
        review(rf, case, accept_all=True)  # the user runs the review again: each event once
        assert snapshot(case) == new
        assert {c["status"] for c in load_review(rf)["candidates"]} == {"merged"}
        assert_consistent(case)
    print(f"killed merges: {outcomes}")


# ----------------------------------------------------------------------------- concurrent writers


@pytest.mark.parametrize("same_review_file", [False, True])
def test_two_concurrent_merges_keep_every_event_once(
    mini_case_dir: Path, tmp_path: Path, same_review_file: bool
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "news.txt").write_text(NEWS, encoding="utf-8")
    (docs / "more.txt").write_text(MORE, encoding="utf-8")
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    ingest([docs / "news.txt"], case=mini_case_dir, out=first)
    ingest([docs / "more.txt"], case=mini_case_dir, out=second)
    if same_review_file:
        second = first
    expected = len(load_review(first)["candidates"]) + (
        0 if same_review_file else len(load_review(second)["candidates"])
    )
    assert expected in (3, 7)
    # both start their merge at the same moment and pause inside their transactions, so they overlap
    go = tmp_path / "go"
    a = _child(first, mini_case_dir, pause=0.05, go=go)
    b = _child(second, mini_case_dir, pause=0.05, go=go)
    _wait_for(a, "ready")
    _wait_for(b, "ready")
    go.touch()
    for p in (a, b):
        out, err = p.communicate()
        assert p.returncode == 0, err
    keys = ingested_keys(mini_case_dir)
    assert len(keys) == expected == len(set(keys))
    case = load_case(mini_case_dir)
    for rf in {first, second}:
        for c in load_review(rf)["candidates"]:
            assert c["status"] == "merged" and case.event(c["merged_as"])
    assert_consistent(mini_case_dir)


def test_a_second_writer_waits_then_gets_a_clear_error(news_review: tuple[Path, Path], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    case_dir, review_file = news_review
    old, review_before = snapshot(case_dir), review_file.read_bytes()
    with case_lock(case_dir, timeout=0, purpose="a test"):
        with pytest.raises(CaseBusyError, match=r"is locked by another dialoguelab process \(pid \d+, a test"):
            review(review_file, case_dir, accept_all=True, lock_timeout=0.2)
        monkeypatch.setenv("DIALOGUELAB_LOCK_TIMEOUT", "0")
        with pytest.raises(CaseBusyError, match="waited 0 s"):
            review(review_file, case_dir, accept_all=True)
    assert snapshot(case_dir) == old and review_file.read_bytes() == review_before
    monkeypatch.delenv("DIALOGUELAB_LOCK_TIMEOUT")
    assert review(review_file, case_dir, accept_all=True).added  # the lock is free again


def test_lock_timeout_validation(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="seconds >= 0"):
        fsutil.lock_timeout(-1)
    monkeypatch.setenv("DIALOGUELAB_LOCK_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="DIALOGUELAB_LOCK_TIMEOUT must be a number"):
        fsutil.lock_timeout()


# ----------------------------------------------------------------------------- idempotent re-runs


def test_rerun_whose_statuses_were_not_saved_adds_nothing(news_review: tuple[Path, Path]) -> None:
    case_dir, review_file = news_review
    unsaved = review_file.read_bytes()
    first = review(review_file, case_dir, accept_all=True)
    merged = snapshot(case_dir)
    review_file.write_bytes(unsaved)  # as if the process died before saving the statuses
    again = review(review_file, case_dir, accept_all=True)
    assert again.added == [] and sorted(e for _, e in again.already) == sorted(first.added)
    assert snapshot(case_dir) == merged
    statuses = {c["id"]: (c["status"], c["merged_as"]) for c in load_review(review_file)["candidates"]}
    assert sorted(e for _, e in statuses.values()) == sorted(first.added)


def test_edited_candidate_is_still_the_same_candidate(news_review: tuple[Path, Path], tmp_path: Path) -> None:
    case_dir, review_file = news_review
    cid = load_review(review_file)["candidates"][1]["id"]
    unsaved = review_file.read_bytes()
    review(review_file, case_dir, accept=[cid])
    review_file.write_bytes(unsaved)
    again = review(review_file, case_dir, edits={cid: {"type": "CONSULT", "summary": "Said again."}})
    assert again.added == [] and [c for c, _ in again.already] == [cid]


def test_same_document_under_another_name_is_not_merged_twice(news_review: tuple[Path, Path], tmp_path: Path) -> None:
    case_dir, review_file = news_review
    review(review_file, case_dir, accept_all=True)
    merged = snapshot(case_dir)
    copy = tmp_path / "copy-of-news.txt"
    copy.write_text(NEWS, encoding="utf-8")
    out = tmp_path / "again.yaml"
    ingest([copy], case=case_dir, out=out)
    ids = [c["id"] for c in load_review(out)["candidates"]]
    assert all(c["links"] for c in load_review(out)["candidates"])  # linked to the merged events by date
    # even unlinked on purpose, the same passages are recognised by their key and not added again
    again = review(out, case_dir, edits={cid: {"links": ""} for cid in ids})
    assert again.added == [] and len(again.already) == 3 and snapshot(case_dir) == merged


# -------------------------------------------------------------------------- same-stem documents


def test_documents_with_the_same_stem_keep_their_own_texts(mini_case_dir: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "news.txt", tmp_path / "b" / "news.txt"
    a.parent.mkdir()
    b.parent.mkdir()
    a.write_text("On May 5, 2010 Ostia threatened Norland again.\n", encoding="utf-8")
    b.write_text(
        "A preamble line.\nAnother line.\nOn June 7, 2011 Suria rejected the plan of Norland.\n", encoding="utf-8"
    )
    for doc in (a, b):
        out = doc.parent / "r.yaml"
        ingest([doc], case=mini_case_dir, out=out)
        review(out, mini_case_dir, accept_all=True)
    case = load_case(mini_case_dir)
    ingested = [e for e in case.events if "ingested" in e.tags]
    assert len(ingested) == 2
    cited = {e.citations[0] for e in ingested}
    assert len(cited) == 2  # two sources, not one
    for e in ingested:
        src = case.source(e.citations[0])
        text = (mini_case_dir / "texts" / str(src.text_file)).read_text(encoding="utf-8").split("\n")
        assert e.locator.document == src.id and text[e.locator.line - 1].startswith(e.locator.anchor)
    report = check_case(mini_case_dir)
    assert report.ok and report.locators_checked == 7 + 2


# ----------------------------------------------------------------------------------- file modes


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_merge_keeps_file_modes_and_new_files_get_the_umask_default(
    news_review: tuple[Path, Path], tmp_path: Path, umask_022: None
) -> None:
    case_dir, review_file = news_review
    (case_dir / "sources.yaml").chmod(0o644)
    (case_dir / "quotations.yaml").chmod(0o640)  # an unusual mode is kept too
    review_file.chmod(0o664)
    report = review(review_file, case_dir, accept_all=True)
    assert "sources.yaml" in report.files and "quotations.yaml" in report.files
    assert _mode(case_dir / "sources.yaml") == 0o644
    assert _mode(case_dir / "quotations.yaml") == 0o640
    assert default_file_mode() == 0o644
    for rel in report.files:
        if rel not in ("sources.yaml", "quotations.yaml"):
            assert _mode(case_dir / rel) == 0o644, rel
    assert _mode(review_file) == 0o664


def test_review_file_and_report_are_not_owner_only(
    mini_case_dir: Path, tmp_path: Path, umask_022: None, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "review.yaml"
    ingest([mini_case_dir / "paper.txt"], case=mini_case_dir, out=out)
    assert _mode(out) == 0o644
    from dialoguelab import report

    # the writer's file handling, not the report's content (the mini case has no findings to render)
    monkeypatch.setattr(report, "render_report", lambda case, scale="goldstein": "<html></html>")
    html = report.write_report(load_case(mini_case_dir), tmp_path / "report")
    assert _mode(html) == 0o644
    html.chmod(0o600)  # a user who made it private keeps it private
    report.write_report(load_case(mini_case_dir), tmp_path / "report")
    assert _mode(html) == 0o600 and html.read_text() == "<html></html>"


def test_atomic_write_through_a_symlink_keeps_the_link(tmp_path: Path, umask_022: None) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("a: 1\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    fsutil.atomic_write(link, "a: 2\n")
    assert link.is_symlink() and real.read_text() == "a: 2\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_recover_is_a_no_op_that_creates_nothing(tmp_path: Path) -> None:
    assert recover(tmp_path) is None and list(tmp_path.iterdir()) == []
