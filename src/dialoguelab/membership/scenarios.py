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
    "scenario_files",
    "PART",
]

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dialoguelab.case.dates import PartialDate
from dialoguelab.case.files import LineTree, parse_yaml, read_yaml_mapping
from dialoguelab.case.parts import CasePart
from dialoguelab.errors import CaseValidationError, InvalidParameterError, Problem

if TYPE_CHECKING:
    from dialoguelab.case.loader import Case

#: Scenarios shipped with a case, relative to the case folder.
SCENARIO_DIR = "membership/scenarios"

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


def _problems(exc: ValidationError, file: str, tree: LineTree | int | None) -> list[Problem]:
    problems = []
    for e in exc.errors(include_url=False):
        loc = tuple(e.get("loc", ()))
        line = tree.line_of(loc) if isinstance(tree, LineTree) else 0
        problems.append(Problem(file, line, ".".join(str(p) for p in loc) or "(scenario)", e["msg"]))
    return problems


def parse_scenario(data: Any, file: str = "<scenario>", text: str | None = None) -> Scenario:
    """Validate a scenario mapping; errors name the file, line and field.

    ``text``, when given, is the YAML the mapping was read from; it is parsed (bounded, once) only
    to find the line of each problem.
    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        tree: LineTree | int | None = None
        if text is not None:
            parsed = parse_yaml(text.encode("utf-8"), text, file, [])
            tree = parsed[1] if parsed is not None else None
        raise CaseValidationError(_problems(exc, file, tree)) from exc


def load_scenario(path: Path | str, root: Path | None = None) -> Scenario:
    """Read a scenario YAML file (parsed once, bounded; see :mod:`dialoguelab.case.files`).

    Parameters
    ----------
    path : path
        The scenario file.
    root : path, optional
        A folder the file is shown relative to in messages (the case folder); default: its name.

    Raises
    ------
    InvalidParameterError
        If the file does not exist.
    CaseValidationError
        If it is not valid YAML or a change is malformed (file, line, field named).
    """
    p = Path(path)
    if not os.path.lexists(p) or p.is_dir():
        raise InvalidParameterError(
            f"Scenario file {p} does not exist: give the path of a YAML scenario file."
        )
    problems: list[Problem] = []
    located = read_yaml_mapping(p, problems, root if root is not None else p.parent)
    if located is None or problems:
        if not problems:
            problems.append(Problem(p.name, 1, "", "a scenario is a mapping with name and changes"))
        raise CaseValidationError(problems)
    try:
        return Scenario.model_validate(located.data)
    except ValidationError as exc:
        raise CaseValidationError(_problems(exc, located.file, located.tree)) from None


def scenario_files(case_root: Path) -> list[Path]:
    """The scenarios shipped with a case: ``membership/scenarios/*.yaml`` (names starting with ``_`` or
    ``.`` are left out), sorted."""
    folder = case_root / SCENARIO_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith(("_", ".")) and not p.is_dir())


def _load_all(case: Case) -> dict[str, Scenario]:
    out: dict[str, Scenario] = {}
    problems: list[Problem] = []
    for p in scenario_files(case.root):
        try:
            out[p.stem] = load_scenario(p, case.root)
        except CaseValidationError as exc:
            problems += exc.problems
    if problems:
        raise CaseValidationError(problems)
    return out


#: The scenarios a case ships (part ``membership_scenarios``: every file is checked by ``dialoguelab check``).
PART: CasePart[dict[str, Scenario]] = CasePart(
    "membership_scenarios", (SCENARIO_DIR,), _load_all, patterns=(f"{SCENARIO_DIR}/*.yaml",)
)
