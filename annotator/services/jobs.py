"""Liveness of background jobs, one mechanism for every job kind (scene ingestion, exports, training).

A job row records the Celery task that claimed it (``celery_task_id``) and a heartbeat (``heartbeat_at``):

- ``job_heartbeat(model=..., pk=...)`` runs a daemon thread beside the job that writes the heartbeat every
  ``JOB_HEARTBEAT_EVERY_S`` (on its own database connection, closed when it stops). The thread dies with its process,
  so a kill (SIGKILL, OOM, a lost machine) stops the heartbeat even where no Celery signal is ever sent.
- ``liveness()`` asks the workers (Celery inspect: active and reserved tasks) once per reaper pass.
- ``Liveness.verdict`` tells a dead job from a slow one: a job whose task some answering worker holds is alive
  however long it runs; otherwise it is dead once its heartbeat is older than ``JOB_HEARTBEAT_STALE_S``; a job that
  never started is failed after ``JOB_QUEUED_MAX_S``.
- ``task_failure_route`` turns a worker-side task failure (WorkerLostError when a pool child is killed, a hard time
  limit) into the job's own failure at once, by task id.

Each kind keeps only what is its own: how to claim a row, how to fail it and which partial files to remove.
The reapers (``annotator.reap_stale_jobs``, ``feedback.reap_stale_jobs``) run on beat and when a worker starts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

log = logging.getLogger(__name__)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def heartbeat_every_s() -> float:
    return _setting("JOB_HEARTBEAT_EVERY_S", 10.0)


def heartbeat_stale_s() -> float:
    return _setting("JOB_HEARTBEAT_STALE_S", 60.0)


def queued_max_s() -> float:
    return _setting("JOB_QUEUED_MAX_S", 24 * 3600.0)


def job_task_id(task_id: str | None) -> str:
    """The id a run is recorded under: its Celery task id, or a fresh one for an in-process run."""
    import uuid

    return task_id or f"inline-{uuid.uuid4()}"


@contextmanager
def job_heartbeat(*, model, pk: int, field: str = "heartbeat_at"):
    """Beat ``model(pk).<field>`` every JOB_HEARTBEAT_EVERY_S while the block runs.

    Not started inside a transaction (an in-process run in a test or a caller's atomic block): the row may be
    locked by that transaction and is invisible to the reaper anyway."""
    if transaction.get_connection().in_atomic_block:
        yield
        return
    every = heartbeat_every_s()
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    model.objects.filter(pk=pk).update(**{field: timezone.now()})
                except Exception:  # a missed beat is not a failure; the next one may pass
                    log.warning("heartbeat of %s %s failed", model.__name__, pk, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only (they are per thread)

    thread = threading.Thread(target=beat, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 30)


def job_progress_pause() -> None:
    """Test hook: ``JOB_PROGRESS_DELAY_S`` (GEOLOOP_JOB_PROGRESS_DELAY_S) seconds of sleep at each recorded
    progress step, so that a test can kill a worker mid-job without racing it. 0 (the default) in production."""
    delay = _setting("JOB_PROGRESS_DELAY_S", 0.0)
    if delay > 0:
        time.sleep(delay)


@dataclass(frozen=True)
class Liveness:
    """What the workers said in one reaper pass."""

    alive: frozenset[str] | None  # ids of tasks workers are executing or hold reserved; None: no worker answered
    now: datetime

    def verdict(self, *, task_id: str, heartbeat_at: datetime | None) -> str | None:
        """Why a started job is dead, or None while it may still be alive (a slow job is not a dead one)."""
        if self.alive is not None and task_id and task_id in self.alive:
            return None
        stale = heartbeat_stale_s()
        if heartbeat_at is not None and heartbeat_at >= self.now - timedelta(seconds=stale):
            return None
        if self.alive is None:
            return (f"its worker stopped: no heartbeat for over {stale:.0f} s and no worker answers "
                    "(worker killed or lost)")
        return f"its worker stopped: no worker is running it and no heartbeat for over {stale:.0f} s " \
               "(worker killed or crashed)"

    def never_started(self, *, task_id: str, queued_since: datetime, queue: str) -> str | None:
        """Why a job that was never claimed by a worker is given up, or None while it may still start."""
        if self.alive is not None and task_id and task_id in self.alive:
            return None
        limit = queued_max_s()
        if queued_since >= self.now - timedelta(seconds=limit):
            return None
        return (f"no worker started it within {limit / 3600:.1f} h (is a worker consuming queue {queue!r}?); "
                "submit it again")

    def claimed_job_verdict(self, *, task_id: str, heartbeat_at: datetime | None, queued_since: datetime,
                            queue: str) -> str | None:
        """For a job that records its Celery task id when a worker claims it (an ingestion, a pair's resampling):
        a claimed one is judged by :meth:`verdict`, an unclaimed one by :meth:`never_started`."""
        if task_id:
            return self.verdict(task_id=task_id, heartbeat_at=heartbeat_at)
        return self.never_started(task_id="", queued_since=queued_since, queue=queue)


def liveness(*, timeout: float = 1.0) -> Liveness:
    """Ask every worker which tasks it is executing or holds reserved."""
    from celery import current_app

    try:
        inspector = current_app.control.inspect(timeout=timeout)
        replies = [inspector.active(), inspector.reserved()]
    except Exception:  # broker trouble: we simply do not know
        log.warning("could not inspect the workers", exc_info=True)
        replies = [None, None]
    if not any(replies):
        return Liveness(alive=None, now=timezone.now())
    ids = {t["id"] for reply in replies if reply for tasks in reply.values() for t in tasks}
    return Liveness(alive=frozenset(ids), now=timezone.now())


def task_failure_route(*, task_names: Iterable[str], fail: Callable[[str, str], object]) -> None:
    """Fail the job of a task that the worker reports failed (a killed pool child: WorkerLostError; a hard time
    limit). ``fail(task_id, reason)`` must only touch a job still open under that task id."""
    from celery.signals import task_failure

    names = frozenset(task_names)

    def handler(sender=None, task_id=None, exception=None, **kwargs):
        if getattr(sender, "name", None) not in names or not task_id:
            return
        try:
            fail(task_id, f"task failed: {type(exception).__name__}: {exception}")
        except Exception:  # the reaper catches what this misses
            log.exception("could not record the failure of task %s", task_id)

    task_failure.connect(handler, weak=False, dispatch_uid=f"job-failure:{','.join(sorted(names))}")


def job_task_send(name: str, *, args: list, task_id: str | None = None) -> None:
    """Enqueue a job's task by name now (routing by name picks its queue)."""
    from celery import current_app

    current_app.send_task(name, args=args, task_id=task_id)


def send_job_task(name: str, *, args: list, task_id: str | None = None) -> None:
    """Enqueue a job's task by name after the current transaction commits."""
    transaction.on_commit(lambda: job_task_send(name, args=args, task_id=task_id))
