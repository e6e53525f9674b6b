"""Hostile input to ingest: each ends in one clear, located error and exit code 1, fast and in bounded memory.

No test measures time (speed is in ``benchmarks/ingest``); a regression to the old behaviour shows as a
hang (FIFO), a MemoryError (``/dev/zero``) or a wrong message, which these tests catch.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dialoguelab.ingest import document as document_module
from dialoguelab.ingest.candidates import MAX_SENTENCE_CHARS, split_sentences
from dialoguelab.ingest.cli import register
from dialoguelab.ingest.document import (
    MAX_LINE_CHARS,
    DocumentError,
    Origin,
    parse_html,
    parse_text,
    read_document,
)


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    a = typer.Typer()
    register(a)

    @a.callback()
    def _root() -> None:
        """Test app."""

    return a


def _ingest(app: typer.Typer, case: Path, *paths: Path) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["ingest", *map(str, paths), "--case", str(case), "--json"])
    return res.exit_code, res.output


def _one_error(output: str) -> str:
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    assert "Traceback" not in output
    return errors[0]


def test_fifo_is_refused_without_waiting_for_a_writer(app: typer.Typer, mini_case_dir: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    code, out = _ingest(app, mini_case_dir, fifo)
    assert code == 1
    assert f"{fifo} is a named pipe (FIFO), not a regular file" in _one_error(out)


def test_symlink_to_dev_zero_is_refused_not_read(app: typer.Typer, mini_case_dir: Path, tmp_path: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    code, out = _ingest(app, mini_case_dir, link)
    assert code == 1
    assert f"{link} (a link to /dev/zero) is a character device, not a regular file" in _one_error(out)


def test_symlink_to_a_regular_file_is_followed(mini_case_dir: Path, tmp_path: Path) -> None:
    link = tmp_path / "paper-link.txt"
    link.symlink_to(mini_case_dir / "paper.txt")
    assert read_document(link).sha256 == read_document(mini_case_dir / "paper.txt").sha256


def test_broken_symlink(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    with pytest.raises(DocumentError, match=r"gone.txt is a link to .*nowhere.txt, which does not exist"):
        read_document(link)


def test_oversized_single_line(app: typer.Typer, mini_case_dir: Path, tmp_path: Path) -> None:
    """The audit's 20 MB single line (14 CPU-minutes, 2.6 GB before): refused at once, with its line."""
    big = tmp_path / "one-line.txt"
    sentence = b"On June 12, 1999 Russia moved troops to Pristina airport, and NATO objected. "
    with big.open("wb") as fh:
        fh.write(b"A title\n")
        fh.write(sentence * (20 * 1024 * 1024 // len(sentence) - 1))
    code, out = _ingest(app, mini_case_dir, big)
    assert code == 1
    err = _one_error(out)
    assert re.search(rf"{re.escape(str(big))}, line 2: [\d,]+ characters on one line; the limit is 100,000", err)


def test_html_block_too_long() -> None:
    html = "<html><body><p>" + "word " * (MAX_LINE_CHARS // 5 + 10) + "</p></body></html>"
    with pytest.raises(DocumentError, match=r"page.html, block 1: [\d,]+ characters on one block"):
        parse_html(html, "page.html")


def test_non_utf8(app: typer.Typer, mini_case_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "latin1.txt"
    doc.write_bytes("Ligne un.\nLe caf\u00e9 de Pristina, 2008.\n".encode("latin-1"))
    code, out = _ingest(app, mini_case_dir, doc)
    assert code == 1
    assert f"{doc} is not UTF-8 text (invalid byte at line 2)" in _one_error(out)


def test_directory(app: typer.Typer, mini_case_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "empty-folder"
    folder.mkdir()
    (folder / "notes.bin").write_bytes(b"\x00\x01")
    code, out = _ingest(app, mini_case_dir, folder)
    assert code == 1 and f"{folder} has no documents" in _one_error(out)
    with pytest.raises(DocumentError, match="is a folder: give a file"):
        read_document(folder)


def test_a_folder_skips_fifos_and_device_links(mini_case_dir: Path, tmp_path: Path, app: typer.Typer) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "note.txt").write_text("On May 5, 2010 Ostia threatened Norland again.\n", encoding="utf-8")
    code, out = _ingest(app, mini_case_dir, folder)
    assert code == 0, out


def test_the_limit_applies_to_what_is_read(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    doc = tmp_path / "big.txt"
    doc.write_bytes(b"On May 5, 2010 Ostia met Norland.\n" * 1000)
    requested: list[int] = []
    real_read = os.read

    def counting_read(fd: int, n: int) -> bytes:
        requested.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(document_module.os, "read", counting_read)
    with pytest.raises(DocumentError, match="the limit is 1,000 bytes"):
        read_document(doc, max_bytes=1000)
    assert sum(requested) == 1001  # never more than the limit and one byte


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    for name, data in (("empty.txt", b""), ("blank.txt", b"  \n\n\t\n")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(DocumentError, match=f"{name} is empty"):
            read_document(tmp_path / name)


def test_bad_max_bytes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'max_bytes' parameter must be a positive integer"):
        read_document(tmp_path / "x.txt", max_bytes=0)


# ------------------------------------------------------------------------ bounded sentence lengths


def test_sentences_are_bounded() -> None:
    text = ("word " * 5000).strip() + ". Next sentence here."
    spans = split_sentences(text)
    assert max(b - a for a, b in spans) <= MAX_SENTENCE_CHARS
    assert text[spans[-1][0] : spans[-1][1]] == "Next sentence here."
    assert " ".join(text[a:b] for a, b in spans) == text  # cut at spaces: nothing lost


def test_a_long_line_under_the_limit_still_gives_its_events(mini_case_dir: Path, tmp_path: Path) -> None:
    from dialoguelab.case import load_case
    from dialoguelab.ingest.actors import Gazetteer
    from dialoguelab.ingest.candidates import ingest_document

    sentence = "On May 5, 2010 Ostia threatened Norland again. "
    doc = tmp_path / "long-line.txt"
    doc.write_text(sentence * (90_000 // len(sentence)), encoding="utf-8")
    case = load_case(mini_case_dir)
    result = ingest_document(doc, Gazetteer.from_case(case), case.events)
    n = 90_000 // len(sentence)
    assert len(result.candidates) == n and all(c.locator_ok for c in result.candidates)
    assert {c.locator["line"] for c in result.candidates} == {1}


# ------------------------------------------------------------------- the compact origin map


@settings(deadline=None, max_examples=60)
@given(
    st.lists(
        st.tuples(st.integers(1, 50), st.integers(0, 30), st.text(alphabet="ab c1.", min_size=1, max_size=12)),
        min_size=1,
        max_size=12,
    ),
    st.data(),
)
def test_origin_runs_equal_the_per_character_map(pieces, data) -> None:  # type: ignore[no-untyped-def]
    naive: list[tuple[int, int]] = []
    origin = Origin()
    for j, (line, col, s) in enumerate(pieces):
        if j:
            naive.append(naive[-1])
            origin.append_run(*origin[-1], 1, step=0)
        naive.extend((line, col + c) for c in range(len(s)))
        origin.append_run(line, col, len(s))
    assert list(origin) == naive and len(origin) == len(naive)
    assert [origin[i] for i in range(len(naive))] == naive and origin[-1] == naive[-1]
    a = data.draw(st.integers(0, len(naive)))
    b = data.draw(st.integers(a, len(naive)))
    part = Origin()
    part.extend_slice(origin, a, b)
    assert list(part) == naive[a:b] and origin[a:b] == naive[a:b]


def test_paragraph_origins_still_point_at_their_characters() -> None:
    text = "Intro line of the page\n\nOn June 12, 1999 Russia moved troops,1 and on June 13,\n1999 NATO objected.2\n"
    text += "\n 1 BBC, 1999.\n 2 CNN, 1999.\n"
    doc = parse_text(text, "t.txt")
    for para in doc.paragraphs:
        for k, ch in enumerate(para.text):
            line, col = para.origin[k]
            if ch != " ":
                assert doc.lines[line - 1][col] == ch
