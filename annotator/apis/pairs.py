"""Scene pairs (change detection): list and create per project (admins create), read and delete one; change
annotations per pair: list, create, read, edit, delete (the annotations' rules, annotator.permissions)."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from annotator.apis.annotations import GeometryField
from annotator.apis.base import GeoLoopApi
from annotator.models import ChangeAnnotation, Role, ScenePair
from annotator.permissions import change_edit_refusal, change_for_user, pair_for_user, project_for_user
from annotator.selectors.pairs import change_list, geojson_or_none, pair_list
from annotator.services import pairs as services


class ScenePairOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField()
    name = serializers.CharField()
    before = serializers.IntegerField(help_text="before scene id")
    after = serializers.IntegerField(help_text="after scene id")
    before_name = serializers.CharField()
    after_name = serializers.CharField()
    before_date = serializers.DateField(allow_null=True)
    after_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=["resampling", "ready", "failed"])
    status_reason = serializers.CharField()
    progress = serializers.FloatField()
    resampled = serializers.BooleanField(help_text="the after scene was resampled onto the common grid")
    grid_differences = serializers.ListField(child=serializers.CharField(),
                                             help_text="crs, resolution, rotation, alignment: why it was resampled")
    overlap_share = serializers.FloatField(help_text="overlap area / the smaller footprint's area")
    grid = serializers.DictField(help_text="the common grid: crs, transform (GDAL), width, height, before_offset, "
                                           "after_offset")
    bounds = serializers.ListField(child=serializers.FloatField(), allow_null=True,
                                   help_text="lon/lat bounds of the overlap of the two footprints")
    changes_version = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class ChangeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    pair = serializers.IntegerField()
    label_class = serializers.IntegerField(allow_null=True)
    class_name = serializers.CharField(allow_null=True)
    color = serializers.CharField(allow_null=True)
    before_geometry = serializers.JSONField(allow_null=True, help_text="GeoJSON MultiPolygon, EPSG:4326, or null")
    after_geometry = serializers.JSONField(allow_null=True, help_text="GeoJSON MultiPolygon, EPSG:4326, or null")
    before_proposal_id = serializers.IntegerField(allow_null=True)
    after_proposal_id = serializers.IntegerField(allow_null=True)
    review_state = serializers.CharField()
    review_reason = serializers.CharField(help_text="the reviewer's reason (a rejection's); empty when none")
    version = serializers.IntegerField()
    author = serializers.CharField(allow_null=True)
    deleted = serializers.BooleanField()
    can_edit = serializers.BooleanField()
    edit_refusal = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ChangeEditedOutput(ChangeOutput):
    info = serializers.DictField(help_text="what the geometry checks repaired or clipped, per side")


def _bounds(pair: ScenePair) -> list[float] | None:
    a, b = pair.before.footprint, pair.after.footprint
    if a is None or b is None:
        return None
    overlap = a.intersection(b)
    return None if overlap.empty else [round(v, 9) for v in overlap.extent]


def pair_out(pair: ScenePair) -> dict:
    return {
        "id": pair.pk, "project": pair.project_id, "name": pair.name, "before": pair.before_id,
        "after": pair.after_id, "before_name": pair.before.name, "after_name": pair.after.name,
        "before_date": pair.before_date, "after_date": pair.after_date, "status": pair.status,
        "status_reason": pair.status_reason, "progress": pair.progress, "resampled": pair.resampled,
        "grid_differences": pair.grid_differences, "overlap_share": pair.overlap_share,
        "grid": {"crs": pair.grid_crs, "transform": pair.grid_transform, "width": pair.grid_width,
                 "height": pair.grid_height, "before_offset": pair.before_offset, "after_offset": pair.after_offset},
        "bounds": _bounds(pair), "changes_version": pair.changes_version, "created_at": pair.created_at,
    }


def change_out(change: ChangeAnnotation, *, user) -> dict:
    refusal = change_edit_refusal(user=user, change=change)
    label_class = change.label_class
    return {
        "id": change.pk, "pair": change.pair_id, "label_class": change.label_class_id,
        "class_name": label_class.name if label_class else None, "color": label_class.color if label_class else None,
        "before_geometry": geojson_or_none(change.before_geometry),
        "after_geometry": geojson_or_none(change.after_geometry),
        "before_proposal_id": change.before_proposal_id, "after_proposal_id": change.after_proposal_id,
        "review_state": change.review_state, "review_reason": change.review_reason, "version": change.version,
        "author": change.author.username if change.author else None, "deleted": change.deleted,
        "can_edit": refusal is None, "edit_refusal": refusal, "created_at": change.created_at,
        "updated_at": change.updated_at,
    }


class ProjectPairListApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        before = serializers.IntegerField(help_text="before scene id (a READY scene of the project)")
        after = serializers.IntegerField(help_text="after scene id (a READY scene of the project)")
        name = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
        before_date = serializers.DateField(required=False, allow_null=True,
                                            help_text="default: the before scene's creation date")
        after_date = serializers.DateField(required=False, allow_null=True)

    @extend_schema(responses=ScenePairOutput(many=True))
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id)
        return Response([pair_out(p) for p in pair_list(project_id=project.pk)])

    @extend_schema(request=InputSerializer, responses={201: ScenePairOutput})
    def post(self, request, project_id: int):
        """Admins pair two ready scenes; refused (400, `reason`) for other projects' scenes, scenes not ready,
        CRSs that cannot be compared or footprints that do not overlap. Different grids: the pair is `resampling`
        until the after scene is on the before scene's grid."""
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        pair = services.pair_create(project=project, before=values["before"], after=values["after"],
                                    name=values["name"], user=request.user, before_date=values.get("before_date"),
                                    after_date=values.get("after_date"))
        return Response(pair_out(pair), status=status.HTTP_201_CREATED)


