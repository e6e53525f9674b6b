"""The curator's flow end to end, with no hand editing: two of their documents re-ingested into the Kosovo case.

A copy of the built-in case is taken back to before their merge (no ingested events, no document sources,
no stored texts); two of the documents they ingested are ingested again through the CLI, with the
document's metadata; each review file is decided in one ``review`` call with several ``--edit``s
(fields of candidates and of the document) and merged once; ``dialoguelab check`` is then clean, and the
merged events meet the case's own rules for dates from outside documents and for quotations
(``tests/case/test_dates_are_sourced.py``, ``tests/case/test_quotations_verbatim.py``).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from dialoguelab.case import DateBasis, SourceKind, check_case, load_case
from dialoguelab.cli import app

NEWS = Path(__file__).parent / "data" / "news"
TIRFAX = "tirfax-2024-10-09-banjska-trial-begins.txt"
UN = "un-press-9894th-meeting-2025-04-08-kosovo.txt"


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


@pytest.fixture()
def case_before(tmp_path: Path, seed_paper: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int]:
    """The Kosovo case as it was before the curator's merge, and the number of its locators."""
    monkeypatch.setenv("DIALOGUELAB_PAPER_PATH", str(seed_paper.parent))  # so that check verifies every locator
    dest = tmp_path / "kosovo"
    shutil.copytree(load_case().root, dest, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    # the curator's events, and the documents (sources and texts) that only they are located in
    ingested = yaml.safe_load((dest / "events" / "ingested.yaml").read_text(encoding="utf-8"))
    theirs = {e["locator"]["document"] for e in ingested if e["locator"].get("document")}
    (dest / "events" / "ingested.yaml").unlink()
    sources = (dest / "sources.yaml").read_text(encoding="utf-8")
    for sid in theirs:
        block = re.search(rf"^- id: {re.escape(sid)}\n(?:  [^\n]*\n)*", sources, flags=re.MULTILINE)
        assert block is not None, sid
        text_file = re.search(r"^  text_file: (\S+)$", block.group(0), flags=re.MULTILINE)
        assert text_file is not None, sid
        (dest / "texts" / text_file.group(1)).unlink()
        sources = sources.replace(block.group(0), "")
    (dest / "sources.yaml").write_text(sources, encoding="utf-8")
    report = check_case(dest)
    assert report.ok and report.paper is not None, report.problems
    return dest, report.locators_checked


def run(*args: str) -> str:
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return " ".join(res.output.split())  # as one line: the console wraps to the terminal's width


def test_two_documents_reingested_reviewed_and_merged_with_no_hand_editing(
    case_before: tuple[Path, int], tmp_path: Path
) -> None:
    root, locators_before = case_before
    case = str(root)
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in (TIRFAX, UN):
        shutil.copy(NEWS / name, docs / name)
    before = snapshot(root)

    # 1. ingest: the header line gives the URL; the options give the rest (the UN text is undated: --date)
    r1, r2 = tmp_path / "tirfax.yaml", tmp_path / "un.yaml"
    run("ingest", str(docs / TIRFAX), "--case", case, "--out", str(r1), "--json",
        "--title", "Trial begins in Pristina for suspects in Banjska attack", "--publisher", "Tirfax News")  # fmt: skip
    run("ingest", str(docs / UN), "--case", case, "--out", str(r2), "--json", "--date", "2025-04-08",
        "--title", "Kosovo: Security Council, 9894th meeting", "--publisher", "United Nations")  # fmt: skip
    tirfax, un = yaml.safe_load(r1.read_text(encoding="utf-8")), yaml.safe_load(r2.read_text(encoding="utf-8"))
    t_doc, u_doc = tirfax["documents"][0], un["documents"][0]
    t = {c["date_text"]: c["id"] for c in tirfax["candidates"]}
    u = {c["date_text"]: c["id"] for c in un["candidates"]}
    assert set(t) == {"Wednesday", "September 2023", "September 24", "September 11"}
    assert set(u) == {"today", "16 September 2024", "15 March 2025", "1999"}

    # 2. review: every decision of a document in one call, one merge each
    run("review", str(r1), "--case", case,
        "--edit", t["Wednesday"], "type=COERCE",
        "--edit", t["Wednesday"], "source_actors=kosovo",
        "--edit", t["Wednesday"], "target_actors=serb-paramilitary-group",
        "--edit", t["Wednesday"], "summary=The Banjska trial opens in Pristina with three of the 45 accused present.",
        "--edit", t["Wednesday"], "citations=+jurist-2024-10-banjska-trial",
        "--edit", t["Wednesday"], "tags=+banjska,trial",
        "--edit", t["September 11"], "source_actors=kosovo-special-prosecution,kosovo",
        "--edit", t["September 11"], "target_actors=milan-radoicic,serb-paramilitary-group",
        "--edit", t["September 11"], "summary=Kosovo's special prosecution indicts 45 people over the Banjska attack.",
        "--edit", t["September 11"], "tags=+banjska",
        "--reject", f"{t['September 2023']},{t['September 24']}",
        "--edit", t_doc["id"], "note=verified against the stored copy on 2026-12-04: dated Oct 9, 2024",
    )  # fmt: skip
    sid, z = u_doc["source_id"], u["16 September 2024"]  # Ziadeh's briefing, dated by the meeting
    out = run("review", str(r2), "--case", case,
        "--edit", u["today"], "type=CONSULT",
        "--edit", u["today"], "source_actors=un-security-council",
        "--edit", u["today"], "target_actors=unmik,kosovo,serbia",
        "--edit", u["today"], "summary=The Security Council takes up the UNMIK report and the mission's future.",
        "--edit", z, "type=CONSULT",
        "--edit", z, "date=2025-04-08",
        "--edit", z, "source_actors=caroline-ziadeh",
        "--edit", z, "target_actors=un-security-council",
        "--edit", z, "summary=UNMIK's head presents the Secretary-General's report to the Council.",
        "--edit", z, f"date_note={sid} reports Ziadeh introducing the report at the meeting of 8 April 2025.",
        "--reject", f"{u['15 March 2025']},{u['1999']}",
        "--edit", u_doc["id"], "note=verified against the stored copy on 2026-12-04: the 9894th meeting",
        "--edit", u_doc["id"], "url=https://media.un.org/avlibrary/en/asset/d335/d3359740",
    )  # fmt: skip
    assert "quotation(s): q-2025-04-08-caroline-ziadeh" in out

    # 3. the case is valid, every locator verified, and only the ingest's own files changed
    assert "OK" in run("check", case)
    report = check_case(root)
    # 4 events, 1 quotation; the two texts' locators are verified with the paper's
    assert report.ok and report.locators_checked == locators_before + 5
    after = snapshot(root)
    changed = {k for k in after if before.get(k) != after[k]}
    assert {k for k in changed if not k.startswith("texts/")} == {
        "events/ingested.yaml",
        "sources.yaml",
        "quotations.yaml",
    }
    assert len([k for k in changed if k.startswith("texts/")]) == 2

    merged = load_case(root)
    events = {e.id: e for e in merged.events if "ingested" in e.tags}
    assert len(events) == 4
    trial = next(e for e in events.values() if "banjska" in e.tags and e.date.day == 9)
    indictment = next(e for e in events.values() if e.date.day == 11)
    meeting = next(e for e in events.values() if e.source_actors == ["un-security-council"])
    briefing = next(e for e in events.values() if e.source_actors == ["caroline-ziadeh"])
    assert (str(trial.date), trial.date_basis) == ("2024-10-09", DateBasis.CONTEXT)  # "on Wednesday"
    assert (str(indictment.date), indictment.date_basis) == ("2024-09-11", DateBasis.CONTEXT)  # "on September 11"
    assert (str(meeting.date), meeting.date_basis) == ("2025-04-08", DateBasis.CONTEXT)  # "met today"
    assert (str(briefing.date), briefing.date_basis) == ("2025-04-08", DateBasis.OUTSIDE)  # set by the reviewer
    assert trial.citations[1:] == ["jurist-2024-10-banjska-trial"] and {"banjska", "trial"} <= set(trial.tags)

    # the source records: what the options, the header line and the reviewer said
    t_src = merged.source(trial.citations[0])
    assert (t_src.title, t_src.publisher, str(t_src.date)) == (
        "Trial begins in Pristina for suspects in Banjska attack",
        "Tirfax News",
        "2024-10-09",  # its dateline
    )
    assert [str(x) for x in t_src.urls] == ["https://tirfaxnews.org/2024/10/trial-begins-in-pristina-for-suspects-in-banjska-attack"]
    assert briefing.citations == [sid] and merged.source(sid).publisher == "United Nations"

    # the case's rules: a date from outside names a verified, dated, located document it cites …
    for e in events.values():
        if e.date_basis is not DateBasis.OUTSIDE:
            assert e.date_basis is DateBasis.CONTEXT and len((e.date_note or "").split()) >= 5
            continue
        outside = [merged.source(c) for c in e.citations if merged.source(c).kind is SourceKind.DOCUMENT]
        named = [s for s in outside if s.id in (e.date_note or "")]
        assert named, e.id
        for s in named:
            assert s.urls and s.title and s.date is not None and "verified" in (s.note or "")
    # … and a quotation from an outside document stands in that document's stored text
    (quote,) = [q for q in merged.quotations if q.event == briefing.id]
    assert quote.locator.document == sid
    text = (root / "texts" / (merged.source(sid).text_file or "")).read_text(encoding="utf-8")
    assert quote.text in text
