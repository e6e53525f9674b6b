"""Read the world data (built in, shared by every case), with a case's overrides, into :class:`WorldData`.

The built-in files live in ``dialoguelab/world/data/``. A case may override them with files of the
same names in its own ``world/`` folder:

* ``organizations.yaml``: a body with the same ``id`` replaces the built-in body; new ids are added;
* ``members.csv``: every list (``body`` column) the case's file names replaces the built-in rows of
  that list; other lists stay;
* ``rollcalls.csv`` and ``sources.yaml``: rows with the same ``id`` replace, new ones are added;
* ``rollcalls/<id>.csv``: replaces the built-in per-state record of that roll call.

Every problem names its file, line and field; nothing is half-loaded. Loaded worlds are cached by the
content hash of the files read.
"""

from __future__ import annotations

__all__ = ["WORLD_DIR", "WorldData", "load_world", "check_world", "world_files", "demonyms"]

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dialoguelab.case.dates import PartialDate
from dialoguelab.case.files import (
    Located,
    file_present,
    hash_file,
    read_csv_records,
    read_yaml_list,
    read_yaml_mapping,
    validate_records,
)
from dialoguelab.case.schema import Source
from dialoguelab.errors import CaseValidationError, Problem, UnknownIdError
from dialoguelab.world.schema import BodySpec, MemberRow, RollCall, RollCallVote

WORLD_DIR = Path(__file__).resolve().parent / "data"
FILES = ("organizations.yaml", "members.csv", "rollcalls.csv", "sources.yaml", "verified.yaml")


@dataclass(frozen=True)
class WorldData:
    """Bodies, member lists, roll calls and their sources, validated and cross-checked."""

    bodies: dict[str, BodySpec]
    members: tuple[MemberRow, ...]
    rollcalls: dict[str, RollCall]
    rollcall_votes: dict[str, tuple[RollCallVote, ...]]
    sources: dict[str, Source]
    state_names: dict[str, str]
    content_hash: str
    #: where each body and roll call was read (file shown, line), for located messages
    lines: dict[str, tuple[str, int]] = field(default_factory=dict, compare=False, repr=False)
    #: dataset (members, organizations, rollcalls) → the day it was checked up to (``verified.yaml``)
    verified_to: dict[str, PartialDate] = field(default_factory=dict, compare=False)

    def body(self, name: str) -> BodySpec:
        """Find a body by id, name or alias (case-insensitive)."""
        key = name.strip().lower()
        for b in self.bodies.values():
            if key == b.id or key == b.name.lower() or key in (a.lower() for a in b.aliases):
                return b
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
        raise UnknownIdError(
            f"Unknown state {name!r}: use an ISO 3166 alpha-3 code (e.g. ESP) or a name as in members.csv."
        )

    def lists(self) -> set[str]:
        """Names of the member lists (``body`` column of ``members.csv``)."""
        return {m.body for m in self.members}


def world_files(override: Path | None = None) -> list[Path]:
    """Every file the world loader reads: the built-in ones, then the case's overrides."""
    out: list[Path] = []
    for folder in (WORLD_DIR, override):
        if folder is None or not folder.is_dir():
            continue
        out += [folder / f for f in FILES if (folder / f).is_file()]
        rc = folder / "rollcalls"
        if rc.is_dir():
            out += sorted(p for p in rc.glob("*.csv") if p.is_file())
    return out


