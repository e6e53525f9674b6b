"""Actors resolved to blocs (Russia, the West, Serbia, Kosovo, the international process, others).

The bloc table is data, stored in the case folder as ``blocs.yaml``. An actor's bloc on a date is, in
this order: the bloc that lists the actor; for a state, the bloc whose ``member_of`` bodies it belongs
to on that date (dates from the world data's member lists, :mod:`dialoguelab.world`); the bloc of the
actor it is affiliated with (``actors.yaml`` ``affiliation``, followed transitively: Zakharova →
Russian MFA → Russia); else the default bloc. The same file names the case's topic (which blocs make an
event "on topic", which tags mark other theatres) and the stance series the case reads
(:mod:`dialoguelab.stance.series`). See ``docs/stance-and-findings.md``.
"""

from __future__ import annotations

__all__ = [
    "Bloc",
    "BlocTable",
    "SeriesSpec",
    "BLOCS_FILE",
    "PART",
    "load_blocs",
    "actor_bloc",
    "event_blocs",
    "blocs_table",
]

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dialoguelab.case import Case, CasePart, Event, PartialDate
from dialoguelab.case.files import read_yaml_mapping
from dialoguelab.errors import CaseError, CaseValidationError, Problem, UnknownIdError

BLOCS_FILE = "blocs.yaml"
_ID = r"^[a-z0-9][a-z0-9_.\-]*$"


class _BlocSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    description: str | None = None
    actors: list[str] = Field(default_factory=list)
    member_of: list[str] = Field(default_factory=list)


class _TopicSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "the case's topic"
    blocs: list[str] = Field(default_factory=list)
    exclude_tags: list[str] = Field(default_factory=list)


class SeriesSpec(BaseModel):
    """What a stance series reads: from which bloc, toward which blocs, on which topic, and how.

    ``topic`` is ``on`` (events on the case's topic), ``off`` (events off it) or ``any``. ``kind``
    ``stance`` scores acts of ``source`` toward ``targets``; ``alignment`` scores acts toward
    ``toward`` positively and toward ``away`` negatively.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    source: str = Field(pattern=_ID)
    targets: tuple[str, ...] = ()
    topic: Literal["on", "off", "any"] = "any"
    kind: Literal["stance", "alignment"] = "stance"
    toward: str | None = None
    away: tuple[str, ...] = ()
    description: str = ""


class _BlocsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: str = Field(default="other", pattern=_ID)
    blocs: list[_BlocSpec] = Field(min_length=1)
    topic: _TopicSpec = Field(default_factory=_TopicSpec)
    series: list[SeriesSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class Bloc:
    """One bloc: its id, name, the actors it lists and the bodies whose member states it takes in."""

    id: str
    name: str
    description: str | None
    actors: tuple[str, ...]
    member_of: tuple[str, ...]


@dataclass(frozen=True)
class BlocTable:
    """The blocs of a case, the memberships that date them, the case's topic and its stance series."""

    blocs: tuple[Bloc, ...]
    default: str
    exclude_tags: frozenset[str]
    #: body → list of (iso3, joined, left) from the world data's member lists
    memberships: dict[str, tuple[tuple[str, dt.date, dt.date | None], ...]] = field(default_factory=dict)
    #: blocs whose taking part puts an event on the case's topic
    topic_blocs: frozenset[str] = frozenset()
    topic_name: str = "the case's topic"
    series: dict[str, SeriesSpec] = field(default_factory=dict)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(b.id for b in self.blocs) + ((self.default,) if self.default not in self._listed else ())

    @property
    def _listed(self) -> set[str]:
        return {b.id for b in self.blocs}

    def name(self, bloc_id: str) -> str:
        for b in self.blocs:
            if b.id == bloc_id:
                return b.name
        return "Others" if bloc_id == self.default else bloc_id

    def member_bloc(self, iso3: str, on: dt.date) -> str | None:
        """The bloc whose ``member_of`` bodies count ``iso3`` as a member on ``on``, if any."""
        for b in self.blocs:
            for body in b.member_of:
                for code, joined, left in self.memberships.get(body, ()):
                    if code == iso3 and joined <= on and (left is None or on < left):
                        return b.id
        return None


def _memberships(case: Case, bodies: set[str]) -> dict[str, tuple[tuple[str, dt.date, dt.date | None], ...]]:
    out: dict[str, list[tuple[str, dt.date, dt.date | None]]] = {b: [] for b in bodies}
    for m in case.world.members:
        if m.body in out and m.joined is not None:
            out[m.body].append((m.iso3, m.joined.first_day(), m.left.first_day() if m.left else None))
    return {k: tuple(v) for k, v in out.items()}


