"""Load a case folder into a typed, immutable :class:`Case`, or report every located problem.

A case folder holds ``case.yaml``, ``actors.yaml``, ``sources.yaml``, ``events.yaml`` and/or
``events/*.yaml``, and optionally ``quotations.yaml``, ``agreements.yaml``, ``documents.yaml``
(see ``docs/case-format.md``). Loading validates each record, then checks across files: unique
ids, known actor and source ids, footnote markers that exist, unique aliases, dates not in the
future, and, when the paper's text is on this machine, every locator.
"""

from __future__ import annotations

__all__ = [
    "Case",
    "load_case",
    "check_case",
    "builtin_case_path",
    "installed_cases",
    "CheckReport",
    "parse_date_bases",
    "content_hash",
    "unread_files",
]

import datetime as dt
import hashlib
import logging
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, overload

from dialoguelab.cachedir import cache_dir
from dialoguelab.case.dates import PartialDate
from dialoguelab.case.files import (
    Located,
    file_present,
    hash_file,
    read_yaml_mapping,
    read_yaml_records,
    validate_records,
)
from dialoguelab.case.paper import PaperText, find_paper, normalise
from dialoguelab.case.parts import CasePart, registered_parts
from dialoguelab.case.schema import (
    Actor,
    Agreement,
    CaseMeta,
    DateBasis,
    Document,
    Event,
    Locator,
    Party,
    Quotation,
    Source,
    SourceKind,
)
from dialoguelab.errors import CaseError, CaseValidationError, InvalidParameterError, Problem, UnknownIdError
from dialoguelab.fsutil import recover
from dialoguelab.world import WorldData, load_world, world_files

T = TypeVar("T")
_log = logging.getLogger(__name__)

CASE_FILES = ("case.yaml", "actors.yaml", "sources.yaml", "quotations.yaml", "agreements.yaml", "documents.yaml")
#: Names in a case folder that belong to the tool's own bookkeeping (locks, journals), not to the case.
TOOL_FILE_PREFIX = ".dialoguelab"


def _cases_dir() -> Path:
    return Path(str(resources.files("dialoguelab") / "cases"))


def installed_cases() -> list[str]:
    """Names of the cases shipped inside the package, the default first."""
    names = sorted(p.name for p in _cases_dir().iterdir() if (p / "case.yaml").is_file())
    default = _default_case_name()
    return sorted(names, key=lambda n: (n != default, n))


def _default_case_name() -> str:
    index = _cases_dir() / "default.txt"
    name = index.read_text(encoding="utf-8").strip() if index.is_file() else ""
    if not name:
        raise CaseError(f"no default case: {index} should name one of the installed cases")
    return name


def builtin_case_path(name: str | None = None) -> Path:
    """The folder of a case shipped inside the package (default: the one ``cases/default.txt`` names)."""
    name = name or _default_case_name()
    path = _cases_dir() / name
    if not (path / "case.yaml").is_file():
        known = ", ".join(p.name for p in _cases_dir().iterdir() if (p / "case.yaml").is_file())
        raise CaseError(f"no built-in case named {name!r} (installed: {known})")
    return path


def resolve_case_path(path: str | Path | None) -> Path:
    """A case folder from a path, the name of an installed case, or ``None`` (the default case)."""
    if path is None:
        return builtin_case_path()
    p = Path(path).expanduser()
    if not p.exists() and len(p.parts) == 1 and (_cases_dir() / p.name / "case.yaml").is_file():
        return _cases_dir() / p.name
    return p.resolve()


class _Memo:
    """Results computed from one case version, each computed once even when asked for concurrently."""

    def __init__(self, max_entries: int = 4096) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[Any, _Entry] = OrderedDict()
        self._max = max_entries

    def get(self, key: Any, compute: Callable[[], T]) -> T:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = _Entry()
                while len(self._entries) > self._max:
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(key)
        with entry.lock:  # single flight: a second caller waits for the first one's result
            if not entry.done:
                entry.value = compute()
                entry.done = True
        return entry.value  # type: ignore[no-any-return]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class _Entry:
    __slots__ = ("lock", "done", "value")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = False
        self.value: Any = None


