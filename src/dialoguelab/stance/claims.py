"""The paper's findings as data: ``findings.yaml`` (named periods, findings, their checks) and the check registry.

This module reads and validates the file; :mod:`dialoguelab.stance.findings` holds the checks and
evaluates them. A check is registered by name with :func:`register_check`; ``findings.yaml`` names one
per finding, with its parameters, and may set parameters shared by every finding under ``defaults``
(the case's names: the bloc whose acts are read, the state whose votes are tested).
"""

from __future__ import annotations

__all__ = [
    "FINDINGS_FILE",
    "STATUSES",
    "NamedPeriod",
    "PeriodSpec",
    "FindingSpec",
    "FindingsFile",
    "Figure",
    "CheckResult",
    "CheckFn",
    "CHECKS",
    "register_check",
    "load_findings_file",
    "validate_findings",
    "PART",
]

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dialoguelab.case import Case, CasePart, Locator, registered_parts
from dialoguelab.case.files import read_yaml_mapping
from dialoguelab.case.paper import PaperText
from dialoguelab.errors import CaseError, CaseValidationError, Problem


@dataclass(frozen=True)
class NamedPeriod:
    """A period the paper names (years inclusive), with where the paper names it."""

    id: str
    label: str
    start: int
    end: int
    line: int | None = None
    anchor: str | None = None


FINDINGS_FILE = "findings.yaml"
#: A check's verdicts: the claim holds; it holds where it can be computed but a part of it cannot (the
#: reason names that part); the computation disagrees; the case holds too little evidence to compute it.
STATUSES = ("supported", "partly supported", "contested", "not computable")
_ID = r"^[a-z0-9][a-z0-9_.\-]*$"


class PeriodSpec(BaseModel):
    """A period the paper names: years (inclusive) and the passage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    label: str = Field(min_length=1)
    start: int = Field(ge=1000, le=9999)
    end: int = Field(ge=1000, le=9999)
    locator: Locator


class FindingSpec(BaseModel):
    """One finding of the paper, in our words, with its evidence and its check."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=200)
    claim: str = Field(min_length=1, max_length=800)
    locator: Locator
    conclusion: Locator | None = None
    evidence: list[str] = Field(min_length=3)
    sources: list[str] = Field(default_factory=list)
    passages: list[Locator] = Field(
        default_factory=list, description="the paper's passages the claim rests on, beyond its events"
    )
    check: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    note: str | None = None


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    defaults: dict[str, Any] = Field(default_factory=dict)
    periods: list[PeriodSpec] = Field(default_factory=list)
    findings: list[FindingSpec] = Field(min_length=1)


@dataclass(frozen=True)
class FindingsFile:
    """``findings.yaml`` of a case: the named periods and the findings."""

    periods: tuple[NamedPeriod, ...]
    findings: tuple[FindingSpec, ...]
    defaults: dict[str, Any] = field(default_factory=dict)


@dataclass
class Figure:
    """The number a check's status rests on."""

    label: str
    value: float | None
    lo: float | None = None
    hi: float | None = None
    unit: str = ""
    text: str = ""


@dataclass
class CheckResult:
    """What a check found."""

    status: str
    reason: str
    figure: Figure | None = None
    evidence: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    method: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")


CheckFn = Callable[[Case, dict[str, Any]], CheckResult]
#: The registry of checks by name; ``findings.yaml`` names one per finding.
CHECKS: dict[str, CheckFn] = {}


def register_check(name: str) -> Callable[[CheckFn], CheckFn]:
    """Decorator adding a check to :data:`CHECKS` under ``name``."""

    def deco(fn: CheckFn) -> CheckFn:
        CHECKS[name] = fn
        return fn

    return deco


# --------------------------------------------------------------------------- loading


def _problems_from(exc: ValidationError, rec: Any, file: str) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        line = rec.line_of_path(loc) if loc else 0
        out.append(Problem(file, line, ".".join(str(p) for p in loc), str(err.get("msg"))))
    return out


def validate_findings(case: Case) -> list[Problem]:
    """Every problem of a case's ``findings.yaml`` (none if the file is absent).

    Checks: the shape of each record, unique ids and numbers, evidence and source ids known to the
    case, check names known to :data:`CHECKS`, and, when the paper's text is on this machine, every
    locator.
    """
    return PART.validate(case)


