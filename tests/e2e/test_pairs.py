"""Change detection in real Chromium against the running app and worker: an admin pairs the Atlanta sample with a
copy of it at half the resolution (so the worker resamples it onto the sample's grid) from the scenes screen,
opens the pair, draws a change on the after side, sees it in the list and uses the swipe.
Screenshots: artifacts/e2e/pairs_0N_*.png."""

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import rasterio
from django.core.files import File
from playwright.sync_api import expect

from tests.e2e.pages import Shots, api_get, building_inside, login, new_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class PairScenes:
    project_id: int
    before_id: int
    after_id: int
    admin: tuple[str, str]
    centre: tuple[float, float]  # lon, lat of the middle of the sample
    step: float  # degrees: a few tens of metres
    building: tuple[float, float]  # lon, lat inside a labelled building of the sample


def half_resolution_copy(source: Path, target: Path) -> Path:
    """The sample at half the resolution (2 x 2 pixels averaged), with a bright square in the middle: the change."""
    with rasterio.open(source) as src:
        data = src.read(out_shape=(src.count, src.height // 2, src.width // 2),
                        resampling=rasterio.enums.Resampling.average)
        profile = src.profile | {"width": src.width // 2, "height": src.height // 2,
                                 "transform": src.transform @ src.transform.scale(2, 2)}
    rows, cols = data.shape[1:]
    data[:, rows // 2 - 20:rows // 2 + 20, cols // 2 - 20:cols // 2 + 20] = np.iinfo(data.dtype).max // 2
    profile.pop("blockxsize", None)
    profile.pop("blockysize", None)
    profile.update(tiled=False, compress="DEFLATE")
    with rasterio.open(target, "w", **profile) as dst:
        dst.write(data)
    return target


@pytest.fixture
def pair_scenes(sample_scene, settings, tmp_path) -> PairScenes:
    from annotator.models import Project, Scene, SceneStatus
    from annotator.services.scenes import scene_create_from_upload, scene_ingest

    project = Project.objects.get(pk=sample_scene.project_id)
    before = Scene.objects.get(pk=sample_scene.scene_id)
    copy = half_resolution_copy(Path(settings.BASE_DIR) / "samples" / "spacenet-atlanta" / "sample_geotiff.tif",
                                tmp_path / "atlanta_later.tif")
    with open(copy, "rb") as handle:
        after = scene_create_from_upload(project=project, uploaded_file=File(handle, name=copy.name),
                                         name="Atlanta later (half resolution)", user=None, enqueue=False)
    after = scene_ingest(scene_id=after.id)
    assert after.status == SceneStatus.READY, after.status_reason
    west, south, east, north = before.footprint.extent
    building = building_inside(before.footprint.wkt)
    return PairScenes(project_id=project.id, before_id=before.id, after_id=after.id,
                      admin=(sample_scene.username, sample_scene.password),
                      centre=((west + east) / 2, (south + north) / 2), step=(east - west) / 12,
                      building=(building.lon, building.lat))


def wait_pair_maps(page) -> None:
    page.wait_for_selector("[data-testid=pair-screen][data-ready=true]", timeout=60_000)
    page.wait_for_function(
        """(ids) => ids.every((id) => { const m = document.querySelector(`[data-testid=${id}]`);
             return m && Number(m.dataset.tilesLoaded) > 0 && m.dataset.tilesLoading === '0'; })""",
        arg=["map-before", "map-after"], timeout=60_000)
    page.wait_for_timeout(600)  # tiles fade in


def map_xy(page, which: str, lon: float, lat: float) -> tuple[float, float]:
    px = page.evaluate("([w, lon, lat]) => window.__geoloopPair.lonLatToPixel(w, lon, lat)", [which, lon, lat])
    box = page.get_by_test_id(f"map-{which}").bounding_box()
    return box["x"] + px[0], box["y"] + px[1]


def brightness_at(page, lon: float, lat: float) -> float:
    """Mean grey level of a 16 x 16 screen patch of the swipe map around (lon, lat)."""
    from PIL import Image

    x, y = map_xy(page, "swipe", lon, lat)
    png = page.screenshot(clip={"x": x - 8, "y": y - 8, "width": 16, "height": 16})
    return float(np.asarray(Image.open(io.BytesIO(png)).convert("L")).mean())


def test_a_pair_made_from_two_scenes_gets_a_change_drawn_on_the_after_side(app_server, pair_scenes, artifacts_dir,
                                                                           chromium):
    url = app_server.url
    s = pair_scenes
    page = new_page(chromium)
    shots = Shots(artifacts_dir, prefix="pairs")
    login(page, url, s.admin)

    # --- the scenes screen: pair the two scenes; the worker resamples the after scene onto the before grid ---
    page.goto(f"{url}/#/projects/{s.project_id}")
    expect(page.get_by_test_id("pair-form")).to_be_visible()
    page.get_by_test_id("pair-before").select_option(str(s.before_id))
    page.get_by_test_id("pair-after").select_option(str(s.before_id))
    page.get_by_test_id("pair-create").click()
    expect(page.get_by_test_id("pair-message")).to_contain_text("two different scenes")  # refused, with the reason
    page.get_by_test_id("pair-after").select_option(str(s.after_id))
    page.get_by_test_id("pair-name").fill("Atlanta then and later")
    page.get_by_test_id("pair-create").click()
    expect(page.get_by_test_id("pair-message")).to_contain_text("resampled")
    expect(page.locator("[data-testid=pair-item][data-status=ready]")).to_have_count(1, timeout=120_000)
    shots(page, "scenes_with_pair")
    page.get_by_test_id("pair-link").click()

    # --- the pair screen: both dates side by side, one shared view ---
    wait_pair_maps(page)
    assert page.evaluate("() => window.__geoloopPair.maps.before.getView() === "
                         "window.__geoloopPair.maps.after.getView()")
    shots(page, "side_by_side")

    # --- draw a change on the after side (a square around the bright patch) ---
    lon, lat, d = s.centre[0], s.centre[1], s.step
    page.get_by_test_id("draw-side").select_option("after")
    page.get_by_test_id("draw").click()
    corners = [(lon - d, lat - d), (lon + d, lat - d), (lon + d, lat + d), (lon - d, lat + d)]
    points = [map_xy(page, "after", *c) for c in corners]
    for x, y in points:
        page.mouse.click(x, y)
        page.wait_for_timeout(150)
    page.mouse.click(*points[0])  # closes the ring
    expect(page.get_by_test_id("draft-info")).to_contain_text("after")
    page.get_by_test_id("save-change").click()
    expect(page.get_by_test_id("change-item")).to_have_count(1)
    expect(page.get_by_test_id("change-item")).to_contain_text("building")
    expect(page.get_by_test_id("change-item")).to_contain_text("after")
    page.wait_for_timeout(400)
    shots(page, "change_drawn_after")

    pair_id = int(page.url.rstrip("/").split("/")[-1])
    changes = api_get(page, f"{url}/api/pairs/{pair_id}/changes/")
    assert len(changes) == 1
    assert changes[0]["before_geometry"] is None
    ring = changes[0]["after_geometry"]["coordinates"][0][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    assert min(xs) < lon < max(xs)
    assert min(ys) < lat < max(ys)
    assert max(xs) - min(xs) == pytest.approx(2 * d, rel=0.1)

    # --- a prompt on the before date: the model's mask becomes the before geometry of a second change ---
    page.get_by_test_id("draw-side").select_option("before")
    page.get_by_test_id("prompt").click()
    page.mouse.click(*map_xy(page, "before", *s.building))
    expect(page.get_by_test_id("draft-info")).to_contain_text("before (model)", timeout=120_000)
    page.get_by_test_id("save-change").click()
    expect(page.get_by_test_id("change-item")).to_have_count(2)
    page.wait_for_timeout(400)
    shots(page, "change_prompted_before")
    prompted = api_get(page, f"{url}/api/pairs/{pair_id}/changes/")[-1]
    assert prompted["after_geometry"] is None
    assert prompted["before_proposal_id"] is not None
    assert prompted["before_geometry"]["type"] == "MultiPolygon"

    # --- swipe: one map, the after date clipped left of the slider ---
    page.get_by_test_id("mode-toggle").click()
    expect(page.get_by_test_id("pair-screen")).to_have_attribute("data-mode", "swipe")
    expect(page.get_by_test_id("map-swipe")).to_be_visible()
    page.get_by_test_id("swipe-slider").fill("30")
    expect(page.get_by_test_id("pair-screen")).to_have_attribute("data-swipe", "30")
    page.wait_for_function(
        """() => { const m = document.querySelector('[data-testid=map-swipe]');
                   return Number(m.dataset.tilesLoaded) > 0 && m.dataset.tilesLoading === '0'; }""", timeout=60_000)
    page.wait_for_timeout(600)
    shots(page, "swipe_30")
    patch_at_30 = brightness_at(page, lon, lat)
    page.get_by_test_id("swipe-slider").fill("70")
    page.wait_for_timeout(400)
    shots(page, "swipe_70")
    patch_at_70 = brightness_at(page, lon, lat)
    # the bright patch exists only on the after date: hidden right of the line at 30 %, shown left of it at 70 %
    assert patch_at_70 > patch_at_30 + 40, (patch_at_30, patch_at_70)
    assert not page.errors, page.errors
