"""The embedding cache: three tiers and one encoder per window.

Key: (encoder sha256, scene checksum, hash of what the model sees (the scene's model bands, else its render
recipe), window key) — not the version id, so versions that only fine-tuned the decoder reuse every embedding.

- hot: an in-memory LRU in each process (``GEOLOOP_EMBEDDING_HOT_ITEMS`` windows, ~2 MiB each);
- media: fp16 ``.npy`` under the media key ``embeddings/`` (annotator.media: ``MEDIA_ROOT`` or the media bucket,
  so every machine sees what any worker encoded), one ``EmbeddingEntry`` row each, total size capped by
  ``GEOLOOP_EMBEDDING_CACHE_BYTES`` with least-recently-used eviction (``last_used_at``, touched at most once a
  minute per window and process). The rows in the shared database are the index of the prefix: whoever writes
  evicts (one evictor at a time, a Redis flag), a row is deleted only if nobody used it since it was chosen, and
  its file only by whoever deleted the row; a reader that finds a file gone forgets the row (it is encoded again);
- encode: the Celery task ``inference.encode_window`` on queue ``gpu``, which encodes up to
  ``GEOLOOP_ENCODE_BATCH`` pending windows at once (:mod:`inference.services.encoding`).

No window is encoded twice at once: whoever wants a missing window takes the Redis flag ``geoloop:emb:lock:<key>``
with ``SET NX EX``; only the taker enqueues the task. Everyone else (and the taker) subscribes to
``geoloop:emb:done:<key>``, on which the task publishes ``ok`` or ``error:<reason>`` when it ends (and drops the
flag). A waiter that sees the flag gone without a result (a worker killed mid-task) takes it again.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import redis
from celery import current_app
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from annotator.media import media_delete, media_path, media_put_bytes, media_read_bytes, media_remote
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
    """The key of ``window``'s embedding: the encoder, the scene's content and what the model sees of it (its model
    bands, else its render recipe: ``scene_model_recipe``), so a change of model bands never reuses an embedding."""
    from annotator.selectors.scenes import scene_model_recipe

    return EmbeddingKey(encoder=encoder_sha256, scene=scene.checksum or f"scene-{scene.pk}",
                        recipe=recipe_hash(scene_model_recipe(scene)), window=window.key)


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
        arr = _npy_read(entry.path)
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
    from inference.services.encoding import EncodeRequest, encode_request_open, encode_request_remove

    request = EncodeRequest(version_id, scene_id, key.window, (prefetch[0], prefetch[1]) if prefetch else None)
    r = redis_client()
    priority = PREFETCH_PRIORITY if prefetch else PROMPT_PRIORITY
    # the flag names the request that holds it, and is made with its listing: a process that encodes itself takes
    # over a request nobody claimed, and a flag whose request is neither listed nor claimed is known to be lost
    if not encode_request_open(request, priority=priority, key=key):
        if not prefetch:  # a prompt waits for it: ahead of every prefetch
            from inference.services.encoding import encode_request_promote

            encode_request_promote(key, priority=PROMPT_PRIORITY)
        return "pending"
    if EmbeddingEntry.objects.filter(key=key.cache_key).exists():  # finished between our check and the flag
        encode_request_remove(request)
        r.delete(_lock_name(key))
        return "cached"
    r.delete(_error_name(key))
    try:  # the task's message (by name, like every service that enqueues)
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
    from inference.services.encoding import encode_request_release_lost
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
                if encode_request_release_lost(key):  # its request was purged, or its scene deleted: ask again
                    continue
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


def _npy_read(key: str) -> np.ndarray:
    """An embedding file by media key: straight from disk locally, else one GET into memory."""
    if not media_remote():
        return np.load(media_path(key), allow_pickle=False)
    return np.load(io.BytesIO(media_read_bytes(key)), allow_pickle=False)


def _npy_write(key: str, arr: np.ndarray) -> int:
    buffer = io.BytesIO()
    np.save(buffer, arr, allow_pickle=False)
    return media_put_bytes(key, buffer.getvalue())


def embedding_store(*, key: EmbeddingKey, embedding: np.ndarray) -> EmbeddingEntry:
    """Write ``embedding`` (fp16) to media storage, record it, keep it hot, and evict over the size cap."""
    arr = np.ascontiguousarray(embedding, dtype=np.float16).reshape(1, *EMBEDDING_SHAPE)
    size = _npy_write(key.relpath, arr)
    entry, _ = EmbeddingEntry.objects.update_or_create(
        key=key.cache_key, defaults={"path": key.relpath, "size_bytes": size, "last_used_at": timezone.now()})
    HOT.put(key.cache_key, arr)
    embedding_cache_evict()
    return entry


EVICT_FLAG = "geoloop:emb:evicting"


def embedding_cache_evict(*, max_bytes: int | None = None) -> int:
    """Delete least-recently-used entries (row, then file) until the total is under the cap; returns how many.

    Several workers on several machines share the cache: one evicts at a time (a Redis flag; the others return, the
    holder brings the total down for everyone), an entry is deleted only if its ``last_used_at`` is still the one
    read (used meanwhile: kept), and its file only by whoever deleted its row. A file already gone is fine."""
    cap = int(settings.GEOLOOP_EMBEDDING_CACHE_BYTES if max_bytes is None else max_bytes)
    total = EmbeddingEntry.objects.aggregate(total=Sum("size_bytes"))["total"] or 0
    if total <= cap:
        return 0
    r = redis_client()
    token = f"{os.getpid()}:{time.time_ns()}"
    if not r.set(EVICT_FLAG, token, nx=True, ex=LOCK_TTL_S):
        return 0
    removed = 0
    try:
        for entry in EmbeddingEntry.objects.order_by("last_used_at", "id").only(
                "id", "path", "size_bytes", "key", "last_used_at").iterator(chunk_size=200):
            if total <= cap:
                break
            deleted, _ = EmbeddingEntry.objects.filter(pk=entry.pk, last_used_at=entry.last_used_at).delete()
            if deleted:
                media_delete(entry.path)
                total -= entry.size_bytes
                removed += 1
    finally:
        if _text(r.get(EVICT_FLAG) or b"") == token:
            r.delete(EVICT_FLAG)
    return removed


def embedding_encode(*, version_id: int, scene_id: int, window_key: str, prefetch: list | None = None) -> dict:
    """The ``inference.encode_window`` task's work: this window and up to ``GEOLOOP_ENCODE_BATCH`` - 1 other pending
    ones encoded in one batch, stored, their waiters told (:mod:`inference.services.encoding`). A stale prefetch
    (its viewer reported another viewport since) is skipped: the flag is dropped and ``skipped`` published, so that
    a waiter (a click on that window after all) asks again, at prompt priority."""
    from inference.services.encoding import embedding_encode as encode_pending

    return encode_pending(version_id=version_id, scene_id=scene_id, window_key=window_key, prefetch=prefetch)


def scene_window_rgb(scene, window: Window) -> np.ndarray:
    """The uint8 RGB ``(S, S, 3)`` image of ``window`` of ``scene`` as every encode reads it: from the scene COG
    with the scene's model bands, else its render recipe (else the one derived from the COG's statistics)."""
    from annotator.selectors.scenes import scene_cog_file, scene_cog_reading, scene_model_recipe
    from inference.imagery_window import read_window, recipe_from_statistics

    cog = scene_cog_file(scene)
    with scene_cog_reading():  # a local file, or range requests to the media bucket
        recipe = scene_model_recipe(scene) or recipe_from_statistics(cog)
        return read_window(cog, window, recipe).rgb


def _encode_store(key: EmbeddingKey, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """Encode (counted in ``ENCODE_COUNTER``) and store; the caller holds the window's flag."""
    arr = np.ascontiguousarray(compute(), dtype=np.float16).reshape(1, *EMBEDDING_SHAPE)
    redis_client().hincrby(ENCODE_COUNTER, key.cache_key, 1)
    embedding_store(key=key, embedding=arr)
    return arr


