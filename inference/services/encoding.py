"""Batched encoding on the ``gpu`` worker: one ``inference.encode_window`` task encodes up to N pending windows.

Every encode request is two things: the Celery message (``inference.encode_window``, which wakes a worker) and a
member of the Redis sorted set :data:`PENDING` (what is still to encode, prompts ahead of prefetches, oldest
first). :func:`embedding_request` adds both, after taking the window's flag (``geoloop:emb:lock:<key>``, see
:mod:`inference.services.embeddings`).

A task, when it starts, claims in one atomic step (a Lua script) the first N requests of :data:`PENDING` (the
set, not the message, orders the work: a prompt's request, or a prefetch a prompt waits for and promoted by
:func:`encode_request_promote`, is encoded next); a claim is a key ``geoloop:emb:claim:<member>`` that lives as
long as the ``gpu`` queue's hard time limit. It then encodes the claimed windows in one
:func:`inference.sam.encode_batch` call per model version (bf16 autocast on CUDA, fp32 on the CPU), stores each,
drops each flag and claim and publishes ``ok`` (or ``error:<reason>`` / ``skipped``) on each window's channel, as a
single encode always did.

Celery's semantics stay as they were (``gpu`` tasks are acknowledged on receipt, one prefetched): a request that a
batch took still has its own message in the queue. When that message runs, its request is no longer pending:

- claimed by a batch still running (the claim key exists): that batch publishes;
- no claim left: the batch has finished (the embedding is stored: ``ok`` is published again, nothing encoded) or
  its worker died (nothing stored: this task encodes it). So no window is encoded twice, and a worker killed
  mid-batch loses only its own message's window, exactly as an unbatched worker did (that one waits for the
  flag's TTL, the existing rule).

A process that encodes for itself (the training set builder, evaluation: :func:`embedding_cached`) and finds a
window's flag held takes over the request that holds it when that request is still pending (the flag's value names
it; one atomic step unlists and claims it, :func:`encode_request_take`): a prefetch queued behind a training job on
the same worker would otherwise make that job wait for itself. Only a claimed request is waited for.

The flag and the listing are made in one step (:func:`encode_request_open`), so a flag naming a request that is
neither pending nor claimed is lost: its message was purged, or its batch could not name the window to drop the
flag by (its scene was deleted; another scene of the same imagery shares the window). A process encoding for
itself takes a lost flag over; a prompt's waiter drops it and asks again for its own scene
(:func:`encode_request_release_lost`). A batch drops a flag before its claim, so a live flag never looks lost.

Whether or not it took its own request, a message takes the first N pending ones: every message takes at least one
while any is pending, and there are never fewer messages queued than requests pending, so none is stranded.

``N`` is ``GEOLOOP_ENCODE_BATCH``; 0 (the default) means from the device: 8 on CUDA, 1 on the CPU (where a batch
is no faster per image, and a prompt's window should not wait behind seven prefetches).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings

from inference.services.embeddings import (
    ENCODE_COUNTER,
    ERROR_TTL_S,
    LOCK_TTL_S,
    EmbeddingKey,
    _channel,
    _error_name,
    _lock_name,
    _prefetch_stale,
    embedding_key,
    embedding_load,
    embedding_store,
    redis_client,
    scene_window_rgb,
)
from inference.services.errors import EncodingFailed
from inference.windows import Window

log = logging.getLogger(__name__)

PENDING = "geoloop:emb:pending"  # sorted set: request member -> priority band + enqueue time
CLAIM_PREFIX = "geoloop:emb:claim:"
BATCH_COUNTER = "geoloop:emb:batches"  # hash: batch size -> encoder calls of that size (tests, bench)
_BAND_S = 1e10  # one priority step in the score: larger than any Unix time, so a band never overlaps the next
CUDA_BATCH = 8

# KEYS[1]: the pending set. ARGV: own member ('' = none), how many, claim TTL (s), claim prefix, holder.
# The pending set decides what is encoded next (prompts first, even one whose message is queued behind prefetches):
# a task takes the first `n` pending requests, its own among them or not. Its own request when no longer pending
# is taken besides when nobody holds a claim on it (the batch that took it died, or finished: nothing to encode).
# Every message takes at least one pending request while any is left, so none is stranded.
_CLAIM_LUA = """
local out = {}
local own, n, ttl, prefix, holder = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
if own ~= '' and not redis.call('ZSCORE', KEYS[1], own) then
  if redis.call('SET', prefix .. own, holder, 'NX', 'EX', ttl) then
    table.insert(out, own)
  end
