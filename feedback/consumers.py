"""WebSocket: /ws/projects/<id>/training/ streams a project's training-job events (admins of the project)."""

from django.urls import path

from annotator.consumers import EventsConsumer
from annotator.models import Role
from annotator.permissions import project_for_user
from feedback.services.jobs import training_group


class TrainingEventsConsumer(EventsConsumer):
    def group_name(self) -> str:
        return training_group(self.scope["url_route"]["kwargs"]["project_id"])

    def access_check(self, user) -> None:
        project_for_user(user=user, project_id=int(self.scope["url_route"]["kwargs"]["project_id"]), role=Role.ADMIN)

    training_event = EventsConsumer.forward


websocket_urlpatterns = [path("ws/projects/<int:project_id>/training/", TrainingEventsConsumer.as_asgi())]
