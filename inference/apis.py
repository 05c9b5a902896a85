"""Thin REST views: the prompt operation for scripts (the WebSocket's twin) and the model registry."""

from __future__ import annotations

from django.urls import path
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Project, Role
from annotator.permissions import require_role
from annotator.selectors.scenes import scene_get
from core.errors import ValidationFailed
from inference import selectors
from inference.models import Architecture
from inference.services import as_geoloop_error, mask_message, model_version_register, prompt_input_parse
from inference.services.proposals import proposal_create


class PromptApi(APIView):
    """POST /api/scenes/{id}/prompt/ — body as the WebSocket ``prompt`` message (without ``type``); answers the
    ``mask`` message body."""

    def post(self, request, scene_id: int):
        scene = scene_get(scene_id=scene_id)
        if scene is None:
            raise NotFound("No such scene.")
        require_role(user=request.user, project=scene.project, role=Role.ANNOTATOR)
        try:
            inp = prompt_input_parse(request.data)
            proposal, timings = proposal_create(
                scene=scene, user=request.user, points_lonlat=inp.points, labels=inp.labels, box_lonlat=inp.box,
                map_resolution=inp.map_resolution, previous_proposal_id=inp.previous_proposal_id,
                model_version=inp.model_version_id,
            )
        except Exception as exc:
            err = as_geoloop_error(exc)
            if err is None:
                raise
            raise err from exc
        request_id = request.data.get("request_id") if hasattr(request.data, "get") else None
        return Response(mask_message(proposal, timings, request_id=request_id))


class VersionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    architecture = serializers.CharField()
    state = serializers.CharField()
    project = serializers.IntegerField(source="project_id", allow_null=True)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    checkpoint_sha256 = serializers.CharField()
    encoder_sha256 = serializers.CharField()
    metrics = serializers.JSONField()
    created_at = serializers.DateTimeField()
    promoted_at = serializers.DateTimeField(allow_null=True)


class ModelVersionListApi(APIView):
    """GET /api/model-versions/[?project=<id>] — versions the user can see (with ``in_use`` for a project).
    POST (site staff) — register an admin-supplied SAM checkpoint as a candidate version."""

    class InputSerializer(serializers.Serializer):
        architecture = serializers.ChoiceField(choices=Architecture.values)
        checkpoint_path = serializers.CharField(max_length=1000)
        sha256 = serializers.CharField(max_length=64, required=False, allow_blank=True)
        name = serializers.CharField(max_length=200, required=False, allow_blank=True)
        project = serializers.IntegerField(required=False, allow_null=True)
        parent = serializers.IntegerField(required=False, allow_null=True)

    def get(self, request):
        project = None
        if request.query_params.get("project"):
            raw = request.query_params["project"]
            if not raw.isascii() or not raw.isdigit():
                raise ValidationFailed(f"project must be a project id, got {raw[:40]!r}.")
            project = Project.objects.filter(pk=int(raw)).first()
            if project is None:
                raise NotFound("No such project.")
            require_role(user=request.user, project=project, role=Role.ANNOTATOR)
        versions = selectors.model_version_list(user=request.user, project=project)
        active = selectors.active_model_version(project=project) if project is not None else None
        rows = VersionOutput(versions, many=True).data
        for row in rows:
            row["in_use"] = active is not None and row["id"] == active.id
        return Response(rows)

    def post(self, request):
        if not request.user.is_staff:
            raise PermissionDenied("Only site administrators register model checkpoints.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        project = Project.objects.filter(pk=v["project"]).first() if v.get("project") else None
        parent = selectors.model_version_get(version_id=v["parent"]) if v.get("parent") else None
        mv = model_version_register(arch=v["architecture"], checkpoint_path=v["checkpoint_path"],
                                    sha256=v.get("sha256") or None, name=v.get("name", ""), project=project,
                                    parent=parent, user=request.user)
        return Response(VersionOutput(mv).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("scenes/<int:scene_id>/prompt/", PromptApi.as_view(), name="scene-prompt"),
    path("model-versions/", ModelVersionListApi.as_view(), name="model-version-list"),
]
