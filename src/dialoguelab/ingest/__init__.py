"""Ingestion: documents (PDF, text, HTML) → candidate events with locators → review → the case folder.

See ``docs/ingest.md`` for the pipeline, the date rules, the classifier table, the review file format
and the evaluation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialoguelab.lazy import lazy_exports

if TYPE_CHECKING:  # imported on first use (dialoguelab.lazy), so importing the package stays cheap
    from dialoguelab.ingest.api import IngestSummary, evaluate, ingest, review
    from dialoguelab.ingest.document import DocumentError

__all__ = ["IngestSummary", "DocumentError", "evaluate", "ingest", "review"]

lazy_exports(
    __name__,
    {
        "IngestSummary": "dialoguelab.ingest.api",
        "evaluate": "dialoguelab.ingest.api",
        "ingest": "dialoguelab.ingest.api",
        "review": "dialoguelab.ingest.api",
        "DocumentError": "dialoguelab.ingest.document",
    },
)
