"""The Models screen in real Chromium against the running app and the real Celery worker: an admin sets tiny
training settings (a wrong value first: the field says why), makes a schedule, presses "Train now", watches the
run go through dataset, fine-tune and evaluation over the training socket to done with its loss curve and log,
then compares the candidate with its base and follows an object's link to the map zoomed on it.
Screenshots go to artifacts/e2e/models_*.png."""

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import Shots, login, new_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A cold worker loads the model and encodes the windows first; on a shared, busy 2-core machine a 4-step run with
# its evaluation has taken minutes (nothing here is a timing assertion: this is only how long to wait).
RUN_TIMEOUT = 600_000


@pytest.fixture
def corrected_project(sample_scene):
    """Eight corrections on Atlanta buildings that share four windows (few encodes), accepted on the base model."""
    from django.contrib.auth import get_user_model

    from annotator.models import Project, Scene
    from feedback.services import proposal_accept
    from feedback.tests.fixtures import crowded_objects, proposal_for
    from inference.services.registry import model_version_ensure_default

    project = Project.objects.get(pk=sample_scene.project_id)
    scene = Scene.objects.get(pk=sample_scene.scene_id)
    admin = get_user_model().objects.get(username=sample_scene.username)
    base = model_version_ensure_default()
    for obj in crowded_objects(8):
        proposal, final = proposal_for(project, scene, obj, model_version=base)
        proposal_accept(proposal=proposal, label_class=None, user=admin, final_geometry=final)
    return sample_scene


