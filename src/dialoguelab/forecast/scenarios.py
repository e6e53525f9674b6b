"""Scenarios: changes to an issue's inputs (an actor's salience, capability or position; an actor leaves).

A scenario file is YAML::

    name: Russia steps back, the EU steps up
    description: Russia's attention drops by half; the EU's clout rises by 50%.
    changes:
      - {actor: russia, salience: {multiply: 0.5}}
      - {actor: eu, capability: {multiply: 1.5}}
      - {actor: serbia, position: {set: 50}}
      - {actor: china, leave: true}

Each of ``position``, ``salience``, ``capability`` takes ``{set: v}``, ``{add: v}``,
``{multiply: v}`` or a bare number (= set). Changes apply in order. A value pushed outside its
range (salience outside [0, 1], a negative capability, a position off the scale) is an error, not
silently clipped.
"""

from __future__ import annotations

__all__ = [
    "Change",
    "Adjust",
    "Scenario",
    "load_scenario",
    "apply_scenario",
    "scenario_from_settings",
    "scenario_files",
    "PART",
]

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dialoguelab.case.files import Located, read_yaml_mapping
from dialoguelab.case.parts import CasePart
from dialoguelab.case.schema import Id
from dialoguelab.errors import CaseValidationError, InvalidParameterError, Problem, UnknownIdError
from dialoguelab.forecast.issues import Issue, IssueActor, Judgement, issue_files

if TYPE_CHECKING:
    from dialoguelab.case.loader import Case

#: Scenarios shipped with a case, relative to the case folder.
SCENARIO_DIR = "forecast/scenarios"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Adjust(_Record):
    """One adjustment: exactly one of ``set``, ``add``, ``multiply``."""

    set: float | None = None
    add: float | None = None
    multiply: float | None = None

    @model_validator(mode="after")
    def _one(self) -> Adjust:
        given = [k for k in ("set", "add", "multiply") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of set, add, multiply")
        return self

    def apply(self, value: float) -> float:
        if self.set is not None:
            return float(self.set)
        if self.add is not None:
            return value + float(self.add)
        assert self.multiply is not None
        return value * float(self.multiply)


class Change(_Record):
    """A change to one actor."""

    actor: Id
    position: Adjust | None = None
    salience: Adjust | None = None
    capability: Adjust | None = None
    leave: bool = False

    @field_validator("position", "salience", "capability", mode="before")
    @classmethod
    def _bare_number(cls, v: Any) -> Any:
        if isinstance(v, int | float) and not isinstance(v, bool):
            return {"set": v}
        return v

    @model_validator(mode="after")
    def _something(self) -> Change:
        if not self.leave and self.position is None and self.salience is None and self.capability is None:
            raise ValueError("a change needs position, salience, capability or leave: true")
        if self.leave and (self.position or self.salience or self.capability):
            raise ValueError("an actor that leaves cannot also change its values")
        return self


class Scenario(_Record):
    """A named list of changes."""

    name: str = Field(min_length=1)
    description: str | None = None
    issue: Id | None = Field(default=None, description="the issue it is written for (checked when given)")
    changes: list[Change] = Field(min_length=1)


def load_scenario(path: str | Path, root: Path | None = None) -> Scenario:
    """Read and validate a scenario file (parsed once, bounded; see :mod:`dialoguelab.case.files`).

    Parameters
    ----------
    path : path
        The scenario file.
    root : path, optional
        A folder the file is shown relative to in messages (the case folder); default: the path as given.

    Raises
    ------
    CaseValidationError
        With the file, line and field of every problem.
    """
    return _read(Path(path), root)[0]


def _read(p: Path, root: Path | None) -> tuple[Scenario, Located]:
    problems: list[Problem] = []
    if not os.path.lexists(p) or p.is_dir():
        raise CaseValidationError(
            [Problem(str(p), 0, "", "scenario file not found: give the path of a YAML file")]
        )
    located = read_yaml_mapping(p, problems, root)
    if located is None or problems:
        raise CaseValidationError(problems or [Problem(str(p), 1, "", "a scenario is a mapping")])
    try:
        return Scenario.model_validate(located.data), located
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err.get("loc", ()))
            field = ".".join(str(x) for x in loc) or "(scenario)"
            problems.append(Problem(located.file, located.line_of_path(loc), field, err.get("msg", "invalid")))
        raise CaseValidationError(problems) from None


def scenario_files(case_root: Path) -> list[Path]:
    """The scenarios shipped with a case: ``forecast/scenarios/*.yaml`` (names starting with ``_`` or
    ``.`` are left out), sorted."""
    folder = case_root / SCENARIO_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith(("_", ".")) and not p.is_dir())


def _load_all(case: Case) -> dict[str, Scenario]:
    out: dict[str, Scenario] = {}
    problems: list[Problem] = []
    issues = {p.stem for p in issue_files(case.root)}
    for p in scenario_files(case.root):
        try:
            sc, located = _read(p, case.root)
        except CaseValidationError as exc:
            problems += exc.problems
            continue
        if sc.issue is not None and sc.issue not in issues:
            known = ", ".join(sorted(issues))
            problems.append(
                Problem(located.file, located.line_of("issue"), "issue", f"no issue {sc.issue!r} in forecast/: {known}")
            )
        out[p.stem] = sc
    if problems:
        raise CaseValidationError(problems)
    return out


