"""Scenarios: small YAML files of dated changes, compared against the baseline.

A scenario file::

    name: Five EU holdouts recognise
    description: Spain, Slovakia, Romania, Greece and Cyprus recognise Kosovo.
    changes:
      - {action: recognize, state: ESP, date: 2025-06-01}
      - {action: set_vote, state: RUS, vote: abstain, bodies: [un]}
      - {action: objector_drops_objection}
      - {action: join, state: UKR, body: nato, date: 2030-01-01}
      - {action: set_probabilities, class: does_not, yes: 0.2, no: 0.4, abstain: 0.3, absent: 0.1}

Actions: ``recognize``, ``withdraw``, ``set_stance`` (class ``recognizes``, ``does_not``,
``withdrew``, ``opponent``, ``supporter``), ``set_vote``, ``objector_drops_objection`` (the case's
objector becomes a supporter), ``join``, ``leave``, ``set_probabilities``. A change without ``date``
applies at every date. Scenarios are data; :mod:`dialoguelab.membership.whatif` compares them with
the baseline.
"""

from __future__ import annotations

__all__ = [
    "CLASSES",
    "StanceClass",
    "Change",
    "Scenario",
    "load_scenario",
    "parse_scenario",
]

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dialoguelab.case.dates import PartialDate
from dialoguelab.errors import CaseValidationError, InvalidParameterError, Problem

StanceClass = Literal["recognizes", "does_not", "withdrew", "opponent", "supporter", "unknown"]
CLASSES: tuple[str, ...] = ("recognizes", "does_not", "withdrew", "opponent", "supporter", "unknown")
Action = Literal[
    "recognize",
    "withdraw",
    "set_stance",
    "set_vote",
    "objector_drops_objection",
    "join",
    "leave",
    "set_probabilities",
]


class Change(BaseModel):
    """One dated change of a scenario."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    action: Action
    date: PartialDate | None = None
    state: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    body: str | None = None
    bodies: list[str] = Field(default_factory=list)
    stance: StanceClass | None = None
    vote: Literal["yes", "no", "abstain", "absent"] | None = None
    klass: StanceClass | None = Field(default=None, alias="class")
    yes: float | None = Field(default=None, ge=0, le=1)
    no: float | None = Field(default=None, ge=0, le=1)
    abstain: float | None = Field(default=None, ge=0, le=1)
    absent: float | None = Field(default=None, ge=0, le=1)
    note: str | None = None

    @model_validator(mode="after")
    def _fields_for_action(self) -> Change:
        need: dict[str, tuple[str, ...]] = {
            "recognize": ("state",),
            "withdraw": ("state",),
            "set_stance": ("state", "stance"),
            "set_vote": ("state", "vote"),
            "objector_drops_objection": (),
            "join": ("state", "body"),
            "leave": ("state", "body"),
            "set_probabilities": ("klass", "yes", "no", "abstain", "absent"),
        }
        missing = [("class" if f == "klass" else f) for f in need[self.action] if getattr(self, f) is None]
        if missing:
            raise ValueError(f"action {self.action!r} needs {', '.join(missing)}")
        if self.action == "set_probabilities":
            total = (self.yes or 0) + (self.no or 0) + (self.abstain or 0) + (self.absent or 0)
            if abs(total - 1) > 1e-9:
                raise ValueError(f"yes + no + abstain + absent must be 1, got {total:g}")
        return self

    def active(self, on: dt.date) -> bool:
        """Whether the change is in force on ``on`` (a partial date takes effect at its last day)."""
        return self.date is None or self.date.last_day() <= on


class Scenario(BaseModel):
    """A named list of changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str | None = None
    changes: list[Change] = Field(default_factory=list)

    def key(self) -> str:
        """A hashable fingerprint for caches."""
        return self.model_dump_json()


def parse_scenario(data: Any, file: str = "<scenario>", text: str | None = None) -> Scenario:
    """Validate a scenario mapping; errors name the file, line and field."""
    lines: list[int] = []
    if text is not None:
        try:
            node = yaml.compose(text)
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == "changes" and isinstance(v, yaml.SequenceNode):
                        lines = [item.start_mark.line + 1 for item in v.value]
        except yaml.YAMLError:
            lines = []
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = list(e.get("loc", ()))
            line = 0
            if len(loc) >= 2 and loc[0] == "changes" and isinstance(loc[1], int) and loc[1] < len(lines):
                line = lines[loc[1]]
            problems.append(Problem(file, line, ".".join(str(p) for p in loc), e["msg"]))
        raise CaseValidationError(problems) from exc


def load_scenario(path: Path | str) -> Scenario:
    """Read a scenario YAML file.

    Raises
    ------
    InvalidParameterError
        If the file does not exist.
    CaseValidationError
        If it is not valid YAML or a change is malformed (file, line, field named).
    """
    p = Path(path)
    if not p.is_file():
        raise InvalidParameterError(
            f"Scenario file {p} does not exist: give the path of a YAML scenario file."
        )
    text = p.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 1) if mark else 0
        raise CaseValidationError([Problem(p.name, line, "", f"not valid YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise CaseValidationError([Problem(p.name, 1, "", "a scenario is a mapping with name and changes")])
    return parse_scenario(data, p.name, text)
