"""The first screen in a real browser: log in, pick the project and the sample scene, see its tiles on the map."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TILE_URL = re.compile(r"/api/scenes/\d+/tiles/\d+/\d+/\d+\.(png|webp)")

# Reads the imagery layer's own canvas (OpenLayers draws it under `.scene-tiles`).
CANVAS_STATS = """() => {
  const canvas = document.querySelector('[data-testid=map] .scene-tiles canvas');
  if (!canvas) return null;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let opaque = 0;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue;
    opaque++;
    if (colours.size < 64) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  }
  return { width: canvas.width, height: canvas.height, opaque, colours: colours.size };
}"""


def test_login_open_sample_scene_and_see_its_tiles(app_server, sample_scene, artifacts_dir, page):
    tile_responses: list[tuple[str, int]] = []
    page.on("response", lambda r: tile_responses.append((r.url, r.status)) if TILE_URL.search(r.url) else None)

    page.goto(app_server.url + "/")
    # A wrong password is refused with the server's reason, in the banner.
    page.get_by_test_id("login-username").fill(sample_scene.username)
    page.get_by_test_id("login-password").fill("not-the-password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("error-banner")).to_be_visible()
    expect(page.get_by_test_id("login-form")).to_be_visible()

    page.get_by_test_id("login-password").fill(sample_scene.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("current-user")).to_have_text(sample_scene.username)

    page.locator(f'[data-testid=project-item][data-project-id="{sample_scene.project_id}"] a').click()
    page.locator(f'[data-testid=scene-item][data-scene-id="{sample_scene.scene_id}"] a').click()

    map_el = page.get_by_test_id("map")
    map_el.wait_for()
    page.wait_for_function(
        """() => {
          const m = document.querySelector('[data-testid=map]');
          return m && m.dataset.renderComplete === 'true' && Number(m.dataset.tilesLoaded) > 0
            && m.dataset.tilesLoading === '0';
        }""",
        timeout=60_000,
    )
    shots = artifacts_dir / "e2e"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "first_screen.png"))

    assert tile_responses, "the map requested no tiles"
    failed = [(url, status) for url, status in tile_responses if status != 200]
    assert not failed, f"tile requests that did not answer 200: {failed}"
    assert map_el.get_attribute("data-tiles-failed") == "0"
    assert page.get_by_test_id("error-banner").is_hidden(), page.get_by_test_id("error-banner").inner_text()

    stats = page.evaluate(CANVAS_STATS)
    assert stats is not None, "no imagery canvas in the map"
    assert stats["opaque"] > 0.05 * stats["width"] * stats["height"], stats
    assert stats["colours"] > 1, f"the imagery canvas is one flat colour: {stats}"
    assert page.log.page_errors == []
