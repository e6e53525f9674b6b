"""Response models of the JSON API (for the OpenAPI document)."""

from __future__ import annotations

__all__ = ["Table", "ErrorBody", "CSV"]

from typing import Any

from pydantic import BaseModel, Field


class Table(BaseModel):
    """A table: its columns, its rows (each a JSON object) and whether it was cut at ``limit``."""

    columns: list[str]
    rows: list[dict[str, Any]]
    total: int = Field(description="rows before the limit was applied")
    returned: int
    truncated: bool


class ErrorBody(BaseModel):
    """An error: a sentence saying what to fix, and for validation errors, each field at fault."""

    detail: str
    errors: list[dict[str, str]] | None = None


#: ``responses=`` of a table route that also answers ``?format=csv``.
CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}}}}
