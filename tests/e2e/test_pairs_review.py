"""Editing and reviewing change annotations in real Chromium: an annotator picks a change on the map, drags a vertex
of its after side, empties its before side and saves; a save on a stale version says so and reloads; a reviewer
reaches the pair from the review screen's "Changes to review", rejects a change with a reason, accepts one and saves
an edit as a fix; an admin deletes
the pair from the scenes screen after a confirmation. Screenshots: artifacts/e2e/pairs2_0N_*.png."""

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import Shots, api_get, login, new_page
from tests.e2e.test_pairs import map_xy, pair_scenes, wait_pair_maps  # noqa: F401  (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Reviewing:
    project_id: int
    pair_id: int
    edited: int  # the annotator's change with both sides
    rejected: int  # the annotator's change the reviewer rejects
    corner: tuple[float, float]  # lon, lat of the edited change's after side's north-east corner
    admin: tuple[str, str]
    annotator: tuple[str, str]
    reviewer: tuple[str, str]


def box(lon, lat, d):
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def reviewing(pair_scenes) -> Reviewing:  # noqa: F811
    """A ready pair with two change annotations by an annotator (all ORM work before the browser opens)."""
    from django.contrib.auth import get_user_model

    from annotator.models import Membership, Project, Scene
    from annotator.services import pairs as pair_services

    s = pair_scenes
    project = Project.objects.get(pk=s.project_id)
    users = {}
    for role in ("annotator", "reviewer"):
        users[role] = get_user_model().objects.create_user(f"e2e-pair-{role}", password=f"{role}-password")
        Membership.objects.create(project=project, user=users[role], role=role)
    pair = pair_services.pair_create(project=project, before=Scene.objects.get(pk=s.before_id),
                                     after=Scene.objects.get(pk=s.after_id), name="Atlanta review", user=None,
                                     enqueue=False)
    pair = pair_services.pair_resample(pair_id=pair.pk)
    lon, lat, d = s.centre[0], s.centre[1], s.step
    edited, _ = pair_services.change_create(pair=pair, user=users["annotator"], before_geometry=box(lon, lat, d / 2),
                                            after_geometry=box(lon, lat, d))
    rejected, _ = pair_services.change_create(pair=pair, user=users["annotator"],
                                              after_geometry=box(lon - 3 * d, lat + 3 * d, d / 2))
    return Reviewing(project_id=project.id, pair_id=pair.id, edited=edited.id, rejected=rejected.id,
                     corner=(lon + d, lat + d), admin=s.admin, annotator=("e2e-pair-annotator", "annotator-password"),
                     reviewer=("e2e-pair-reviewer", "reviewer-password"))


def csrf(page) -> dict:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return {"X-CSRFToken": token, "Content-Type": "application/json"}