end
local popped = redis.call('ZPOPMIN', KEYS[1], n)
for i = 1, #popped, 2 do
  redis.call('SET', prefix .. popped[i], holder, 'EX', ttl)
  table.insert(out, popped[i])
end
return out
"""


@dataclass(frozen=True)
class EncodeRequest:
    """One window to encode with one model version; ``prefetch`` = (viewer, generation) for a prefetch."""

    version_id: int
    scene_id: int
    window_key: str
    prefetch: tuple[str, str] | None = None

    @property
    def member(self) -> str:
        viewer, generation = self.prefetch or ("", "")
        return "|".join([str(self.version_id), str(self.scene_id), self.window_key, viewer, generation])

    @classmethod
    def from_member(cls, member: bytes | str) -> EncodeRequest:
        text = member.decode() if isinstance(member, bytes) else member
        version, scene, window, viewer, generation = text.split("|", 4)
        return cls(int(version), int(scene), window, (viewer, generation) if viewer else None)


def encode_batch_size(device=None) -> int:
    """``GEOLOOP_ENCODE_BATCH`` when set above 0, else from the device: :data:`CUDA_BATCH` on CUDA, 1 on the CPU."""
    configured = int(getattr(settings, "GEOLOOP_ENCODE_BATCH", 0) or 0)
    if configured > 0:
        return configured
    if device is None:
        from inference.sam.build import select_device

        device = select_device()
    return CUDA_BATCH if getattr(device, "type", str(device)) == "cuda" else 1


def _claim_ttl_s() -> int:
    """A claim lives as long as the ``gpu`` queue lets a task run (its hard time limit), plus a margin."""
    limits = getattr(settings, "CELERY_QUEUE_TIME_LIMITS", {}).get("gpu") or (60, 90)
    return int(max(limits)) + 30


def _wanted_name(viewer: str) -> str:
    return f"geoloop:prefetch:windows:{viewer}"


def prefetch_windows_set(viewer: str, window_keys: Iterable[str]) -> None:
    """Record the windows of ``viewer``'s newest prefetch (before its generation is started): a queued prefetch of
    an older generation is skipped only when the newest one does not want the same window (an overlapping
    viewport, the same task opened again: its flag is held, so the newest report queued nothing for it)."""
    name = _wanted_name(viewer)
    pipe = redis_client().pipeline(transaction=True)
    pipe.delete(name)
    keys = list(window_keys)
    if keys:
        pipe.sadd(name, *keys)
        pipe.expire(name, LOCK_TTL_S)
    pipe.execute()


def _prefetch_unwanted(request: EncodeRequest) -> bool:
    """A prefetch whose viewer has reported a newer viewport (or opened another task) that leaves its window out."""
    if request.prefetch is None or not _prefetch_stale(request.prefetch):
        return False
    return not redis_client().sismember(_wanted_name(request.prefetch[0]), request.window_key)


def _score(priority: int) -> float:
    """A request's place in :data:`PENDING`: its priority band, then its time."""
    return priority * _BAND_S + time.time()


def _member_name(key: EmbeddingKey) -> str:
    return f"geoloop:emb:member:{key.cache_key}"


