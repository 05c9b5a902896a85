"""Feedback records (corrections) and the fine-tuning jobs they trigger."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "accepted as is"
    EDITED = "edited", "accepted after edits"
    REJECTED = "rejected"
    DELETED = "deleted", "deleted after acceptance"


class Correction(models.Model):
    project = models.ForeignKey("annotator.Project", on_delete=models.CASCADE, related_name="corrections")
    # The model answer this outcome is about; None for an annotation that no proposal made (drawn or imported),
    # whose review fixes and rejections are feedback on the data rather than on the model.
    proposal = models.ForeignKey("inference.MaskProposal", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="corrections")
    annotation = models.ForeignKey(
        "annotator.Annotation", null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    final_geometry = models.MultiPolygonField(srid=4326, null=True, blank=True)
    iou = models.FloatField(null=True, blank=True, help_text="IoU(proposal, final)")
    clicks_added = models.PositiveIntegerField(default=0)
    vertices_moved = models.PositiveIntegerField(default=0)
    seconds_spent = models.FloatField(default=0.0)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=16, default="proposal",
                              help_text="proposal (accept/reject), edit or delete (after acceptance), review")
    reason = models.TextField(blank=True, help_text="why it was rejected, when someone said")
    kept_candidate = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text="which of the proposal's candidates the annotator kept (index into MaskProposal.candidates; "
                  "0 = the model's answer); null when no proposal or candidates were offered")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["project", "created_at"])]


class QualityCalibrator(models.Model):
    """A project's own quality calibration for one model version: a monotone map from the default calibrator's
    output to the IoU its outcomes actually had (see :mod:`feedback.services.calibration`)."""

    project = models.ForeignKey("annotator.Project", on_delete=models.CASCADE, related_name="+")
    model_version = models.ForeignKey("inference.ModelVersion", on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(help_text="inference.calibration.Calibrator JSON")
    n_outcomes = models.PositiveIntegerField(default=0)
    ece_before = models.FloatField(null=True, blank=True)
    ece_after = models.FloatField(null=True, blank=True)
    fitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "model_version"], name="one_calibrator_per_version")]


class Trigger(models.TextChoices):
    SCHEDULE = "schedule"
    EVERY_N = "every_n", "every N corrections"
    MANUAL = "manual"


class TrainingStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class TrainingJob(models.Model):
    project = models.ForeignKey("annotator.Project", on_delete=models.CASCADE, related_name="training_jobs")
    base_model = models.ForeignKey("inference.ModelVersion", on_delete=models.PROTECT, related_name="+")
    parameters = models.JSONField(default=dict, blank=True)
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.MANUAL)
    status = models.CharField(max_length=16, choices=TrainingStatus.choices, default=TrainingStatus.QUEUED)
    progress = models.JSONField(default=dict, blank=True, help_text="step, total, loss, eta_s")
    log = models.TextField(blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    result_model = models.ForeignKey(
        "inference.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    celery_task_id = models.CharField(max_length=64, blank=True)
    worker = models.JSONField(default=dict, blank=True, help_text="hostname and pid of the process running it")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_open_training_job_per_project",
            )
        ]


class TagCorrection(models.Model):
    """A human outcome on a tag (``annotator.Tag``): every change after it was first set (an edit, a clearing, a
    reviewer's fix) and every review rejection, with the values before and after. Feedback on the data: no model
    proposes tags yet, so these do not count toward retraining."""

    project = models.ForeignKey("annotator.Project", on_delete=models.CASCADE, related_name="tag_corrections")
    tag = models.ForeignKey("annotator.Tag", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="corrections")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    source = models.CharField(max_length=16, help_text="edit, clear or review")
    values_before = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    values_after = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    reason = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["project", "created_at"], name="tag_correction_idx")]
