"""Tags in real Chromium against the running app: an admin creates a single-label and a multi-label tag group in
the project settings; an annotator holding a task tags the task with the keyboard (T, digits, arrows) and the scene
with the mouse; a reload shows them; a reviewer rejects one in review mode with a reason and the annotator sees the
rejection; a CSV of tags is imported in the imports screen. Screenshots: artifacts/e2e/tags_0N_*.png."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import Shots, login, new_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Tagging:
    project_id: int
    scene_id: int
    task_id: int
    admin: tuple[str, str]
    annotator: tuple[str, str]


@pytest.fixture
def tagging(sample_scene) -> Tagging:
    """The sample scene with one task leased to an annotator (all ORM work before the browser opens)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from annotator.models import Membership, Scene, Task

    scene = Scene.objects.get(pk=sample_scene.scene_id)
    annotator = get_user_model().objects.create_user("e2e-tagger", password="tagger-password")
    Membership.objects.create(project_id=sample_scene.project_id, user=annotator, role="annotator")
    task = Task.objects.create(project_id=sample_scene.project_id, scene=scene, area=scene.footprint,
                               status="in_progress", lease_holder=annotator,
                               lease_expires_at=timezone.now() + timedelta(hours=1), heartbeat_at=timezone.now())
    return Tagging(project_id=sample_scene.project_id, scene_id=scene.id, task_id=task.id,
                   admin=(sample_scene.username, sample_scene.password), annotator=("e2e-tagger", "tagger-password"))


def group_box(page, target: str, group: str):
    return page.locator(f"[data-testid=tag-group][data-target={target}][data-group='{group}']")


def wait_values(page, target: str, group: str, values: str) -> None:
    expect(group_box(page, target, group)).to_have_attribute("data-values", values)


