"""Docs stay in step with the code: every command is in the CLI reference, every doc the README names exists."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from dialoguelab.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_every_command_is_in_the_cli_reference() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## dialoguelab (\S+)$", reference, flags=re.M))
    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    assert commands - documented == set(), "run: python scripts/cli_reference.py"
    assert documented - commands == set(), "docs/cli.md names commands that no longer exist"


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```\n(.*?)```", readme, flags=re.S)
    assert block is not None
    assert block.group(1).split("\n")[:2] == ["make run", "make test"]


def test_docs_named_in_the_readme_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rel in re.findall(r"`(docs/[\w./-]+\.md)`", readme):
        assert (ROOT / rel).is_file(), rel
