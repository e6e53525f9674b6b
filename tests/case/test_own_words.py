"""Our own words: summaries do not copy the paper's prose.

A summary may share a proper name with the paper (an agreement's title runs to eight or nine
words), but no run of twelve consecutive words.
"""

from __future__ import annotations

from pathlib import Path

from dialoguelab.case import load_case
from dialoguelab.case.paper import normalise

RUN = 12


def _runs(text: str, k: int) -> set[tuple[str, ...]]:
    words = normalise(text).lower().split()
    return {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}


def test_no_summary_copies_twelve_words_of_the_paper(seed_paper: Path) -> None:
    paper = _runs(seed_paper.read_text(encoding="utf-8"), RUN)
    case = load_case()
    records = [*case.events, *case.agreements, *case.documents]
    copied = [r.id for r in records if _runs(r.summary, RUN) & paper]
    assert copied == []


def test_the_check_itself_catches_a_copied_sentence(seed_paper: Path) -> None:
    lines = [ln for ln in seed_paper.read_text(encoding="utf-8").splitlines() if len(ln.split()) > 14]
    copied = lines[5]
    assert _runs(copied, RUN) & _runs(seed_paper.read_text(encoding="utf-8"), RUN)
