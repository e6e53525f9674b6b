"""Fixtures of the forecast tests: a small valid case folder in a temporary directory."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

CASE_YAML = "id: tiny\ntitle: A tiny case for forecast tests\nformat_version: 1\n"
ACTORS_YAML = textwrap.dedent("""\
    - {id: kosovo, name: Kosovo, type: state}
    - {id: serbia, name: Serbia, type: state}
    - {id: russia, name: Russia, type: state}
    - {id: eu, name: European Union, type: organization}
""")
SOURCES_YAML = textwrap.dedent("""\
    - {id: paper, kind: document, title: The study}
    - {id: fn-1, kind: footnote, number: 1, status: missing}
""")


def judgement(value: float, why: str = "A judgement made for the tests of the model.") -> str:
    return f'{{value: {value}, why: "{why}", citations: [fn-1]}}'


def issue_yaml(issue_id: str = "toy", actors: list[tuple[str, float, float, float]] | None = None) -> str:
    actors = actors or [
        ("kosovo", 100, 1.0, 20),
        ("serbia", 20, 0.9, 40),
        ("russia", 0, 0.8, 60),
        ("eu", 80, 0.7, 45),
    ]
    lines = [
        f"id: {issue_id}",
        "title: A toy issue",
        "question: How far will the toy parties go on this toy issue?",
        "judgement_note: Every value here is a judgement made for the tests.",
        "scale: {min: 0, max: 100, low: Nothing is accepted here., high: All is accepted here.}",
        "threshold: {value: 50, direction: above, meaning: Half of everything is accepted.}",
        "salience_scale: From zero to one, the share of attention.",
        "capability_scale: From zero to one hundred, relative clout.",
        "actors:",
    ]
    for a, x, s, c in actors:
        lines += [
            f"  - actor: {a}",
            f"    position: {judgement(x)}",
            f"    salience: {judgement(s)}",
            f"    capability: {judgement(c)}",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def tiny_case(tmp_path: Path) -> Path:
    root = tmp_path / "tiny"
    (root / "forecast").mkdir(parents=True)
    (root / "case.yaml").write_text(CASE_YAML)
    (root / "actors.yaml").write_text(ACTORS_YAML)
    (root / "sources.yaml").write_text(SOURCES_YAML)
    (root / "events.yaml").write_text("[]\n")  # a case folder needs its events file, here empty
    (root / "forecast" / "toy.yaml").write_text(issue_yaml())
    return root
