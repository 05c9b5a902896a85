"""Media on an S3-compatible bucket (GEOLOOP_STORAGE=s3) against a real SeaweedFS started on loopback: the storage
room's round trip, a scene's COG ingested into the bucket and read by GDAL over /vsis3/ range requests (pixels,
tiles, recipe statistics), the imagery guard still refusing /vsi paths given as text, and an export written to the
bucket, downloaded through the API and purged."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
from django.conf import settings
from PIL import Image

from annotator.imagery import ImageryError
from annotator.imagery.guard import NO_SIZE_LIMITS, OwnObjectPath, raster_open
from annotator.media import (
    MediaKeyRefused,
    media_delete,
    media_delete_prefix,
    media_exists,
    media_gdal_path,
    media_list,
    media_local,
    media_put_bytes,
    media_put_file,
    media_read_bytes,
    media_size,
)
from annotator.models import LabelClass, Scene
from annotator.selectors.scenes import scene_cog_file, scene_cog_reading
from annotator.services.exports import export_archives_purge, export_job_create, export_job_run
from annotator.tests.export_fixtures import ROOT, SAMPLE, annotations_make, scene_ready, unzip

pytestmark = pytest.mark.django_db


def test_storage_round_trip_on_the_bucket(s3_media, tmp_path):
    assert media_put_bytes("embeddings/a/b.npy", b"x" * 1000) == 1000
    source = tmp_path / "c.tif"
    source.write_bytes(b"II*\x00" + b"\x01" * 5000)
    assert media_put_file("scenes/9/c.tif", source) == 5004
    assert source.is_file()  # copied, not moved
    # really in the bucket, under this test's prefix
    assert s3_media.keys() == {"embeddings/a/b.npy": 1000, "scenes/9/c.tif": 5004}
    assert media_exists("scenes/9/c.tif")
    assert not media_exists("scenes/9/missing.tif")
    assert media_size("embeddings/a/b.npy") == 1000
    assert media_read_bytes("scenes/9/c.tif") == source.read_bytes()
    assert dict(media_list("scenes")) == {"scenes/9/c.tif": 5004}
    with pytest.raises(FileNotFoundError):
        media_read_bytes("scenes/9/missing.tif")
    with pytest.raises(FileNotFoundError):
        media_size("scenes/9/missing.tif")

    local = media_local("scenes/9/c.tif")  # a local copy in this machine's cache, fetched once
    assert local.is_relative_to(Path(settings.GEOLOOP_MEDIA_CACHE))
    assert local.read_bytes() == source.read_bytes()
    assert media_local("scenes/9/c.tif") == local

    assert media_delete("embeddings/a/b.npy") is True
    assert media_delete("embeddings/a/b.npy") is False  # gone already (another machine was first): no error
    media_put_bytes("scenes/9/d.tif", b"y" * 10)
    assert media_delete_prefix("scenes/9") == (2, 5014)
    assert s3_media.keys() == {}

    for bad in ("../etc/passwd", "/etc/passwd", "s3://other/x", "scenes//x", "scenes/../x", "", "a\\b"):
        with pytest.raises(MediaKeyRefused):
            media_put_bytes(bad, b"no")


def test_scene_cog_goes_to_the_bucket_and_is_read_over_vsis3(s3_media, actors):
    scene = scene_ready(actors.project)
    assert s3_media.keys("scenes/") == {scene.cog_path: pytest.approx(s3_media.keys()[scene.cog_path])}
    assert scene.cog_path == f"scenes/{scene.pk}/{scene.checksum}.tif"
    assert not (Path(settings.MEDIA_ROOT) / scene.cog_path).exists()  # nothing kept on this machine's disk
    cog = scene_cog_file(scene)
    assert isinstance(cog, OwnObjectPath)
    assert cog == f"/vsis3/{s3_media.bucket}/{s3_media.prefix}/{scene.cog_path}"

    with raster_open(cog, limits=NO_SIZE_LIMITS) as remote, rasterio.open(ROOT / "samples" / SAMPLE) as original:
        assert remote.driver == "GTiff"
        assert remote.files == [str(cog)]
        assert (remote.width, remote.height) == (original.width, original.height)
        assert np.array_equal(remote.read(1, window=((100, 164), (200, 264))),
                              original.read(1, window=((100, 164), (200, 264))))
    with scene_cog_reading(), rasterio.open(cog, driver="GTiff") as ds:
        assert ds.overviews(1)  # a COG with its overviews, read by range requests

    # a /vsis3/ path (or URL) that arrives as text is never opened, even the very same object
    for text in (str(cog), f"/vsicurl/{s3_media.endpoint}/{s3_media.bucket}/{s3_media.prefix}/{scene.cog_path}",
                 f"{s3_media.endpoint}/{s3_media.bucket}/{scene.cog_path}"):
        with pytest.raises(ImageryError), raster_open(text):
            pass


def test_tiles_preview_and_recipe_edit_are_served_from_the_bucket(s3_media, actors):
    from morecantile import tms as tms_registry

    scene = scene_ready(actors.project)
    client = actors.client("annotator")
    west, south, east, north = scene.footprint.extent
    tile = tms_registry.get("WebMercatorQuad").tile((west + east) / 2, (south + north) / 2, 18)
    response = client.get(f"/api/scenes/{scene.id}/tiles/{tile.z}/{tile.x}/{tile.y}.png")
    assert response.status_code == 200, response.content[:300]
    image = np.asarray(Image.open(io.BytesIO(response.content)))
    assert image.shape == (256, 256, 4)
    assert image[..., 3].max() == 255
    assert image[..., :3].std() > 5

    admin = actors.client("admin")
    histogram = admin.get(f"/api/scenes/{scene.id}/histogram/?band=1")
    assert histogram.status_code == 200, histogram.content[:300]
    assert histogram.json()["count"] > 0
    preview = admin.get(f"/api/scenes/{scene.id}/recipe/preview.png", {"recipe": '{"colormap": "magma"}'})
    assert preview.status_code == 200, preview.content[:300]
    # a scale change measures the band's percentiles again: read from the bucket through the imagery guard
    edited = admin.patch(f"/api/scenes/{scene.id}/recipe/", {"scale": "db"}, format="json")
    assert edited.status_code == 200, edited.content[:300]
    assert Scene.objects.get(pk=scene.id).render_recipe["scale"] == "db"


def test_export_is_written_to_the_bucket_downloaded_and_purged(s3_media, actors):
    classes = [LabelClass.objects.create(project=actors.project, name="building")]
    scene = scene_ready(actors.project)
    annotations_make(actors.project, scene, classes, author=actors.users["annotator"])
    job = export_job_create(project=actors.project, user=actors.users["reviewer"], format="stac", enqueue=False)
    job = export_job_run(job_id=job.id)
    assert job.status == "succeeded", job.error
    assert job.result_path == f"exports/{actors.project.slug}/{job.id}/{actors.project.slug}-stac.zip"
    assert job.result_path in s3_media.keys("exports/")
    local_folder = Path(settings.MEDIA_ROOT) / "exports" / actors.project.slug
    staging = [f.name for f in local_folder.glob(f".{job.id}-*")]
    assert staging == []  # staging gone
    assert not (local_folder / str(job.id)).exists()  # and no archive kept on this machine

    response = actors.client("reviewer").get(f"/api/exports/{job.id}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'{actors.project.slug}-stac.zip"')
    files = unzip(b"".join(response.streaming_content))
    images = [name for name in files if name.endswith("image.tif")]
    assert len(images) == 1  # the scene's COG, copied whole from the bucket
    assert files[images[0]] == media_read_bytes(scene.cog_path)
    assert "manifest.json" in files
    with zipfile.ZipFile(io.BytesIO(b"".join(actors.client("reviewer").get(
            f"/api/exports/{job.id}/download/").streaming_content))) as archive:
        assert archive.testzip() is None

    result = export_archives_purge(older_than_days=0, project=actors.project)
    assert result["removed"] == 1
    assert result["freed_bytes"] > 0
    assert s3_media.keys("exports/") == {}
    assert actors.client("reviewer").get(f"/api/exports/{job.id}/download/").status_code == 404


def test_gdal_path_of_local_media_stays_a_plain_path(settings):
    settings.GEOLOOP_STORAGE = "local"
    path = media_gdal_path("scenes/1/x.tif")
    assert not isinstance(path, OwnObjectPath)
    assert path == str(Path(settings.MEDIA_ROOT) / "scenes" / "1" / "x.tif")