class PairDetailApi(GeoLoopApi):
    @extend_schema(responses=ScenePairOutput)
    def get(self, request, pair_id: int):
        return Response(pair_out(pair_for_user(user=request.user, pair_id=pair_id)))

    @extend_schema(responses={204: None})
    def delete(self, request, pair_id: int):
        """Admins only; the pair's change annotations and resampled COG go with it."""
        pair = pair_for_user(user=request.user, pair_id=pair_id, role=Role.ADMIN)
        services.pair_delete(pair=pair, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PairChangeListApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        before_geometry = GeometryField(required=False, allow_null=True,
                                        help_text="GeoJSON (Multi)Polygon on the before date, EPSG:4326")
        after_geometry = GeometryField(required=False, allow_null=True,
                                       help_text="GeoJSON (Multi)Polygon on the after date, EPSG:4326")
        label_class = serializers.IntegerField(required=False, allow_null=True, help_text="the change class")
        before_proposal_id = serializers.IntegerField(required=False, allow_null=True,
                                                      help_text="the model answer taken as the before geometry")
        after_proposal_id = serializers.IntegerField(required=False, allow_null=True,
                                                     help_text="the model answer taken as the after geometry")

    @extend_schema(responses=ChangeOutput(many=True), parameters=[
        OpenApiParameter("deleted", str, enum=["1"], description="1: include deleted change annotations")])
    def get(self, request, pair_id: int):
        pair = pair_for_user(user=request.user, pair_id=pair_id)
        changes = change_list(pair=pair, include_deleted=request.query_params.get("deleted") == "1")
        return Response([change_out(c, user=request.user) for c in changes])

    @extend_schema(request=InputSerializer, responses={201: ChangeEditedOutput})
    def post(self, request, pair_id: int):
        """Either geometry may be left out or null, not both (400, reason `no_geometry`)."""
        pair = pair_for_user(user=request.user, pair_id=pair_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        change, info = services.change_create(
            pair=pair, user=request.user, before_geometry=values.get("before_geometry"),
            after_geometry=values.get("after_geometry"), label_class=values.get("label_class"),
            before_proposal_id=values.get("before_proposal_id"), after_proposal_id=values.get("after_proposal_id"))
        return Response({**change_out(change, user=request.user), "info": info}, status=status.HTTP_201_CREATED)


class ChangeDetailApi(GeoLoopApi):
    class PatchSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, help_text="the version last seen (409 when stale)")
        before_geometry = GeometryField(required=False, allow_null=True, help_text="null empties the before side")
        after_geometry = GeometryField(required=False, allow_null=True, help_text="null empties the after side")
        label_class = serializers.IntegerField(required=False, allow_null=True)

    class DeleteSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)

    @extend_schema(responses=ChangeOutput)
    def get(self, request, change_id: int):
        return Response(change_out(change_for_user(user=request.user, change_id=change_id), user=request.user))

    @extend_schema(request=PatchSerializer, responses=ChangeEditedOutput)
    def patch(self, request, change_id: int):
        change = change_for_user(user=request.user, change_id=change_id)
        data = self.PatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        fields = {name: values[name] for name in ("before_geometry", "after_geometry", "label_class")
                  if name in values}
        change, info = services.change_update(change=change, user=request.user, expected_version=values["version"],
                                              **fields)
        return Response({**change_out(change, user=request.user), "info": info})

    @extend_schema(request=DeleteSerializer, responses={200: ChangeOutput},
                   parameters=[OpenApiParameter("version", int, description="instead of the body's")])
    def delete(self, request, change_id: int):
        change = change_for_user(user=request.user, change_id=change_id)
        body = request.data if isinstance(request.data, dict) and request.data else request.query_params
        data = self.DeleteSerializer(data=body)
        data.is_valid(raise_exception=True)
        change = services.change_delete(change=change, user=request.user,
                                        expected_version=data.validated_data["version"])
        return Response(change_out(change, user=request.user))


urlpatterns = [
    path("projects/<int:project_id>/pairs/", ProjectPairListApi.as_view(), name="project-pairs"),
    path("pairs/<int:pair_id>/", PairDetailApi.as_view(), name="pair-detail"),
    path("pairs/<int:pair_id>/changes/", PairChangeListApi.as_view(), name="pair-changes"),
    path("changes/<int:change_id>/", ChangeDetailApi.as_view(), name="change-detail"),
]
