"""Page helpers shared by the Playwright tests: log in, open the map, find things on it, click, drag and wait for the
annotate screen's state (``window.__geoloop``), and keep numbered screenshots under artifacts/e2e/."""

import json
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import expect

LABELS = Path(__file__).resolve().parents[2] / "samples" / "spacenet-atlanta" / "geotiff_labels.geojson"


@dataclass(frozen=True)
class Building:
    lon: float
    lat: float
    #: a second point inside the building, for a refining click
    lon2: float
    lat2: float


def building_inside(footprint_wkt: str) -> Building:
    """The largest labelled building wholly inside the scene: two points inside it, in lon/lat."""
    import pyproj
    from shapely import wkt
    from shapely.geometry import shape
    from shapely.ops import transform

    data = json.loads(LABELS.read_text())
    crs = data["crs"]["properties"]["name"].split("EPSG::")[-1]
    to_wgs84 = pyproj.Transformer.from_crs(f"EPSG:{crs}", "EPSG:4326", always_xy=True).transform
    footprint = wkt.loads(footprint_wkt)
    buildings = [transform(to_wgs84, shape(f["geometry"])) for f in data["features"]]
    inside = [b for b in buildings if footprint.buffer(-0.0002).contains(b)]
    best = max(inside, key=lambda b: b.area)
    p = best.representative_point()
    inner = best.buffer(-0.25 * (best.area ** 0.5) / 4)  # a point away from the first, still inside
    q = inner.representative_point() if not inner.is_empty else p
    return Building(p.x, p.y, q.x, q.y)


class Shots:
    def __init__(self, artifacts_dir: Path, prefix: str = "annotate"):
        self.prefix = prefix
        self.dir = artifacts_dir / "e2e"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.n = 0
        self.paths: list[Path] = []

    def __call__(self, page, name: str) -> None:
        self.n += 1
        path = self.dir / f"{self.prefix}_{self.n:02d}_{name}.png"
        page.screenshot(path=str(path))
        self.paths.append(path)


def new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.errors = errors
    return page


def login(page, url: str, user: tuple[str, str]) -> None:
    page.goto(url + "/")
    page.get_by_test_id("login-username").fill(user[0])
    page.get_by_test_id("login-password").fill(user[1])
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("current-user")).to_have_text(user[0])


def wait_map_ready(page) -> None:
    page.wait_for_function(
        """() => {
          const m = document.querySelector('[data-testid=map]');
          return m && m.dataset.renderComplete === 'true' && Number(m.dataset.tilesLoaded) > 0
            && m.dataset.tilesLoading === '0';
        }""",
        timeout=60_000,
    )


def wait_annotate_ready(page) -> None:
    page.wait_for_selector("[data-testid=annotate-screen][data-ready=true]", timeout=60_000)
    expect(page.locator("[data-testid=socket-state][data-state=open]")).to_be_visible(timeout=30_000)
    page.wait_for_function("() => document.querySelector('[data-testid=map]').dataset.events === 'open'",
                           timeout=30_000)
    wait_map_ready(page)


def center_on(page, lon: float, lat: float, zoom: float) -> None:
    page.evaluate(
        """([lon, lat, zoom]) => {
          const view = window.__geoloop.map.getView();
          view.setCenter(window.__geoloop.map.getCoordinateFromPixel(window.__geoloop.lonLatToPixel(lon, lat)));
          view.setZoom(zoom);
        }""",
        [lon, lat, zoom],
    )
    page.wait_for_timeout(300)
    wait_map_ready(page)


def screen_xy(page, lon: float, lat: float) -> tuple[float, float]:
    px = page.evaluate("([lon, lat]) => window.__geoloop.lonLatToPixel(lon, lat)", [lon, lat])
    box = page.get_by_test_id("map").bounding_box()
    return box["x"] + px[0], box["y"] + px[1]


def wait_annotation_at(page, lon: float, lat: float) -> None:
    """Until the annotation vector tiles show a feature under that point (they load after the imagery)."""
    page.wait_for_function(
        """([lon, lat]) => {
          const m = window.__geoloop.map;
          return m.getFeaturesAtPixel(window.__geoloop.lonLatToPixel(lon, lat),
            {layerFilter: (l) => l.getClassName() === 'annotation-tiles'}).length > 0;
        }""",
        arg=[lon, lat], timeout=30_000,
    )


def state(page) -> dict:
    return page.evaluate(
        """() => { const d = document.querySelector('[data-testid=annotate-screen]').dataset;
                   return {state: d.state, id: d.annotationId, version: d.annotationVersion, dirty: d.dirty}; }"""
    )


def ctrl_click(page, x: float, y: float) -> None:
    """Ctrl-click: selects the annotation under the pointer (a plain click prompts the model)."""
    page.keyboard.down("Control")
    page.mouse.click(x, y)
    page.keyboard.up("Control")


def wait_state(page, want: str, timeout: int = 30_000) -> None:
    page.wait_for_function(
        "(want) => document.querySelector('[data-testid=annotate-screen]')?.dataset.state === want", arg=want,
        timeout=timeout,
    )


def wait_version(page, version: int, timeout: int = 30_000) -> None:
    page.wait_for_function(
        "(v) => document.querySelector('[data-testid=annotate-screen]')?.dataset.annotationVersion === String(v)",
        arg=version, timeout=timeout,
    )


def drag_vertex(page, index: int, dx: float, dy: float) -> list[float]:
    """Drags vertex `index` of the shape under edit by (dx, dy) screen pixels; returns its old lon/lat."""
    lonlat = page.evaluate(
        "(i) => window.__geoloop.snapshot().edit.geometry.coordinates[0][0][i]", index,
    )
    x, y = screen_xy(page, *lonlat)
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 6):
        page.mouse.move(x + dx * k / 5, y + dy * k / 5)
    page.mouse.up()
    return lonlat


def api_get(page, url: str) -> dict:
    response = page.request.get(url)
    assert response.ok, f"GET {url}: {response.status} {response.text()[:300]}"
    return response.json()
