"""Model versions, embedding cache entries and the model's answers (mask proposals)."""

from django.conf import settings
from django.contrib.gis.db import models


class Architecture(models.TextChoices):
    VIT_T = "vit_t", "MobileSAM (vit_t)"
    VIT_B = "vit_b", "SAM ViT-B"
    VIT_L = "vit_l", "SAM ViT-L"
    VIT_H = "vit_h", "SAM ViT-H"


class ModelState(models.TextChoices):
    CANDIDATE = "candidate"
    ACTIVE = "active"
    RETIRED = "retired"


class ModelVersion(models.Model):
    name = models.CharField(max_length=200)
    architecture = models.CharField(max_length=8, choices=Architecture.choices, default=Architecture.VIT_T)
    checkpoint_path = models.CharField(max_length=1000, help_text="absolute, or relative to GEOLOOP_MODELS_DIR")
    checkpoint_sha256 = models.CharField(max_length=64)
    encoder_sha256 = models.CharField(
        max_length=64, blank=True, help_text="hash of the image-encoder weights: embeddings are keyed by it"
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # None: available to every project (the shipped base model).
    project = models.ForeignKey(
        "annotator.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="model_versions"
    )
    training_job_id = models.BigIntegerField(null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=ModelState.choices, default=ModelState.CANDIDATE)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    promoted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # Why an admin promoted this version although its gate refused or never ran (empty when the gate passed).
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # Exactly one version serves a project: its own active one, else the single global active one.
            models.UniqueConstraint(fields=["project"], condition=models.Q(state="active", project__isnull=False),
                                    name="one_active_version_per_project"),
            models.UniqueConstraint(fields=["state"], condition=models.Q(state="active", project__isnull=True),
                                    name="one_active_global_version"),
        ]

    @property
    def gate_passed(self) -> bool | None:
        """The evaluation gate's verdict on this version: True/False, or None when it never ran."""
        gate = (self.metrics or {}).get("gate")
        return None if not gate else bool(gate.get("promote"))

    def __str__(self) -> str:
        return f"{self.name} ({self.architecture}, {self.state})"


class EmbeddingEntry(models.Model):
    """One cached window embedding on media storage (fp16), for the size cap and LRU eviction."""

    key = models.CharField(max_length=255, unique=True)
    path = models.CharField(max_length=1000)
    size_bytes = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(db_index=True)


class MaskProposal(models.Model):
    project = models.ForeignKey("annotator.Project", on_delete=models.CASCADE, related_name="+")
    scene = models.ForeignKey("annotator.Scene", on_delete=models.CASCADE, related_name="proposals")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="proposals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    prompt = models.JSONField(help_text="points, labels, box in window pixels and in EPSG:4326")
    window = models.JSONField(help_text="level, col, row, size and the window's transform")
    geometry = models.MultiPolygonField(srid=4326, null=True, blank=True)
    predicted_iou = models.FloatField()
    quality = models.FloatField(null=True, blank=True,
                                help_text="calibrated expected IoU with what the annotator keeps, in [0, 1]")
    features = models.JSONField(default=dict, blank=True, help_text="scoring features of the chosen candidate")
    candidates = models.JSONField(
        default=list, blank=True,
        help_text="the answer (index 0) and SAM's other multimask outputs: index, token, quality, predicted_iou, "
                  "chosen, geometry (simplified, EPSG:4326; null for the answer itself)")
    latency_ms = models.FloatField()
    timings = models.JSONField(default=dict, blank=True)
    # The find-similar run that proposed it (None: an annotator's prompt): its feedback is tagged by it.
    similar_batch = models.ForeignKey("inference.SimilarBatch", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="proposals")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class SimilarStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class SimilarBatch(models.Model):
    """One find-similar run: exemplar annotations of a scene, the area searched (a task's or a bbox), the worker's
    progress, and the proposals it made (``MaskProposal.similar_batch``)."""

    project = models.ForeignKey("annotator.Project", on_delete=models.CASCADE, related_name="+")
    scene = models.ForeignKey("annotator.Scene", on_delete=models.CASCADE, related_name="similar_batches")
    task = models.ForeignKey("annotator.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    exemplars = models.JSONField(help_text="ids of the exemplar annotations")
    area = models.PolygonField(srid=4326, help_text="the area searched (EPSG:4326)")
    label_class = models.ForeignKey("annotator.LabelClass", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", help_text="the exemplars' class (proposals accepted into it)")
    status = models.CharField(max_length=16, choices=SimilarStatus.choices, default=SimilarStatus.QUEUED)
    stage = models.CharField(max_length=32, blank=True, help_text="encode, similarity, decode, done")
    progress = models.FloatField(default=0.0, help_text="0 to 1")
    error = models.TextField(blank=True)
    stats = models.JSONField(default=dict, blank=True,
                             help_text="threshold, windows, peaks, decoded, kept, seconds and their split")
    celery_task_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
