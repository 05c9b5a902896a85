"""Datasets out.

POST /api/projects/{id}/exports/            {format, filters, parameters}  reviewer or admin -> 202 job
GET  /api/projects/{id}/exports/            the project's export jobs (newest first, 100)  reviewer or admin
POST /api/projects/{id}/exports/count/      {filters} -> what an export would take (scenes, annotations by class)
GET  /api/projects/{id}/exports/purge/      the retention setting (days)
POST /api/projects/{id}/exports/purge/      {older_than_days?} admin: remove old archives now (rows stay)
GET  /api/exports/{id}/                     status, progress, error, manifest
POST /api/exports/{id}/cancel/              reviewer or admin: a queued or running export ends "cancelled" (409 else)
GET  /api/exports/{id}/download/            the zip (409 until it succeeded, 404 once removed by retention)
GET  /api/exports/formats/                  every registered format with its typed parameters
Progress goes out as `export.progress` events on the sockets of the scenes the export covers
(/ws/scenes/<id>/events/).
"""

from django.conf import settings
from django.http import FileResponse
from django.urls import path
from django.utils.module_loading import import_string
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from annotator.apis.base import GeoLoopApi
from annotator.exports.common import ExportFilters, ExportInputError
from annotator.exports.registry import formats
from annotator.models import JobStatus, Role
from annotator.permissions import export_job_for_user, project_for_user
from annotator.selectors.exports import export_job_list, export_result_open, export_selection_count
from annotator.services import exports as services
from core.errors import NotFound, NotReady, ValidationFailed


class FiltersSerializer(serializers.Serializer):
    """Which annotations an export takes (every key optional)."""

    scenes = serializers.ListField(child=serializers.IntegerField(), required=False,
                                   help_text="Scene ids; none = every ready scene of the project.")
    classes = serializers.ListField(child=serializers.CharField(), required=False,
                                    help_text="Label-class ids or names; none = every class.")
    statuses = serializers.ListField(child=serializers.ChoiceField(choices=["draft", "accepted", "rejected"]),
                                     required=False, help_text='Annotation statuses; default ["draft", "accepted"].')
    sources = serializers.ListField(child=serializers.ChoiceField(choices=["model", "human", "imported"]),
                                    required=False, help_text="Annotation sources; default all.")
    reviewed_only = serializers.BooleanField(required=False, help_text="Only annotations a reviewer approved.")
    since = serializers.DateTimeField(required=False, allow_null=True, help_text="Created at or after.")
    until = serializers.DateTimeField(required=False, allow_null=True, help_text="Created before.")


@extend_schema_field(FiltersSerializer)
class FiltersField(serializers.DictField):
    """Filters as a dict, checked and normalised by the service (`ExportFilters.parse`: unknown keys, statuses,
    scenes or classes answer 400 with a `detail`); documented as FiltersSerializer."""


@extend_schema_field(FiltersSerializer)
class FiltersOutputField(serializers.JSONField):
    """The filters as the job stored them."""


@extend_schema_field({"type": "object", "additionalProperties": {}})
class ObjectField(serializers.JSONField):
    """A JSON object whose keys depend on the format."""


class ManifestCountsOutput(serializers.Serializer):
    annotations = serializers.IntegerField()
    scenes = serializers.IntegerField()
    per_class = serializers.DictField(child=serializers.IntegerField())
    per_scene = serializers.DictField(child=serializers.IntegerField(), required=False)
    per_source = serializers.DictField(child=serializers.IntegerField(), required=False)


class ManifestSceneOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    checksum = serializers.CharField()
    crs = serializers.CharField(required=False)
    width = serializers.IntegerField(required=False)
    height = serializers.IntegerField(required=False)
    annotations_version = serializers.IntegerField(required=False)


class ManifestOutput(serializers.Serializer):
    """annotator/exports/manifest.py: empty until the export succeeded."""

    manifest_version = serializers.IntegerField(required=False)
    format = serializers.CharField(required=False)
    project = serializers.CharField(required=False)
    parameters = ObjectField(required=False)
    filters = FiltersOutputField(required=False)
    counts = ManifestCountsOutput(required=False)
    scenes = ManifestSceneOutput(many=True, required=False)
    model_versions = serializers.ListField(child=serializers.IntegerField(), required=False)
    last_annotation_change = serializers.DateTimeField(required=False, allow_null=True)
    format_report = ObjectField(required=False)
    files = serializers.DictField(child=serializers.CharField(), required=False, help_text="path -> sha256")


