"""Who may change which annotation, per role (issue 10, item 6): annotators edit and delete their own annotations and
those inside a task whose lease they hold; approved annotations only reviewers and admins; outsiders nothing.
Enforced by the annotation services, so the REST views, direct service calls and review all obey it; the API tells
the client beforehand (`can_edit`, `edit_refusal`)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Polygon
from django.utils import timezone

from annotator.models import Annotation, AnnotationRevision, Membership, ReviewState, Role, Task, TaskStatus
from annotator.services.annotations import annotation_create, annotation_delete, annotation_update
from annotator.services.review import annotation_review
from annotator.tests.annotation_fixtures import inside, scene_make
from core.errors import PermissionDenied

pytestmark = pytest.mark.django_db

ROLES = ["annotator", "reviewer", "admin", "staff", "outsider"]
CASES = ["own", "other_outside_tasks", "other_in_held_task", "approved"]
# (role, case) -> may change. An outsider has no annotation of its own: "own" is then the annotator's.
ALLOWED = {
    **{(role, case): True for role in ("reviewer", "admin", "staff") for case in CASES},
    **{("outsider", case): False for case in CASES},
    ("annotator", "own"): True,
    ("annotator", "other_outside_tasks"): False,
    ("annotator", "other_in_held_task"): True,
    ("annotator", "approved"): False,
}
MATRIX = [(role, case, ALLOWED[(role, case)]) for role in ROLES for case in CASES]


@pytest.fixture
def scene(actors):
    return scene_make(actors.project)


@pytest.fixture
def colleague(actors):
    user = get_user_model().objects.create_user("colleague", password="pw")
    Membership.objects.create(project=actors.project, user=user, role=Role.ANNOTATOR)
    return user


def _area(i: int) -> Polygon:
    """A task area around inside(i) (a 0.0008 degree box holding the 0.0005 degree square)."""
    lon, lat = -84.399 + 0.001 * (i % 8), 33.751 + 0.001 * (i // 8)
    area = Polygon.from_bbox((lon - 0.0001, lat - 0.0001, lon + 0.0007, lat + 0.0007))
    area.srid = 4326
    return area


def task_held_by(scene, user, i: int = 0) -> Task:
    """A task around inside(i) whose lease `user` holds (as `task_next` would leave it)."""
    return Task.objects.create(project=scene.project, scene=scene, area=_area(i), status=TaskStatus.IN_PROGRESS,
                               lease_holder=user, lease_expires_at=timezone.now() + timedelta(minutes=5),
                               heartbeat_at=timezone.now())


def make(scene, author, i: int = 0, **kw) -> Annotation:
    return annotation_create(project=scene.project, scene=scene, geometry=inside(i), user=author, **kw)[0]


def annotation_for_case(actors, scene, colleague, role: str, case: str, i: int = 0) -> Annotation:
    actor = actors.users[role]
    if case == "own":
        return make(scene, actors.users["annotator"] if role == "outsider" else actor, i)
    if case == "other_outside_tasks":
        return make(scene, colleague, i)
    if case == "other_in_held_task":
        return make(scene, colleague, i, task=task_held_by(scene, actor, i))
    annotation = make(scene, actors.users["annotator"] if role == "outsider" else actor, i)
    return annotation_review(annotation=annotation, user=actors.users["reviewer"], action="accept",
                             expected_version=annotation.version)


def _assert_refused(response, annotation: Annotation) -> None:
    assert response.status_code == 403, response.json()
    unchanged = Annotation.objects.get(pk=annotation.pk)
    assert (unchanged.version, unchanged.deleted) == (annotation.version, annotation.deleted)
    assert AnnotationRevision.objects.filter(annotation=annotation).count() == annotation.version


@pytest.mark.parametrize(("role", "case", "allowed"), MATRIX)
def test_edit_and_delete_matrix(actors, scene, colleague, role, case, allowed):
    client = actors.client(role)
    edited = annotation_for_case(actors, scene, colleague, role, case, i=0)
    deleted = annotation_for_case(actors, scene, colleague, role, case, i=1)
    patch = client.patch(f"/api/annotations/{edited.id}/", {"version": edited.version, "geometry": inside(0)},
                         format="json")
    delete = client.delete(f"/api/annotations/{deleted.id}/", {"version": deleted.version}, format="json")
    if allowed:
        assert patch.status_code == 200, patch.json()
        assert patch.json()["properties"]["version"] == edited.version + 1
        assert delete.status_code == 200, delete.json()
        assert Annotation.objects.get(pk=deleted.pk).deleted is True
    else:
        _assert_refused(patch, edited)
        _assert_refused(delete, deleted)
        if role == "annotator":  # a member is told which rule it was; an outsider only that it is not a member
            for response in (patch, delete):
                body = response.json()
                assert body["code"] == "forbidden"
                assert body["reason"] == "edit_not_allowed"
                rule = "reviewers and admins" if case == "approved" else "inside a task they hold"
                assert rule in body["detail"], body["detail"]


@pytest.mark.parametrize(("role", "case", "allowed"), [row for row in MATRIX if row[0] != "outsider"])
def test_the_api_says_beforehand_whether_the_user_may_change_it(actors, scene, colleague, role, case, allowed):
    annotation = annotation_for_case(actors, scene, colleague, role, case)
    props = actors.client(role).get(f"/api/annotations/{annotation.id}/").json()["properties"]
    assert props["can_edit"] is allowed
    assert (props["edit_refusal"] is None) is allowed


def test_restore_follows_the_same_rule(actors, scene, colleague):
    mine = make(scene, actors.users["annotator"])
    theirs = make(scene, colleague, 1)
    approved = annotation_review(annotation=make(scene, actors.users["annotator"], 2), user=actors.users["reviewer"],
                                 action="accept", expected_version=1)
    client = actors.client("annotator")
    assert client.post(f"/api/annotations/{mine.id}/restore/", {"version": 1}, format="json").status_code == 200
    _assert_refused(client.post(f"/api/annotations/{theirs.id}/restore/", {"version": 1}, format="json"), theirs)
    _assert_refused(client.post(f"/api/annotations/{approved.id}/restore/", {"version": 1}, format="json"), approved)
    assert actors.client("reviewer").post(f"/api/annotations/{approved.id}/restore/", {"version": 1},
                                          format="json").status_code == 200


def test_held_task_covers_annotations_without_a_task_by_area(actors, scene, colleague):
    """Pre-labels and imports carry no task: the held task's area decides (its geometry intersects the area)."""
    task_held_by(scene, actors.users["annotator"], i=0)
    inside_area, elsewhere = make(scene, colleague, 0), make(scene, colleague, 5)
    client = actors.client("annotator")
    ok = client.patch(f"/api/annotations/{inside_area.id}/", {"version": 1, "geometry": inside(0)}, format="json")
    assert ok.status_code == 200, ok.json()
    _assert_refused(client.patch(f"/api/annotations/{elsewhere.id}/", {"version": 1, "geometry": inside(5)},
                                 format="json"), elsewhere)


