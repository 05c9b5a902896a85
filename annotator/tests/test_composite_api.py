"""Composite (multi-sensor) scenes over HTTP: compose from two files, ingest onto one grid, refusals that leave nothing
behind, roles; and the model bands: they change the encoder's input and its embeddings' key."""

from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio
from rasterio.transform import Affine

from annotator import authentication as cached_auth
from annotator import permissions
from annotator.models import Scene, SceneStatus
from annotator.selectors import scenes as scene_selectors
from annotator.services.scenes import scene_ingest
from annotator.tests import rasters
from annotator.tests.test_stack import X0, Y0, _optical, _sar_lonlat, _write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    scene_selectors._tile_sources.clear()
    permissions._cached_roles.clear()
    cached_auth.token_users.clear()
    cached_auth.session_users.clear()
    return settings


def _files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _compose(client, project, paths, **fields):
    handles = [open(p, "rb") for p in paths]
    try:
        return client.post(f"/api/projects/{project.id}/scenes/composite/", {"files": handles, **fields},
                           format="multipart")
    finally:
        for h in handles:
            h.close()


def test_admin_composes_a_scene_from_two_files_and_it_ingests_onto_the_finest_grid(
        actors, storage, tmp_path, django_capture_on_commit_callbacks):
    optical, values = _optical(tmp_path)
    sar = _sar_lonlat(tmp_path)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _compose(actors.client("admin"), actors.project, [sar, optical], name="Two sensors")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["status"], body["name"], body["sources"]) == ("ingesting", "Two sensors", ["sar.tif", "optical.tif"])
    assert len(callbacks) == 1  # the ingestion task, sent on commit
    assert len(_files(storage.MEDIA_ROOT / "uploads")) == 2

    scene = scene_ingest(scene_id=body["id"])
    assert scene.status == SceneStatus.READY, scene.status_reason
    assert _files(storage.MEDIA_ROOT) == [f"scenes/{scene.id}/{scene.checksum}.tif"]  # both uploads consumed
    detail = actors.client("annotator").get(f"/api/scenes/{scene.id}/").json()
    assert detail["sources"] == ["sar.tif", "optical.tif"]
    assert (detail["band_count"], detail["dtype"], detail["crs"]) == (4, "float32", "EPSG:32616")
    assert detail["grid"]["affine"] == list(Affine(1.0, 0, X0, 0, -1.0, Y0))[:6]
    assert (detail["width"], detail["height"]) == (120, 80)
    assert detail["nodata"] == -9999.0
    with rasterio.open(storage.MEDIA_ROOT / scene.cog_path) as cog:
        assert cog.descriptions[0] == "sar.tif: band 1"
        assert cog.descriptions[3] == "optical.tif: band 3"
        assert cog.read(1)[40, 20] == np.float32(-12.5)
        np.testing.assert_allclose(cog.read(3), values[1].astype("float32"), atol=1e-4)
    bands = actors.client("annotator").get(f"/api/scenes/{scene.id}/model-bands/").json()
    assert bands["band_descriptions"] == ["sar.tif: band 1", "optical.tif: band 1", "optical.tif: band 2",
                                          "optical.tif: band 3"]
    assert bands["model_bands"] is None
    assert bands["effective"] == detail["render_recipe"]


def test_admin_chosen_reference_gives_its_grid(actors, storage, tmp_path):
    optical, _ = _optical(tmp_path)
    coarse = _write(tmp_path / "coarse.tif", np.full((1, 40, 60), 3, dtype="uint16"), crs="EPSG:32616",
                    transform=Affine(2.0, 0, X0, 0, -2.0, Y0))
    response = _compose(actors.client("admin"), actors.project, [optical, coarse], reference=1)
    assert response.status_code == 202, response.json()
    scene = scene_ingest(scene_id=response.json()["id"])
    assert scene.status == SceneStatus.READY, scene.status_reason
    assert (scene.width, scene.height, scene.transform) == (60, 40, [X0, 2.0, 0.0, Y0, 0.0, -2.0])


