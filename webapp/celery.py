"""The Celery app. Queues are named by purpose; each queue's time limits apply to every task routed to it."""

import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

app = Celery("geoloop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class QueueLimits:
    """Celery task annotation: give each task the soft/hard time limits of the queue it is routed to."""

    def annotate(self, task):
        from django.conf import settings

        route = app.amqp.router.route({}, task.name) if task.name else {}
        queue = getattr(route.get("queue"), "name", None) or settings.CELERY_TASK_DEFAULT_QUEUE
        soft, hard = settings.CELERY_QUEUE_TIME_LIMITS.get(queue, (None, None))
        options = {"soft_time_limit": soft, "time_limit": hard}
        if queue in settings.CELERY_TASK_ACKS_LATE_QUEUES:
            options.update(acks_late=True, reject_on_worker_lost=False)
        return options


app.conf.task_annotations = (QueueLimits(),)


REAPERS = ("annotator.reap_stale_jobs", "feedback.reap_stale_jobs")


@worker_ready.connect
def reap_on_worker_start(sender=None, **kwargs):
    """A worker that starts (often the one restarted after a kill) asks for a reaper pass at once, so jobs its
    predecessor left do not wait for beat."""
    for name in REAPERS:
        try:
            app.send_task(name)
        except Exception:  # beat runs the reapers anyway
            logging.getLogger(__name__).warning("could not queue %s at worker start", name, exc_info=True)
