"""A small synthetic case with a known answer, built in tmp_path from the mini case template."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini_case"
KOSOVO_MEMBERSHIP = ROOT / "src" / "dialoguelab" / "cases" / "kosovo" / "membership"

ACTORS = [
    {"id": "rusland", "name": "Rusland", "type": "state", "iso3": "RUS"},
    {"id": "westland", "name": "Westland", "type": "state", "iso3": "USA"},
    {"id": "union", "name": "The Union", "type": "organization"},
    {"id": "serbland", "name": "Serbland", "type": "state", "iso3": "SRB"},
    {"id": "kosland", "name": "Kosland", "type": "state", "iso3": "XKX"},
    {"id": "mediator", "name": "The Mediator", "type": "person"},
    {"id": "envoy", "name": "Rusland's envoy", "type": "person", "affiliation": "rusland"},
    {"id": "minister", "name": "Envoy's deputy", "type": "person", "affiliation": "envoy"},
    {"id": "georgland", "name": "Georgland", "type": "state"},
    {"id": "crimland", "name": "Crimland", "type": "organization"},
    {"id": "donland", "name": "Donland", "type": "organization"},
    {"id": "farland", "name": "Farland", "type": "state", "iso3": "POL"},
]

BLOCS = {
    "default": "other",
    "blocs": [
        {"id": "russia", "name": "Rusland", "actors": ["rusland"]},
        {"id": "west", "name": "The West", "actors": ["westland", "union"], "member_of": ["nato"]},
        {"id": "serbia", "name": "Serbland", "actors": ["serbland"]},
        {"id": "kosovo", "name": "Kosland", "actors": ["kosland"]},
        {"id": "process", "name": "Process", "actors": ["mediator"]},
    ],
    "topic": {"name": "Kosland", "blocs": ["kosovo", "process"], "exclude_tags": ["elsewhere"]},
    # the same four series as the built-in case, read from the case's own blocs.yaml
    "series": [
        {"id": "russia-process", "title": "Rusland toward the process", "source": "russia",
         "targets": ["west", "kosovo", "process"], "topic": "on"},
        {"id": "russia-west", "title": "Rusland toward the West", "source": "russia", "targets": ["west"],
         "topic": "any"},
        {"id": "russia-west-other", "title": "Rusland toward the West elsewhere", "source": "russia",
         "targets": ["west"], "topic": "off"},
        {"id": "serbia-alignment", "title": "Serbland's alignment", "source": "serbia",
         "targets": ["russia", "west"], "kind": "alignment", "toward": "russia", "away": ["west"]},
    ],
}


def event(
    eid: str, date: str, etype: str, src: list[str], tgt: list[str], tags: list[str] | None = None
) -> dict:
    """One synthetic event (cites the mini paper; the case has no paper text, so no locator check)."""
    return {
        "id": eid,
        "date": date,
        "type": etype,
        "source_actors": src,
        "target_actors": tgt,
        "summary": f"synthetic event {eid}",
        "locator": {"line": 1, "anchor": "synthetic"},
        "citations": ["paper"],
        "tags": tags or [],
    }


def step_events(flip_other: bool = False) -> list[dict]:
    """Known answer: Rusland cooperates 1990-1999 and threatens 2000-2009, toward Kosland (process series)
    and toward Westland on another topic (west-other series); ``flip_other`` reverses the latter."""
    out = []
    for year in range(1990, 2010):
        coop = year < 2000
        t = "COOPERATE" if coop else "THREATEN"
        other = ("THREATEN" if coop else "COOPERATE") if flip_other else t
        for k in range(2):
            out.append(event(f"ev-{year}-p{k}", f"{year}-0{k + 1}-10", t, ["rusland"], ["kosland"]))
        out.append(event(f"ev-{year}-w", f"{year}-05-01", other, ["rusland"], ["westland"], ["elsewhere"]))
    return out


@pytest.fixture()
def make_case(tmp_path: Path) -> Callable[..., Path]:
    """Build a case folder: the mini case's sources, our actors, blocs, events, findings, membership."""

    def build(
        events: list[dict],
        findings: dict[str, Any] | None = None,
        membership: bool = False,
        name: str = "case",
    ) -> Path:
        root = tmp_path / name
        root.mkdir()
        shutil.copy(MINI / "sources.yaml", root / "sources.yaml")
        meta: dict[str, Any] = {"id": "synthetic", "title": "Synthetic stance case", "format_version": 1}
        if membership:
            meta["applicant"] = {"actor": "kosland", "iso3": "XKX", "name": "Kosland", "position": "kosovo",
                                 "since": "2008-02-17"}
            meta["objector"] = {"actor": "serbland", "iso3": "SRB", "name": "Serbland", "position": "serbia"}
        (root / "case.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
        (root / "actors.yaml").write_text(yaml.safe_dump(ACTORS, sort_keys=False))
        (root / "events.yaml").write_text(yaml.safe_dump(events, sort_keys=False))
        (root / "blocs.yaml").write_text(yaml.safe_dump(BLOCS, sort_keys=False))
        if findings is not None:
            (root / "findings.yaml").write_text(yaml.safe_dump(findings, sort_keys=False))
        if membership:
            shutil.copytree(KOSOVO_MEMBERSHIP, root / "membership")
        return root

    return build


@pytest.fixture()
def ev() -> Callable[..., dict]:
    """The event builder, for tests that write their own events."""
    return event


@pytest.fixture()
def steps() -> Callable[..., list[dict]]:
    """The step-change events with a known answer."""
    return step_events
