"""Scenes: list, upload, register from the imagery folder, read, edit; and their Web Mercator tiles.

Tiles answer fast: one primary-key query for the scene (then cached a moment per process), the user and their role
cached a few seconds (settings.GEOLOOP_CACHED_AUTHENTICATION, annotator.permissions.require_role_cached), an ETag from
checksum + recipe + z/x/y checked before any pixel is read, and rio-tiler Readers kept open in one process-wide pool.
"""

import json
import re

from django.conf import settings
from django.http import HttpResponse
from django.urls import path, re_path
from django.utils.module_loading import import_string
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from annotator.apis.base import GeoLoopApi, etag_matches
from annotator.imagery import ImageryError, InvalidTile, TileOutsideBounds
from annotator.imagery.recipe import (
    COLORMAPS,
    HISTOGRAM_BINS,
    SCALES,
    band_colorinterp,
    band_histogram,
    recipe_merge,
    recipe_presets,
)
from annotator.imagery.tiles import MEDIA_TYPES, render_preview, render_tile, tile_check, zoom_range
from annotator.models import Role, Scene, SceneStatus
from annotator.permissions import project_for_user, require_role_cached, role_of, scene_for_user
from annotator.selectors.scenes import scene_cog_file, scene_list, scene_tile_source
from annotator.serializers import PolygonOutput
from annotator.services import scenes as services
from annotator.services.uploads import upload_too_large
from core.errors import NotFound, NotReady, ValidationFailed

TILES_URL = "/api/scenes/{id}/tiles/{{z}}/{{x}}/{{y}}.png"
TILE_CACHE_CONTROL = "private, no-cache"  # always revalidate: the ETag changes when the render recipe does
MULTIPART_SLACK = 64 * 1024


def _bounds(scene: Scene) -> list[float] | None:
    if scene.footprint is None:
        return None
    return [round(v, 9) for v in scene.footprint.extent]


def _nodata(value):
    return None if value is None or value != value else value  # NaN is not JSON


def scene_grid(scene: Scene) -> dict | None:
    """The scene's pixel grid, enough to rasterise an answer without the source file (see GridOutput)."""
    if not scene.transform or len(scene.transform) != 6:
        return None
    c, a, b, f, d, e = (float(v) for v in scene.transform)
    return {"crs": scene.crs, "width": scene.width, "height": scene.height, "transform": [c, a, b, f, d, e],
            "affine": [a, b, c, d, e, f], "band_count": scene.band_count,
            "dtypes": [scene.dtype] * scene.band_count, "nodata": _nodata(scene.nodata),
            "pixel_origin": "corner"}


class GridOutput(serializers.Serializer):
    """The scene's pixel grid (of the stored COG, which keeps the source's grid)."""

    crs = serializers.CharField(help_text='"EPSG:<code>" when the CRS has one, else its WKT')
    width = serializers.IntegerField(help_text="columns")
    height = serializers.IntegerField(help_text="rows")
    transform = serializers.ListField(
        child=serializers.FloatField(), min_length=6, max_length=6,
        help_text="GDAL geotransform (c, a, b, f, d, e): x = c + a*col + b*row, y = f + d*col + e*row, with (col, "
                  "row) the pixel's top-left corner (col + 0.5, row + 0.5 is its centre)")
    affine = serializers.ListField(
        child=serializers.FloatField(), min_length=6, max_length=6,
        help_text="the same transform in rasterio/affine order (a, b, c, d, e, f): Affine(*affine)")
    band_count = serializers.IntegerField()
    dtypes = serializers.ListField(child=serializers.CharField(), help_text="numpy dtype of each band")
    nodata = serializers.FloatField(allow_null=True)
    pixel_origin = serializers.CharField(help_text='"corner": the transform places pixel corners (GDAL, rasterio)')


def scene_out(scene: Scene) -> dict:
    """The scene JSON the front end relies on."""
    minzoom, maxzoom = zoom_range(scene.crs, tuple(scene.transform or ()), scene.width, scene.height)
    return {
        "id": scene.id,
        "name": scene.name,
        "status": scene.status,
        "status_reason": scene.status_reason,
        "progress": scene.progress,
        "width": scene.width,
        "height": scene.height,
        "band_count": scene.band_count,
        "dtype": scene.dtype,
        "crs": scene.crs,
        "gsd": scene.gsd,
        "nodata": _nodata(scene.nodata),
        "bounds": _bounds(scene),
        "footprint": {"type": "Polygon", "coordinates": scene.footprint.coords} if scene.footprint else None,
        "grid": scene_grid(scene),
        "render_recipe": scene.render_recipe,
        "model_bands": scene.model_bands or None,
        "sources": [item.get("name", "") for item in scene.sources or []],
        "tiles_url": TILES_URL.format(id=scene.id),
        "minzoom": minzoom,
        "maxzoom": maxzoom,
    }


