"""Read the membership files of a case folder (``<case>/membership/``) with located errors.

Files (see ``docs/membership.md``):

======================  ==============================================================
organizations.yaml      bodies, their organs and admission stages (rules as data)
members.csv             body, iso3, state, joined, left, sources, verified, date_verified, note
recognitions.csv        recognition of the applicant state by state, with claimed withdrawals
stances.yaml            declared opponents/supporters, dated and optionally per body
votes.csv               real admission tallies (calibration of the vote model)
kosovo_memberships.csv  bodies the applicant has joined, with dates
sources.yaml            outside documents the files cite (``dialoguelab.case.schema.Source``)
======================  ==============================================================

Every problem is reported with its file, line and field; nothing is half-loaded.
"""

from __future__ import annotations

__all__ = [
    "MEMBERSHIP_DIR",
    "MemberRow",
    "RecognitionRow",
    "StanceRow",
    "VoteRow",
    "KosovoMembershipRow",
    "OrganChange",
    "OrganSpec",
    "Procedure",
    "StageSpec",
    "BodySpec",
    "MembershipData",
    "load_membership",
    "load_membership_for_case",
    "default_case_root",
]

import csv
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from dialoguelab.case.dates import PartialDate
from dialoguelab.case.schema import Source
from dialoguelab.errors import CaseError, CaseValidationError, Problem
from dialoguelab.membership.rules import Rule, Stage, rule_from_dict

MEMBERSHIP_DIR = "membership"
Iso3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_none(cls, v: Any) -> Any:
        return None if v == "" else v


def _split(v: Any) -> Any:
    if isinstance(v, str):
        return [s.strip() for s in v.split(";") if s.strip()]
    return v


class MemberRow(_Row):
    """One state's membership of a body (``left`` is the last day of membership)."""

    body: Id
    iso3: Iso3
    state: str
    joined: PartialDate | None = None
    left: PartialDate | None = None
    sources: list[str] = Field(default_factory=list)
    verified: bool = True
    date_verified: bool = False
    note: str | None = None

    _split_sources = field_validator("sources", mode="before")(lambda cls, v: _split(v) or [])


class RecognitionRow(_Row):
    """Recognition of the applicant by one state, with the withdrawal Serbia claims (if any)."""

    iso3: Iso3
    state: str
    recognized_on: PartialDate | None = None
    withdrawal_claimed: bool = False
    withdrawal_claimed_on: PartialDate | None = None
    withdrawal_known_by: PartialDate | None = None
    kosovo_position: Literal["recognizes", "withdrawal_disputed", "withdrawal_accepted"] = "recognizes"
    recognition_disputed: bool = False
    sources: list[str] = Field(default_factory=list)
    verified: bool = True
    note: str | None = None

    _split_sources = field_validator("sources", mode="before")(lambda cls, v: _split(v) or [])

    def withdrawal_date(self) -> PartialDate | None:
        """The date from which a claimed withdrawal is taken as known."""
        return self.withdrawal_claimed_on or self.withdrawal_known_by


class StanceRow(_Row):
    """A declared stance towards the applicant's admissions."""

    iso3: Iso3
    stance: Literal["opponent", "supporter"]
    since: PartialDate | None = None
    until: PartialDate | None = None
    bodies: list[Id] = Field(default_factory=list)
    summary: str
    sources: list[str] = Field(min_length=1)


class VoteRow(_Row):
    """A real admission vote with its tally."""

    id: Id
    body: Id
    stage: Id
    organ: str
    date: PartialDate
    subject: str
    yes: int = Field(ge=0)
    no: int = Field(ge=0)
    abstain: int = Field(ge=0)
    absent: int | None = Field(default=None, ge=0)
    required_yes: int | None = None
    outcome: str
    calibration: bool = False
    sources: list[str] = Field(min_length=1)
    note: str | None = None

    _split_sources = field_validator("sources", mode="before")(lambda cls, v: _split(v) or [])


