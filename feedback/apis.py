"""Thin DRF views: proposal accept/reject, training jobs, model-version comparison, promotion and rollback."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from annotator.apis.base import GeoLoopApi
from annotator.models import Project, Role
from annotator.permissions import object_for_user, project_for_user, require_role
from annotator.selectors.tasks import task_get
from core.errors import NotFound
from feedback import services
from feedback.models import TrainingJob, TrainingStatus, Trigger
from feedback.selectors import (
    TRAINING_SETTINGS,
    active_model_version,
    log_tail,
    training_job_get,
    training_job_list,
    training_settings_get,
    version_comparison,
    version_pair_comparison,
)
from inference.models import MaskProposal, ModelVersion
from inference.selectors import model_version_get, proposal_get
from inference.serializers import VersionOutput


class CorrectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    proposal = serializers.IntegerField(source="proposal_id")
    annotation = serializers.IntegerField(source="annotation_id", allow_null=True)
    outcome = serializers.CharField()
    iou = serializers.FloatField(allow_null=True)
    clicks_added = serializers.IntegerField()
    vertices_moved = serializers.IntegerField()
    seconds_spent = serializers.FloatField()
    kept_candidate = serializers.IntegerField(
        allow_null=True, help_text="index of the proposal's candidate the annotator kept (0: the model's answer)")
    similar_batch = serializers.IntegerField(
        source="proposal.similar_batch_id", allow_null=True, default=None,
        help_text="the find-similar batch that proposed it (null: an annotator's own prompt)")


class FigureOutput(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.FloatField(allow_null=True)


class PhaseProgressOutput(serializers.Serializer):
    """The current phase's own counters and figure."""

    step = serializers.IntegerField(required=False)
    total = serializers.IntegerField(required=False)
    eta_s = serializers.FloatField(required=False, allow_null=True)
    split = serializers.CharField(required=False)
    model = serializers.CharField(required=False)
    figure = FigureOutput(required=False, allow_null=True)


class TrainingProgressOutput(PhaseProgressOutput):
    """A job's progress: step/total/loss/eta_s at the top level count the fine-tune; ``current`` is the phase
    running now (dataset objects, training steps, evaluated objects)."""

    phase = serializers.ChoiceField(choices=["dataset", "train", "evaluate"], required=False)
    current = PhaseProgressOutput(required=False)
    loss = serializers.FloatField(required=False)
    loss_avg10 = serializers.FloatField(required=False)
    elapsed_s = serializers.FloatField(required=False)
    curve = serializers.ListField(child=serializers.ListField(child=serializers.FloatField(), min_length=2,
                                                              max_length=2),
                                  required=False, help_text="loss curve so far: [step, loss] points")


@extend_schema_field(TrainingProgressOutput)
class ProgressField(serializers.JSONField):
    """The job's progress, answered as the worker stored it."""


class JobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    base_model = serializers.IntegerField(source="base_model_id")
    result_model = serializers.IntegerField(source="result_model_id", allow_null=True)
    trigger = serializers.CharField()
    status = serializers.ChoiceField(choices=TrainingStatus.choices)
    parameters = serializers.JSONField()
    progress = ProgressField()
    metrics = serializers.JSONField()
    log = serializers.CharField()
    cancel_requested = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class JobDetailOutput(JobOutput):
    """A job as the Models screen shows it: the log cut to its tail."""

    log = serializers.SerializerMethodField()
    log_lines = serializers.SerializerMethodField()

    def get_log(self, job) -> str:
        return log_tail(job.log)

    def get_log_lines(self, job) -> int:
        return (job.log or "").count("\n")


class AnnotationRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()


class AcceptOutput(serializers.Serializer):
    annotation = AnnotationRefOutput()
    correction = CorrectionOutput()


