"""Query parameters shared by the routes, declared once with their bounds (validated by FastAPI → 422)."""

from __future__ import annotations

__all__ = ["DATE_PATTERN", "DateParam", "TextParam", "ActorParam", "EventTypeParam", "LimitParam", "FormatParam",
           "DAY_PATTERN", "DayParam", "EmptyMeansAnyMiddleware", "drop_empty_values", "EMPTY_VALUE",
           "document_empty_values"]

from typing import Annotated, Any, Literal

from fastapi import Query

DATE_PATTERN = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"  # empty allowed (see EmptyMeansAnyMiddleware)
DAY_PATTERN = r"^(\d{4}-\d{2}-\d{2})?$"

DateParam = Annotated[
    str | None,
    Query(max_length=10, pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD", examples=["2008-02"]),
]
DayParam = Annotated[
    str | None,
    Query(max_length=10, pattern=DAY_PATTERN, description="a day, YYYY-MM-DD (default: today)",
          examples=["2015-11-09"]),
]
TextParam = Annotated[
    str | None, Query(max_length=200, description="case-insensitive text to find", examples=["veto"])
]
ActorParam = Annotated[
    str | None,
    Query(max_length=120, description="actor id, name, alias or metonym", examples=["Moscow"]),
]
EventTypeParam = Annotated[
    str | None,
    Query(max_length=200, pattern=r"^([A-Za-z]+(,[A-Za-z]+)*)?$",
          description="PLOVER type(s), comma-separated", examples=["REJECT,THREATEN"]),
]
LimitParam = Annotated[int, Query(ge=1, le=1000, description="at most this many rows (1 to 1000)")]
FormatParam = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]


class EmptyMeansAnyMiddleware:
    """Pure ASGI middleware: a query parameter sent empty (``?kind=&status=cut_off``) is left out.

    An HTML form sends every field, so an unused filter arrives as ``name=``. For every route of the
    dashboard and the API an empty value means "not given" (any value, or the parameter's default),
    never "the value ''": without this, a filter whose values are a fixed list (``kind``, ``status``,
    ``actor_type``, ``format``, …) answered 422. The rewrite happens once, before routing, so every
    page and API route — including routes added later — and the response cache see the same query.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            raw: bytes = scope.get("query_string", b"")
            if raw:
                kept = drop_empty_values(raw)
                if kept != raw:
                    scope = dict(scope)
                    scope["query_string"] = kept
        await self.app(scope, receive, send)


def drop_empty_values(query: bytes) -> bytes:
    """The query string without its empty parameters (``a=&b=1`` → ``b=1``), other pairs byte for byte.

    >>> drop_empty_values(b"kind=&status=cut_off&text=")
    b'status=cut_off'
    >>> drop_empty_values(b"recognize=ESP&recognize=&x")
    b'recognize=ESP'
    """
    pairs = [p for p in query.split(b"&") if p]
    kept = [p for p in pairs if p.partition(b"=")[2] != b""]
    return b"&".join(kept)


#: The schema of a query value sent empty, which every optional parameter accepts (as "not given").
EMPTY_VALUE: dict[str, Any] = {"type": "string", "maxLength": 0, "description": "empty: the parameter is not given"}


def document_empty_values(doc: dict[str, Any]) -> dict[str, Any]:
    """State in an OpenAPI document what :class:`EmptyMeansAnyMiddleware` does: an optional query parameter
    may be sent empty (``?kind=``), and then counts as not given. Required and path parameters are left
    as they are (sent empty, a required parameter is still missing: 422).

    Returns the same document, changed in place.
    """
    for ops in doc.get("paths", {}).values():
        for op in ops.values():
            for prm in op.get("parameters", []):
                if prm.get("in") != "query" or prm.get("required"):
                    continue
                schema = prm.get("schema", {})
                if "anyOf" in schema:
                    if EMPTY_VALUE not in schema["anyOf"]:
                        schema["anyOf"].append(dict(EMPTY_VALUE))
                    continue
                outer = {k: schema.pop(k) for k in ("title", "description", "default", "examples") if k in schema}
                prm["schema"] = {**outer, "anyOf": [schema, dict(EMPTY_VALUE)]}
    return doc
