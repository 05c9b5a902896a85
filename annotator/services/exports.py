"""Writes for exports: create an export job (queued on `export`), run it (the Celery task calls `export_job_run`),
and export straight into a folder (the CLI). The formats live in annotator/exports/, one module each.

A job's archive is stored under the media key exports/<project>/<job id>/<project>-<format>.zip (annotator.media:
MEDIA_ROOT or the media bucket; staging folders stay on the worker's disk) with manifest.json inside; the
same export of unchanged data gives byte-identical files and zip. Progress goes to the job row and, as
`export.progress` events, to every scene the export covers (the scene sockets).
"""

from __future__ import annotations

import datetime as dt
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
from annotator.imagery.gdal_env import cog_env
from annotator.media import media_delete_prefix, media_put_file
from annotator.models import ExportJob, JobStatus, Project
from annotator.selectors.exports import export_dataset_select, export_filters_check
from annotator.services.jobs import Liveness, job_heartbeat, job_progress_pause, job_task_id, liveness, send_job_task
from annotator.services.scratch import PART_SUFFIX
from core.errors import Conflict, ValidationFailed

log = logging.getLogger(__name__)
EXPORTS_DIR = "exports"
MAX_RETENTION_DAYS = 36_500  # a century: beyond it a date cannot be computed, and nothing is that old


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
        send_job_task("annotator.export_dataset", args=[job.id])
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
        ExportJob.objects.filter(pk=self.job.pk).update(progress=value, heartbeat_at=timezone.now())
        self.send(JobStatus.RUNNING, value, message)
        job_progress_pause()

    def send(self, status: str, progress: float, message: str = "") -> None:
        payload = {"export_id": self.job.pk, "format": self.job.format, "status": status, "progress": progress,
                   "message": message[:200]}
        for scene_id in self.scene_ids:
            try:
                scene_event_send(scene_id=scene_id, event="export.progress", payload=payload)
            except Exception:  # an event is a courtesy; the job row is the truth
                log.exception("could not send export progress for job %s", self.job.pk)
                return


def _job_folder(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORTS_DIR / job.project.slug / str(job.pk)


def _staging_folders(job: ExportJob) -> list[Path]:
    """Where runs of the job write before their zip is complete: ``.<job id>-<run>.part`` beside the job folder."""
    return list(_job_folder(job).parent.glob(f".{job.pk}-*{PART_SUFFIX}"))


def _job_prefix(job: ExportJob) -> str:
    return f"{EXPORTS_DIR}/{job.project.slug}/{job.pk}"


def _result_remove(job: ExportJob) -> int:
    """Remove the job's stored archive (local folder or bucket objects); returns the bytes freed."""
    freed = media_delete_prefix(_job_prefix(job))[1]
    shutil.rmtree(_job_folder(job), ignore_errors=True)
    return freed


def _files_remove(job: ExportJob, *, keep_result: bool = False) -> None:
    for folder in _staging_folders(job):
        shutil.rmtree(folder, ignore_errors=True)
    if not keep_result:
        _result_remove(job)


def export_job_fail(*, job: ExportJob, reason: str, task_id: str | None = None,
                    scene_ids: list[int] | None = None) -> bool:
    """Mark a queued or running job failed with ``reason`` (under ``task_id`` when given) and remove its partial
    files. Returns whether the job was failed here."""
    qs = ExportJob.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    if task_id is not None:
        qs = qs.filter(celery_task_id=task_id)
    if not qs.update(status=JobStatus.FAILED, error=reason[:4000], finished_at=timezone.now(), heartbeat_at=None):
        return False
    _files_remove(job)
    progress = _JobProgress(job, scene_ids if scene_ids is not None else list(job.filters.get("scenes") or []))
    progress.send(JobStatus.FAILED, 0.0, reason)
    return True


def export_job_task_failed(task_id: str, reason: str) -> bool:
    """The worker reported the export task failed (a killed pool child, a hard time limit)."""
    job = ExportJob.objects.select_related("project").filter(celery_task_id=task_id).first()
    return job is not None and export_job_fail(job=job, reason=reason, task_id=task_id)


def export_jobs_reap(*, alive: Liveness | None = None) -> list[int]:
    """Fail running jobs whose worker is gone and queued jobs no worker started within JOB_QUEUED_MAX_S, removing
    their partial files; remove staging folders no running job owns. Returns the ids of the jobs failed."""
    open_jobs = list(ExportJob.objects.select_related("project")
                     .filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]))
    reaped = []
    if open_jobs:
        alive = alive or liveness()
        for job in open_jobs:
            if job.status == JobStatus.RUNNING:
                why = alive.verdict(task_id=job.celery_task_id, heartbeat_at=job.heartbeat_at)
            else:
                why = alive.never_started(task_id=job.celery_task_id, queued_since=job.created_at, queue="export")
            if why and export_job_fail(job=job, reason=f"Export failed: {why}.", task_id=job.celery_task_id):
                reaped.append(job.pk)
    _orphan_staging_remove()
    return reaped


