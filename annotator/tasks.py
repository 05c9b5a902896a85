"""Thin Celery tasks of the annotator app: take ids, call a service.

A killed pool child makes the worker report the task failed (WorkerLostError): the job is failed at once, by task
id. A whole worker killed is caught by ``annotator.reap_stale_jobs`` (on beat, and when a worker starts), which
also removes partial files and the temporary files of killed uploads (annotator.services.jobs, .scratch).
"""

from celery import shared_task

from annotator.services.exports import export_archives_purge, export_job_run, export_job_task_failed, export_jobs_reap
from annotator.services.imports import import_staging_purge
from annotator.services.jobs import liveness, task_failure_route
from annotator.services.scenes import scene_ingest, scene_ingest_task_failed, scenes_reap
from annotator.services.scratch import scratch_sweep
from annotator.services.uploads import upload_bucket_sweep, upload_leftovers_sweep


@shared_task(name="annotator.ingest_scene", bind=True)
def ingest_scene(self, scene_id: int) -> str:
    """Ingest one scene (queue `default`); returns its final status. Failures are recorded on the scene."""
    return scene_ingest(scene_id=scene_id, task_id=self.request.id).status


@shared_task(name="annotator.export_dataset", bind=True)
def export_dataset(self, job_id: int) -> str:
    """Run one export job (queue `export`); returns its final status. Failures are recorded on the job."""
    return export_job_run(job_id=job_id, task_id=self.request.id).status


@shared_task(name="annotator.reap_stale_jobs")
def reap_stale_jobs() -> dict:
    """Beat entry point: fail ingestions and exports whose worker is gone, remove their partial files and the
    temporary files of killed uploads and imports."""
    from annotator.services.pairs import pairs_reap

    alive = liveness()
    return {"scenes": scenes_reap(alive=alive), "exports": export_jobs_reap(alive=alive),
            "pairs": pairs_reap(alive=alive),
            "files": [str(p) for p in upload_leftovers_sweep() + scratch_sweep()] + upload_bucket_sweep()}


@shared_task(name="annotator.purge_export_archives")
def purge_export_archives() -> dict:
    """Remove export archives older than settings.EXPORT_RETENTION_DAYS (beat, daily; queue `default`)."""
    return export_archives_purge()


@shared_task(name="annotator.purge_import_uploads")
def purge_import_uploads() -> int:
    """Remove import files uploaded for a preview and never committed, past settings.IMPORT_STAGING_TTL_SECONDS."""
    return import_staging_purge()


task_failure_route(task_names=["annotator.ingest_scene"], fail=scene_ingest_task_failed)
task_failure_route(task_names=["annotator.export_dataset"], fail=export_job_task_failed)


@shared_task(name="annotator.resample_pair", bind=True)
def resample_pair(self, pair_id: int) -> str:
    """Resample a pair's after scene onto its grid (queue `default`); returns the pair's final status."""
    from annotator.services.pairs import pair_resample

    return pair_resample(pair_id=pair_id, task_id=self.request.id).status


def _pair_task_failed(task_id: str, reason: str) -> bool:
    from annotator.services.pairs import pair_resample_task_failed

    return pair_resample_task_failed(task_id, reason)


task_failure_route(task_names=["annotator.resample_pair"], fail=_pair_task_failed)
