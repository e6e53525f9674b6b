"""The algebra of decision rules: veto, majorities of a stated base, consensus, unanimity, weighted quota.

A rule is evaluated on a :class:`Ballot` (who may vote, and how each voted) and returns an
:class:`Evaluation` that shows its arithmetic. A body's admission procedure is a sequence of
:class:`Stage` objects, each voted in an organ (the Security Council, then the General Assembly).

Counting conventions (the "base" of a majority):

``present_and_voting``
    only yes and no votes count; abstentions and absences are ignored (UN Charter Art. 18(2) and
    GA rule 86; UNESCO; INTERPOL "two-thirds of votes cast, excluding abstentions").
``present``
    yes, no and abstain count; absences are ignored.
``all_members``
    every member entitled to vote counts; abstaining or staying away counts against
    (Council of Europe Statute Art. 20(c)).

A ``fraction`` majority needs ``ceil(fraction * base)`` yes votes, or ``floor(fraction * base) + 1``
when ``strict`` (more than half). A base of zero never passes.
"""

from __future__ import annotations

__all__ = [
    "PROCEDURES",
    "PROCEDURES_WITHOUT_BALLOT",
    "VOTES",
    "Vote",
    "Base",
    "Tally",
    "Ballot",
    "Evaluation",
    "Rule",
    "Majority",
    "Quota",
    "Veto",
    "Consensus",
    "Unanimity",
    "WeightedQuota",
    "AllOf",
    "Stage",
    "rule_from_dict",
    "required_yes",
]

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

from dialoguelab.errors import InvalidParameterError

Vote = Literal["yes", "no", "abstain", "absent"]
VOTES: tuple[Vote, ...] = ("yes", "no", "abstain", "absent")
#: How an organ takes a decision: a vote whose individual votes are secret, a vote whose individual
#: votes are public, a decision without a vote (adopted unless a member objects), or ratification by
#: each member under its own constitutional procedure.
PROCEDURES: tuple[str, ...] = ("secret_ballot", "recorded_vote", "consensus", "ratification")
#: Procedures in which no ballot is cast: the outcome follows the members' declared positions.
PROCEDURES_WITHOUT_BALLOT: frozenset[str] = frozenset({"consensus", "ratification"})


class Base(StrEnum):
    """Which votes form the denominator of a majority."""

    PRESENT_AND_VOTING = "present_and_voting"
    PRESENT = "present"
    ALL_MEMBERS = "all_members"


@dataclass(frozen=True)
class Tally:
    """Counts of yes, no, abstain and absent votes."""

    yes: int = 0
    no: int = 0
    abstain: int = 0
    absent: int = 0

    def __post_init__(self) -> None:
        for name in VOTES:
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise InvalidParameterError(
                    f"The {name!r} count of a tally must be a non-negative integer. Got {v!r}."
                )

    @property
    def members(self) -> int:
        return self.yes + self.no + self.abstain + self.absent

    def base(self, base: Base) -> int:
        """The denominator of a majority under ``base``."""
        if base is Base.PRESENT_AND_VOTING:
            return self.yes + self.no
        if base is Base.PRESENT:
            return self.yes + self.no + self.abstain
        return self.members

    def as_dict(self) -> dict[str, int]:
        return {"yes": self.yes, "no": self.no, "abstain": self.abstain, "absent": self.absent}


@dataclass(frozen=True)
class Ballot:
    """Who may vote in an organ, and how each voted (a member without a vote is absent).

    Examples
    --------
    >>> b = Ballot.from_tally(Tally(yes=2, no=1))
    >>> b.tally()
    Tally(yes=2, no=1, abstain=0, absent=0)
    """

    members: tuple[str, ...]
    votes: Mapping[str, Vote] = field(default_factory=dict)

    def vote(self, member: str) -> Vote:
        return self.votes.get(member, "absent")

    def tally(self) -> Tally:
        c = {v: 0 for v in VOTES}
        for m in self.members:
            c[self.vote(m)] += 1
        return Tally(**c)

    def with_votes(self, changes: Mapping[str, Vote]) -> Ballot:
        """A copy with some members' votes changed."""
        new = dict(self.votes)
        new.update(changes)
        return Ballot(self.members, new)

    @classmethod
    def from_tally(cls, tally: Tally, named: Mapping[str, Vote] | None = None) -> Ballot:
        """Anonymous members (``m1``, ``m2``, …) voting as ``tally`` says; ``named`` members come first.

        Named members' votes are part of the tally (a permanent member voting no is one of the noes).
        """
        named = dict(named or {})
        left = tally.as_dict()
        for m, v in named.items():
            if v not in VOTES:
                raise InvalidParameterError(
                    f"The vote of {m!r} must be one of {', '.join(VOTES)}. Got {v!r}."
                )
            if left[v] == 0:
                raise InvalidParameterError(
                    f"{m} is said to vote {v!r} but the tally has no {v!r} vote left for it: "
                    f"raise the {v} count or remove {m}."
                )
            left[v] -= 1
        members = list(named)
        votes: dict[str, Vote] = dict(named)
        i = 0
        for v in VOTES:
            for _ in range(left[v]):
                i += 1
                name = f"m{i}"
                members.append(name)
                votes[name] = v
        return cls(tuple(members), votes)