@dataclass(frozen=True)
class Case:
    """A validated case: typed records, the lookups every engine needs, and its parts, loaded lazily.

    The evidence (actors, sources, events, quotations, agreements, documents) is read and checked when
    the case is loaded. The world data it uses (:attr:`world`: bodies, rules, member lists, roll calls,
    built in and overridable by the case's ``world/`` folder) and the parts engines own (membership
    files, forecast issues, findings, stance blocs; see :mod:`dialoguelab.case.parts`) are read on first
    use and kept with the case. :meth:`cached` keeps any result computed from this version of the case,
    so caches are keyed by the case's content hash, never by a folder path.
    """

    root: Path
    meta: CaseMeta
    actors: tuple[Actor, ...]
    sources: tuple[Source, ...]
    events: tuple[Event, ...]
    quotations: tuple[Quotation, ...]
    agreements: tuple[Agreement, ...]
    documents: tuple[Document, ...]
    content_hash: str
    paper_path: Path | None = None
    lines: dict[str, tuple[str, int]] = field(default_factory=dict, compare=False, repr=False)
    _memo: _Memo = field(default_factory=_Memo, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # what is derived (lookups, parts, computed results) is rebuilt after unpickling
        fields = ("root", "meta", "actors", "sources", "events", "quotations", "agreements", "documents",
                  "content_hash", "paper_path", "lines")
        return {k: self.__dict__[k] for k in fields}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        object.__setattr__(self, "_memo", _Memo())

    @property
    def id(self) -> str:
        return self.meta.id

    def cached(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()`` once per key for this version of the case (concurrent callers wait for it)."""
        return self._memo.get(key, compute)

    def clear_cached(self) -> None:
        """Forget every part and result computed from this case (for benchmarks and tests of caches)."""
        self._memo.clear()

    @property
    def applicant(self) -> Party:
        """The state the case is about (``applicant:`` in ``case.yaml``)."""
        if self.meta.applicant is None:
            raise CaseError(
                f"case {self.meta.id!r} names no applicant: add `applicant: {{actor, iso3, name}}` to case.yaml"
            )
        return self.meta.applicant

    @property
    def objector(self) -> Party | None:
        """The state that contests the applicant's claims, if the case names one."""
        return self.meta.objector

    def positions(self) -> dict[str, str]:
        """The readings of disputed facts this case offers: position id → label, the applicant's first.

        Engines also accept the generic names ``applicant`` and ``objector``.
        """
        out = {self.applicant.position_id: self.applicant.label}
        if self.objector is not None:
            out[self.objector.position_id] = self.objector.label
        return out

    def position_role(self, position: str | None) -> str:
        """``"applicant"`` or ``"objector"`` for a position id of this case (``None`` = the applicant's).

        Raises :class:`InvalidParameterError` naming the allowed values.
        """
        if position is None or position in ("applicant", self.applicant.position_id):
            return "applicant"
        if self.objector is not None and position in ("objector", self.objector.position_id):
            return "objector"
        allowed = list(self.positions())
        raise InvalidParameterError(
            f"The 'position' parameter must be one of {', '.join(allowed)}. Got {position!r}."
        )

    def position_id(self, position: str | None) -> str:
        """This case's id for a position given by id or by role (``applicant`` / ``objector``)."""
        role = self.position_role(position)
        party = self.applicant if role == "applicant" else self.objector
        assert party is not None
        return party.position_id

    def verified_to(self) -> dict[str, PartialDate]:
        """Each dataset with the day it was checked up to: the world's (members, organizations, rollcalls)
        and the case's (``verified_to:`` in ``case.yaml``: events, recognitions, stances …)."""
        out = dict(self.world.verified_to)
        out.update(self.meta.verified_to)
        return out

    @property
    def world(self) -> WorldData:
        """The world data this case uses: the built-in files with the case's ``world/`` overrides."""
        return self.cached(("world",), lambda: load_world(self.root / "world"))

    @overload
    def part(self, spec: CasePart[T]) -> T: ...
    @overload
    def part(self, spec: str) -> Any: ...
    def part(self, spec: CasePart[Any] | str) -> Any:
        """An engine-owned part of the case, loaded on first use (``case.part("membership")``).

        Raises :class:`~dialoguelab.errors.CaseValidationError` when its files are invalid and
        :class:`~dialoguelab.errors.CaseError` when the case has no such part.
        """
        if isinstance(spec, str):
            parts = registered_parts()
            if spec not in parts:
                raise CaseError(f"no case part named {spec!r} is installed (known: {', '.join(sorted(parts))})")
            spec = parts[spec]
        chosen = spec
        return self.cached(("part", chosen.name), lambda: chosen.load(self))

    def has_part(self, spec: CasePart[Any] | str) -> bool:
        """Whether the case folder holds this part at all."""
        if isinstance(spec, str):
            found = registered_parts().get(spec)
            if found is None:
                return False
            spec = found
        return spec.is_present(self)

    @cached_property
    def actors_by_id(self) -> dict[str, Actor]:
        return {a.id: a for a in self.actors}

    @cached_property
    def sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @cached_property
    def events_by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}

    @cached_property
    def _names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for a in self.actors:
            for n in (a.id, a.name, *a.aliases):
                names.setdefault(n.casefold(), a.id)
            if a.iso3:
                names.setdefault(a.iso3.casefold(), a.id)
        return names

    def actor(self, name: str) -> Actor:
        """Resolve an actor by id, name, ISO code, alias or metonym (case-insensitive).

        Raises :class:`UnknownIdError` naming close matches when the name is unknown.
        """
        key = name.strip().casefold()
        if key.startswith("the "):
            key_alt = key[4:]
        else:
            key_alt = "the " + key
        actor_id = self._names.get(key) or self._names.get(key_alt)
        if actor_id is None:
            import difflib

            close = difflib.get_close_matches(key, list(self._names), n=3, cutoff=0.75)
            hint = f" Did you mean: {', '.join(close)}?" if close else " See `dialoguelab actors` for the list."
            raise UnknownIdError(f"unknown actor {name!r}.{hint}")
        return self.actors_by_id[actor_id]

    def source(self, source_id: str) -> Source:
        try:
            return self.sources_by_id[source_id]
        except KeyError:
            raise UnknownIdError(f"unknown source {source_id!r}") from None

    def event(self, event_id: str) -> Event:
        try:
            return self.events_by_id[event_id]
        except KeyError:
            raise UnknownIdError(f"unknown event {event_id!r}") from None

    def with_dates_from(self, date_basis: str | Iterable[str]) -> Case:
        """The same case keeping only the events whose date comes from one of ``date_basis``.

        A robustness view: ``case.with_dates_from("paper,context,footnote")`` drops the acts the
        paper reports undated (dated from outside documents), so any analysis can be re-run on the
        paper's own dates. Quotations linked to a dropped event keep their words but lose the link.

        Parameters
        ----------
        date_basis : str or iterable of str
            ``paper``, ``context``, ``footnote``, ``outside``; a string may list several, comma-separated.
        """
        wanted = set(parse_date_bases(date_basis))
        if wanted == {b.value for b in DateBasis}:
            return self
        events = tuple(e for e in self.events if e.date_basis.value in wanted)
        kept = {e.id for e in events}
        quotations = tuple(
            q if q.event is None or q.event in kept else q.model_copy(update={"event": None})
            for q in self.quotations
        )
        # a content hash of its own, so caches keyed on it (the store, the findings) never mix the two
        tag = ",".join(sorted(wanted))
        digest = hashlib.sha256(f"{self.content_hash}:date_basis={tag}".encode()).hexdigest()
        return replace(self, events=events, quotations=quotations, content_hash=digest, _memo=_Memo())


def parse_date_bases(value: str | Iterable[str]) -> list[str]:
    """Date bases from ``"paper,context"`` or an iterable, validated (see :class:`DateBasis`).

    Raises :class:`InvalidParameterError` naming the allowed values when one is unknown or none is given.
    """
    parts = value.split(",") if isinstance(value, str) else list(value)
    bases = list(dict.fromkeys(p.strip().lower() for p in parts if p.strip()))
    known = [b.value for b in DateBasis]
    bad = [b for b in bases if b not in known]
    if bad or not bases:
        raise InvalidParameterError(
            f"The 'date_basis' parameter must be one or more of {', '.join(known)}. "
            f"Got {(bad[0] if bad else value)!r}."
        )
    return bases


@dataclass(frozen=True)
class CheckReport:
    """What ``dialoguelab check`` found."""

    root: Path
    problems: list[Problem]
    counts: dict[str, int]
    paper: Path | None
    locators_checked: int
    #: whether case.yaml names a paper (a case built from outside documents only has none)
    paper_expected: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems


def _event_files(root: Path) -> list[Path]:
    files = []
    if file_present(root / "events.yaml"):
        files.append(root / "events.yaml")
    if (root / "events").is_dir():
        files += sorted(p for p in (root / "events").glob("*.yaml") if not p.name.startswith("_") and file_present(p))
    return files


def case_files(root: Path) -> list[Path]:
    """Every file of a case folder that belongs to the case (hidden files included; the tool's own
    lock and journal files and ``__pycache__`` excluded)."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and not any(part.startswith(TOOL_FILE_PREFIX) for part in p.relative_to(root).parts)
    )


#: Folders of a case whose every file the case format reads (with the parts' own folders): any other
#: file in them is reported by ``check``. ``texts/`` is not one: it keeps documents, and a text is read
#: when a source names it (``dialoguelab review`` writes a text before the source that cites it).
FORMAT_FOLDERS = ("events", "world")
#: Files at the top level of a case folder with these suffixes are case files: one the format does not
#: read is reported (a misspelt ``event.yaml`` would otherwise be skipped without a word).
DATA_SUFFIXES = (".yaml", ".yml", ".csv")


def unread_files(root: Path, paper: Path | None = None) -> list[Problem]:
    """A problem for every file of the case folder that nothing reads, where a case file is expected.

    The rule (``docs/case-format.md``): in the format's folders (``events/``, ``world/`` and each
    part's folders, such as ``membership/`` and ``forecast/``) every file must be one that is read; at
    the top level every ``.yaml``, ``.yml`` or ``.csv`` file must be. Names starting with ``_`` or
    ``.`` (a draft kept aside, ``.gitkeep``) are never reported, nor is anything in another folder
    (``texts/`` keeps documents: a text is read when a source names it) or another file at the top
    level (the paper's text, a README).
    """
    parts = list(registered_parts().values())
    folders = set(FORMAT_FOLDERS)
    for part in parts:
        folders |= {p.split("/")[0] for p in part.paths if (root / p).is_dir()}
    read = {p.resolve() for p in _event_files(root)}
    read |= {(root / f).resolve() for f in CASE_FILES + ("events.yaml",)}
    read |= {p.resolve() for p in world_files(root / "world") if p.is_relative_to(root)}
    if paper is not None:
        read.add(paper.resolve())
    out: list[Problem] = []
    for p in case_files(root):
        rel = p.relative_to(root)
        if any(x.startswith(("_", ".")) for x in rel.parts) or p.resolve() in read:
            continue
        top = rel.parts[0]
        if len(rel.parts) == 1:
            if p.suffix.lower() not in DATA_SUFFIXES:
                continue
            hint = f"the case files are {', '.join(CASE_FILES)} and those of the parts"
        elif top not in folders:
            continue
        elif top == "events":
            hint = "event files are events/*.yaml"
        else:
            hint = "it is not one of the files this folder holds"
        if any(part.reads(rel.as_posix()) for part in parts):
            continue
        out.append(
            Problem(
                rel.as_posix(),
                0,
                "",
                f"not read by dialoguelab ({hint}): rename it, or start its name with '_' to keep it unread",
            )
        )
    return out


def content_hash(root: Path) -> str:
    """SHA-256 over every file of a case folder and the built-in world data it reads, for cache keys.

    Each file counts with its relative path and bytes, so renaming, adding, removing or editing any
    file (hidden ones too: the loader reads ``events/.extra.yaml``) changes the hash.
    """
    h = hashlib.sha256()
    for p in case_files(root) + [f for f in world_files() if not f.is_relative_to(root)]:
        h.update(str(p.relative_to(root) if p.is_relative_to(root) else p.name).encode())
        h.update(b"\0")
        hash_file(h, p)
        h.update(b"\0")
    return h.hexdigest()


def _read(
    root: Path, problems: list[Problem]
) -> tuple[CaseMeta | None, dict[str, list[tuple[Any, Located]]], dict[str, set[str]]]:
    meta_rec = None
    if not file_present(root / "case.yaml"):
        problems.append(
            Problem("case.yaml", 0, "", "missing: a case folder needs case.yaml (id, title, format_version)")
        )
    else:
        meta_rec = read_yaml_mapping(root / "case.yaml", problems, root)
    meta = None
    if meta_rec is not None:
        validated = validate_records([meta_rec], CaseMeta, problems)
        meta = validated[0][0] if validated else None
    tables: dict[str, list[tuple[Any, Located]]] = {}
    raw_ids: dict[str, set[str]] = {}
    specs: list[tuple[str, type[Any], list[Path], bool]] = [
        ("actors", Actor, [root / "actors.yaml"], True),
        ("sources", Source, [root / "sources.yaml"], True),
        ("events", Event, _event_files(root), True),
        ("quotations", Quotation, [root / "quotations.yaml"], False),
        ("agreements", Agreement, [root / "agreements.yaml"], False),
        ("documents", Document, [root / "documents.yaml"], False),
    ]
    unreadable: set[str] = set()
    for name, model, paths, required in specs:
        recs: list[Located] = []
        present = [p for p in paths if file_present(p)]
        if required and not present:
            want = "events.yaml or events/*.yaml" if name == "events" else f"{name}.yaml"
            problems.append(Problem(want, 0, "", f"missing: a case folder needs {want}"))
        for p in present:
            before = len(problems)
            got = read_yaml_records(p, problems, root)
            if not got and len(problems) > before:
                unreadable.add(name)  # nothing of the file could be read: its ids are unknown, not absent
            recs += got
        tables[name] = validate_records(recs, model, problems)
        # ids of records that failed validation still count for cross-references (no cascades)
        raw_ids[name] = {str(r.data.get("id")) for r in recs if isinstance(r.data, dict) and r.data.get("id")}
    raw_ids[_UNREADABLE] = unreadable
    return meta, tables, raw_ids


#: Key of ``raw_ids`` naming the tables with a file that could not be read at all: references into
#: them are not checked, so one broken file gives one problem, not one per reference.
_UNREADABLE = "(unreadable)"


def _check_date_basis(e: Event, loc: Located, source_kinds: dict[str, SourceKind], problems: list[Problem]) -> None:
    """A date read from a footnote cites that footnote; a date from outside cites an outside document."""
    if e.date_basis is DateBasis.FOOTNOTE and not any(source_kinds.get(c) is SourceKind.FOOTNOTE for c in e.citations):
        problems.append(
            Problem(
                loc.file,
                loc.line_of("date_basis"),
                "date_basis",
                "date_basis 'footnote' but the event cites no footnote: add the fn-N that dates it to citations",
            )
        )
    if e.date_basis is DateBasis.OUTSIDE and not any(
        source_kinds.get(c) is SourceKind.DOCUMENT and c != "paper" for c in e.citations
    ):
        problems.append(
            Problem(
                loc.file,
                loc.line_of("date_basis"),
                "date_basis",
                "date_basis 'outside' but the event cites no outside document: add the source that dates it "
                "to sources.yaml and to citations",
            )
        )


def _cross_check(
    meta: CaseMeta | None,
    t: dict[str, list[tuple[Any, Located]]],
    problems: list[Problem],
    raw_ids: dict[str, set[str]],
) -> None:
    # unique ids per table (events may span several files)
    for rows in t.values():
        seen: dict[str, Located] = {}
        for rec, loc in rows:
            if rec.id in seen:
                first = seen[rec.id]
                problems.append(
                    Problem(
                        loc.file,
                        loc.line_of("id"),
                        "id",
                        f"duplicate id {rec.id!r} (first at {first.file}:{first.line})",
                    )
                )
            else:
                seen[rec.id] = loc
    actor_ids = {a.id for a, _ in t["actors"]} | raw_ids.get("actors", set())
    source_ids = {s.id for s, _ in t["sources"]} | raw_ids.get("sources", set())
    footnotes = {s.number for s, _ in t["sources"] if s.kind is SourceKind.FOOTNOTE} | {
        int(i[3:]) for i in raw_ids.get("sources", set()) if i.startswith("fn-") and i[3:].isdigit()
    }
    event_ids = {e.id for e, _ in t["events"]} | raw_ids.get("events", set())
    source_kinds = {s.id: s.kind for s, _ in t["sources"]}
    unreadable = raw_ids.get(_UNREADABLE, set())

    def need_actor(value: str | None, loc: Located, fname: str) -> None:
        if value is not None and value not in actor_ids and "actors" not in unreadable:
            problems.append(
                Problem(loc.file, loc.line_of(fname), fname, f"unknown actor id {value!r}: add it to actors.yaml")
            )

    def need_sources(values: Iterable[str], loc: Located, fname: str) -> None:
        if "sources" in unreadable:
            return
        for v in values:
            if v not in source_ids:
                problems.append(
                    Problem(loc.file, loc.line_of(fname), fname, f"unknown source id {v!r}: add it to sources.yaml")
                )

    if meta is not None:
        actor_iso = {a.id: a.iso3 for a, _ in t["actors"]}
        for role in ("applicant", "objector"):
            party = getattr(meta, role)
            if party is None:
                continue
            if party.actor not in actor_ids and "actors" not in unreadable:
                problems.append(
                    Problem("case.yaml", 0, f"{role}.actor", f"unknown actor id {party.actor!r}: add it to actors.yaml")
                )
            elif actor_iso.get(party.actor) not in (None, party.iso3):
                problems.append(
                    Problem("case.yaml", 0, f"{role}.iso3",
                            f"{party.iso3} is not the iso3 of actor {party.actor!r} ({actor_iso.get(party.actor)})")
                )

    today = dt.date.today()

    def not_future(d: Any, loc: Located, fname: str) -> None:
        if d is not None and d.first_day() > today:
            problems.append(Problem(loc.file, loc.line_of(fname), fname, f"date {d} is in the future"))

    # aliases unique across actors
    names: dict[str, tuple[str, Located]] = {}
    for a, loc in t["actors"]:
        need_actor(a.affiliation, loc, "affiliation")
        for r in a.roles:
            need_actor(r.organization, loc, "roles")
            need_sources(r.citations, loc, "roles")
        need_sources(a.citations, loc, "citations")
        for n in {a.id.casefold(), a.name.casefold(), *(x.casefold() for x in a.aliases)}:
            if n in names and names[n][0] != a.id:
                other = names[n][1]
                problems.append(
                    Problem(
                        loc.file,
                        loc.line_of("aliases"),
                        "aliases",
                        f"name {n!r} also belongs to actor {names[n][0]!r} ({other.file}:{other.line})",
                    )
                )
            names.setdefault(n, (a.id, loc))
    for e, loc in t["events"]:
        for f in ("source_actors", "target_actors"):
            for a_id in getattr(e, f):
                need_actor(a_id, loc, f)
        need_sources(e.citations, loc, "citations")
        for n in e.footnotes if "sources" not in unreadable else ():
            if n not in footnotes:
                problems.append(
                    Problem(loc.file, loc.line_of("footnotes"), "footnotes", f"footnote {n} is not in sources.yaml")
                )
            elif f"fn-{n}" not in e.citations:
                problems.append(
                    Problem(
                        loc.file,
                        loc.line_of("citations"),
                        "citations",
                        f"footnote {n} is marked but fn-{n} is not cited",
                    )
                )
        if "sources" not in unreadable:
            _check_date_basis(e, loc, source_kinds, problems)
        not_future(e.date, loc, "date")
        not_future(e.end_date, loc, "end_date")
    for q, loc in t["quotations"]:
        need_actor(q.speaker, loc, "speaker")
        need_sources(q.citations, loc, "citations")
        if q.event is not None and q.event not in event_ids and "events" not in unreadable:
            problems.append(Problem(loc.file, loc.line_of("event"), "event", f"unknown event id {q.event!r}"))
        not_future(q.date, loc, "date")
    for g, loc in t["agreements"]:
        for a_id in g.parties:
            need_actor(a_id, loc, "parties")
        for a_id in g.facilitators:
            need_actor(a_id, loc, "facilitators")
        need_sources(g.citations, loc, "citations")
        not_future(g.date, loc, "date")
    for d, loc in t["documents"]:
        need_actor(d.body, loc, "body")
        need_sources(d.citations, loc, "citations")
        not_future(d.date, loc, "date")


def _locators(t: dict[str, list[tuple[Any, Located]]]) -> list[tuple[Locator, Located, str]]:
    out: list[tuple[Locator, Located, str]] = []
    for rows in t.values():
        for rec, loc in rows:
            own = getattr(rec, "locator", None)
            if own is not None:
                out.append((own, loc, "locator"))
            for i, m in enumerate(getattr(rec, "mentions", ()) or ()):
                out.append((m, loc, f"mentions.{i}"))
    return out


def _check_locators(
    meta: CaseMeta | None,
    root: Path,
    t: dict[str, list[tuple[Any, Located]]],
    problems: list[Problem],
    paper_path: Path | None,
) -> tuple[Path | None, int]:
    """Verify every locator: into the paper (when its text is found) and into documents kept in ``texts/``."""
    paper: PaperText | None = None
    path: Path | None = None
    if meta is not None and meta.paper is not None:
        path = paper_path or find_paper(meta, root)
        if path is not None:
            try:
                paper = PaperText.read(path)
            except CaseValidationError as exc:
                problems += exc.problems
                return path, 0
            if meta.paper.sha256 and paper.sha256 != meta.paper.sha256:
                problems.append(
                    Problem(
                        "case.yaml",
                        0,
                        "paper.sha256",
                        f"the paper at {path} has SHA-256 {paper.sha256}, not the one the case was located against",
                    )
                )
                paper = None
    sources = {s.id: (s, loc) for s, loc in t["sources"]}
    texts: dict[str, PaperText | str] = {}

    def document_text(sid: str) -> PaperText | str:
        if sid in texts:
            return texts[sid]
        if sid not in sources:
            texts[sid] = f"unknown document {sid!r}: the locator names a source that sources.yaml does not have"
            return texts[sid]
        src, _ = sources[sid]
        if not src.text_file:
            texts[sid] = f"source {sid!r} has no text_file, so a locator into it cannot be checked"
            return texts[sid]
        f = root / "texts" / src.text_file
        if not file_present(f):
            texts[sid] = f"the text of {sid!r} is missing: expected texts/{src.text_file} in the case folder"
            return texts[sid]
        try:
            doc = PaperText.read(f)
        except CaseValidationError as exc:
            texts[sid] = f"texts/{src.text_file} cannot be read: {exc.problems[0].message}"
            return texts[sid]
        if src.sha256 and doc.sha256 != src.sha256:
            texts[sid] = f"texts/{src.text_file} has changed since it was located (SHA-256 differs)"
            return texts[sid]
        texts[sid] = doc
        return doc

    # words quoted from a document other than the paper must be in that document's stored text, from the
    # quotation's line on (the paper's quotations are checked by the tests, against the paper's text)
    for q, rec in t.get("quotations", []):
        if q.locator.document is None:
            continue
        doc = document_text(q.locator.document)
        if not isinstance(doc, str) and not _quoted_in(doc, q.text, q.locator.line):
            problems.append(
                Problem(
                    rec.file,
                    rec.line_of("text"),
                    "text",
                    f"the quotation's words are not in {q.locator.document!r} from line {q.locator.line} on "
                    f"(texts/{sources[q.locator.document][0].text_file}): a quotation is stored verbatim",
                )
            )
    checked = 0
    for lc, rec, fname in _locators(t):
        if lc.document is None:
            if paper is None:
                continue
            reason = paper.check(lc)
        else:
            doc = document_text(lc.document)
            reason = doc if isinstance(doc, str) else doc.check(lc)
        checked += 1
        if reason:
            problems.append(Problem(rec.file, rec.line_of(fname.split(".")[0]), fname, reason))
    return path, checked


_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'"})
QUOTATION_SPAN = 40  # lines from a quotation's locator within which its words must stand


def _quoted_in(doc: PaperText, words: str, line: int) -> bool:
    """Whether ``words`` stand in ``doc`` from ``line`` on (whitespace collapsed, curly quotes as straight)."""
    text = normalise(" ".join(doc.lines[max(line - 1, 0) : line - 1 + QUOTATION_SPAN])).translate(_QUOTE_MARKS)
    return normalise(words).translate(_QUOTE_MARKS) in text


def _build(
    root: Path, paper_path: Path | None = None
) -> tuple[Case | None, list[Problem], Path | None, int, set[str]]:
    if not root.exists():
        raise CaseError(f"case folder {root} does not exist")
    if not root.is_dir():
        raise CaseError(f"{root} is not a folder: give the folder that holds case.yaml")
    problems: list[Problem] = []
    meta, tables, raw_ids = _read(root, problems)
    _cross_check(meta, tables, problems, raw_ids)
    found, n_loc = _check_locators(meta, root, tables, problems, paper_path)
    unreadable = raw_ids[_UNREADABLE]
    if meta is None:
        return None, problems, found, n_loc, unreadable

    def models(name: str) -> tuple[Any, ...]:
        return tuple(m for m, _ in tables[name])

    events = tuple(sorted(models("events"), key=lambda e: (e.date, e.id)))
    case = Case(
        root=root,
        meta=meta,
        actors=models("actors"),
        sources=models("sources"),
        events=events,
        quotations=models("quotations"),
        agreements=models("agreements"),
        documents=models("documents"),
        content_hash=content_hash(root),
        paper_path=found,
        lines={f"{n}:{m.id}": (loc.file, loc.line) for n, rows in tables.items() for m, loc in rows},
    )
    return case, problems, found, n_loc, unreadable


_CACHE: dict[tuple[str, str], Case] = {}
_CACHE_LOCK = threading.Lock()


def _stat_signature(root: Path) -> tuple[tuple[str, int, int, int], ...]:
    """What the file system says of every file a case reads: path, size, change time, inode.

    Cheap (no file is read); a different signature sends :func:`load_case` to the content hash.
    """
    out = []
    for p in case_files(root) + world_files():
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((str(p), st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


_LATEST: dict[str, tuple[tuple[tuple[str, int, int, int], ...], Case]] = {}


def load_case(path: str | Path | None = None) -> Case:
    """Load and validate a case folder or an installed case by name (default: the installed default case).

    Calling it again is cheap: when no file of the case changed (same sizes, times and inodes), the case
    already loaded is returned; when one did, the new version is read (a server calling it per request
    serves a case merged a moment ago). Parsed cases are also kept on disk by content hash.

    Parameters
    ----------
    path : str or Path, optional
        The folder holding ``case.yaml``, or the name of an installed case. ``None`` loads the
        default case shipped with the package.

    Returns
    -------
    Case
        The typed case; the same object as long as its files do not change.

    Raises
    ------
    CaseValidationError
        With every located problem (file, line, field, message) when the folder is invalid.
    CaseError
        When the folder does not exist.
    """
    root = resolve_case_path(path)
    if not root.exists():
        raise CaseError(
            f"case folder {root} does not exist, and no installed case is named {str(path)!r} "
            f"(installed: {', '.join(installed_cases())})"
        )
    if not root.is_dir():
        raise CaseError(f"{root} is not a folder: give the folder that holds case.yaml")
    recover(root)  # a merge a crash interrupted is finished or undone before anything is read
    signature = _stat_signature(root)
    with _CACHE_LOCK:
        latest = _LATEST.get(str(root))
        if latest is not None and latest[0] == signature:
            return latest[1]
    digest = content_hash(root)
    key = (str(root), digest)
    with _CACHE_LOCK:
        case = _CACHE.get(key)
    if case is None:
        case = _read_pickled(root, digest)
        if case is None:
            case, problems, _, _, _ = _build(root)
            if problems or case is None:
                raise CaseValidationError(problems)
            _write_pickled(case)
    with _CACHE_LOCK:
        case = _CACHE.setdefault(key, case)
        _LATEST[str(root)] = (signature, case)
        return case


def _code_fingerprint() -> str:
    """Hash of the case format's code: a change to how a case is read invalidates parsed copies on disk."""
    h = hashlib.sha256()
    for mod in ("schema.py", "loader.py", "files.py", "dates.py", "paper.py"):
        h.update((Path(__file__).parent / mod).read_bytes())
    return h.hexdigest()[:16]


def _pickle_path(root: Path, digest: str) -> Path:
    tag = hashlib.sha256(f"{root}:{digest}:{_code_fingerprint()}".encode()).hexdigest()[:32]
    return cache_dir("cases") / f"case-{tag}.pickle"


def _read_pickled(root: Path, digest: str) -> Case | None:
    """A case parsed before from exactly these files by exactly this code, or ``None``."""
    try:
        path = _pickle_path(root, digest)
        if not path.is_file():
            return None
        case = pickle.loads(path.read_bytes())
    except Exception as exc:  # noqa: BLE001 - a damaged cache entry is rebuilt, never fatal
        _log.info("ignoring the parsed-case cache (%s)", exc)
        return None
    if not isinstance(case, Case) or case.content_hash != digest or case.root != root:
        return None
    return case


def _write_pickled(case: Case) -> None:
    try:
        path = _pickle_path(case.root, case.content_hash)
        tmp = path.with_suffix(f".{threading.get_ident()}.tmp")
        tmp.write_bytes(pickle.dumps(case, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
    except OSError as exc:
        _log.info("could not cache the parsed case (%s)", exc)


def check_case(path: str | Path | None = None, paper: str | Path | None = None) -> CheckReport:
    """Validate a case folder without raising: every problem, the counts and the locator check.

    Parameters
    ----------
    path : str or Path, optional
        The case folder (default: the built-in case).
    paper : str or Path, optional
        The paper's text file, when it is not where the case's search paths say.
    """
    root = resolve_case_path(path)
    if root.is_dir():
        recover(root)
    case, problems, found, n_loc, unreadable = _build(root, Path(paper) if paper else None)
    # a part refers to actors, sources and events: with one of their files unreadable, every reference
    # would be reported; the unreadable file's own problem is the one to fix first
    if case is not None and not unreadable:
        try:
            _ = case.world
        except CaseValidationError as exc:
            problems += exc.problems
        else:
            for part in registered_parts().values():
                if not problems or part.name != "findings":  # findings name events: check them on a sound case
                    problems += part.validate(case)
    problems += unread_files(root, found)
    counts: dict[str, int] = {}
    if case is not None:
        for name in ("actors", "sources", "events", "quotations", "agreements", "documents"):
            counts[name] = len(getattr(case, name))
    expected = case is not None and case.meta.paper is not None
    return CheckReport(root, problems, counts, found, n_loc, expected)

