"""Training progress reaches a project admin's browser over the real WebSocket; others cannot listen."""

import asyncio
import json

import pytest
import websockets
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from rest_framework.authtoken.models import Token

from feedback.services.jobs import training_group

pytestmark = pytest.mark.django_db(transaction=True)


def _token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


async def test_admin_hears_training_progress_and_annotators_are_refused(app_server, actors):
    project_id = actors.project.id
    admin_token = await sync_to_async(_token)(actors.users["admin"])
    annotator_token = await sync_to_async(_token)(actors.users["annotator"])
    path = f"/ws/projects/{project_id}/training/"

    admin_url = await asyncio.to_thread(app_server.ws, path, admin_token)
    async with websockets.connect(admin_url, origin=app_server.url) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "pong"}
        await get_channel_layer().group_send(
            training_group(project_id),
            {"type": "training.event", "event": "training.progress", "payload": {"job": 7, "progress": {"step": 3}}},
        )
        message = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert message == {"type": "training.progress", "job": 7, "progress": {"step": 3}}

    annotator_url = await asyncio.to_thread(app_server.ws, path, annotator_token)
    with pytest.raises(websockets.exceptions.WebSocketException):
        async with websockets.connect(annotator_url, origin=app_server.url) as socket:
            await asyncio.wait_for(socket.recv(), 10)
