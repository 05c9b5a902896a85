from webapp.settings.celery import REDIS_URL

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # channels-redis blocks 5 s per receive (BZPOPMIN); redis-py 8 times a socket read out at 5 s too,
            # which dropped every idle WebSocket. Reads get a longer timeout than the blocking call.
            "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "socket_connect_timeout": 5}],
            "capacity": 1000,
            "expiry": 30,
        },
    }
}