def _hash(files: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in files:
        h.update(str(p).encode())
        h.update(b"\0")
        hash_file(h, p)
        h.update(b"\0")
    return h.hexdigest()


def _records(
    folder: Path, name: str, problems: list[Problem], root: Path, unreadable: set[str] | None = None
) -> list[Located]:
    path = folder / name
    if not file_present(path):
        return []
    before = len(problems)
    if name.endswith(".csv"):
        out = read_csv_records(path, problems, root)
    else:
        out = read_yaml_list(path, name.split(".")[0] if name != "organizations.yaml" else "bodies", problems, root)
    if not out and len(problems) > before and unreadable is not None:
        unreadable.add(name)  # nothing of it could be read: references into it are not checked
    return out


def _by_id(rows: list[tuple[Any, Located]], out: dict[str, tuple[Any, Located]], problems: list[Problem]) -> None:
    seen: dict[str, Located] = {}
    for rec, loc in rows:
        if rec.id in seen:
            first = seen[rec.id]
            problems.append(
                Problem(
                    loc.file, loc.line_of("id"), "id", f"duplicate id {rec.id!r} (first at {first.file}:{first.line})"
                )
            )
            continue
        seen[rec.id] = loc
        out[rec.id] = (rec, loc)


def _read(override: Path | None, problems: list[Problem]) -> dict[str, Any]:
    bodies: dict[str, tuple[BodySpec, Located]] = {}
    rollcalls: dict[str, tuple[RollCall, Located]] = {}
    sources: dict[str, tuple[Source, Located]] = {}
    members: dict[str, list[tuple[MemberRow, Located]]] = {}
    votes: dict[str, tuple[list[tuple[RollCallVote, Located]], str]] = {}
    unreadable: set[str] = set()
    for folder, root in ((WORLD_DIR, WORLD_DIR.parent.parent), (override, override.parent if override else None)):
        if folder is None or root is None or not folder.is_dir():
            continue
        layer_bodies: dict[str, tuple[BodySpec, Located]] = {}
        _by_id(
            validate_records(_records(folder, "organizations.yaml", problems, root, unreadable), BodySpec, problems),
            layer_bodies,
            problems,
        )
        bodies.update(layer_bodies)
        layer_rc: dict[str, tuple[RollCall, Located]] = {}
        raw = _records(folder, "rollcalls.csv", problems, root, unreadable)
        _by_id(validate_records(raw, RollCall, problems), layer_rc, problems)
        rollcalls.update(layer_rc)
        layer_src: dict[str, tuple[Source, Located]] = {}
        raw = _records(folder, "sources.yaml", problems, root, unreadable)
        _by_id(validate_records(raw, Source, problems), layer_src, problems)
        sources.update(layer_src)
        layer_members: dict[str, list[tuple[MemberRow, Located]]] = {}
        raw = _records(folder, "members.csv", problems, root, unreadable)
        for m, loc in validate_records(raw, MemberRow, problems):
            layer_members.setdefault(m.body, []).append((m, loc))
        members.update(layer_members)
        rc_dir = folder / "rollcalls"
        if rc_dir.is_dir():
            for p in sorted(rc_dir.glob("*.csv")):
                rows = validate_records(read_csv_records(p, problems, root), RollCallVote, problems)
                votes[p.stem] = (rows, str(p.relative_to(root)))
    verified: dict[str, PartialDate] = {}
    for folder, root in ((WORLD_DIR, WORLD_DIR.parent.parent), (override, override.parent if override else None)):
        if folder is None or root is None or not (folder / "verified.yaml").is_file():
            continue
        rec = read_yaml_mapping(folder / "verified.yaml", problems, root)
        for key, value in (rec.data if rec is not None and isinstance(rec.data, dict) else {}).items():
            try:
                verified[str(key)] = PartialDate.parse(str(value))
            except ValueError as exc:
                problems.append(
                    Problem(
                        rec.file if rec else "verified.yaml",
                        rec.line_of(str(key)) if rec else 0,
                        str(key),
                        f"{exc}: write YYYY-MM-DD",
                    )
                )
    return {
        "bodies": bodies,
        "rollcalls": rollcalls,
        "sources": sources,
        "members": members,
        "votes": votes,
        "unreadable": unreadable,
        "verified": verified,
    }


def _cross_check(t: dict[str, Any], problems: list[Problem]) -> None:
    sources: dict[str, Any] = t["sources"]
    bodies: dict[str, tuple[BodySpec, Located]] = t["bodies"]
    lists = set(t["members"])
    unreadable: set[str] = t["unreadable"]

    def need_sources(ids: Iterable[str], file: str, line: int, fname: str) -> None:
        if "sources.yaml" in unreadable:
            return
        for sid in ids:
            if sid not in sources:
                problems.append(Problem(file, line, fname, f"unknown source id {sid!r}: add it to sources.yaml"))

    for rows in t["members"].values():
        seen: dict[str, int] = {}
        for m, loc in rows:
            need_sources(m.sources, loc.file, loc.line, "sources")
            if m.joined and m.left and m.left.last_day() < m.joined.first_day():
                problems.append(Problem(loc.file, loc.line, "left", f"left ({m.left}) is before joined ({m.joined})"))
            if m.iso3 in seen and m.joined is None and m.left is None:
                problems.append(
                    Problem(loc.file, loc.line, "iso3", f"{m.iso3} is listed twice in {m.body!r} without dates")
                )
            seen[m.iso3] = loc.line
    for b, loc in bodies.values():
        need_sources(b.citations, loc.file, loc.line, "citations")
        need_sources(b.accession_dates_citations, loc.file, loc.line_of("accession_dates"), "accession_dates_citations")
        problems.extend(_coarse_accessions(b, t["members"].get(b.members.members_of or "", [])))
        organs = [(b.members, "members")] + [(s.organ, f"admission.{s.id}.organ") for s in b.admission]
        for organ, where in organs:
            for ref in (organ.members_of, organ.derive_from):
                if ref is not None and ref not in lists and ref not in bodies and "members.csv" not in unreadable:
                    problems.append(
                        Problem(loc.file, loc.line_of("members"), where, f"no members.csv rows for list {ref!r}")
                    )
            for ch in organ.add + organ.remove:
                need_sources(ch.sources, loc.file, loc.line, where)
        for s in b.admission:
            need_sources(s.citations, loc.file, loc.line_of("admission"), f"admission.{s.id}.citations")
            need_sources(
                s.procedure_citations, loc.file, loc.line_of("admission"), f"admission.{s.id}.procedure_citations"
            )
    for rc, loc in t["rollcalls"].values():
        need_sources(rc.sources, loc.file, loc.line, "sources")
        if rc.body not in bodies and rc.body not in lists and "organizations.yaml" not in unreadable:
            problems.append(Problem(loc.file, loc.line, "body", f"unknown body {rc.body!r}"))
        elif rc.stage is not None and rc.body in bodies:
            stages = [s.id for s in bodies[rc.body][0].admission]
            if rc.stage not in stages:
                problems.append(
                    Problem(
                        loc.file, loc.line, "stage", f"body {rc.body!r} has no stage {rc.stage!r} ({', '.join(stages)})"
                    )
                )
        rows_file = t["votes"].get(rc.id)
        if rc.record in ("per_state", "reported") and rows_file is None:
            problems.append(
                Problem(
                    loc.file, loc.line, "record", f"record is {rc.record} but rollcalls/{rc.id}.csv does not exist"
                )
            )
        if rows_file is None:
            continue
        if rc.record == "tally_only":
            problems.append(
                Problem(
                    loc.file,
                    loc.line,
                    "record",
                    f"record is tally_only but rollcalls/{rc.id}.csv exists: set record to per_state (every "
                    "member listed) or reported (a partial list)",
                )
            )
        rows, shown = rows_file
        counts = {"yes": 0, "no": 0, "abstain": 0, "absent": 0}
        seen_states: dict[str, int] = {}
        for v, vloc in rows:
            if v.iso3 in seen_states:
                problems.append(
                    Problem(shown, vloc.line, "iso3", f"{v.iso3} voted twice (first at line {seen_states[v.iso3]})")
                )
            seen_states[v.iso3] = vloc.line
            counts[v.vote] += 1
        if rc.record == "per_state":
            want = {"yes": rc.yes, "no": rc.no, "abstain": rc.abstain}
            if rc.absent is not None:
                want["absent"] = rc.absent
            for k, n in want.items():
                if counts[k] != n:
                    problems.append(
                        Problem(shown, 0, k, f"{counts[k]} rows vote {k!r} but rollcalls.csv gives {n} for {rc.id!r}")
                    )
        elif rc.record == "reported":
            # a partial list: members whose vote is not reported are left out, so each count is at most the tally
            cap = {"yes": rc.yes, "no": rc.no, "abstain": rc.abstain, "absent": rc.absent}
            for k, n in cap.items():
                if n is not None and counts[k] > n:
                    problems.append(
                        Problem(
                            shown,
                            0,
                            k,
                            f"{counts[k]} rows vote {k!r} but rollcalls.csv gives only {n} for {rc.id!r} "
                            "(record reported: the rows may be fewer than the tally, never more)",
                        )
                    )
    for rc_id, (_rows, shown) in t["votes"].items():
        if rc_id not in t["rollcalls"]:
            problems.append(Problem(shown, 0, "", f"no roll call {rc_id!r} in rollcalls.csv for this file"))


_PRECISION_RANK = {"year": 0, "month": 1, "day": 2}


def _coarse_accessions(body: BodySpec, rows: list[tuple[MemberRow, Located]]) -> list[Problem]:
    """Member rows dated less precisely than the body's published record dates its accessions.

    A year-only accession is counted from 31 December of that year: North Macedonia's NATO entry of
    27 March 2020 written as ``2020`` would leave NATO with 29 members for nine months. Where the body
    publishes the day (``accession_dates: day``), the row must give it.
    """
    if body.accession_dates is None:
        return []
    want = _PRECISION_RANK[body.accession_dates]
    out: list[Problem] = []
    for m, loc in rows:
        for fname in ("joined", "left"):
            d: PartialDate | None = getattr(m, fname)
            if d is not None and _PRECISION_RANK[d.precision.value] < want:
                out.append(
                    Problem(
                        loc.file,
                        loc.line,
                        fname,
                        f"{m.iso3} {fname} {d} is coarser than the {body.accession_dates} that {body.name}'s "
                        f"published record gives ({', '.join(body.accession_dates_citations)}): write the "
                        f"full date, or leave {fname} empty and say in note why it is unknown",
                    )
                )
    return out


_CACHE: dict[str, WorldData] = {}
_LOCK = threading.Lock()


def _build(override: Path | None) -> tuple[WorldData | None, list[Problem]]:
    problems: list[Problem] = []
    t = _read(override, problems)
    _cross_check(t, problems)
    names: dict[str, str] = {}
    for rows in t["members"].values():
        for m, _ in rows:
            names.setdefault(m.iso3, m.state)
    for rows, _shown in t["votes"].values():
        for v, _ in rows:
            if v.state:
                names.setdefault(v.iso3, v.state)
    if problems:
        return None, problems
    lines = {f"body:{k}": (loc.file, loc.line) for k, (_, loc) in t["bodies"].items()}
    for k, (b, loc) in t["bodies"].items():  # each stage's rule, for the membership engine's messages
        for i, s in enumerate(b.admission):
            lines[f"body:{k}.admission.{s.id}.rule"] = (loc.file, loc.line_of_path(("admission", i, "rule")))
    lines.update({f"rollcall:{k}": (loc.file, loc.line) for k, (_, loc) in t["rollcalls"].items()})
    data = WorldData(
        bodies={k: b for k, (b, _) in t["bodies"].items()},
        members=tuple(m for rows in t["members"].values() for m, _ in rows),
        rollcalls={k: rc for k, (rc, _) in t["rollcalls"].items()},
        rollcall_votes={k: tuple(v for v, _ in rows) for k, (rows, _) in t["votes"].items()},
        sources={k: s for k, (s, _) in t["sources"].items()},
        state_names=names,
        content_hash="",
        lines=lines,
        verified_to=t["verified"],
    )
    return data, problems


def load_world(override: Path | str | None = None) -> WorldData:
    """The built-in world data with a case's ``world/`` overrides (cached by content hash).

    Parameters
    ----------
    override : path, optional
        A folder holding files that override the built-in ones (a case's ``world/`` folder).

    Raises
    ------
    CaseValidationError
        With every located problem (file, line, field, message).
    """
    folder = Path(override) if override is not None else None
    key = _hash(world_files(folder))
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    data, problems = _build(folder)
    if problems or data is None:
        raise CaseValidationError(problems)
    data = WorldData(**{**data.__dict__, "content_hash": key})
    with _LOCK:
        _CACHE[key] = data
    return data


def demonyms() -> dict[str, str]:
    """Adjectives of states and the state each names (``Russian`` → ``Russia``), from ``demonyms.csv``."""
    import csv

    with (WORLD_DIR / "demonyms.csv").open(newline="", encoding="utf-8") as fh:
        return {row["demonym"]: row["state"] for row in csv.DictReader(fh)}


def check_world(override: Path | str | None = None) -> list[Problem]:
    """Every located problem of the world data (with a case's overrides); empty when valid."""
    _, problems = _build(Path(override) if override is not None else None)
    return problems