@dataclass
class Evaluation:
    """The result of a rule on a ballot, with its arithmetic.

    ``required`` is the number of yes votes the rule needs (``None`` for veto-type rules),
    ``margin`` is yes minus required (negative: short by that many), and ``blockers`` lists members
    whose vote alone blocks (a permanent member voting no, an objector under consensus).
    """

    rule: str
    passed: bool
    lines: list[str]
    tally: Tally
    required: int | None = None
    margin: int | None = None
    blockers: tuple[str, ...] = ()
    children: list[Evaluation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "passed": self.passed,
            "lines": list(self.lines),
            "tally": self.tally.as_dict(),
            "required": self.required,
            "margin": self.margin,
            "blockers": list(self.blockers),
            "children": [c.to_dict() for c in self.children],
        }


def required_yes(fraction: Fraction, base_size: int, strict: bool = False) -> int:
    """Yes votes needed for a ``fraction`` majority of ``base_size`` votes.

    Examples
    --------
    >>> required_yes(Fraction(2, 3), 142)
    95
    >>> required_yes(Fraction(1, 2), 10, strict=True)
    6
    """
    if strict:
        return math.floor(fraction * base_size) + 1
    return max(1, math.ceil(fraction * base_size)) if base_size > 0 else 1


class Rule:
    """Base class of decision rules (immutable dataclasses)."""

    kind: str = "rule"

    def evaluate(self, ballot: Ballot) -> Evaluation:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def veto_players(self, members: Iterable[str]) -> frozenset[str]:
        """Members present in every winning coalition (each can block alone)."""
        return frozenset()

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def wins(self, yes: frozenset[str], members: tuple[str, ...]) -> bool:
        """Whether the members in ``yes`` win when every other member votes no."""
        return self.evaluate(Ballot(members, {m: ("yes" if m in yes else "no") for m in members})).passed


@dataclass(frozen=True)
class Majority(Rule):
    """A ``fraction`` of ``base`` must vote yes.

    Parameters
    ----------
    fraction : Fraction
        e.g. ``Fraction(2, 3)``.
    base : Base
        ``present_and_voting``, ``present`` or ``all_members``.
    strict : bool, default=False
        More than ``fraction`` (simple majority: ``fraction=1/2, strict=True``).
    """

    fraction: Fraction
    base: Base = Base.PRESENT_AND_VOTING
    strict: bool = False
    kind: str = "majority"

    def __post_init__(self) -> None:
        if not 0 < self.fraction <= 1:
            raise InvalidParameterError(f"A majority's fraction must be in (0, 1]. Got {self.fraction}.")

    def describe(self) -> str:
        more = "more than " if self.strict else ""
        return f"{more}{self.fraction} of {self.base.value.replace('_', ' ')} vote yes"

    def required(self, tally: Tally) -> int:
        return required_yes(self.fraction, tally.base(self.base), self.strict)

    def evaluate(self, ballot: Ballot) -> Evaluation:
        t = ballot.tally()
        b = t.base(self.base)
        need = self.required(t)
        ok = b > 0 and t.yes >= need
        parts = {
            Base.PRESENT_AND_VOTING: f"yes + no = {t.yes} + {t.no} = {b} "
            f"(abstentions {t.abstain} and absences "
            f"{t.absent} do not count)",
            Base.PRESENT: f"yes + no + abstain = {b} (absences {t.absent} do not count)",
            Base.ALL_MEMBERS: f"all members = {b} (abstaining or absent counts against)",
        }
        op = f"floor({self.fraction} × {b}) + 1" if self.strict else f"ceil({self.fraction} × {b})"
        lines = [
            f"base: {parts[self.base]}",
            f"needed: {op} = {need} yes",
            f"yes = {t.yes} {'≥' if ok else '<'} {need}: {'passes' if ok else 'fails'}"
            + ("" if ok else f" ({need - t.yes} short)"),
        ]
        return Evaluation(self.describe(), ok, lines, t, need, t.yes - need)

    def veto_players(self, members: Iterable[str]) -> frozenset[str]:
        ms = tuple(members)
        n = len(ms)
        need = required_yes(self.fraction, n, self.strict)
        return frozenset(ms) if need >= n else frozenset()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "fraction": str(self.fraction),
            "base": self.base.value,
            "strict": self.strict,
        }


