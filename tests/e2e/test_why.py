"""Show why (issue 16 item 5) in real Chromium against the running app, the real Celery worker and MobileSAM: a
click, the candidates panel and the model's window, the uncertainty overlay toggled with U, another candidate kept
with Tab, accepted with Enter: the feedback record says which candidate was kept. Screenshots:
artifacts/e2e/why_*.png."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from playwright.sync_api import expect

from tests.e2e.pages import Shots, center_on, login, new_page, screen_xy, wait_annotate_ready, wait_state
from tests.e2e.test_annotate import MASK_TIMEOUT, annotate_setup  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREEN = "[data-testid=annotate-screen]"


def _data(page, name: str) -> str:
    return page.get_attribute(SCREEN, f"data-{name}") or ""


def test_candidates_window_uncertainty_and_kept_candidate(app_server, annotate_setup, artifacts_dir,  # noqa: F811
                                                          chromium):
    from feedback.models import Correction

    s = annotate_setup
    b = s.building
    shots = Shots(artifacts_dir, prefix="why")
    page = new_page(chromium)
    login(page, app_server.url, s.admin)
    page.locator(f'[data-testid=project-item][data-project-id="{s.project_id}"] a').click()
    page.get_by_test_id("next-task").click()
    page.wait_for_url(f"**/#/projects/{s.project_id}/scenes/{s.scene_id}/tasks/{s.task_id}")
    wait_annotate_ready(page)
    center_on(page, b.lon, b.lat, 19)

    x, y = screen_xy(page, b.lon, b.lat)
    page.mouse.click(x, y)
    wait_state(page, "mask", timeout=MASK_TIMEOUT)
    proposal_id = int(_data(page, "proposal-id"))

    # the candidates panel lists the three, the model's choice kept; the window the model saw is drawn
    expect(page.get_by_test_id("candidates")).to_be_visible()
    expect(page.locator("[data-testid^=candidate-]")).to_have_count(3)
    expect(page.get_by_test_id("candidate-0")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("candidate-0")).to_contain_text("quality")
    assert _data(page, "candidate") == "0"
    assert _data(page, "show-window") == "true"
    outline = page.evaluate("() => window.__geoloop.snapshot().session.proposal.window")
    assert len(outline) == 4
    lons, lats = [p[0] for p in outline], [p[1] for p in outline]
    assert min(lons) < b.lon < max(lons)
    assert min(lats) < b.lat < max(lats)
    center_on(page, b.lon, b.lat, 17)  # out far enough to see the whole window the model saw
    shots(page, "mask_window_candidates")
    center_on(page, b.lon, b.lat, 19)

    # U: the uncertainty overlay of this proposal is fetched (a PNG) and shown; U again hides it
    with page.expect_response(lambda r: f"/api/proposals/{proposal_id}/uncertainty.png" in r.url) as got:
        page.keyboard.press("u")
    assert got.value.status == 200
    assert got.value.headers["content-type"] == "image/png"
    assert _data(page, "show-uncertainty") == "true"
    page.wait_for_timeout(500)  # the image's frame
    shots(page, "uncertainty")
    page.keyboard.press("u")
    assert _data(page, "show-uncertainty") == "false"
    page.keyboard.press("w")
    assert _data(page, "show-window") == "false"
    page.keyboard.press("w")

    # Tab: the next non-empty candidate is shown and kept (the map's working shape is its polygon)
    before = page.evaluate("() => window.__geoloop.snapshot().session.proposal.geometry")
    page.keyboard.press("Tab")
    page.wait_for_function(f"() => document.querySelector('{SCREEN}').dataset.candidate !== '0'")
    kept = int(_data(page, "candidate"))
    expect(page.get_by_test_id(f"candidate-{kept}")).to_have_attribute("aria-pressed", "true")
    after = page.evaluate("() => window.__geoloop.snapshot().session.proposal.geometry")
    assert after != before
    shots(page, "candidate_switched")

    # Enter accepts: the feedback record says which candidate the annotator kept
    page.keyboard.press("Enter")
    wait_state(page, "edit")
    # the ORM off Playwright's event loop (sync Playwright runs one in this thread)
    def kept_record():
        try:
            return Correction.objects.get(proposal_id=proposal_id)
        finally:
            connections.close_all()  # this thread's pooled connection goes back

    with ThreadPoolExecutor(1) as pool:
        correction = pool.submit(kept_record).result()
    assert correction.kept_candidate == kept
    assert correction.annotation_id == int(_data(page, "annotation-id"))
    expect(page.get_by_test_id("candidates")).to_be_hidden()  # the annotation under edit has no candidates
    shots(page, "accepted")
    assert not page.errors, page.errors