def _orphan_staging_remove() -> None:
    running = {(slug, pk) for slug, pk in ExportJob.objects.filter(status=JobStatus.RUNNING)
               .values_list("project__slug", "pk")}
    for folder in (Path(settings.MEDIA_ROOT) / EXPORTS_DIR).glob(f"*/.*{PART_SUFFIX}"):
        job_id = folder.name[1:].split("-", 1)[0]
        if not job_id.isdigit() or (folder.parent.name, int(job_id)) not in running:
            shutil.rmtree(folder, ignore_errors=True)


def export_job_run(*, job_id: int, task_id: str | None = None) -> ExportJob:
    """Run a queued export job: select, write the format's files and manifest, zip them, record the result.
    A failure marks the job failed with the reason and removes what was written.

    Everything is written in a staging folder ``.<job id>-<run>.part`` and only the finished zip is renamed into the
    job folder, so a killed run never leaves a file that looks finished; the run beats a heartbeat
    (annotator.services.jobs), so the reaper fails a job whose worker was killed and removes its staging folder."""
    run_id = job_task_id(task_id)
    claimed = ExportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, progress=0.0, celery_task_id=run_id, started_at=timezone.now(),
        heartbeat_at=timezone.now())
    job = ExportJob.objects.select_related("project").get(pk=job_id)
    if not claimed:
        return job
    with job_heartbeat(model=ExportJob, pk=job.pk):
        return _run(job, run_id)


def _run(job: ExportJob, run_id: str) -> ExportJob:
    _files_remove(job)
    staging = _job_folder(job).with_name(f".{job.pk}-{run_id[-12:]}{PART_SUFFIX}")
    progress = _JobProgress(job, [])
    zip_path = _job_folder(job) / f"{job.project.slug}-{job.format}.zip"
    key = f"{_job_prefix(job)}/{zip_path.name}"
    try:
        filters, exporter = _checked(format=job.format, filters=job.filters, parameters=job.parameters)
        dataset = export_dataset_select(project=job.project, filters=filters)
        progress.scene_ids = [s.id for s in dataset.scenes]
        with cog_env():  # formats that read the scene COGs (chips, masks) read them here, local or in the bucket
            manifest = export_write(dataset=dataset, exporter=exporter, out_dir=staging / "files", progress=progress)
        zip_write(staging / "files", staging / zip_path.name)
        with transaction.atomic():
            current = ExportJob.objects.select_for_update().filter(pk=job.pk).values_list(
                "status", "celery_task_id").first()
            if current != (JobStatus.RUNNING, run_id):  # failed meanwhile (the reaper took it for dead)
                shutil.rmtree(staging, ignore_errors=True)
                log.warning("export job %s finished after it was %s; result dropped", job.pk, current)
                return ExportJob.objects.get(pk=job.pk)
            media_put_file(key, staging / zip_path.name, move=True)  # locally a rename into the job folder
            ExportJob.objects.filter(pk=job.pk).update(
                status=JobStatus.SUCCEEDED, progress=1.0, manifest=manifest, finished_at=timezone.now(),
                result_path=key)
        shutil.rmtree(staging, ignore_errors=True)
    except Exception as exc:  # any failure is recorded on the job, with its reason
        log.exception("export job %s failed", job.pk)
        shutil.rmtree(staging, ignore_errors=True)
        reason = exc.message if isinstance(exc, ValidationFailed) else f"{type(exc).__name__}: {exc}"
        export_job_fail(job=job, reason=reason, task_id=run_id, scene_ids=progress.scene_ids)
        job.refresh_from_db()
        return job
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


# ---------------------------------------------------------------- cancel and retention (own functions; the runner
# above stays as it is: a cancelled job is no longer QUEUED, so a task that has not started yet returns at once)

EXPORT_TASK_NAME = "annotator.export_dataset"
_OPEN_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)
CANCEL_CHECKS = 5  # asks of the workers (about a second each) whether a terminated export task is gone


def _export_task_ids(job_id: int) -> list[str]:
    """Ids of the Celery tasks running (or reserved by a worker) for this job, asked of the workers."""
    from celery import current_app

    inspector = current_app.control.inspect(timeout=1.0)
    ids: list[str] = []
    for answer in (inspector.active() or {}, inspector.reserved() or {}):
        for tasks in answer.values():
            for task in tasks or []:
                args = task.get("args")
                if task.get("name") == EXPORT_TASK_NAME and isinstance(args, list | tuple) and list(args) == [job_id]:
                    ids.append(task["id"])
    return ids


