"""Security headers, request bounds and error handlers: no stack trace reaches a client.

- Every response carries a Content-Security-Policy that allows scripts only from this server
  (no ``'unsafe-inline'`` scripts, no ``eval``), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY`` and a restrictive
  ``Permissions-Policy`` (OWASP Secure Headers Project).
- Requests whose query string is longer than ``Settings.max_query_length`` get 414, and methods
  other than GET/HEAD get 405: the app is read-only.
- Requests whose ``Host`` header is not one of ``Settings.allowed_hosts`` (default: localhost,
  127.0.0.1 and ::1, any port) get 400: a page on another site that re-binds its own name to this
  machine's address (DNS rebinding) cannot read the dashboard or its API.
- Library errors are translated once here (STYLE.md §2): :class:`InvalidParameterError` → 422,
  :class:`UnknownIdError` → 404, any other error → 500 with a generic message (logged server side).
  Validation errors become a 422 whose body names each field, without echoing the input.
"""

from __future__ import annotations

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "SECURITY_HEADERS",
    "SecurityHeadersMiddleware",
    "install_error_handlers",
    "is_api_path",
    "host_allowed",
    "DEFAULT_ALLOWED_HOSTS",
]

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from dialoguelab.errors import DialoguelabError, InvalidParameterError, UnknownIdError

log = logging.getLogger("dialoguelab.web")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Plotly sets inline style attributes on the SVG it draws; styles only, never scripts.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

_RAW_HEADERS = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]
_ALLOWED_METHODS = {"GET", "HEAD"}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


DEFAULT_ALLOWED_HOSTS = ("localhost", "127.0.0.1", "::1")


def _host_name(header: str) -> str:
    """The host name of a ``Host`` header, lower-cased, without its port (``[::1]:8000`` → ``::1``)."""
    h = header.strip().lower()
    if h.startswith("["):
        end = h.find("]")
        return h[1:end] if end > 0 else h
    if h.count(":") == 1:
        h = h.split(":", 1)[0]
    return h.rstrip(".")


def host_allowed(header: str | None, allowed: tuple[str, ...] | list[str]) -> bool:
    """Whether a ``Host`` header names one of ``allowed`` (any port; ``*`` allows every host).

    >>> host_allowed("127.0.0.1:8000", DEFAULT_ALLOWED_HOSTS), host_allowed("[::1]:80", DEFAULT_ALLOWED_HOSTS)
    (True, True)
    >>> host_allowed("attacker.example:8000", DEFAULT_ALLOWED_HOSTS), host_allowed(None, DEFAULT_ALLOWED_HOSTS)
    (False, False)
    """
    if "*" in allowed:
        return True
    if not header:
        return False
    name = _host_name(header)
    return any(name == a.strip().lower().strip("[]") for a in allowed)


