"""WebSocket: /ws/scenes/<id>/events/ streams what happens to a scene (ingest progress, annotation changes).

`EventsConsumer` is the read-only event stream other apps' sockets reuse (feedback's training progress). Who may
listen is decided by the same lookups as the REST views (`annotator.permissions`): a refused socket is closed before
it opens, 4404 when the record does not exist, 4403 for an anonymous user or one without the role."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.urls import path

from annotator.events import scene_group
from annotator.models import Role
from annotator.permissions import scene_for_user, socket_refusal
from core.json_limits import JsonLimitExceeded, json_loads_limited


class EventsConsumer(AsyncJsonWebsocketConsumer):
    """Follows one channel-layer group for a user allowed to listen. Layer messages
    `{"type": "<kind>.event", "event": name, "payload": {...}}` go out as `{"type": name, **payload}`;
    subclasses name the group, say who may listen (`access_check`: one of the `annotator.permissions` lookups,
    raising NotFound or PermissionDenied) and point their `<kind>_event` handler at `forward`."""

    group: str | None = None

    def group_name(self) -> str:
        raise NotImplementedError

    def access_check(self, user) -> None:
        """Raise core.errors.NotFound / PermissionDenied unless `user` may listen (runs on Django's thread)."""
        raise NotImplementedError

    async def connect(self):
        user = self.scope.get("user")
        refusal = await database_sync_to_async(socket_refusal)(user=user, check=lambda: self.access_check(user))
        if refusal is not None:
            await self.close(code=refusal)
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


class SceneEventsConsumer(EventsConsumer):
    def group_name(self) -> str:
        return scene_group(self.scope["url_route"]["kwargs"]["scene_id"])

    def access_check(self, user) -> None:
        scene_for_user(user=user, scene_id=int(self.scope["url_route"]["kwargs"]["scene_id"]), role=Role.ANNOTATOR)

    scene_event = EventsConsumer.forward


websocket_urlpatterns = [path("ws/scenes/<int:scene_id>/events/", SceneEventsConsumer.as_asgi())]
