"""Ingestion: documents (PDF, text, HTML) → candidate events with locators → review → the case folder.

See ``docs/ingest.md`` for the pipeline, the date rules, the classifier table, the review file format
and the evaluation.
"""

from dialoguelab.ingest.api import IngestSummary, evaluate, ingest, review
from dialoguelab.ingest.document import DocumentError

__all__ = ["IngestSummary", "DocumentError", "evaluate", "ingest", "review"]