def _parse(case: Case, path: Path, problems: list[Problem]) -> FindingsFile | None:
    rec = read_yaml_mapping(path, problems, Path(case.root))
    if rec is None:
        if not problems:
            problems.append(Problem(FINDINGS_FILE, 0, "", "the file must be a mapping with `findings:`"))
        return None
    try:
        spec = _File.model_validate(rec.data)
    except ValidationError as exc:
        problems.extend(_problems_from(exc, rec, FINDINGS_FILE))
        return None
    seen_ids: set[str] = set()
    seen_numbers: set[int] = set()
    for i, f in enumerate(spec.findings):
        where = f"findings.{f.id}"
        line = rec.line_of_path(("findings", i))
        if f.id in seen_ids:
            problems.append(Problem(FINDINGS_FILE, line, where, f"duplicate finding id {f.id!r}"))
        if f.number in seen_numbers:
            problems.append(Problem(FINDINGS_FILE, line, where, f"duplicate finding number {f.number}"))
        seen_ids.add(f.id)
        seen_numbers.add(f.number)
        for e in f.evidence:
            if e not in case.events_by_id:
                problems.append(
                    Problem(
                        FINDINGS_FILE,
                        line,
                        f"{where}.evidence",
                        f"unknown event id {e!r}: use an id from events/*.yaml",
                    )
                )
        for s in f.sources:
            if s not in case.sources_by_id:
                problems.append(
                    Problem(
                        FINDINGS_FILE,
                        line,
                        f"{where}.sources",
                        f"unknown source id {s!r}: add it to sources.yaml",
                    )
                )
        named = [(f"{where}.check", f.check)] if f.check is not None else []
        for k, part in enumerate(f.params.get("parts") or []):
            if not isinstance(part, dict) or "id" not in part or "check" not in part:
                problems.append(
                    Problem(
                        FINDINGS_FILE, line, f"{where}.params.parts[{k}]", "a part needs `id`, `check` and `params`"
                    )
                )
                continue
            named.append((f"{where}.params.parts.{part['id']}.check", part["check"]))
        for field_name, check in named:
            if check not in CHECKS:
                problems.append(
                    Problem(
                        FINDINGS_FILE,
                        line,
                        field_name,
                        f"unknown check {check!r}: one of {', '.join(sorted(CHECKS))}",
                    )
                )
    for j, p in enumerate(spec.periods):
        if p.end < p.start:
            problems.append(
                Problem(
                    FINDINGS_FILE,
                    rec.line_of_path(("periods", j)),
                    f"periods.{p.id}",
                    f"end {p.end} is before start {p.start}",
                )
            )
    if case.paper_path is not None and Path(case.paper_path).is_file():
        paper = PaperText.read(Path(case.paper_path))
        locs: list[tuple[str, Locator, int]] = [
            (f"periods.{p.id}.locator", p.locator, rec.line_of_path(("periods", j, "locator")))
            for j, p in enumerate(spec.periods)
        ]
        for i, f in enumerate(spec.findings):
            line = rec.line_of_path(("findings", i))
            locs.append((f"findings.{f.id}.locator", f.locator, rec.line_of_path(("findings", i, "locator"))))
            if f.conclusion is not None:
                locs.append(
                    (f"findings.{f.id}.conclusion", f.conclusion, rec.line_of_path(("findings", i, "conclusion")))
                )
            locs += [
                (f"findings.{f.id}.passages[{k}]", lc, rec.line_of_path(("findings", i, "passages", k)))
                for k, lc in enumerate(f.passages)
            ]
            for where, raw in _param_locators(f.params, f"findings.{f.id}.params"):
                try:
                    locs.append((where, Locator.model_validate(raw), line))
                except ValidationError:
                    problems.append(Problem(FINDINGS_FILE, line, where, "a locator needs `line` and `anchor`"))
        for where, lc, line in locs:
            reason = paper.check(lc)
            if reason:
                problems.append(Problem(FINDINGS_FILE, line, where, reason))
    periods = tuple(NamedPeriod(p.id, p.label, p.start, p.end, p.locator.line, p.locator.anchor) for p in spec.periods)
    return FindingsFile(periods, tuple(sorted(spec.findings, key=lambda f: f.number)), dict(spec.defaults))


def _param_locators(value: Any, where: str) -> list[tuple[str, Any]]:
    """Every locator inside a check's parameters: a mapping under a key ``locator`` or ``*_locator``."""
    out: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            here = f"{where}.{k}"
            if (k == "locator" or str(k).endswith("_locator")) and isinstance(v, dict):
                out.append((here, v))
            else:
                out += _param_locators(v, here)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            label = v.get("id") if isinstance(v, dict) and "id" in v else i
            out += _param_locators(v, f"{where}[{label}]")
    return out


def _load(case: Case) -> FindingsFile:
    path = Path(case.root) / FINDINGS_FILE
    if not path.is_file():
        raise CaseError(
            f"case {case.id!r} has no {FINDINGS_FILE}: write the findings (id, number, title, claim, locator, "
            "evidence, check) as described in docs/stance-and-findings.md."
        )
    problems: list[Problem] = []
    out = _parse(case, path, problems)
    if problems or out is None:
        raise CaseValidationError(problems)
    return out


#: The findings part of a case (registered as an entry point of ``dialoguelab.case_parts``).
PART: CasePart[FindingsFile] = CasePart("findings", (FINDINGS_FILE,), _load)


def load_findings_file(case: Case) -> FindingsFile:
    """Read and check ``findings.yaml`` of a case (once per case version).

    Raises
    ------
    CaseError
        If the case folder has no ``findings.yaml``.
    CaseValidationError
        With every located problem.
    """
    # by name: the registered part is this one, reached through dialoguelab.stance.findings, whose import
    # fills the check registry that validation needs (a caller such as the change points may not have it)
    found: FindingsFile = case.part("findings") if "findings" in registered_parts() else case.part(PART)
    return found