class KosovoMembershipRow(_Row):
    """A body the applicant has joined."""

    body: Id
    name: str
    joined: PartialDate
    how: str | None = None
    sources: list[str] = Field(min_length=1)
    verified: bool = True

    _split_sources = field_validator("sources", mode="before")(lambda cls, v: _split(v) or [])


class OrganChange(_Row):
    """A dated difference between a derived organ and the body it derives from."""

    iso3: Iso3
    state: str | None = None
    joined: PartialDate | None = None
    until: PartialDate | None = None
    note: str | None = None
    sources: list[str] = Field(min_length=1)
    verified: bool = True


class OrganSpec(_Row):
    """Who votes in an organ."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)

    members_of: Id | None = Field(default=None, alias="list")
    derive_from: Id | None = None
    add: list[OrganChange] = Field(default_factory=list)
    remove: list[OrganChange] = Field(default_factory=list)
    anonymous_seats: int = Field(default=0, ge=0)
    same_as_body: bool = False


Procedure = Literal["secret_ballot", "recorded_vote", "consensus", "ratification"]


class StageSpec(_Row):
    """One admission stage as written in ``organizations.yaml``.

    ``procedure`` says how the organ decides: ``secret_ballot``, ``recorded_vote``, ``consensus`` (no
    vote: adopted unless someone objects) or ``ratification`` (each member ratifies on its own).
    ``procedure_verified: true`` needs ``procedure_citations``; an unverified procedure is a working
    assumption, explained in ``procedure_note``.
    """

    id: Id
    name: str
    organ: OrganSpec
    organ_note: str | None = None
    rule: dict[str, Any]
    rule_note: str | None = None
    legal_basis: str
    citations: list[str] = Field(min_length=1)
    completed_for_applicant: PartialDate | None = None
    procedure: Procedure | None = None
    procedure_verified: bool = False
    procedure_note: str | None = None
    procedure_citations: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _verified_needs_citation(self) -> StageSpec:
        if self.procedure_verified and (self.procedure is None or not self.procedure_citations):
            raise ValueError(
                "procedure_verified: true needs a procedure and at least one procedure_citations entry "
                "(a source id in sources.yaml); otherwise set procedure_verified: false and explain in "
                "procedure_note"
            )
        return self


class BodySpec(_Row):
    id: Id
    name: str
    aliases: list[str] = Field(default_factory=list)
    members: OrganSpec
    membership_note: str | None = None
    citations: list[str] = Field(min_length=1)
    admission: list[StageSpec] = Field(min_length=1)


@dataclass(frozen=True)
class MembershipData:
    """Everything in a case's ``membership/`` folder, validated and cross-checked."""

    root: Path
    bodies: dict[str, BodySpec]
    stages: dict[str, tuple[Stage, ...]]
    members: tuple[MemberRow, ...]
    recognitions: dict[str, RecognitionRow]
    stances: tuple[StanceRow, ...]
    votes: tuple[VoteRow, ...]
    kosovo_memberships: tuple[KosovoMembershipRow, ...]
    sources: dict[str, Source]
    state_names: dict[str, str]

    def body(self, name: str) -> BodySpec:
        """Find a body by id or alias (case-insensitive)."""
        key = name.strip().lower()
        for b in self.bodies.values():
            if key == b.id or key in (a.lower() for a in b.aliases) or key == b.name.lower():
                return b
        from dialoguelab.errors import UnknownIdError

        raise UnknownIdError(
            f"Unknown body {name!r}. Known bodies: {', '.join(sorted(self.bodies))} (or their aliases)."
        )

    def state(self, name: str) -> str:
        """Resolve a state by ISO 3166 alpha-3 code or name (case-insensitive)."""
        key = name.strip()
        if key.upper() in self.state_names:
            return key.upper()
        for iso, nm in self.state_names.items():
            if nm.lower() == key.lower():
                return iso
        from dialoguelab.errors import UnknownIdError

        raise UnknownIdError(
            f"Unknown state {name!r}: use an ISO 3166 alpha-3 code (e.g. ESP) or a name as in members.csv."
        )


M = TypeVar("M", bound=BaseModel)


def _loc(err: Any) -> str:
    return ".".join(str(p) for p in err.get("loc", ()))


