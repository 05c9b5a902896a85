"""Thin Celery tasks of the inference app (queue ``gpu`` via the ``inference.*`` route): take ids, call a service.

Every worker (whatever its queues: each imports this module through autodiscovery) also writes the queue
heartbeat that tells callers which queues have a consumer (:mod:`inference.services.workers`).
"""

from celery import shared_task
from celery.signals import worker_ready, worker_shutdown

from inference.services.embeddings import embedding_encode
from inference.services.proposals import prompt_decode_remote
from inference.services.similar import similar_batch_run
from inference.services.uncertainty import project_uncertainty_refresh, task_uncertainty_compute
from inference.services.workers import queue_heartbeat_start, queue_heartbeat_stop


@shared_task(name="inference.encode_window")
def encode_window(version_id: int, scene_id: int, window_key: str, prefetch: list | None = None) -> dict:
    """Encode one window of a scene with a model version into the embedding cache (de-duplicated by the caller's
    Redis flag; waiters hear the outcome on a Redis channel; a stale prefetch is skipped)."""
    return embedding_encode(version_id=version_id, scene_id=scene_id, window_key=window_key, prefetch=prefetch)


@shared_task(name="inference.decode_prompt")
def decode_prompt(payload: dict) -> dict:
    """Decode one prompt on a cached embedding (only with ``GEOLOOP_DECODE_IN=worker``)."""
    return prompt_decode_remote(payload)


@shared_task(name="inference.task_uncertainty")
def task_uncertainty(task_id: int) -> dict:
    """Score how unsure the project's active model is over one task's area (``Task.uncertainty``)."""
    return task_uncertainty_compute(task_id=task_id)


@shared_task(name="inference.project_uncertainty")
def project_uncertainty(project_id: int) -> dict:
    """Score the project's open tasks whose uncertainty is missing or from another model version."""
    return project_uncertainty_refresh(project_id=project_id)


@shared_task(name="inference.find_similar", bind=True)
def find_similar(self, batch_id: int) -> dict:
    """Propose every object similar to a batch's exemplars over its area (``SimilarBatch``)."""
    return similar_batch_run(batch_id=batch_id, celery_task_id=self.request.id)


@worker_ready.connect
def _queue_heartbeat_start(sender=None, **kwargs) -> None:
    queue_heartbeat_start(consumer=sender)


@worker_shutdown.connect
def _queue_heartbeat_stop(sender=None, **kwargs) -> None:
    queue_heartbeat_stop()


@shared_task(name="inference.first_tasks_prefetch")
def first_tasks_prefetch_task(project_id: int) -> dict:
    """Tasks were created or assigned: queue the windows of each idle member's first tasks (queue ``default``)."""
    from annotator.models import Project
    from inference.services.prefetch import first_tasks_prefetch

    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return {}
    return {str(k): v for k, v in first_tasks_prefetch(project=project).items()}