class RecipeSerializer(serializers.Serializer):
    """A render recipe or a partial edit of one (annotator.imagery.recipe checks it against the scene)."""

    bands = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=3, required=False)
    min = serializers.ListField(child=serializers.FloatField(), min_length=1, max_length=3, required=False)
    max = serializers.ListField(child=serializers.FloatField(), min_length=1, max_length=3, required=False)
    gamma = serializers.ListField(child=serializers.FloatField(), min_length=1, max_length=3, required=False,
                                  allow_null=True, help_text="per band, 0.1..10; above 1 brightens")
    colormap = serializers.ChoiceField(choices=list(COLORMAPS), required=False, allow_null=True,
                                       help_text="one band only")
    scale = serializers.ChoiceField(choices=list(SCALES), required=False,
                                    help_text="db: values shown as 10*log10(value) (SAR intensity)")


class SceneOutput(serializers.Serializer):
    """A scene as every scene API answers it (``scene_out``)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=SceneStatus.choices)
    status_reason = serializers.CharField(allow_blank=True)
    progress = serializers.FloatField(help_text="ingestion progress, 0..1")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    band_count = serializers.IntegerField()
    dtype = serializers.CharField(allow_blank=True)
    crs = serializers.CharField(allow_blank=True)
    gsd = serializers.FloatField(allow_null=True, help_text="metres per pixel")
    nodata = serializers.FloatField(allow_null=True)
    bounds = serializers.ListField(child=serializers.FloatField(), min_length=4, max_length=4, allow_null=True,
                                   help_text="[minLon, minLat, maxLon, maxLat] in EPSG:4326")
    footprint = PolygonOutput(allow_null=True)
    grid = GridOutput(allow_null=True, help_text="null until the scene is ingested")
    render_recipe = RecipeSerializer(help_text="empty until ingestion has chosen one")
    model_bands = RecipeSerializer(allow_null=True, help_text="the bands (and stretch) the model sees; null: the "
                                   "render recipe's (PATCH /api/scenes/{id}/model-bands/)")
    sources = serializers.ListField(child=serializers.CharField(), help_text="a composite scene's source files, in "
                                    "band order; empty for a single-file scene")
    tiles_url = serializers.CharField(help_text="an XYZ template: /api/scenes/{id}/tiles/{z}/{x}/{y}.png")
    minzoom = serializers.IntegerField()
    maxzoom = serializers.IntegerField()


class SceneListApi(GeoLoopApi):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)

    @extend_schema(responses=SceneOutput(many=True))
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id)
        return Response([scene_out(scene) for scene in scene_list(project=project)])

    @extend_schema(request=InputSerializer, responses={202: SceneOutput})
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.UPLOAD_MAX_BYTES + MULTIPART_SLACK:  # refuse before reading the body
            raise upload_too_large(settings.UPLOAD_MAX_BYTES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scene = services.scene_create_from_upload(project=project, uploaded_file=data.validated_data["file"],
                                                  name=data.validated_data["name"], user=request.user)
        return Response(scene_out(scene), status=status.HTTP_202_ACCEPTED)


class SceneRegisterApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        path = serializers.CharField(max_length=1000)
        name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses={202: SceneOutput})
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scene = services.scene_create_from_path(project=project, user=request.user, **data.validated_data)
        return Response(scene_out(scene), status=status.HTTP_202_ACCEPTED)


class SceneDetailApi(GeoLoopApi):
    parser_classes = [import_string(path) for path in settings.GEOLOOP_JSON_PARSER_CLASSES]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        render_recipe = serializers.DictField(required=False)

    @extend_schema(responses=SceneOutput)
    def get(self, request, scene_id: int):
        return Response(scene_out(scene_for_user(user=request.user, scene_id=scene_id, role=Role.ANNOTATOR)))

    @extend_schema(request=InputSerializer, responses=SceneOutput)
    def patch(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        scene = services.scene_update(scene=scene, user=request.user, **data.validated_data)
        return Response(scene_out(scene))


class RecipeFullOutput(RecipeSerializer):
    """A scene's render recipe as it stands: bands, and the min/max each is stretched over, always there."""

    bands = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=3)
    min = serializers.ListField(child=serializers.FloatField(), min_length=1, max_length=3)
    max = serializers.ListField(child=serializers.FloatField(), min_length=1, max_length=3)


