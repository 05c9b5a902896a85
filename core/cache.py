"""Small per-process caches."""

from __future__ import annotations

import threading
import time
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
