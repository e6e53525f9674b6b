"""Review and merge: accept, edit, reject; atomic, validated, nothing lost or reordered."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from dialoguelab.case import check_case, load_case
from dialoguelab.errors import CaseValidationError
from dialoguelab.ingest.api import ingest, review
from dialoguelab.ingest.review import ReviewError, apply_decisions, load_review

C3, C5, C11 = "c-paper-00003-1", "c-paper-00005-1", "c-paper-00011-1"


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")  # the lock file, like the loader's content hash
    }


@pytest.fixture()
def reviewed(mini_case_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    out = tmp_path / "review.yaml"
    ingest([mini_case_dir / "paper.txt"], case=mini_case_dir, out=out)
    return mini_case_dir, out


def test_review_file_lists_candidates(reviewed: tuple[Path, Path]) -> None:
    _, out = reviewed
    data = load_review(out)
    assert [c["id"] for c in data["candidates"]] == [C3, C5, C11]
    assert all(c["status"] == "pending" for c in data["candidates"])
    assert data["documents"][0]["sha256"]


def test_accept_merges_and_keeps_existing_files(reviewed: tuple[Path, Path]) -> None:
    case_dir, out = reviewed
    before = snapshot(case_dir)
    report = review(out, case_dir, accept=[C3])
    assert report.added == ["ev-2008-reject-norland"]
    after = snapshot(case_dir)
    assert {k: v for k, v in after.items() if k != "events/ingested.yaml"} == before
    assert check_case(case_dir).ok
    ev = load_case(case_dir).event("ev-2008-reject-norland")
    assert ev.locator.line == 3 and ev.footnotes == [1] and ev.citations == ["fn-1"] and "ingested" in ev.tags
    statuses = {c["id"]: c["status"] for c in load_review(out)["candidates"]}
    assert statuses == {C3: "merged", C5: "pending", C11: "pending"}


def test_second_merge_appends_without_reordering(reviewed: tuple[Path, Path]) -> None:
    case_dir, out = reviewed
    review(out, case_dir, accept=[C3])
    first = (case_dir / "events/ingested.yaml").read_text(encoding="utf-8")
    review(out, case_dir, accept=[C5])
    second = (case_dir / "events/ingested.yaml").read_text(encoding="utf-8")
    assert second.startswith(first)
    ids = [e["id"] for e in yaml.safe_load(second)]
    assert ids == ["ev-2008-reject-norland", "ev-2008-reject-suria"]
    review(out, case_dir, accept_all=True)  # merged ones are not merged twice; the linked one is not added
    assert [e["id"] for e in yaml.safe_load((case_dir / "events/ingested.yaml").read_text())] == ids


def test_reject_and_edit(reviewed: tuple[Path, Path]) -> None:
    case_dir, out = reviewed
    report = review(
        out, case_dir, reject=[C5], edits={C3: {"type": "agree", "summary": "Norland says it is free."}}
    )
    assert report.rejected == [C5] and len(report.added) == 1
    ev = load_case(case_dir).event(report.added[0])
    assert ev.type.value == "AGREE" and ev.summary == "Norland says it is free."


def test_linked_candidate_not_duplicated_unless_unlinked(reviewed: tuple[Path, Path]) -> None:
    case_dir, out = reviewed
    report = review(out, case_dir, accept=[C11])
    assert report.added == [] and report.linked == [(C11, ["ev-2009-03-03-ostia-veto-threat"])]
    assert not (case_dir / "events/ingested.yaml").exists()
    report = review(out, case_dir, edits={C11: {"links": ""}})
    assert len(report.added) == 1


def test_validation_failure_leaves_everything_untouched(reviewed: tuple[Path, Path]) -> None:
    case_dir, out = reviewed
    before, review_before = snapshot(case_dir), out.read_bytes()
    with pytest.raises(CaseValidationError, match="unknown actor id 'atlantis'.*nothing was written"):
        review(out, case_dir, edits={C3: {"source_actors": "atlantis"}})
    assert snapshot(case_dir) == before and out.read_bytes() == review_before


def test_dry_run_writes_nothing(reviewed: tuple[Path, Path]) -> None:
    case_dir, out = reviewed
    before, review_before = snapshot(case_dir), out.read_bytes()
    report = review(out, case_dir, accept_all=True, dry_run=True)
    assert report.dry_run and report.added and "events/ingested.yaml" in report.preview
    assert snapshot(case_dir) == before and out.read_bytes() == review_before


def test_other_document_into_case_with_paper_keeps_its_text_and_locators(mini_case_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "news.txt"
    doc.write_text("A note.\nOn May 5, 2010 Ostia threatened Norland again.\n", encoding="utf-8")
    out = tmp_path / "r.yaml"
    ingest([doc], case=mini_case_dir, out=out)
    report = review(out, mini_case_dir, accept_all=True)
    text_sha = hashlib.sha256(doc.read_bytes() + b"\n").hexdigest()  # the text as read: its lines, joined
    sid = f"doc-news-{text_sha[:8]}"
    assert report.files == ["events/ingested.yaml", "sources.yaml", f"texts/{text_sha[:16]}.txt"]
    case = load_case(mini_case_dir)
    ev = case.event(report.added[0])
    assert ev.citations == [sid] and ev.locator.document == sid and ev.locator.line == 2
    src = case.source(sid)
    assert src.text_file == f"{text_sha[:16]}.txt" and src.sha256 == text_sha
    report_check = check_case(mini_case_dir)
    assert report_check.ok and report_check.locators_checked == 8  # the paper's 7 and the new document's


def test_a_relative_date_is_merged_as_read_from_context(mini_case_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "news.txt"
    doc.write_text(
        "On May 5, 2010 Ostia threatened Norland again.\n\nThe next day Suria rejected the threat.\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.yaml"
    ingest([doc], case=mini_case_dir, out=out)
    report = review(out, mini_case_dir, accept_all=True)
    case = load_case(mini_case_dir)
    by_date = {str(case.event(i).date): case.event(i) for i in report.added}
    # the document is not the case's paper: its dates are outside dates (the paper's own stay "paper")
    assert by_date["2010-05-05"].date_basis.value == "outside"
    nxt = by_date["2010-05-06"]
    assert nxt.date_basis.value == "context" and nxt.date_note
    assert check_case(mini_case_dir).ok


def test_a_document_changed_since_ingest_is_refused(mini_case_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "news.txt"
    doc.write_text("On May 5, 2010 Ostia threatened Norland again.\n", encoding="utf-8")
    out = tmp_path / "r.yaml"
    ingest([doc], case=mini_case_dir, out=out)
    doc.write_text("On May 6, 2010 nothing happened.\n", encoding="utf-8")
    before = snapshot(mini_case_dir)
    with pytest.raises(ReviewError, match="has changed since it was ingested"):
        review(out, mini_case_dir, accept_all=True)
    assert snapshot(mini_case_dir) == before


def test_other_document_into_case_without_paper_adds_a_source(mini_case_dir: Path, tmp_path: Path) -> None:
    meta = yaml.safe_load((mini_case_dir / "case.yaml").read_text())
    meta.pop("paper")
    (mini_case_dir / "case.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    sources_before = (mini_case_dir / "sources.yaml").read_text(encoding="utf-8")
    doc = tmp_path / "news.txt"
    doc.write_text("On May 5, 2010 Ostia threatened Norland again.\n", encoding="utf-8")
    out = tmp_path / "r.yaml"
    ingest([doc], case=mini_case_dir, out=out)
    report = review(out, mini_case_dir, accept_all=True)
    text_sha = hashlib.sha256(doc.read_bytes() + b"\n").hexdigest()
    assert report.files == ["events/ingested.yaml", "sources.yaml", f"texts/{text_sha[:16]}.txt"]
    assert (mini_case_dir / "sources.yaml").read_text(encoding="utf-8").startswith(sources_before)
    case = load_case(mini_case_dir)
    ev = case.event(report.added[0])
    sid = f"doc-news-{text_sha[:8]}"
    assert ev.citations == [sid] and case.source(sid).title == "news.txt"


def test_existing_ingested_file_is_kept(reviewed: tuple[Path, Path]) -> None:
    case_dir, out = reviewed
    existing = (
        "# hand-kept header\n- id: ev-2009-manual\n  date: '2009'\n  type: CONSULT\n"
        "  source_actors: [ostia]\n"
        '  summary: A record typed by hand.\n  locator: {line: 11, anchor: "On March 3, 2009"}\n'
        "  citations: [paper]\n"
    )
    (case_dir / "events/ingested.yaml").write_text(existing, encoding="utf-8")
    review(out, case_dir, accept=[C3])
    text = (case_dir / "events/ingested.yaml").read_text(encoding="utf-8")
    assert text.startswith(existing)
    assert [e["id"] for e in yaml.safe_load(text)] == ["ev-2009-manual", "ev-2008-reject-norland"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"accept": ["c-nope"]}, "unknown candidate id"),
        ({"accept": [C3], "reject": [C3]}, "both accepted and rejected"),
        ({"edits": {C3: {"colour": "red"}}}, "cannot edit 'colour'"),
        ({"edits": {C3: {"type": "HUG"}}}, "not a PLOVER type"),
        ({"edits": {C3: {"date": "2008-13"}}}, "date='2008-13'"),
    ],
)
def test_bad_decisions(reviewed: tuple[Path, Path], kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    _, out = reviewed
    with pytest.raises(ReviewError, match=message):
        apply_decisions(load_review(out), **kwargs)


def test_candidate_without_type_needs_an_edit(reviewed: tuple[Path, Path]) -> None:
    case_dir, out = reviewed
    data = load_review(out)
    data["candidates"][0]["type"] = None
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ReviewError, match=f"--edit {C3} type="):
        review(out, case_dir, accept=[C3])


def test_not_a_review_file(tmp_path: Path) -> None:
    p = tmp_path / "x.yaml"
    p.write_text("a: 1\n")
    with pytest.raises(ReviewError, match="is not a review file"):
        load_review(p)


def test_quotations_of_merged_events_are_merged_with_their_speaker(mini_case_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "statement.txt"
    doc.write_text(
        "On May 5, 2010 Ivan Envoy condemned the plan and said it was \u201ca grave mistake for the region\u201d.\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.yaml"
    ingest([doc], case=mini_case_dir, out=out)
    before = (mini_case_dir / "quotations.yaml").read_text(encoding="utf-8")
    report = review(out, mini_case_dir, accept_all=True)
    assert "quotations.yaml" in report.files and len(report.quotations) == 1
    assert (mini_case_dir / "quotations.yaml").read_text(encoding="utf-8").startswith(before)
    case = load_case(mini_case_dir)
    q = next(q for q in case.quotations if q.id == report.quotations[0])
    assert (q.speaker, q.text, q.event) == ("ivan-envoy", "a grave mistake for the region", report.added[0])
    assert q.locator.document.startswith("doc-statement-") and check_case(mini_case_dir).ok
    # ingesting and merging the same statement again adds no second copy of the words
    doc2 = tmp_path / "again.txt"
    doc2.write_text(doc.read_text(encoding="utf-8").replace("May 5", "May 6"), encoding="utf-8")
    out2 = tmp_path / "r2.yaml"
    ingest([doc2], case=mini_case_dir, out=out2)
    again = review(out2, mini_case_dir, accept_all=True)
    assert again.quotations == [] and any("already in the case" in s for s in again.quotations_skipped)