class PresetOutput(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    changes = RecipeSerializer()


class RecipeOutput(serializers.Serializer):
    recipe = RecipeFullOutput()
    presets = PresetOutput(many=True)
    colormaps = serializers.ListField(child=serializers.CharField())
    band_count = serializers.IntegerField()
    dtype = serializers.CharField()
    radiometry = serializers.CharField()
    can_edit = serializers.BooleanField()


class HistogramOutput(serializers.Serializer):
    band = serializers.IntegerField()
    scale = serializers.CharField()
    edges = serializers.ListField(child=serializers.FloatField())
    counts = serializers.ListField(child=serializers.IntegerField())
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    p2 = serializers.FloatField(allow_null=True)
    p98 = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField()


def _ready(scene: Scene) -> None:
    if scene.status != SceneStatus.READY:
        raise NotReady("The scene is not ready yet.")


def _recipe_body(request) -> dict:
    """The recipe edit as sent, once its shape is checked (the imagery rules check the rest and name unknown
    keys rather than dropping them)."""
    if not isinstance(request.data, dict):
        raise ValidationFailed("A render recipe is an object with bands, min, max, gamma, colormap, scale.")
    RecipeSerializer(data=request.data, partial=True).is_valid(raise_exception=True)
    return dict(request.data)


def _colorinterp(scene: Scene) -> list[str]:
    return band_colorinterp(scene_cog_file(scene))


class SceneRecipeApi(GeoLoopApi):
    """The scene's render recipe, the presets that fit it, and (admin) edits, audited; tiles and embedding keys
    follow the recipe's hash, so an edit invalidates both."""

    parser_classes = [import_string(path) for path in settings.GEOLOOP_JSON_PARSER_CLASSES]
    error_statuses = {409}  # the scene is not ready

    def _out(self, scene: Scene, user) -> dict:
        return {"recipe": scene.render_recipe, "presets": recipe_presets(
                    band_count=scene.band_count, dtype=scene.dtype, radiometry=scene.radiometry,
                    colorinterp=_colorinterp(scene)),
                "colormaps": list(COLORMAPS), "band_count": scene.band_count, "dtype": scene.dtype,
                "radiometry": scene.radiometry,
                "can_edit": role_of(user=user, project=scene.project) == Role.ADMIN}

    @extend_schema(responses=RecipeOutput)
    def get(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ANNOTATOR)
        _ready(scene)
        return Response(self._out(scene, request.user))

    @extend_schema(request=RecipeSerializer, responses=RecipeOutput,
                   description="A partial edit: new bands (or a new scale) without min/max get their 2-98 "
                               "percentiles; null removes gamma or colormap.")
    def patch(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ADMIN)
        scene = services.scene_update_recipe(scene=scene, recipe=_recipe_body(request), user=request.user)
        return Response(self._out(scene, request.user))


class SceneRecipePreviewApi(GeoLoopApi):
    """The whole scene drawn with a draft recipe (not saved): what the editor shows while a recipe is edited."""

    content_negotiation_class = None  # set below: image answers, JSON errors
    error_statuses = {409}  # the scene is not ready

    @extend_schema(parameters=[OpenApiParameter("recipe", str, description="JSON of a partial recipe edit"),
                               OpenApiParameter("size", int, description="longest side, 16..1024 (512)")],
                   responses={(200, "image/png"): OpenApiTypes.BINARY})
    def get(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ANNOTATOR)
        _ready(scene)
        raw = request.query_params.get("recipe") or "{}"
        try:
            changes = json.loads(raw)
        except ValueError as exc:
            raise ValidationFailed("`recipe` must be JSON.") from exc
        try:
            size = int(request.query_params.get("size") or 512)
            recipe = recipe_merge(scene_cog_file(scene), current=scene.render_recipe, changes=changes,
                                  band_count=scene.band_count)
            body = render_preview(scene_cog_file(scene), recipe, max_size=size)
        except ValueError as exc:
            raise ValidationFailed("`size` must be a whole number.") from exc
        except ImageryError as exc:
            raise ValidationFailed(str(exc), extra={"reason": exc.code}) from exc
        return HttpResponse(body, content_type="image/png", headers={"Cache-Control": "private, max-age=60"})


class SceneHistogramApi(GeoLoopApi):
    error_statuses = {409}  # the scene is not ready

    @extend_schema(parameters=[OpenApiParameter("band", int, required=True),
                               OpenApiParameter("scale", str, enum=list(SCALES)),
                               OpenApiParameter("bins", int, description="4..256 (64)")],
                   responses=HistogramOutput)
    def get(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ANNOTATOR)
        _ready(scene)
        try:
            band = int(request.query_params.get("band") or 1)
            bins = int(request.query_params.get("bins") or HISTOGRAM_BINS)
        except ValueError as exc:
            raise ValidationFailed("`band` and `bins` are whole numbers.") from exc
        try:
            histogram = band_histogram(scene_cog_file(scene), band=band, band_count=scene.band_count, bins=bins,
                                       scale=request.query_params.get("scale") or "linear")
        except ImageryError as exc:
            raise ValidationFailed(str(exc), extra={"reason": exc.code}) from exc
        return Response(histogram)


class _AnyAccept(DefaultContentNegotiation):
    """Tiles are images; an `Accept: image/png` client must still get a JSON error body, not 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Exception:  # noqa: BLE001 - NotAcceptable: fall back to the first renderer
            return renderers[0], renderers[0].media_type


_INT = re.compile(r"^(0|[1-9][0-9]{0,9})$")
_LAST = re.compile(r"^(0|[1-9][0-9]{0,9})\.(png|webp)$")


class SceneTileApi(GeoLoopApi):
    # token first, so an anonymous call gets 401
    authentication_classes = [import_string(path) for path in settings.GEOLOOP_CACHED_AUTHENTICATION]
    content_negotiation_class = _AnyAccept
    error_statuses = {409}  # the scene is not ready

    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY, (200, "image/webp"): OpenApiTypes.BINARY,
                              304: OpenApiResponse(description="unchanged since the ETag in If-None-Match")},
                   description="y is the row and the format: `{y}.png` or `{y}.webp`.")
    def get(self, request, scene_id: int, z: str, x: str, y: str):
        last = _LAST.match(y)
        if not (_INT.match(z) and _INT.match(x) and last):
            raise ValidationFailed("Malformed tile address: use /tiles/{z}/{x}/{y}.png or .webp with whole numbers.")
        tz, tx, ty, fmt = int(z), int(x), int(last.group(1)), last.group(2)
        try:
            tile_check(tz, tx, ty, fmt)
        except InvalidTile as exc:
            raise ValidationFailed(str(exc)) from exc
        source = scene_tile_source(scene_id=int(scene_id))
        if source is None:
            raise NotFound("No such scene.")
        require_role_cached(user=request.user, project_id=source.project_id, role=Role.ANNOTATOR)
        if source.status != SceneStatus.READY:
            raise NotReady("The scene is not ready yet.")
        etag = f'"{source.version}-{tz}-{tx}-{ty}-{fmt}"'
        headers = {"ETag": etag, "Cache-Control": TILE_CACHE_CONTROL, "Vary": "Cookie, Authorization"}
        if etag_matches(request, etag):
            return HttpResponse(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        try:
            body = render_tile(source.cog_file, tz, tx, ty, source.recipe, fmt)
        except TileOutsideBounds as exc:
            raise NotFound(str(exc)) from exc
        return HttpResponse(body, content_type=MEDIA_TYPES[fmt], headers=headers)


SceneRecipePreviewApi.content_negotiation_class = _AnyAccept

urlpatterns = [
    path("projects/<int:project_id>/scenes/", SceneListApi.as_view(), name="scene-list"),
    path("projects/<int:project_id>/scenes/register/", SceneRegisterApi.as_view(), name="scene-register"),
    path("scenes/<int:scene_id>/", SceneDetailApi.as_view(), name="scene-detail"),
    path("scenes/<int:scene_id>/recipe/", SceneRecipeApi.as_view(), name="scene-recipe"),
    path("scenes/<int:scene_id>/recipe/preview.png", SceneRecipePreviewApi.as_view(), name="scene-recipe-preview"),
    path("scenes/<int:scene_id>/histogram/", SceneHistogramApi.as_view(), name="scene-histogram"),
    re_path(r"^scenes/(?P<scene_id>[0-9]+)/tiles/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)$", SceneTileApi.as_view(),
            name="scene-tile"),
]
