"""Thin REST views: the prompt operation for scripts (the WebSocket's twin) and the model registry."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Role
from annotator.permissions import project_for_user, require_site_admin, scene_for_user
from annotator.selectors.projects import project_get
from inference import selectors
from inference.models import Architecture
from inference.serializers import VersionListOutput, VersionOutput
from inference.services import model_version_register
from inference.services.proposals import PromptSession


class PromptApi(APIView):
    """POST /api/scenes/{id}/prompt/ — body as the WebSocket ``prompt`` message (without ``type``); answers the
    ``mask`` message body. The same :class:`PromptSession` as the socket, one prompt long."""

    def post(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ANNOTATOR)
        _, message = PromptSession(scene_id=scene.pk, user=request.user, scene=scene).prompt(request.data)
        return Response(message)


class ModelVersionListApi(APIView):
    """GET /api/model-versions/[?project=<id>] — versions the user can see (with ``in_use`` for a project).
    POST (site staff) — register an admin-supplied SAM checkpoint as a candidate version."""

    error_statuses = {404}  # ?project= names no project the user can see

    class InputSerializer(serializers.Serializer):
        architecture = serializers.ChoiceField(choices=Architecture.values)
        checkpoint_path = serializers.CharField(max_length=1000)
        sha256 = serializers.CharField(max_length=64, required=False, allow_blank=True)
        name = serializers.CharField(max_length=200, required=False, allow_blank=True)
        project = serializers.IntegerField(required=False, allow_null=True)
        parent = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(parameters=[OpenApiParameter("project", int, description="with `in_use` for this project")],
                   responses=VersionListOutput(many=True))
    def get(self, request):
        project = None
        if request.query_params.get("project"):
            project = project_for_user(user=request.user, project_id=request.query_params["project"],
                                       role=Role.ANNOTATOR)
        versions = selectors.model_version_list(user=request.user, project=project)
        active = selectors.active_model_version(project=project) if project is not None else None
        rows = VersionOutput(versions, many=True).data
        for row in rows:
            row["in_use"] = active is not None and row["id"] == active.id
        return Response(rows)

    @extend_schema(request=InputSerializer, responses={201: VersionOutput})
    def post(self, request):
        require_site_admin(user=request.user, action="register model checkpoints")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        project = project_get(project_id=v["project"]) if v.get("project") else None
        parent = selectors.model_version_get(version_id=v["parent"]) if v.get("parent") else None
        mv = model_version_register(arch=v["architecture"], checkpoint_path=v["checkpoint_path"],
                                    sha256=v.get("sha256") or None, name=v.get("name", ""), project=project,
                                    parent=parent, user=request.user)
        return Response(VersionOutput(mv).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("scenes/<int:scene_id>/prompt/", PromptApi.as_view(), name="scene-prompt"),
    path("model-versions/", ModelVersionListApi.as_view(), name="model-version-list"),
]
