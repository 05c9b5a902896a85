"""The recipe editor's server side: gamma, colour ramps, dB scale, presets, histograms, the draft preview, the
recipe endpoint (admin only, audited, tiles and embedding keys invalidated), and the Django admin's validation."""

import io
from pathlib import Path

import numpy as np
import pytest
import rasterio
from PIL import Image

from annotator.imagery import InvalidRecipe
from annotator.imagery.recipe import band_histogram, recipe_merge, recipe_presets, recipe_validate
from annotator.imagery.tiles import colormap_lut, gamma_lut, recipe_apply
from annotator.models import AuditEvent, Scene
from annotator.selectors.scenes import scene_cog_file, scene_tile_source
from annotator.tests.test_scenes_api import ready_scene, storage, tile_of  # noqa: F401 (fixture)
from inference.services.embeddings import recipe_hash

pytestmark = pytest.mark.django_db


def test_gamma_brightens_through_a_lookup_table_built_once():
    data = np.array([[[0, 64, 128, 255]]], dtype="float32")
    plain = recipe_apply(data, {"bands": [1], "min": [0], "max": [255]})
    bright = recipe_apply(data, {"bands": [1], "min": [0], "max": [255], "gamma": [2.0]})
    assert plain[0, 0].tolist() == [0, 64, 128, 255]
    assert bright[0, 0, 0] == 0
    assert bright[0, 0, 3] == 255
    assert bright[0, 0, 1] == round(255 * (64 / 255) ** 0.5)
    assert gamma_lut(2.0) is gamma_lut(2.0)  # cached: not rebuilt per tile


def test_colour_ramp_maps_one_band_to_rgb():
    data = np.array([[[0, 255]]], dtype="float32")
    rgb = recipe_apply(data, {"bands": [1], "min": [0], "max": [255], "colormap": "viridis"})
    lut = colormap_lut("viridis")
    assert rgb.shape == (3, 1, 2)
    assert rgb[:, 0, 0].tolist() == lut[:, 0].tolist()
    assert rgb[:, 0, 1].tolist() == lut[:, 255].tolist()
    assert rgb[:, 0, 0].tolist() != rgb[:, 0, 1].tolist()


def test_db_scale_stretches_the_log_of_intensity():
    data = np.array([[[0.001, 0.01, 0.1, 1.0]]], dtype="float32")  # -30, -20, -10, 0 dB
    rgb = recipe_apply(data, {"bands": [1], "min": [-30], "max": [0], "scale": "db"})
    assert np.abs(rgb[0, 0].astype(int) - [0, 85, 170, 255]).max() <= 1


@pytest.mark.parametrize("bad", [
    {"bands": [1], "min": [0], "max": [1], "gamma": [0]},
    {"bands": [1], "min": [0], "max": [1], "gamma": [1, 2]},
    {"bands": [1, 2, 3], "min": [0] * 3, "max": [1] * 3, "colormap": "viridis"},
    {"bands": [1], "min": [0], "max": [1], "colormap": "no-such-ramp"},
    {"bands": [1], "min": [0], "max": [1], "scale": "log2"},
    {"bands": [1], "min": [0], "max": [1], "stretch": "x"},
])
def test_bad_recipe_options_are_refused(bad):
    with pytest.raises(InvalidRecipe):
        recipe_validate(bad, band_count=4)


def test_neutral_options_are_left_out_so_the_hash_is_unchanged():
    base = {"bands": [1], "min": [0.0], "max": [1.0]}
    assert recipe_validate({**base, "gamma": [1.0], "scale": "linear"}, band_count=1) == base


def test_presets_follow_the_bands_the_file_labels():
    rgbn = recipe_presets(band_count=4, dtype="uint8", colorinterp=["red", "green", "blue", "undefined"])
    by_name = {p["name"]: p["changes"] for p in rgbn}
    assert by_name["true_colour"]["bands"] == [1, 2, 3]
    assert by_name["nir_false_colour"]["bands"] == [4, 1, 2]
    assert by_name["single_band_ramp"]["colormap"]
    assert "sar_db" not in by_name
    bgr = recipe_presets(band_count=4, dtype="uint16", colorinterp=["blue", "green", "red", "undefined"])
    assert {p["name"]: p for p in bgr}["true_colour"]["changes"]["bands"] == [3, 2, 1]
    intensity = {p["name"]: p for p in recipe_presets(band_count=1, dtype="float32")}
    assert intensity["sar_db"]["changes"]["scale"] == "db"
    assert "true_colour" not in intensity
    sar = {p["name"]: p for p in recipe_presets(band_count=1, dtype="float32", radiometry="amplitude_db")}
    assert sar["sar_db"]["changes"]["scale"] == "linear"  # already in dB


def test_histogram_and_db_merge_on_an_intensity_raster(tmp_path):
    path = tmp_path / "intensity.tif"
    values = np.logspace(-3, 0, 200 * 300).reshape(1, 200, 300).astype("float32")  # -30 .. 0 dB
    with rasterio.open(path, "w", driver="GTiff", width=300, height=200, count=1, dtype="float32",
                       crs="EPSG:32616", transform=rasterio.Affine(1, 0, 742000, 0, -1, 3737000)) as dst:
        dst.write(values)
    hist = band_histogram(path, band=1, band_count=1, bins=16, scale="db")
    assert len(hist["edges"]) == 17
    assert len(hist["counts"]) == 16
    assert sum(hist["counts"]) > 0
    assert -30.5 < hist["edges"][0] < hist["edges"][-1] < 0.5
    assert band_histogram(path, band=1, band_count=1, bins=16, scale="db") is hist  # cached
    merged = recipe_merge(path, current={"bands": [1], "min": [0.001], "max": [1.0]}, changes={"scale": "db"},
                          band_count=1)
    assert merged["scale"] == "db"
    assert -30 < merged["min"][0] < -28
    assert -2 < merged["max"][0] < 0
    with pytest.raises(InvalidRecipe):
        band_histogram(path, band=2, band_count=1)


