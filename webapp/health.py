"""/healthz: database, Redis, and a live worker on every Celery queue.

The ``celery`` check reads the workers' queue heartbeat (:mod:`inference.services.workers`, one Redis round
trip); the body's ``queues_without_consumers`` names each queue of ``CELERY_TASK_QUEUES`` that no worker consumes
(``null`` when that could not be read).
"""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from inference.services.workers import queues_without_consumers


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT PostGIS_Version()")


def _redis() -> None:
    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()


def healthz(request):
    results, failing = {}, []
    for name, check in (("database", _database), ("redis", _redis)):
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            results[name] = f"unreachable: {exc}"
            failing.append(name)
    missing = None
    try:
        missing = queues_without_consumers(cached=False)
        results["celery"] = "ok" if not missing else f"no worker consumes: {', '.join(missing)}"
    except Exception as exc:  # noqa: BLE001
        results["celery"] = f"unreachable: {exc}"
    if results["celery"] != "ok":
        failing.append("celery")
    body = {"status": "ok" if not failing else "unhealthy", "checks": results, "failing": failing,
            "queues_without_consumers": missing}
    return JsonResponse(body, status=200 if not failing else 503)
