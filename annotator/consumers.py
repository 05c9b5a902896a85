"""WebSocket: /ws/scenes/<id>/events/ streams what happens to a scene (ingest progress, annotation changes)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.urls import path

from annotator.events import scene_group
from annotator.models import Role, Scene
from annotator.permissions import has_role


@database_sync_to_async
def _may_view(user, scene_id: int) -> bool:
    scene = Scene.objects.select_related("project").filter(pk=scene_id).first()
    return scene is not None and has_role(user=user, project=scene.project, role=Role.ANNOTATOR)


class SceneEventsConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.scene_id = int(self.scope["url_route"]["kwargs"]["scene_id"])
        user = self.scope.get("user")
        if not user or not user.is_authenticated or not await _may_view(user, self.scene_id):
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(scene_group(self.scene_id), self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(scene_group(self.scene_id), self.channel_name)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "detail": 'This socket only sends events (and answers "ping").'})

    async def scene_event(self, message):
        await self.send_json({"type": message["event"], **message["payload"]})


websocket_urlpatterns = [path("ws/scenes/<int:scene_id>/events/", SceneEventsConsumer.as_asgi())]
