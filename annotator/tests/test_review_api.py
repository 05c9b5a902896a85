"""Review: queue order (least confident first, nulls last, then oldest), accept / reject / fix as versioned
changes, the `review_fix` signal, task becomes reviewed, and the role matrix."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotator.models import Annotation, AnnotationRevision, Task
from annotator.services.annotations import annotation_create
from annotator.signals import annotation_changed
from annotator.tests.annotation_fixtures import inside, scene_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(actors):
    return scene_make(actors.project)


def make(actors, scene, i, quality=None, source="model", age_s=0, **kw):
    annotation, _ = annotation_create(project=actors.project, scene=scene, geometry=inside(i),
                                      user=actors.users["annotator"], source=source, predicted_quality=quality, **kw)
    Annotation.objects.filter(pk=annotation.pk).update(created_at=timezone.now() - timedelta(seconds=age_s))
    return annotation


def queue_ids(client, project_id, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return [f["id"] for f in client.get(f"/api/projects/{project_id}/review/queue/?{query}").json()["results"]]


def test_queue_is_least_confident_first_nulls_last_then_oldest(actors, scene):
    human_old = make(actors, scene, 0, None, source="human", age_s=500)
    sure = make(actors, scene, 1, 0.95, age_s=400)
    doubtful_new = make(actors, scene, 2, 0.30, age_s=10)
    doubtful_old = make(actors, scene, 3, 0.30, age_s=300)
    worst = make(actors, scene, 4, 0.05, age_s=1)
    human_new = make(actors, scene, 5, None, source="human", age_s=5)
    make(actors, scene, 6, 0.01, status="draft")  # drafts are not ready for review
    gone = make(actors, scene, 7, 0.01)
    Annotation.objects.filter(pk=gone.pk).update(deleted=True)
    working = Task.objects.create(project=actors.project, scene=scene, area=scene.footprint, status="in_progress")
    make(actors, scene, 8, 0.02, task=working)  # its task is still being worked on
    expected = [worst.id, doubtful_old.id, doubtful_new.id, sure.id, human_old.id, human_new.id]
    client = actors.client("reviewer")
    assert queue_ids(client, actors.project.id) == expected
    body = client.get(f"/api/projects/{actors.project.id}/review/queue/?limit=2&offset=2").json()
    assert body["count"] == 6
    assert [f["id"] for f in body["results"]] == expected[2:4]


def test_accept_and_reject_are_versioned_and_leave_the_queue(actors, scene):
    a, b = make(actors, scene, 0, 0.2), make(actors, scene, 1, 0.3)
    client = actors.client("reviewer")
    accepted = client.post(f"/api/annotations/{a.id}/review/", {"action": "accept", "version": 1}, format="json")
    assert accepted.status_code == 200
    assert accepted.json()["properties"]["review_state"] == "approved"
    assert accepted.json()["properties"]["version"] == 2
    no_reason = client.post(f"/api/annotations/{b.id}/review/", {"action": "reject", "version": 1}, format="json")
    assert no_reason.status_code == 400
    rejected = client.post(f"/api/annotations/{b.id}/review/",
                           {"action": "reject", "version": 1, "reason": "not a building"}, format="json").json()
    assert rejected["properties"]["status"] == "rejected"
    assert rejected["properties"]["review_reason"] == "not a building"
    assert queue_ids(client, actors.project.id) == []
    stale = client.post(f"/api/annotations/{a.id}/review/", {"action": "accept", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    # A later edit sends it back to the queue (an admin's: approved annotations are changed only by reviewers and
    # admins, see test_annotation_edit_policy.py).
    actors.client("admin").patch(f"/api/annotations/{a.id}/", {"version": 2, "geometry": inside(3)},
                                     format="json")
    assert queue_ids(client, actors.project.id) == [a.id]


def test_fix_is_a_new_revision_and_signals_a_correction(actors, scene):
    task = Task.objects.create(project=actors.project, scene=scene, area=scene.footprint, status="submitted")
    annotation = make(actors, scene, 0, 0.4, task=task)
    heard = []
    annotation_changed.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="t-fix")
    try:
        response = actors.client("reviewer").post(
            f"/api/annotations/{annotation.id}/review/",
            {"action": "fix", "version": 1, "geometry": inside(9), "reason": "edge was off"}, format="json")
    finally:
        annotation_changed.disconnect(dispatch_uid="t-fix")
    assert response.status_code == 200
    props = response.json()["properties"]
    assert props["version"] == 2
    assert props["review_state"] == "approved"
    revision = AnnotationRevision.objects.get(annotation=annotation, version=2)
    assert revision.author == actors.users["reviewer"]
    assert "edge was off" in revision.reason
    [event] = heard
    assert event["kind"] == "review_fix"
    assert event["previous_version"] == 1
    assert event["previous_geometry"].equals(AnnotationRevision.objects.get(annotation=annotation, version=1).geometry)
    assert Task.objects.get(pk=task.pk).status == "reviewed"
    assert actors.client("reviewer").post(f"/api/annotations/{annotation.id}/review/",
                                          {"action": "fix", "version": 2}, format="json").status_code == 400


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("staff", True), ("admin", True), ("reviewer", True), ("annotator", False), ("outsider", False), (None, None)],
)
def test_permission_matrix_on_review_endpoints(actors, scene, who, allowed):
    annotation = make(actors, scene, 0, 0.5)
    client = actors.client(who)
    denied = 401 if allowed is None else 403
    for response in (
        client.get(f"/api/projects/{actors.project.id}/review/queue/"),
        client.post(f"/api/annotations/{annotation.id}/review/", {"action": "accept", "version": 1}, format="json"),
    ):
        assert (response.status_code == 200) if allowed else response.status_code == denied, (who, response.status_code)
