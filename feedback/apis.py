"""Thin DRF views: proposal accept/reject, training jobs, model-version comparison, promotion and rollback."""

from django.urls import path
from rest_framework import serializers, status
from rest_framework.response import Response

from annotator.apis.base import GeoLoopApi
from annotator.models import Project, Role, Task
from annotator.permissions import object_for_user, project_for_user, require_role
from core.errors import NotFound
from feedback import services
from feedback.models import TrainingJob, Trigger
from feedback.selectors import active_model_version, version_comparison
from inference.models import MaskProposal, ModelVersion
from inference.selectors import proposal_get


class CorrectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    proposal = serializers.IntegerField(source="proposal_id")
    annotation = serializers.IntegerField(source="annotation_id", allow_null=True)
    outcome = serializers.CharField()
    iou = serializers.FloatField(allow_null=True)
    clicks_added = serializers.IntegerField()
    vertices_moved = serializers.IntegerField()
    seconds_spent = serializers.FloatField()


class JobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    base_model = serializers.IntegerField(source="base_model_id")
    result_model = serializers.IntegerField(source="result_model_id", allow_null=True)
    trigger = serializers.CharField()
    status = serializers.CharField()
    parameters = serializers.JSONField()
    progress = serializers.JSONField()
    metrics = serializers.JSONField()
    log = serializers.CharField()
    cancel_requested = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class VersionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.CharField()
    project = serializers.IntegerField(source="project_id", allow_null=True)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    checkpoint_sha256 = serializers.CharField()
    encoder_sha256 = serializers.CharField()
    promoted_at = serializers.DateTimeField(allow_null=True)
    promoted_by = serializers.CharField(source="promoted_by.username", allow_null=True, default=None)
    gate_passed = serializers.BooleanField(allow_null=True)
    override_reason = serializers.CharField()


def _proposal(request, proposal_id: int) -> MaskProposal:
    proposal = proposal_get(proposal_id=proposal_id, wait_s=3.0)  # the mask is sent before its row is stored
    return object_for_user(user=request.user, obj=proposal, role=Role.ANNOTATOR, what="proposal")


class ProposalAcceptApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        label_class = serializers.IntegerField(required=False, allow_null=True, default=None)
        geometry = serializers.JSONField(required=False, allow_null=True, default=None)
        task = serializers.IntegerField(required=False, allow_null=True, default=None)
        clicks_added = serializers.IntegerField(min_value=0, required=False, default=0)
        vertices_moved = serializers.IntegerField(min_value=0, required=False, default=0)
        seconds_spent = serializers.FloatField(min_value=0, required=False, default=0.0)

    def post(self, request, proposal_id: int):
        proposal = _proposal(request, proposal_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        task = Task.objects.filter(pk=v["task"], project=proposal.project).first() if v["task"] else None
        annotation, correction = services.proposal_accept(
            proposal=proposal, label_class=v["label_class"], user=request.user, final_geometry=v["geometry"],
            clicks_added=v["clicks_added"], vertices_moved=v["vertices_moved"], seconds_spent=v["seconds_spent"],
            task=task,
        )
        return Response({"annotation": {"id": annotation.id, "version": annotation.version},
                         "correction": CorrectionOutput(correction).data}, status=status.HTTP_201_CREATED)


class ProposalRejectApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        clicks_added = serializers.IntegerField(min_value=0, required=False, default=0)
        seconds_spent = serializers.FloatField(min_value=0, required=False, default=0.0)

    def post(self, request, proposal_id: int):
        proposal = _proposal(request, proposal_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        correction = services.proposal_reject(proposal=proposal, user=request.user, **data.validated_data)
        return Response({"correction": CorrectionOutput(correction).data}, status=status.HTTP_201_CREATED)


class TrainingJobListApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        parameters = serializers.DictField(required=False, default=dict)

    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        jobs = TrainingJob.objects.filter(project=project).order_by("-id")[:50]
        return Response(JobOutput(jobs, many=True).data)

    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.training_job_create(project=project, trigger=Trigger.MANUAL, user=request.user,
                                           parameters=data.validated_data["parameters"])
        return Response(JobOutput(job).data, status=status.HTTP_201_CREATED)


class TrainingJobCancelApi(GeoLoopApi):
    def post(self, request, job_id: int):
        job = TrainingJob.objects.select_related("project").filter(pk=job_id).first()
        job = object_for_user(user=request.user, obj=job, role=Role.ADMIN, what="training job")
        job = services.training_job_cancel(job=job, user=request.user)
        return Response(JobOutput(job).data)


class ModelVersionCompareApi(GeoLoopApi):
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        return Response({"versions": version_comparison(project=project)})


def _version_and_project(request, version_id: int) -> tuple[ModelVersion, Project]:
    mv = ModelVersion.objects.select_related("project").filter(pk=version_id).first()
    if mv is None:
        raise NotFound("No such model version.")
    if mv.project is not None:
        require_role(user=request.user, project=mv.project, role=Role.ADMIN)
        return mv, mv.project
    project_id = request.data.get("project") if hasattr(request.data, "get") else None
    if not project_id:
        raise serializers.ValidationError({"project": "A global version needs the project it is for."})
    return mv, project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)


class ModelVersionPromoteApi(GeoLoopApi):
    class Input(serializers.Serializer):
        override_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def post(self, request, version_id: int):
        mv, project = _version_and_project(request, version_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        mv = services.model_version_promote(version=mv, user=request.user,
                                            override_reason=data.validated_data["override_reason"])
        return Response({"version": VersionOutput(mv).data,
                         "in_use": VersionOutput(active_model_version(project=project)).data})


class ModelVersionRollbackApi(GeoLoopApi):
    def post(self, request, version_id: int):
        mv, project = _version_and_project(request, version_id)
        in_use = services.model_version_rollback(project=project, to_version=mv, user=request.user)
        return Response({"in_use": VersionOutput(in_use).data})


urlpatterns = [
    path("proposals/<int:proposal_id>/accept/", ProposalAcceptApi.as_view(), name="proposal-accept"),
    path("proposals/<int:proposal_id>/reject/", ProposalRejectApi.as_view(), name="proposal-reject"),
    path("projects/<int:project_id>/training-jobs/", TrainingJobListApi.as_view(), name="training-job-list"),
    path("training-jobs/<int:job_id>/cancel/", TrainingJobCancelApi.as_view(), name="training-job-cancel"),
    path("projects/<int:project_id>/model-versions/compare/", ModelVersionCompareApi.as_view(),
         name="model-version-compare"),
    path("model-versions/<int:version_id>/promote/", ModelVersionPromoteApi.as_view(), name="model-version-promote"),
    path("model-versions/<int:version_id>/rollback/", ModelVersionRollbackApi.as_view(),
         name="model-version-rollback"),
]
