"""Annotations: create/list by scene, read/edit/delete one (with the version last seen), history, restore,
and the scene's annotations as Mapbox vector tiles."""

import json

from django.http import HttpResponse, HttpResponseNotModified
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from annotator import vector_tiles
from annotator.apis.base import GeoLoopApi, etag_matches
from annotator.models import Annotation, AnnotationKind, AnnotationStatus
from annotator.permissions import annotation_edit_refusal, annotation_for_user, scene_for_user
from annotator.selectors.annotations import (
    LIST_DEFAULT_LIMIT,
    LIST_MAX_LIMIT,
    annotation_feature,
    annotation_history,
    annotation_list_json,
    geojson_of,
    label_class_out,
    parse_bbox,
)
from annotator.selectors.tasks import task_get
from annotator.serializers import EditableFeatureOutput, EditedFeatureOutput, FeaturePageOutput, RevisionOutput
from annotator.services import annotations as services
from core.errors import ValidationFailed


class GeometryField(serializers.JSONField):
    """A GeoJSON geometry object (checked and repaired by the service)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict) or "type" not in value:
            raise serializers.ValidationError("Expected a GeoJSON geometry object.")
        return value


KIND_HELP = ("polygon (Polygon/MultiPolygon), box (a 4-corner Polygon axis-aligned in the scene's CRS), rotated_box "
             "(a 4-corner rectangle), point (Point) or line (LineString); the stored geometry is the footprint")
WIDTH_HELP = "a line's width in metres (> 0); default 3 scene pixels' ground size; lines only"

PARAM_MAX = 2**31 - 1


def _int_param(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValidationFailed(f"{name} must be an integer.") from exc
    if value < 0:
        raise ValidationFailed(f"{name} must not be negative.")
    if value > PARAM_MAX:
        raise ValidationFailed(f"{name} must be at most {PARAM_MAX}.")
    return value


def annotation_out(annotation: Annotation, *, user) -> dict:
    """One annotation as a Feature, with whether `user` may change it (`can_edit`) and if not, why
    (`edit_refusal`): the rule of `annotator.permissions.annotation_edit_refusal`, so clients offer no edit that
    would be refused."""
    feature = annotation_feature(annotation)
    refusal = annotation_edit_refusal(user=user, annotation=annotation)
    feature["properties"].update(can_edit=refusal is None, edit_refusal=refusal)
    return feature


class SceneAnnotationListApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        geometry = GeometryField()
        label_class = serializers.IntegerField(required=False, allow_null=True)
        status = serializers.ChoiceField(choices=[AnnotationStatus.DRAFT, AnnotationStatus.ACCEPTED],
                                         required=False, default=AnnotationStatus.ACCEPTED)
        task = serializers.IntegerField(required=False, allow_null=True)
        attributes = serializers.DictField(required=False, allow_null=True,
                                           help_text="values of the class's attributes (the full set)")
        kind = serializers.ChoiceField(choices=AnnotationKind.choices, required=False, default=AnnotationKind.POLYGON,
                                       help_text=KIND_HELP)
        width_m = serializers.FloatField(required=False, allow_null=True, help_text=WIDTH_HELP)

    @extend_schema(parameters=[
        OpenApiParameter("bbox", str, description="minlon,minlat,maxlon,maxlat (EPSG:4326): features intersecting it"),
        OpenApiParameter("limit", int,
                         description=f"page size, default {LIST_DEFAULT_LIMIT}, at most {LIST_MAX_LIMIT}"),
        OpenApiParameter("offset", int, description="features to skip (ordered by id)"),
        OpenApiParameter("deleted", str, enum=["1"], description="1: include deleted annotations"),
    ], responses={200: FeaturePageOutput})
    def get(self, request, scene_id: int):
        """GeoJSON FeatureCollection; ?bbox=minlon,minlat,maxlon,maxlat&limit=&offset= (limit ≤ 5000). The
        features come as JSON text from the database and are sent as they are."""
        scene = scene_for_user(user=request.user, scene_id=scene_id)
        bbox = request.query_params.get("bbox")
        limit = _int_param(request, "limit", LIST_DEFAULT_LIMIT)
        offset = _int_param(request, "offset", 0)
        features, count, more = annotation_list_json(scene=scene, bbox=parse_bbox(bbox) if bbox else None,
                                                     include_deleted=request.query_params.get("deleted") == "1",
                                                     limit=limit, offset=offset)
        head = json.dumps({"type": "FeatureCollection"})[:-1]
        tail = json.dumps({"limit": limit, "offset": offset, "next_offset": offset + count if more else None,
                           "annotations_version": scene.annotations_version})[1:]
        return HttpResponse(f'{head}, "features": {features}, {tail}', content_type="application/json")

    @extend_schema(request=InputSerializer, responses={201: EditedFeatureOutput})
    def post(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        task = None
        if values.get("task") is not None:
            task = task_get(task_id=values["task"])
            if task is None or task.scene_id != scene.id:
                raise ValidationFailed("No such task on this scene.")
        annotation, info = services.annotation_create(
            project=scene.project, scene=scene, geometry=values["geometry"], label_class=values.get("label_class"),
            user=request.user, task=task, status=values["status"], attributes=values.get("attributes"),
            kind=values["kind"], width_m=values.get("width_m"),
        )
        return Response({**annotation_out(annotation, user=request.user), "info": info},
                        status=status.HTTP_201_CREATED)


class AnnotationDetailApi(GeoLoopApi):
    class PatchSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)
        geometry = GeometryField(required=False)
        label_class = serializers.IntegerField(required=False)
        attributes = serializers.DictField(required=False,
                                           help_text="values of the class's attributes (the full set, checked)")
        status = serializers.ChoiceField(choices=[AnnotationStatus.DRAFT, AnnotationStatus.ACCEPTED], required=False)
        reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
        kind = serializers.ChoiceField(choices=AnnotationKind.choices, required=False,
                                       help_text="a new kind needs its geometry; left out, the kind stays")
        width_m = serializers.FloatField(required=False, help_text=WIDTH_HELP)

    class DeleteSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)

    @extend_schema(responses=EditableFeatureOutput)
    def get(self, request, annotation_id: int):
        return Response(annotation_out(annotation_for_user(user=request.user, annotation_id=annotation_id),
                                       user=request.user))

    @extend_schema(request=PatchSerializer, responses=EditedFeatureOutput)
    def patch(self, request, annotation_id: int):
        annotation = annotation_for_user(user=request.user, annotation_id=annotation_id)
        data = self.PatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        annotation = services.annotation_update(
            annotation=annotation, user=request.user, expected_version=values["version"],
            geometry=values.get("geometry"), label_class=values.get("label_class"), reason=values["reason"],
            attributes=values.get("attributes"),
            status=values.get("status"), kind=values.get("kind"), width_m=values.get("width_m"),
        )
        return Response({**annotation_out(annotation, user=request.user),
                         "info": getattr(annotation, "geometry_info", {})})

    @extend_schema(request=DeleteSerializer, responses={200: EditableFeatureOutput},
                   parameters=[OpenApiParameter("version", int, description="instead of the body's")])
    def delete(self, request, annotation_id: int):
        """The version comes in the body ({"version": n}) or the query string (?version=n)."""
        annotation = annotation_for_user(user=request.user, annotation_id=annotation_id)
        body = request.data if isinstance(request.data, dict) and request.data else request.query_params
        data = self.DeleteSerializer(data=body)
        data.is_valid(raise_exception=True)
        annotation = services.annotation_delete(annotation=annotation, user=request.user,
                                                expected_version=data.validated_data["version"])
        return Response(annotation_out(annotation, user=request.user))


class AnnotationHistoryApi(GeoLoopApi):
    @extend_schema(responses=RevisionOutput(many=True))
    def get(self, request, annotation_id: int):
        annotation = annotation_for_user(user=request.user, annotation_id=annotation_id)
        return Response([
            {"version": r.version, "geometry": geojson_of(r.geometry), "class": label_class_out(r.label_class),
             "kind": r.kind, "width_m": r.width_m, "shape": geojson_of(r.shape) if r.shape is not None else None,
             "status": r.status, "deleted": r.deleted, "author": r.author.username if r.author else None,
             "reason": r.reason, "created_at": r.created_at.isoformat()}
            for r in annotation_history(annotation=annotation)
        ])


class AnnotationRestoreApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)

    @extend_schema(request=InputSerializer, responses=EditableFeatureOutput)
    def post(self, request, annotation_id: int):
        annotation = annotation_for_user(user=request.user, annotation_id=annotation_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        annotation = services.annotation_restore(annotation=annotation, user=request.user,
                                                 revision_version=data.validated_data["version"])
        return Response(annotation_out(annotation, user=request.user))


class SceneAnnotationTileApi(GeoLoopApi):
    """Mapbox vector tile (layer "annotations"), generalised for its zoom (annotator/vector_tiles.py). ETag = scene
    annotations version + z/x/y; `no-cache` makes clients revalidate every time, and an unchanged tile costs a 304
    without touching the annotations; a tile already built at this version comes from the process's cache."""

    @extend_schema(responses={(200, "application/vnd.mapbox-vector-tile"): OpenApiTypes.BINARY,
                              304: OpenApiResponse(description="unchanged since the ETag in If-None-Match")})
    def get(self, request, scene_id: int, z: int, x: int, y: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, cached=True)
        try:
            vector_tiles.tile_check(z, x, y)
        except vector_tiles.TileOutOfRange as exc:
            raise ValidationFailed(str(exc)) from exc
        # The version is read before the tile is built: a change that lands in between makes the tile newer than
        # its ETag (refetched next time), never older.
        etag = vector_tiles.tile_etag(scene_id=scene.id, annotations_version=scene.annotations_version, z=z, x=x, y=y)
        if etag_matches(request, etag):
            response = HttpResponseNotModified()
        else:
            body = vector_tiles.scene_tile(scene_id=scene.id, annotations_version=scene.annotations_version,
                                           z=z, x=x, y=y)
            response = HttpResponse(body,
                                    content_type="application/vnd.mapbox-vector-tile")
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Authorization, Cookie"
        return response


urlpatterns = [
    path("scenes/<int:scene_id>/annotations/", SceneAnnotationListApi.as_view(), name="scene-annotations"),
    path("scenes/<int:scene_id>/annotations/<int:z>/<int:x>/<int:y>.mvt",
         SceneAnnotationTileApi.as_view(), name="scene-annotation-tile"),
    path("annotations/<int:annotation_id>/", AnnotationDetailApi.as_view(), name="annotation-detail"),
    path("annotations/<int:annotation_id>/history/", AnnotationHistoryApi.as_view(), name="annotation-history"),
    path("annotations/<int:annotation_id>/restore/", AnnotationRestoreApi.as_view(), name="annotation-restore"),
]
