"""Thin REST views: the prompt operation for scripts (the WebSocket's twin) and the model registry."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.apis.base import GeoLoopApi
from annotator.models import Role
from annotator.permissions import object_for_user, project_for_user, require_site_admin, scene_for_user
from annotator.selectors.projects import project_get
from core.errors import NotFound
from inference import selectors
from inference.models import Architecture
from inference.serializers import VersionListOutput, VersionOutput
from inference.services import model_version_register
from inference.services.prefetch import area_prefetch
from inference.services.proposals import PromptSession
from inference.services.proposals.candidates import uncertainty_png
from inference.services.proposals.logits import uncertainty_get
from inference.services.proposals.parse import MAX_POINTS, scale_parse

SCALE_HELP = ("Give exactly one of object_size_m, level, map_resolution. ")


class ScaleFields(serializers.Serializer):
    """The scale of a prompt or a prefetch: exactly one of the three (inference.services.proposals.parse)."""

    object_size_m = serializers.FloatField(
        required=False, min_value=0, help_text=SCALE_HELP + "The object's rough side in metres: the window is "
        "chosen so that it spans about three times the object.")
    level = serializers.IntegerField(
        required=False, help_text=SCALE_HELP + "The window level: a window samples 2**level source pixels per "
        "model pixel and covers 1024 * 2**level source pixels a side (from -2 up to the level whose one window "
        "covers the scene; outside that range: 400).")
    map_resolution = serializers.FloatField(
        required=False, min_value=0, help_text=SCALE_HELP + "Ground metres per screen pixel of a map view "
        "(what the browser sends): one window pixel per screen pixel.")


class PromptInput(ScaleFields):
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2), required=False,
        max_length=MAX_POINTS, help_text="[[lon, lat], ...] in EPSG:4326")
    labels = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=1), required=False,
                                   help_text="one per point: 1 object, 0 background")
    box = serializers.ListField(child=serializers.FloatField(), min_length=4, max_length=4, required=False,
                                allow_null=True, help_text="[min lon, min lat, max lon, max lat] (EPSG:4326)")
    previous_proposal_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="the answer this prompt corrects: its low-resolution logits are "
        "fed back when the prompt still fits its window and the same model answers")
    model_version = serializers.IntegerField(required=False, help_text="default: the project's active version")
    label_class = serializers.IntegerField(required=False, allow_null=True, help_text=(
        "the class being drawn: the sizes of its accepted annotations score the candidates (else the project's)"))


class WindowOutput(serializers.Serializer):
    level = serializers.IntegerField()
    col = serializers.IntegerField()
    row = serializers.IntegerField()
    key = serializers.CharField()
    size = serializers.IntegerField(help_text="model pixels a side (1024)")
    scale = serializers.FloatField(help_text="source pixels per model pixel (2**level)")
    bounds_px = serializers.ListField(child=serializers.FloatField(),
                                      help_text="scene pixels [x min, y min, x max, y max] (may pass the edge)")
    bounds = serializers.ListField(child=serializers.FloatField(), allow_null=True,
                                   help_text="[min lon, min lat, max lon, max lat] (EPSG:4326)")
    outline = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2), allow_null=True,
        help_text="the window's four corners [lon, lat]: top left, top right, bottom right, bottom left")


class CandidateOutput(serializers.Serializer):
    index = serializers.IntegerField(help_text="0: the answer; what an accept's `candidate` names")
    token = serializers.IntegerField(help_text="SAM's output token (0 single-mask, 1..3 multimask)")
    quality = serializers.FloatField(help_text="calibrated expected IoU, [0, 1], the answer's calibrator")
    predicted_iou = serializers.FloatField(allow_null=True)
    chosen = serializers.BooleanField()
    geometry = serializers.JSONField(allow_null=True, help_text="simplified GeoJSON MultiPolygon (EPSG:4326); "
                                     "null for the answer (it is the mask's geometry) or an empty candidate")


class MaskOutput(serializers.Serializer):
    type = serializers.CharField()
    proposal_id = serializers.IntegerField()
    geometry = serializers.JSONField(allow_null=True, help_text="GeoJSON MultiPolygon in EPSG:4326")
    predicted_iou = serializers.FloatField()
    quality = serializers.FloatField(allow_null=True)
    model_version = serializers.IntegerField()
    parts = serializers.IntegerField()
    window = WindowOutput()
    candidates = CandidateOutput(many=True)
    used_previous_logits = serializers.BooleanField(
        help_text="whether the previous answer's logits (previous_proposal_id) were fed to the decoder")
    timings = serializers.DictField(child=serializers.JSONField())


class PromptApi(APIView):
    """POST /api/scenes/{id}/prompt/ — body as the WebSocket ``prompt`` message (without ``type``); answers the
    ``mask`` message body. The same :class:`PromptSession` (and parser) as the socket, one prompt long."""

    @extend_schema(request=PromptInput, responses={200: MaskOutput},
                   description="One prompt (points and/or a box) answered with a mask polygon. The scale is one of "
                               "object_size_m, level or map_resolution. 409 while the scene is not ready; 503 when "
                               "no worker encodes windows.")
    def post(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ANNOTATOR)
        _, message = PromptSession(scene_id=scene.pk, user=request.user, scene=scene).prompt(request.data)
        return Response(message)


class PrefetchInput(ScaleFields):
    bbox = serializers.ListField(child=serializers.FloatField(), min_length=4, max_length=4,
                                 help_text="[min x, min y, max x, max y] in bbox_crs")
    bbox_crs = serializers.CharField(required=False, default="EPSG:4326",
                                     help_text='"EPSG:4326" (lon/lat, the default) or the scene\'s `crs`')
    model_version = serializers.IntegerField(required=False, help_text="default: the project's active version")


class PrefetchOutput(serializers.Serializer):
    count = serializers.IntegerField(help_text="windows covering the box")
    windows = serializers.ListField(child=serializers.CharField(),
                                    help_text="their keys (L<level>/c<col>/r<row>/s<size>)")
    level = serializers.IntegerField()
    queued = serializers.IntegerField(help_text="encodes queued now")
    pending = serializers.IntegerField(help_text="already queued by someone else")
    cached = serializers.IntegerField(help_text="already encoded")


class PrefetchApi(APIView):
    """POST /api/scenes/{id}/prefetch/ — queue the encodes of every window covering a box."""

    @extend_schema(request=PrefetchInput, responses={202: PrefetchOutput},
                   description="Queues the encodes of the windows covering bbox at the level the scale asks for; "
                               "202 with their keys. More windows than GEOLOOP_PREFETCH_AREA_MAX (bounded by the "
                               "embedding cache) is a 400 `too_many_windows` naming both counts; nothing is queued.")
    def post(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ANNOTATOR)
        data = PrefetchInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        out = area_prefetch(scene=scene, bbox=v["bbox"], bbox_crs=v["bbox_crs"], scale=scale_parse(request.data),
                            model_version=v.get("model_version"))
        return Response(PrefetchOutput(out).data, status=status.HTTP_202_ACCEPTED)


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


class ProposalUncertaintyApi(GeoLoopApi):
    """GET /api/proposals/{id}/uncertainty.png — the answer's per-pixel uncertainty on its window's low-res grid
    (256 x 256 covering the window's ``outline``, row 0 at its top edge): the larger of the logit margin's and the
    candidates' disagreement's ``1 - |2p - 1|``, drawn as opacity. Kept as long as the answer's logits."""

    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY},
                   description="404 when the proposal is not yours to see or its map has expired (15 minutes).")
    def get(self, request, proposal_id: int):
        proposal = selectors.proposal_get(proposal_id=proposal_id, wait_s=3.0)
        object_for_user(user=request.user, obj=proposal, role=Role.ANNOTATOR, what="proposal")
        u = uncertainty_get(proposal_id)
        if u is None:
            raise NotFound(f"The uncertainty of proposal {proposal_id} is no longer kept; prompt again.")
        return HttpResponse(uncertainty_png(u), content_type="image/png",
                            headers={"Cache-Control": "private, max-age=900"})


urlpatterns = [
    path("scenes/<int:scene_id>/prompt/", PromptApi.as_view(), name="scene-prompt"),
    path("scenes/<int:scene_id>/prefetch/", PrefetchApi.as_view(), name="scene-prefetch"),
    path("proposals/<int:proposal_id>/uncertainty.png", ProposalUncertaintyApi.as_view(),
         name="proposal-uncertainty"),
    path("model-versions/", ModelVersionListApi.as_view(), name="model-version-list"),
]
