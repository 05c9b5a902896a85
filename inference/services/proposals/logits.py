"""Recent answers' low-res logits and meta, by proposal id: this process's memory, then Redis
(``geoloop:logits:<id>``, TTL :data:`LOGITS_TTL_S`)."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict

import numpy as np

from inference.sam import LOW_RES_SIZE
from inference.services.embeddings import redis_client

LOGITS_TTL_S = 900


class LogitsMemory:
    """This process's recent answers' low-res logits and meta, keyed by proposal id (LRU, TTL LOGITS_TTL_S):
    the next click of a socket finds them without a Redis round trip; Redis holds them across processes."""

    def __init__(self, items: int = 256) -> None:
        self.items = items
        self._data: OrderedDict[int, tuple[float, dict, np.ndarray | None]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, proposal_id: int, meta: dict, logits: np.ndarray | None) -> None:
        with self._lock:
            self._data[proposal_id] = (time.monotonic() + LOGITS_TTL_S, meta, logits)
            self._data.move_to_end(proposal_id)
            while len(self._data) > self.items:
                self._data.popitem(last=False)

    def get(self, proposal_id: int) -> tuple[dict, np.ndarray | None] | None:
        with self._lock:
            entry = self._data.get(proposal_id)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self._data[proposal_id]
                return None
            return entry[1], entry[2]

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


LOGITS = LogitsMemory()


def _previous(proposal_id: int | None) -> tuple[dict, np.ndarray | None] | None:
    if proposal_id is None:
        return None
    hit = LOGITS.get(proposal_id)
    if hit is not None:
        return hit
    raw = redis_client().hgetall(f"geoloop:logits:{proposal_id}")
    if not raw or b"meta" not in raw:
        return None
    meta = json.loads(raw[b"meta"])
    logits = None
    data = raw.get(b"logits")
    if isinstance(data, bytes) and len(data) == LOW_RES_SIZE * LOW_RES_SIZE * 2:
        logits = np.frombuffer(data, dtype=np.float16).reshape(LOW_RES_SIZE, LOW_RES_SIZE)
    return meta, logits


def uncertainty_get(proposal_id: int) -> np.ndarray | None:
    """The answer's uncertainty map (uint8 ``(256, 256)``, :func:`.candidates.uncertainty_map`), kept beside its
    logits in Redis for ``LOGITS_TTL_S``; None once expired (or for an answer stored before it was kept)."""
    data = redis_client().hget(f"geoloop:logits:{proposal_id}", "uncertainty")
    if not isinstance(data, bytes) or len(data) != LOW_RES_SIZE * LOW_RES_SIZE:
        return None
    return np.frombuffer(data, dtype=np.uint8).reshape(LOW_RES_SIZE, LOW_RES_SIZE)