def test_admin_makes_tag_groups_annotator_tags_task_and_scene_reviewer_rejects(app_server, tagging, artifacts_dir,
                                                                              chromium):
    url, t = app_server.url, tagging
    shots = Shots(artifacts_dir, prefix="tags")

    admin = new_page(chromium)
    login(admin, url, t.admin)
    admin.goto(f"{url}/#/projects/{t.project_id}/settings")
    expect(admin.get_by_test_id("tag-vocabulary")).to_be_visible()
    for name, values, multi in (("cloud cover", "clear, partly cloudy, overcast", False),
                                ("land use", "urban, forest, water", True)):
        admin.get_by_test_id("tag-group-new-name").fill(name)
        admin.get_by_test_id("tag-group-new-values").fill(values)
        if multi:
            admin.get_by_test_id("tag-group-new-multi").check()
        admin.locator("[data-testid=tag-group-new] button[type=submit]").click()
        expect(admin.locator(f"[data-testid=tag-group-row][data-group-name='{name}']")).to_be_visible()
    # a bad vocabulary is refused with the reason, nothing added
    admin.get_by_test_id("tag-group-new-name").fill("broken")
    admin.get_by_test_id("tag-group-new-values").fill("a;b")
    admin.locator("[data-testid=tag-group-new] button[type=submit]").click()
    expect(admin.get_by_test_id("error-banner")).to_contain_text("without ';'")
    expect(admin.locator("[data-testid=tag-group-row]")).to_have_count(2)
    groups = admin.request.get(f"{url}/api/projects/{t.project_id}/tag-groups/").json()
    assert [(g["name"], g["multi"], g["values"]) for g in groups] == [
        ("cloud cover", False, ["clear", "partly cloudy", "overcast"]),
        ("land use", True, ["urban", "forest", "water"])]
    shots(admin, "settings_vocabulary")

    page = new_page(chromium)
    login(page, url, t.annotator)
    page.goto(f"{url}/#/projects/{t.project_id}/scenes/{t.scene_id}/tasks/{t.task_id}")
    page.wait_for_selector("[data-testid=annotate-screen][data-ready=true]", timeout=60_000)
    expect(group_box(page, "task", "cloud cover")).to_be_visible()
    # keyboard: T goes to the task's first group, 2 picks its second value; ↓ to land use, 1 and 3 toggle two values
    page.get_by_test_id("map").focus()
    page.keyboard.press("t")
    page.keyboard.press("2")
    wait_values(page, "task", "cloud cover", "partly cloudy")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("1")
    wait_values(page, "task", "land use", "urban")
    page.keyboard.press("3")
    wait_values(page, "task", "land use", "urban;water")
    page.keyboard.press("2")  # toggled on, then off again
    wait_values(page, "task", "land use", "urban;forest;water")
    page.keyboard.press("2")
    wait_values(page, "task", "land use", "urban;water")
    # mouse: the scene's cloud cover
    group_box(page, "scene", "cloud cover").locator("input[value=overcast]").click()
    wait_values(page, "scene", "cloud cover", "overcast")
    group_box(page, "scene", "cloud cover").locator("input[value=clear]").click()
    wait_values(page, "scene", "cloud cover", "clear")
    assert page.errors == []
    shots(page, "annotate_tagged")

    page.reload()
    page.wait_for_selector("[data-testid=annotate-screen][data-ready=true]", timeout=60_000)
    wait_values(page, "task", "cloud cover", "partly cloudy")
    wait_values(page, "task", "land use", "urban;water")
    wait_values(page, "scene", "cloud cover", "clear")
    expect(group_box(page, "scene", "land use")).to_have_attribute("data-values", "")
    expect(group_box(page, "task", "cloud cover").locator("input[value='partly cloudy']")).to_be_checked()
    expect(group_box(page, "task", "land use").locator("input[value=water]")).to_be_checked()
    expect(group_box(page, "task", "land use").locator("input[value=forest]")).not_to_be_checked()
    stored = page.request.get(f"{url}/api/scenes/{t.scene_id}/tags/").json()
    assert sorted((s["target"], s["group_name"], tuple(s["values"]), s["version"]) for s in stored) == [
        ("scene", "cloud cover", ("clear",), 2), ("task", "cloud cover", ("partly cloudy",), 1),
        ("task", "land use", ("urban", "water"), 4)]
    shots(page, "annotate_reloaded")

    admin.goto(f"{url}/#/projects/{t.project_id}/review")
    expect(admin.get_by_test_id("tag-review-item")).to_have_count(3)
    land_use = admin.locator("[data-testid=tag-review-item]", has_text="land use")
    admin.get_by_test_id("tag-review-reason-input").fill("there is no river here")
    land_use.get_by_test_id("tag-review-reject").click()
    expect(admin.get_by_test_id("tag-review-item")).to_have_count(2)
    expect(admin.get_by_test_id("tag-review-status")).to_have_text(f"Rejected land use of task {t.task_id}.")
    shots(admin, "review_rejected")

    # the CSV of tags back in: a refused file imports nothing, a good one gives the scene its land use
    admin.goto(f"{url}/#/projects/{t.project_id}/imports")
    header = "target_type,target_id,name,group,values,author,review_state\n"
    bad = f"{header}scene,{t.scene_id},x,land use,desert,,\n".encode()
    good = f"{header}scene,{t.scene_id},x,land use,forest;urban,,\n".encode()
    admin.get_by_test_id("tag-import-file").set_input_files({"name": "bad.csv", "mimeType": "text/csv", "buffer": bad})
    admin.get_by_test_id("tag-import-preview").click()
    expect(admin.get_by_test_id("tag-import-errors")).to_contain_text("row 2: 'desert' is not a value of tag group")
    expect(admin.get_by_test_id("tag-import-commit")).to_be_disabled()
    admin.get_by_test_id("tag-import-file").set_input_files({"name": "ok.csv", "mimeType": "text/csv", "buffer": good})
    admin.get_by_test_id("tag-import-preview").click()
    expect(admin.get_by_test_id("tag-import-summary")).to_have_text(
        "1 rows: 1 to create, 0 to change, 0 unchanged. Nothing is stored yet.")
    admin.get_by_test_id("tag-import-commit").click()
    expect(admin.get_by_test_id("tag-import-summary")).to_have_text("Imported 1 tag (0 unchanged).")
    shots(admin, "import_csv")

    page.reload()
    page.wait_for_selector("[data-testid=annotate-screen][data-ready=true]", timeout=60_000)
    box = group_box(page, "task", "land use")
    expect(box.get_by_test_id("tag-review-state")).to_have_text("rejected")
    expect(box.get_by_test_id("tag-review-reason")).to_contain_text("there is no river here")
    wait_values(page, "scene", "land use", "urban;forest")
    shots(page, "annotate_rejection_seen")
    assert page.errors == []
    assert admin.errors == []