def test_an_annotator_edits_a_change_a_reviewer_rejects_one_and_an_admin_deletes_the_pair(
        app_server, reviewing, artifacts_dir, chromium):
    url, r = app_server.url, reviewing
    shots = Shots(artifacts_dir, prefix="pairs2")
    changes_url = f"{url}/api/pairs/{r.pair_id}/changes/"

    # --- the annotator picks the change on the after map, drags a corner of its after side, empties its before side
    page = new_page(chromium)
    login(page, url, r.annotator)
    page.goto(f"{url}/#/projects/{r.project_id}/pairs/{r.pair_id}")
    wait_pair_maps(page)
    expect(page.get_by_test_id("change-item")).to_have_count(2)
    inside = map_xy(page, "after", r.corner[0] - 0.0001, r.corner[1] - 0.0001)
    page.mouse.click(*inside)
    expect(page.get_by_test_id("pair-screen")).to_have_attribute("data-editing", str(r.edited))
    expect(page.get_by_test_id("draft-info")).to_contain_text(f"Editing change {r.edited}: before + after")
    x, y = map_xy(page, "after", *r.corner)
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 6):
        page.mouse.move(x + 8 * k, y - 8 * k)
    page.mouse.up()
    page.wait_for_timeout(300)
    page.get_by_test_id("draw-side").select_option("before")
    page.get_by_test_id("clear-side").click()
    expect(page.get_by_test_id("draft-info")).to_contain_text(f"Editing change {r.edited}: after")
    shots(page, "editing_after_side")
    page.get_by_test_id("save-change").click()
    expect(page.get_by_test_id("pair-status")).to_contain_text(f"Change {r.edited} saved")
    saved = next(c for c in api_get(page, changes_url) if c["id"] == r.edited)
    assert saved["version"] == 2
    assert saved["before_geometry"] is None
    ring = saved["after_geometry"]["coordinates"][0][0]
    assert max(p[0] for p in ring) > r.corner[0] + 1e-6  # the corner moved east
    assert max(p[1] for p in ring) > r.corner[1] + 1e-6  # and north
    page.wait_for_timeout(300)
    shots(page, "edit_saved")

    # --- a stale version: the change is saved elsewhere meanwhile; the save says so and the list reloads ---
    page.locator(f"[data-testid=change-item][data-change-id='{r.edited}']").get_by_test_id("change-edit").click()
    behind = page.request.patch(f"{url}/api/changes/{r.edited}/", headers=csrf(page),
                                data={"version": 2, "label_class": None})
    assert behind.ok, behind.text()
    page.get_by_test_id("save-change").click()
    expect(page.get_by_test_id("pair-status")).to_contain_text("changed by someone else meanwhile")
    expect(page.locator(f"[data-testid=change-item][data-change-id='{r.edited}']")).to_contain_text("v3")
    expect(page.get_by_test_id("pair-screen")).to_have_attribute("data-editing", "")
    shots(page, "stale_version")
    assert not page.errors, page.errors
    page.context.close()

    # --- the reviewer: the review screen lists the pair; reject a change (a reason is asked for first) ---
    page = new_page(chromium)
    login(page, url, r.reviewer)
    page.goto(f"{url}/#/projects/{r.project_id}/review")
    link = page.locator(f"[data-testid=change-review-pair][data-pair-id='{r.pair_id}']")
    expect(link).to_contain_text("2 pending")
    shots(page, "review_screen_changes")
    link.get_by_test_id("change-review-link").click()
    wait_pair_maps(page)
    item = page.locator(f"[data-testid=change-item][data-change-id='{r.rejected}']")
    item.get_by_test_id("change-reject").click()
    expect(page.get_by_test_id("pair-status")).to_contain_text("Give a reason")
    assert next(c for c in api_get(page, changes_url) if c["id"] == r.rejected)["review_state"] == "pending"
    page.get_by_test_id("change-review-reason").fill("only a shadow, nothing was built")
    item.get_by_test_id("change-reject").click()
    expect(item).to_have_attribute("data-review-state", "rejected")
    expect(item.get_by_test_id("change-review-reason-text")).to_contain_text("only a shadow")
    page.locator(f"[data-testid=change-item][data-change-id='{r.edited}']").get_by_test_id("change-accept").click()
    expect(page.locator(f"[data-testid=change-item][data-change-id='{r.edited}']")).to_have_attribute(
        "data-review-state", "approved")
    page.wait_for_timeout(300)
    shots(page, "reviewed")
    stored = next(c for c in api_get(page, changes_url) if c["id"] == r.rejected)
    assert (stored["review_state"], stored["review_reason"]) == ("rejected", "only a shadow, nothing was built")
    # a reviewer's edit saved as a fix: the class is set and the change approved (a review fix on the server)
    fixed_item = page.locator(f"[data-testid=change-item][data-change-id='{r.rejected}']")
    fixed_item.get_by_test_id("change-edit").click()
    page.get_by_test_id("change-class").select_option(label="building")
    page.get_by_test_id("fix-change").click()
    expect(fixed_item).to_have_attribute("data-review-state", "approved")
    expect(fixed_item).to_contain_text("building")
    shots(page, "fixed")
    page.goto(f"{url}/#/projects/{r.project_id}/review")
    expect(page.get_by_test_id("change-review")).to_contain_text("No change annotations to review")
    assert not page.errors, page.errors
    page.context.close()

    # --- the admin deletes the pair from the scenes screen: dismissing the confirmation keeps it ---
    page = new_page(chromium)
    login(page, url, r.admin)
    page.goto(f"{url}/#/projects/{r.project_id}")
    pair_item = page.locator(f"[data-testid=pair-item][data-pair-id='{r.pair_id}']")
    expect(pair_item.get_by_test_id("pair-delete")).to_be_visible()
    shots(page, "scenes_pair_delete")
    page.once("dialog", lambda dialog: dialog.dismiss())
    pair_item.get_by_test_id("pair-delete").click()
    page.wait_for_timeout(300)
    assert len(api_get(page, f"{url}/api/projects/{r.project_id}/pairs/")) == 1
    page.once("dialog", lambda dialog: dialog.accept())
    pair_item.get_by_test_id("pair-delete").click()
    expect(page.get_by_test_id("pair-message")).to_contain_text("deleted")
    expect(page.locator("[data-testid=pair-item]")).to_have_count(0)
    assert api_get(page, f"{url}/api/projects/{r.project_id}/pairs/") == []
    assert not page.errors, page.errors
