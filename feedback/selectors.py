"""Reads: feedback settings of a project, the model version a project uses, jobs and version comparisons."""

from __future__ import annotations

from django.db.models import Q

from feedback.models import Correction, TrainingJob, TrainingStatus
from inference.models import ModelVersion
from inference.selectors import active_model_version  # noqa: F401 - the one rule, re-exported for feedback

FEEDBACK_DEFAULTS = {
    "retrain_every_n": 0,  # 0: off
    "auto_promote": False,
    "split_block_m": 100.0,
    "held_out_share": 0.25,
    "gate_tolerance_iou": 0.02,
    "gate_tolerance_clicks": 0.5,
    "gate_benchmark": True,  # also score on the fixed Atlanta benchmark
    "train_steps": 200,
    "train_lr": 5e-5,
    "train_max_clicks": 5,
    "eval_max_clicks": 20,  # the protocol's 20; tests lower it
}

METRIC_KEYS = ("NoC@80", "NoC@85", "NoC@90", "mIoU@1", "mIoU@5", "ece_predicted_iou")


def feedback_settings(project) -> dict:
    """The project's settings over the feedback defaults (unknown keys kept)."""
    return {**FEEDBACK_DEFAULTS, **(project.settings or {})}


def model_version_list(*, project) -> list[ModelVersion]:
    """Versions a project can use or roll back to: the global ones and its own."""
    return list(ModelVersion.objects.filter(Q(project=project) | Q(project__isnull=True)).order_by("id"))


def open_training_job(*, project) -> TrainingJob | None:
    return TrainingJob.objects.filter(project=project,
                                      status__in=[TrainingStatus.QUEUED, TrainingStatus.RUNNING]).first()


def training_job_of_task_exists(*, task_id: str) -> bool:
    """Whether a training job runs (or ran) as the Celery task ``task_id``."""
    return TrainingJob.objects.filter(celery_task_id=task_id).exists()


def corrections_since_last_job(*, project) -> int:
    last = TrainingJob.objects.filter(project=project).order_by("-created_at").first()
    qs = Correction.objects.filter(project=project)
    if last is not None:
        qs = qs.filter(created_at__gt=last.created_at)
    return qs.count()


def version_comparison(*, project) -> list[dict]:
    """Versions side by side: held-out and benchmark NoC@80/85/90, mIoU@1/@5 and ECE (as last evaluated)."""
    active = active_model_version(project=project)
    rows = []
    for mv in model_version_list(project=project):
        metrics = mv.metrics or {}
        row = {"id": mv.id, "name": mv.name, "state": mv.state, "parent": mv.parent_id,
               "project": mv.project_id, "in_use": active is not None and mv.id == active.id,
               "training_job": mv.training_job_id, "created_at": mv.created_at, "promoted_at": mv.promoted_at}
        for split in ("held_out", "benchmark"):
            part = metrics.get(split) or {}
            row[split] = {k: part.get(k) for k in (*METRIC_KEYS, "n_objects")}
        row["gate"] = metrics.get("gate")
        rows.append(row)
    return rows
