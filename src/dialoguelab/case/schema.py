"""The case format: typed records of a case folder (format version 1).

Each record type maps to one file of a case folder (see ``docs/case-format.md``):

=================  ==========================  =========================================
file               model                       what it holds
=================  ==========================  =========================================
case.yaml          :class:`CaseMeta`           title, format version, the paper it reads
actors.yaml        :class:`Actor`              states, organizations, people, groups
sources.yaml       :class:`Source`             the paper's footnotes and outside documents
events/*.yaml      :class:`Event`              dated events, PLOVER-typed, located
quotations.yaml    :class:`Quotation`          words attributed to a named speaker
agreements.yaml    :class:`Agreement`          agreements between the parties
documents.yaml     :class:`Document`           UN resolutions and other formal documents
=================  ==========================  =========================================

The membership engine, forecasts and findings add files of their own; they share these
conventions: ids are lower-case slugs, every fact carries ``citations`` (source ids), dates are
:class:`~dialoguelab.case.dates.PartialDate` strings (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``).
"""

from __future__ import annotations

__all__ = [
    "FORMAT_VERSION",
    "ID_PATTERN",
    "ActorType",
    "EventType",
    "DateBasis",
    "SourceStatus",
    "SourceKind",
    "Locator",
    "Role",
    "Actor",
    "Source",
    "Event",
    "Quotation",
    "Agreement",
    "Document",
    "PaperRef",
    "Party",
    "CaseMeta",
]

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from dialoguelab.case.dates import PartialDate

FORMAT_VERSION = 1
ID_PATTERN = r"^[a-z0-9][a-z0-9_.\-]*$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ActorType(StrEnum):
    STATE = "state"
    ORGANIZATION = "organization"
    PERSON = "person"
    GROUP = "group"


class EventType(StrEnum):
    """The sixteen event categories of the PLOVER ontology (Halterman et al., 2023).

    Ordered from cooperation to material conflict, as in the PLOVER specification.
    """

    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    SANCTION = "SANCTION"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"


class DateBasis(StrEnum):
    """Where an event's date, at its stated precision, comes from.

    The paper reports some acts without a date, or with less precision than other records give. The
    case keeps them and says how each date was obtained, so that a reader can restrict any analysis to
    the dates the paper itself writes.
    """

    PAPER = "paper"
    """The paper writes the date (at this precision) for this act, in the passage or elsewhere."""
    CONTEXT = "context"
    """The paper gives no date for the act at this precision; it is read from the narrative around it
    or a relative phrase ("the next day", "a year ago") anchored on a date the paper gives."""
    FOOTNOTE = "footnote"
    """The precision comes from a footnote the passage cites (a dated statement or document)."""
    OUTSIDE = "outside"
    """The paper reports the act without a usable date; the date comes from an outside document
    cited by the event (its id is in ``citations``)."""


class SourceKind(StrEnum):
    FOOTNOTE = "footnote"
    DOCUMENT = "document"


class SourceStatus(StrEnum):
    """How much of a footnote survives in the paper's text file."""

    COMPLETE = "complete"
    CUT_OFF = "cut_off"
    MISSING = "missing"


class Locator(_Record):
    """Where a record is found in the paper: a 1-based line and a short anchor phrase.

    The anchor is a few words (at most 100 characters) that start on ``line`` and may run on
    into the following lines; ``dialoguelab check`` verifies it against the paper text with
    whitespace normalised. Anchors point at the passage; they are not summaries. A locator into
    another document (an ingested study, a statement) names that document's source id in
    ``document``; the document's text lives in the case folder's ``texts/`` folder.
    """

    line: int = Field(ge=1)
    anchor: Annotated[str, StringConstraints(min_length=3, max_length=100)]
    document: Id | None = Field(
        default=None,
        description="source id of the document the line is in (its text is texts/<text_file>); none = the paper",
    )


