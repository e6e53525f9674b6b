"""Negotiation issues of a case folder: ``forecast/*.yaml``, read with located errors.

One file is one issue dimension for the expected-utility model: a scale (what its ends mean), an
optional threshold, and for every actor that matters a position, a salience and a capability,
each with a one-sentence justification, citations (source ids of ``sources.yaml``: ``fn-N`` for the
paper's footnotes, ``paper`` for the paper itself) and locators into the paper's text. Values are
judgements; the file says so. See ``docs/forecast.md`` for the format.

Loading checks each file against :class:`Issue` and, across files, that every actor id is in
``actors.yaml``, every citation in ``sources.yaml`` and, when the paper's text is on this machine,
that every locator's anchor starts on its line. Every problem names the file, line and field.
"""

from __future__ import annotations

__all__ = [
    "Judgement",
    "IssueActor",
    "Scale",
    "ScalePoint",
    "Threshold",
    "Issue",
    "ISSUE_DIR",
    "issue_files",
    "read_issue_file",
    "load_issue",
    "load_issues",
    "PART",
]

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from dialoguelab.case import Case, CasePart
from dialoguelab.case.files import read_yaml_mapping
from dialoguelab.case.paper import PaperText
from dialoguelab.case.schema import ID_PATTERN, Locator
from dialoguelab.errors import CaseValidationError, Problem, UnknownIdError

ISSUE_DIR = "forecast"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=120)]
Sentence = Annotated[str, StringConstraints(min_length=10, max_length=500, strip_whitespace=True)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Judgement(_Record):
    """One input value with its justification and evidence."""

    value: float
    why: Sentence = Field(description="one sentence, in our own words, justifying the value")
    citations: list[Id] = Field(min_length=1, description="source ids: fn-N footnotes, or paper")
    locators: list[Locator] = Field(
        default_factory=list, description="passages of the paper the value rests on"
    )
    confidence: Literal["low", "medium", "high"] = "medium"

    @model_validator(mode="after")
    def _paper_needs_locator(self) -> Judgement:
        if "paper" in self.citations and not self.locators:
            raise ValueError("a value citing 'paper' needs a locator {line: N, anchor: 'exact few words'}")
        return self


class IssueActor(_Record):
    """An actor's position, salience and capability on the issue."""

    actor: Id
    position: Judgement
    salience: Judgement
    capability: Judgement
    note: str | None = None

    @model_validator(mode="after")
    def _ranges(self) -> IssueActor:
        if not 0.0 <= self.salience.value <= 1.0:
            raise ValueError(f"salience {self.salience.value} is outside [0, 1] (write 0.6, not 60)")
        if self.capability.value < 0:
            raise ValueError(f"capability {self.capability.value} is negative")
        return self


class ScalePoint(_Record):
    value: float
    meaning: Sentence


class Scale(_Record):
    """The issue's scale: its ends and, optionally, labelled points in between."""

    min: float = 0.0
    max: float = 100.0
    low: Sentence = Field(description="what the minimum means")
    high: Sentence = Field(description="what the maximum means")
    points: list[ScalePoint] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not self.max > self.min:
            raise ValueError(f"scale max ({self.max}) must be greater than min ({self.min})")
        for p in self.points:
            if not self.min <= p.value <= self.max:
                raise ValueError(f"scale point {p.value} is outside [{self.min}, {self.max}]")
        return self


class Threshold(_Record):
    """The outcome the issue asks about: the forecast passes when it is above (or below) ``value``."""

    value: float
    direction: Literal["above", "below"] = "above"
    meaning: Sentence


class Issue(_Record):
    """One negotiation issue (``forecast/<id>.yaml``)."""

    id: Id
    title: Annotated[str, StringConstraints(min_length=3, max_length=200, strip_whitespace=True)]
    question: Sentence
    judgement_note: Sentence = Field(description="says that the values are judgements, and whose")
    scale: Scale
    salience_scale: Sentence
    capability_scale: Sentence
    threshold: Threshold | None = None
    as_of: str | None = Field(default=None, description="the period the values describe")
    actors: list[IssueActor] = Field(min_length=2)
    errata: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Issue:
        seen: set[str] = set()
        for i, a in enumerate(self.actors):
            if a.actor in seen:
                raise ValueError(f"actor {a.actor!r} appears twice (actors.{i})")
            seen.add(a.actor)
            if not self.scale.min <= a.position.value <= self.scale.max:
                raise ValueError(
                    f"actors.{i} ({a.actor}): position {a.position.value} is outside the scale "
                    f"[{self.scale.min}, {self.scale.max}]"
                )
        if self.threshold is not None and not self.scale.min <= self.threshold.value <= self.scale.max:
            raise ValueError(f"threshold {self.threshold.value} is outside the scale")
        if not any(a.capability.value * a.salience.value > 0 for a in self.actors):
            raise ValueError("at least one actor needs a positive capability and salience")
        return self

    def actor_ids(self) -> list[str]:
        return [a.actor for a in self.actors]

    def arrays(self) -> tuple[list[float], list[float], list[float]]:
        """Positions, capabilities and saliences in actor order."""
        return (
            [a.position.value for a in self.actors],
            [a.capability.value for a in self.actors],
            [a.salience.value for a in self.actors],
        )


# ---------------------------------------------------------------------------------------------


def _line_of(lines: dict[str, int], loc: tuple[Any, ...]) -> int:
    """The line of a dotted field path, or of its nearest recorded parent."""
    path = [str(p) for p in loc]
    while path:
        key = ".".join(path)
        if key in lines:
            return lines[key]
        path.pop()
    return 1


def issue_files(case_root: Path) -> list[Path]:
    """The issue files of a case folder (``forecast/*.yaml``, not starting with ``_``), sorted."""
    folder = case_root / ISSUE_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("_"))


