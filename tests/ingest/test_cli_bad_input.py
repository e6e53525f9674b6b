"""The CLI: ingest → review → merge, the interactive prompt, and bad input leaving the case untouched."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from dialoguelab.ingest.cli import register


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    a = typer.Typer()
    register(a)

    @a.callback()
    def _root() -> None:
        """Test app."""

    return a


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")  # the lock file, like the loader's content hash
    }


def bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj << /Type /Catalog >>\nthis is not a PDF body\n")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    big = tmp_path / "big.txt"
    chunk = b"On June 12, 1999 Russia moved troops to Pristina airport, and NATO objected.\n" * 1000
    with big.open("wb") as fh:
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(chunk)
    return {
        "empty": (empty, "is empty"),
        "corrupt": (corrupt, "not a readable PDF"),
        "binary": (binary, "binary data"),
        "big": (big, "the limit is"),
    }


def test_bad_input_clear_message_case_untouched(
    app: typer.Typer, mini_case_dir: Path, tmp_path: Path
) -> None:
    files = bad_files(tmp_path)
    before = snapshot(mini_case_dir)
    runner = CliRunner()
    for name, (path, message) in files.items():
        out = tmp_path / f"review-{name}.yaml"
        res = runner.invoke(app, ["ingest", str(path), "--case", str(mini_case_dir), "--out", str(out)])
        assert res.exit_code == 1, (name, res.output)
        assert "Error:" in res.output and message in res.output, (name, res.output)
        assert not out.exists()
        assert snapshot(mini_case_dir) == before


def test_one_bad_file_among_good_ones(app: typer.Typer, mini_case_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "r.yaml"
    res = CliRunner().invoke(
        app,
        [
            "ingest",
            str(mini_case_dir / "paper.txt"),
            str(empty),
            "--case",
            str(mini_case_dir),
            "--out",
            str(out),
            "--json",
        ],
    )
    assert res.exit_code == 1 and "is empty" in res.output
    assert len(yaml.safe_load(out.read_text())["candidates"]) == 3


def test_ingest_then_review_flags(app: typer.Typer, mini_case_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.yaml"
    res = runner.invoke(
        app,
        [
            "ingest",
            str(mini_case_dir / "paper.txt"),
            "--case",
            str(mini_case_dir),
            "--out",
            str(out),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["documents"][0]["candidates"] == 3 and data["review_file"] == str(out)
    res = runner.invoke(
        app,
        [
            "review",
            str(out),
            "--edit",
            "c-paper-00003-1",
            "type=AGREE",
            "--field",
            "summary=Norland declares itself free.",
            "--reject",
            "c-paper-00005-1",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["added"] == ["ev-2008-agree-norland"] and report["rejected"] == ["c-paper-00005-1"]
    events = yaml.safe_load((mini_case_dir / "events" / "ingested.yaml").read_text())
    assert events[0]["summary"] == "Norland declares itself free."


def test_review_interactive_prompt(app: typer.Typer, mini_case_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.yaml"
    runner.invoke(
        app, ["ingest", str(mini_case_dir / "paper.txt"), "--case", str(mini_case_dir), "--out", str(out)]
    )
    res = runner.invoke(app, ["review", str(out)], input="e\ntype=CONSULT\n\nr\nq\n")
    assert res.exit_code == 0, res.output
    assert "added 1 event(s)" in res.output
    statuses = {c["id"]: c["status"] for c in yaml.safe_load(out.read_text())["candidates"]}
    assert statuses == {
        "c-paper-00003-1": "merged",
        "c-paper-00005-1": "rejected",
        "c-paper-00011-1": "pending",
    }
    ev = yaml.safe_load((mini_case_dir / "events" / "ingested.yaml").read_text())[0]
    assert ev["type"] == "CONSULT"


def test_review_usage_errors(app: typer.Typer, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["review", str(tmp_path / "missing.yaml"), "--accept-all"])
    assert res.exit_code == 1 and "does not exist" in res.output
    res = runner.invoke(app, ["review", str(tmp_path / "x.yaml"), "--accept-all", "--reject", "a"])
    assert res.exit_code == 2


def test_help_has_examples(app: typer.Typer) -> None:
    for cmd in ("ingest", "review", "ingest-eval"):
        res = CliRunner().invoke(app, [cmd, "--help"])
        assert res.exit_code == 0 and "Example" in res.output