# KEYS[1]: the window's flag, KEYS[2]: the pending set, KEYS[3]: the window's member name. ARGV: member, flag TTL (s),
# score. The flag (naming its request) and the listing are made in one step: a flag whose request is neither pending
# nor claimed is then never a request about to be listed, it is lost (see _LOST).
_OPEN_LUA = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('SET', KEYS[3], ARGV[1], 'EX', ARGV[2])
return 1
"""


def encode_request_open(request: EncodeRequest, *, priority: int, key: EmbeddingKey) -> bool:
    """Take ``key``'s flag for ``request`` and list it as pending, in one step (the caller sends the task's message
    next); remember which member encodes that window (:func:`encode_request_promote`). False: the flag is held."""
    return bool(redis_client().eval(_OPEN_LUA, 3, _lock_name(key), PENDING, _member_name(key), request.member,
                                    LOCK_TTL_S, _score(priority)))


def encode_request_promote(key: EmbeddingKey, *, priority: int) -> bool:
    """A prompt waits for a window that a prefetch has queued: move that request up to ``priority`` (the next task
    to start takes it, whatever its message's place in the queue). False when it is not pending any more."""
    r = redis_client()
    raw = r.get(_member_name(key))
    if raw is None:
        return False
    member = raw.decode() if isinstance(raw, bytes) else str(raw)
    score = r.zscore(PENDING, member)
    wanted = _score(priority)
    if score is None or score <= wanted:
        return False
    return bool(r.zadd(PENDING, {member: wanted}, xx=True, ch=True))


def encode_request_remove(request: EncodeRequest) -> None:
    """Unlist ``request`` (its message could not be sent)."""
    redis_client().zrem(PENDING, request.member)


def encode_requests_claim(own: EncodeRequest | None, *, limit: int, holder: str) -> list[EncodeRequest]:
    """Claim ``own`` (when pending or unclaimed) and up to ``limit`` requests in all (see the module docstring)."""
    r = redis_client()
    members = r.eval(_CLAIM_LUA, 1, PENDING, own.member if own else "", max(1, limit), _claim_ttl_s(),
                     CLAIM_PREFIX, holder)
    return [EncodeRequest.from_member(m) for m in members]


# A flag is lost when it names a request (a member: it holds '|') that is neither pending nor claimed: its message
# was purged, or its batch ended without a key to drop the flag by (the scene was deleted). Nobody will drop it
# before its TTL. Flags that name no request ('local', find-similar's) belong to a live process and are waited for.
_LOST = """
local function lost(member, pending, prefix)
  return member and string.find(member, '|', 1, true) ~= nil and not redis.call('ZSCORE', pending, member)
    and redis.call('EXISTS', prefix .. member) == 0
end
"""

# KEYS[1]: the window's flag, KEYS[2]: the pending set. ARGV: flag TTL (s), claim prefix, claim TTL (s), holder.
# Take the flag when free or lost; else, when it names a request still pending (listed, claimed by no batch),
# unlist that request and claim it, in one step: a batch that pops it later cannot exist, its own message finds it
# claimed or done.
_TAKE_LUA = _LOST + """
if redis.call('SET', KEYS[1], 'local', 'NX', 'EX', ARGV[1]) then return '' end
local member = redis.call('GET', KEYS[1])
if member and redis.call('ZREM', KEYS[2], member) == 1 then
  redis.call('SET', ARGV[2] .. member, ARGV[4], 'EX', ARGV[3])
  return member
end
if lost(member, KEYS[2], ARGV[2]) then
  redis.call('SET', KEYS[1], 'local', 'EX', ARGV[1])
  return ''
end
return false
"""

# KEYS[1]: the window's flag, KEYS[2]: the pending set. ARGV: claim prefix. Drop the flag when it is lost.
_RELEASE_LUA = _LOST + """
if lost(redis.call('GET', KEYS[1]), KEYS[2], ARGV[1]) then return redis.call('DEL', KEYS[1]) end
return 0
"""


def encode_request_release_lost(key: EmbeddingKey) -> bool:
    """Drop ``key``'s flag when the request it names is lost (neither pending nor claimed); a waiter then asks
    again. True when it did."""
    return bool(redis_client().eval(_RELEASE_LUA, 2, _lock_name(key), PENDING, CLAIM_PREFIX))


def _holder() -> str:
    """Who holds a claim: this host and process (a dead holder's claims expire with their TTL)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def encode_request_take(key: EmbeddingKey) -> str | None:
    """For a process about to encode ``key`` itself: take its flag, or take over the queued request that holds it
    when no worker has claimed it. Returns the claim key to delete when done ("" when it took a free flag); None
    while an encode is running elsewhere (wait for it)."""
    member = redis_client().eval(_TAKE_LUA, 2, _lock_name(key), PENDING, LOCK_TTL_S, CLAIM_PREFIX, _claim_ttl_s(),
                                 _holder())
    if member is None:
        return None
    member = member.decode() if isinstance(member, bytes) else str(member)
    return CLAIM_PREFIX + member if member else ""


def encode_batches() -> dict[int, int]:
    """Encoder calls so far by batch size (the counter the batching test and the bench read)."""
    raw = redis_client().hgetall(BATCH_COUNTER)
    return {int(k): int(v) for k, v in raw.items()}


# ------------------------------------------------------------------------------------------------ one batch


@dataclass
class _Job:
    request: EncodeRequest
    own: bool
    key: EmbeddingKey | None = None
    version: Any = None
    image: np.ndarray | None = None
    outcome: str = ""  # "ok" | "skipped" | "error:<reason>"
    encoded: bool = False
    error: BaseException | None = field(default=None, repr=False)


def _prepare(job: _Job) -> None:
    """Resolve the job's key; decide whether it still needs an encode; read its window (an error is the job's)."""
    from annotator.selectors.scenes import scene_get
    from inference.models import ModelVersion
    from inference.services.registry import model_version_encoder

    req = job.request
    version = ModelVersion.objects.filter(pk=req.version_id).first()
    scene = scene_get(scene_id=req.scene_id)
    if version is None or scene is None:
        raise EncodingFailed(f"model version {req.version_id} or scene {req.scene_id} no longer exists")
    job.version = version
    job.key = key = embedding_key(encoder_sha256=model_version_encoder(version), scene=scene,
                                  window=Window.from_key(req.window_key))
    r = redis_client()
    if not job.own and not r.exists(_lock_name(key)):  # nobody asks for it any more (its flag expired)
        job.outcome = "dropped"
        return
    r.expire(_lock_name(key), LOCK_TTL_S)
    if embedding_load(key) is not None:
        job.outcome = "ok"
        return
    if _prefetch_unwanted(req):
        job.outcome = "skipped"
        return
    job.image = scene_window_rgb(scene, Window.from_key(req.window_key))


def _fail(job: _Job, exc: BaseException) -> None:
    job.error = exc
    job.outcome = "error:" + f"{type(exc).__name__}: {exc}"[:500]


def _encode_group(jobs: list[_Job]) -> None:
    """One encoder call for jobs of one model version; store each embedding."""
    from inference.sam import encode_batch
    from inference.services.registry import model_load

    model = model_load(jobs[0].version)
    embeddings = encode_batch(model, np.stack([j.image for j in jobs if j.image is not None]),
                              batch_size=len(jobs))
    r = redis_client()
    r.hincrby(BATCH_COUNTER, str(len(jobs)), 1)
    for job, emb in zip(jobs, embeddings, strict=True):
        assert job.key is not None  # set by _prepare before the image
        r.hincrby(ENCODE_COUNTER, job.key.cache_key, 1)
        embedding_store(key=job.key, embedding=emb[None])
        job.encoded, job.outcome = True, "ok"


def _finish(job: _Job) -> None:
    """Tell the window's waiters and let go of its flag and claim (a dropped job had no waiters)."""
    r = redis_client()
    if job.key is not None and job.outcome != "dropped":
        if job.outcome.startswith("error:"):
            r.set(_error_name(job.key), job.outcome[len("error:"):], ex=ERROR_TTL_S)
        r.delete(_lock_name(job.key))
        r.publish(_channel(job.key), job.outcome)
    # the claim last: a flag still held by this request is then never taken for lost (without a key, as for a
    # deleted scene, the flag cannot be named here: it is lost from now on, released by its next waiter)
    r.delete(CLAIM_PREFIX + job.request.member)


