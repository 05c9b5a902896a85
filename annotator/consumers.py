"""WebSocket: /ws/scenes/<id>/events/ streams what happens to a scene (ingest progress, annotation changes).

`EventsConsumer` is the read-only event stream other apps' sockets reuse (feedback's training progress)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.urls import path

from annotator.events import scene_group
from annotator.models import Role, Scene
from annotator.permissions import has_role
from core.json_limits import JsonLimitExceeded, json_loads_limited


class EventsConsumer(AsyncJsonWebsocketConsumer):
    """Follows one channel-layer group for a user allowed to listen. Layer messages
    `{"type": "<kind>.event", "event": name, "payload": {...}}` go out as `{"type": name, **payload}`;
    subclasses name the group, decide who may listen, and point their `<kind>_event` handler at `forward`."""

    group: str | None = None

    def group_name(self) -> str:
        raise NotImplementedError

    async def may_listen(self, user) -> bool:
        raise NotImplementedError

    async def connect(self):
        user = self.scope.get("user")
        if not user or not user.is_authenticated or not await self.may_listen(user):
            await self.close(code=4403)
            return
        self.group = self.group_name()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Anything a client sends gets an answer, never an exception: binary frames and text that is not (limited)
        # JSON included.
        try:
            content = None if text_data is None else json_loads_limited(text_data, max_depth=settings.JSON_MAX_DEPTH)
        except (ValueError, JsonLimitExceeded):
            content = None
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "detail": 'This socket only sends events (and answers "ping").'})

    async def forward(self, message):
        await self.send_json({"type": message["event"], **message["payload"]})


@database_sync_to_async
def _may_view(user, scene_id: int) -> bool:
    scene = Scene.objects.select_related("project").filter(pk=scene_id).first()
    return scene is not None and has_role(user=user, project=scene.project, role=Role.ANNOTATOR)


class SceneEventsConsumer(EventsConsumer):
    def group_name(self) -> str:
        return scene_group(self.scope["url_route"]["kwargs"]["scene_id"])

    async def may_listen(self, user) -> bool:
        return await _may_view(user, int(self.scope["url_route"]["kwargs"]["scene_id"]))

    scene_event = EventsConsumer.forward


websocket_urlpatterns = [path("ws/scenes/<int:scene_id>/events/", SceneEventsConsumer.as_asgi())]
