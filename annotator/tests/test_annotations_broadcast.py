"""Two annotators viewing the same scene: what one does over HTTP arrives on the other's WebSocket
(real uvicorn server, real Redis channel layer)."""

import asyncio
import http.client
import json
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from annotator.models import Membership, Project, Role
from annotator.tests.annotation_fixtures import inside, label_class_make, scene_make

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pair(transactional_db):
    User = get_user_model()
    project = Project.objects.create(slug="live", name="Live")
    tokens = {}
    for name in ("alice", "bob", "eve"):
        user = User.objects.create_user(name, password="pw")
        if name != "eve":
            Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
        tokens[name] = Token.objects.create(user=user).key
    return project, scene_make(project), label_class_make(project), tokens


def call(base_url: str, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request(method, path, body=json.dumps(body) if body is not None else None,
                       headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
    response = connection.getresponse()
    status, data = response.status, response.read()
    connection.close()
    return status, json.loads(data) if data else {}


async def _next_annotation_event(socket) -> dict:
    while True:
        event = json.loads(await asyncio.wait_for(socket.recv(), 15))
        if event["type"].startswith("annotation."):
            return event


async def _watch(app_server, scene, label_class, tokens) -> list[dict]:
    url = await asyncio.to_thread(app_server.ws, f"/ws/scenes/{scene.id}/events/", tokens["bob"])
    received = []
    async with connect(url, origin=app_server.url, open_timeout=10) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "pong"}  # subscribed
        alice = tokens["alice"]
        status, created = await asyncio.to_thread(call, app_server.url, alice, "POST",
                                                  f"/api/scenes/{scene.id}/annotations/",
                                                  {"geometry": inside(0), "label_class": label_class.id})
        assert status == 201, created
        received.append(await _next_annotation_event(socket))
        status, _ = await asyncio.to_thread(call, app_server.url, alice, "PATCH", f"/api/annotations/{created['id']}/",
                                            {"version": 1, "geometry": inside(1)})
        assert status == 200
        received.append(await _next_annotation_event(socket))
        status, _ = await asyncio.to_thread(call, app_server.url, alice, "DELETE",
                                            f"/api/annotations/{created['id']}/", {"version": 2})
        assert status == 200
        received.append(await _next_annotation_event(socket))
    return received


def test_second_client_hears_created_updated_deleted(pair, app_server):
    _project, scene, label_class, tokens = pair
    events = asyncio.run(_watch(app_server, scene, label_class, tokens))
    assert [(e["type"], e["version"]) for e in events] == [
        ("annotation.created", 1), ("annotation.updated", 2), ("annotation.deleted", 3)]
    assert len({e["id"] for e in events}) == 1
    assert events[0]["class"] == {"id": label_class.id, "name": "building", "color": "#112233"}
    assert events[0]["status"] == "accepted"
    assert events[0]["geometry"]["type"] == "MultiPolygon"
    assert events[1]["geometry"] != events[0]["geometry"]
    assert events[2]["deleted"] is True


async def _refused(app_server, scene, token) -> int:
    """The consumer closes before accepting: the server answers the handshake with HTTP 403."""
    url = await asyncio.to_thread(app_server.ws, f"/ws/scenes/{scene.id}/events/", token)
    try:
        async with connect(url, origin=app_server.url, open_timeout=10) as socket:
            await asyncio.wait_for(socket.recv(), 10)
    except InvalidStatus as refused:
        return refused.response.status_code
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else -1
    return 0


def test_non_member_cannot_listen(pair, app_server):
    _project, scene, _label_class, tokens = pair
    assert asyncio.run(_refused(app_server, scene, tokens["eve"])) in (403, 4403)