def is_api_path(path: str) -> bool:
    """Whether a path belongs to the JSON API (errors as JSON) rather than a page (errors as HTML)."""
    return path.startswith("/api/") or path == "/openapi.json"


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: add the security headers, bound the query string, allow GET/HEAD only.

    Written as plain ASGI (not ``BaseHTTPMiddleware``) so that it adds no task per request.
    """

    def __init__(
        self, app: ASGIApp, max_query_length: int = 2048, allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    ) -> None:
        self.app = app
        self.max_query_length = max_query_length
        self.allowed_hosts = tuple(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), None)
        if not host_allowed(host, self.allowed_hosts):
            await self._reject(
                scope, receive, send, 400,
                "This server does not answer to that Host name. Open it as http://127.0.0.1 or "
                "http://localhost, or start it with `dialoguelab serve --allow-host NAME`.",
            )
            return
        query: bytes = scope.get("query_string", b"")
        if len(query) > self.max_query_length:
            await self._reject(
                scope, receive, send, 414,
                f"The query string is {len(query)} characters long; the limit is {self.max_query_length}.",
            )
            return
        if scope.get("method", "GET") not in _ALLOWED_METHODS:
            await self._reject(
                scope, receive, send, 405, "This server is read-only: use GET.", {"Allow": "GET, HEAD"}
            )
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend(h for h in _RAW_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception:  # the last line of defence: log it, answer 500, never show a traceback
            log.exception("unhandled error on %s", scope.get("path", ""))
            if started:
                raise
            await self._reject(
                scope, receive, send, 500, "Internal error: the server could not answer this request."
            )

    async def _reject(
        self, scope: Scope, receive: Receive, send: Send, status: int, message: str,
        extra: dict[str, str] | None = None,
    ) -> None:
        path = scope.get("path", "")
        response: Response
        if is_api_path(path):
            response = JSONResponse({"detail": message}, status_code=status, headers=extra)
        else:
            response = HTMLResponse(_plain_error_page(status, message), status_code=status, headers=extra)
        response.headers.update(SECURITY_HEADERS)
        await response(scope, receive, send)


def _plain_error_page(status: int, message: str) -> str:
    from html import escape

    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Error "
        f"{status}</title></head><body><h1>Error {status}</h1><p>{escape(message)}</p>"
        '<p><a href="/">Back to the overview</a></p></body></html>'
    )


#: What a parameter's pattern means, in words, for error messages (a user should not have to read a regex).
PATTERN_WORDS: dict[str, str] = {
    r"^(\d{4}(-\d{2}(-\d{2})?)?)?$": "a date as YYYY, YYYY-MM or YYYY-MM-DD",
    r"^(\d{4}-\d{2}-\d{2})?$": "a day as YYYY-MM-DD",
    r"^([A-Za-z]{3}(,[A-Za-z]{3}){0,49})?$": "ISO 3166 alpha-3 codes separated by commas (e.g. ESP,GRC)",
    r"^[a-z0-9][a-z0-9_.\-]*$": "a lower-case id (letters, digits, '.', '_' and '-')",
    r"^[A-Za-z][A-Za-z0-9 _.\-]*$": "a name or id starting with a letter (e.g. UN, NATO)",
    r"^[A-Za-z][A-Za-z .'\-]*$": "a name made of letters (e.g. Spain)",
    r"^([A-Za-z]+(,[A-Za-z]+)*)?$": "words separated by commas",
    r"^[a-z, ]+$": "lower-case words separated by commas",
}


def _message(err: Any) -> str:
    if err.get("type") == "string_pattern_mismatch":
        pattern = str((err.get("ctx") or {}).get("pattern", ""))
        words = PATTERN_WORDS.get(pattern, "in the format the API reference gives (/api)")
        return f"must be {words}"  # the value itself is not echoed back
    return str(err.get("msg", "invalid value"))


def _field_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        location = loc[0] if loc else ""
        field = ".".join(loc[1:]) if len(loc) > 1 else location
        out.append({"field": field, "location": location, "message": _message(err)})
    return out


def _error_response(request: Request, status: int, message: str, fields: list[dict[str, str]] | None = None):
    if is_api_path(request.url.path):
        body: dict[str, Any] = {"detail": message}
        if fields is not None:
            body["errors"] = fields
        return JSONResponse(body, status_code=status)
    from dialoguelab.web.render import render_error  # in the site's layout, with its navigation

    return render_error(request, status, message, fields)


def install_error_handlers(app: FastAPI) -> None:
    """Translate errors into 4xx/5xx responses (JSON under ``/api``, an HTML page elsewhere)."""

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields = _field_errors(exc)
        names = ", ".join(sorted({f["field"] for f in fields})) or "request"
        first = fields[0]["message"].rstrip(".") if fields else "invalid value"
        return _error_response(request, 422, f"Invalid value for {names}: {first}.", fields)

    @app.exception_handler(InvalidParameterError)
    async def _invalid(request: Request, exc: InvalidParameterError) -> Response:
        return _error_response(request, 422, str(exc))

    @app.exception_handler(UnknownIdError)
    async def _unknown(request: Request, exc: UnknownIdError) -> Response:
        return _error_response(request, 404, str(exc))

    @app.exception_handler(DialoguelabError)
    async def _library(request: Request, exc: DialoguelabError) -> Response:
        return _error_response(request, 422, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        response = _error_response(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response
