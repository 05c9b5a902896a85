"""WebSocket: /ws/projects/<id>/training/ streams a project's training-job events (admins of the project)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.urls import path

from annotator.models import Project, Role
from annotator.permissions import has_role
from feedback.services.jobs import training_group


@database_sync_to_async
def _may_view(user, project_id: int) -> bool:
    project = Project.objects.filter(pk=project_id).first()
    return project is not None and has_role(user=user, project=project, role=Role.ADMIN)


class TrainingEventsConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.project_id = int(self.scope["url_route"]["kwargs"]["project_id"])
        user = self.scope.get("user")
        if not user or not user.is_authenticated or not await _may_view(user, self.project_id):
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(training_group(self.project_id), self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(training_group(self.project_id), self.channel_name)

    async def receive_json(self, content, **kwargs):
        await self.send_json({"type": "pong"} if isinstance(content, dict) and content.get("type") == "ping"
                             else {"type": "error", "detail": 'This socket only sends events (and answers "ping").'})

    async def training_event(self, message):
        await self.send_json({"type": message["event"], **message["payload"]})


websocket_urlpatterns = [path("ws/projects/<int:project_id>/training/", TrainingEventsConsumer.as_asgi())]
