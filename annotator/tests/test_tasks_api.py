"""Tasks: grid and drawn areas (admin), listing, next (assigned first, then pool), heartbeat, submit,
lease expiry, and the role matrix."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotator.models import AuditEvent, Task
from annotator.signals import task_submitted
from annotator.tests.annotation_fixtures import scene_make, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(actors):
    return scene_make(actors.project)


def grid(client, scene, **body):
    return client.post(f"/api/scenes/{scene.id}/tasks/grid/", {"cell_size_m": 500, **body}, format="json")


def test_grid_cuts_the_footprint_into_cells_of_the_given_size(actors, scene):
    response = grid(actors.client("admin"), scene, cell_size_m=400)
    assert response.status_code == 201, response.json()
    # ~925 m x ~1110 m footprint in 400 m UTM cells aligned on its top-left corner: 3 x 3 cells (the last column
    # and row clipped; the 125 m x 310 m corner, under a quarter of a cell, merged into a neighbour).
    assert 6 <= response.json()["count"] <= 12
    tasks = list(Task.objects.filter(scene=scene))
    union = tasks[0].area
    for task in tasks[1:]:
        union = union.union(task.area)
    assert union.area == pytest.approx(scene.footprint.area, rel=1e-6)
    assert all(t.status == "new" and t.assignee is None for t in tasks)
    assert AuditEvent.objects.filter(action="task.grid_create").exists()


def test_grid_assigns_round_robin_to_members_only(actors, scene):
    ann, rev = actors.users["annotator"].id, actors.users["reviewer"].id
    tasks = grid(actors.client("admin"), scene, assignees=[ann, rev]).json()["tasks"]
    assert [t["assignee"] for t in tasks[:4]] == [ann, rev, ann, rev]
    refused = grid(actors.client("admin"), scene, assignees=[actors.users["outsider"].id])
    assert refused.status_code == 400
    assert refused.json()["reason"] == "not_member"


def test_too_many_cells_is_refused(actors, scene):
    big = scene_make(actors.project, name="big", bounds=(-85.0, 33.0, -84.0, 34.0))
    response = grid(actors.client("admin"), big, cell_size_m=10)
    assert response.status_code == 400
    assert "limit" in response.json()["detail"]


def test_drawn_task_area_is_clipped_to_the_scene(actors, scene):
    response = actors.client("admin").post(f"/api/scenes/{scene.id}/tasks/",
                                           {"area": square(-84.3905, 33.755, 0.002)}, format="json")
    assert response.status_code == 201
    assert max(pt[0] for pt in response.json()["area"]["coordinates"][0]) == pytest.approx(-84.39)


def test_next_gives_my_assigned_task_first_then_the_pool_and_renews_my_lease(actors, scene):
    admin, ann = actors.client("admin"), actors.users["annotator"]
    cells = grid(admin, scene).json()["tasks"]
    Task.objects.filter(pk=cells[3]["id"]).update(assignee=ann)
    Task.objects.filter(pk=cells[0]["id"]).update(assignee=actors.users["reviewer"])
    client = actors.client("annotator")
    first = client.post(f"/api/projects/{actors.project.id}/tasks/next/").json()
    assert first["id"] == cells[3]["id"]
    assert first["lease_holder"] == ann.id
    assert first["status"] == "in_progress"
    again = client.post(f"/api/projects/{actors.project.id}/tasks/next/").json()
    assert again["id"] == first["id"]  # one task at a time: asking again renews the lease
    client.post(f"/api/tasks/{first['id']}/submit/")
    pool = client.post(f"/api/projects/{actors.project.id}/tasks/next/").json()
    assert pool["id"] == cells[1]["id"]  # cells[0] is someone else's


def test_heartbeat_extends_the_lease_and_submit_sends_to_review(actors, scene, settings):
    settings.GEOLOOP_LEASE_SECONDS = 60
    grid(actors.client("admin"), scene)
    client = actors.client("annotator")
    task = client.post(f"/api/projects/{actors.project.id}/tasks/next/").json()
    Task.objects.filter(pk=task["id"]).update(lease_expires_at=timezone.now() + timedelta(seconds=5))
    beat = client.post(f"/api/tasks/{task['id']}/heartbeat/")
    assert beat.status_code == 200
    remaining = Task.objects.get(pk=task["id"]).lease_expires_at - timezone.now()
    assert timedelta(seconds=50) < remaining <= timedelta(seconds=60)
    heard = []
    task_submitted.connect(lambda **kw: heard.append(kw["task"].id), weak=False, dispatch_uid="t-submit")
    try:
        submitted = client.post(f"/api/tasks/{task['id']}/submit/").json()
    finally:
        task_submitted.disconnect(dispatch_uid="t-submit")
    assert submitted["status"] == "submitted"
    assert submitted["lease_holder"] is None
    assert heard == [task["id"]]
    assert client.post(f"/api/tasks/{task['id']}/heartbeat/").status_code == 409


def test_expired_lease_frees_the_task_and_the_old_holder_loses_it(actors, scene):
    actors.client("admin").post(f"/api/scenes/{scene.id}/tasks/", {"area": square(-84.399, 33.751, 0.002)},
                                format="json")
    first, second = actors.client("annotator"), actors.client("reviewer")
    task = first.post(f"/api/projects/{actors.project.id}/tasks/next/").json()
    assert second.post(f"/api/projects/{actors.project.id}/tasks/next/").status_code == 204  # leased: nothing free
    Task.objects.filter(pk=task["id"]).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    taken = second.post(f"/api/projects/{actors.project.id}/tasks/next/").json()
    assert taken["id"] == task["id"]
    assert taken["lease_holder"] == actors.users["reviewer"].id
    lost = first.post(f"/api/tasks/{task['id']}/heartbeat/")
    assert lost.status_code == 409
    assert lost.json()["reason"] == "lease_lost"
    assert first.post(f"/api/tasks/{task['id']}/submit/").status_code == 409
    assert AuditEvent.objects.filter(action="task.lease", object_id=task["id"]).count() == 2


def test_expired_lease_not_yet_taken_is_renewed_by_its_holder(actors, scene):
    actors.client("admin").post(f"/api/scenes/{scene.id}/tasks/", {"area": square(-84.399, 33.751, 0.002)},
                                format="json")
    client = actors.client("annotator")
    task = client.post(f"/api/projects/{actors.project.id}/tasks/next/").json()
    Task.objects.filter(pk=task["id"]).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post(f"/api/tasks/{task['id']}/heartbeat/").status_code == 200


def test_task_list_filters(actors, scene):
    grid(actors.client("admin"), scene)
    client = actors.client("annotator")
    leased = client.post(f"/api/projects/{actors.project.id}/tasks/next/").json()
    everything = client.get(f"/api/projects/{actors.project.id}/tasks/").json()
    assert len(everything) == Task.objects.count()
    in_progress = client.get(f"/api/projects/{actors.project.id}/tasks/?status=in_progress").json()
    assert [t["id"] for t in in_progress] == [leased["id"]]
    assert client.get(f"/api/projects/{actors.project.id}/tasks/?status=bogus").status_code == 400


@pytest.mark.parametrize(
    ("who", "member", "admin"),
    [("staff", True, True), ("admin", True, True), ("reviewer", True, False), ("annotator", True, False),
     ("outsider", False, False), (None, None, None)],
)
def test_permission_matrix_on_task_endpoints(actors, scene, who, member, admin):
    task = Task.objects.create(project=actors.project, scene=scene, area=scene.footprint)
    client = actors.client(who)
    denied = 401 if member is None else 403

    def check(response, allowed):
        assert (response.status_code < 300) if allowed else response.status_code == denied, (who, response.status_code)

    check(grid(client, scene), admin)
    check(client.post(f"/api/scenes/{scene.id}/tasks/", {"area": square(-84.399, 33.751)}, format="json"), admin)
    check(client.get(f"/api/projects/{actors.project.id}/tasks/"), member)
    check(client.post(f"/api/projects/{actors.project.id}/tasks/next/"), member)
    if member:
        Task.objects.filter(pk=task.pk).update(lease_holder=actors.users[who], status="in_progress",
                                               lease_expires_at=timezone.now() + timedelta(minutes=1))
    check(client.post(f"/api/tasks/{task.id}/heartbeat/"), member)
    check(client.post(f"/api/tasks/{task.id}/submit/"), member)