#: The scenarios a case ships (part ``forecast_scenarios``: every file is checked by ``dialoguelab check``).
PART: CasePart[dict[str, Scenario]] = CasePart(
    "forecast_scenarios", (SCENARIO_DIR,), _load_all, patterns=(f"{SCENARIO_DIR}/*.yaml",)
)


def apply_scenario(issue: Issue, scenario: Scenario) -> Issue:
    """The issue with the scenario's changes applied (a new :class:`Issue`; the input is unchanged).

    Raises
    ------
    UnknownIdError
        When a change names an actor that is not on the issue.
    InvalidParameterError
        When a changed value leaves its range, when the scenario is for another issue, or when
        fewer than two actors would remain.
    """
    if scenario.issue is not None and scenario.issue != issue.id:
        raise InvalidParameterError(
            f"The scenario {scenario.name!r} is written for issue {scenario.issue!r}, not {issue.id!r}."
        )
    actors: dict[str, IssueActor] = {a.actor: a for a in issue.actors}
    for i, ch in enumerate(scenario.changes):
        if ch.actor not in actors:
            known = ", ".join(actors)
            raise UnknownIdError(
                f"changes.{i}: actor {ch.actor!r} is not on issue {issue.id!r} (actors: {known})."
            )
        if ch.leave:
            del actors[ch.actor]
            continue
        a = actors[ch.actor]
        updates: dict[str, Judgement] = {}
        for what in ("position", "salience", "capability"):
            adj: Adjust | None = getattr(ch, what)
            if adj is None:
                continue
            old: Judgement = getattr(a, what)
            new = adj.apply(old.value)
            if what == "salience" and not 0.0 <= new <= 1.0:
                raise InvalidParameterError(
                    f"changes.{i}: {ch.actor}'s salience would be {new:g}, outside [0, 1]."
                )
            if what == "capability" and new < 0:
                raise InvalidParameterError(
                    f"changes.{i}: {ch.actor}'s capability would be negative ({new:g})."
                )
            if what == "position" and not issue.scale.min <= new <= issue.scale.max:
                raise InvalidParameterError(
                    f"changes.{i}: {ch.actor}'s position would be {new:g}, outside the scale "
                    f"[{issue.scale.min:g}, {issue.scale.max:g}]."
                )
            updates[what] = old.model_copy(update={"value": new})
        actors[ch.actor] = a.model_copy(update=updates)
    remaining = list(actors.values())
    if len(remaining) < 2:
        raise InvalidParameterError("A scenario must leave at least two actors on the issue.")
    if not any(a.capability.value * a.salience.value > 0 for a in remaining):
        raise InvalidParameterError("The scenario leaves no actor with positive capability and salience.")
    return issue.model_copy(update={"actors": remaining})


def scenario_from_settings(
    issue: Issue,
    *,
    salience: Mapping[str, float] | None = None,
    capability: Mapping[str, float] | None = None,
    remove: Sequence[str] = (),
) -> Scenario | None:
    """A scenario that sets actors' saliences or capabilities and removes actors (``None`` if nothing changes).

    The dashboard's scenario controls and the API's ``salience``, ``capability`` and ``remove``
    parameters describe a scenario this way; the changes are checked as any scenario's are
    (:func:`apply_scenario`).

    Parameters
    ----------
    issue : Issue
        The issue the scenario is for (its actors are checked).
    salience, capability : mapping of actor id to float, optional
        New values (salience in [0, 1], capability >= 0).
    remove : sequence of str, default=()
        Actors that leave the issue.

    Returns
    -------
    Scenario or None

    Raises
    ------
    InvalidParameterError
        An actor that is not on the issue (the message names the parameter and lists the actors there
        are), a value out of its range, an actor both changed and removed, or fewer than two actors left.
    """
    salience = dict(salience or {})
    capability = dict(capability or {})
    removed = list(dict.fromkeys(remove))
    known = issue.actor_ids()
    for what, names in (("salience", salience), ("capability", capability), ("remove", removed)):
        for a in names:
            if a not in known:
                raise InvalidParameterError(
                    f"The {what!r} parameter names actor {a!r}, who is not on issue {issue.id!r} "
                    f"(actors: {', '.join(known)})."
                )
    for a, v in salience.items():
        if not 0.0 <= float(v) <= 1.0:
            raise InvalidParameterError(f"The 'salience' parameter must be in [0, 1]. Got {v!r} for {a!r}.")
    for a, v in capability.items():
        if not 0.0 <= float(v) < float("inf"):
            raise InvalidParameterError(f"The 'capability' parameter must be a number >= 0. Got {v!r} for {a!r}.")
    both = sorted((set(salience) | set(capability)) & set(removed))
    if both:
        raise InvalidParameterError(f"Actor {both[0]!r} cannot both leave the issue and change its values.")
    changes: list[Change] = []
    parts: list[str] = []
    for a in known:
        if a in removed:
            changes.append(Change(actor=a, leave=True))
            parts.append(f"{a} leaves")
            continue
        upd: dict[str, Any] = {}
        if a in salience:
            upd["salience"] = {"set": float(salience[a])}
            parts.append(f"{a} salience {float(salience[a]):g}")
        if a in capability:
            upd["capability"] = {"set": float(capability[a])}
            parts.append(f"{a} capability {float(capability[a]):g}")
        if upd:
            changes.append(Change(actor=a, **upd))
    if not changes:
        return None
    scen = Scenario(name="; ".join(parts), issue=issue.id, changes=changes)
    apply_scenario(issue, scen)  # range checks with their messages
    return scen
