"""/healthz: database, Redis and Celery worker reachability."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from webapp.celery import app as celery_app


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT PostGIS_Version()")


def _redis() -> None:
    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()


def _celery() -> None:
    replies = celery_app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no Celery worker answered a ping")


CHECKS = {"database": _database, "redis": _redis, "celery": _celery}


def healthz(request):
    results, failing = {}, []
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            results[name] = f"unreachable: {exc}"
            failing.append(name)
    body = {"status": "ok" if not failing else "unhealthy", "checks": results, "failing": failing}
    return JsonResponse(body, status=200 if not failing else 503)
