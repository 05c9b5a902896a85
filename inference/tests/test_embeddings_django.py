"""The embedding cache with a real Celery worker: miss -> encode on queue gpu -> hit, one encode for concurrent
requests, LRU eviction under the size cap, prefetch of a viewport."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from inference.models import EmbeddingEntry
from inference.services import (
    embedding_cache_evict,
    embedding_key,
    embedding_load,
    embedding_request,
    embedding_store,
    embedding_wait,
    encode_count,
    model_version_encoder,
    viewport_prefetch,
)
from inference.services.embeddings import HOT, EmbeddingKey
from inference.services.errors import EncodingFailed
from inference.tests.django_fixtures import world  # noqa: F401 - fixture
from inference.windows import Window

pytestmark = pytest.mark.django_db(transaction=True)


def _key(world, window: Window):  # noqa: F811
    return embedding_key(encoder_sha256=model_version_encoder(world.version), scene=world.scene, window=window)


def test_miss_encodes_in_worker_then_hits(world, celery_worker):  # noqa: F811
    key = _key(world, Window(-2, 2, 2))
    assert embedding_load(key) is None
    assert embedding_request(key=key, version_id=world.version.pk, scene_id=world.scene.pk) == "queued"
    arr = embedding_wait(key=key, version_id=world.version.pk, scene_id=world.scene.pk, timeout=120)
    assert arr.dtype == np.float16
    assert arr.shape == (1, 256, 64, 64)
    assert encode_count(key) == 1
    entry = EmbeddingEntry.objects.get(key=key.cache_key)
    assert (Path(settings.MEDIA_ROOT) / entry.path).is_file()
    assert entry.size_bytes > 2_000_000
    HOT.clear()  # this process read it once; the next read comes from media storage, then from memory
    assert np.array_equal(embedding_load(key), arr)
    assert HOT.get(key.cache_key) is not None
    assert embedding_request(key=key, version_id=world.version.pk, scene_id=world.scene.pk) == "cached"
    assert encode_count(key) == 1


def test_concurrent_requests_encode_once(world, celery_worker):  # noqa: F811
    key = _key(world, Window(-2, 3, 3))
    states, arrays, errors = [], [], []
    barrier = threading.Barrier(4)

    def ask():
        try:
            barrier.wait()
            states.append(embedding_request(key=key, version_id=world.version.pk, scene_id=world.scene.pk))
            arrays.append(embedding_wait(key=key, version_id=world.version.pk, scene_id=world.scene.pk, timeout=120))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()  # give this thread's pooled connection back (the pool is shared by the session)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert not errors
    assert sorted(states) == ["pending", "pending", "pending", "queued"]
    assert len(arrays) == 4
    assert all(np.array_equal(a, arrays[0]) for a in arrays)
    assert encode_count(key) == 1
    assert EmbeddingEntry.objects.filter(key=key.cache_key).count() == 1


def test_encode_failure_reaches_the_waiter(world, celery_worker):  # noqa: F811
    world.scene.cog_path = "scenes/missing/nothing.tif"
    world.scene.save(update_fields=["cog_path"])
    key = _key(world, Window(-2, 1, 1))
    assert embedding_request(key=key, version_id=world.version.pk, scene_id=world.scene.pk) == "queued"
    with pytest.raises(EncodingFailed, match=r"nothing\.tif"):
        embedding_wait(key=key, version_id=world.version.pk, scene_id=world.scene.pk, timeout=60)


def test_lru_eviction_under_the_size_cap(world):  # noqa: F811
    keys = [EmbeddingKey("e" * 64, "evict-test", "r", Window(0, i, 0).key) for i in range(3)]
    emb = np.zeros((1, 256, 64, 64), np.float16)
    for i, key in enumerate(keys):
        embedding_store(key=key, embedding=emb)
        EmbeddingEntry.objects.filter(key=key.cache_key).update(
            last_used_at=timezone.now() - timezone.timedelta(minutes=10 - i))
    EmbeddingEntry.objects.filter(key=keys[0].cache_key).update(last_used_at=timezone.now())  # used just now
    size = EmbeddingEntry.objects.get(key=keys[0].cache_key).size_bytes
    assert embedding_cache_evict(max_bytes=2 * size) == 1
    left = set(EmbeddingEntry.objects.filter(key__in=[k.cache_key for k in keys]).values_list("key", flat=True))
    assert left == {keys[0].cache_key, keys[2].cache_key}  # the least recently used one went
    assert not (Path(settings.MEDIA_ROOT) / keys[1].relpath).exists()


def test_viewport_prefetch_nearest_first_skips_known(world, celery_worker):  # noqa: F811
    scene = world.scene
    bounds = scene.footprint.extent  # whole scene at level -2: 49 windows, capped
    out = viewport_prefetch(scene=scene, bbox=list(bounds), map_resolution=0.125, limit=3)
    assert (out["queued"], out["cached"], out["pending"], out["level"]) == (3, 0, 0, -2)
    centre = Window.from_key(out["windows"][0])
    assert (centre.col, centre.row) in {(2, 2), (2, 3), (3, 2), (3, 3)}  # the scene centre (450, 450) first
    again = viewport_prefetch(scene=scene, bbox=list(bounds), map_resolution=0.125, limit=3)
    assert again["queued"] == 0
    assert again["cached"] + again["pending"] == 3
    for wkey in out["windows"]:
        key = _key(world, Window.from_key(wkey))
        embedding_wait(key=key, version_id=world.version.pk, scene_id=scene.pk, timeout=180)
        assert encode_count(key) == 1
    final = viewport_prefetch(scene=scene, bbox=list(bounds), map_resolution=0.125, limit=3)
    assert (final["queued"], final["cached"]) == (0, 3)


def test_stale_prefetch_is_skipped_and_a_click_still_gets_its_window(world, celery_worker):  # noqa: F811
    from inference.services.embeddings import prefetch_generation_set

    scene = world.scene
    out = viewport_prefetch(scene=scene, bbox=list(scene.footprint.extent), map_resolution=0.125, limit=6,
                            viewer="tester")
    assert out["queued"] == 6
    prefetch_generation_set("tester")  # the annotator moved on at once: queued encodes not yet started are skipped
    keys = [_key(world, Window.from_key(w)) for w in out["windows"]]
    for key in keys:  # a click on any of those windows still gets it (a skipped one is asked for again)
        arr = embedding_wait(key=key, version_id=world.version.pk, scene_id=scene.pk, timeout=180)
        assert arr.shape == (1, 256, 64, 64)
    counts = [encode_count(k) for k in keys]
    assert all(c == 1 for c in counts), counts  # never twice
