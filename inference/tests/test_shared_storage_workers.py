"""Two machines: two Celery workers consuming ``gpu`` that share nothing but the database, Redis and the media bucket
(a real SeaweedFS; each worker has its own MEDIA_ROOT and cache folder, and so does this test, the web process).
A window encoded by one worker is used by the other and by the web process without being encoded again."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import numpy as np
import pytest
from django.utils import timezone

from annotator.media import media_exists
from conftest import SESSION_WORKER
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
)
from inference.services.embeddings import EVICT_FLAG, HOT, EmbeddingKey, redis_client
from inference.tests.django_fixtures import world  # noqa: F401 - fixture
from inference.windows import Window
from tests.servers import celery_worker_serving
from webapp.celery import app

pytestmark = pytest.mark.django_db(transaction=True)



def _machine_env(child_env: dict, store, root: Path) -> dict:
    root.mkdir(parents=True, exist_ok=True)
    return {**child_env, **store.env(), "GEOLOOP_S3_PREFIX": store.prefix, "GEOLOOP_MEDIA_ROOT": str(root / "media"),
            "GEOLOOP_MEDIA_CACHE": str(root / "cache")}


def _encode_on(worker: str, world, window: Window) -> dict:  # noqa: F811
    """Ask ``worker`` (the only consumer of gpu at that moment) for the encode task of ``window``."""
    result = app.send_task("inference.encode_window", args=(world.version.pk, world.scene.pk, window.key))
    return result.get(timeout=180)


def _gpu_consumers(*, cancel: list[str] = (), add: list[str] = ()) -> None:
    for name in cancel:
        app.control.cancel_consumer("gpu", destination=[name], reply=True, timeout=5)
    for name in add:
        app.control.add_consumer("gpu", destination=[name], reply=True, timeout=5)


def _local_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.suffix in (".npy", ".tif")]


def test_two_gpu_workers_share_embeddings_through_the_bucket(s3_media, world, child_env, tmp_path):  # noqa: F811
    assert world.scene.cog_path in s3_media.keys("scenes/")  # the COG is in the bucket, not on any machine
    env_a = _machine_env(child_env, s3_media, tmp_path / "machine-a")
    env_b = _machine_env(child_env, s3_media, tmp_path / "machine-b")
    encoder = model_version_encoder(world.version)
    w1, w2 = Window(-1, 1, 1), Window(-1, 2, 1)
    k1, k2 = (embedding_key(encoder_sha256=encoder, scene=world.scene, window=w) for w in (w1, w2))
    _gpu_consumers(cancel=[SESSION_WORKER])  # the session's local-media worker (if running) stays out of this
    try:
        with celery_worker_serving(env=env_a, name=f"gpu-a-{os.getpid()}", queues="gpu",
                                   log_path=tmp_path / "worker-a.log") as _a:
            name_a = f"gpu-a-{os.getpid()}@{socket.gethostname()}"
            # machine A encodes w1 for a click in the web process (the ordinary path: request, then wait)
            assert embedding_request(key=k1, version_id=world.version.pk, scene_id=world.scene.pk) == "queued"
            first = embedding_wait(key=k1, version_id=world.version.pk, scene_id=world.scene.pk, timeout=180)
            assert encode_count(k1) == 1
            entry = EmbeddingEntry.objects.get(key=k1.cache_key)
            assert entry.path in s3_media.keys("embeddings/")
            with celery_worker_serving(env=env_b, name=f"gpu-b-{os.getpid()}", queues="gpu",
                                       log_path=tmp_path / "worker-b.log") as _b:
                name_b = f"gpu-b-{os.getpid()}@{socket.gethostname()}"
                _gpu_consumers(cancel=[name_a])  # from now on machine B is the only gpu worker
                # B is asked for w1: it finds it in the bucket (through the shared database) and does not encode
                answer = _encode_on(name_b, world, w1)
                assert answer["encoded"] == 0  # windows this batch encoded
                assert encode_count(k1) == 1
                # B encodes w2; the web process and machine A use it without encoding it again
                answer = _encode_on(name_b, world, w2)
                assert answer["encoded"] == 1
                assert encode_count(k2) == 1
                _gpu_consumers(cancel=[name_b], add=[name_a])  # now only A
                assert _encode_on(name_a, world, w2)["encoded"] == 0
                assert encode_count(k2) == 1
    finally:
        _gpu_consumers(add=[SESSION_WORKER])

    HOT.clear()  # the web process reads both from the bucket (its MEDIA_ROOT has none of them)
    for key in (k1, k2):
        entry = EmbeddingEntry.objects.get(key=key.cache_key)
        assert media_exists(entry.path)
        arr = embedding_load(key)
        assert arr is not None
        assert arr.shape == (1, 256, 64, 64)
        assert arr.dtype == np.float16
    assert np.array_equal(embedding_load(k1), first)
    assert encode_count(k1) == 1
    assert encode_count(k2) == 1
    assert embedding_request(key=k2, version_id=world.version.pk, scene_id=world.scene.pk) == "cached"
    # nothing shared through a disk: neither machine kept an embedding or a COG in its own folders
    assert _local_files(tmp_path / "machine-a") == []
    assert _local_files(tmp_path / "machine-b") == []


def test_cache_cap_on_a_shared_bucket_one_evictor_lru_and_missing_files_tolerated(s3_media):
    keys = [EmbeddingKey("e" * 64, f"shared-{s3_media.prefix}", "r", Window(0, i, 0).key) for i in range(4)]
    emb = np.zeros((1, 256, 64, 64), np.float16)
    for i, key in enumerate(keys):
        embedding_store(key=key, embedding=emb)
        EmbeddingEntry.objects.filter(key=key.cache_key).update(
            last_used_at=timezone.now() - timezone.timedelta(minutes=10 - i))
    stored = s3_media.keys("embeddings/")
    assert sorted(stored) == sorted(k.relpath for k in keys)
    size = next(iter(stored.values()))
    assert size == EmbeddingEntry.objects.get(key=keys[0].cache_key).size_bytes

    # another machine is evicting: this one leaves it to that one
    r = redis_client()
    r.set(EVICT_FLAG, "other-machine", ex=30)
    assert embedding_cache_evict(max_bytes=2 * size) == 0
    assert EmbeddingEntry.objects.filter(key__in=[k.cache_key for k in keys]).count() == 4
    r.delete(EVICT_FLAG)

    # the oldest file was already removed by someone else: the row goes anyway, without an error
    s3_media.client().delete_object(Bucket=s3_media.bucket, Key=f"{s3_media.prefix}/{keys[0].relpath}")
    EmbeddingEntry.objects.filter(key=keys[1].cache_key).update(last_used_at=timezone.now())  # used just now
    assert embedding_cache_evict(max_bytes=2 * size) == 2
    left = set(EmbeddingEntry.objects.filter(key__in=[k.cache_key for k in keys]).values_list("key", flat=True))
    assert left == {keys[1].cache_key, keys[3].cache_key}  # the two least recently used went
    assert sorted(s3_media.keys("embeddings/")) == sorted([keys[1].relpath, keys[3].relpath])
    assert r.get(EVICT_FLAG) is None  # the flag is given back

    # a reader on another machine finds a file gone (evicted meanwhile): it forgets the entry, no error
    s3_media.client().delete_object(Bucket=s3_media.bucket, Key=f"{s3_media.prefix}/{keys[3].relpath}")
    HOT.clear()
    assert embedding_load(keys[3]) is None
    assert not EmbeddingEntry.objects.filter(key=keys[3].cache_key).exists()
    assert embedding_load(keys[1]) is not None


def test_a_fine_tuned_checkpoint_in_the_bucket_is_fetched_once_into_this_machines_cache(s3_media, settings):
    from annotator.media import media_put_bytes
    from inference.services.registry import checkpoint_media_ref, checkpoint_resolve

    media_put_bytes("checkpoints/abc.pt", b"weights")
    ref = checkpoint_media_ref("checkpoints/abc.pt")
    assert ref == "media:checkpoints/abc.pt"
    local = checkpoint_resolve(ref)
    assert local.is_relative_to(Path(settings.GEOLOOP_MEDIA_CACHE))
    assert local.read_bytes() == b"weights"
    assert checkpoint_resolve(ref) == local
    for bad in ("media:scenes/1/x.tif", "media:checkpoints/../x.pt", "media:/etc/passwd"):
        with pytest.raises(ValueError, match=r"checkpoints|storage key"):
            checkpoint_resolve(bad)
    with pytest.raises(FileNotFoundError):
        checkpoint_resolve("media:checkpoints/missing.pt")
