"""The state of the world at a date under a scenario: who sits in each organ, who recognises the applicant.

Date conventions (no day is guessed): an event known only to the month or year takes effect at the
*last* day it can mean (a state is counted as recognising from the day it certainly had); a member's
``left`` date is the last day of its membership. Recognitions with no known date apply at every date
(they are flagged) unless ``include_undated=False``.

Disputed withdrawals: the applicant's position keeps a recognition whose withdrawal the objector
claims and the applicant disputes; the objector's position applies the claimed withdrawal from its
date. A case names the two positions (``case.positions()``, e.g. ``kosovo`` and ``serbia``); the
generic names ``applicant`` and ``objector`` work for every case.
"""

from __future__ import annotations

__all__ = ["ROLES", "World", "world", "as_date", "applicant_since", "DEFAULT_VOTE"]

import datetime as dt
import functools
import threading
from dataclasses import dataclass

from dialoguelab.case import Case
from dialoguelab.case.dates import PartialDate
from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership.data import MembershipData, membership_data
from dialoguelab.membership.rules import Ballot, Stage, Vote
from dialoguelab.membership.scenarios import Scenario, StanceClass
from dialoguelab.world import StageSpec

#: Whose reading of disputed withdrawals a world uses.
ROLES = ("applicant", "objector")
DEFAULT_VOTE: dict[str, Vote] = {
    "recognizes": "yes",
    "supporter": "yes",
    "does_not": "no",
    "withdrew": "no",
    "opponent": "no",
    "unknown": "yes",
}
SEAT_PREFIX = "seat:"


