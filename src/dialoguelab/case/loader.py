"""Load a case folder into a typed, immutable :class:`Case`, or report every located problem.

A case folder holds ``case.yaml``, ``actors.yaml``, ``sources.yaml``, ``events.yaml`` and/or
``events/*.yaml``, and optionally ``quotations.yaml``, ``agreements.yaml``, ``documents.yaml``
(see ``docs/case-format.md``). Loading validates each record, then checks across files: unique
ids, known actor and source ids, footnote markers that exist, unique aliases, dates not in the
future, and, when the paper's text is on this machine, every locator.
"""

from __future__ import annotations

__all__ = ["Case", "load_case", "check_case", "builtin_case_path", "CheckReport", "parse_date_bases"]

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from dialoguelab.case.files import Located, read_yaml_mapping, read_yaml_records, validate_records
from dialoguelab.case.paper import PaperText, find_paper
from dialoguelab.case.schema import (
    Actor,
    Agreement,
    CaseMeta,
    DateBasis,
    Document,
    Event,
    Locator,
    Quotation,
    Source,
    SourceKind,
)
from dialoguelab.errors import CaseError, CaseValidationError, InvalidParameterError, Problem, UnknownIdError

CASE_FILES = ("case.yaml", "actors.yaml", "sources.yaml", "quotations.yaml", "agreements.yaml", "documents.yaml")

#: Extra validators for the parts of a case folder that other modules own (membership, forecast, …).
#: Each takes the case and returns its problems.
EXTRA_VALIDATORS: list[Callable[[Case], list[Problem]]] = []


def builtin_case_path(name: str = "kosovo") -> Path:
    """The folder of a case shipped inside the package (default: the Kosovo case)."""
    root = resources.files("dialoguelab") / "cases" / name
    path = Path(str(root))
    if not (path / "case.yaml").is_file():
        raise CaseError(f"no built-in case named {name!r}")
    return path


@dataclass(frozen=True)
class Case:
    """A validated case: typed records plus the lookups every engine needs."""

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
        return replace(self, events=events, quotations=quotations, content_hash=digest)


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

    @property
    def ok(self) -> bool:
        return not self.problems


def _event_files(root: Path) -> list[Path]:
    files = []
    if (root / "events.yaml").is_file():
        files.append(root / "events.yaml")
    if (root / "events").is_dir():
        files += sorted(p for p in (root / "events").glob("*.yaml") if not p.name.startswith("_"))
    return files


