"""Multi-sensor scenes in real Chromium against the running app and Celery worker: an admin composes one scene from
two files (a float32 lon/lat "SAR" raster and a 3-band UTM optical one), the worker stacks and ingests it, the list
shows it ready; on its page the admin sets the model bands (the SAR band alone) beside the render recipe.
Screenshots: artifacts/e2e/stack_*.png."""

import pytest
from playwright.sync_api import expect

from annotator.tests.test_stack import _optical, _sar_lonlat
from tests.e2e.pages import Shots, api_get, login, new_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_composes_a_scene_from_two_files_and_sets_model_bands(app_server, sample_scene, artifacts_dir,
                                                                      chromium, tmp_path):
    optical, _ = _optical(tmp_path)
    sar = _sar_lonlat(tmp_path)
    url = app_server.url
    page = new_page(chromium)
    shots = Shots(artifacts_dir, prefix="stack")
    login(page, url, (sample_scene.username, sample_scene.password))

    page.goto(f"{url}/#/projects/{sample_scene.project_id}")
    form = page.get_by_test_id("compose-scene")
    expect(form).to_be_visible()
    form.locator("summary").click()
    page.get_by_test_id("compose-files").set_input_files([str(sar), str(optical)])
    expect(page.get_by_test_id("compose-order").locator("li")).to_have_count(2)
    page.get_by_test_id("compose-name").fill("SAR + optical")
    expect(page.get_by_test_id("compose-submit")).to_be_enabled()
    shots(page, "compose_form")
    page.get_by_test_id("compose-submit").click()
    expect(page.get_by_test_id("compose-state")).to_contain_text("is ingesting")

    item = page.locator("[data-testid=scene-item]", has_text="SAR + optical")
    expect(item).to_have_attribute("data-status", "ready", timeout=120_000)
    # (the ORM cannot be used while Playwright's loop runs: the API answers instead)
    scenes = api_get(page, f"{url}/api/projects/{sample_scene.project_id}/scenes/")
    scene = next(s for s in scenes if s["name"] == "SAR + optical")
    assert scene["status"] == "ready", scene["status_reason"]
    assert (scene["band_count"], scene["dtype"], scene["crs"], scene["width"], scene["height"]) == (
        4, "float32", "EPSG:32616", 120, 80)
    assert scene["sources"] == ["sar.tif", "optical.tif"]
    expect(item).to_contain_text("4 bands float32")
    shots(page, "scene_ready")

    item.locator("a").first.click()
    panel = page.get_by_test_id("model-bands")
    expect(panel.get_by_test_id("model-bands-mode")).to_be_visible(timeout=60_000)
    expect(panel).to_have_attribute("data-mode", "recipe")
    expect(panel.get_by_test_id("model-band-0")).to_contain_text("1: sar.tif: band 1")
    panel.get_by_test_id("model-bands-mode").select_option("one")
    panel.get_by_test_id("model-band-0").select_option("1")
    panel.get_by_test_id("model-bands-save").click()
    expect(panel).to_have_attribute("data-mode", "one")
    expect(panel.get_by_test_id("model-bands-state")).to_contain_text("Saved")
    expect(panel.get_by_test_id("model-bands-stretch")).to_contain_text("sar.tif: band 1")
    panel.scroll_into_view_if_needed()
    shots(page, "model_bands")

    saved = api_get(page, f"{url}/api/scenes/{scene['id']}/model-bands/")
    assert saved["model_bands"]["bands"] == [1]
    assert saved["effective"] == saved["model_bands"]
    assert saved["model_bands"]["min"][0] < saved["model_bands"]["max"][0]  # the SAR band's own 2-98 stretch
    assert api_get(page, f"{url}/api/scenes/{scene['id']}/")["render_recipe"]["bands"] == [1, 2, 3]  # left alone
    assert page.errors == []
