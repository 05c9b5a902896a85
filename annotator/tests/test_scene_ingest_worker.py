"""Ingestion through the real stack: a Celery worker process does the work, progress arrives over the real
WebSocket served by uvicorn, and the upload endpoint of the real server ends in a ready scene."""

import asyncio
import http.client
import json
import time
import uuid
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect

from annotator.models import Membership, Project, Role, Scene, SceneStatus
from annotator.services.scenes import scene_create_from_path
from annotator.tasks import ingest_scene
from annotator.tests import rasters

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def project_admin(transactional_db):
    user = get_user_model().objects.create_user("ingest-admin", password="pw")
    project = Project.objects.create(slug="ingest", name="Ingest")
    Membership.objects.create(project=project, user=user, role=Role.ADMIN)
    return project, user, Token.objects.create(user=user).key


@pytest.fixture
def imagery_root(settings, tmp_path):
    settings.IMAGERY_ROOT = tmp_path
    return tmp_path


async def _events_until_ready(url: str, origin: str, start) -> list[dict]:
    events: list[dict] = []
    async with connect(url, origin=origin, open_timeout=10) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "pong"}  # subscribed
        await asyncio.to_thread(start)
        while True:
            event = json.loads(await asyncio.wait_for(socket.recv(), 60))
            events.append(event)
            if event["type"] == "scene.status":
                return events


def test_celery_worker_ingests_and_progress_arrives_over_the_websocket(project_admin, imagery_root, celery_worker,
                                                                      app_server):
    project, user, token = project_admin
    rasters.make_raster(imagery_root / "worker.tif", bands=3, dtype="uint16", width=1500, height=1200)
    scene = scene_create_from_path(project=project, path="worker.tif", name="W", user=user, enqueue=False)
    url = app_server.ws(f"/ws/scenes/{scene.id}/events/", token)

    events = asyncio.run(_events_until_ready(url, app_server.url, lambda: ingest_scene.delay(scene.id)))

    progress = [e for e in events if e["type"] == "scene.progress"]
    assert progress
    assert all(e["scene_id"] == scene.id for e in progress)
    values = [e["progress"] for e in progress]
    assert values == sorted(values)
    assert values[-1] == 1.0
    assert events[-1]["status"] == "ready"
    scene.refresh_from_db()
    assert (scene.status, scene.progress) == (SceneStatus.READY, 1.0)
    assert scene.cog_path.endswith(f"{scene.checksum}.tif")
    assert scene.overview_count >= 1


class Http:
    """A keep-alive HTTP client on the standard library (the test needs nothing more)."""

    def __init__(self, base_url: str, token: str):
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.headers = {"Authorization": f"Token {token}"}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        self.connection.request(method, path, body=body, headers={**self.headers, **(headers or {})})
        response = self.connection.getresponse()
        return response.status, response.read()

    def upload(self, path: str, filename: str, content: bytes, fields: dict):
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                     "Content-Type: image/tiff\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def test_upload_to_the_running_server_ends_ready(project_admin, celery_worker, app_server, tmp_path):
    project, _, token = project_admin
    source = rasters.make_raster(tmp_path / "up.tif", bands=1, dtype="float32", crs="EPSG:4326")
    client = Http(app_server.url, token)
    status, body = client.upload(f"/api/projects/{project.id}/scenes/", "up.tif", source.read_bytes(), {"name": "Up"})
    assert status == 202, body
    scene_id = json.loads(body)["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        scene = json.loads(client.request("GET", f"/api/scenes/{scene_id}/")[1])
        if scene["status"] != "ingesting":
            break
        time.sleep(0.2)
    assert scene["status"] == "ready", scene
    status, _ = client.request("GET", scene["tiles_url"].format(z=scene["maxzoom"], x=0, y=0))
    assert status == 404  # far from the scene
    assert Scene.objects.get(pk=scene_id).crs == "EPSG:4326"
