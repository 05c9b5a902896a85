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
    url = f"{app_server.ws_url}/ws/projects/{project_id}/training/"

    async with websockets.connect(f"{url}?token={admin_token}", origin=app_server.url) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "pong"}
        await get_channel_layer().group_send(
            training_group(project_id),
            {"type": "training.event", "event": "training.progress", "payload": {"job": 7, "progress": {"step": 3}}},
        )
        message = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert message == {"type": "training.progress", "job": 7, "progress": {"step": 3}}

    with pytest.raises(websockets.exceptions.WebSocketException):
        async with websockets.connect(f"{url}?token={annotator_token}", origin=app_server.url) as socket:
            await asyncio.wait_for(socket.recv(), 10)
