"""The document model: footnotes re-attached, markers removed, URLs re-joined, page furniture dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialoguelab.ingest.document import DocumentError, parse_html, parse_text, read_document

SEP = " " * 59  # the separator line above a page's footnotes, as PDF extraction leaves it
PAGE = "\n".join(
    [
        "Russia moved 200 paratroopers to the airport on June 12, 19991 and the move surprised NATO ",
        " ",
        "commanders, who had not been told in advance by Moscow or by anyone else in the region.2",
        "",
        SEP,
        "1 BBC, Confrontation over Pristina Airport, March 9, 2000, Available at: ",
        "",
        "http://news.bbc.co.uk/1/hi/world/europe/",
        "671495.stm.  ",
        "2 The Guardian, Russian troops, June 13, 1999, Available at: "
        "https://www.theguardian.com/world/1999/jun/13/ ",
        "",
        "balkans5.  ",
        "",
        "https://www.theguardian.com/world/1999/jun/13/balkans5",
        "7 ",
        " ",
        " The next page continues the story after the page break, as the study goes on to explain.",
        "",
    ]
)


def test_footnotes_reattached_markers_glued_to_numbers_and_urls_rejoined() -> None:
    doc = parse_text(PAGE, "page.txt")
    body = " ".join(p.text for p in doc.paragraphs)
    assert "June 12, 1999 and" in body  # the marker glued to the year is gone
    assert "region." in body and "region.2" not in body
    markers = [m.number for p in doc.paragraphs for m in p.markers]
    assert markers == [1, 2]
    assert doc.footnotes[1].urls == ("http://news.bbc.co.uk/1/hi/world/europe/671495.stm",)
    assert doc.footnotes[2].urls == ("https://www.theguardian.com/world/1999/jun/13/balkans5",)
    assert doc.footnotes[1].line == 6


def test_page_numbers_and_link_blocks_removed() -> None:
    doc = parse_text(PAGE, "page.txt")
    body = " ".join(p.text for p in doc.paragraphs)
    assert " 7 " not in f" {body} " and "https://" not in body
    assert doc.removed["page_numbers"] == 1 and doc.removed["link_lines"] == 1
    assert "in the region. The next page continues the story" in body  # the page's body resumes


def test_origin_maps_text_back_to_lines() -> None:
    doc = parse_text(PAGE, "page.txt")
    para = doc.paragraphs[0]
    k = para.text.index("commanders")
    line, col = para.origin[k]
    assert doc.lines[line - 1][col:].startswith("commanders")


def test_running_header_removed() -> None:
    pages = []
    for i in range(4):
        pages.append(
            f"Journal of Tests\n\nParagraph {i} says that Serbia and Kosovo talked in 2011.\n\n{i + 1}\n"
        )
    doc = parse_text("".join(pages), "h.txt")
    assert doc.removed.get("header_lines") == 4
    assert all("Journal of Tests" not in p.text for p in doc.paragraphs)


def test_seed_paper_structure(seed_paper: Path) -> None:
    doc = read_document(seed_paper)
    markers = [m.number for p in doc.paragraphs for m in p.markers]
    assert markers == list(range(1, 139))  # every marker, in order, including "October 200836"
    assert 36 in doc.footnotes and doc.footnotes[36].text.startswith("UNGA, A/Res/63/3, October 8, 2008")
    url = doc.footnotes[31].urls[0]
    assert url.endswith("%7D/Kosovo%20S2007%20168.pdf") and " " not in url
    assert doc.footnotes[41].status == "cut_off"
    assert not any("https://" in p.text for p in doc.paragraphs)


def test_html_reader() -> None:
    html = """<html><head><script>var x = 1;</script><style>p{}</style></head><body>
    <h1>Report</h1><p>On March 8, 2011 the EU opened talks in Brussels.<sup>1</sup></p>
    <ol><li id="fn1">EEAS press release, March 8, 2011.</li></ol></body></html>"""
    doc = parse_html(html, "r.html")
    assert [p.text for p in doc.paragraphs] == ["Report", "On March 8, 2011 the EU opened talks in Brussels."]
    assert doc.paragraphs[1].markers[0].number == 1
    assert doc.footnotes[1].text == "EEAS press release, March 8, 2011."
    assert "var x" not in doc.text()


def test_pdf_reader_small_font_footnotes_and_header(tmp_path: Path, pdf_maker) -> None:  # type: ignore[no-untyped-def]
    pages = []
    for i in range(2):
        pages.append(
            [
                (72, 750, 9, "Quarterly Review"),
                (72, 700, 12, f"On June {12 + i}, 1999 Russia moved troops to Pristina airport."),
                (72 + 6.67 * 12 * 0 + 340, 706, 7, str(i + 1)),
                (72, 100, 8, f"{i + 1} BBC report number {i + 1}, 2000."),
                (300, 50, 10, str(i + 1)),
            ]
        )
    path = pdf_maker(tmp_path / "tiny.pdf", pages)
    doc = read_document(path)
    assert doc.kind == "pdf" and len(doc.pages) == 2
    assert doc.removed.get("header_lines") == 2
    assert doc.footnotes[1].text.startswith("BBC report number 1")
    assert doc.footnotes[2].text.startswith("BBC report number 2")
    body = " ".join(p.text for p in doc.paragraphs)
    assert "Quarterly Review" not in body and "June 12, 1999 Russia" in body


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"   \n\n  ", "is empty"),
        (b"\x00\x01\x02binary\x00data" * 100, "binary"),
        (b"%PDF-1.4\n1 0 obj garbage that is not a PDF at all", "not a readable PDF"),
        (b"\xff\xfe\xfa not utf-8 \xc3\x28", "not UTF-8"),
    ],
)
def test_bad_documents_give_clear_messages(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / ("bad.pdf" if content.startswith(b"%PDF") else "bad.txt")
    p.write_bytes(content)
    with pytest.raises(DocumentError, match=message):
        read_document(p)


def test_too_large_document_refused(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    line = b"On June 12, 1999 Russia moved troops to the airport, as the papers reported at length.\n"
    with p.open("wb") as fh:
        for _ in range((50 * 1024 * 1024) // len(line) + 1):
            fh.write(line)
    assert p.stat().st_size >= 50 * 1024 * 1024
    with pytest.raises(DocumentError, match=r"limit is 20,971,520 bytes"):
        read_document(p)


def test_missing_path_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="does not exist"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(DocumentError, match="is a folder"):
        read_document(tmp_path)