@dataclass(frozen=True)
class Quota(Rule):
    """At least ``min_yes`` yes votes (the Security Council's nine)."""

    min_yes: int
    kind: str = "quota"

    def describe(self) -> str:
        return f"at least {self.min_yes} yes votes"

    def evaluate(self, ballot: Ballot) -> Evaluation:
        t = ballot.tally()
        ok = t.yes >= self.min_yes
        lines = [f"yes = {t.yes} {'≥' if ok else '<'} {self.min_yes}: {'passes' if ok else 'fails'}"]
        return Evaluation(self.describe(), ok, lines, t, self.min_yes, t.yes - self.min_yes)

    def veto_players(self, members: Iterable[str]) -> frozenset[str]:
        ms = tuple(members)
        return frozenset(ms) if self.min_yes >= len(ms) else frozenset()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "min_yes": self.min_yes}


@dataclass(frozen=True)
class Veto(Rule):
    """No named ``vetoer`` may vote no (abstaining or staying away does not block)."""

    vetoers: tuple[str, ...]
    kind: str = "veto"

    def describe(self) -> str:
        return f"no negative vote of {', '.join(self.vetoers)}"

    def evaluate(self, ballot: Ballot) -> Evaluation:
        t = ballot.tally()
        present = [v for v in self.vetoers if v in ballot.members]
        noes = tuple(v for v in present if ballot.vote(v) == "no")
        ok = not noes
        votes = ", ".join(f"{v} {ballot.vote(v)}" for v in present) or "no veto holder in this organ"
        lines = [
            f"veto holders: {votes}",
            "no veto cast: passes" if ok else f"vetoed by {', '.join(noes)}: fails",
        ]
        return Evaluation(self.describe(), ok, lines, t, None, -len(noes), noes)

    def veto_players(self, members: Iterable[str]) -> frozenset[str]:
        ms = set(members)
        return frozenset(v for v in self.vetoers if v in ms)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "vetoers": list(self.vetoers)}


@dataclass(frozen=True)
class Consensus(Rule):
    """No member objects (votes no); abstaining or staying away does not block (OSCE practice)."""

    kind: str = "consensus"

    def describe(self) -> str:
        return "consensus: no member objects"

    def evaluate(self, ballot: Ballot) -> Evaluation:
        t = ballot.tally()
        noes = tuple(m for m in ballot.members if ballot.vote(m) == "no")
        ok = not noes and len(ballot.members) > 0
        lines = [
            f"objections: {t.no}" + (f" ({', '.join(noes)})" if noes else ""),
            "passes" if ok else "fails",
        ]
        return Evaluation(self.describe(), ok, lines, t, None, -len(noes), noes)

    def veto_players(self, members: Iterable[str]) -> frozenset[str]:
        return frozenset(members)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind}


