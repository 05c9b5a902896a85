"""Uploads share nothing but the bucket (GEOLOOP_STORAGE=s3, a real SeaweedFS on loopback): the web process puts the
received file into the media bucket, and the ingest worker, on a machine with its own disk, streams it from there
(size-capped, checksum-checked) and ingests it through the imagery guard as before. Nothing stays in either
machine's folders or in the bucket's uploads once the ingestion ends, however it ends."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File

from annotator.imagery.guard import NO_SIZE_LIMITS, raster_open
from annotator.media import MediaKeyRefused, media_put_bytes, media_read_bytes
from annotator.models import Scene, SceneStatus
from annotator.selectors.scenes import scene_cog_file
from annotator.services import scenes as scene_services
from annotator.services import uploads as upload_services
from annotator.services.scenes import scene_create_from_upload, scene_ingest
from annotator.services.uploads import upload_bucket_sweep, upload_media_key
from annotator.tests import rasters
from conftest import SESSION_WORKER
from tests.servers import celery_worker_serving
from webapp.celery import app


def _machine_env(child_env: dict, store, root: Path) -> dict:
    root.mkdir(parents=True, exist_ok=True)
    return {**child_env, **store.env(), "GEOLOOP_S3_PREFIX": store.prefix, "GEOLOOP_MEDIA_ROOT": str(root / "media"),
            "GEOLOOP_MEDIA_CACHE": str(root / "cache")}


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _upload(project, source: Path, *, enqueue: bool = False) -> Scene:
    with open(source, "rb") as handle:
        return scene_create_from_upload(project=project, uploaded_file=File(handle, name=source.name),
                                        name=source.stem, user=None, enqueue=enqueue)


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(300)
def test_an_upload_reaches_an_ingest_worker_with_its_own_disk_through_the_bucket(s3_media, actors, child_env,
                                                                                 tmp_path):
    source = rasters.make_raster(tmp_path / "upload.tif", bands=4, dtype="uint16", nodata=0, nodata_corner=True)
    web_uploads = Path(settings.MEDIA_ROOT) / "uploads"
    before = set(_files(web_uploads))
    # the session's worker (local media) must not take the ingestion: pause its default queue for this test
    app.control.cancel_consumer("default", destination=[SESSION_WORKER], reply=True, timeout=5)
    try:
        with open(source, "rb") as handle:
            response = actors.client("admin").post(f"/api/projects/{actors.project.id}/scenes/",
                                                   {"file": handle, "name": "Through the bucket"}, format="multipart")
        assert response.status_code == 202, response.json()
        scene = Scene.objects.get(pk=response.json()["id"])
        key = upload_media_key(scene.source_path)
        assert key is not None, scene.source_path
        assert key.startswith("uploads/")
        # the web process kept nothing: the upload is in the bucket only, byte for byte
        assert set(_files(web_uploads)) == before
        assert media_read_bytes(key) == source.read_bytes()
        assert scene.checksum == hashlib.sha256(source.read_bytes()).hexdigest()

        machine = tmp_path / "ingest-machine"
        with celery_worker_serving(env=_machine_env(child_env, s3_media, machine), name=f"ingest-{os.getpid()}",
                                   queues="default", log_path=tmp_path / "ingest-worker.log"):
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                scene.refresh_from_db()
                if scene.status != SceneStatus.INGESTING:
                    break
                time.sleep(0.5)
    finally:
        app.control.add_consumer("default", destination=[SESSION_WORKER], reply=True, timeout=5)

    assert scene.status == SceneStatus.READY, (scene.status, scene.status_reason,
                                               (tmp_path / "ingest-worker.log").read_text()[-3000:])
    assert scene.source_path == ""
    assert (scene.width, scene.height, scene.band_count) == (600, 400, 4)
    stored = s3_media.keys()
    assert scene.cog_path in stored  # the COG went to the bucket
    assert not any(k.startswith("uploads/") for k in stored)  # the upload was removed once ingested
    assert _files(machine / "media" / "uploads") == []  # the worker's local copy is gone
    assert not [f for f in _files(machine) if f.endswith(".tif")]
    assert set(_files(web_uploads)) == before
    with raster_open(scene_cog_file(scene), limits=NO_SIZE_LIMITS) as cog:  # read over /vsis3/ from the bucket
        assert (cog.width, cog.height, cog.count) == (600, 400, 4)
        assert cog.read(1, window=((300, 310), (500, 510))).any()


@pytest.mark.django_db
def test_a_bucket_upload_that_is_gone_too_large_or_changed_fails_the_ingestion_with_a_reason(s3_media, actors,
                                                                                             settings, tmp_path):
    source = rasters.make_raster(tmp_path / "s.tif", width=300, height=200)
    worker_root = tmp_path / "worker-media"  # the ingesting machine's own disk
    settings.MEDIA_ROOT = worker_root

    cases = {}
    for name in ("too-large", "changed", "gone"):
        scene = _upload(actors.project, source)
        cases[name] = (scene, upload_media_key(scene.source_path))
    settings.UPLOAD_MAX_BYTES = source.stat().st_size - 1
    scene, key = cases["too-large"]
    failed = scene_ingest(scene_id=scene.pk)
    assert failed.status == SceneStatus.FAILED
    assert "larger than the upload limit" in failed.status_reason
    settings.UPLOAD_MAX_BYTES = 10 * source.stat().st_size

    scene, key = cases["changed"]
    media_put_bytes(key, source.read_bytes()[:-1] + b"\x00")  # replaced after the upload's checksum was taken
    failed = scene_ingest(scene_id=scene.pk)
    assert failed.status == SceneStatus.FAILED
    assert "does not match the checksum" in failed.status_reason

    scene, key = cases["gone"]
    s3_media.client().delete_object(Bucket=s3_media.bucket, Key=f"{s3_media.prefix}/{key}")
    failed = scene_ingest(scene_id=scene.pk)
    assert failed.status == SceneStatus.FAILED
    assert "no longer in the media bucket" in failed.status_reason

    for scene, _key in cases.values():
        scene.refresh_from_db()
        assert scene.source_path == ""
    assert not any(k.startswith("uploads/") for k in s3_media.keys())  # each failure removed its upload
    assert _files(worker_root / "uploads") == []  # and its local copy

    ok = _upload(actors.project, source)  # the same file, untouched, ingests
    assert scene_ingest(scene_id=ok.pk).status == SceneStatus.READY


@pytest.mark.django_db
def test_a_refused_upload_leaves_nothing_in_the_bucket(s3_media, actors, tmp_path):
    fake = tmp_path / "fake.tif"
    fake.write_bytes(b"not a tiff at all" * 100)
    with pytest.raises(scene_services.ImageryRefused):
        _upload(actors.project, fake)
    assert s3_media.keys() == {}
    assert not Scene.objects.filter(project=actors.project).exists()


@pytest.mark.django_db
def test_bucket_uploads_no_scene_refers_to_are_swept_once_past_the_guard(s3_media, actors, tmp_path, monkeypatch):
    source = rasters.make_raster(tmp_path / "s.tif", width=300, height=200)
    waiting = _upload(actors.project, source)  # an ingesting scene refers to it
    media_put_bytes("uploads/orphan.tif", b"II*\x00left by a killed web process")
    assert upload_bucket_sweep() == []  # both younger than the guard: may be between storing and commit
    monkeypatch.setattr(upload_services, "CREATE_GUARD_S", 0.0)
    assert upload_bucket_sweep() == ["media:uploads/orphan.tif"]
    assert set(s3_media.keys()) == {upload_media_key(waiting.source_path)}
    for bad in ("media:scenes/1/x.tif", "media:uploads/../x.tif", "media:uploads/a/b.tif"):
        with pytest.raises((ValueError, MediaKeyRefused), match=r"upload in the media bucket|storage key"):
            upload_media_key(bad)
    assert upload_media_key("/srv/media/uploads/x.tif") is None
