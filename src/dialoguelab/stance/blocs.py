"""Actors resolved to blocs (Russia, the West, Serbia, Kosovo, the international process, others).

The bloc table is data, stored in the case folder as ``blocs.yaml``. An actor's bloc on a date is, in
this order: the bloc that lists the actor; for a state, the bloc whose ``member_of`` bodies it belongs
to on that date (dates from ``membership/members.csv``); the bloc of the actor it is affiliated with
(``actors.yaml`` ``affiliation``, followed transitively: Zakharova → Russian MFA → Russia); else the
default bloc. See ``docs/stance-and-findings.md``.
"""

from __future__ import annotations

__all__ = ["Bloc", "BlocTable", "BLOCS_FILE", "load_blocs", "actor_bloc", "event_blocs", "blocs_table"]

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dialoguelab.case import Case, Event, PartialDate
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

    exclude_tags: list[str] = Field(default_factory=list)


class _BlocsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: str = Field(default="other", pattern=_ID)
    blocs: list[_BlocSpec] = Field(min_length=1)
    kosovo_topic: _TopicSpec = Field(default_factory=_TopicSpec)


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
    """The blocs of a case, the memberships that date them, and the Kosovo-topic rule."""

    blocs: tuple[Bloc, ...]
    default: str
    exclude_tags: frozenset[str]
    #: body → list of (iso3, joined, left) from ``membership/members.csv`` (empty if the file is absent)
    memberships: dict[str, tuple[tuple[str, dt.date, dt.date | None], ...]] = field(default_factory=dict)

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


def _read_members(path: Path, bodies: set[str], problems: list[Problem], shown: str) -> dict[str, Any]:
    out: dict[str, list[tuple[str, dt.date, dt.date | None]]] = {b: [] for b in bodies}
    if not path.is_file() or not bodies:
        return {k: tuple(v) for k, v in out.items()}
    with path.open(newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            body = (row.get("body") or "").strip()
            if body not in bodies:
                continue
            try:
                joined = PartialDate.parse((row.get("joined") or "").strip()).first_day()
                left_s = (row.get("left") or "").strip()
                left = PartialDate.parse(left_s).first_day() if left_s else None
            except ValueError as exc:
                problems.append(
                    Problem(shown, n, "joined", f"{exc}: write dates as YYYY, YYYY-MM or YYYY-MM-DD")
                )
                continue
            out[body].append(((row.get("iso3") or "").strip(), joined, left))
    return {k: tuple(v) for k, v in out.items()}


_CACHE: dict[tuple[str, str], BlocTable] = {}


def load_blocs(case: Case) -> BlocTable:
    """Read and check ``blocs.yaml`` of a case folder.

    Parameters
    ----------
    case : Case
        A loaded case; the file is ``case.root / "blocs.yaml"``.

    Returns
    -------
    BlocTable

    Raises
    ------
    CaseError
        If the case folder has no ``blocs.yaml``.
    CaseValidationError
        If the file is malformed or names an actor the case does not know (file, line, field).
    """
    key = (str(case.root), case.content_hash)
    if key in _CACHE:
        return _CACHE[key]
    path = Path(case.root) / BLOCS_FILE
    if not path.is_file():
        raise CaseError(
            f"{path} does not exist: the stance series need a bloc table (blocs.yaml with `blocs:` listing "
            "russia, west, serbia, kosovo …; see docs/stance-and-findings.md)."
        )
    problems: list[Problem] = []
    rec = read_yaml_mapping(path, problems, Path(case.root))
    if rec is None or problems:
        raise CaseValidationError(problems or [Problem(BLOCS_FILE, 0, "", "the file must be a YAML mapping")])
    try:
        spec = _BlocsFile.model_validate(rec.data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ())]
            top = loc[0] if loc else ""
            problems.append(Problem(BLOCS_FILE, rec.line_of(top), ".".join(loc), str(err.get("msg"))))
        raise CaseValidationError(problems) from None
    seen: dict[str, str] = {}
    for b in spec.blocs:
        for a in b.actors:
            if a not in case.actors_by_id:
                problems.append(
                    Problem(
                        BLOCS_FILE,
                        rec.line_of("blocs"),
                        f"blocs.{b.id}.actors",
                        f"unknown actor id {a!r}: add it to actors.yaml or remove it here",
                    )
                )
            if a in seen and seen[a] != b.id:
                problems.append(
                    Problem(
                        BLOCS_FILE,
                        rec.line_of("blocs"),
                        f"blocs.{b.id}.actors",
                        f"actor {a!r} is listed in two blocs ({seen[a]} and {b.id}): keep one",
                    )
                )
            seen[a] = b.id
    if problems:
        raise CaseValidationError(problems)
    bodies = {body for b in spec.blocs for body in b.member_of}
    members = _read_members(
        Path(case.root) / "membership" / "members.csv", bodies, problems, "membership/members.csv"
    )
    if problems:
        raise CaseValidationError(problems)
    table = BlocTable(
        blocs=tuple(
            Bloc(b.id, b.name, b.description, tuple(b.actors), tuple(b.member_of)) for b in spec.blocs
        ),
        default=spec.default,
        exclude_tags=frozenset(spec.kosovo_topic.exclude_tags),
        memberships=members,
    )
    _CACHE[key] = table
    return table


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