def test_non_overlapping_files_refused_with_a_reason_and_nothing_kept(actors, storage, tmp_path):
    optical, _ = _optical(tmp_path)
    far = _write(tmp_path / "far.tif", np.ones((1, 50, 50), dtype="uint8"), crs="EPSG:32616",
                 transform=Affine(10.0, 0, X0 + 5000, 0, -10.0, Y0))
    response = _compose(actors.client("admin"), actors.project, [optical, far])
    assert response.status_code == 400
    assert response.json()["reason"] == "sources_do_not_overlap"
    assert "far.tif does not overlap optical.tif" in response.json()["detail"]
    assert _files(storage.MEDIA_ROOT) == []
    assert not Scene.objects.exists()


def test_a_vrt_disguised_as_tif_in_the_set_is_refused(actors, storage, tmp_path):
    optical, _ = _optical(tmp_path)
    vrt = tmp_path / "bands.tif"
    vrt.write_text(f'<VRTDataset rasterXSize="10" rasterYSize="10"><VRTRasterBand dataType="Byte" band="1">'
                   f"<SimpleSource><SourceFilename>{optical}</SourceFilename></SimpleSource></VRTRasterBand>"
                   "</VRTDataset>")
    response = _compose(actors.client("admin"), actors.project, [optical, vrt])
    assert response.status_code == 400
    assert response.json()["reason"] == "format_not_allowed"
    assert "bands.tif" in response.json()["detail"]
    assert _files(storage.MEDIA_ROOT) == []
    assert not Scene.objects.exists()


def test_one_file_or_a_bad_reference_is_refused(actors, storage, tmp_path):
    optical, _ = _optical(tmp_path)
    assert _compose(actors.client("admin"), actors.project, [optical]).status_code == 400
    other = rasters.make_raster(tmp_path / "other.tif", bands=1, width=50, height=50)
    response = _compose(actors.client("admin"), actors.project, [optical, other], reference=5)
    assert response.status_code == 400
    assert "reference" in response.json()["detail"]
    assert _files(storage.MEDIA_ROOT) == []


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("annotator", 403), ("reviewer", 403),
                                               ("outsider", 403), ("staff", 202)])
def test_only_project_admins_compose(actors, storage, tmp_path, who, expected):
    optical, _ = _optical(tmp_path)
    sar = _sar_lonlat(tmp_path)
    client = actors.client(None) if who == "anonymous" else actors.client(who)
    assert _compose(client, actors.project, [optical, sar]).status_code == expected
    assert Scene.objects.exists() == (expected == 202)
    assert len(_files(storage.MEDIA_ROOT / "uploads")) == (2 if expected == 202 else 0)


# --- model bands ------------------------------------------------------------------------------------------------


def _ready_four_band(actors, tmp_path) -> Scene:
    from django.core.files import File

    from annotator.services.scenes import scene_create_from_upload

    source = rasters.make_raster(tmp_path / "four.tif", bands=4, dtype="uint16", width=300, height=200)
    with open(source, "rb") as handle:
        scene = scene_create_from_upload(project=actors.project, uploaded_file=File(handle, name="four.tif"),
                                         name="four", user=None, enqueue=False)
    scene = scene_ingest(scene_id=scene.id)
    assert scene.status == SceneStatus.READY, scene.status_reason
    return scene