def _png(body: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(body)).convert("RGBA"))


def test_recipe_endpoint_preview_histogram_and_invalidation(actors, tmp_path):
    scene = ready_scene(actors.project, tmp_path, bands=4)
    admin, annotator = actors.client("admin"), actors.client("annotator")
    got = annotator.get(f"/api/scenes/{scene.id}/recipe/").json()
    assert got["recipe"]["bands"] == [1, 2, 3]
    assert got["can_edit"] is False
    assert {p["name"] for p in got["presets"]} >= {"true_colour", "nir_false_colour", "single_band_ramp"}

    hist = annotator.get(f"/api/scenes/{scene.id}/histogram/?band=4&bins=32")
    assert hist.status_code == 200
    assert len(hist.json()["counts"]) == 32
    assert annotator.get(f"/api/scenes/{scene.id}/histogram/?band=9").status_code == 400

    url = f"/api/scenes/{scene.id}/recipe/preview.png"
    before = annotator.get(url, {"recipe": "{}"})
    after = annotator.get(url, {"recipe": '{"bands": [1], "colormap": "magma", "gamma": [1.8]}'})
    assert before.status_code == after.status_code == 200
    assert before["Content-Type"] == "image/png"
    assert before.content != after.content
    assert _png(after.content).shape[2] == 4
    bad = annotator.get(url, {"recipe": '{"bands": [7]}'})
    assert bad.status_code == 400
    assert "Band 7" in bad.json()["detail"]
    assert Scene.objects.get(pk=scene.id).render_recipe["bands"] == [1, 2, 3]  # a preview saves nothing

    source_before = scene_tile_source(scene_id=scene.id)
    key_before = recipe_hash(Scene.objects.get(pk=scene.id).render_recipe)
    assert annotator.patch(f"/api/scenes/{scene.id}/recipe/", {"gamma": [2, 2, 2]}, format="json"
                           ).status_code == 403
    response = admin.patch(f"/api/scenes/{scene.id}/recipe/", {"bands": [4, 1, 2], "gamma": [1.5, 1, 1]},
                           format="json")
    assert response.status_code == 200, response.json()
    recipe = response.json()["recipe"]
    assert recipe["bands"] == [4, 1, 2]
    assert recipe["gamma"] == [1.5, 1.0, 1.0]
    assert scene_tile_source(scene_id=scene.id).version != source_before.version  # tile ETags change
    assert recipe_hash(Scene.objects.get(pk=scene.id).render_recipe) != key_before  # embedding keys change
    event = AuditEvent.objects.filter(action="scene.recipe", object_id=scene.id).first()
    assert event is not None
    assert event.details["recipe"]["gamma"] == [1.5, 1.0, 1.0]
    refused = admin.patch(f"/api/scenes/{scene.id}/recipe/", {"colormap": "viridis"}, format="json")
    assert refused.status_code == 400
    assert "one band" in refused.json()["detail"]
    unknown = admin.patch(f"/api/scenes/{scene.id}/recipe/", {"stretch": "x"}, format="json")
    assert unknown.status_code == 400
    assert "stretch" in unknown.json()["detail"]

    tile = tile_of(scene)
    assert annotator.get(f"/api/scenes/{scene.id}/tiles/{tile.z}/{tile.x}/{tile.y}.png").status_code == 200


def test_django_admin_validates_the_recipe_and_audits_it(actors, tmp_path, client):
    from django.contrib.auth import get_user_model

    scene = ready_scene(actors.project, tmp_path, bands=3)
    get_user_model().objects.create_superuser("root", password="pw")
    client.login(username="root", password="pw")
    url = f"/admin/annotator/scene/{scene.id}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"checksum" in page.content
    bad = client.post(url, {"name": "x", "render_recipe": '{"bands": [9], "min": [0], "max": [1]}'})
    assert bad.status_code == 200
    assert b"Band 9 does not exist" in bad.content
    good = client.post(url, {"name": "x", "render_recipe": '{"bands": [2], "min": [0], "max": [200], '
                                                           '"colormap": "terrain"}'})
    assert good.status_code == 302
    scene.refresh_from_db()
    assert scene.render_recipe == {"bands": [2], "min": [0.0], "max": [200.0], "colormap": "terrain"}
    assert AuditEvent.objects.filter(action="scene.recipe", object_id=scene.id).exists()
    assert Path(scene_cog_file(scene)).is_file()


def test_complex_sar_upload_is_ingested_as_db(actors, tmp_path):
    from django.core.files import File

    from annotator.services.scenes import scene_create_from_upload, scene_ingest
    from annotator.tests.test_sar import make_sar

    source = make_sar(tmp_path / "slc.tif")
    with open(source, "rb") as handle:
        scene = scene_create_from_upload(project=actors.project, uploaded_file=File(handle, name="slc.tif"),
                                         name="sar", user=None, enqueue=False)
    scene = scene_ingest(scene_id=scene.id)
    assert scene.status == "ready", scene.status_reason
    assert scene.dtype == "float32"
    assert scene.radiometry == "amplitude_db"
    assert scene.nodata == -9999.0
    recipe = actors.client("admin").get(f"/api/scenes/{scene.id}/recipe/").json()
    assert recipe["recipe"]["bands"] == [1]
    assert "sar_db" in {p["name"] for p in recipe["presets"]}