PHASE_WATCH = """() => {
  window.__phases = [];
  new MutationObserver(() => {
    const el = document.querySelector('[data-testid=job-phase]');
    const text = el ? el.textContent : '';
    if (text && window.__phases[window.__phases.length - 1] !== text) window.__phases.push(text);
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


@pytest.mark.timeout(1500)
def test_admin_trains_watches_and_compares(app_server, corrected_project, artifacts_dir, chromium):
    s = corrected_project
    shots = Shots(artifacts_dir, "models")
    page = new_page(chromium)
    login(page, app_server.url, (s.username, s.password))
    page.locator(f'[data-testid=project-item][data-project-id="{s.project_id}"] a').click()
    page.get_by_test_id("models-link").click()
    expect(page.get_by_test_id("models-screen")).to_be_visible()

    # Training settings: a learning rate out of range is refused and named; tiny values are saved.
    settings = page.get_by_test_id("training-settings")
    field = lambda key: settings.locator(f'input[data-setting="{key}"]')  # noqa: E731
    expect(field("train_steps")).to_have_value("200")
    field("train_lr").fill("0.5")
    page.get_by_test_id("settings-save").click()
    expect(settings.locator('[data-testid=setting-error][data-setting="train_lr"]')).to_contain_text("0.01")
    field("train_lr").fill("0.0001")
    for key, value in (("train_steps", "4"), ("train_max_clicks", "2"), ("eval_max_clicks", "3"),
                       ("held_out_share", "0.5")):
        field(key).fill(value)
    field("gate_benchmark").uncheck()
    page.get_by_test_id("settings-save").click()
    expect(page.get_by_test_id("settings-saved")).to_have_text("Saved.")
    got = page.request.get(f"{app_server.url}/api/projects/{s.project_id}/training-settings/").json()["settings"]
    assert got["train_steps"] == 4
    assert got["train_lr"] == 0.0001
    assert got["gate_benchmark"] is False

    # Schedule: weekly preset, then a custom crontab; a typo is caught before it is sent.
    page.get_by_test_id("schedule-preset").select_option("weekly")
    page.get_by_test_id("schedule-save").click()
    expect(page.get_by_test_id("schedule-status")).to_contain_text("every Sunday at 02:00")
    expect(page.get_by_test_id("schedule-status")).to_contain_text("next run")
    page.get_by_test_id("schedule-preset").select_option("custom")
    page.get_by_test_id("schedule-crontab").fill("61 3 * * 1")
    page.get_by_test_id("schedule-save").click()
    expect(page.get_by_test_id("schedule-error")).to_contain_text("minute")
    page.get_by_test_id("schedule-crontab").fill("30 3 * * 1")
    page.get_by_test_id("schedule-enabled").uncheck()
    page.get_by_test_id("schedule-save").click()
    expect(page.get_by_test_id("schedule-status")).to_contain_text("every Monday at 03:30")
    expect(page.get_by_test_id("schedule-status")).to_have_attribute("data-state", "disabled")
    sched = page.request.get(f"{app_server.url}/api/projects/{s.project_id}/training-schedule/").json()["schedule"]
    assert sched["crontab"] == "30 3 * * 1"
    assert sched["enabled"] is False
    shots(page, "settings_and_schedule")

    # Train now, and watch it to the end over the socket.
    expect(page.get_by_test_id("training-socket")).to_have_text("live")
    page.evaluate(PHASE_WATCH)
    page.get_by_test_id("train-now").click()
    status = page.get_by_test_id("job-status")
    expect(status).to_have_attribute("data-status", "running", timeout=RUN_TIMEOUT)
    shots(page, "running")
    expect(status).to_have_attribute("data-status", "succeeded", timeout=RUN_TIMEOUT)
    phases = page.evaluate("() => window.__phases")
    for phase in ("dataset", "train", "evaluate"):
        assert any(p.startswith(phase) for p in phases), phases
    expect(page.get_by_test_id("loss-curve")).to_be_visible()
    assert page.locator("[data-testid=loss-curve] path.series").count() == 2
    expect(page.get_by_test_id("job-log")).to_contain_text("evaluated in")
    expect(page.get_by_test_id("job-steps")).to_contain_text("/")
    shots(page, "run_done")

    # The candidate against its base, chosen for us once the run finished.
    jobs = page.request.get(f"{app_server.url}/api/projects/{s.project_id}/training-jobs/").json()
    candidate = jobs[0]["result_model"]
    assert jobs[0]["status"] == "succeeded"
    assert candidate
    expect(page.get_by_test_id("compare-b")).to_have_value(str(candidate))
    expect(page.get_by_test_id("gate-verdict")).to_have_count(2)
    expect(page.locator(f'[data-testid=gate-verdict][data-version-id="{candidate}"] li').first).to_be_visible()
    expect(page.get_by_test_id("compare-paired")).to_contain_text("same run")
    expect(page.get_by_test_id("iou-curve").first).to_be_visible()
    assert page.locator("[data-testid=iou-curve] path.series").count() >= 2
    expect(page.get_by_test_id("reliability").first).to_be_visible()
    figures = page.locator('[data-testid=compare-figures][data-split="held_out"]')
    expect(figures.locator('tr[data-figure="NoC@85"] td')).to_have_count(3)
    rows = page.locator("[data-testid=object-delta]")
    expect(rows.first).to_be_visible()
    page.get_by_test_id("compare").scroll_into_view_if_needed()
    shots(page, "compare")

    # An object's link opens the annotation map zoomed on it.
    link = rows.first.get_by_test_id("object-zoom")
    href = link.get_attribute("href")
    w, south, e, n = (float(v) for v in href.split("bbox=")[1].split(","))
    link.click()
    page.wait_for_function("() => window.__geoloop && window.__geoloop.map.getSize()")
    page.wait_for_timeout(500)
    lon, lat = page.evaluate("""() => {
      const c = window.__geoloop.map.getView().getCenter();
      const r = 6378137;
      return [c[0] / r * 180 / Math.PI, (2 * Math.atan(Math.exp(c[1] / r)) - Math.PI / 2) * 180 / Math.PI];
    }""")
    assert w <= lon <= e, (lon, lat, href)
    assert south <= lat <= n, (lon, lat, href)
    shots(page, "zoomed_object")
    assert page.errors == []
    assert page.get_by_test_id("error-banner").is_hidden(), page.get_by_test_id("error-banner").inner_text()
