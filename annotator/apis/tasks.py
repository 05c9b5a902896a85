"""Tasks: admins cut scenes into tasks; annotators lease the next one, keep it alive, submit it."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from annotator.apis.annotations import GeometryField
from annotator.apis.base import GeoLoopApi
from annotator.models import Role, TaskStatus
from annotator.permissions import project_for_user, scene_for_user, task_for_user
from annotator.selectors.annotations import geojson_of
from annotator.selectors.tasks import task_list
from annotator.serializers import PolygonOutput
from annotator.services import tasks as services
from core.errors import ValidationFailed


def task_out(task) -> dict:
    return {
        "id": task.id,
        "project": task.project_id,
        "scene": task.scene_id,
        "area": geojson_of(task.area),
        "status": task.status,
        "assignee": task.assignee_id,
        "lease_holder": task.lease_holder_id,
        "lease_expires_at": task.lease_expires_at.isoformat() if task.lease_expires_at else None,
        "heartbeat_at": task.heartbeat_at.isoformat() if task.heartbeat_at else None,
        "annotation_count": getattr(task, "annotation_count", None),
    }


class TaskOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField()
    scene = serializers.IntegerField()
    area = PolygonOutput()
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    assignee = serializers.IntegerField(allow_null=True)
    lease_holder = serializers.IntegerField(allow_null=True)
    lease_expires_at = serializers.DateTimeField(allow_null=True)
    heartbeat_at = serializers.DateTimeField(allow_null=True)
    annotation_count = serializers.IntegerField(allow_null=True, help_text="in lists only")


class TaskGridOutput(serializers.Serializer):
    count = serializers.IntegerField()
    tasks = TaskOutput(many=True)


class SceneTaskGridApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        cell_size_m = serializers.FloatField()
        assignees = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)

    @extend_schema(request=InputSerializer, responses={201: TaskGridOutput})
    def post(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tasks = services.task_grid_create(scene=scene, user=request.user, **data.validated_data)
        return Response({"count": len(tasks), "tasks": [task_out(t) for t in tasks]}, status=status.HTTP_201_CREATED)


class SceneTaskCreateApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        area = GeometryField()
        assignee = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses={201: TaskOutput})
    def post(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_create(scene=scene, user=request.user, area=data.validated_data["area"],
                                    assignee_id=data.validated_data.get("assignee"))
        return Response(task_out(task), status=status.HTTP_201_CREATED)


class ProjectTaskListApi(GeoLoopApi):
    @extend_schema(parameters=[OpenApiParameter("scene", int), OpenApiParameter("status", str, enum=TaskStatus.values),
                               OpenApiParameter("mine", str, enum=["1"], description="1: the user's tasks only")],
                   responses=TaskOutput(many=True))
    def get(self, request, project_id: int):
        """?scene=&status=&mine=1"""
        project = project_for_user(user=request.user, project_id=project_id)
        params = request.query_params
        task_status = params.get("status") or None
        if task_status and task_status not in TaskStatus.values:
            raise ValidationFailed(f"Unknown status {task_status!r}.")
        try:
            scene_id = int(params["scene"]) if params.get("scene") else None
        except ValueError as exc:
            raise ValidationFailed("scene must be an id.") from exc
        tasks = task_list(project=project, scene_id=scene_id, status=task_status,
                          assignee_id=request.user.id if params.get("mine") == "1" else None)
        return Response([task_out(t) for t in tasks])


class ProjectTaskNextApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        scene = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer,
                   responses={200: TaskOutput, 204: OpenApiResponse(description="no task is free")})
    def post(self, request, project_id: int):
        """200 with the leased task, or 204 when no task is free."""
        project = project_for_user(user=request.user, project_id=project_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_next(project=project, user=request.user, scene_id=data.validated_data.get("scene"))
        if task is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(task_out(task))


class TaskHeartbeatApi(GeoLoopApi):
    @extend_schema(request=None, responses=TaskOutput)
    def post(self, request, task_id: int):
        task = task_for_user(user=request.user, task_id=task_id, role=Role.ANNOTATOR)
        return Response(task_out(services.task_heartbeat(task=task, user=request.user)))


class TaskSubmitApi(GeoLoopApi):
    @extend_schema(request=None, responses=TaskOutput)
    def post(self, request, task_id: int):
        task = task_for_user(user=request.user, task_id=task_id, role=Role.ANNOTATOR)
        return Response(task_out(services.task_submit(task=task, user=request.user)))


urlpatterns = [
    path("scenes/<int:scene_id>/tasks/", SceneTaskCreateApi.as_view(), name="scene-task-create"),
    path("scenes/<int:scene_id>/tasks/grid/", SceneTaskGridApi.as_view(), name="scene-task-grid"),
    path("projects/<int:project_id>/tasks/", ProjectTaskListApi.as_view(), name="project-tasks"),
    path("projects/<int:project_id>/tasks/next/", ProjectTaskNextApi.as_view(), name="project-task-next"),
    path("tasks/<int:task_id>/heartbeat/", TaskHeartbeatApi.as_view(), name="task-heartbeat"),
    path("tasks/<int:task_id>/submit/", TaskSubmitApi.as_view(), name="task-submit"),
]