@extend_schema_field(ManifestOutput)
class ManifestField(serializers.JSONField):
    """The manifest as the export wrote it."""


class ExportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project_id = serializers.IntegerField()
    format = serializers.CharField()
    filters = FiltersOutputField()
    parameters = ObjectField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    progress = serializers.FloatField()
    error = serializers.CharField()
    manifest = ManifestField(help_text="counts, per-file sha256, scenes with checksums, model versions")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    download_url = serializers.SerializerMethodField()
    expired = serializers.SerializerMethodField(help_text="Succeeded, but the archive was removed (retention).")
    scene_ids = serializers.SerializerMethodField(help_text="The scenes whose sockets carry this export's progress.")

    def get_download_url(self, job) -> str | None:
        return f"/api/exports/{job.id}/download/" if job.status == JobStatus.SUCCEEDED and job.result_path else None

    def get_expired(self, job) -> bool:
        return job.status == JobStatus.SUCCEEDED and not job.result_path

    def get_scene_ids(self, job) -> list[int]:
        if job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
            return []
        return services.export_job_scene_ids(job=job)


def export_out(job) -> dict:
    return dict(ExportOutput(job).data)


def _filters_checked(raw: dict) -> ExportFilters:
    try:
        return ExportFilters.parse(raw)
    except ExportInputError as exc:
        raise ValidationFailed(str(exc), extra={"reason": "invalid_export"}) from exc


class ExportCreateInput(serializers.Serializer):
    format = serializers.CharField(max_length=32, help_text="A name from GET /api/exports/formats/.")
    filters = FiltersField(required=False, default=dict)
    parameters = serializers.DictField(required=False, default=dict,
                                       help_text="The format's parameters (GET /api/exports/formats/).")


class ExportListApi(GeoLoopApi):
    parser_classes = [import_string(path) for path in settings.GEOLOOP_JSON_PARSER_CLASSES]

    @extend_schema(responses={200: ExportOutput(many=True)})
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.REVIEWER)
        jobs = export_job_list(project=project).select_related("created_by")[:100]
        return Response([export_out(job) for job in jobs])

    @extend_schema(request=ExportCreateInput, responses={202: ExportOutput})
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.REVIEWER)
        data = ExportCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.export_job_create(project=project, user=request.user, **data.validated_data)
        return Response(export_out(job), status=status.HTTP_202_ACCEPTED)


class ExportCountInput(serializers.Serializer):
    filters = FiltersField(required=False, default=dict)


class ExportCountOutput(serializers.Serializer):
    scenes = serializers.IntegerField()
    annotations = serializers.IntegerField()
    by_class = serializers.DictField(child=serializers.IntegerField())


class ExportCountApi(GeoLoopApi):
    parser_classes = [import_string(path) for path in settings.GEOLOOP_JSON_PARSER_CLASSES]

    @extend_schema(request=ExportCountInput, responses={200: ExportCountOutput})
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.REVIEWER)
        data = ExportCountInput(data=request.data)
        data.is_valid(raise_exception=True)
        filters = _filters_checked(data.validated_data["filters"])
        return Response(ExportCountOutput(export_selection_count(project=project, filters=filters)).data)


class ExportPurgeInput(serializers.Serializer):
    older_than_days = serializers.IntegerField(min_value=0, max_value=services.MAX_RETENTION_DAYS, required=False,
                                               help_text="Default: the EXPORT_RETENTION_DAYS setting.")


class ExportPurgeOutput(serializers.Serializer):
    removed = serializers.IntegerField(help_text="Jobs whose archive was removed.")
    folders = serializers.IntegerField()
    freed_bytes = serializers.IntegerField()
    older_than_days = serializers.IntegerField()


class ExportRetentionOutput(serializers.Serializer):
    retention_days = serializers.IntegerField(help_text="Archives older than this are removed daily; 0 = kept.")


