"""JSON Schemas of the case files, for editors that validate YAML (e.g. yaml-language-server)."""

from __future__ import annotations

__all__ = ["case_json_schemas"]

from typing import Any

from pydantic import TypeAdapter

from dialoguelab.case.schema import Actor, Agreement, CaseMeta, Document, Event, Quotation, Source

_FILES: dict[str, Any] = {
    "case": CaseMeta,
    "actors": list[Actor],
    "sources": list[Source],
    "events": list[Event],
    "quotations": list[Quotation],
    "agreements": list[Agreement],
    "documents": list[Document],
}


def case_json_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema (draft 2020-12) per case file, keyed by the file's stem."""
    out: dict[str, dict[str, Any]] = {}
    for name, tp in _FILES.items():
        sch = TypeAdapter(tp).json_schema(mode="validation")
        sch["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        sch["title"] = f"dialoguelab case file {name}.yaml (format version 1)"
        out[name] = sch
    return out
