"""Thin Celery tasks: take ids, call a service.

``feedback.train_*`` route to queue ``train`` (acks late, the queue's long time limits). A worker child killed
mid-job makes the parent worker send ``task_failure`` with WorkerLostError: the route below fails the job with
that in its log. A whole worker killed is caught by the next task start (``training_job_run`` reaps) and by the
periodic ``feedback.reap_stale_jobs`` (on beat and when a worker starts), with the liveness rule every job kind
shares (annotator.services.jobs).
"""

from celery import shared_task

from annotator.services.jobs import task_failure_route


@shared_task(name="feedback.train_model", bind=True)
def train_model(self, job_id: int) -> str | None:
    from feedback.services import training_job_run

    job = training_job_run(job_id=job_id, task_id=self.request.id)
    return job.status if job is not None else None


@shared_task(name="feedback.quality_refit")
def quality_refit(project_id: int, version_id: int) -> int | None:
    """Refit and publish a project's quality calibrator for a model version (queue ``default``)."""
    from feedback.services.calibration import quality_refit as refit

    row = refit(project_id=project_id, version_id=version_id)
    return row.pk if row is not None else None


@shared_task(name="feedback.train_scheduled")
def train_scheduled(project_id: int) -> int | None:
    """Beat entry point: a scheduled job for the project, unless one is already open."""
    from annotator.selectors.projects import project_get
    from core.errors import Conflict
    from feedback.models import Trigger
    from feedback.services import training_job_create

    project = project_get(project_id=project_id)
    if project is None or project.archived:
        return None
    try:
        return training_job_create(project=project, trigger=Trigger.SCHEDULE).id
    except Conflict:
        return None


@shared_task(name="feedback.reap_stale_jobs")
def reap_stale_jobs() -> list[int]:
    from feedback.services import training_jobs_reap

    return training_jobs_reap()


def _training_task_failed(task_id: str, reason: str) -> bool:
    from feedback.services.jobs import training_job_task_failed

    return training_job_task_failed(task_id, reason)


task_failure_route(task_names=["feedback.train_model"], fail=_training_task_failed)