class Role(_Record):
    """An office an actor held, with its tenure."""

    title: Text
    organization: Id | None = Field(default=None, description="actor id of the state or body served")
    start: PartialDate | None = None
    end: PartialDate | None = None
    citations: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> Role:
        if self.start is not None and self.end is not None and self.end.last_day() < self.start.first_day():
            raise ValueError(f"role ends ({self.end}) before it starts ({self.start})")
        return self


class Actor(_Record):
    """A state, organization, person or group that the case names."""

    id: Id
    name: Text
    type: ActorType
    iso3: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = Field(
        default=None, description="ISO 3166-1 alpha-3 code for a state (or a user-assigned code, e.g. XKX)"
    )
    aliases: list[Text] = Field(default_factory=list, description="other names, metonyms (Moscow, the Kremlin)")
    affiliation: Id | None = Field(default=None, description="actor id of the state/body a person belongs to")
    roles: list[Role] = Field(default_factory=list)
    description: str | None = None
    citations: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _state_has_code(self) -> Actor:
        if self.iso3 is not None and self.type is not ActorType.STATE:
            raise ValueError("only a state has an iso3 code")
        return self


class Source(_Record):
    """A citation: one of the paper's numbered footnotes, or an outside document."""

    id: Id
    kind: SourceKind
    number: int | None = Field(default=None, ge=1, description="footnote number, for kind=footnote")
    status: SourceStatus | None = Field(default=None, description="for footnotes: complete, cut_off, missing")
    text: str | None = Field(default=None, description="the footnote's surviving text (a bibliographic entry)")
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    date: PartialDate | None = None
    urls: list[AnyHttpUrl] = Field(default_factory=list, description="http or https addresses only")
    locator: Locator | None = None
    text_file: str | None = Field(
        default=None, description="file in the case's texts/ folder holding this document's text, for locators"
    )
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = Field(
        default=None, description="SHA-256 of text_file, so a changed text is noticed"
    )
    note: str | None = None
    verified: bool = True

    @model_validator(mode="after")
    def _kind_fields(self) -> Source:
        if self.kind is SourceKind.FOOTNOTE:
            if self.number is None or self.status is None:
                raise ValueError("a footnote needs its number and status")
            if self.status is not SourceStatus.MISSING and not self.text:
                raise ValueError("a footnote whose text survives needs its text")
        else:
            if not self.title:
                raise ValueError("a document needs a title")
        if self.text_file is not None and (
            "/" in self.text_file or "\\" in self.text_file or self.text_file.startswith(".")
        ):
            raise ValueError("text_file is a plain file name inside the case's texts/ folder")
        return self


class Event(_Record):
    """A dated event the paper reports, in our own words, typed with PLOVER."""

    id: Id
    date: PartialDate
    end_date: PartialDate | None = None
    date_note: str | None = Field(default=None, description="how the date was read (context, relative dates)")
    date_basis: DateBasis = Field(
        default=DateBasis.PAPER,
        description="where the date comes from: paper, context, footnote or outside (a date_note says how)",
    )
    type: EventType
    source_actors: list[Id] = Field(min_length=1)
    target_actors: list[Id] = Field(default_factory=list)
    summary: Text
    locator: Locator
    mentions: list[Locator] = Field(default_factory=list, description="further passages on the same event")
    footnotes: list[int] = Field(default_factory=list, description="footnote markers next to the passage")
    citations: list[Id] = Field(min_length=1)
    errata: str | None = Field(default=None, description="where the paper's own date/number is wrong")
    tags: list[Id] = Field(default_factory=list)

    @field_validator("summary")
    @classmethod
    def _short_summary(cls, v: str) -> str:
        if len(v) > 600:
            raise ValueError("a summary is at most 600 characters: summarise, do not copy")
        return v

    @model_validator(mode="after")
    def _dates_ordered(self) -> Event:
        if self.end_date is not None and self.end_date.last_day() < self.date.first_day():
            raise ValueError(f"end_date {self.end_date} is before date {self.date}")
        if self.date_basis is not DateBasis.PAPER and not (self.date_note and self.date_note.strip()):
            raise ValueError(f"date_basis '{self.date_basis.value}' needs a date_note saying how the date was obtained")
        return self


