"""Records of the world data: bodies and their admission stages, member lists, roll calls.

These are facts about the world, not about one applicant, so every case shares them (a case may
override any of them; see :mod:`dialoguelab.world.loader`). Files (``docs/membership.md``):

======================  ===============================  ==============================================
file                    model                            what it holds
======================  ===============================  ==============================================
organizations.yaml      :class:`BodySpec`                bodies, organs and admission stages (rules as data)
members.csv             :class:`MemberRow`               who belonged to which body or list, with dates
rollcalls.csv           :class:`RollCall`                recorded votes: question, tally, outcome, record
rollcalls/<id>.csv      :class:`RollCallVote`            the per-state record of a roll call, if published
sources.yaml            :class:`~dialoguelab.case.Source`  the documents every row cites
======================  ===============================  ==============================================

Rules stay plain data here (``StageSpec.rule``); the membership engine compiles them.
"""

from __future__ import annotations

__all__ = [
    "Iso3",
    "Procedure",
    "MemberRow",
    "OrganChange",
    "OrganSpec",
    "StageSpec",
    "BodySpec",
    "RollCall",
    "RollCallVote",
    "VOTE_VALUES",
]

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from dialoguelab.case.dates import PartialDate

Iso3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")]
Procedure = Literal["secret_ballot", "recorded_vote", "consensus", "ratification"]
VOTE_VALUES = ("yes", "no", "abstain", "absent")


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_none(cls, v: Any) -> Any:
        return None if v == "" else v


def split_ids(v: Any) -> Any:
    """``"a;b"`` → ``["a", "b"]`` (CSV cells hold lists separated by semicolons)."""
    if isinstance(v, str):
        return [s.strip() for s in v.split(";") if s.strip()]
    return [] if v is None else v


class MemberRow(_Row):
    """One state's membership of a body or list (``left`` is the last day of membership)."""

    body: Id
    iso3: Iso3
    state: str
    joined: PartialDate | None = None
    left: PartialDate | None = None
    sources: list[str] = Field(default_factory=list)
    verified: bool = True
    date_verified: bool = False
    note: str | None = None

    _split_sources = field_validator("sources", mode="before")(lambda cls, v: split_ids(v))


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
    """A body an applicant may seek to join: its members and its admission stages, in order.

    ``accession_dates`` is how precisely the body's own published record dates its members' accessions
    (``day``, ``month`` or ``year``), with ``accession_dates_citations`` naming that record. Where it is
    ``day``, ``check`` rejects a row of the body's member list whose ``joined`` or ``left`` is coarser:
    a year-only date would be applied on 31 December and miscount the members for most of that year.
    """

    id: Id
    name: str
    aliases: list[str] = Field(default_factory=list)
    members: OrganSpec
    membership_note: str | None = None
    citations: list[str] = Field(min_length=1)
    admission: list[StageSpec] = Field(min_length=1)
    accession_dates: Literal["day", "month", "year"] | None = None
    accession_dates_citations: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _accession_dates_need_record(self) -> BodySpec:
        if self.accession_dates is not None and not self.accession_dates_citations:
            raise ValueError(
                "accession_dates needs accession_dates_citations: the source ids (sources.yaml) of the body's "
                "published member record that gives its accession dates at that precision"
            )
        return self


class RollCall(_Row):
    """A real recorded vote: its question, tally and outcome, and how its record is known.

    ``record`` is ``per_state`` (every member's vote is published: ``rollcalls/<id>.csv``),
    ``reported`` (per-state lists from press reports, possibly incomplete) or ``tally_only``
    (a secret ballot, or no list was found). In a ``reported`` file the members whose vote no document
    gives are left out: their votes are unknown, and the counts in the file cannot exceed the tally.
    ``calibration`` marks the tallies the class-level baseline model is fitted on; ``in_model: false``
    keeps a row out of the per-state vote model's likelihood (an earlier round of a vote, a conflicting
    report kept as its own row, an organ whose voters are not states or are not in the data; the note
    says which). ``kind`` is ``admission`` (a step of an applicant's
    admission; ``applicant`` names it by ISO code) or ``alignment`` (a vote that places states on a
    question behind admissions: territorial integrity, secession, the West–Russia split).
    """

    id: Id
    body: Id
    stage: Id | None = None
    organ: str
    date: PartialDate
    subject: str
    question: str | None = None
    kind: Literal["admission", "alignment"] = "admission"
    applicant: Iso3 | None = None
    record: Literal["per_state", "reported", "tally_only"] = "tally_only"
    yes: int = Field(ge=0)
    no: int = Field(ge=0)
    abstain: int = Field(ge=0)
    absent: int | None = Field(default=None, ge=0)
    required_yes: int | None = None
    outcome: str
    calibration: bool = False
    in_model: bool = True
    sources: list[str] = Field(min_length=1)
    verified: bool = True
    note: str | None = None

    _split_sources = field_validator("sources", mode="before")(lambda cls, v: split_ids(v))


class RollCallVote(_Row):
    """One member's vote in a roll call (``rollcalls/<id>.csv``)."""

    iso3: Iso3
    state: str | None = None
    vote: Literal["yes", "no", "abstain", "absent"]
    note: str | None = None
