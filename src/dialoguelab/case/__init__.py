"""The case: a folder of YAML/CSV files, read into a typed, validated :class:`Case`."""

from dialoguelab.case.dates import PartialDate, Precision
from dialoguelab.case.loader import EXTRA_VALIDATORS, Case, CheckReport, builtin_case_path, check_case, load_case
from dialoguelab.case.schema import (
    FORMAT_VERSION,
    Actor,
    ActorType,
    Agreement,
    CaseMeta,
    DateBasis,
    Document,
    Event,
    EventType,
    Locator,
    Quotation,
    Role,
    Source,
    SourceKind,
    SourceStatus,
)

__all__ = [
    "EXTRA_VALIDATORS",
    "FORMAT_VERSION",
    "Actor",
    "ActorType",
    "Agreement",
    "Case",
    "CaseMeta",
    "CheckReport",
    "DateBasis",
    "Document",
    "Event",
    "EventType",
    "Locator",
    "PartialDate",
    "Precision",
    "Quotation",
    "Role",
    "Source",
    "SourceKind",
    "SourceStatus",
    "builtin_case_path",
    "check_case",
    "load_case",
]