class Quotation(_Record):
    """Words attributed to a named speaker or document, stored verbatim with their source."""

    id: Id
    speaker: Id
    date: PartialDate | None = None
    text: Annotated[str, StringConstraints(min_length=2, max_length=1500)]
    event: Id | None = None
    context: str | None = None
    locator: Locator
    citations: list[Id] = Field(min_length=1)


class Agreement(_Record):
    """An agreement between parties (signed, initialled or accepted orally)."""

    id: Id
    title: Text
    date: PartialDate
    place: str | None = None
    parties: list[Id] = Field(min_length=1)
    facilitators: list[Id] = Field(default_factory=list)
    summary: Text
    status: Literal["signed", "initialled", "agreed_orally", "adopted", "other"] = "signed"
    locator: Locator | None = None
    citations: list[Id] = Field(min_length=1)
    errata: str | None = None


class Document(_Record):
    """A formal document: a UN resolution, an advisory opinion, a statement with a symbol."""

    id: Id
    body: Id = Field(description="actor id of the body that adopted or issued it")
    symbol: Text = Field(description="e.g. S/RES/1244 (1999), A/RES/64/298")
    kind: Literal["resolution", "advisory_opinion", "report", "statement", "letter", "other"] = "resolution"
    date: PartialDate
    title: str | None = None
    summary: Text
    votes: dict[Literal["yes", "no", "abstain", "absent"], int] | None = None
    locator: Locator | None = None
    citations: list[Id] = Field(min_length=1)
    errata: str | None = None


class PaperRef(_Record):
    """The study a case is built from, and how to find its text for locator checks."""

    title: Text
    authors: list[str] = Field(default_factory=list)
    publisher: str | None = None
    date: PartialDate | None = None
    url: AnyHttpUrl | None = None
    text_file: str = Field(description="file name of the paper's text (not shipped; see search paths)")
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    search_paths: list[str] = Field(default_factory=list)


class Party(_Record):
    """The applicant or its objector, as the engines need it: actor, state code, and the name of its view.

    ``position`` names the party's reading of disputed facts (e.g. withdrawals of recognition that the
    objector claims and the applicant disputes); ``position_label`` is how pages and commands show it
    ("as Kosovo holds").
    """

    actor: Id = Field(description="actor id in actors.yaml")
    iso3: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    name: Text
    position: Id | None = Field(default=None, description="id of this party's reading (default: the actor id)")
    position_label: str | None = None
    since: PartialDate | None = Field(
        default=None, description="when the party's claim began (e.g. a declaration of independence); series start here"
    )

    @property
    def position_id(self) -> str:
        return self.position or self.actor

    @property
    def label(self) -> str:
        return self.position_label or f"as {self.name} holds"


class CaseMeta(_Record):
    """``case.yaml``: what the case is, and who applies and who objects."""

    id: Id
    title: Text
    format_version: int = FORMAT_VERSION
    description: str | None = None
    paper: PaperRef | None = None
    applicant: Party | None = Field(default=None, description="the state seeking recognition and membership")
    objector: Party | None = Field(default=None, description="the state that contests it")
    verified_to: dict[str, PartialDate] = Field(
        default_factory=dict,
        description="per dataset (events, recognitions, members, stances, rollcalls): the day it was checked up to",
    )

    @field_validator("format_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v != FORMAT_VERSION:
            raise ValueError(f"format_version {v} is not supported (this dialoguelab reads {FORMAT_VERSION})")
        return v


def slug(text: str) -> str:
    """Lower-case slug usable as an id.

    >>> slug("Sergey Lavrov")
    'sergey-lavrov'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
