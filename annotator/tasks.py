"""Thin Celery tasks of the annotator app: take ids, call a service."""

from celery import shared_task

from annotator.services.exports import export_job_run
from annotator.services.scenes import scene_ingest


@shared_task(name="annotator.ingest_scene")
def ingest_scene(scene_id: int) -> str:
    """Ingest one scene (queue `default`); returns its final status. Failures are recorded on the scene."""
    return scene_ingest(scene_id=scene_id).status


@shared_task(name="annotator.export_dataset")
def export_dataset(job_id: int) -> str:
    """Run one export job (queue `export`); returns its final status. Failures are recorded on the job."""
    return export_job_run(job_id=job_id).status
