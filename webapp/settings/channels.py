from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from webapp.settings.celery import REDIS_URL

CHANNEL_LAYERS = {
    "default": {
        # channels-redis whose receivers wait out a Redis restart and rejoin their groups (webapp.channel_layer)
        "BACKEND": "webapp.channel_layer.ReconnectingRedisChannelLayer",
        "CONFIG": {
            # channels-redis blocks 5 s per receive (BZPOPMIN); redis-py 8 times a socket read out at 5 s too,
            # which dropped every idle WebSocket. Reads get a longer timeout than the blocking call.
            # A command on a pooled connection that Redis closed (it restarted) is retried on a new one, briefly,
            # so that sends and joins after Redis is back do not fail once per stale connection.
            "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "socket_connect_timeout": 5,
                       "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), 2)}],
            "capacity": 1000,
            "expiry": 30,
        },
    }
}
