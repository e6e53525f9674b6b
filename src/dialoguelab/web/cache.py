"""An in-memory cache of whole responses, keyed by the case's version, the path and the query string.

The app is read-only and a loaded case is immutable, so the same GET on the same version of a case
always gets the same answer, except where a route defaults to *today*: entries therefore also expire
after ``ttl`` seconds. The key starts with the version (content hash) of the case the request asks
for (``?case=``, default the served one), so a case edited or merged on disk is never answered from
the cache of its previous version; every response says which version it was computed from in an
``X-Case-Version`` header (the first 12 hex digits of the case's content hash).

Single flight: while a response is being computed, identical requests (same key) wait for it instead
of computing it again, then get the stored copy. Only 200 responses to GET requests are kept, each at
most ``max_body`` bytes, at most ``max_entries`` of them (least recently used dropped first). Paths
under ``skip_prefixes`` (static files) pass through.

The version of a case is read by :func:`dialoguelab.case.load_case` (it compares the folder's file
sizes and times, about a millisecond) in a worker thread, never on the event loop, and at most every
``version_check`` seconds per case (default 0.2 s): a merge is seen by the next request after that.
"""

from __future__ import annotations

__all__ = ["ResponseCacheMiddleware", "VERSION_HEADER", "version_of"]

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

VERSION_HEADER = b"x-case-version"
VERSION_DIGITS = 12


def version_of(case: Any) -> str:
    """The version a response reports: the first 12 hex digits of the case's content hash."""
    return str(case.content_hash)[:VERSION_DIGITS]


class ResponseCacheMiddleware:
    """Pure ASGI middleware: single-flight cache of complete 200 GET responses, keyed by case version.

    Parameters
    ----------
    app : ASGI app
    cases : dict of str to Path
        The cases the app serves, by id (the first is the default), as ``app.state.cases``.
    skip_prefixes : tuple of str
        Paths that are neither cached nor versioned (static files).
    max_entries, max_body, ttl : int, int, float
        Bounds of the cache.
    version_check : float, default=0.2
        Seconds during which a case's version, once read, is reused.
    """

    def __init__(
        self, app: ASGIApp, *, cases: dict[str, Path], skip_prefixes: tuple[str, ...] = ("/static/", "/vendor/"),
        max_entries: int = 1024, max_body: int = 4 * 1024 * 1024, ttl: float = 300.0, version_check: float = 0.2,
    ) -> None:
        self.app = app
        self.cases = cases
        self.skip_prefixes = skip_prefixes
        self.max_entries = max_entries
        self.max_body = max_body
        self.ttl = ttl
        self.version_check = version_check
        self._store: OrderedDict[tuple[str, str, bytes], tuple[float, list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self._inflight: dict[tuple[str, str, bytes], asyncio.Event] = {}
        self._versions: dict[str, tuple[float, str]] = {}
        self._version_inflight: dict[str, asyncio.Future[str]] = {}
        self.hits = 0
        self.misses = 0
        self.waits = 0

    # -- the case's version ------------------------------------------------------------------
    def _case_path(self, scope: Scope) -> Path | None:
        query = scope.get("query_string", b"")
        name = None
        if b"case=" in query:
            values = parse_qs(query.decode("latin-1")).get("case")
            name = values[-1] if values else None
        if name is None:
            return next(iter(self.cases.values()), None)
        return self.cases.get(name)

    async def _version(self, path: Path) -> str:
        key = str(path)
        now = time.monotonic()
        known = self._versions.get(key)
        if known is not None and now - known[0] < self.version_check:
            return known[1]
        pending = self._version_inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        fut: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._version_inflight[key] = fut
        try:
            from dialoguelab.case import load_case

            version = version_of(await anyio.to_thread.run_sync(load_case, path))
            self._versions[key] = (time.monotonic(), version)
            fut.set_result(version)
            return version
        except BaseException as exc:
            fut.set_exception(exc)
            fut.exception()  # retrieved: no "never retrieved" warning when nobody waits
            raise
        finally:
            del self._version_inflight[key]

    # -- the cache ---------------------------------------------------------------------------
    def _lookup(self, key: tuple[str, str, bytes]) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
        entry = self._store.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry[0] >= self.ttl:
            del self._store[key]
            return None
        self._store.move_to_end(key)
        return entry[1], entry[2]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or scope["path"].startswith(
            self.skip_prefixes
        ):
            await self.app(scope, receive, send)
            return
        case_path = self._case_path(scope)
        if case_path is None:  # an unknown ?case=: the app answers 404 naming the cases there are
            await self.app(scope, receive, send)
            return
        try:
            version = await self._version(case_path)
        except Exception:  # a case that no longer loads: the app reports it
            await self.app(scope, receive, send)
            return
        key = (version, scope["path"], scope.get("query_string", b""))
        cacheable = scope.get("method") == "GET"
        while cacheable:
            found = self._lookup(key)
            if found is not None:
                self.hits += 1
                await send({"type": "http.response.start", "status": 200, "headers": found[0]})
                await send({"type": "http.response.body", "body": found[1], "more_body": False})
                return
            event = self._inflight.get(key)
            if event is None:
                break
            self.waits += 1
            await event.wait()  # single flight: the first request's answer is stored for us
            if self._lookup(key) is None:  # not cacheable (an error, too large): compute our own
                cacheable = False
        self.misses += 1
        event = asyncio.Event()
        if cacheable:
            self._inflight[key] = event
        try:
            await self._compute(scope, receive, send, key, version, store=cacheable)
        finally:
            if cacheable:
                del self._inflight[key]
                event.set()

    async def _compute(
        self, scope: Scope, receive: Receive, send: Send, key: tuple[str, str, bytes], version: str, *, store: bool
    ) -> None:
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        size = 0
        keep = store
        actual = version

        async def capture(message: Message) -> None:
            nonlocal status, headers, size, keep, actual
            if message["type"] == "http.response.start":
                status = message["status"]
                case = (scope.get("state") or {}).get("case")
                if case is not None:  # the version the route actually computed from
                    actual = version_of(case)
                headers = [h for h in message.get("headers", []) if h[0].lower() != VERSION_HEADER]
                headers.append((VERSION_HEADER, actual.encode("ascii")))
                message["headers"] = headers
            elif message["type"] == "http.response.body" and keep:
                body = message.get("body", b"")
                size += len(body)
                if size > self.max_body:
                    keep = False
                    chunks.clear()
                else:
                    chunks.append(body)
            await send(message)

        await self.app(scope, receive, capture)
        if status == 200 and keep:
            now = time.monotonic()
            self._store[(actual, key[1], key[2])] = (now, headers, b"".join(chunks))
            if actual != key[0]:  # the case changed under us: the next check of its version will see it
                self._versions.pop(str(self._case_path(scope)), None)
            while len(self._store) > self.max_entries:
                self._store.popitem(last=False)