class RejectOutput(serializers.Serializer):
    correction = CorrectionOutput()


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
        candidate = serializers.IntegerField(
            min_value=0, required=False, allow_null=True, default=None,
            help_text="keep this candidate of the proposal (index into the mask answer's candidates; 0 or absent: "
                      "the answer); its polygon is stored unless geometry is sent")

    @extend_schema(request=InputSerializer, responses={201: AcceptOutput})
    def post(self, request, proposal_id: int):
        proposal = _proposal(request, proposal_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        task = task_get(task_id=v["task"]) if v["task"] else None
        if task is not None and task.project_id != proposal.project_id:
            task = None  # a task of another project is no task of this annotation
        annotation, correction = services.proposal_accept(
            proposal=proposal, label_class=v["label_class"], user=request.user, final_geometry=v["geometry"],
            clicks_added=v["clicks_added"], vertices_moved=v["vertices_moved"], seconds_spent=v["seconds_spent"],
            task=task, candidate=v["candidate"],
        )
        return Response({"annotation": {"id": annotation.id, "version": annotation.version},
                         "correction": CorrectionOutput(correction).data}, status=status.HTTP_201_CREATED)


class ProposalRejectApi(GeoLoopApi):
    class InputSerializer(serializers.Serializer):
        clicks_added = serializers.IntegerField(min_value=0, required=False, default=0)
        seconds_spent = serializers.FloatField(min_value=0, required=False, default=0.0)

    @extend_schema(request=InputSerializer, responses={201: RejectOutput})
    def post(self, request, proposal_id: int):
        proposal = _proposal(request, proposal_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        correction = services.proposal_reject(proposal=proposal, user=request.user, **data.validated_data)
        return Response({"correction": CorrectionOutput(correction).data}, status=status.HTTP_201_CREATED)


class _StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know (a typo must not pass silently), naming the key."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                known = ", ".join(sorted(self.fields))
                raise serializers.ValidationError({
                    name: [f"Unknown field {name!r}; the known ones are: {known}."] for name in unknown})
        return super().to_internal_value(data)


class TrainParameters(_StrictSerializer):
    """Per-run overrides of the project's training settings (all optional)."""

    steps = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    lr = serializers.FloatField(min_value=1e-7, max_value=1e-2, required=False)
    max_clicks = serializers.IntegerField(min_value=1, max_value=20, required=False)
    eval_max_clicks = serializers.IntegerField(min_value=1, max_value=20, required=False)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    benchmark = serializers.BooleanField(required=False)
    benchmark_objects = serializers.IntegerField(min_value=1, max_value=10_000, required=False)
    max_objects = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)
    iou_weight = serializers.FloatField(min_value=0.0, max_value=100.0, required=False)
    rank_weight = serializers.FloatField(min_value=0.0, max_value=100.0, required=False)
    weight_decay = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)


class TrainingJobCreateInput(serializers.Serializer):
    parameters = TrainParameters(required=False, default=dict)


class TrainingJobListApi(GeoLoopApi):
    InputSerializer = TrainingJobCreateInput

    @extend_schema(responses={200: JobDetailOutput(many=True)})
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        return Response(JobDetailOutput(training_job_list(project=project), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: JobDetailOutput})
    def post(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.training_job_create(project=project, trigger=Trigger.MANUAL, user=request.user,
                                           parameters=dict(data.validated_data["parameters"]))
        return Response(JobDetailOutput(job).data, status=status.HTTP_201_CREATED)


def _job(request, job_id: int) -> TrainingJob:
    return object_for_user(user=request.user, obj=training_job_get(job_id=job_id), role=Role.ADMIN,
                           what="training job")


class TrainingJobDetailApi(GeoLoopApi):
    @extend_schema(responses={200: JobDetailOutput})
    def get(self, request, job_id: int):
        return Response(JobDetailOutput(_job(request, job_id)).data)


class TrainingJobCancelApi(GeoLoopApi):
    @extend_schema(request=None, responses={200: JobDetailOutput})
    def post(self, request, job_id: int):
        job = services.training_job_cancel(job=_job(request, job_id), user=request.user)
        return Response(JobDetailOutput(job).data)


def _setting_field(kind: str, lo, hi, help_text: str) -> serializers.Field:
    if kind == "bool":
        return serializers.BooleanField(required=False, help_text=help_text)
    if kind == "int":
        return serializers.IntegerField(required=False, min_value=lo, max_value=hi, help_text=help_text)
    return serializers.FloatField(required=False, min_value=lo, max_value=hi, help_text=help_text)


TrainingSettingsSerializer = type("TrainingSettingsSerializer", (_StrictSerializer,), {
    key: _setting_field(*spec) for key, spec in TRAINING_SETTINGS.items()})


class SettingRangeOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["int", "float", "bool"])
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    help = serializers.CharField()


