"""The decoder's run-time helpers: the float32 embedding copies, decodes in flight, intra-op threads."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict

import numpy as np
from django.conf import settings

_F32: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()
_F32_ITEMS = 4  # 4 MiB each: the windows the active annotators are clicking in
_F32_LOCK = threading.Lock()


def _as_f32(embedding):
    """The decoder's float32 copy of an fp16 embedding, kept for the few most recent windows (the conversion of
    the 1 M values costs ~1.5 ms a click otherwise)."""
    if not isinstance(embedding, np.ndarray) or embedding.dtype != np.float16:
        return embedding
    with _F32_LOCK:
        hit = _F32.get(id(embedding))
        if hit is not None and hit[0] is embedding:
            _F32.move_to_end(id(embedding))
            return hit[1]
    f32 = embedding.astype(np.float32)
    with _F32_LOCK:
        _F32[id(embedding)] = (embedding, f32)  # the reference keeps the id from being reused
        while len(_F32) > _F32_ITEMS:
            _F32.popitem(last=False)
    return f32


_busy = 0
_busy_lock = threading.Lock()


class _InFlight:
    """Counts this process's decodes running now."""

    def __enter__(self) -> int:
        global _busy
        with _busy_lock:
            _busy += 1
            return _busy

    def __exit__(self, *exc) -> None:
        global _busy
        with _busy_lock:
            _busy -= 1


_load = [0.0, 0.0]  # [monotonic time read, 1-minute load average]


def _machine_busy() -> bool:
    """Whether the machine's 1-minute load average is at or above its core count (read once a second)."""
    now = time.monotonic()
    if now - _load[0] > 1.0:
        try:
            _load[:] = [now, os.getloadavg()[0]]
        except OSError:
            _load[:] = [now, 0.0]
    return _load[1] >= (os.cpu_count() or 1)


def _intra_threads(busy: int) -> int:
    """onnxruntime intra-op threads for a decode: ``GEOLOOP_DECODE_INTRA_THREADS`` = a number, or ``auto`` (the
    default): 2 when this is the only decode running in the process and the machine is not saturated, else 1.
    Measured on the 2-core VM (README "Architecture notes"): one annotator decodes in ~21 ms instead of ~35 ms;
    with 8 annotators the decode pool's 2 threads already fill the cores, and 2 intra-op threads beside other
    processes' load were slower (66 vs 35 ms), hence the checks."""
    raw = str(getattr(settings, "GEOLOOP_DECODE_INTRA_THREADS", None)
              or os.environ.get("GEOLOOP_DECODE_INTRA_THREADS", "auto")).strip().lower()
    if raw == "auto":
        return 2 if busy <= 1 and not _machine_busy() else 1
    try:
        return max(1, int(raw))
    except ValueError:
        return 1
