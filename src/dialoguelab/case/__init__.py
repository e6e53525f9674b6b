"""The case: a folder of YAML/CSV files, read into a typed, validated :class:`Case`.

Every name is imported from its module on first use (:mod:`dialoguelab.lazy`): importing the package
costs nothing (``dialoguelab --help`` needs no pydantic model), and ``dialoguelab.world`` can use the
readers of this package without a circle through this ``__init__`` and the loader (layer 2, which
reads the world data).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialoguelab.lazy import lazy_exports

if TYPE_CHECKING:  # imported on first use (dialoguelab.lazy), so importing the package stays cheap
    from dialoguelab.case.dates import PartialDate, Precision
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

lazy_exports(
    __name__,
    {
        "PartialDate": "dialoguelab.case.dates",
        "Precision": "dialoguelab.case.dates",
        "Case": "dialoguelab.case.loader",
        "CheckReport": "dialoguelab.case.loader",
        "builtin_case_path": "dialoguelab.case.loader",
        "check_case": "dialoguelab.case.loader",
        "installed_cases": "dialoguelab.case.loader",
        "load_case": "dialoguelab.case.loader",
        "parse_date_bases": "dialoguelab.case.loader",
        "resolve_case_path": "dialoguelab.case.loader",
        "CasePart": "dialoguelab.case.parts",
        "registered_parts": "dialoguelab.case.parts",
        "FORMAT_VERSION": "dialoguelab.case.schema",
        "Actor": "dialoguelab.case.schema",
        "ActorType": "dialoguelab.case.schema",
        "Agreement": "dialoguelab.case.schema",
        "CaseMeta": "dialoguelab.case.schema",
        "DateBasis": "dialoguelab.case.schema",
        "Document": "dialoguelab.case.schema",
        "Event": "dialoguelab.case.schema",
        "EventType": "dialoguelab.case.schema",
        "Locator": "dialoguelab.case.schema",
        "Party": "dialoguelab.case.schema",
        "Quotation": "dialoguelab.case.schema",
        "Role": "dialoguelab.case.schema",
        "Source": "dialoguelab.case.schema",
        "SourceKind": "dialoguelab.case.schema",
        "SourceStatus": "dialoguelab.case.schema",
    },
)
