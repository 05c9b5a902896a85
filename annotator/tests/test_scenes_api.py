"""Scenes over HTTP: upload, register, ingest, read, edit, tiles; refusals that leave nothing behind; roles."""

import hashlib
import io
import os

import numpy as np
import pytest
import rasterio
from django.core.files import File
from morecantile import tms as tile_matrix_sets
from PIL import Image

from annotator import authentication as cached_auth
from annotator import permissions
from annotator.apis import scenes as scene_apis
from annotator.models import Scene, SceneStatus
from annotator.selectors import scenes as scene_selectors
from annotator.services.scenes import scene_create_from_upload, scene_ingest
from annotator.tests import rasters

pytestmark = pytest.mark.django_db
WEB_MERCATOR = tile_matrix_sets.get("WebMercatorQuad")
ANON = 401  # token authentication comes first: anonymous calls get 401 with WWW-Authenticate
SCENE_KEYS = {"id", "name", "status", "status_reason", "progress", "width", "height", "band_count", "dtype", "crs",
              "gsd", "nodata", "bounds", "footprint", "grid", "render_recipe", "model_bands", "sources", "tiles_url",
              "minzoom", "maxzoom"}


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    """A fresh media folder and imagery root per test; per-process tile caches emptied."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMAGERY_ROOT = tmp_path / "imagery"
    settings.IMAGERY_ROOT.mkdir()
    scene_selectors._tile_sources.clear()
    permissions._cached_roles.clear()
    cached_auth.token_users.clear()
    cached_auth.session_users.clear()
    return settings


def files_under(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def ready_scene(project, tmp_path, name="s", **kwargs) -> Scene:
    source = rasters.make_raster(tmp_path / f"{name}.tif", width=300, height=200, **kwargs)
    with open(source, "rb") as handle:
        scene = scene_create_from_upload(project=project, uploaded_file=File(handle, name=source.name), name=name,
                                         user=None, enqueue=False)
    scene = scene_ingest(scene_id=scene.id)
    assert scene.status == SceneStatus.READY, scene.status_reason
    return scene


def tile_of(scene: Scene, corner: str = "bottom-right", zoom: int | None = None):
    west, south, east, north = scene.footprint.extent
    lon, lat = (east - 1e-9, south + 1e-9) if corner == "bottom-right" else (west + 1e-9, north - 1e-9)
    zoom = zoom if zoom is not None else scene_apis.scene_out(scene)["maxzoom"]
    return WEB_MERCATOR.tile(lon, lat, zoom)


def pixel_at(tile, lon: float, lat: float) -> tuple[int, int]:
    """(row, col) of a longitude/latitude inside a 256-px tile."""
    bounds = WEB_MERCATOR.xy_bounds(tile)
    x, y = WEB_MERCATOR.xy(lon, lat)
    col = int((x - bounds.left) / (bounds.right - bounds.left) * 256)
    row = int((bounds.top - y) / (bounds.top - bounds.bottom) * 256)
    return row, col


def tile_url(scene: Scene, tile, ext="png") -> str:
    return f"/api/scenes/{scene.id}/tiles/{tile.z}/{tile.x}/{tile.y}.{ext}"


# --- upload and ingestion ---------------------------------------------------------------------------------------


def test_upload_stores_with_checksum_queues_ingestion_and_ingests(actors, storage, tmp_path,
                                                                 django_capture_on_commit_callbacks):
    source = rasters.make_raster(tmp_path / "upload.tif", bands=4, dtype="uint16", nodata=0, nodata_corner=True)
    with open(source, "rb") as handle, django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = actors.client("admin").post(f"/api/projects/{actors.project.id}/scenes/",
                                               {"file": handle, "name": "Upload"}, format="multipart")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "ingesting"
    assert body["name"] == "Upload"
    assert len(callbacks) == 1  # the Celery task, sent once the transaction commits
    scene = Scene.objects.get(pk=body["id"])
    assert scene.checksum == hashlib.sha256(source.read_bytes()).hexdigest()
    assert files_under(storage.MEDIA_ROOT / "uploads") == [os.path.basename(scene.source_path)]

    scene = scene_ingest(scene_id=scene.id)
    assert (scene.status, scene.progress, scene.status_reason) == ("ready", 1.0, "")
    assert files_under(storage.MEDIA_ROOT) == [f"scenes/{scene.id}/{scene.checksum}.tif"]  # upload consumed
    detail = actors.client("annotator").get(f"/api/scenes/{scene.id}/").json()
    assert set(detail) == SCENE_KEYS
    assert (detail["width"], detail["height"], detail["band_count"], detail["dtype"]) == (600, 400, 4, "uint16")
    assert detail["crs"] == "EPSG:32616"
    assert detail["nodata"] == 0
    grid = detail["grid"]  # the grid a client rasterises answers on: the uploaded file's own
    with rasterio.open(source) as src:
        assert grid["affine"] == list(src.transform)[:6]
        assert grid["transform"] == list(src.transform.to_gdal())
        assert (grid["width"], grid["height"], grid["band_count"]) == (src.width, src.height, src.count)
        assert grid["dtypes"] == list(src.dtypes)
    assert grid["crs"] == "EPSG:32616"
    assert detail["gsd"] == pytest.approx(1.0)
    assert detail["footprint"]["type"] == "Polygon"
    west, south, east, north = detail["bounds"]
    assert -84.5 < west < east < -84.3
    assert 33.7 < south < north < 33.8
    assert detail["render_recipe"]["bands"] == [1, 2, 3]
    assert detail["tiles_url"] == f"/api/scenes/{scene.id}/tiles/{{z}}/{{x}}/{{y}}.png"
    assert 0 <= detail["minzoom"] < detail["maxzoom"] <= 24
    listed = actors.client("annotator").get(f"/api/projects/{actors.project.id}/scenes/").json()
    assert [s["id"] for s in listed] == [scene.id]


REFUSED_UPLOADS = {
    "not a raster": (rasters.make_not_a_raster, "not a raster"),
    "truncated TIFF": (rasters.make_truncated, "truncated"),
    "no georeferencing": (lambda p: rasters.make_raster(p, crs=None), "no georeferencing"),
    "rotated grid": (lambda p: rasters.make_raster(p, rotated=True), "rotated"),
}


@pytest.mark.parametrize("label", list(REFUSED_UPLOADS))
def test_bad_uploads_are_refused_with_a_reason_and_nothing_stored(actors, storage, tmp_path, label):
    make, words = REFUSED_UPLOADS[label]
    path = make(tmp_path / "bad.tif")
    with open(path, "rb") as handle:
        response = actors.client("admin").post(f"/api/projects/{actors.project.id}/scenes/",
                                               {"file": handle, "name": "bad"}, format="multipart")
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert "bad.tif" in response.json()["detail"]
    assert response.json()["code"] == "invalid_raster"
    assert not Scene.objects.exists()
    assert files_under(storage.MEDIA_ROOT) == []


@pytest.mark.parametrize("limit", ["declared", "streamed"])
def test_upload_over_the_limit_is_413_and_nothing_stored(actors, storage, tmp_path, limit):
    path = rasters.make_raster(tmp_path / "big.tif")
    size = path.stat().st_size
    # "declared": the Content-Length alone is over; "streamed": only counting the copied bytes finds out.
    storage.UPLOAD_MAX_BYTES = 1000 if limit == "declared" else size - 1
    with open(path, "rb") as handle:
        response = actors.client("admin").post(f"/api/projects/{actors.project.id}/scenes/",
                                               {"file": handle, "name": "big"}, format="multipart")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Scene.objects.exists()
    assert files_under(storage.MEDIA_ROOT) == []


def test_failed_ingestion_is_recorded_with_a_reason_and_files_removed(actors, storage, tmp_path):
    source = rasters.make_raster(tmp_path / "ok.tif")
    with open(source, "rb") as handle:
        scene = scene_create_from_upload(project=actors.project, uploaded_file=File(handle, name="ok.tif"),
                                         name="x", user=None, enqueue=False)
    with open(scene.source_path, "r+b") as handle:  # damaged after the quick check passed
        handle.seek(2000)
        handle.write(b"\xff" * 50_000)
        handle.truncate(60_000)
    scene = scene_ingest(scene_id=scene.id)
    assert scene.status == SceneStatus.FAILED
    assert scene.status_reason
    assert "\n" not in scene.status_reason.strip()
    assert files_under(storage.MEDIA_ROOT) == []
    body = actors.client("annotator").get(f"/api/scenes/{scene.id}/").json()
    assert body["status"] == "failed"
    assert body["status_reason"] == scene.status_reason


# --- registering files from the imagery folder ------------------------------------------------------------------


def test_register_a_file_inside_the_imagery_root(actors, storage, django_capture_on_commit_callbacks):
    rasters.make_raster(storage.IMAGERY_ROOT / "area" / "a.tif", bands=1, dtype="int16")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = actors.client("admin").post(f"/api/projects/{actors.project.id}/scenes/register/",
                                               {"path": "area/a.tif", "name": "A"}, format="json")
    assert response.status_code == 202, response.json()
    assert len(callbacks) == 1
    scene = scene_ingest(scene_id=response.json()["id"])
    assert scene.status == "ready"
    assert scene.checksum
    assert (storage.IMAGERY_ROOT / "area" / "a.tif").exists()  # a registered source stays where it is


@pytest.mark.parametrize("case", ["dotdot", "symlink", "absolute", "missing", "directory"])
def test_register_refuses_paths_outside_the_root(actors, storage, tmp_path, case):
    outside = rasters.make_raster(tmp_path / "outside" / "secret.tif")
    (storage.IMAGERY_ROOT / "sub").mkdir()
    (storage.IMAGERY_ROOT / "link.tif").symlink_to(outside)
    path = {"dotdot": "sub/../../outside/secret.tif", "symlink": "link.tif", "absolute": str(outside),
            "missing": "nope.tif", "directory": "sub"}[case]
    response = actors.client("staff").post(f"/api/projects/{actors.project.id}/scenes/register/",
                                           {"path": path}, format="json")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert {"dotdot": "'..'", "symlink": "outside the imagery folder", "absolute": "absolute",
            "missing": "No file", "directory": "not a file"}[case] in detail
    assert not Scene.objects.exists()
    assert files_under(storage.MEDIA_ROOT) == []


# --- detail and recipe edits ------------------------------------------------------------------------------------


def test_admin_edits_name_and_false_colour_recipe(actors, tmp_path):
    scene = ready_scene(actors.project, tmp_path, bands=4)
    client = actors.client("admin")
    response = client.patch(f"/api/scenes/{scene.id}/", {"name": "NIR", "render_recipe": {"bands": [4, 3, 2]}},
                            format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == "NIR"
    assert body["render_recipe"]["bands"] == [4, 3, 2]
    response = client.patch(f"/api/scenes/{scene.id}/",
                            {"render_recipe": {"min": [0, 0, 0], "max": [100, 100, 100]}}, format="json")
    assert response.json()["render_recipe"] == {"bands": [4, 3, 2], "min": [0, 0, 0], "max": [100, 100, 100]}
    for bad in ({"bands": [5, 3, 2]}, {"min": [5, 5, 5], "max": [1, 1, 1]}, {"bands": [1, 2]}, {"gamma": 1}):
        response = client.patch(f"/api/scenes/{scene.id}/", {"render_recipe": bad}, format="json")
        assert response.status_code == 400, bad


# --- tiles ------------------------------------------------------------------------------------------------------


def decode(response) -> np.ndarray:
    image = Image.open(io.BytesIO(response.content))
    assert image.mode == "RGBA"
    assert image.size == (256, 256)
    return np.asarray(image)


def test_tile_png_is_rgba_transparent_outside_with_etag_and_304(actors, tmp_path):
    scene = ready_scene(actors.project, tmp_path, bands=3, dtype="uint16")
    client = actors.client("annotator")
    response = client.get(tile_url(scene, tile_of(scene)))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    pixels = decode(response)
    assert pixels[-1, -1, 3] == 0
    assert pixels[..., 3].max() == 255
    etag = response["ETag"]
    assert etag
    assert "no-cache" in response["Cache-Control"]
    again = client.get(tile_url(scene, tile_of(scene)), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert not again.content
    # another recipe: another ETag, the old one no longer matches
    actors.client("admin").patch(f"/api/scenes/{scene.id}/", {"render_recipe": {"bands": [3, 2, 1]}}, format="json")
    changed = client.get(tile_url(scene, tile_of(scene)), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_tile_nodata_is_transparent_and_webp_is_served(actors, tmp_path):
    scene = ready_scene(actors.project, tmp_path, bands=1, dtype="uint16", nodata=0, nodata_corner=True)
    client = actors.client("annotator")
    west, south, east, north = scene.footprint.extent
    tile = tile_of(scene, "top-left")
    pixels = decode(client.get(tile_url(scene, tile)))
    inside_nodata = pixel_at(tile, west + (east - west) * 0.2, north - (north - south) * 0.2)
    assert pixels[inside_nodata][3] == 0  # the top-left quarter is nodata
    assert pixels[..., 3].max() == 255  # the rest of the image in this tile is not
    webp = client.get(tile_url(scene, tile_of(scene), "webp"))
    assert webp.status_code == 200
    assert webp["Content-Type"] == "image/webp"
    assert webp.content[8:12] == b"WEBP"


def test_tile_outside_the_scene_is_404(actors, tmp_path):
    scene = ready_scene(actors.project, tmp_path)
    response = actors.client("annotator").get(f"/api/scenes/{scene.id}/tiles/12/0/0.png", HTTP_ACCEPT="image/png")
    assert response.status_code == 404
    assert "outside" in response.json()["detail"]
    assert actors.client("annotator").get("/api/scenes/999999/tiles/1/0/0.png").status_code == 404


@pytest.mark.parametrize("address", ["a/0/0.png", "3/0/x.png", "3/0/0.jpg", "3/0/0", "3/-1/0.png", "3/8/0.png",
                                     "3/0/8.png", "31/0/0.png", "3/0/0.png.png", "03/0/0.png", "3/0.5/0.png"])
def test_malformed_tile_addresses_are_400(actors, tmp_path, address):
    scene = ready_scene(actors.project, tmp_path)
    response = actors.client("annotator").get(f"/api/scenes/{scene.id}/tiles/{address}", HTTP_ACCEPT="image/png")
    assert response.status_code == 400, address
    assert response.json()["detail"]


def test_tiles_of_a_scene_still_ingesting_are_409(actors, tmp_path):
    source = rasters.make_raster(tmp_path / "x.tif")
    with open(source, "rb") as handle:
        scene = scene_create_from_upload(project=actors.project, uploaded_file=File(handle, name="x.tif"),
                                         name="x", user=None, enqueue=False)
    assert actors.client("annotator").get(f"/api/scenes/{scene.id}/tiles/3/0/0.png").status_code == 409


# --- roles ------------------------------------------------------------------------------------------------------

MEMBERS = ("staff", "admin", "reviewer", "annotator")


@pytest.mark.parametrize(("who", "read", "write"), [
    ("staff", 200, 200), ("admin", 200, 200), ("reviewer", 200, 403), ("annotator", 200, 403),
    ("outsider", 403, 403), (None, ANON, ANON),
])
def test_scene_detail_list_and_tiles_by_role(actors, tmp_path, who, read, write):
    scene = ready_scene(actors.project, tmp_path)
    client = actors.client(who)
    reads = [client.get(f"/api/projects/{actors.project.id}/scenes/"), client.get(f"/api/scenes/{scene.id}/"),
             client.get(tile_url(scene, tile_of(scene)))]
    writes = [client.patch(f"/api/scenes/{scene.id}/", {"name": "renamed"}, format="json")]
    for response in reads:
        assert response.status_code in (read if isinstance(read, tuple) else (read,))
    for response in writes:
        assert response.status_code in (write if isinstance(write, tuple) else (write,))


@pytest.mark.parametrize(("who", "expected"), [
    ("staff", 202), ("admin", 202), ("reviewer", 403), ("annotator", 403), ("outsider", 403), (None, ANON),
])
def test_upload_and_register_by_role(actors, storage, tmp_path, who, expected,
                                     django_capture_on_commit_callbacks):
    source = rasters.make_raster(storage.IMAGERY_ROOT / "r.tif", width=64, height=64)
    client = actors.client(who)
    with django_capture_on_commit_callbacks(execute=False), open(source, "rb") as handle:
        upload = client.post(f"/api/projects/{actors.project.id}/scenes/", {"file": handle}, format="multipart")
        register = client.post(f"/api/projects/{actors.project.id}/scenes/register/", {"path": "r.tif"},
                               format="json")
    expected = expected if isinstance(expected, tuple) else (expected,)
    assert upload.status_code in expected
    assert register.status_code in expected
    if 202 not in expected:
        assert not Scene.objects.exists()
        assert files_under(storage.MEDIA_ROOT) == []


def test_a_warm_tile_request_touches_no_database(actors, tmp_path, django_assert_num_queries):
    scene = ready_scene(actors.project, tmp_path)
    client = actors.client("annotator")
    url = tile_url(scene, tile_of(scene))
    assert client.get(url).status_code == 200  # token, scene and membership looked up once
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_tiles_with_the_browser_session(actors, tmp_path, django_assert_num_queries):
    from rest_framework.test import APIClient

    scene = ready_scene(actors.project, tmp_path)
    browser, outsider = APIClient(), APIClient()
    browser.force_login(actors.users["annotator"])
    outsider.force_login(actors.users["outsider"])
    url = tile_url(scene, tile_of(scene))
    assert browser.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert browser.get(url).status_code == 200
    assert outsider.get(url).status_code == 403
