"""The membership part of a case (``<case>/membership/``) joined with the world data it rests on.

The world data (:mod:`dialoguelab.world`: bodies, their rules and organs, member lists, roll calls)
is shared by every case. A case adds what is about its applicant (see ``docs/membership.md``):

==========================  ==============================================================
recognitions.csv            recognition of the applicant state by state, with claimed withdrawals
stances.yaml                declared opponents/supporters, dated and optionally per body
applicant_memberships.csv   bodies the applicant has joined, with dates
stages.csv                  admission stages the applicant has already completed (optional)
sources.yaml                outside documents these files cite (they may also cite world sources)
scenarios/*.yaml            what-if scenarios shipped with the case (optional)
==========================  ==============================================================

:func:`membership_data` returns it as one :class:`MembershipData`, loaded once per case version.
Every problem is reported with its file, line and field; nothing is half-loaded.
"""

from __future__ import annotations

__all__ = [
    "MEMBERSHIP_DIR",
    "PART",
    "RecognitionRow",
    "StanceRow",
    "ApplicantMembershipRow",
    "StageProgressRow",
    "MembershipData",
    "membership_data",
]

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator

from dialoguelab.case import Case, CasePart, PartialDate, Party
from dialoguelab.case.files import Located, file_present, read_csv_records, read_yaml_list, validate_records
from dialoguelab.case.schema import Source
from dialoguelab.errors import CaseError, CaseValidationError, InvalidParameterError, Problem, UnknownIdError
from dialoguelab.membership.rules import Rule, Stage, rule_from_dict
from dialoguelab.world import BodySpec, MemberRow, RollCall, WorldData
from dialoguelab.world.schema import Id, Iso3, _Row, split_ids

MEMBERSHIP_DIR = "membership"
#: The files of ``membership/`` this part reads (``scenarios/`` is the part ``membership_scenarios``).
FILES = ("recognitions.csv", "stances.yaml", "applicant_memberships.csv", "stages.csv", "sources.yaml")


class RecognitionRow(_Row):
    """Recognition of the applicant by one state, with the withdrawal the objector claims (if any).

    ``applicant_position`` is how the applicant reads a claimed withdrawal: ``recognizes`` (no
    withdrawal), ``withdrawal_disputed`` or ``withdrawal_accepted``.
    """

    iso3: Iso3
    state: str
    recognized_on: PartialDate | None = None
    withdrawal_claimed: bool = False
    withdrawal_claimed_on: PartialDate | None = None
    withdrawal_known_by: PartialDate | None = None
    applicant_position: Literal["recognizes", "withdrawal_disputed", "withdrawal_accepted"] = "recognizes"
    recognition_disputed: bool = False
    sources: list[str] = Field(default_factory=list)
    verified: bool = True
    note: str | None = None

    _split_sources = field_validator("sources", mode="before")(lambda cls, v: split_ids(v))

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


class ApplicantMembershipRow(_Row):
    """A body the applicant has joined."""

    body: Id
    name: str
    joined: PartialDate
    how: str | None = None
    sources: list[str] = Field(min_length=1)
    verified: bool = True

    _split_sources = field_validator("sources", mode="before")(lambda cls, v: split_ids(v))


class StageProgressRow(_Row):
    """An admission stage the applicant has already passed (e.g. an opinion given)."""

    body: Id
    stage: Id
    completed_on: PartialDate
    result: str | None = None
    sources: list[str] = Field(min_length=1)
    note: str | None = None

    _split_sources = field_validator("sources", mode="before")(lambda cls, v: split_ids(v))