def content_hash(root: Path) -> str:
    """SHA-256 over every file of a case folder (relative path and bytes), for cache keys."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith("."):
            h.update(str(p.relative_to(root)).encode())
            h.update(b"\0")
            h.update(p.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def _read(
    root: Path, problems: list[Problem]
) -> tuple[CaseMeta | None, dict[str, list[tuple[Any, Located]]], dict[str, set[str]]]:
    meta_rec = None
    if not (root / "case.yaml").is_file():
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
    for name, model, paths, required in specs:
        recs: list[Located] = []
        present = [p for p in paths if p.is_file()]
        if required and not present:
            want = "events.yaml or events/*.yaml" if name == "events" else f"{name}.yaml"
            problems.append(Problem(want, 0, "", f"missing: a case folder needs {want}"))
        for p in present:
            recs += read_yaml_records(p, problems, root)
        tables[name] = validate_records(recs, model, problems)
        # ids of records that failed validation still count for cross-references (no cascades)
        raw_ids[name] = {str(r.data.get("id")) for r in recs if isinstance(r.data, dict) and r.data.get("id")}
    return meta, tables, raw_ids


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

    def need_actor(value: str | None, loc: Located, fname: str) -> None:
        if value is not None and value not in actor_ids:
            problems.append(
                Problem(loc.file, loc.line_of(fname), fname, f"unknown actor id {value!r}: add it to actors.yaml")
            )

    def need_sources(values: Iterable[str], loc: Located, fname: str) -> None:
        for v in values:
            if v not in source_ids:
                problems.append(
                    Problem(loc.file, loc.line_of(fname), fname, f"unknown source id {v!r}: add it to sources.yaml")
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
        for n in e.footnotes:
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
        _check_date_basis(e, loc, source_kinds, problems)
        not_future(e.date, loc, "date")
        not_future(e.end_date, loc, "end_date")
    for q, loc in t["quotations"]:
        need_actor(q.speaker, loc, "speaker")
        need_sources(q.citations, loc, "citations")
        if q.event is not None and q.event not in event_ids:
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
            paper = PaperText.read(path)
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
        if not f.is_file():
            texts[sid] = f"the text of {sid!r} is missing: expected texts/{src.text_file} in the case folder"
            return texts[sid]
        doc = PaperText.read(f)
        if src.sha256 and doc.sha256 != src.sha256:
            texts[sid] = f"texts/{src.text_file} has changed since it was located (SHA-256 differs)"
            return texts[sid]
        texts[sid] = doc
        return doc

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


def _build(root: Path, paper_path: Path | None = None) -> tuple[Case | None, list[Problem], Path | None, int]:
    if not root.exists():
        raise CaseError(f"case folder {root} does not exist")
    if not root.is_dir():
        raise CaseError(f"{root} is not a folder: give the folder that holds case.yaml")
    problems: list[Problem] = []
    meta, tables, raw_ids = _read(root, problems)
    _cross_check(meta, tables, problems, raw_ids)
    found, n_loc = _check_locators(meta, root, tables, problems, paper_path)
    if meta is None:
        return None, problems, found, n_loc

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
    if not problems:
        for validator in EXTRA_VALIDATORS:
            problems += validator(case)
    return case, problems, found, n_loc


_CACHE: dict[tuple[str, str], Case] = {}


def load_case(path: str | Path | None = None) -> Case:
    """Load and validate a case folder (default: the built-in Kosovo case).

    Parameters
    ----------
    path : str or Path, optional
        The folder holding ``case.yaml``. ``None`` loads the case shipped with the package.

    Returns
    -------
    Case
        The typed case. Loaded cases are cached by content hash.

    Raises
    ------
    CaseValidationError
        With every located problem (file, line, field, message) when the folder is invalid.
    CaseError
        When the folder does not exist.
    """
    root = Path(path).expanduser().resolve() if path is not None else builtin_case_path()
    if not root.exists():
        raise CaseError(f"case folder {root} does not exist")
    key = (str(root), content_hash(root))
    if key in _CACHE:
        return _CACHE[key]
    case, problems, _, _ = _build(root)
    if problems or case is None:
        raise CaseValidationError(problems)
    _CACHE[key] = case
    return case


#: Sub-folders that other engines own, and the loader that validates each (module, function).
PART_LOADERS: dict[str, tuple[str, str]] = {
    "membership": ("dialoguelab.membership.data", "load_membership"),
    "forecast": ("dialoguelab.forecast.issues", "load_issues"),
}


def _check_parts(root: Path) -> list[Problem]:
    """Validate the engine-owned sub-folders of a case (membership rules, forecast issues)."""
    import importlib

    problems: list[Problem] = []
    for folder, (module, func) in PART_LOADERS.items():
        if not (root / folder).is_dir():
            continue
        try:
            loader = getattr(importlib.import_module(module), func)
        except (ImportError, AttributeError):
            continue  # that engine is not part of this build
        try:
            loader(root)
        except CaseValidationError as exc:
            for pr in exc.problems:
                name = Path(pr.file)
                if not name.is_absolute() and name.parts[:1] != (folder,):
                    pr = Problem(f"{folder}/{pr.file}", pr.line, pr.field, pr.message)
                problems.append(pr)
        except CaseError as exc:
            problems.append(Problem(f"{folder}/", 0, "", str(exc)))
    return problems


def check_case(path: str | Path | None = None, paper: str | Path | None = None) -> CheckReport:
    """Validate a case folder without raising: every problem, the counts and the locator check.

    Parameters
    ----------
    path : str or Path, optional
        The case folder (default: the built-in case).
    paper : str or Path, optional
        The paper's text file, when it is not where the case's search paths say.
    """
    root = Path(path).expanduser().resolve() if path is not None else builtin_case_path()
    case, problems, found, n_loc = _build(root, Path(paper) if paper else None)
    problems += _check_parts(root)
    if case is not None and not problems and (root / "findings.yaml").is_file():
        try:
            from dialoguelab.stance.findings import validate_findings
        except ImportError:  # the findings engine is not part of this build
            pass
        else:
            problems += validate_findings(case)
    counts: dict[str, int] = {}
    if case is not None:
        for name in ("actors", "sources", "events", "quotations", "agreements", "documents"):
            counts[name] = len(getattr(case, name))
    return CheckReport(root, problems, counts, found, n_loc)


def records_with_lines(rows: Sequence[tuple[Any, Located]]) -> list[tuple[Any, int]]:
    return [(m, loc.line) for m, loc in rows]