def as_date(value: dt.date | str | PartialDate | None) -> dt.date:
    """A calendar day from a date, an ISO string or a partial date (its last day); ``None`` = today."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        p = PartialDate.parse(value)
    except ValueError as exc:
        raise InvalidParameterError(
            f"The date must be YYYY-MM-DD (or YYYY-MM, YYYY). Got {value!r}: {exc}."
        ) from exc
    return p.last_day()


#: Each list's rows as (iso3, last day of joined, first day of left, verified), for one world at a time.
_LIST_ROWS: dict[str, dict[str, list[tuple[str, dt.date | None, dt.date | None, bool]]]] = {}
_LIST_ROWS_LOCK = threading.Lock()


def _list_rows(data: MembershipData) -> dict[str, list[tuple[str, dt.date | None, dt.date | None, bool]]]:
    """Member rows by list with their dates resolved once (a series asks for the lists of every month)."""
    key = data.world.content_hash
    with _LIST_ROWS_LOCK:
        rows = _LIST_ROWS.get(key)
    if rows is not None:
        return rows
    rows = {}
    for m in data.members:
        rows.setdefault(m.body, []).append(
            (
                m.iso3,
                m.joined.last_day() if m.joined is not None else None,
                m.left.first_day() if m.left is not None else None,
                m.verified,
            )
        )
    with _LIST_ROWS_LOCK:
        if len(_LIST_ROWS) >= 4:
            _LIST_ROWS.clear()
        _LIST_ROWS[key] = rows
    return rows


@dataclass(frozen=True, eq=False)
class World:
    """Membership and stances on one day, under a scenario and a position on disputed withdrawals.

    ``position`` is ``"applicant"`` or ``"objector"``: whose reading of disputed withdrawals applies.
    """

    data: MembershipData
    date: dt.date
    scenario: Scenario | None
    position: str
    include_unverified: bool
    include_undated: bool = True

    # ----- recognition
    @functools.cached_property
    def _recognition(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for iso, r in self.data.recognitions.items():
            if not r.verified and not self.include_unverified:
                continue
            if r.recognized_on is None:
                if not self.include_undated:
                    continue
            elif r.recognized_on.last_day() > self.date:
                continue
            status = "recognizes"
            wd = r.withdrawal_date()
            applies = r.withdrawal_claimed and (
                self.position == "objector" or r.applicant_position == "withdrawal_accepted"
            )
            if applies and wd is not None and wd.last_day() <= self.date:
                status = "withdrew"
            out[iso] = status
        for ch in self._changes():
            if ch.action == "recognize" and ch.state:
                out[ch.state] = "recognizes"
            elif ch.action == "withdraw" and ch.state:
                out[ch.state] = "withdrew"
        return out

    @functools.cached_property
    def _active_changes(self) -> list:
        if self.scenario is None:
            return []
        return [c for c in self.scenario.changes if c.active(self.date)]

    def _changes(self) -> list:
        return self._active_changes

    @functools.cached_property
    def _stances_in_force(self) -> dict[str, list]:
        """Declared stances in force on this day, by state (in file order: a later row overrides)."""
        out: dict[str, list] = {}
        for s in self.data.stances:
            if s.since is not None and s.since.last_day() > self.date:
                continue
            if s.until is not None and s.until.first_day() < self.date:
                continue
            out.setdefault(s.iso3, []).append(s)
        return out

    def recognizes(self, iso3: str) -> bool:
        return self._recognition.get(iso3) == "recognizes"

    def recognition_status(self, iso3: str) -> str | None:
        """``"recognizes"``, ``"withdrew"`` (a withdrawal applied under this position or scenario), or
        ``None`` when no recognition is in force on this day (none recorded, not yet made, or a row
        excluded as unverified or undated)."""
        return self._recognition.get(iso3)

    def recognizer_count(self) -> int:
        """States recognising the applicant on this day (under the chosen position)."""
        return sum(1 for s in self._recognition.values() if s == "recognizes")

    @functools.cached_property
    def _stance_memo(self) -> dict[tuple[str, str], StanceClass]:
        return {}

    def stance_class(self, iso3: str, body: str) -> StanceClass:
        """The stance class of a member in a body's vote."""
        key = (iso3, body)
        memo = self._stance_memo
        cls = memo.get(key)
        if cls is None:
            cls = memo[key] = self._stance_class(iso3, body)
        return cls

    def _stance_class(self, iso3: str, body: str) -> StanceClass:
        if iso3.startswith(SEAT_PREFIX):
            return "unknown"
        cls: StanceClass = (
            "recognizes"
            if self.recognizes(iso3)
            else ("withdrew" if self._recognition.get(iso3) == "withdrew" else "does_not")
        )
        for s in self._stances_in_force.get(iso3, ()):
            if s.bodies and body not in s.bodies:
                continue
            cls = s.stance
        for ch in self._changes():
            if ch.state == iso3 and ch.action == "set_stance" and (not ch.bodies or body in ch.bodies):
                assert ch.stance is not None
                cls = ch.stance
            if ch.action == "objector_drops_objection" and self.data.objector and iso3 == self.data.objector.iso3:
                cls = "supporter"
        return cls

    def vote_override(self, iso3: str, body: str) -> Vote | None:
        out: Vote | None = None
        for ch in self._changes():
            if ch.action == "set_vote" and ch.state == iso3 and (not ch.bodies or body in ch.bodies):
                out = ch.vote
        return out

    def vote(self, iso3: str, body: str) -> Vote:
        """The deterministic vote of a member: its override, else the default vote of its stance class."""
        return self.vote_override(iso3, body) or DEFAULT_VOTE[self.stance_class(iso3, body)]

    def probabilities_override(self) -> dict[str, tuple[float, float, float, float]]:
        out: dict[str, tuple[float, float, float, float]] = {}
        for ch in self._changes():
            if ch.action == "set_probabilities" and ch.klass:
                out[ch.klass] = (ch.yes or 0.0, ch.no or 0.0, ch.abstain or 0.0, ch.absent or 0.0)
        return out

    # ----- membership
    def list_members(self, name: str) -> list[str]:
        """The states on a member list (``members.csv``, body ``name``) on this day, without scenario changes."""
        day, unverified = self.date, self.include_unverified
        return [
            iso
            for iso, joined, left, verified in _list_rows(self.data).get(name, ())
            if (verified or unverified) and (joined is None or joined <= day) and (left is None or left >= day)
        ]


    def _apply_changes(self, base: list[str], spec: dict) -> list[str]:
        for ch in spec.get("remove", []):
            if not ch.get("verified", True) and not self.include_unverified:
                continue
            until = ch.get("until")
            if until is None or PartialDate.parse(until).last_day() >= self.date:
                base = [m for m in base if m != ch["iso3"]]
        for ch in spec.get("add", []):
            if not ch.get("verified", True) and not self.include_unverified:
                continue
            joined = ch.get("joined")
            if (joined is None or PartialDate.parse(joined).last_day() <= self.date) and ch[
                "iso3"
            ] not in base:
                base.append(ch["iso3"])
        return base

    @functools.lru_cache(maxsize=64)  # noqa: B019 - a World is immutable
    def members(self, body_id: str) -> tuple[str, ...]:
        """The member states of a body on this day (scenario joins and leaves applied)."""
        b = self.data.body(body_id)
        spec = b.members.model_dump(by_alias=True)
        if spec.get("list"):
            base = self.list_members(spec["list"])
        elif spec.get("derive_from"):
            base = list(self.members(spec["derive_from"]))
        else:
            base = []
        out = self._apply_changes(base, spec)
        for ch in self._changes():
            if ch.body and ch.state and self.data.body(ch.body).id == b.id:
                if ch.action == "join" and ch.state not in out:
                    out.append(ch.state)
                if ch.action == "leave":
                    out = [m for m in out if m != ch.state]
        return tuple(sorted(out))

    def stage_spec(self, body_id: str, stage_id: str) -> StageSpec:
        b = self.data.body(body_id)
        for s in b.admission:
            if s.id == stage_id:
                return s
        raise InvalidParameterError(
            f"Body {b.id} has no stage {stage_id!r}; its stages are {', '.join(s.id for s in b.admission)}."
        )

    def organ(self, body_id: str, stage: Stage) -> tuple[str, ...]:
        """Who votes in a stage's organ on this day (anonymous seats last)."""
        b = self.data.body(body_id)
        spec = dict(stage.organ)
        if spec.get("same_as_body") or spec.get("list") == b.id:
            base = list(self.members(b.id))
        elif spec.get("list") in self.data.bodies:
            base = list(self.members(spec["list"]))
        elif spec.get("list"):
            base = self.list_members(spec["list"])
        elif spec.get("derive_from"):
            base = list(self.members(spec["derive_from"]))
        else:
            base = []
        base = self._apply_changes(base, spec)
        seats = [
            f"{SEAT_PREFIX}{b.id}.{stage.id}:{i + 1}" for i in range(int(spec.get("anonymous_seats") or 0))
        ]
        return tuple(base) + tuple(seats)

    def ballot(self, body_id: str, stage: Stage) -> Ballot:
        """The deterministic ballot of a stage: every member votes as its stance says."""
        b = self.data.body(body_id)
        members = self.organ(b.id, stage)
        return Ballot(members, {m: self.vote(m, b.id) for m in members})

    def name(self, iso3: str) -> str:
        if iso3.startswith(SEAT_PREFIX):
            return "elected/unnamed seat " + iso3.rsplit(":", 1)[-1]
        return self.data.state_names.get(iso3, iso3)