@dataclass(frozen=True)
class MembershipData:
    """Bodies and member lists (from the world data) with the applicant's recognitions and stances."""

    applicant: Party
    objector: Party | None
    world: WorldData
    stages: dict[str, tuple[Stage, ...]]
    recognitions: dict[str, RecognitionRow]
    stances: tuple[StanceRow, ...]
    applicant_memberships: tuple[ApplicantMembershipRow, ...]
    progress: tuple[StageProgressRow, ...]
    sources: dict[str, Source]
    state_names: dict[str, str]

    @property
    def bodies(self) -> dict[str, BodySpec]:
        return self.world.bodies

    @property
    def members(self) -> tuple[MemberRow, ...]:
        return self.world.members

    @property
    def rollcalls(self) -> dict[str, RollCall]:
        return self.world.rollcalls

    def body(self, name: str) -> BodySpec:
        """Find a body by id or alias (case-insensitive)."""
        return self.world.body(name)

    def state(self, name: str) -> str:
        """Resolve a state by ISO 3166 alpha-3 code or name (case-insensitive)."""
        key = name.strip()
        if key.upper() in self.state_names:
            return key.upper()
        for iso, nm in self.state_names.items():
            if nm.lower() == key.lower():
                return iso
        raise UnknownIdError(
            f"Unknown state {name!r}: use an ISO 3166 alpha-3 code (e.g. ESP) or a name as in members.csv."
        )

    #: the day up to which every dataset the answers rest on was checked (members, rules, recognitions, stances)
    verified_to: dt.date | None = None

    def is_projection(self, on: dt.date) -> bool:
        """Whether an answer for ``on`` lies after the day the data were checked up to."""
        return self.verified_to is not None and on > self.verified_to

    def admission_rollcalls(self) -> list[RollCall]:
        """Recorded admission votes on this case's applicant, oldest first."""
        iso = self.applicant.iso3
        return sorted(
            (r for r in self.world.rollcalls.values() if r.kind == "admission" and r.applicant == iso),
            key=lambda r: (r.date.first_day(), r.id),
        )


def _read(case: Case, name: str, problems: list[Problem], required: bool = True) -> list[Located]:
    path = case.root / MEMBERSHIP_DIR / name
    if not file_present(path):
        if required:
            problems.append(
                Problem(f"{MEMBERSHIP_DIR}/{name}", 0, "", "missing file: create it (see docs/membership.md)")
            )
        return []
    if name.endswith(".csv"):
        return read_csv_records(path, problems, case.root)
    return read_yaml_list(path, name.split(".")[0], problems, case.root)


def _compile_stages(
    world: WorldData, progress: list[StageProgressRow], problems: list[Problem]
) -> dict[str, tuple[Stage, ...]]:
    done = {(p.body, p.stage): p for p in progress}
    stages: dict[str, tuple[Stage, ...]] = {}
    for b in world.bodies.values():
        body_at = world.lines.get(f"body:{b.id}", ("organizations.yaml", 0))
        built: list[Stage] = []
        for s in b.admission:
            try:
                rule: Rule = rule_from_dict(s.rule, f"{b.id}.admission.{s.id}.rule")
            except InvalidParameterError as exc:
                file, line = world.lines.get(f"body:{b.id}.admission.{s.id}.rule", body_at)
                problems.append(Problem(file, line, f"admission.{s.id}.rule", str(exc)))
                continue
            completed = done.get((b.id, s.id))
            built.append(
                Stage(
                    s.id,
                    s.name,
                    rule,
                    s.legal_basis,
                    tuple(s.citations),
                    s.organ.model_dump(by_alias=True),
                    " ".join(x for x in (s.organ_note, s.rule_note) if x),
                    str(completed.completed_on) if completed else None,
                    s.procedure,
                    s.procedure_verified,
                    s.procedure_note or "",
                    tuple(s.procedure_citations),
                )
            )
        stages[b.id] = tuple(built)
    return stages


