"""webapp tests: a clean slate in the real Redis for login counters and WebSocket tickets (`clean_redis`)."""

import pytest
import redis
from django.conf import settings

from webapp.auth_services import LOGIN_PREFIX, TICKET_PREFIX


def _wipe() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    for prefix in (LOGIN_PREFIX, TICKET_PREFIX):
        keys = list(client.scan_iter(match=prefix + "*", count=500))
        if keys:
            client.delete(*keys)


@pytest.fixture
def clean_redis():
    _wipe()
    yield redis.Redis.from_url(settings.REDIS_URL)
    _wipe()
