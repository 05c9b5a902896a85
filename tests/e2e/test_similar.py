"""Find similar (issue 16 item 4) in real Chromium against the running app, the real Celery worker and MobileSAM: an
accepted building selected on the Atlanta scene is the exemplar; "Find similar" runs a batch over the view with a
progress bar; the batch review zooms to each proposal; A accepts one, R rejects another, arrows move; both
outcomes are feedback tagged with the batch. Screenshots: artifacts/e2e/similar_*.png."""

import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import shapely
from django.db import connections
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from shapely.geometry import mapping, shape

from tests.e2e.pages import (
    LABELS,
    Shots,
    ctrl_click,
    login,
    new_page,
    screen_xy,
    wait_annotate_ready,
    wait_map_ready,
    wait_state,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREEN = "[data-testid=annotate-screen]"
BATCH_TIMEOUT = 900_000  # ms: nine windows to encode on a shared, loaded CPU


def _data(page, name: str) -> str:
    return page.get_attribute(SCREEN, f"data-{name}") or ""


def _buildings(scene) -> list:
    import pyproj
    from shapely.ops import transform

    data = json.loads(LABELS.read_text())
    crs = data["crs"]["properties"]["name"].split("EPSG::")[-1]
    to_wgs84 = pyproj.Transformer.from_crs(f"EPSG:{crs}", "EPSG:4326", always_xy=True).transform
    return [transform(to_wgs84, shape(f["geometry"])) for f in data["features"]]


def _db(fn):
    """Run database work off the test's thread (Playwright's sync API runs an event loop there, where Django
    refuses queries), giving the thread's connection back."""

    def run():
        try:
            return fn()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def _setup(sample_scene):
    from affine import Affine
    from django.contrib.auth import get_user_model

    from annotator.models import Scene
    from annotator.services.annotations import annotation_create
    from core.geo import reproject
    from inference.services.similar import affine_xy, to_pixels

    scene = Scene.objects.select_related("project").get(pk=sample_scene.scene_id)
    admin = get_user_model().objects.get(username=sample_scene.username)
    inverse = ~Affine.from_gdal(*scene.transform)
    area_px = shapely.box(390, 150, 570, 340)  # six buildings of the sample (as inference/tests/test_similar_django)
    inside = sorted((b for b in _buildings(scene) if area_px.contains(to_pixels(b, scene, inverse).centroid)),
                    key=lambda b: -b.area)
    exemplar, _ = annotation_create(project=scene.project, scene=scene, geometry=mapping(inside[0]), user=admin,
                                    label_class=scene.project.label_classes.first())
    corners = affine_xy(Affine.from_gdal(*scene.transform), np.array(area_px.bounds, float).reshape(2, 2))
    bbox = reproject(shapely.MultiPoint(corners), scene.crs, "EPSG:4326").bounds
    return exemplar.pk, exemplar.label_class_id, inside[0].representative_point(), bbox


def _outcomes(first: int, second: int) -> tuple:
    from annotator.models import Annotation
    from feedback.models import Correction

    accepted = Correction.objects.select_related("proposal").get(proposal_id=first, source="proposal")
    rejected = Correction.objects.select_related("proposal").get(proposal_id=second, source="proposal")
    made = Annotation.objects.get(pk=accepted.annotation_id)
    return (accepted.outcome, rejected.outcome, accepted.proposal.similar_batch_id, rejected.proposal.similar_batch_id,
            made.proposal_id, made.label_class_id)


def test_find_similar_batch_reviewed_with_the_keyboard(app_server, sample_scene, artifacts_dir, chromium):
    exemplar_id, exemplar_class, c, bbox = _db(lambda: _setup(sample_scene))

    shots = Shots(artifacts_dir, prefix="similar")
    page = new_page(chromium)
    login(page, app_server.url, (sample_scene.username, sample_scene.password))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_server.url}/#/projects/{sample_scene.project_id}/scenes/{sample_scene.scene_id}/annotate")
    try:
        wait_annotate_ready(page)
    except (PlaywrightTimeout, AssertionError):
        shots(page, "not_ready")
        raise AssertionError(f"annotate screen not ready; page errors: {errors}") from None
    page.evaluate("(b) => window.__geoloop.fitLonLat(b)", list(bbox))
    page.wait_for_timeout(300)
    wait_map_ready(page)

    # select the exemplar (Ctrl-click), then Find similar over the view
    x, y = screen_xy(page, c.x, c.y)
    ctrl_click(page, x, y)
    wait_state(page, "edit")
    assert _data(page, "annotation-id") == str(exemplar_id)
    shots(page, "exemplar_selected")
    page.get_by_test_id("find-similar").click()
    page.wait_for_function(f"() => ['running', 'review'].includes(document.querySelector('{SCREEN}').dataset.similar)")
    expect(page.get_by_test_id("similar-counter")).to_contain_text("Finding similar objects")
    shots(page, "progress")
    page.wait_for_function(f"() => document.querySelector('{SCREEN}').dataset.similar === 'review'",
                           timeout=BATCH_TIMEOUT)
    batch_id = int(_data(page, "similar-batch"))
    listed = page.request.get(f"{app_server.url}/api/similar/{batch_id}/proposals/").json()
    assert len(listed) >= 2, listed
    expect(page.get_by_test_id("similar-counter")).to_contain_text(f"1 / {len(listed)}")
    first = int(_data(page, "similar-proposal"))
    assert first == listed[0]["id"]
    shots(page, "review_first")

    # arrows move over the batch, and back
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"(p) => document.querySelector('{SCREEN}').dataset.similarProposal !== String(p)",
                           arg=first)
    second = int(_data(page, "similar-proposal"))
    assert second == listed[1]["id"]
    expect(page.get_by_test_id("similar-counter")).to_contain_text(f"2 / {len(listed)}")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"(p) => document.querySelector('{SCREEN}').dataset.similarProposal === String(p)",
                           arg=first)

    # A accepts the proposal on screen (the usual accept: an annotation and a correction tagged with the batch)
    page.keyboard.press("a")
    page.wait_for_function(f"(p) => document.querySelector('{SCREEN}').dataset.similarProposal === String(p)",
                           arg=second)
    expect(page.get_by_test_id("similar-counter")).to_contain_text("1 accepted")
    shots(page, "accepted_one")
    # R rejects the next one
    page.keyboard.press("r")
    expect(page.get_by_test_id("similar-counter")).to_contain_text("1 rejected")
    shots(page, "rejected_one")

    ok, no, batch_a, batch_r, made_from, made_class = _db(lambda: _outcomes(first, second))
    assert ok == "accepted"
    assert no == "rejected"
    assert batch_a == batch_id == batch_r  # the feedback knows the batch
    assert made_from == first
    assert made_class == exemplar_class
    outcomes = {p["id"]: p["outcome"] for p in
                page.request.get(f"{app_server.url}/api/similar/{batch_id}/proposals/").json()}
    assert outcomes[first] == "accepted"
    assert outcomes[second] == "rejected"

    # the shortcut list names the batch's keys; Esc leaves the batch
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => document.querySelector('{SCREEN}').dataset.similar === 'idle'")
    page.keyboard.press("?")
    expect(page.get_by_text("fix it: accept, leave the batch and edit it")).to_be_visible()
    shots(page, "shortcuts")
