"""Datasets out and in.

POST /api/projects/{id}/exports/            {format, filters, parameters}  reviewer or admin -> 202 job
GET  /api/projects/{id}/exports/            the project's export jobs        reviewer or admin
GET  /api/exports/{id}/                     status, progress, error, manifest
GET  /api/exports/{id}/download/            the zip (404 until it succeeded)
GET  /api/exports/formats/                  format names, descriptions and parameter defaults
POST /api/scenes/{id}/imports/              multipart: file, format?, layer?, class_property?, default_class?
                                            admin; 201 with the report, or 400 with per-item errors and nothing
                                            imported
"""

from django.conf import settings
from django.http import FileResponse
from django.urls import path
from django.utils.module_loading import import_string
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from annotator.apis.base import GeoLoopApi
from annotator.exports.registry import formats
from annotator.models import JobStatus, Role, Scene
from annotator.permissions import project_for, require_role
from annotator.selectors.exports import export_job_get, export_job_list, export_result_file
from annotator.services import exports as services
from annotator.services.imports import FORMATS as IMPORT_FORMATS
from annotator.services.imports import annotations_import_upload
from core.errors import NotReady


class ExportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project_id = serializers.IntegerField()
    format = serializers.CharField()
    filters = serializers.JSONField()
    parameters = serializers.JSONField()
    status = serializers.CharField()
    progress = serializers.FloatField()
    error = serializers.CharField()
    manifest = serializers.JSONField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()


def export_out(job) -> dict:
    data = dict(ExportOutput(job).data)
    data["download_url"] = f"/api/exports/{job.id}/download/" if job.status == JobStatus.SUCCEEDED else None
    return data


class ExportListApi(GeoLoopApi):
    parser_classes = [import_string(path) for path in settings.GEOLOOP_JSON_PARSER_CLASSES]

    class InputSerializer(serializers.Serializer):
        format = serializers.CharField(max_length=32)
        filters = serializers.DictField(required=False, default=dict)
        parameters = serializers.DictField(required=False, default=dict)

    def get(self, request, project_id: int):
        project = project_for(user=request.user, project_id=project_id, role=Role.REVIEWER)
        return Response([export_out(job) for job in export_job_list(project=project)[:100]])

    def post(self, request, project_id: int):
        project = project_for(user=request.user, project_id=project_id, role=Role.REVIEWER)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.export_job_create(project=project, user=request.user, **data.validated_data)
        return Response(export_out(job), status=status.HTTP_202_ACCEPTED)


def _job_for(request, export_id: int):
    job = export_job_get(job_id=export_id)
    require_role(user=request.user, project=job.project, role=Role.REVIEWER)
    return job


class ExportDetailApi(GeoLoopApi):
    def get(self, request, export_id: int):
        return Response(export_out(_job_for(request, export_id)))


class ExportDownloadApi(GeoLoopApi):
    def get(self, request, export_id: int):
        job = _job_for(request, export_id)
        if job.status != JobStatus.SUCCEEDED:
            raise NotReady(f"Export {job.id} is {job.status}; download it once it has succeeded.")
        path = export_result_file(job=job)
        if not path.is_file():
            raise NotFound("The export's file is gone; run the export again.")
        return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name,  # noqa: SIM115
                            content_type="application/zip")


class ExportFormatsApi(GeoLoopApi):
    def get(self, request):
        return Response([{"name": name, "description": cls.description, "parameters": cls.defaults,
                          "choices": {k: list(v) for k, v in cls.choices.items()}}
                         for name, cls in formats().items()])


class SceneImportApi(GeoLoopApi):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        format = serializers.ChoiceField(choices=IMPORT_FORMATS, required=False, allow_blank=True, default="")
        layer = serializers.CharField(required=False, allow_blank=True, default="")
        class_property = serializers.CharField(required=False, allow_blank=True, default="")
        default_class = serializers.CharField(required=False, allow_blank=True, default="")

    def post(self, request, scene_id: int):
        scene = Scene.objects.select_related("project").filter(pk=scene_id).first()
        if scene is None:
            raise NotFound("No such scene.")
        require_role(user=request.user, project=scene.project, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {k: (v or None) for k, v in data.validated_data.items() if k != "file"}
        report = annotations_import_upload(project=scene.project, scene=scene, user=request.user,
                                           uploaded_file=data.validated_data["file"], **values)
        return Response(report, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("projects/<int:project_id>/exports/", ExportListApi.as_view(), name="export-list"),
    path("exports/formats/", ExportFormatsApi.as_view(), name="export-formats"),
    path("exports/<int:export_id>/", ExportDetailApi.as_view(), name="export-detail"),
    path("exports/<int:export_id>/download/", ExportDownloadApi.as_view(), name="export-download"),
    path("scenes/<int:scene_id>/imports/", SceneImportApi.as_view(), name="scene-import"),
]
