"""Response models of the JSON API (for the OpenAPI document)."""

from __future__ import annotations

__all__ = ["Table", "ErrorBody", "FieldError", "CSV", "NOT_FOUND", "ERROR_RESPONSES"]

from typing import Any

from pydantic import BaseModel, Field


class Table(BaseModel):
    """A table: its columns, its rows (each a JSON object) and whether it was cut at ``limit``."""

    columns: list[str]
    rows: list[dict[str, Any]]
    total: int = Field(description="rows before the limit was applied")
    returned: int
    truncated: bool


class FieldError(BaseModel):
    """One parameter at fault: where it is (query, path), its name and what is wrong with it."""

    field: str = Field(description="the parameter's name (with an index for a repeated parameter)")
    location: str = Field(description="query, path or header")
    message: str


class ErrorBody(BaseModel):
    """An error: a sentence saying what to fix, and for validation errors, each field at fault."""

    detail: str = Field(description="what went wrong and how to fix it, in one sentence")
    errors: list[FieldError] | None = Field(default=None, description="validation errors only: each field at fault")


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


#: ``responses=`` of a table route that also answers ``?format=csv``.
CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}
#: ``responses=`` of a route whose path names something that may not exist.
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: _error("Not found: the message names what there is.")}
#: The error answers every ``/api/v1`` route may give (added to each operation by the app).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("Bad request: the Host header is not one this server answers to."),
    404: _error("Not found: an unknown case, issue, event, actor or body; the message names what there is."),
    414: _error("The query string is longer than the server accepts."),
    422: _error("A parameter is invalid: `errors` names each one and says what is wrong."),
}
