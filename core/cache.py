"""Small per-process caches."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any


class TtlCache:
    """A small per-process cache whose entries expire after ``ttl`` seconds (cleared whole when full)."""

    def __init__(self, ttl: float, size: int = 4096):
        self.ttl, self.size = ttl, size
        self._items: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, default: Any = None) -> Any:
        item = self._items.get(key)
        if item is not None and time.monotonic() - item[0] < self.ttl:
            return item[1]
        return default

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()
            self._items[key] = (time.monotonic(), value)

    def pop(self, key: Any) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class BytesLru:
    """A per-process least-recently-used cache of byte strings bounded by their total size (``max_bytes``; 0 turns
    it off). A value larger than an eighth of the bound is not kept, so one huge entry cannot flush the rest."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max(0, max_bytes)
        self.used = 0
        self._items: OrderedDict[Any, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Any, value: bytes) -> None:
        size = len(value)
        if size * 8 > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.used -= len(old)
            self._items[key] = value
            self.used += size
            while self.used > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self.used -= len(evicted)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.used = 0

    def __len__(self) -> int:
        return len(self._items)
