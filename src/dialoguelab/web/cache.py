"""A small in-memory cache of whole responses, keyed by path and query string.

The app is read-only and a loaded case is immutable, so the same GET always gets the same answer,
except where a route defaults to *today*: entries therefore expire after ``ttl`` seconds. Only 200
responses to GET requests under the cached prefixes are kept, each at most ``max_body`` bytes, and
at most ``max_entries`` of them (least recently used dropped first).
"""

from __future__ import annotations

__all__ = ["ResponseCacheMiddleware"]

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ResponseCacheMiddleware:
    """Pure ASGI middleware caching complete 200 responses of GET requests."""

    def __init__(
        self, app: ASGIApp, *, prefixes: tuple[str, ...] = ("/api/v1/",), max_entries: int = 1024,
        max_body: int = 4 * 1024 * 1024, ttl: float = 300.0,
    ) -> None:
        self.app = app
        self.prefixes = prefixes
        self.max_entries = max_entries
        self.max_body = max_body
        self.ttl = ttl
        self._store: OrderedDict[tuple[str, bytes], tuple[float, list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""))
        now = time.monotonic()
        entry = self._store.get(key)
        if entry is not None and now - entry[0] < self.ttl:
            self._store.move_to_end(key)
            self.hits += 1
            _, cached_headers, cached_body = entry
            await send({"type": "http.response.start", "status": 200, "headers": cached_headers})
            await send({"type": "http.response.body", "body": cached_body, "more_body": False})
            return
        self.misses += 1
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def capture(message: Message) -> None:
            nonlocal status, headers, size, keep
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
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
            self._store[key] = (now, headers, b"".join(chunks))
            self._store.move_to_end(key)
            while len(self._store) > self.max_entries:
                self._store.popitem(last=False)