class TrainingSettingsOutput(serializers.Serializer):
    settings = TrainingSettingsSerializer()
    ranges = serializers.DictField(child=SettingRangeOutput(), help_text="per setting")


def _settings_payload(project) -> dict:
    return {"settings": training_settings_get(project=project),
            "ranges": {k: {"kind": kind, "min": lo, "max": hi, "help": what}
                       for k, (kind, lo, hi, what) in TRAINING_SETTINGS.items()}}


class TrainingSettingsApi(GeoLoopApi):
    """The every-N-corrections threshold and the training settings of a project."""

    @extend_schema(responses={200: TrainingSettingsOutput})
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        return Response(_settings_payload(project))

    @extend_schema(request=TrainingSettingsSerializer, responses={200: TrainingSettingsOutput})
    def patch(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = TrainingSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.training_settings_update(project=project, user=request.user, values=dict(data.validated_data))
        return Response(_settings_payload(project))


class ScheduleOutput(serializers.Serializer):
    crontab = serializers.CharField()
    preset = serializers.ChoiceField(choices=["nightly", "weekly", "custom"])
    enabled = serializers.BooleanField()
    timezone = serializers.CharField()
    next_run_at = serializers.DateTimeField(allow_null=True)
    last_run_at = serializers.DateTimeField(allow_null=True)
    total_run_count = serializers.IntegerField()


class ScheduleEnvelope(serializers.Serializer):
    schedule = ScheduleOutput(allow_null=True)


class TrainingScheduleInput(_StrictSerializer):
    preset = serializers.ChoiceField(choices=["nightly", "weekly"], required=False)
    crontab = serializers.CharField(required=False, max_length=200,
                                    help_text="minute hour day-of-month month day-of-week")
    enabled = serializers.BooleanField(required=False, default=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if ("preset" in attrs) == ("crontab" in attrs):
            raise serializers.ValidationError({"crontab": "Give a preset or a crontab (one of them)."})
        return attrs


class TrainingScheduleApi(GeoLoopApi):
    """The project's retraining schedule (django-celery-beat crontab)."""

    InputSerializer = TrainingScheduleInput

    @extend_schema(responses={200: ScheduleEnvelope})
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        view = services.training_schedule_get(project=project)
        return Response({"schedule": ScheduleOutput(view).data if view else None})

    @extend_schema(request=InputSerializer, responses={200: ScheduleEnvelope})
    def put(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        view = services.training_schedule_set(project=project, user=request.user, preset=v.get("preset"),
                                              crontab=v.get("crontab"), enabled=v["enabled"])
        return Response({"schedule": ScheduleOutput(view).data})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        services.training_schedule_delete(project=project, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CompareRowOutput(serializers.Serializer):
    """One version as last evaluated (feedback.selectors.version_comparison)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True)
    project = serializers.IntegerField(allow_null=True)
    in_use = serializers.BooleanField()
    training_job = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField(allow_null=True)
    promoted_at = serializers.DateTimeField(allow_null=True)
    gate_passed = serializers.BooleanField(allow_null=True, help_text="the gate's verdict; null: never ran")
    override_reason = serializers.CharField(allow_blank=True)
    held_out = serializers.DictField(child=serializers.FloatField(allow_null=True))
    benchmark = serializers.DictField(child=serializers.FloatField(allow_null=True))
    gate = serializers.DictField(allow_null=True, help_text="the gate's promote, reasons and deltas")


class CompareOutput(serializers.Serializer):
    versions = CompareRowOutput(many=True)


class ModelVersionCompareApi(GeoLoopApi):
    @extend_schema(responses={200: CompareOutput})
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        return Response({"versions": version_comparison(project=project)})


def _figures_fields() -> dict:
    fields = {"n_objects": serializers.IntegerField(allow_null=True),
              "max_clicks": serializers.IntegerField(allow_null=True)}
    for t in (80, 85, 90):
        fields[f"NoC@{t}"] = serializers.FloatField(allow_null=True, help_text=f"mean clicks to IoU {t / 100}")
        fields[f"never@{t}"] = serializers.IntegerField(allow_null=True, help_text="objects that never got there")
    for n in (1, 5):
        fields[f"mIoU@{n}"] = serializers.FloatField(allow_null=True, help_text=f"mean IoU after {n} click(s)")
    fields["ece_predicted_iou"] = serializers.FloatField(allow_null=True, help_text="ECE of the predicted IoU")
    return fields


FiguresOutput = type("FiguresOutput", (serializers.Serializer,), _figures_fields())


class ReliabilityBinOutput(serializers.Serializer):
    lo = serializers.FloatField()
    hi = serializers.FloatField()
    count = serializers.IntegerField()
    mean_predicted = serializers.FloatField(allow_null=True)
    mean_actual = serializers.FloatField(allow_null=True)


class SplitSideOutput(serializers.Serializer):
    figures = FiguresOutput()
    iou_curve = serializers.ListField(child=serializers.FloatField(), help_text="mean IoU after 1, 2, ... clicks")
    reliability = ReliabilityBinOutput(many=True)


class LocationOutput(serializers.Serializer):
    scene = serializers.IntegerField(allow_null=True)
    bbox = serializers.ListField(child=serializers.FloatField(), min_length=4, max_length=4,
                                 help_text="west, south, east, north (EPSG:4326)")
    centroid = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2, help_text="lon, lat")


class ObjectDeltaOutput(serializers.Serializer):
    label = serializers.CharField()
    location = LocationOutput(allow_null=True)
    a = serializers.DictField(child=serializers.FloatField(allow_null=True))
    b = serializers.DictField(child=serializers.FloatField(allow_null=True))
    delta = serializers.DictField(child=serializers.FloatField(), help_text="b minus a")


class SplitCompareOutput(serializers.Serializer):
    a = SplitSideOutput(allow_null=True)
    b = SplitSideOutput(allow_null=True)
    deltas = serializers.DictField(child=serializers.FloatField(), help_text="b minus a, keyed like the figures")
    objects = ObjectDeltaOutput(many=True)


class GateOutput(serializers.Serializer):
    promote = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    deltas = serializers.DictField(child=serializers.FloatField())


class VersionHeadOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.CharField()
    project = serializers.IntegerField(allow_null=True)
    parent = serializers.IntegerField(allow_null=True)
    in_use = serializers.BooleanField()
    training_job = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField(allow_null=True)
    gate_passed = serializers.BooleanField(allow_null=True)
    override_reason = serializers.CharField(allow_blank=True)
    gate = GateOutput(allow_null=True)
    training = serializers.DictField(allow_null=True)


class PairOutput(serializers.Serializer):
    a = VersionHeadOutput()
    b = VersionHeadOutput()
    paired = serializers.BooleanField(help_text="both scored in one run on the same objects")
    splits = serializers.DictField(child=SplitCompareOutput(), help_text="held_out and/or benchmark")


class ModelVersionPairApi(GeoLoopApi):
    """Two versions side by side (``?a=<id>&b=<id>``; deltas are b minus a)."""

    class QuerySerializer(serializers.Serializer):
        a = serializers.IntegerField(min_value=1)
        b = serializers.IntegerField(min_value=1)

    @extend_schema(parameters=[OpenApiParameter("a", int, required=True), OpenApiParameter("b", int, required=True)],
                   responses={200: PairOutput})
    def get(self, request, project_id: int):
        project = project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        pair = []
        for key in ("a", "b"):
            mv = model_version_get(version_id=query.validated_data[key])
            if mv is None or (mv.project_id is not None and mv.project_id != project.id):
                raise NotFound(f"No model version {query.validated_data[key]} in this project.")
            pair.append(mv)
        return Response(PairOutput(version_pair_comparison(project=project, a=pair[0], b=pair[1])).data)


def _version_and_project(request, version_id: int) -> tuple[ModelVersion, Project]:
    mv = model_version_get(version_id=version_id)
    if mv is None:
        raise NotFound("No such model version.")
    if mv.project is not None:
        require_role(user=request.user, project=mv.project, role=Role.ADMIN)
        return mv, mv.project
    project_id = request.data.get("project") if hasattr(request.data, "get") else None
    if not project_id:
        raise serializers.ValidationError({"project": "A global version needs the project it is for."})
    return mv, project_for_user(user=request.user, project_id=project_id, role=Role.ADMIN)


class PromoteOutput(serializers.Serializer):
    version = VersionOutput()
    in_use = VersionOutput()


class RollbackOutput(serializers.Serializer):
    in_use = VersionOutput()


class ModelVersionPromoteApi(GeoLoopApi):
    class Input(serializers.Serializer):
        override_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    @extend_schema(request=Input, responses=PromoteOutput)
    def post(self, request, version_id: int):
        mv, project = _version_and_project(request, version_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        mv = services.model_version_promote(version=mv, user=request.user,
                                            override_reason=data.validated_data["override_reason"])
        return Response({"version": VersionOutput(mv).data,
                         "in_use": VersionOutput(active_model_version(project=project)).data})


class ModelVersionRollbackApi(GeoLoopApi):
    @extend_schema(request=None, responses=RollbackOutput)
    def post(self, request, version_id: int):
        mv, project = _version_and_project(request, version_id)
        in_use = services.model_version_rollback(project=project, to_version=mv, user=request.user)
        return Response({"in_use": VersionOutput(in_use).data})


urlpatterns = [
    path("proposals/<int:proposal_id>/accept/", ProposalAcceptApi.as_view(), name="proposal-accept"),
    path("proposals/<int:proposal_id>/reject/", ProposalRejectApi.as_view(), name="proposal-reject"),
    path("projects/<int:project_id>/training-jobs/", TrainingJobListApi.as_view(), name="training-job-list"),
    path("training-jobs/<int:job_id>/", TrainingJobDetailApi.as_view(), name="training-job-detail"),
    path("projects/<int:project_id>/training-settings/", TrainingSettingsApi.as_view(), name="training-settings"),
    path("projects/<int:project_id>/training-schedule/", TrainingScheduleApi.as_view(), name="training-schedule"),
    path("projects/<int:project_id>/model-versions/pair/", ModelVersionPairApi.as_view(), name="model-version-pair"),
    path("training-jobs/<int:job_id>/cancel/", TrainingJobCancelApi.as_view(), name="training-job-cancel"),
    path("projects/<int:project_id>/model-versions/compare/", ModelVersionCompareApi.as_view(),
         name="model-version-compare"),
    path("model-versions/<int:version_id>/promote/", ModelVersionPromoteApi.as_view(), name="model-version-promote"),
    path("model-versions/<int:version_id>/rollback/", ModelVersionRollbackApi.as_view(),
         name="model-version-rollback"),
]