@dataclass(frozen=True)
class Unanimity(Rule):
    """Every member votes yes, except that some non-yes votes may be allowed not to block.

    Parameters
    ----------
    abstention_blocks : bool, default=True
        Whether an abstention prevents adoption. ``False`` encodes TFEU Art. 238(4): "abstentions by
        members present in person or represented shall not prevent the adoption by the Council of acts
        which require unanimity" (the same rule for the European Council in TFEU Art. 235(1)).
    absence_blocks : bool, optional
        Whether a member that stays away prevents adoption; default: the same as ``abstention_blocks``
        (the behaviour before this parameter existed). TFEU Art. 238(4) covers only members present or
        represented, so the EU's stages set ``abstention_blocks: false, absence_blocks: true``.
    """

    abstention_blocks: bool = True
    absence_blocks: bool | None = None
    kind: str = "unanimity"

    @property
    def blocking_votes(self) -> tuple[str, ...]:
        """The votes that block: always ``no``; ``abstain`` and ``absent`` as configured."""
        absent = self.abstention_blocks if self.absence_blocks is None else self.absence_blocks
        return ("no",) + (("abstain",) if self.abstention_blocks else ()) + (("absent",) if absent else ())

    def describe(self) -> str:
        bad = self.blocking_votes
        if "abstain" in bad and "absent" in bad:
            return "unanimity"
        if "absent" in bad:
            return "unanimity (abstentions of members present or represented do not block; absence does)"
        if "abstain" in bad:
            return "unanimity (absence does not block; abstentions do)"
        return "unanimity (abstentions do not block)"

    def evaluate(self, ballot: Ballot) -> Evaluation:
        t = ballot.tally()
        bad = self.blocking_votes
        blockers = tuple(m for m in ballot.members if ballot.vote(m) in bad)
        ok = not blockers and len(ballot.members) > 0
        every = len(bad) == 3
        need = len(ballot.members) if every else None
        lines = [
            f"members: {len(ballot.members)}; yes {t.yes}, no {t.no}, abstain {t.abstain}, absent {t.absent}",
            "passes" if ok else f"blocked by {len(blockers)}: {', '.join(blockers)}",
        ]
        if not every:
            lines.insert(1, "blocking votes: " + ", ".join(bad))
        margin = (t.yes - len(ballot.members)) if every else -len(blockers)
        return Evaluation(self.describe(), ok, lines, t, need, margin, blockers)

    def veto_players(self, members: Iterable[str]) -> frozenset[str]:
        return frozenset(members)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "abstention_blocks": self.abstention_blocks}
        if self.absence_blocks is not None:
            out["absence_blocks"] = self.absence_blocks
        return out


@dataclass(frozen=True)
class WeightedQuota(Rule):
    """The weights of the yes voters sum to at least ``quota`` (``weights`` maps member to integer weight)."""

    weights: tuple[tuple[str, int], ...]
    quota: int
    kind: str = "weighted_quota"

    def __post_init__(self) -> None:
        if any(w < 0 for _, w in self.weights) or self.quota <= 0:
            raise InvalidParameterError("Weights must be non-negative integers and the quota positive.")

    @property
    def weight_of(self) -> dict[str, int]:
        return dict(self.weights)

    def describe(self) -> str:
        return f"weighted votes: yes weight ≥ {self.quota} of {sum(w for _, w in self.weights)}"

    def evaluate(self, ballot: Ballot) -> Evaluation:
        t = ballot.tally()
        w = self.weight_of
        got = sum(w.get(m, 0) for m in ballot.members if ballot.vote(m) == "yes")
        ok = got >= self.quota
        lines = [f"yes weight = {got} {'≥' if ok else '<'} quota {self.quota}: {'passes' if ok else 'fails'}"]
        return Evaluation(self.describe(), ok, lines, t, self.quota, got - self.quota)

    def veto_players(self, members: Iterable[str]) -> frozenset[str]:
        w = self.weight_of
        ms = tuple(members)
        total = sum(w.get(m, 0) for m in ms)
        return frozenset(m for m in ms if total - w.get(m, 0) < self.quota)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "weights": dict(self.weights), "quota": self.quota}


@dataclass(frozen=True)
class AllOf(Rule):
    """Every sub-rule must pass (the Security Council: nine votes AND no veto)."""

    rules: tuple[Rule, ...]
    kind: str = "all_of"

    def describe(self) -> str:
        return " and ".join(r.describe() for r in self.rules)

    def evaluate(self, ballot: Ballot) -> Evaluation:
        kids = [r.evaluate(ballot) for r in self.rules]
        ok = all(k.passed for k in kids)
        lines = [line for k in kids for line in k.lines]
        req = [k.required for k in kids if k.required is not None]
        margins = [k.margin for k in kids if k.margin is not None]
        blockers = tuple(b for k in kids for b in k.blockers)
        return Evaluation(
            self.describe(),
            ok,
            lines,
            ballot.tally(),
            max(req) if req else None,
            min(margins) if margins else None,
            blockers,
            kids,
        )

    def veto_players(self, members: Iterable[str]) -> frozenset[str]:
        ms = tuple(members)
        out: frozenset[str] = frozenset()
        for r in self.rules:
            out |= r.veto_players(ms)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "rules": [r.to_dict() for r in self.rules]}


