"""Annotations in (scene admins).

POST   /api/scenes/{id}/imports/                    multipart: file, format?, layer?, class_property?, default_class?
                                                    201 with the report, or 400 with per-item errors and nothing
                                                    imported (one step, for scripts)
POST   /api/scenes/{id}/imports/preview/            the same multipart: the file is kept server-side under a token
                                                    and previewed (counts per class, what is refused and why);
                                                    nothing is imported. 201 with the preview
POST   /api/scenes/{id}/imports/{token}/commit/     {skip_invalid?}: import what the preview showed. 201 with the
                                                    report, or 400 with per-item errors and nothing imported
DELETE /api/scenes/{id}/imports/{token}/            discard the upload. 204
A kept upload expires after settings.IMPORT_STAGING_TTL_SECONDS; only the user who uploaded it may use it.
"""

from django.conf import settings
from django.urls import path
from django.utils.module_loading import import_string
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from annotator.apis.base import GeoLoopApi
from annotator.models import Role
from annotator.permissions import scene_for_user
from annotator.services import imports as services


class ImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="GeoJSON, GeoPackage, or COCO JSON / a zip of COCO JSON with its "
                                           "georeference sidecars.")
    format = serializers.ChoiceField(choices=services.FORMATS, required=False, allow_blank=True, default="",
                                     help_text="Guessed from the file when blank.")
    layer = serializers.CharField(required=False, allow_blank=True, default="", help_text="GeoPackage layer.")
    class_property = serializers.CharField(required=False, allow_blank=True, default="",
                                           help_text="Feature property naming the class (default: class, label, "
                                                     "category or class_name).")
    default_class = serializers.CharField(required=False, allow_blank=True, default="",
                                          help_text="Class of features that name none.")


class ItemError(serializers.Serializer):
    item = serializers.CharField(help_text='Where in the file: "feature 3", "image a.tif, annotation 7", "file".')
    reason = serializers.CharField()
    message = serializers.CharField()


class PreviewOutput(serializers.Serializer):
    token = serializers.CharField()
    file = serializers.CharField()
    expires_at = serializers.DateTimeField()
    format = serializers.CharField()
    features = serializers.IntegerField(help_text="Features read (valid + refused).")
    valid = serializers.IntegerField()
    by_class = serializers.DictField(child=serializers.IntegerField(), help_text='Valid features per class ("" = '
                                                                                'no class).')
    with_attributes = serializers.IntegerField(help_text="Valid features carrying class attributes (GeoJSON "
                                                         "properties / GeoPackage columns `attr_<name>` or the "
                                                         "name, COCO `attributes`), checked against the class.")
    repaired = serializers.IntegerField()
    clipped = serializers.IntegerField()
    refused = serializers.IntegerField()
    errors = ItemError(many=True)
    refusal_reasons = serializers.DictField(child=serializers.IntegerField())
    can_import = serializers.BooleanField(help_text="Every feature is valid: a commit imports them all.")
    can_import_valid = serializers.BooleanField(help_text="A commit with skip_invalid imports the valid ones.")


class ImportReport(serializers.Serializer):
    imported = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())
    format = serializers.CharField()
    repaired = serializers.IntegerField()
    clipped = serializers.IntegerField()
    by_class = serializers.DictField(child=serializers.IntegerField(), required=False)
    skipped = ItemError(many=True, required=False)
    file = serializers.CharField(required=False)


def _options(data: dict) -> dict:
    return {k: (v or None) for k, v in data.items() if k != "file"}


class SceneImportApi(GeoLoopApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ImportInput},
                   responses={201: ImportReport})
    def post(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ADMIN)
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.annotations_import_upload(project=scene.project, scene=scene, user=request.user,
                                                    uploaded_file=data.validated_data["file"],
                                                    **_options(data.validated_data))
        return Response(ImportReport(report).data, status=status.HTTP_201_CREATED)


class SceneImportPreviewApi(GeoLoopApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ImportInput},
                   responses={201: PreviewOutput})
    def post(self, request, scene_id: int):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ADMIN)
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        preview = services.annotations_import_stage(project=scene.project, scene=scene, user=request.user,
                                                    uploaded_file=data.validated_data["file"],
                                                    **_options(data.validated_data))
        return Response(PreviewOutput(preview).data, status=status.HTTP_201_CREATED)


class ImportCommitInput(serializers.Serializer):
    skip_invalid = serializers.BooleanField(required=False, default=False,
                                            help_text="Import the valid features and skip the refused ones.")


class SceneImportCommitApi(GeoLoopApi):
    parser_classes = [import_string(path) for path in settings.GEOLOOP_JSON_PARSER_CLASSES]

    @extend_schema(request=ImportCommitInput, responses={201: ImportReport})
    def post(self, request, scene_id: int, token: str):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ADMIN)
        data = ImportCommitInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.annotations_import_commit(project=scene.project, scene=scene, user=request.user,
                                                    token=token, **data.validated_data)
        return Response(ImportReport(report).data, status=status.HTTP_201_CREATED)


class SceneImportDiscardApi(GeoLoopApi):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, scene_id: int, token: str):
        scene = scene_for_user(user=request.user, scene_id=scene_id, role=Role.ADMIN)
        services.annotations_import_discard(scene=scene, user=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("scenes/<int:scene_id>/imports/", SceneImportApi.as_view(), name="scene-import"),
    path("scenes/<int:scene_id>/imports/preview/", SceneImportPreviewApi.as_view(), name="scene-import-preview"),
    path("scenes/<int:scene_id>/imports/<str:token>/commit/", SceneImportCommitApi.as_view(),
         name="scene-import-commit"),
    path("scenes/<int:scene_id>/imports/<str:token>/", SceneImportDiscardApi.as_view(), name="scene-import-discard"),
]