def _read_csv(path: Path, model: type[M], problems: list[Problem]) -> list[M]:
    out: list[M] = []
    if not path.exists():
        problems.append(Problem(path.name, 0, "", f"missing file: create {path} (see docs/membership.md)"))
        return out
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        for i, row in enumerate(reader, start=2):
            try:
                out.append(model.model_validate({k: v for k, v in row.items() if k is not None}))
            except ValidationError as exc:
                for e in exc.errors():
                    problems.append(Problem(path.name, i, _loc(e), e["msg"]))
    return out


def _yaml_items(path: Path, key: str, problems: list[Problem]) -> list[tuple[int, Any]]:
    """The items of the top-level list ``key`` with their 1-based line numbers."""
    if not path.exists():
        problems.append(Problem(path.name, 0, "", f"missing file: create {path} (see docs/membership.md)"))
        return []
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(path.name, (mark.line + 1) if mark else 0, "", f"not valid YAML: {exc}"))
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(Problem(path.name, 1, key, f"the file must hold a mapping with a list under {key!r}"))
        return []
    lines: list[int] = []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key and isinstance(v, yaml.SequenceNode):
                lines = [item.start_mark.line + 1 for item in v.value]
    return [(lines[i] if i < len(lines) else 0, item) for i, item in enumerate(data[key])]


def _validate_items(path: Path, key: str, model: type[M], problems: list[Problem]) -> list[M]:
    out: list[M] = []
    for line, item in _yaml_items(path, key, problems):
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            for e in exc.errors():
                problems.append(Problem(path.name, line, _loc(e), e["msg"]))
    return out


def _signature(folder: Path) -> tuple[tuple[str, float, int], ...]:
    if not folder.is_dir():
        return ()
    return tuple(
        sorted((p.name, p.stat().st_mtime, p.stat().st_size) for p in folder.iterdir() if p.is_file())
    )


def default_case_root() -> Path:
    """The built-in Kosovo case folder shipped with the package."""
    return Path(__file__).resolve().parent.parent / "cases" / "kosovo"


def load_membership(root: Path | str | None = None) -> MembershipData:
    """Load and validate ``<root>/membership/`` (cached until a file changes).

    Parameters
    ----------
    root : path, optional
        The case folder; default: the built-in Kosovo case.

    Raises
    ------
    CaseError
        If the folder has no ``membership/`` subfolder.
    CaseValidationError
        With every located problem (file, line, field, message).
    """
    base = Path(root) if root is not None else default_case_root()
    folder = base / MEMBERSHIP_DIR
    if not folder.is_dir():
        raise CaseError(
            f"{folder} does not exist: a case needs a membership/ folder with organizations.yaml, "
            "members.csv, "
            "recognitions.csv, stances.yaml, votes.csv, kosovo_memberships.csv and sources.yaml "
            "(see docs/membership.md)."
        )
    return _load_cached(str(folder.resolve()), _signature(folder))


