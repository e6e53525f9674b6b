"""Quotations are data: each is stored verbatim as the paper (or the document it is located in) quotes it."""

from __future__ import annotations

from pathlib import Path

from dialoguelab.case import load_case
from dialoguelab.case.paper import normalise

_QUOTES = str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'"})


def _norm(text: str) -> str:
    return normalise(text).translate(_QUOTES)


def _split_match(text: str, paper: str, gap: int = 3000) -> bool:
    words = text.split()
    for k in range(len(words) - 1, 2, -1):
        head, tail = " ".join(words[:k]), " ".join(words[k:])
        at = paper.find(head)
        if at != -1:
            return tail in paper[at + len(head) : at + len(head) + gap]
    return False


def test_every_quotation_is_in_the_paper(seed_paper: Path) -> None:
    paper = _norm(seed_paper.read_text(encoding="utf-8"))
    case = load_case()
    missing = []
    for q in case.quotations:
        if q.locator.document is not None:
            # quoted from an outside document: its words are in that document's stored text
            source = case.source(q.locator.document)
            assert source.text_file, f"{q.id}: {source.id} keeps no text"
            text = _norm((case.root / "texts" / source.text_file).read_text(encoding="utf-8"))
            if _norm(q.text) not in text:
                missing.append(q.id)
            continue
        if _norm(q.text) in paper:
            continue
        # a quotation the PDF split across a page break: its head, then (after the footnotes) its tail
        if not ("page break" in (q.context or "") and _split_match(_norm(q.text), paper)):
            missing.append(q.id)
    assert missing == []
