"""The case: a folder of YAML/CSV files, read into a typed, validated :class:`Case`.

The records and readers (layer 0) are imported at once; the loader (layer 2, which reads the world data)
is imported on first use of one of its names, so that ``dialoguelab.world`` can use the readers of this
package without a circle through its ``__init__``.
"""

from typing import TYPE_CHECKING, Any

from dialoguelab.case.dates import PartialDate, Precision
from dialoguelab.case.parts import CasePart, registered_parts
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
    Party,
    Quotation,
    Role,
    Source,
    SourceKind,
    SourceStatus,
)

if TYPE_CHECKING:
    from dialoguelab.case.loader import (
        Case,
        CheckReport,
        builtin_case_path,
        check_case,
        installed_cases,
        load_case,
        parse_date_bases,
        resolve_case_path,
    )

_FROM_LOADER = (
    "Case",
    "CheckReport",
    "builtin_case_path",
    "check_case",
    "installed_cases",
    "load_case",
    "parse_date_bases",
    "resolve_case_path",
)


def __getattr__(name: str) -> Any:
    if name in _FROM_LOADER:
        from dialoguelab.case import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'dialoguelab.case' has no attribute {name!r}")


__all__ = [
    "FORMAT_VERSION",
    "Actor",
    "ActorType",
    "Agreement",
    "Case",
    "CasePart",
    "CaseMeta",
    "CheckReport",
    "DateBasis",
    "Document",
    "Event",
    "EventType",
    "Locator",
    "Party",
    "PartialDate",
    "Precision",
    "Quotation",
    "Role",
    "Source",
    "SourceKind",
    "SourceStatus",
    "builtin_case_path",
    "installed_cases",
    "registered_parts",
    "resolve_case_path",
    "check_case",
    "load_case",
    "parse_date_bases",
]
