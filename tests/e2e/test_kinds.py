"""Annotation kinds in the annotation screen (issue 16), in real Chromium against the running app: draw a box (drag),
a rotated box (two corners of an edge, then the width), a point (click) and a line (click vertices, Enter) with its
width from the panel; undo and redo a drawing; save each with Enter; reload and find them persisted with the right
kind (checked through the API); resize the box by a corner (it stays a rectangle on the scene's grid); delete the
point. Screenshots: artifacts/e2e/kinds_NN_*.png."""

import math

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from shapely.geometry import shape

from tests.e2e.pages import (
    Shots,
    api_get,
    center_on,
    ctrl_click,
    login,
    new_page,
    screen_xy,
    wait_annotate_ready,
    wait_annotation_at,
    wait_state,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# The kinds of the annotation-tile features at a lon/lat (what Ctrl-click selects by).
def ctrl_select(page, x: float, y: float, annotation_id: int, attempts: int = 3) -> None:
    """Ctrl-click until the annotation is selected, as a user clicks again: under load the annotation tiles may be
    redrawn (after a save) between the check that the feature is there and the click, which then finds nothing."""
    selected = "(id) => document.querySelector('[data-testid=annotate-screen]').dataset.annotationId === String(id)"
    for attempt in range(attempts):
        ctrl_click(page, x, y)
        try:
            page.wait_for_function(selected, arg=annotation_id, timeout=10_000)
            return
        except PlaywrightTimeout:
            notice = page.evaluate("() => document.querySelector('[data-testid=notice]')?.textContent ?? null")
            print(f"[e2e] Ctrl-click {attempt + 1} did not select {annotation_id}: {notice!r}")
    page.wait_for_function(selected, arg=annotation_id, timeout=10_000)


KINDS_AT_JS = """([lon, lat]) => {
  const m = window.__geoloop.map;
  const [x, y] = window.__geoloop.lonLatToPixel(lon, lat);
  const tiles = (l) => l.getClassName() === 'annotation-tiles';
  return m.getFeaturesAtPixel([x, y], {hitTolerance: 4, layerFilter: tiles}).map((f) => f.get('kind'));
}"""


@pytest.fixture
def scene_centre(sample_scene) -> tuple[float, float]:
    from annotator.models import Scene

    c = Scene.objects.get(pk=sample_scene.scene_id).footprint.centroid
    return c.x, c.y


def screen_dataset(page) -> dict:
    return page.evaluate("() => ({...document.querySelector('[data-testid=annotate-screen]').dataset})")


def save_and_get_id(page) -> int:
    """Enter saves the shape on screen; the saved one stays selected (its id on the screen element)."""
    page.keyboard.press("Enter")
    page.wait_for_function(
        """() => { const d = document.querySelector('[data-testid=annotate-screen]').dataset;
                   return d.state === 'shape' && d.annotationId !== '' && d.dirty === 'false'; }""",
    )
    return int(screen_dataset(page)["annotationId"])


def drag(page, x0: float, y0: float, x1: float, y1: float) -> None:
    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(1, 9):
        page.mouse.move(x0 + (x1 - x0) * k / 8, y0 + (y1 - y0) * k / 8)
    page.mouse.up()


def right_angles(ring: list[list[float]]) -> list[float]:
    """The corner angles (degrees) of a 4-corner lon/lat ring, measured on the ground (x scaled by cos(lat))."""
    k = math.cos(math.radians(ring[0][1]))
    pts = [((p[0]) * k, p[1]) for p in ring[:4]]
    out = []
    for i in range(4):
        a, b, c = pts[i - 1], pts[i], pts[(i + 1) % 4]
        u, v = (a[0] - b[0], a[1] - b[1]), (c[0] - b[0], c[1] - b[1])
        cos = (u[0] * v[0] + u[1] * v[1]) / (math.hypot(*u) * math.hypot(*v))
        out.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
    return out


def test_box_rotated_box_point_and_line(app_server, sample_scene, scene_centre, artifacts_dir, chromium):
    s = sample_scene
    lon, lat = scene_centre
    shots = Shots(artifacts_dir, "kinds")
    page = new_page(chromium)
    page.on("dialog", lambda d: d.accept())
    login(page, app_server.url, (s.username, s.password))
    url = f"{app_server.url}/#/projects/{s.project_id}/scenes/{s.scene_id}/annotate"
    page.goto(url)
    wait_annotate_ready(page)
    center_on(page, lon, lat, 19)
    cx, cy = screen_xy(page, lon, lat)
    api = f"{app_server.url}/api"

    # ---- axis-aligned box: R, then drag
    page.keyboard.press("r")
    expect(page.get_by_test_id("tool-rect")).to_have_attribute("aria-pressed", "true")
    drag(page, cx - 220, cy - 160, cx - 90, cy - 60)
    wait_state(page, "shape")
    assert screen_dataset(page)["kind"] == "box"
    shots(page, "box_drawn")
    box_id = save_and_get_id(page)
    box = api_get(page, f"{api}/annotations/{box_id}/")
    assert box["properties"]["kind"] == "box"
    assert box["properties"]["shape"] is None
    ring = box["geometry"]["coordinates"][0][0]
    assert len(ring) == 5
    assert all(abs(a - 90) < 0.5 for a in right_angles(ring)), right_angles(ring)

    # ---- rotated box: O, two corners of one edge, then the width
    page.keyboard.press("o")
    page.mouse.click(cx + 60, cy - 170)
    page.mouse.click(cx + 200, cy - 110)
    page.mouse.move(cx + 170, cy - 60)
    page.mouse.click(cx + 170, cy - 40)
    wait_state(page, "shape")
    assert screen_dataset(page)["kind"] == "rotated_box"
    rot_id = save_and_get_id(page)
    rot = api_get(page, f"{api}/annotations/{rot_id}/")
    assert rot["properties"]["kind"] == "rotated_box"
    rot_ring = rot["geometry"]["coordinates"][0][0]
    assert all(abs(a - 90) < 0.5 for a in right_angles(rot_ring)), right_angles(rot_ring)
    # the edge runs ~23° from the map's east: a rotated box, not an axis-aligned one
    k = math.cos(math.radians(rot_ring[0][1]))
    edge = math.degrees(math.atan2(rot_ring[1][1] - rot_ring[0][1], (rot_ring[1][0] - rot_ring[0][0]) * k)) % 90
    assert 10 < edge < 80, edge

    # ---- point: M, click; undo and redo the drawing before saving it
    page.keyboard.press("m")
    page.mouse.click(cx - 40, cy + 40)
    wait_state(page, "shape")
    assert screen_dataset(page)["kind"] == "point"
    page.keyboard.press("Control+z")
    wait_state(page, "idle")
    page.keyboard.press("Control+Shift+z")
    wait_state(page, "shape")
    assert screen_dataset(page)["kind"] == "point"
    shots(page, "point_drawn")
    point_id = save_and_get_id(page)
    point = api_get(page, f"{api}/annotations/{point_id}/")
    assert point["properties"]["kind"] == "point"
    assert point["properties"]["shape"]["type"] == "Point"
    px, py = point["properties"]["shape"]["coordinates"]
    assert shape(point["geometry"]).buffer(1e-9).contains(shape({"type": "Point", "coordinates": [px, py]}))

    # ---- line: L, width in the panel, three vertices, Enter finishes, Enter saves
    page.keyboard.press("l")
    width = page.get_by_test_id("line-width")
    expect(width).to_be_visible()
    width.fill("0")
    width.press("Enter")
    expect(page.get_by_test_id("line-width-error")).to_contain_text("more than 0")
    width.fill("4")
    width.press("Enter")
    page.get_by_test_id("map").focus()
    for x, y in ((cx - 200, cy + 150), (cx, cy + 110), (cx + 200, cy + 170)):
        page.mouse.click(x, y)
    page.keyboard.press("Enter")
    wait_state(page, "shape")
    assert screen_dataset(page)["kind"] == "line"
    shots(page, "line_drawn")
    line_id = save_and_get_id(page)
    line = api_get(page, f"{api}/annotations/{line_id}/")
    assert line["properties"]["kind"] == "line"
    assert line["properties"]["width_m"] == pytest.approx(4)
    assert line["properties"]["shape"]["type"] == "LineString"
    assert len(line["properties"]["shape"]["coordinates"]) == 3
    page.keyboard.press("Escape")
    wait_state(page, "idle")

    # ---- reload: all four are there with their kinds, on the map and in the API
    page.reload()
    wait_annotate_ready(page)
    center_on(page, lon, lat, 19)
    wait_annotation_at(page, *shape(box["geometry"]).centroid.coords[0])
    page.wait_for_timeout(500)
    shots(page, "reloaded")
    fc = api_get(page, f"{api}/scenes/{s.scene_id}/annotations/?limit=50")
    kinds = {f["id"]: f["properties"]["kind"] for f in fc["features"]}
    assert kinds == {box_id: "box", rot_id: "rotated_box", point_id: "point", line_id: "line"}
    # the point is drawn as a dot of its class and can be found where it is (what Ctrl-click selects by)
    hit = page.evaluate(KINDS_AT_JS, [px, py])
    assert hit, "no annotation under the point"
    assert set(hit) == {"point"}, hit

    # ---- edit the box: Ctrl-click selects it, a corner drag resizes it, Enter saves a rectangle as version 2
    bx, by = screen_xy(page, *shape(box["geometry"]).centroid.coords[0])
    ctrl_select(page, bx, by, box_id)
    assert screen_dataset(page)["kind"] == "box"
    expect(page.get_by_test_id("shape-kind")).to_have_text("Kind: box")
    corners = page.evaluate("() => window.__geoloop.snapshot().shape.coords")
    corner = max(corners, key=lambda p: p[0] * math.cos(math.radians(p[1])) + p[1])  # the north-east one
    x, y = screen_xy(page, *corner)
    drag(page, x, y, x + 40, y - 30)  # outwards: the box grows
    page.wait_for_function("() => document.querySelector('[data-testid=annotate-screen]').dataset.dirty === 'true'")
    shots(page, "box_resized")
    assert save_and_get_id(page) == box_id
    box2 = api_get(page, f"{api}/annotations/{box_id}/")
    assert box2["properties"]["version"] == 2
    assert box2["properties"]["kind"] == "box"
    ring2 = box2["geometry"]["coordinates"][0][0]
    assert all(abs(a - 90) < 0.5 for a in right_angles(ring2))
    assert shape(box2["geometry"]).area > shape(box["geometry"]).area * 1.2

    # ---- delete the point: Ctrl-click, Delete (confirmed); first the tiles redrawn after the box's new version
    # must hold the point again (under load they arrive a moment after the save)
    page.keyboard.press("Escape")
    page.wait_for_function(f"(p) => ({KINDS_AT_JS})(p).includes('point')", arg=[px, py])
    x, y = screen_xy(page, px, py)
    ctrl_select(page, x, y, point_id)
    page.keyboard.press("Delete")
    wait_state(page, "idle")
    expect(page.get_by_test_id("notice")).to_contain_text(f"Deleted point {point_id}")
    fc = api_get(page, f"{api}/scenes/{s.scene_id}/annotations/?limit=50")
    assert {f["id"] for f in fc["features"]} == {box_id, rot_id, line_id}

    # ---- the help lists the new tools
    page.keyboard.press("?")
    expect(page.get_by_test_id("help-overlay")).to_contain_text("draw a rotated box")
    shots(page, "help")
    assert page.errors == []