def embedding_cached(*, key: EmbeddingKey, compute: Callable[[], np.ndarray], wait_s: float | None = None,
                     poll_s: float = 0.2) -> np.ndarray:
    """``key``'s embedding from the cache, else ``compute()``-d HERE (by a caller that holds the model already:
    the training set builder, evaluation) and stored for everyone: the next run, the prompt path, the candidate.

    Still one encode per window: the same Redis flag as the ``inference.encode_window`` task. When a queued request
    holds it that no worker has claimed yet (a prefetch, waiting behind this very job on a busy worker), this caller
    takes the request over and encodes it (the task's message then finds it done). Only an encode already running
    elsewhere (a worker's batch, another caller like this one) is waited for, up to ``wait_s`` (default the flag's
    TTL); when its flag goes away without a result, this caller computes it."""
    from inference.services.encoding import encode_request_take

    arr = embedding_load(key)
    if arr is not None:
        return arr
    r = redis_client()
    deadline = time.monotonic() + float(LOCK_TTL_S if wait_s is None else wait_s)
    while (claim := encode_request_take(key)) is None:
        if time.monotonic() > deadline:
            raise EncodingTimeout(f"window {key.window} was not encoded within {wait_s} s by its other encoder")
        db_connection_release()
        time.sleep(poll_s)
        if not r.exists(_lock_name(key)):
            arr = embedding_load(key)
            if arr is not None:
                return arr
    outcome = "ok"
    try:
        arr = embedding_load(key)  # stored between our look and the flag
        if arr is None:
            arr = _encode_store(key, compute)
    except Exception as exc:
        outcome = f"error:{type(exc).__name__}: {exc}"[:500]
        raise
    finally:
        if claim:  # a request taken over: its claim goes with the flag
            r.delete(claim)
        r.delete(_lock_name(key))
        r.publish(_channel(key), outcome)
    return arr


def encode_count(key: EmbeddingKey) -> int:
    """How many times ``key`` was really encoded (the de-duplication counter)."""
    value = redis_client().hget(ENCODE_COUNTER, key.cache_key)
    return int(value or 0)