@functools.lru_cache(maxsize=16)
def _load_cached(folder_s: str, signature: tuple[tuple[str, float, int], ...]) -> MembershipData:
    folder = Path(folder_s)
    problems: list[Problem] = []
    sources_l = _validate_items(folder / "sources.yaml", "sources", Source, problems)
    bodies_l = _validate_items(folder / "organizations.yaml", "bodies", BodySpec, problems)
    stances = _validate_items(folder / "stances.yaml", "stances", StanceRow, problems)
    members = _read_csv(folder / "members.csv", MemberRow, problems)
    recs = _read_csv(folder / "recognitions.csv", RecognitionRow, problems)
    votes = _read_csv(folder / "votes.csv", VoteRow, problems)
    kms = _read_csv(folder / "kosovo_memberships.csv", KosovoMembershipRow, problems)

    sources = {s.id: s for s in sources_l}
    bodies = {b.id: b for b in bodies_l}
    lists = {m.body for m in members}
    names: dict[str, str] = {}
    for m in members:
        names.setdefault(m.iso3, m.state)
    for r in recs:
        names.setdefault(r.iso3, r.state)

    def check_sources(file: str, line: int, ids: list[str], field: str = "sources") -> None:
        for sid in ids:
            if sid not in sources:
                problems.append(
                    Problem(file, line, field, f"unknown source id {sid!r}: add it to sources.yaml")
                )

    for i, m in enumerate(members, start=2):
        check_sources("members.csv", i, m.sources)
        if m.joined and m.left and m.left.last_day() < m.joined.first_day():
            problems.append(
                Problem("members.csv", i, "left", f"left ({m.left}) is before joined ({m.joined})")
            )
    for i, r in enumerate(recs, start=2):
        check_sources("recognitions.csv", i, r.sources)
        if r.verified and not r.sources:
            problems.append(
                Problem("recognitions.csv", i, "sources", "a verified row needs at least one source")
            )
        wd = r.withdrawal_date()
        if r.recognized_on and wd and wd.last_day() < r.recognized_on.first_day():
            problems.append(
                Problem("recognitions.csv", i, "withdrawal_claimed_on", "withdrawal before recognition")
            )
    for i, v in enumerate(votes, start=2):
        check_sources("votes.csv", i, v.sources)
    for i, k in enumerate(kms, start=2):
        check_sources("kosovo_memberships.csv", i, k.sources)
    for srow in stances:
        check_sources("stances.yaml", 0, srow.sources)
        for body_id in srow.bodies:
            if body_id not in bodies:
                problems.append(
                    Problem("stances.yaml", 0, "bodies", f"unknown body {body_id!r} (stance of {srow.iso3})")
                )

    stages: dict[str, tuple[Stage, ...]] = {}
    for line, item in _yaml_items(folder / "organizations.yaml", "bodies", []):
        bid = item.get("id") if isinstance(item, dict) else None
        if bid not in bodies:
            continue
        b = bodies[bid]
        check_sources("organizations.yaml", line, b.citations, "citations")
        for organ, where in [(b.members, "members")] + [
            (s.organ, f"admission.{s.id}.organ") for s in b.admission
        ]:
            for ref in (organ.members_of, organ.derive_from):
                if ref is not None and ref not in lists and ref not in bodies:
                    problems.append(
                        Problem("organizations.yaml", line, where, f"no members.csv rows for body {ref!r}")
                    )
            for ch in organ.add + organ.remove:
                check_sources("organizations.yaml", line, ch.sources, where)
        built: list[Stage] = []
        for s in b.admission:
            check_sources("organizations.yaml", line, s.citations, f"admission.{s.id}.citations")
            check_sources(
                "organizations.yaml", line, s.procedure_citations, f"admission.{s.id}.procedure_citations"
            )
            try:
                rule: Rule = rule_from_dict(s.rule, f"{b.id}.admission.{s.id}.rule")
            except Exception as exc:  # InvalidParameterError from the algebra
                problems.append(Problem("organizations.yaml", line, f"admission.{s.id}.rule", str(exc)))
                continue
            built.append(
                Stage(
                    s.id,
                    s.name,
                    rule,
                    s.legal_basis,
                    tuple(s.citations),
                    s.organ.model_dump(by_alias=True),
                    " ".join(x for x in (s.organ_note, s.rule_note) if x),
                    str(s.completed_for_applicant) if s.completed_for_applicant else None,
                    s.procedure,
                    s.procedure_verified,
                    s.procedure_note or "",
                    tuple(s.procedure_citations),
                )
            )
        stages[b.id] = tuple(built)

    if problems:
        raise CaseValidationError(problems)
    return MembershipData(
        root=folder.parent,
        bodies=bodies,
        stages=stages,
        members=tuple(members),
        recognitions={r.iso3: r for r in recs},
        stances=tuple(stances),
        votes=tuple(votes),
        kosovo_memberships=tuple(kms),
        sources=sources,
        state_names=names,
    )


def load_membership_for_case(case: Any) -> MembershipData:
    """Convenience: load the membership files of a loaded ``Case`` (uses ``case.root``)."""
    return load_membership(Path(case.root))
