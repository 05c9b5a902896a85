"""Composite (multi-sensor) scenes: one scene from several uploaded files; and the bands a scene feeds the model."""

from django.conf import settings
from django.urls import path
from django.utils.module_loading import import_string
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from annotator.apis.base import GeoLoopApi
from annotator.apis.scenes import MULTIPART_SLACK, RecipeFullOutput, SceneOutput, scene_out
from annotator.models import Role, Scene, SceneStatus
from annotator.permissions import project_for_user, role_of, scene_for_user
from annotator.selectors.scenes import scene_model_recipe
from annotator.services import composite as services
from annotator.services.uploads import upload_too_large
from core.errors import NotReady, ValidationFailed


class SceneCompositeApi(GeoLoopApi):
    """Compose one scene from several files (e.g. SAR amplitude and optical bands): each is checked as a single
    upload is; the ingestion reprojects and resamples them onto one grid (the finest source's, or `reference`'s)
    over their common footprint and writes one stacked COG, bands in the files' order, float32."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        files = serializers.ListField(child=serializers.FileField(), min_length=2, max_length=16,
                                      help_text="the source GeoTIFFs, in band order")
        name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
        reference = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0,
                                             help_text="0-based index of the file whose grid (CRS, pixel size) the "
                                                       "stack takes; default: the finest (smallest GSD)")

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses={202: SceneOutput})
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.UPLOAD_MAX_BYTES + MULTIPART_SLACK:  # refuse before reading the body
            raise upload_too_large(settings.UPLOAD_MAX_BYTES)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        body = {"files": files, "name": request.data.get("name", ""), "reference": request.data.get("reference")}
        if body["reference"] in ("", None):
            body["reference"] = None
        data = self.InputSerializer(data=body)
        data.is_valid(raise_exception=True)
        scene = services.scene_create_composite(project=project, uploaded_files=data.validated_data["files"],
                                                name=data.validated_data["name"],
                                                reference=data.validated_data["reference"], user=request.user)
        return Response(scene_out(scene), status=status.HTTP_202_ACCEPTED)


class ModelBandsInput(serializers.Serializer):
    """The bands the model sees: one (repeated as grey) or three, with optional min/max (else 2-98 percentiles)."""

    bands = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=3)
    min = serializers.ListField(child=serializers.FloatField(), min_length=1, max_length=3, required=False)
    max = serializers.ListField(child=serializers.FloatField(), min_length=1, max_length=3, required=False)


class ModelBandsPatch(serializers.Serializer):
    model_bands = ModelBandsInput(allow_null=True, help_text="null: follow the render recipe")


class ModelBandsOutput(serializers.Serializer):
    model_bands = RecipeFullOutput(allow_null=True, help_text="null: the model sees the render recipe")
    effective = RecipeFullOutput(help_text="what the model sees now (model bands, else the render recipe)")
    band_count = serializers.IntegerField()
    band_descriptions = serializers.ListField(child=serializers.CharField(allow_blank=True))
    can_edit = serializers.BooleanField()


def _descriptions(scene: Scene) -> list[str]:
    from annotator.imagery.guard import NO_SIZE_LIMITS, raster_open
    from annotator.selectors.scenes import scene_cog_file, scene_cog_reading

    try:
        with scene_cog_reading(), raster_open(scene_cog_file(scene), limits=NO_SIZE_LIMITS) as dataset:
            return [d or "" for d in dataset.descriptions][: scene.band_count]
    except Exception:  # noqa: BLE001 - the names are a courtesy; the numbers are the truth
        return [""] * scene.band_count


class SceneModelBandsApi(GeoLoopApi):
    """The bands (and their stretch) that feed the model, apart from the render recipe. Embeddings are keyed by what
    the model sees, so a change is never answered from embeddings of other bands."""

    parser_classes = [import_string(path) for path in settings.GEOLOOP_JSON_PARSER_CLASSES]
    error_statuses = {409}  # the scene is not ready

    def _out(self, scene: Scene, user) -> dict:
        return {"model_bands": scene.model_bands or None, "effective": scene_model_recipe(scene),
                "band_count": scene.band_count, "band_descriptions": _descriptions(scene),
                "can_edit": role_of(user=user, project=scene.project) == Role.ADMIN}

    @extend_schema(responses=ModelBandsOutput)
    def get(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ANNOTATOR)
        if scene.status != SceneStatus.READY:
            raise NotReady("The scene is not ready yet.")
        return Response(self._out(scene, request.user))

    @extend_schema(request=ModelBandsPatch, responses=ModelBandsOutput)
    def patch(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ADMIN)
        if not isinstance(request.data, dict) or "model_bands" not in request.data:
            raise ValidationFailed("Send {\"model_bands\": {\"bands\": [...]}} or {\"model_bands\": null}.")
        data = ModelBandsPatch(data=request.data)
        data.is_valid(raise_exception=True)
        raw = request.data["model_bands"]
        scene = services.scene_update_model_bands(scene=scene, model_bands=dict(raw) if raw else None,
                                                  user=request.user)
        return Response(self._out(scene, request.user))


urlpatterns = [
    path("projects/<int:project_id>/scenes/composite/", SceneCompositeApi.as_view(), name="scene-composite"),
    path("scenes/<int:scene_id>/model-bands/", SceneModelBandsApi.as_view(), name="scene-model-bands"),
]
