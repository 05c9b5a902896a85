"""The embedding cache: three tiers and one encoder per window.

Key: (encoder sha256, scene checksum, render recipe hash, window key) — not the version id, so versions that only
fine-tuned the decoder reuse every embedding.

- hot: an in-memory LRU in each process (``GEOLOOP_EMBEDDING_HOT_ITEMS`` windows, ~2 MiB each);
- media: fp16 ``.npy`` under ``MEDIA_ROOT/embeddings/``, one ``EmbeddingEntry`` row each, total size capped by
  ``GEOLOOP_EMBEDDING_CACHE_BYTES`` with least-recently-used eviction (``last_used_at``, touched at most once a
  minute per window and process);
- encode: the Celery task ``inference.encode_window`` on queue ``gpu``, which encodes up to
  ``GEOLOOP_ENCODE_BATCH`` pending windows at once (:mod:`inference.services.encoding`).

No window is encoded twice at once: whoever wants a missing window takes the Redis flag ``geoloop:emb:lock:<key>``
with ``SET NX EX``; only the taker enqueues the task. Everyone else (and the taker) subscribes to
``geoloop:emb:done:<key>``, on which the task publishes ``ok`` or ``error:<reason>`` when it ends (and drops the
flag). A waiter that sees the flag gone without a result (a worker killed mid-task) takes it again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import redis
from celery import current_app
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from inference.models import EmbeddingEntry
from inference.sam import EMBEDDING_SHAPE
from inference.services.errors import EncodingFailed, EncodingTimeout
from inference.windows import Window

log = logging.getLogger(__name__)

EMBEDDINGS_DIR = "embeddings"
LOCK_TTL_S = 600  # longer than a queue of prefetches ahead of a window plus its encode
ERROR_TTL_S = 60
TOUCH_EVERY_S = 60.0
ENCODE_COUNTER = "geoloop:emb:encodes"  # hash: cache key -> number of real encodes (tests, bench)


# ------------------------------------------------------------------------------------------------ keys


def recipe_hash(recipe: dict | None) -> str:
    return hashlib.sha256(json.dumps(recipe or {}, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class EmbeddingKey:
    encoder: str
    scene: str  # scene checksum (or "scene-<id>" when a scene has none)
    recipe: str
    window: str

    @property
    def cache_key(self) -> str:
        return f"{self.encoder[:24]}/{self.scene[:24]}/{self.recipe}/{self.window}"

    @property
    def relpath(self) -> str:
        return "/".join([EMBEDDINGS_DIR, self.encoder[:24], self.scene[:24], self.recipe,
                         self.window.replace("/", "_") + ".npy"])


def embedding_key(*, encoder_sha256: str, scene, window: Window) -> EmbeddingKey:
    return EmbeddingKey(encoder=encoder_sha256, scene=scene.checksum or f"scene-{scene.pk}",
                        recipe=recipe_hash(scene.render_recipe), window=window.key)


def _lock_name(key: EmbeddingKey) -> str:
    return f"geoloop:emb:lock:{key.cache_key}"


def _channel(key: EmbeddingKey) -> str:
    return f"geoloop:emb:done:{key.cache_key}"


def _error_name(key: EmbeddingKey) -> str:
    return f"geoloop:emb:error:{key.cache_key}"


# ------------------------------------------------------------------------------------------------ redis


_redis: tuple[int, redis.Redis] | None = None


def _text(value: bytes | str) -> str:
    """A Redis value as text (the client returns bytes)."""
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def redis_client() -> redis.Redis:
    """A process-wide client (re-made after a fork: Celery's prefork children)."""
    global _redis
    if _redis is None or _redis[0] != os.getpid():
        _redis = (os.getpid(), redis.Redis.from_url(settings.REDIS_URL, health_check_interval=30))
    return _redis[1]


# ------------------------------------------------------------------------------------------------ hot tier


class HotCache:
    """A thread-safe LRU of embeddings in this process."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._touched: dict[str, float] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> np.ndarray | None:
        with self._lock:
            arr = self._items.get(key)
            if arr is not None:
                self._items.move_to_end(key)
            return arr

    def put(self, key: str, arr: np.ndarray) -> None:
        limit = max(1, int(settings.GEOLOOP_EMBEDDING_HOT_ITEMS))
        with self._lock:
            self._items[key] = arr
            self._items.move_to_end(key)
            while len(self._items) > limit:
                self._items.popitem(last=False)

    def due_touch(self, key: str) -> bool:
        """Whether this process should record a use of ``key`` in the database now (once a minute at most)."""
        now = time.monotonic()
        with self._lock:
            if now - self._touched.get(key, -1e9) < TOUCH_EVERY_S:
                return False
            if len(self._touched) > 4096:
                self._touched.clear()
            self._touched[key] = now
            return True

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._touched.clear()


HOT = HotCache()


def embedding_touch(key: EmbeddingKey) -> None:
    """Record a use of ``key`` for the LRU eviction (database write)."""
    EmbeddingEntry.objects.filter(key=key.cache_key).update(last_used_at=timezone.now())


def _touch(key: EmbeddingKey) -> None:
    if HOT.due_touch(key.cache_key):
        embedding_touch(key)


def embedding_hot(key: EmbeddingKey) -> np.ndarray | None:
    """This process's in-memory copy, if any (no I/O besides a throttled LRU touch)."""
    arr = HOT.get(key.cache_key)
    if arr is not None:
        _touch(key)
    return arr


def embedding_load(key: EmbeddingKey) -> np.ndarray | None:
    """fp16 ``(1, 256, 64, 64)`` from the hot tier, else from media storage (then kept hot); None when missing."""
    arr = embedding_hot(key)
    if arr is not None:
        return arr
    entry = EmbeddingEntry.objects.filter(key=key.cache_key).only("path").first()
    if entry is None:
        return None
    try:
        arr = np.load(Path(settings.MEDIA_ROOT) / entry.path, allow_pickle=False)
    except (FileNotFoundError, ValueError, OSError):
        log.warning("embedding file of %s is missing or unreadable; forgetting it", key.cache_key)
        EmbeddingEntry.objects.filter(key=key.cache_key).delete()
        return None
    if arr.shape != (1, *EMBEDDING_SHAPE):
        EmbeddingEntry.objects.filter(key=key.cache_key).delete()
        return None
    HOT.put(key.cache_key, arr)
    _touch(key)
    return arr


def embedding_known(keys: Iterable[EmbeddingKey]) -> set[str]:
    """Cache keys among ``keys`` that are hot here or stored on media (one query)."""
    keys = list(keys)
    known = {k.cache_key for k in keys if HOT.get(k.cache_key) is not None}
    rest = [k.cache_key for k in keys if k.cache_key not in known]
    if rest:
        known.update(EmbeddingEntry.objects.filter(key__in=rest).values_list("key", flat=True))
    return known


# ------------------------------------------------------------------------------------------------ request / wait


PROMPT_PRIORITY = 0  # Redis transport: 0 is served first
PREFETCH_PRIORITY = 6


def prefetch_generation_set(viewer: str) -> str:
    """Start a new prefetch generation for ``viewer`` (one socket); encodes queued for its older viewports that
    have not started are skipped (nobody is looking there any more)."""
    generation = f"{time.time_ns()}"
    redis_client().set(f"geoloop:prefetch:gen:{viewer}", generation, ex=LOCK_TTL_S)
    return generation


def _prefetch_stale(prefetch: tuple[str, str] | None) -> bool:
    if not prefetch:
        return False
    viewer, generation = prefetch
    current = redis_client().get(f"geoloop:prefetch:gen:{viewer}")
    return current is not None and _text(current) != generation


def embedding_request(*, key: EmbeddingKey, version_id: int, scene_id: int, known: bool | None = None,
                      prefetch: tuple[str, str] | None = None) -> str:
    """Make sure ``key`` is being computed: ``"cached"``, ``"queued"`` (this call enqueued the encode) or
    ``"pending"`` (someone else's encode is queued or running). A prompt's encode is queued ahead of prefetches;
    ``prefetch`` = (viewer, generation) marks a prefetch, skipped if the viewer has moved on before it starts."""
    if known is None:
        known = bool(embedding_known([key]))
    if known:
        return "cached"
    r = redis_client()
    if not r.set(_lock_name(key), f"{version_id}:{scene_id}", nx=True, ex=LOCK_TTL_S):
        if not prefetch:  # a prompt waits for it: ahead of every prefetch
            from inference.services.encoding import encode_request_promote

            encode_request_promote(key, priority=PROMPT_PRIORITY)
        return "pending"
    if EmbeddingEntry.objects.filter(key=key.cache_key).exists():  # finished between our check and the flag
        r.delete(_lock_name(key))
        return "cached"
    r.delete(_error_name(key))
    from inference.services.encoding import EncodeRequest, encode_request_add, encode_request_remove

    request = EncodeRequest(version_id, scene_id, key.window, (prefetch[0], prefetch[1]) if prefetch else None)
    priority = PREFETCH_PRIORITY if prefetch else PROMPT_PRIORITY
    try:  # listed for the batching worker, then the task's message (by name, like every service that enqueues)
        encode_request_add(request, priority=priority, key=key)
        current_app.send_task("inference.encode_window", args=(version_id, scene_id, key.window),
                              kwargs={"prefetch": list(prefetch)} if prefetch else {}, priority=priority)
    except Exception:
        encode_request_remove(request)
        r.delete(_lock_name(key))
        raise
    return "queued"


def db_connection_release() -> None:
    """Give this thread's database connection back (to the pool) before it blocks on something else (an encode,
    a socket); the next query takes one again. Inside a transaction it stays (it cannot be given back)."""
    from django.db import connection

    if not connection.in_atomic_block:
        connection.close()


def embedding_wait(
    *,
    key: EmbeddingKey,
    version_id: int,
    scene_id: int,
    timeout: float | None = None,
    load: Callable[[EmbeddingKey], np.ndarray | None] = embedding_load,
) -> np.ndarray:
    """Block until the encode of ``key`` ends and return the embedding (``load`` reads it: pass
    :func:`embedding_present` to only wait). Raises :class:`EncodingFailed` / :class:`EncodingTimeout`, and
    :class:`NoInferenceWorker` when the workers go away meanwhile.

    No database connection is held while blocked: ``load`` (a query unless hot) runs at the start, when the encode
    announces its end, and when its flag disappears; the connection is given back before each wait."""
    from inference.services.workers import inference_worker_require

    timeout = float(settings.GEOLOOP_ENCODE_WAIT_S if timeout is None else timeout)
    r = redis_client()
    pubsub = r.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(_channel(key))
    deadline = time.monotonic() + timeout
    look = True
    try:
        while True:
            if look:
                arr = load(key)
                if arr is not None:
                    return arr
            error = r.get(_error_name(key))
            if error is not None:
                raise EncodingFailed(f"encoding window {key.window} failed: {_text(error)}")
            if not r.exists(_lock_name(key)):
                # nobody is encoding it (a worker died, or it ended between our checks): one more look, then ask
                arr = load(key)
                if arr is not None:
                    return arr
                inference_worker_require()
                embedding_request(key=key, version_id=version_id, scene_id=scene_id, known=False)
            else:
                inference_worker_require()  # cached: one Redis read every few seconds
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EncodingTimeout(f"window {key.window} was not encoded within {timeout:.0f} s")
            db_connection_release()
            msg = pubsub.get_message(timeout=min(1.0, remaining))
            look = msg is not None
            if msg is not None and str(msg.get("data", b""), errors="replace").startswith("error"):
                reason = str(msg["data"], errors="replace").partition(":")[2]
                raise EncodingFailed(f"encoding window {key.window} failed: {reason}")
    finally:
        pubsub.close()


def embedding_present(key: EmbeddingKey):
    """A ``load`` for :func:`embedding_wait` that only checks the media tier (worker-decode mode)."""
    return True if EmbeddingEntry.objects.filter(key=key.cache_key).exists() else None


# ------------------------------------------------------------------------------------------------ encode (worker)


def _write_npy(path: Path, arr: np.ndarray) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, arr, allow_pickle=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path.stat().st_size


def embedding_store(*, key: EmbeddingKey, embedding: np.ndarray) -> EmbeddingEntry:
    """Write ``embedding`` (fp16) to media storage, record it, keep it hot, and evict over the size cap."""
    arr = np.ascontiguousarray(embedding, dtype=np.float16).reshape(1, *EMBEDDING_SHAPE)
    size = _write_npy(Path(settings.MEDIA_ROOT) / key.relpath, arr)
    entry, _ = EmbeddingEntry.objects.update_or_create(
        key=key.cache_key, defaults={"path": key.relpath, "size_bytes": size, "last_used_at": timezone.now()})
    HOT.put(key.cache_key, arr)
    embedding_cache_evict()
    return entry


def embedding_cache_evict(*, max_bytes: int | None = None) -> int:
    """Delete least-recently-used entries (file and row) until the total is under the cap; returns how many."""
    cap = int(settings.GEOLOOP_EMBEDDING_CACHE_BYTES if max_bytes is None else max_bytes)
    total = EmbeddingEntry.objects.aggregate(total=Sum("size_bytes"))["total"] or 0
    removed = 0
    if total <= cap:
        return 0
    for entry in EmbeddingEntry.objects.order_by("last_used_at", "id").only("id", "path", "size_bytes", "key"):
        if total <= cap:
            break
        (Path(settings.MEDIA_ROOT) / entry.path).unlink(missing_ok=True)
        EmbeddingEntry.objects.filter(pk=entry.pk).delete()
        total -= entry.size_bytes
        removed += 1
    return removed


def embedding_encode(*, version_id: int, scene_id: int, window_key: str, prefetch: list | None = None) -> dict:
    """The ``inference.encode_window`` task's work: this window and up to ``GEOLOOP_ENCODE_BATCH`` - 1 other pending
    ones encoded in one batch, stored, their waiters told (:mod:`inference.services.encoding`). A stale prefetch
    (its viewer reported another viewport since) is skipped: the flag is dropped and ``skipped`` published, so that
    a waiter (a click on that window after all) asks again, at prompt priority."""
    from inference.services.encoding import embedding_encode as encode_pending

    return encode_pending(version_id=version_id, scene_id=scene_id, window_key=window_key, prefetch=prefetch)


def encode_count(key: EmbeddingKey) -> int:
    """How many times ``key`` was really encoded (the de-duplication counter)."""
    value = redis_client().hget(ENCODE_COUNTER, key.cache_key)
    return int(value or 0)
