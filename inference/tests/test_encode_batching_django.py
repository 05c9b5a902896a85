"""Batched encoding (inference.services.encoding): concurrent encode requests are grouped into one encoder call by a
real Celery worker (CPU, GEOLOOP_ENCODE_BATCH=4), every waiter gets its window, none is encoded twice; a request
that a dead worker's batch had claimed is encoded by its own message; one that a live batch holds is left to it."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time

import numpy as np
import pytest
from django.db import connections

from conftest import ARTIFACTS_LOG
from inference.services import embedding_key, embedding_load, embedding_request, embedding_wait, model_version_encoder
from inference.services.embeddings import HOT, _lock_name, encode_count, redis_client
from inference.services.encoding import (
    CLAIM_PREFIX,
    PENDING,
    EncodeRequest,
    _member_name,
    _score,
    embedding_encode,
    encode_batches,
    encode_requests_claim,
)
from inference.tests.django_fixtures import world  # noqa: F401 - fixture
from inference.windows import Window
from tests.servers import ROOT, VENV_BIN, process_stop

pytestmark = pytest.mark.django_db(transaction=True)


def encode_request_add(request: EncodeRequest, *, priority: int, key=None) -> None:
    """List ``request`` as pending without its flag (a queue built by hand); with ``key``, remember which member
    encodes that window, as ``encode_request_open`` does."""
    r = redis_client()
    r.zadd(PENDING, {request.member: _score(priority)})
    if key is not None:
        r.set(_member_name(key), request.member, ex=600)


def _key(world, window: Window):  # noqa: F811
    return embedding_key(encoder_sha256=model_version_encoder(world.version), scene=world.scene, window=window)


def _gpu_messages() -> int:
    from amqp.exceptions import ChannelError

    from webapp.celery import app

    with app.connection_for_write() as conn:
        try:
            return conn.default_channel.queue_declare("gpu", passive=True).message_count
        except ChannelError:  # the Redis transport has no list for an empty queue
            return 0


def _batching_worker(child_env: dict, batch: int) -> subprocess.Popen:
    from webapp.celery import app

    name = f"batch-{os.getpid()}@{socket.gethostname()}"
    log = open(ARTIFACTS_LOG("celery-batching-worker.log"), "w")
    proc = subprocess.Popen(
        [str(VENV_BIN / "celery"), "-A", "webapp", "worker", "-Q", "gpu", "-c", "1", "--prefetch-multiplier", "1",
         "-n", name, "-l", "info"],
        cwd=ROOT, env={**child_env, "GEOLOOP_ENCODE_BATCH": str(batch)}, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"batching worker exited with {proc.returncode}; see {log.name}")
        if app.control.ping(timeout=0.5, destination=[name]):
            return proc
    process_stop(proc)
    raise RuntimeError("the batching worker did not answer within 90 s")


def _gpu_purge() -> None:
    """Messages earlier tests left on ``gpu`` (prefetches nobody waited for) would be encoded by the worker here."""
    from webapp.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("gpu")


def test_concurrent_requests_are_encoded_in_one_batch(world, child_env, session_gpu_paused):  # noqa: F811
    r = redis_client()
    _gpu_purge()
    r.delete(PENDING)
    keys = [_key(world, Window(-2, c, 4)) for c in range(4)]
    states = []
    barrier = threading.Barrier(len(keys))

    def ask(key):
        try:
            barrier.wait()
            states.append(embedding_request(key=key, version_id=world.version.pk, scene_id=world.scene.pk))
        finally:
            connections.close_all()  # give this thread's pooled connection back (the pool is shared by the session)

    threads = [threading.Thread(target=ask, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert states == ["queued"] * 4
    assert r.zcard(PENDING) == 4
    before = encode_batches()
    worker = _batching_worker(child_env, batch=4)
    try:
        arrays = [embedding_wait(key=k, version_id=world.version.pk, scene_id=world.scene.pk, timeout=300)
                  for k in keys]
        deadline = time.monotonic() + 120  # the other three messages run too, and find their windows done
        while time.monotonic() < deadline and (_gpu_messages() or _busy_claims()):
            time.sleep(0.5)
        time.sleep(1.0)
    finally:
        process_stop(worker)
    after = encode_batches()
    assert {n: after.get(n, 0) - before.get(n, 0) for n in after if after.get(n, 0) != before.get(n, 0)} == {4: 1}
    assert [encode_count(k) for k in keys] == [1, 1, 1, 1]
    assert all(a.shape == (1, 256, 64, 64) and a.dtype == np.float16 for a in arrays)
    assert not np.array_equal(arrays[0], arrays[1])  # four windows, four embeddings
    assert r.zcard(PENDING) == 0
    assert not any(r.exists(_lock_name(k)) for k in keys)


def _busy_claims() -> bool:
    return bool(list(redis_client().scan_iter(match=CLAIM_PREFIX + "*", count=100)))


def _listed(world, window: Window):  # noqa: F811
    """A request as embedding_request leaves it (flag + pending member), without sending its message."""
    key = _key(world, window)
    redis_client().set(_lock_name(key), "test", ex=600)
    request = EncodeRequest(world.version.pk, world.scene.pk, window.key)
    encode_request_add(request, priority=0)
    return key, request


def test_a_request_claimed_by_a_dead_worker_is_encoded_by_its_own_message(world):  # noqa: F811
    r = redis_client()
    r.delete(PENDING)
    key, request = _listed(world, Window(-2, 5, 5))
    assert encode_requests_claim(None, limit=4, holder="dead-worker") == [request]  # a batch took it ...
    r.delete(CLAIM_PREFIX + request.member)  # ... and its worker died: the claim expired, nothing was stored
    HOT.clear()
    out = embedding_encode(version_id=request.version_id, scene_id=request.scene_id, window_key=request.window_key)
    assert (out["claimed"], out["encoded"], out["own"]) == (1, 1, "ok")
    assert encode_count(key) == 1
    assert embedding_load(key) is not None
    assert not r.exists(_lock_name(key))
    again = embedding_encode(version_id=request.version_id, scene_id=request.scene_id, window_key=request.window_key)
    assert (again["encoded"], again["own"]) == (0, "ok")  # a late duplicate message never encodes twice
    assert encode_count(key) == 1


def test_a_request_held_by_a_live_batch_is_left_to_it(world):  # noqa: F811
    r = redis_client()
    r.delete(PENDING)
    key, request = _listed(world, Window(-2, 6, 6))
    assert encode_requests_claim(None, limit=4, holder="live-worker") == [request]
    out = embedding_encode(version_id=request.version_id, scene_id=request.scene_id, window_key=request.window_key)
    assert (out["claimed"], out["encoded"], out["own"]) == (0, 0, "elsewhere")
    assert encode_count(key) == 0
    assert r.exists(_lock_name(key))  # still the live batch's to finish and publish
    assert r.get(CLAIM_PREFIX + request.member) == b"live-worker"


def test_prompts_are_claimed_before_prefetches(world):  # noqa: F811
    r = redis_client()
    r.delete(PENDING)
    prefetch = EncodeRequest(world.version.pk, world.scene.pk, Window(-2, 1, 1).key, ("viewer", "1"))
    prompt = EncodeRequest(world.version.pk, world.scene.pk, Window(-2, 1, 2).key)
    encode_request_add(prefetch, priority=6)
    encode_request_add(prompt, priority=0)
    assert encode_requests_claim(None, limit=1, holder="w") == [prompt]
    assert encode_requests_claim(None, limit=1, holder="w") == [prefetch]
    assert EncodeRequest.from_member(prefetch.member) == prefetch


def test_a_prompt_waiting_for_a_queued_prefetch_moves_it_ahead(world):  # noqa: F811
    r = redis_client()
    r.delete(PENDING)
    first = EncodeRequest(world.version.pk, world.scene.pk, Window(-2, 2, 1).key, ("viewer", "1"))
    key = _key(world, Window(-2, 2, 2))
    wanted = EncodeRequest(world.version.pk, world.scene.pk, Window(-2, 2, 2).key, ("viewer", "1"))
    encode_request_add(first, priority=6)
    r.set(_lock_name(key), "prefetch", ex=600)
    encode_request_add(wanted, priority=6, key=key)
    # a click on the second window: its flag is held (queued by the prefetch), so nothing new is queued ...
    assert embedding_request(key=key, version_id=world.version.pk, scene_id=world.scene.pk, known=False) == "pending"
    # ... but the next task to start, whichever message woke it (here the first prefetch's), encodes it first
    own = first
    assert encode_requests_claim(own, limit=1, holder="w") == [wanted]
    assert encode_requests_claim(None, limit=1, holder="w") == [first]


def test_batch_size_from_the_device(settings):
    from inference.services.encoding import encode_batch_size

    settings.GEOLOOP_ENCODE_BATCH = 0
    assert encode_batch_size("cpu") == 1
    assert encode_batch_size("cuda") == 8
    settings.GEOLOOP_ENCODE_BATCH = 3
    assert encode_batch_size("cpu") == 3


def test_an_older_prefetch_is_skipped_only_when_the_newest_view_leaves_its_window_out(world):  # noqa: F811
    from inference.services.embeddings import prefetch_generation_set
    from inference.services.encoding import prefetch_windows_set

    r = redis_client()
    r.delete(PENDING)
    kept, dropped = Window(-2, 0, 6), Window(-2, 1, 6)
    prefetch_windows_set("viewer-1", [kept.key, dropped.key])
    old = ("viewer-1", prefetch_generation_set("viewer-1"))
    requests = []
    for window in (kept, dropped):
        key = _key(world, window)
        r.set(_lock_name(key), "test", ex=600)
        requests.append((key, EncodeRequest(world.version.pk, world.scene.pk, window.key, old)))
        encode_request_add(requests[-1][1], priority=6)
    # the viewer moves so that only `kept` is still in view (its flag is held: the new report queued nothing for it)
    prefetch_windows_set("viewer-1", [kept.key])
    prefetch_generation_set("viewer-1")
    outcomes = {}
    for key, req in requests:
        out = embedding_encode(version_id=req.version_id, scene_id=req.scene_id, window_key=req.window_key,
                               prefetch=list(old))
        outcomes[req.window_key] = (out["own"], encode_count(key))
    assert outcomes == {kept.key: ("ok", 1), dropped.key: ("skipped", 0)}
    assert not r.exists(_lock_name(requests[1][0]))  # a click there later asks again, at prompt priority


def test_a_process_encoding_itself_takes_over_a_queued_request_nobody_claimed(world, session_gpu_paused):  # noqa: F811
    """The training set builder runs on a worker; a prefetch of the window it needs can be queued behind it on that
    very worker. It must not wait for that encode (it would wait the flag's whole TTL): it takes the request over."""
    from inference.services.embeddings import embedding_cached

    r = redis_client()
    _gpu_purge()
    r.delete(PENDING)
    key = _key(world, Window(-2, 7, 3))
    prefetch = ("viewer-t", "1")
    assert embedding_request(key=key, version_id=world.version.pk, scene_id=world.scene.pk, known=False,
                             prefetch=prefetch) == "queued"
    assert r.zcard(PENDING) == 1  # listed, its message queued, no worker consuming gpu: nobody claimed it
    calls = []
    started = time.monotonic()
    arr = embedding_cached(key=key, compute=lambda: calls.append(1) or np.ones((256, 64, 64), np.float32), wait_s=30)
    assert time.monotonic() - started < 10
    assert calls == [1]
    assert float(arr.max()) == 1.0
    assert r.zcard(PENDING) == 0
    assert not r.exists(_lock_name(key))
    assert not r.exists(CLAIM_PREFIX + EncodeRequest(world.version.pk, world.scene.pk, key.window, prefetch).member)
    # the request's own message, when a worker runs it, finds the window done and encodes nothing
    out = embedding_encode(version_id=world.version.pk, scene_id=world.scene.pk, window_key=key.window,
                           prefetch=list(prefetch))
    assert (out["encoded"], out["own"]) == (0, "ok")
    assert encode_count(key) == 1
    _gpu_purge()
    HOT.clear()


def test_a_process_encoding_itself_waits_for_a_running_batch(world):  # noqa: F811
    from inference.services.embeddings import embedding_cached
    from inference.services.errors import EncodingTimeout

    r = redis_client()
    r.delete(PENDING)
    window = Window(-2, 7, 4)
    key = _key(world, window)
    request = EncodeRequest(world.version.pk, world.scene.pk, window.key)
    r.set(_lock_name(key), request.member, ex=600)
    encode_request_add(request, priority=0, key=key)
    assert encode_requests_claim(None, limit=1, holder="live-worker") == [request]  # a batch is encoding it
    calls = []
    with pytest.raises(EncodingTimeout):
        embedding_cached(key=key, compute=lambda: calls.append(1), wait_s=1.0)
    assert calls == []
    assert r.get(CLAIM_PREFIX + request.member) == b"live-worker"
    r.delete(_lock_name(key), CLAIM_PREFIX + request.member)


def _lost(world, window: Window, scene_id: int):  # noqa: F811
    """A flag naming a request that is neither pending nor claimed: its message was purged, or it was a request of
    a scene since deleted (its batch could not name the window's key to drop the flag)."""
    key = _key(world, window)
    request = EncodeRequest(world.version.pk, scene_id, window.key)
    redis_client().set(_lock_name(key), request.member, ex=600)
    return key, request


def test_a_process_encoding_itself_takes_over_a_lost_request(world):  # noqa: F811
    from inference.services.embeddings import embedding_cached

    r = redis_client()
    r.delete(PENDING)
    key, _ = _lost(world, Window(-2, 7, 5), world.scene.pk + 10_000)
    calls = []
    started = time.monotonic()
    embedding_cached(key=key, compute=lambda: calls.append(1) or np.ones((256, 64, 64), np.float32), wait_s=30)
    assert time.monotonic() - started < 10  # the old code waited for the flag's TTL (here: wait_s, then a timeout)
    assert calls == [1]
    assert not r.exists(_lock_name(key))
    HOT.clear()


def test_flags_of_live_requests_and_of_other_holders_are_not_lost(world):  # noqa: F811
    from inference.services.encoding import encode_request_release_lost

    r = redis_client()
    r.delete(PENDING)
    pending_key, request = _lost(world, Window(-2, 7, 6), world.scene.pk)
    encode_request_add(request, priority=6)
    assert not encode_request_release_lost(pending_key)  # pending: its message will come
    assert encode_requests_claim(None, limit=1, holder="live-worker") == [request]
    assert not encode_request_release_lost(pending_key)  # claimed: a batch is encoding it
    r.delete(CLAIM_PREFIX + request.member)
    assert encode_request_release_lost(pending_key)  # neither: lost
    assert not r.exists(_lock_name(pending_key))
    other = _key(world, Window(-2, 7, 7))
    r.set(_lock_name(other), "local", ex=600)  # a process encoding for itself (no request): waited for
    assert not encode_request_release_lost(other)
    r.delete(_lock_name(other))


def test_a_prompt_waiting_on_a_lost_request_asks_again(world, celery_worker):  # noqa: F811
    """The request behind the flag was for a scene deleted since (same imagery, same window key): the prompt's waiter
    drops the lost flag and asks for its own scene, instead of waiting for the flag's TTL."""
    r = redis_client()
    key, _ = _lost(world, Window(-2, 7, 8), world.scene.pk + 10_000)
    started = time.monotonic()
    arr = embedding_wait(key=key, version_id=world.version.pk, scene_id=world.scene.pk, timeout=120)
    assert arr is not None
    assert time.monotonic() - started < 110
    assert encode_count(key) == 1
    assert not r.exists(_lock_name(key))
    HOT.clear()
