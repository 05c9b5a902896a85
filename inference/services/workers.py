"""Which Celery queues have a live consumer: every worker writes a heartbeat to Redis; callers read it.

A worker records, every :data:`HEARTBEAT_EVERY_S`, each queue it consumes as a member of the sorted set
``geoloop:queue:consumers:<queue>`` (member: the worker's hostname, score: the time its entry expires,
``HEARTBEAT_TTL_S`` ahead), and removes itself on a clean shutdown; a killed worker drops out when its entry
expires. A reader asks, for any number of queues, in one Redis round trip, whether some entry has not expired yet;
the answer is cached per process for :data:`CHECK_CACHE_S` seconds, so the prompt path pays for it at most once
every few seconds, and only when it is about to wait for an encode.

Chosen over ``celery.control.ping`` / ``inspect().active_queues()``: a broadcast waits its whole timeout for
replies (a second, on every check), while the heartbeat is one Redis read.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

import redis
from django.conf import settings

from core.cache import TtlCache
from inference.services.errors import NoInferenceWorker

log = logging.getLogger(__name__)

HEARTBEAT_EVERY_S = 5.0
HEARTBEAT_TTL_S = 15.0
CHECK_CACHE_S = 3.0
PREFIX = "geoloop:queue:consumers:"

_checked = TtlCache(ttl=CHECK_CACHE_S, size=64)
_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def _client() -> redis.Redis:
    """A client for ``REDIS_URL`` with short timeouts (a health check must not hang on a dead Redis)."""
    url = settings.REDIS_URL
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        return client


def queue_names() -> list[str]:
    """The queues the project defines (``CELERY_TASK_QUEUES``)."""
    return [q if isinstance(q, str) else q.name for q in settings.CELERY_TASK_QUEUES]


def task_queue(task_name: str) -> str:
    """The queue ``CELERY_TASK_ROUTES`` sends ``task_name`` to (glob patterns as Celery reads them)."""
    from fnmatch import fnmatchcase

    for pattern, route in settings.CELERY_TASK_ROUTES.items():
        if fnmatchcase(task_name, pattern):
            return route["queue"]
    return settings.CELERY_TASK_DEFAULT_QUEUE


def queues_without_consumers(*, queues: Iterable[str] | None = None, cached: bool = True) -> list[str]:
    """Those of ``queues`` (default: all of them) that no live worker consumes. Raises redis errors."""
    queues = list(queue_names() if queues is None else queues)
    url = settings.REDIS_URL
    answer: dict[str, bool] = {}
    ask = []
    for q in queues:
        hit = _checked.get((url, q)) if cached else None
        if hit is None:
            ask.append(q)
        else:
            answer[q] = hit
    if ask:
        pipe = _client().pipeline(transaction=False)
        now = time.time()
        for q in ask:
            pipe.zcount(PREFIX + q, now, "+inf")
        for q, count in zip(ask, pipe.execute(), strict=True):
            answer[q] = count > 0
            _checked.put((url, q), answer[q])
    return [q for q in queues if not answer[q]]


def inference_worker_require() -> None:
    """Raise :class:`NoInferenceWorker` when no worker consumes the queue of ``inference.encode_window`` (with
    ``CELERY_TASK_ALWAYS_EAGER`` tasks run in the caller: nothing to check)."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return
    queue = task_queue("inference.encode_window")
    if queues_without_consumers(queues=[queue]):
        raise NoInferenceWorker(f"no inference worker is running (nothing consumes the {queue!r} queue); "
                                "start one, then prompt again")


# ------------------------------------------------------------------------------------------------ worker side


class QueueHeartbeat:
    """The worker's heartbeat: a daemon thread that writes this worker's queues every HEARTBEAT_EVERY_S."""

    def __init__(self, *, hostname: str, queues: Callable[[], list[str]]) -> None:
        self.hostname, self.queues = hostname, queues
        self._stop = threading.Event()
        self._written: set[str] = set()
        self._thread = threading.Thread(target=self._run, name="queue-heartbeat", daemon=True)

    def beat(self) -> None:
        now = time.time()
        queues = set(self.queues())
        pipe = _client().pipeline(transaction=False)
        for q in queues:
            pipe.zadd(PREFIX + q, {self.hostname: now + HEARTBEAT_TTL_S})
            pipe.zremrangebyscore(PREFIX + q, "-inf", now - HEARTBEAT_TTL_S)  # long-dead workers
        for q in self._written - queues:  # a queue this worker no longer consumes
            pipe.zrem(PREFIX + q, self.hostname)
        pipe.execute()
        self._written = queues

    def _run(self) -> None:
        while not self._stop.wait(HEARTBEAT_EVERY_S):
            try:
                self.beat()
            except Exception:  # Redis away for a moment: the next beat tries again
                log.warning("queue heartbeat failed", exc_info=True)

    def start(self) -> None:
        self.beat()  # at once: the worker counts as a consumer as soon as it is ready
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        try:
            pipe = _client().pipeline(transaction=False)
            for q in self._written:
                pipe.zrem(PREFIX + q, self.hostname)
            pipe.execute()
        except Exception:  # the entries expire anyway
            log.warning("could not remove the queue heartbeat", exc_info=True)


_heartbeat: QueueHeartbeat | None = None


def queue_heartbeat_start(*, consumer) -> None:
    """``worker_ready`` handler: start the heartbeat of the worker whose task consumer is ``consumer``."""
    global _heartbeat

    def queues() -> list[str]:
        task_consumer = getattr(consumer, "task_consumer", None)
        if task_consumer is not None:
            return [q.name for q in task_consumer.queues]
        return list(consumer.app.amqp.queues.consume_from)

    _heartbeat = QueueHeartbeat(hostname=consumer.hostname, queues=queues)
    _heartbeat.start()


def queue_heartbeat_stop() -> None:
    """``worker_shutdown`` handler: stop beating and leave the consumer sets at once."""
    global _heartbeat
    if _heartbeat is not None:
        _heartbeat.stop()
        _heartbeat = None