def _load(case: Case) -> BlocTable:
    path = Path(case.root) / BLOCS_FILE
    if not path.is_file():
        raise CaseError(
            f"case {case.id!r} has no {BLOCS_FILE}: the stance series need a bloc table (`blocs:` listing "
            "the blocs and their actors, `topic:` and `series:`; see docs/stance-and-findings.md)."
        )
    problems: list[Problem] = []
    rec = read_yaml_mapping(path, problems, Path(case.root))
    if rec is None or problems:
        raise CaseValidationError(problems or [Problem(BLOCS_FILE, 0, "", "the file must be a YAML mapping")])
    try:
        spec = _BlocsFile.model_validate(rec.data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err.get("loc", ()))
            line = rec.line_of_path(loc)
            problems.append(Problem(BLOCS_FILE, line, ".".join(str(p) for p in loc), str(err.get("msg"))))
        raise CaseValidationError(problems) from None
    seen: dict[str, str] = {}
    for i, b in enumerate(spec.blocs):
        for a in b.actors:
            if a not in case.actors_by_id:
                problems.append(
                    Problem(
                        BLOCS_FILE,
                        rec.line_of_path(("blocs", i, "actors")),
                        f"blocs.{b.id}.actors",
                        f"unknown actor id {a!r}: add it to actors.yaml or remove it here",
                    )
                )
            if a in seen and seen[a] != b.id:
                problems.append(
                    Problem(
                        BLOCS_FILE,
                        rec.line_of_path(("blocs", i, "actors")),
                        f"blocs.{b.id}.actors",
                        f"actor {a!r} is listed in two blocs ({seen[a]} and {b.id}): keep one",
                    )
                )
            seen[a] = b.id
        for body in b.member_of:
            if body not in case.world.lists():
                problems.append(
                    Problem(BLOCS_FILE, rec.line_of_path(("blocs", i, "member_of")), f"blocs.{b.id}.member_of",
                            f"no member list {body!r} in the world data")
                )
    known = {b.id for b in spec.blocs} | {spec.default}
    for b_id in spec.topic.blocs:
        if b_id not in known:
            problems.append(Problem(BLOCS_FILE, rec.line_of("topic"), "topic.blocs", f"unknown bloc {b_id!r}"))
    ids: set[str] = set()
    for i, s in enumerate(spec.series):
        where = f"series.{s.id}"
        at = rec.line_of_path(("series", i))
        if s.id in ids:
            problems.append(Problem(BLOCS_FILE, at, where, f"duplicate series id {s.id!r}"))
        ids.add(s.id)
        for b_id in (s.source, *s.targets, *([s.toward] if s.toward else []), *s.away):
            if b_id not in known:
                problems.append(Problem(BLOCS_FILE, at, where, f"unknown bloc {b_id!r}"))
        if s.kind == "alignment" and s.toward is None:
            problems.append(Problem(BLOCS_FILE, at, where, "an alignment series needs `toward`"))
    if problems:
        raise CaseValidationError(problems)
    bodies = {body for b in spec.blocs for body in b.member_of}
    return BlocTable(
        blocs=tuple(
            Bloc(b.id, b.name, b.description, tuple(b.actors), tuple(b.member_of)) for b in spec.blocs
        ),
        default=spec.default,
        exclude_tags=frozenset(spec.topic.exclude_tags),
        memberships=_memberships(case, bodies),
        topic_blocs=frozenset(spec.topic.blocs),
        topic_name=spec.topic.name,
        series={s.id: s for s in spec.series},
    )


#: The blocs part of a case (registered as an entry point of ``dialoguelab.case_parts``).
PART: CasePart[BlocTable] = CasePart("blocs", (BLOCS_FILE,), _load)


def load_blocs(case: Case) -> BlocTable:
    """The bloc table of a case (``blocs.yaml``), read once per case version.

    Raises
    ------
    CaseError
        If the case folder has no ``blocs.yaml``.
    CaseValidationError
        If the file is malformed or names an actor, bloc or member list the case does not know.
    """
    return case.part(PART)


def _as_day(on: str | dt.date | PartialDate | None) -> dt.date:
    if on is None:
        return dt.date.today()
    if isinstance(on, dt.date):
        return on
    return PartialDate.parse(on).first_day()


def actor_bloc(
    case: Case, actor_id: str, on: str | dt.date | PartialDate | None = None, table: BlocTable | None = None
) -> str:
    """The bloc of an actor on a date.

    Parameters
    ----------
    case : Case
    actor_id : str
        An actor id, name or alias (``"Lavrov"`` → russia).
    on : date or str, optional
        The date (default: today); membership-based blocs depend on it.

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> case = load_case()
    >>> [actor_bloc(case, "sergey-lavrov", "2016"), actor_bloc(case, "bulgaria", "1999")]
    ['russia', 'other']
    >>> actor_bloc(case, "bulgaria", "2005")
    'west'
    """
    table = table or load_blocs(case)
    try:
        actor = case.actors_by_id[actor_id]
    except KeyError:
        try:
            actor = case.actor(actor_id)
        except UnknownIdError:
            raise
    day = _as_day(on)
    listed = {a: b.id for b in table.blocs for a in b.actors}
    seen: set[str] = set()
    while True:
        if actor.id in listed:
            return listed[actor.id]
        if actor.iso3:
            via = table.member_bloc(actor.iso3, day)
            if via is not None:
                return via
        if (
            actor.affiliation is None
            or actor.affiliation in seen
            or actor.affiliation not in case.actors_by_id
        ):
            return table.default
        seen.add(actor.id)
        actor = case.actors_by_id[actor.affiliation]


def event_blocs(
    case: Case, event: Event, table: BlocTable | None = None
) -> tuple[frozenset[str], frozenset[str]]:
    """The blocs of an event's source actors and of its target actors, on the event's (first) day."""
    table = table or load_blocs(case)
    day = event.date.first_day()
    src = frozenset(actor_bloc(case, a, day, table) for a in event.source_actors)
    tgt = frozenset(actor_bloc(case, a, day, table) for a in event.target_actors)
    return src, tgt


def blocs_table(case: Case, on: str | dt.date | PartialDate | None = None) -> pd.DataFrame:
    """Every actor of the case with its bloc on a date (default today): ``actor``, ``name``, ``bloc``."""
    table = load_blocs(case)
    day = _as_day(on)
    rows = [{"actor": a.id, "name": a.name, "bloc": actor_bloc(case, a.id, day, table)} for a in case.actors]
    return pd.DataFrame(rows, columns=["actor", "name", "bloc"])