def applicant_since(case: Case) -> dt.date:
    """Where histories of the applicant start: its ``since`` date in ``case.yaml``, else its first recognition."""
    if case.applicant.since is not None:
        return case.applicant.since.first_day()
    dates = [r.recognized_on.first_day() for r in membership_data(case).recognitions.values() if r.recognized_on]
    if not dates:
        raise InvalidParameterError(
            f"case {case.id!r} gives no start date: set applicant.since in case.yaml or pass a start date"
        )
    return min(dates)


def world(
    case: Case,
    on: dt.date | str | None = None,
    *,
    scenario: Scenario | None = None,
    position: str | None = None,
    include_unverified: bool = False,
) -> World:
    """The world of a case on a day (kept with the case per date, scenario and position).

    Parameters
    ----------
    case : Case
        The case: its applicant, recognitions and stances, and the world data it uses.
    on : date or str, optional
        Default today.
    scenario : Scenario, optional
    position : str, optional
        Whose reading of disputed withdrawals to use: one of ``case.positions()`` (e.g. ``"kosovo"``,
        ``"serbia"``) or ``"applicant"`` / ``"objector"``; default the applicant's.
    include_unverified : bool, default=False
        Use rows marked ``verified: false``.
    """
    role = case.position_role(position)
    d = as_date(on)
    if d < dt.date(1945, 10, 24):
        raise InvalidParameterError(f"The date {d} is before the United Nations existed (24 October 1945).")
    data = membership_data(case)  # validate early; loaded once per case version
    key = scenario.key() if scenario else None
    return case.cached(
        ("membership.world", d, key, role, include_unverified),
        lambda: World(data, d, scenario, role, include_unverified),
    )