def test_a_task_held_by_someone_else_or_given_back_covers_nothing(actors, scene, colleague):
    annotator = actors.users["annotator"]
    theirs = make(scene, colleague, 0, task=task_held_by(scene, colleague, 0))
    submitted_task = task_held_by(scene, annotator, 1)
    in_submitted = make(scene, colleague, 1, task=submitted_task)
    Task.objects.filter(pk=submitted_task.pk).update(status=TaskStatus.SUBMITTED, lease_holder=None)
    task_held_by(scene, annotator, 0)  # overlapping area, but `theirs` belongs to the colleague's task
    client = actors.client("annotator")
    for annotation in (theirs, in_submitted):
        _assert_refused(client.delete(f"/api/annotations/{annotation.id}/", {"version": 1}, format="json"),
                        annotation)


def test_services_enforce_the_rule_for_every_caller(actors, scene, colleague):
    """Not only the REST views: a direct service call (a socket, an import, a script) is refused the same way;
    the system itself (user=None) may."""
    theirs = make(scene, colleague)
    with pytest.raises(PermissionDenied, match="inside a task they hold"):
        annotation_update(annotation=theirs, user=actors.users["annotator"], expected_version=1,
                          geometry=inside(3))
    with pytest.raises(PermissionDenied, match="inside a task they hold"):
        annotation_delete(annotation=theirs, user=actors.users["annotator"], expected_version=1)
    approved = annotation_review(annotation=theirs, user=actors.users["reviewer"], action="accept",
                                 expected_version=1)
    with pytest.raises(PermissionDenied, match="reviewers and admins"):
        annotation_update(annotation=approved, user=colleague, expected_version=approved.version,
                          geometry=inside(3))
    assert Annotation.objects.get(pk=theirs.pk).review_state == ReviewState.APPROVED
    assert annotation_delete(annotation=approved, user=None, expected_version=approved.version).deleted is True


def test_review_needs_the_reviewer_role_in_the_service_too(actors, scene, colleague):
    annotation = make(scene, colleague)
    with pytest.raises(PermissionDenied):
        annotation_review(annotation=annotation, user=actors.users["annotator"], action="accept",
                          expected_version=1)
    fixed = annotation_review(annotation=annotation, user=actors.users["reviewer"], action="accept",
                              expected_version=1)
    fixed = annotation_review(annotation=fixed, user=actors.users["admin"], action="fix", expected_version=2,
                              geometry=inside(4))
    assert fixed.review_state == ReviewState.APPROVED
    assert fixed.version == 3