def test_model_bands_change_the_encoder_input_and_the_embedding_key(actors, storage, tmp_path):
    from inference.services.embeddings import embedding_key, scene_window_rgb
    from inference.windows import Window

    scene = _ready_four_band(actors, tmp_path)
    window = Window(0, 0, 0)
    before_rgb = scene_window_rgb(scene, window)
    before_key = embedding_key(encoder_sha256="e" * 64, scene=scene, window=window)

    response = actors.client("admin").patch(f"/api/scenes/{scene.id}/model-bands/",
                                            {"model_bands": {"bands": [4, 4, 4]}}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["model_bands"]["bands"] == [4, 4, 4]
    assert body["effective"] == body["model_bands"]
    assert len(body["model_bands"]["min"]) == 3
    scene.refresh_from_db()
    after_rgb = scene_window_rgb(scene, window)
    after_key = embedding_key(encoder_sha256="e" * 64, scene=scene, window=window)
    assert after_key.cache_key != before_key.cache_key  # no embedding of bands 1-2-3 is reused
    assert not np.array_equal(after_rgb, before_rgb)
    valid = after_rgb[:200, :300]
    assert np.array_equal(valid[..., 0], valid[..., 1])
    assert np.array_equal(valid[..., 0], valid[..., 2])
    # the render recipe is left alone, and editing it no longer moves the model's input
    assert actors.client("annotator").get(f"/api/scenes/{scene.id}/").json()["render_recipe"]["bands"] == [1, 2, 3]
    assert actors.client("admin").patch(f"/api/scenes/{scene.id}/recipe/", {"bands": [3, 2, 1]},
                                        format="json").status_code == 200
    scene.refresh_from_db()
    assert embedding_key(encoder_sha256="e" * 64, scene=scene, window=window) == after_key

    back = actors.client("admin").patch(f"/api/scenes/{scene.id}/model-bands/", {"model_bands": None},
                                        format="json")
    assert back.status_code == 200
    assert back.json()["model_bands"] is None
    scene.refresh_from_db()
    assert scene.model_bands == {}
    assert embedding_key(encoder_sha256="e" * 64, scene=scene, window=window).recipe != after_key.recipe


def test_model_bands_refusals_and_roles(actors, storage, tmp_path):
    scene = _ready_four_band(actors, tmp_path)
    url = f"/api/scenes/{scene.id}/model-bands/"
    admin = actors.client("admin")
    for bad, words in (({"bands": [9]}, "Band 9 does not exist"), ({"bands": [1, 2]}, "bands"),
                       ({"bands": [1], "min": [0]}, "both"), ({"bands": [1], "min": [5], "max": [1]}, "greater"),
                       ({"bands": [1], "gamma": [2]}, "")):
        response = admin.patch(url, {"model_bands": bad}, format="json")
        assert response.status_code == 400, bad
        assert words in str(response.json()), (bad, response.json())
    assert admin.patch(url, {}, format="json").status_code == 400
    scene.refresh_from_db()
    assert scene.model_bands == {}
    assert actors.client(None).get(url).status_code == 401
    assert actors.client("outsider").get(url).status_code == 403
    assert actors.client("annotator").get(url).json()["can_edit"] is False
    for who, code in (("annotator", 403), ("reviewer", 403), ("outsider", 403)):
        assert actors.client(who).patch(url, {"model_bands": {"bands": [1]}}, format="json").status_code == code
    Scene.objects.filter(pk=scene.pk).update(status=SceneStatus.INGESTING)
    assert admin.patch(url, {"model_bands": {"bands": [1]}}, format="json").status_code == 409
    assert actors.client("annotator").get(url).status_code == 409
    assert os.path.exists(storage.MEDIA_ROOT / scene.cog_path)


def test_sweep_keeps_an_ingesting_composite_files_and_a_failed_one_loses_them(actors, storage, tmp_path):
    from annotator.services.scenes import scene_ingest_fail
    from annotator.services.uploads import upload_leftovers_sweep

    optical, _ = _optical(tmp_path)
    sar = _sar_lonlat(tmp_path)
    response = _compose(actors.client("admin"), actors.project, [optical, sar])
    assert response.status_code == 202
    scene = Scene.objects.get(pk=response.json()["id"])
    paths = [item["path"] for item in scene.sources]
    assert upload_leftovers_sweep() == []  # referenced by the ingesting composite scene: kept
    assert all(os.path.exists(p) for p in paths)
    assert scene_ingest_fail(scene=scene, reason="Ingestion failed: the worker is gone.")
    scene.refresh_from_db()
    assert scene.status == SceneStatus.FAILED
    assert scene.sources == [{"name": "optical.tif"}, {"name": "sar.tif"}]
    assert not any(os.path.exists(p) for p in paths)
    assert _files(storage.MEDIA_ROOT) == []
