"""The one room for access (annotator.permissions): selectors only read (None when missing), lookups answer 404 for
what does not exist and 403 for a caller without the role, and every WebSocket refuses with the same rule as its
REST twin (closed before it opens: 4404 missing, 4403 anonymous or without the role)."""

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.routing import URLRouter
from django.contrib.auth.models import AnonymousUser

from annotator import permissions
from annotator.consumers import websocket_urlpatterns as annotator_ws
from annotator.models import Role
from annotator.selectors.annotations import annotation_get
from annotator.selectors.exports import export_job_get
from annotator.selectors.projects import label_class_get, project_get
from annotator.selectors.scenes import scene_get
from annotator.selectors.tasks import task_get
from annotator.tests.annotation_fixtures import scene_make
from core.errors import NotFound, PermissionDenied
from feedback.consumers import websocket_urlpatterns as feedback_ws
from inference.consumers import websocket_urlpatterns as inference_ws

MISSING = 2**31 - 7


@pytest.mark.django_db
def test_selectors_return_none_for_what_is_not_there():
    assert project_get(project_id=MISSING) is None
    assert scene_get(scene_id=MISSING) is None
    assert annotation_get(annotation_id=MISSING) is None
    assert task_get(task_id=MISSING) is None
    assert label_class_get(class_id=MISSING) is None
    assert export_job_get(job_id=MISSING) is None


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "role", "outcome"), [
    ("outsider", Role.ANNOTATOR, PermissionDenied), ("annotator", Role.ANNOTATOR, None),
    ("annotator", Role.REVIEWER, PermissionDenied), ("reviewer", Role.REVIEWER, None),
    ("reviewer", Role.ADMIN, PermissionDenied), ("admin", Role.ADMIN, None), ("staff", Role.ADMIN, None),
])
def test_lookups_check_the_role(actors, who, role, outcome):
    scene = scene_make(actors.project)
    user = actors.users[who]
    calls = [lambda: permissions.project_for_user(user=user, project_id=actors.project.id, role=role),
             lambda: permissions.scene_for_user(user=user, scene_id=scene.id, role=role),
             lambda: permissions.scene_for_user(user=user, scene_id=scene.id, role=role, cached=True)]
    for call in calls:
        if outcome is None:
            assert call().pk is not None
        else:
            with pytest.raises(outcome):
                call()
    with pytest.raises(PermissionDenied):
        permissions.scene_for_user(user=AnonymousUser(), scene_id=scene.id)


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", [MISSING, 0, -3, "abc", "", None, 2**70])
def test_lookups_answer_not_found_for_ids_no_record_has(actors, bad_id):
    user = actors.users["staff"]
    for lookup, key in [(permissions.project_for_user, "project_id"), (permissions.scene_for_user, "scene_id"),
                        (permissions.annotation_for_user, "annotation_id"), (permissions.task_for_user, "task_id"),
                        (permissions.label_class_for_user, "class_id"), (permissions.export_job_for_user, "job_id")]:
        with pytest.raises(NotFound):
            lookup(user=user, **{key: bad_id})


@pytest.mark.django_db
def test_rest_answers_404_for_huge_or_missing_ids(actors):
    client = actors.client("annotator")
    assert client.get(f"/api/annotations/{2**70}/").status_code == 404
    assert client.get(f"/api/model-versions/?project={MISSING}").status_code == 404
    assert client.get("/api/model-versions/?project=abc").status_code == 404


async def _close_code(path: str, user) -> int | None:
    """None when the socket opened, else the code it was closed with before opening."""
    application = URLRouter([*annotator_ws, *inference_ws, *feedback_ws])
    scope = {"type": "websocket", "path": path, "raw_path": path.encode(), "query_string": b"", "headers": [],
             "subprotocols": [], "user": user}
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "websocket.connect"})
    answer = await communicator.receive_output(timeout=10)
    if answer["type"] == "websocket.accept":
        await communicator.send_input({"type": "websocket.disconnect", "code": 1000})
        await communicator.wait(timeout=10)
        return None
    assert answer["type"] == "websocket.close", answer
    return answer.get("code")


@pytest.mark.django_db(transaction=True)
async def test_sockets_refuse_with_the_rest_rule(actors):
    from asgiref.sync import sync_to_async

    scene = await sync_to_async(scene_make)(actors.project)
    users = actors.users
    project = actors.project.id
    for path, allowed in [(f"/ws/scenes/{scene.id}/events/", ("annotator", "reviewer", "admin", "staff")),
                          (f"/ws/annotate/{scene.id}/", ("annotator", "reviewer", "admin", "staff")),
                          (f"/ws/projects/{project}/training/", ("admin", "staff"))]:
        for who in ("outsider", "annotator", "reviewer", "admin", "staff"):
            expected = None if who in allowed else permissions.SOCKET_FORBIDDEN
            assert await _close_code(path, users[who]) == expected, (path, who)
        assert await _close_code(path, AnonymousUser()) == permissions.SOCKET_FORBIDDEN, path
    for path in (f"/ws/scenes/{MISSING}/events/", f"/ws/annotate/{MISSING}/", f"/ws/projects/{MISSING}/training/"):
        assert await _close_code(path, users["staff"]) == permissions.SOCKET_NOT_FOUND, path
