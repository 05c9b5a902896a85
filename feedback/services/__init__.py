"""Writes of the feedback app: corrections, training jobs, promotion and rollback of model versions."""

from feedback.services.corrections import (
    correction_record,
    on_annotation_changed,
    proposal_accept,
    proposal_reject,
)
from feedback.services.jobs import (
    training_job_cancel,
    training_job_create,
    training_job_fail,
    training_job_run,
    training_jobs_reap,
    training_schedule_nightly,
)
from feedback.services.schedules import training_schedule_delete, training_schedule_get, training_schedule_set
from feedback.services.settings import training_settings_update
from feedback.services.versions import model_version_promote, model_version_rollback

__all__ = [
    "correction_record",
    "model_version_promote",
    "model_version_rollback",
    "on_annotation_changed",
    "proposal_accept",
    "proposal_reject",
    "training_job_cancel",
    "training_job_create",
    "training_job_fail",
    "training_job_run",
    "training_jobs_reap",
    "training_schedule_delete",
    "training_schedule_get",
    "training_schedule_nightly",
    "training_schedule_set",
    "training_settings_update",
]