def _run_jobs(jobs: list[_Job]) -> None:
    for job in jobs:
        try:
            _prepare(job)
        except Exception as exc:  # noqa: BLE001 - a window that cannot be read fails alone, reported to its waiters
            _fail(job, exc)
    groups: dict[int, list[_Job]] = {}
    for job in jobs:
        if job.image is not None and not job.outcome:
            groups.setdefault(job.request.version_id, []).append(job)
    for group in groups.values():
        try:
            _encode_group(group)
        except Exception as exc:  # noqa: BLE001 - reported to every waiter of the group (and re-raised for its own)
            for job in group:
                if not job.outcome:
                    _fail(job, exc)


def encode_claimed(requests: Iterable[EncodeRequest], *, own: EncodeRequest | None = None) -> list[_Job]:
    """Encode claimed requests: prepare each, one encoder call per model version, then publish every outcome."""
    jobs = [_Job(request=req, own=req == own) for req in requests]
    try:
        _run_jobs(jobs)
    except BaseException as exc:  # a time limit or a kill signal between steps: no waiter is left hanging
        for job in jobs:
            if not job.outcome:
                _fail(job, exc)
        raise
    finally:
        for job in jobs:
            job.image = None
            _finish(job)
    return jobs


def embedding_encode(*, version_id: int, scene_id: int, window_key: str, prefetch: list | None = None) -> dict:
    """The ``inference.encode_window`` task's work: claim this request and up to N - 1 pending ones, encode them
    in one batch, publish each outcome. Raises this request's own failure (after everyone was told)."""
    started = time.perf_counter()
    own = EncodeRequest(version_id, scene_id, window_key, (prefetch[0], prefetch[1]) if prefetch else None)
    claimed = encode_requests_claim(own, limit=encode_batch_size(), holder=_holder())
    jobs = encode_claimed(claimed, own=own)
    mine = next((j for j in jobs if j.own), None)
    if mine is not None and mine.error is not None:
        raise mine.error
    return {"key": mine.key.cache_key if mine and mine.key else None, "claimed": len(jobs),
            "encoded": sum(j.encoded for j in jobs), "own": mine.outcome if mine else "elsewhere",
            "skipped": bool(mine and mine.outcome == "skipped"),
            "ms": round((time.perf_counter() - started) * 1000, 1)}