def _load(case: Case) -> MembershipData:
    folder = case.root / MEMBERSHIP_DIR
    if not folder.is_dir():
        raise CaseError(
            f"case {case.id!r} has no membership/ folder: add recognitions.csv, stances.yaml, "
            "applicant_memberships.csv and sources.yaml there (see docs/membership.md)."
        )
    applicant = case.applicant
    world = case.world
    problems: list[Problem] = []
    before = len(problems)
    source_records = _read(case, "sources.yaml", problems, required=False)
    # a sources file that cannot be read at all is one problem, not one per citation of it
    sources_unreadable = not source_records and len(problems) > before
    own_sources = validate_records(source_records, Source, problems)
    recs = validate_records(_read(case, "recognitions.csv", problems), RecognitionRow, problems)
    stances = validate_records(_read(case, "stances.yaml", problems), StanceRow, problems)
    joined = validate_records(_read(case, "applicant_memberships.csv", problems), ApplicantMembershipRow, problems)
    progress = validate_records(_read(case, "stages.csv", problems, required=False), StageProgressRow, problems)

    sources: dict[str, Source] = dict(world.sources)
    for s, _loc in own_sources:
        sources[s.id] = s

    def need_sources(ids: list[str], loc: Located, fname: str = "sources") -> None:
        if sources_unreadable:
            return
        for sid in ids:
            if sid not in sources:
                problems.append(
                    Problem(loc.file, loc.line_of(fname), fname, f"unknown source id {sid!r}: add it to sources.yaml")
                )

    seen: dict[str, int] = {}
    for r, loc in recs:
        need_sources(r.sources, loc)
        if r.iso3 in seen:
            problems.append(
                Problem(loc.file, loc.line, "iso3", f"{r.iso3} appears twice (first on line {seen[r.iso3]})")
            )
        seen[r.iso3] = loc.line
        if r.verified and not r.sources:
            problems.append(Problem(loc.file, loc.line, "sources", "a verified row needs at least one source"))
        wd = r.withdrawal_date()
        if r.recognized_on and wd and wd.last_day() < r.recognized_on.first_day():
            problems.append(Problem(loc.file, loc.line, "withdrawal_claimed_on", "withdrawal before recognition"))
    for k, loc in joined:
        need_sources(k.sources, loc)
    for srow, loc in stances:
        need_sources(srow.sources, loc)
        for body_id in srow.bodies:
            if body_id not in world.bodies:
                problems.append(
                    Problem(
                        loc.file, loc.line_of("bodies"), "bodies", f"unknown body {body_id!r} (stance of {srow.iso3})"
                    )
                )
    for p, loc in progress:
        need_sources(p.sources, loc)
        if p.body not in world.bodies:
            problems.append(Problem(loc.file, loc.line, "body", f"unknown body {p.body!r}"))
        elif p.stage not in {s.id for s in world.bodies[p.body].admission}:
            problems.append(Problem(loc.file, loc.line, "stage", f"body {p.body!r} has no stage {p.stage!r}"))
    stages = _compile_stages(world, [p for p, _ in progress], problems)
    if problems:
        raise CaseValidationError(problems)

    checked = case.verified_to()
    basis = [checked[k].last_day() for k in ("members", "organizations", "recognitions", "stances") if k in checked]
    names = dict(world.state_names)
    for r, _ in recs:
        names.setdefault(r.iso3, r.state)
    return MembershipData(
        applicant=applicant,
        objector=case.objector,
        world=world,
        stages=stages,
        recognitions={r.iso3: r for r, _ in recs},
        stances=tuple(s for s, _ in stances),
        applicant_memberships=tuple(k for k, _ in joined),
        progress=tuple(p for p, _ in progress),
        sources=sources,
        state_names=names,
        verified_to=min(basis) if basis else None,
    )


#: The membership part of a case (registered as an entry point of ``dialoguelab.case_parts``).
PART: CasePart[MembershipData] = CasePart(
    "membership",
    (MEMBERSHIP_DIR,),
    _load,
    patterns=tuple(f"{MEMBERSHIP_DIR}/{name}" for name in FILES),
)


def membership_data(case: Case) -> MembershipData:
    """The membership data of a case: its world data joined with its ``membership/`` files (cached).

    Raises
    ------
    CaseError
        If the case has no ``membership/`` folder or names no applicant.
    CaseValidationError
        With every located problem (file, line, field, message).
    """
    return case.part(PART)