def read_issue_file(
    path: Path, root: Path | None = None
) -> tuple[Issue | None, list[Problem], dict[str, int]]:
    """Parse and validate one issue file.

    Returns the issue (None when invalid), its located problems, and the line of every dotted
    field path (``actors.3.salience.value``) for later cross-checks.
    """
    problems: list[Problem] = []
    located = read_yaml_mapping(path, problems, root, deep_lines=True)
    if located is None:
        return None, problems, {}
    shown = located.file
    lines = located.field_lines
    try:
        issue = Issue.model_validate(located.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err.get("loc", ()))
            msg = err.get("msg", "invalid")
            if err.get("type") == "extra_forbidden":
                msg = "unknown field (see docs/forecast.md for the issue format)"
            elif err.get("type") == "missing":
                msg = "required field is missing"
            field = ".".join(str(p) for p in loc) or "(issue)"
            problems.append(Problem(shown, _line_of(lines, loc), field, msg))
        return None, problems, lines
    stem = path.stem
    if issue.id != stem:
        problems.append(
            Problem(
                shown,
                _line_of(lines, ("id",)),
                "id",
                f"id {issue.id!r} must match the file name {stem!r} (rename one of them)",
            )
        )
    return issue, problems, lines


def _cross_check(
    issue: Issue,
    shown: str,
    lines: dict[str, int],
    actor_ids: set[str],
    source_ids: set[str],
    paper: PaperText | None,
) -> list[Problem]:
    problems: list[Problem] = []
    for i, a in enumerate(issue.actors):
        if a.actor not in actor_ids:
            problems.append(
                Problem(
                    shown,
                    lines.get(f"actors.{i}.actor", 0),
                    f"actors.{i}.actor",
                    f"unknown actor id {a.actor!r}: use an id of actors.yaml",
                )
            )
        for what in ("position", "salience", "capability"):
            j: Judgement = getattr(a, what)
            for c in j.citations:
                if c not in source_ids:
                    problems.append(
                        Problem(
                            shown,
                            lines.get(f"actors.{i}.{what}.citations", 0),
                            f"actors.{i}.{what}.citations",
                            f"unknown source id {c!r}: cite fn-N or paper (ids of sources.yaml)",
                        )
                    )
            if paper is not None:
                for k, loc in enumerate(j.locators):
                    reason = paper.check(loc)
                    if reason:
                        field = f"actors.{i}.{what}.locators.{k}"
                        problems.append(Problem(shown, lines.get(field, 0), field, reason))
    return problems


def _load(case: Case) -> list[Issue]:
    root = case.root
    problems: list[Problem] = []
    actor_ids = set(case.actors_by_id)
    source_ids = set(case.sources_by_id)
    paper = PaperText.read(case.paper_path) if case.paper_path is not None else None
    issues: list[Issue] = []
    for path in issue_files(root):
        issue, probs, lines = read_issue_file(path, root)
        problems += probs
        if issue is not None:
            problems += _cross_check(issue, str(path.relative_to(root)), lines, actor_ids, source_ids, paper)
            issues.append(issue)
    if problems:
        raise CaseValidationError(problems)
    return issues


#: The forecast part of a case (registered as an entry point of ``dialoguelab.case_parts``).
PART: CasePart[list[Issue]] = CasePart("forecast", (ISSUE_DIR,), _load, patterns=(f"{ISSUE_DIR}/*.yaml",))


def load_issues(case: Case) -> list[Issue]:
    """Every issue of a case (``forecast/*.yaml``), checked against its actors, sources and paper.

    Parameters
    ----------
    case : Case

    Returns
    -------
    list of Issue
        In file-name order; empty when the case has no ``forecast/`` folder.

    Raises
    ------
    CaseValidationError
        Listing every located problem (file, line, field, message).
    """
    issues: list[Issue] = case.part(PART)
    return list(issues)


def load_issue(case: Case, issue_id: str) -> Issue:
    """One issue of a case by id (its file name without ``.yaml``).

    Raises
    ------
    UnknownIdError
        When no issue has that id; the message lists the ids there are.
    """
    issues = load_issues(case)
    for issue in issues:
        if issue.id == issue_id:
            return issue
    known = ", ".join(i.id for i in issues) or "none"
    raise UnknownIdError(
        f"unknown issue {issue_id!r}. Issues of this case: {known} (see `dialoguelab forecast-issues`)."
    )
