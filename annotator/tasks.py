"""Thin Celery tasks of the annotator app: take ids, call a service."""

from celery import shared_task

from annotator.services.exports import export_archives_purge, export_job_run
from annotator.services.imports import import_staging_purge
from annotator.services.scenes import scene_ingest


@shared_task(name="annotator.ingest_scene")
def ingest_scene(scene_id: int) -> str:
    """Ingest one scene (queue `default`); returns its final status. Failures are recorded on the scene."""
    return scene_ingest(scene_id=scene_id).status


@shared_task(name="annotator.export_dataset")
def export_dataset(job_id: int) -> str:
    """Run one export job (queue `export`); returns its final status. Failures are recorded on the job."""
    return export_job_run(job_id=job_id).status


@shared_task(name="annotator.purge_export_archives")
def purge_export_archives() -> dict:
    """Remove export archives older than settings.EXPORT_RETENTION_DAYS (beat, daily; queue `default`)."""
    return export_archives_purge()


@shared_task(name="annotator.purge_import_uploads")
def purge_import_uploads() -> int:
    """Remove import files uploaded for a preview and never committed, past settings.IMPORT_STAGING_TTL_SECONDS."""
    return import_staging_purge()