@dataclass(frozen=True)
class Stage:
    """One step of an admission procedure: a rule voted in an organ, with its legal source.

    ``procedure`` says how the organ decides (one of :data:`PROCEDURES`, ``None`` when the data do not
    say); ``procedure_verified`` is ``False`` when that was not checked against a source.
    """

    id: str
    name: str
    rule: Rule
    legal_basis: str = ""
    citations: tuple[str, ...] = ()
    organ: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    completed_for_applicant: str | None = None
    procedure: str | None = None
    procedure_verified: bool = False
    procedure_note: str = ""
    procedure_citations: tuple[str, ...] = ()

    @property
    def ballot_taken(self) -> bool:
        """Whether members cast votes in the organ (``secret_ballot``, ``recorded_vote`` or unknown).

        ``consensus`` (no vote: adopted unless someone objects) and ``ratification`` (each member
        ratifies on its own) are not ballots; their outcome follows the members' declared positions.
        """
        return self.procedure not in PROCEDURES_WITHOUT_BALLOT

    @property
    def modelled(self) -> bool:
        """False when the organ's members are not modelled (the stage is assumed not to block)."""
        return bool(self.organ.get("list") or self.organ.get("same_as_body") or self.organ.get("derive_from"))


def _fraction(value: Any, where: str) -> Fraction:
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError) as exc:
        raise InvalidParameterError(f"{where}: fraction must look like 2/3 or 0.5. Got {value!r}.") from exc


def rule_from_dict(data: Mapping[str, Any], where: str = "rule") -> Rule:
    """Build a rule from its data form (as written in ``organizations.yaml``).

    Examples
    --------
    >>> r = rule_from_dict({"kind": "majority", "fraction": "2/3", "base": "present_and_voting"})
    >>> r.describe()
    '2/3 of present and voting vote yes'
    """
    if not isinstance(data, Mapping) or "kind" not in data:
        raise InvalidParameterError(f"{where}: a rule is a mapping with a 'kind'. Got {data!r}.")
    kind = data["kind"]
    allowed: dict[str, set[str]] = {
        "majority": {"fraction", "base", "strict"},
        "quota": {"min_yes"},
        "veto": {"vetoers"},
        "consensus": set(),
        "unanimity": {"abstention_blocks", "absence_blocks"},
        "weighted_quota": {"weights", "quota"},
        "all_of": {"rules"},
    }
    if kind not in allowed:
        raise InvalidParameterError(
            f"{where}: unknown rule kind {kind!r}; use one of {', '.join(sorted(allowed))}."
        )
    extra = set(data) - allowed[kind] - {"kind"}
    if extra:
        raise InvalidParameterError(
            f"{where}: unknown field(s) {', '.join(sorted(extra))} for a {kind} rule."
        )
    try:
        if kind == "majority":
            base = data.get("base", "present_and_voting")
            if base not in {b.value for b in Base}:
                raise InvalidParameterError(
                    f"{where}.base: must be one of {', '.join(b.value for b in Base)}. Got {base!r}."
                )
            return Majority(_fraction(data["fraction"], where), Base(base), bool(data.get("strict", False)))
        if kind == "quota":
            return Quota(int(data["min_yes"]))
        if kind == "veto":
            return Veto(tuple(str(v) for v in data["vetoers"]))
        if kind == "consensus":
            return Consensus()
        if kind == "unanimity":
            absence = data.get("absence_blocks")
            return Unanimity(
                bool(data.get("abstention_blocks", True)), None if absence is None else bool(absence)
            )
        if kind == "weighted_quota":
            return WeightedQuota(
                tuple((str(k), int(v)) for k, v in dict(data["weights"]).items()), int(data["quota"])
            )
        rules = tuple(rule_from_dict(r, f"{where}.rules[{i}]") for i, r in enumerate(data["rules"]))
        return AllOf(rules)
    except KeyError as exc:
        raise InvalidParameterError(f"{where}: a {kind} rule needs the field {exc.args[0]!r}.") from exc
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InvalidParameterError):
            raise
        raise InvalidParameterError(f"{where}: {exc}") from exc
