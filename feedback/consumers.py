"""WebSocket: /ws/projects/<id>/training/ streams a project's training-job events (admins of the project)."""

from channels.db import database_sync_to_async
from django.urls import path

from annotator.consumers import EventsConsumer
from annotator.models import Role
from annotator.permissions import has_role
from annotator.selectors.projects import project_get
from feedback.services.jobs import training_group


@database_sync_to_async
def _may_view(user, project_id: int) -> bool:
    project = project_get(project_id=project_id)
    return project is not None and has_role(user=user, project=project, role=Role.ADMIN)


class TrainingEventsConsumer(EventsConsumer):
    def group_name(self) -> str:
        return training_group(self.scope["url_route"]["kwargs"]["project_id"])

    async def may_listen(self, user) -> bool:
        return await _may_view(user, int(self.scope["url_route"]["kwargs"]["project_id"]))

    training_event = EventsConsumer.forward


websocket_urlpatterns = [path("ws/projects/<int:project_id>/training/", TrainingEventsConsumer.as_asgi())]