def export_job_cancel(*, job: ExportJob, user) -> ExportJob:
    """Cancel a queued or running export: the job ends `cancelled`, its task is revoked (a running one is
    terminated) and whatever it had written is removed. Conflict (409) when the job has already ended."""
    now = timezone.now()
    who = getattr(user, "username", "") or "someone"
    changed = ExportJob.objects.filter(pk=job.pk, status__in=_OPEN_STATUSES).update(
        status=JobStatus.CANCELLED, error=f"Cancelled by {who}.", finished_at=now)
    if not changed:
        job.refresh_from_db()
        raise Conflict(f"Export {job.pk} is {job.status}; only a queued or running export can be cancelled.",
                       extra={"reason": "not_running", "status": job.status})
    try:
        task_ids = _export_task_ids(job.pk)
        if task_ids:
            from celery import current_app

            current_app.control.revoke(task_ids, terminate=True, signal="SIGTERM")
            for _ in range(CANCEL_CHECKS):  # let the terminated child go before its files are removed
                if not _export_task_ids(job.pk):
                    break
    except Exception:  # the row says cancelled; a task that still starts returns at once
        log.exception("could not revoke the task of export job %s", job.pk)
        task_ids = []
    job.refresh_from_db()
    if job.status == JobStatus.CANCELLED:  # what it had written: the terminated run's staging folder too
        _files_remove(job)
        if job.result_path:
            ExportJob.objects.filter(pk=job.pk).update(result_path="")
    audit_record(user=user, project=job.project, action="export.cancel", obj=job,
                 details={"revoked_tasks": len(task_ids)})
    _JobProgress(job, export_job_scene_ids(job=job)).send(JobStatus.CANCELLED, job.progress, job.error)
    job.refresh_from_db()
    return job


def export_job_scene_ids(*, job: ExportJob) -> list[int]:
    """The scenes whose sockets hear about this job: its scene filter, or every ready scene of the project."""
    from annotator.models import Scene, SceneStatus

    scenes = Scene.objects.filter(project_id=job.project_id, status=SceneStatus.READY)
    wanted = (job.filters or {}).get("scenes") or []
    if wanted:
        scenes = scenes.filter(pk__in=wanted)
    return list(scenes.order_by("id").values_list("id", flat=True))


def _folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) if folder.is_dir() else 0


def export_archives_purge(*, older_than_days: int | None = None, project: Project | None = None, user=None,
                          now=None) -> dict:
    """Remove export archives older than `older_than_days` (default settings.EXPORT_RETENTION_DAYS; 0 keeps them),
    of one project or of all. The job rows and manifests stay; a purged job answers `expired`. Folders of jobs
    that ended without a file (failed, cancelled) or whose row is gone are removed too once as old.
    Returns {"removed": jobs whose archive was removed, "folders": folders removed, "freed_bytes"}."""
    days = settings.EXPORT_RETENTION_DAYS if older_than_days is None else older_than_days
    if not 0 <= days <= MAX_RETENTION_DAYS:
        raise ValidationFailed(f"older_than_days must lie between 0 and {MAX_RETENTION_DAYS}.",
                               extra={"reason": "invalid_retention"})
    if days == 0 and older_than_days is None:
        return {"removed": 0, "folders": 0, "freed_bytes": 0, "older_than_days": 0}
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    jobs = ExportJob.objects.select_related("project").filter(finished_at__lt=cutoff).exclude(result_path="")
    if project is not None:
        jobs = jobs.filter(project=project)
    removed, freed, folders = 0, 0, 0
    for job in jobs:
        freed += _result_remove(job)
        ExportJob.objects.filter(pk=job.pk).update(result_path="")
        removed += 1
        folders += 1
    root = Path(settings.MEDIA_ROOT) / EXPORTS_DIR
    slugs = [project.slug] if project is not None else None
    for project_dir in (root.iterdir() if root.is_dir() else []):
        if not project_dir.is_dir() or (slugs is not None and project_dir.name not in slugs):
            continue
        for folder in project_dir.iterdir():
            if not folder.is_dir() or not folder.name.isdigit():
                continue
            open_job = ExportJob.objects.filter(pk=int(folder.name), status__in=_OPEN_STATUSES).exists()
            kept = ExportJob.objects.filter(pk=int(folder.name)).exclude(result_path="").exists()
            mtime = dt.datetime.fromtimestamp(folder.stat().st_mtime, tz=dt.UTC)
            if open_job or kept or mtime >= cutoff:
                continue
            freed += _folder_bytes(folder)
            shutil.rmtree(folder, ignore_errors=True)
            folders += 1
    result = {"removed": removed, "folders": folders, "freed_bytes": freed, "older_than_days": days}
    if user is not None or removed or folders:
        audit_record(user=user, project=project, action="export.purge", obj=None, details=result)
    return result
