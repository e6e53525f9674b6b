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
    "validate_case_issues",
]

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from dialoguelab.case.files import read_yaml_mapping, read_yaml_records
from dialoguelab.case.paper import PaperText, find_paper
from dialoguelab.case.schema import ID_PATTERN, CaseMeta, Locator
from dialoguelab.errors import CaseError, CaseValidationError, Problem, UnknownIdError

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


def _node_lines(node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                out[(*path, str(key.value))] = key.start_mark.line + 1
                _node_lines(value, (*path, str(key.value)), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _node_lines(item, (*path, i), out)


def _line_of(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int:
    path = tuple(loc)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)


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
    located = read_yaml_mapping(path, problems, root)
    shown = located.file if located is not None else str(path)
    if located is None:
        return None, problems, {}
    lines: dict[tuple[Any, ...], int] = {}
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        if node is not None:
            _node_lines(node, (), lines)
    except yaml.YAMLError:  # already reported by read_yaml_mapping
        pass
    flat = {".".join(str(p) for p in k): v for k, v in lines.items() if k}
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
        return None, problems, flat
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
    return issue, problems, flat


def _ids(path: Path, root: Path, problems: list[Problem]) -> set[str] | None:
    if not path.is_file():
        return None
    recs = read_yaml_records(path, problems, root)
    return {str(r.data.get("id")) for r in recs if isinstance(r.data, dict) and r.data.get("id")}


def _paper(root: Path) -> PaperText | None:
    meta_problems: list[Problem] = []
    rec = (
        read_yaml_mapping(root / "case.yaml", meta_problems, root) if (root / "case.yaml").is_file() else None
    )
    if rec is None:
        return None
    try:
        meta = CaseMeta.model_validate(rec.data)
    except ValidationError:
        return None
    found = find_paper(meta, root)
    if found is None:
        return None
    paper = PaperText.read(found)
    if meta.paper is not None and meta.paper.sha256 and paper.sha256 != meta.paper.sha256:
        return None
    return paper


def _cross_check(
    issue: Issue,
    shown: str,
    lines: dict[str, int],
    actor_ids: set[str] | None,
    source_ids: set[str] | None,
    paper: PaperText | None,
) -> list[Problem]:
    problems: list[Problem] = []
    for i, a in enumerate(issue.actors):
        if actor_ids is not None and a.actor not in actor_ids:
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
                if source_ids is not None and c not in source_ids:
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


def _load_all(case_root: Path) -> tuple[list[Issue], list[Problem]]:
    root = case_root
    if not root.is_dir():
        raise CaseError(f"case folder {root} does not exist: give the folder that holds case.yaml")
    problems: list[Problem] = []
    actor_ids = _ids(root / "actors.yaml", root, problems)
    source_ids = _ids(root / "sources.yaml", root, problems)
    if actor_ids is None:
        problems.append(Problem("actors.yaml", 0, "", "missing: issue files name actors of actors.yaml"))
    if source_ids is None:
        problems.append(Problem("sources.yaml", 0, "", "missing: issue files cite sources of sources.yaml"))
    paper = _paper(root)
    issues: list[Issue] = []
    for path in issue_files(root):
        issue, probs, lines = read_issue_file(path, root)
        problems += probs
        if issue is not None:
            shown = str(path.relative_to(root))
            problems += _cross_check(issue, shown, lines, actor_ids, source_ids, paper)
            issues.append(issue)
    return issues, problems


def _root(case_dir: str | Path | None) -> Path:
    if case_dir is None:
        from dialoguelab.case import builtin_case_path

        return builtin_case_path()
    return Path(case_dir).expanduser().resolve()


def load_issues(case_dir: str | Path | None = None) -> list[Issue]:
    """Load and check every issue file of a case folder.

    Parameters
    ----------
    case_dir : str or Path, optional
        The case folder (default: the built-in Kosovo case).

    Returns
    -------
    list of Issue
        In file-name order.

    Raises
    ------
    CaseValidationError
        Listing every located problem (file, line, field, message).
    CaseError
        When the folder does not exist.
    """
    issues, problems = _load_all(_root(case_dir))
    if problems:
        raise CaseValidationError(problems)
    return issues


def load_issue(issue_id: str, case_dir: str | Path | None = None) -> Issue:
    """Load one issue by id (its file name without ``.yaml``), after checking every issue file.

    Raises
    ------
    UnknownIdError
        When no issue has that id; the message lists the ids there are.
    """
    issues = load_issues(case_dir)
    for issue in issues:
        if issue.id == issue_id:
            return issue
    known = ", ".join(i.id for i in issues) or "none"
    raise UnknownIdError(
        f"unknown issue {issue_id!r}. Issues of this case: {known} (see `dialoguelab forecast-issues`)."
    )


def validate_case_issues(case: Any) -> list[Problem]:
    """Problems of the issue files of a loaded case, for ``dialoguelab.case.EXTRA_VALIDATORS``."""
    _, problems = _load_all(Path(case.root))
    return problems