class ExportPurgeApi(GeoLoopApi):
    parser_classes = [import_string(path) for path in settings.GEOLOOP_JSON_PARSER_CLASSES]

    @extend_schema(responses={200: ExportRetentionOutput})
    def get(self, request, project_id: int):
        project_for_user(user=request.user, project_id=project_id, role=Role.REVIEWER)
        return Response(ExportRetentionOutput({"retention_days": settings.EXPORT_RETENTION_DAYS}).data)

    @extend_schema(request=ExportPurgeInput, responses={200: ExportPurgeOutput})
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = ExportPurgeInput(data=request.data)
        data.is_valid(raise_exception=True)
        days = data.validated_data.get("older_than_days", settings.EXPORT_RETENTION_DAYS)
        result = services.export_archives_purge(older_than_days=days, project=project, user=request.user)
        return Response(ExportPurgeOutput(result).data)


class ExportDetailApi(GeoLoopApi):
    @extend_schema(responses={200: ExportOutput})
    def get(self, request, export_id: int):
        return Response(export_out(export_job_for_user(user=request.user, job_id=export_id, role=Role.REVIEWER)))


class ExportCancelApi(GeoLoopApi):
    @extend_schema(request=None, responses={200: ExportOutput})
    def post(self, request, export_id: int):
        job = export_job_for_user(user=request.user, job_id=export_id, role=Role.REVIEWER)
        return Response(export_out(services.export_job_cancel(job=job, user=request.user)))


class ExportDownloadApi(GeoLoopApi):
    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, export_id: int):
        job = export_job_for_user(user=request.user, job_id=export_id, role=Role.REVIEWER)
        if job.status != JobStatus.SUCCEEDED:
            raise NotReady(f"Export {job.id} is {job.status}; download it once it has succeeded.")
        if not job.result_path:
            raise NotFound("The export's archive was removed (retention); run the export again.")
        handle = export_result_open(job=job)
        if handle is None:
            raise NotFound("The export's file is gone; run the export again.")
        return FileResponse(handle, as_attachment=True, filename=job.result_path.rsplit("/", 1)[-1],
                            content_type="application/zip")


def _option_type(default) -> str:
    if isinstance(default, bool):
        return "boolean"
    if isinstance(default, int):
        return "integer"
    if isinstance(default, float):
        return "number"
    if isinstance(default, list):
        return "number_list"
    return "string"


@extend_schema_field({"oneOf": [{"type": "boolean"}, {"type": "number"}, {"type": "string"},
                               {"type": "array", "items": {"type": "number"}}]})
class OptionValueField(serializers.JSONField):
    """A format parameter's value: boolean, number, string or list of numbers."""


class FormatParameter(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["boolean", "integer", "number", "number_list", "string"])
    default = OptionValueField()
    choices = serializers.ListField(child=OptionValueField(), allow_null=True)


class FormatOutput(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    parameters = serializers.DictField(child=OptionValueField(), help_text="Parameter name -> default.")
    choices = serializers.DictField(child=serializers.ListField(child=OptionValueField()),
                                    help_text="Parameter name -> allowed values.")
    options = FormatParameter(many=True, help_text="Each parameter typed, in the exporter's order.")


def format_describe(name: str, cls) -> dict:
    return {"name": name, "description": cls.description, "parameters": cls.defaults,
            "choices": {k: list(v) for k, v in cls.choices.items()},
            "options": [{"name": key, "type": _option_type(default), "default": default,
                         "choices": list(cls.choices[key]) if key in cls.choices else None}
                        for key, default in cls.defaults.items()]}


class ExportFormatsApi(GeoLoopApi):
    @extend_schema(responses={200: FormatOutput(many=True)})
    def get(self, request):
        return Response([format_describe(name, cls) for name, cls in formats().items()])



urlpatterns = [
    path("projects/<int:project_id>/exports/", ExportListApi.as_view(), name="export-list"),
    path("projects/<int:project_id>/exports/count/", ExportCountApi.as_view(), name="export-count"),
    path("projects/<int:project_id>/exports/purge/", ExportPurgeApi.as_view(), name="export-purge"),
    path("exports/formats/", ExportFormatsApi.as_view(), name="export-formats"),
    path("exports/<int:export_id>/", ExportDetailApi.as_view(), name="export-detail"),
    path("exports/<int:export_id>/cancel/", ExportCancelApi.as_view(), name="export-cancel"),
    path("exports/<int:export_id>/download/", ExportDownloadApi.as_view(), name="export-download"),
]
