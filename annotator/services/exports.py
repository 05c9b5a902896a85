"""Writes for exports: create an export job (queued on `export`), run it (the Celery task calls `export_job_run`),
and export straight into a folder (the CLI). The formats live in annotator/exports/, one module each.

A job's files go to MEDIA_ROOT/exports/<project>/<job id>/<project>-<format>.zip with manifest.json inside; the
same export of unchanged data gives byte-identical files and zip. Progress goes to the job row and, as
`export.progress` events, to every scene the export covers (the scene sockets).
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from annotator.audit import audit_record
from annotator.events import scene_event_send
from annotator.exports.common import ExportFilters, ExportInputError, zip_write
from annotator.exports.manifest import export_write
from annotator.exports.registry import exporter_for
from annotator.models import ExportJob, JobStatus, Project
from annotator.selectors.exports import export_dataset_select, export_filters_check
from core.errors import ValidationFailed

log = logging.getLogger(__name__)
EXPORTS_DIR = "exports"


def _checked(*, format: str, filters: dict | None, parameters: dict | None):
    try:
        return ExportFilters.parse(filters), exporter_for(format, parameters)
    except ExportInputError as exc:
        raise ValidationFailed(str(exc), extra={"reason": "invalid_export"}) from exc


@transaction.atomic
def export_job_create(*, project: Project, user, format: str, filters: dict | None = None,
                      parameters: dict | None = None, enqueue: bool = True) -> ExportJob:
    """Check format, filters and parameters (ValidationFailed, 400), record the job and queue it after commit."""
    parsed, exporter = _checked(format=format, filters=filters, parameters=parameters)
    export_filters_check(project=project, filters=parsed)  # unknown scenes or classes: 400 now, not later
    job = ExportJob.objects.create(project=project, format=format, filters=parsed.as_dict(),
                                   parameters=exporter.parameters, status=JobStatus.QUEUED,
                                   created_by=user if getattr(user, "is_authenticated", False) else None)
    audit_record(user=user, project=project, action="export.create", obj=job,
                 details={"format": format, "filters": job.filters, "parameters": job.parameters})
    if enqueue:
        from annotator.tasks import export_dataset

        transaction.on_commit(lambda: export_dataset.delay(job.id))
    return job


class _JobProgress:
    """Record progress on the job row and tell the scenes' sockets, at most every 2% or every second."""

    def __init__(self, job: ExportJob, scene_ids: list[int]):
        self.job, self.scene_ids = job, scene_ids
        self.last_value, self.last_time = -1.0, 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if fraction < 1.0 and fraction - self.last_value < 0.02 and now - self.last_time < 1.0:
            return
        self.last_value, self.last_time = fraction, now
        value = round(0.95 * fraction, 4)  # the last 5% are the manifest and the zip
        ExportJob.objects.filter(pk=self.job.pk).update(progress=value)
        self.send(JobStatus.RUNNING, value, message)

    def send(self, status: str, progress: float, message: str = "") -> None:
        payload = {"export_id": self.job.pk, "format": self.job.format, "status": status, "progress": progress,
                   "message": message[:200]}
        for scene_id in self.scene_ids:
            try:
                scene_event_send(scene_id=scene_id, event="export.progress", payload=payload)
            except Exception:  # noqa: BLE001 - an event is a courtesy; the job row is the truth
                log.exception("could not send export progress for job %s", self.job.pk)
                return


def _job_folder(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORTS_DIR / job.project.slug / str(job.pk)


def export_job_run(*, job_id: int) -> ExportJob:
    """Run a queued export job: select, write the format's files and manifest, zip them, record the result.
    A failure marks the job failed with the reason and removes what was written."""
    job = ExportJob.objects.select_related("project").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=0.0)
    folder = _job_folder(job)
    shutil.rmtree(folder, ignore_errors=True)
    progress = _JobProgress(job, [])
    try:
        filters, exporter = _checked(format=job.format, filters=job.filters, parameters=job.parameters)
        dataset = export_dataset_select(project=job.project, filters=filters)
        progress.scene_ids = [s.id for s in dataset.scenes]
        manifest = export_write(dataset=dataset, exporter=exporter, out_dir=folder / "files", progress=progress)
        zip_path = folder / f"{job.project.slug}-{job.format}.zip"
        zip_write(folder / "files", zip_path)
        shutil.rmtree(folder / "files")
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the job, with its reason
        log.exception("export job %s failed", job.pk)
        shutil.rmtree(folder, ignore_errors=True)
        reason = exc.message if isinstance(exc, ValidationFailed) else f"{type(exc).__name__}: {exc}"
        ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=reason[:4000],
                                                   finished_at=timezone.now())
        progress.send(JobStatus.FAILED, 0.0, reason)
        job.refresh_from_db()
        return job
    ExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, progress=1.0, manifest=manifest, finished_at=timezone.now(),
        result_path=str(zip_path.relative_to(Path(settings.MEDIA_ROOT))))
    progress.send(JobStatus.SUCCEEDED, 1.0)
    job.refresh_from_db()
    return job


def dataset_export(*, project: Project, format: str, filters: dict | None, parameters: dict | None, out_dir: Path,
                   zip_to: Path | None = None, progress=None, user=None) -> dict:
    """Export straight into an empty folder (the CLI), optionally zipped too; returns the manifest."""
    parsed, exporter = _checked(format=format, filters=filters, parameters=parameters)
    dataset = export_dataset_select(project=project, filters=parsed)
    try:
        manifest = export_write(dataset=dataset, exporter=exporter, out_dir=Path(out_dir), progress=progress)
    except FileExistsError as exc:
        raise ValidationFailed(str(exc)) from exc
    if zip_to is not None:
        zip_write(Path(out_dir), Path(zip_to))
    audit_record(user=user, project=project, action="export.cli", obj=None,
                 details={"format": format, "filters": parsed.as_dict(), "out": str(out_dir)})
    return manifest
