"""A bounded, thread-safe memo of pure computations keyed by their exact inputs.

A monthly series asks the engines the same question again for every month in which nothing changed (the
same members, the same probabilities): the memo answers those from memory. Keys must hold everything the
answer depends on (typically the bytes of the arrays it reads); the oldest entries go first when the memo
is full. Unlike :func:`functools.lru_cache` it takes explicit keys, so arrays can be keyed by their bytes.
"""

from __future__ import annotations

__all__ = ["Memo"]

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    """At most ``size`` answers, least recently used first out.

    Examples
    --------
    >>> m: Memo[int] = Memo(2)
    >>> m.get(("a",), lambda: 1), m.get(("a",), lambda: 2)
    (1, 1)
    >>> len(m)
    1
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a memo holds at least one answer")
        self.size = size
        self._entries: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer for ``key``: remembered, or computed by ``compute()`` (outside the lock) and kept."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
