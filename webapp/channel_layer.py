"""The Channels layer: channels-redis, made to outlive a Redis restart.

Plain channels-redis raises from ``receive`` when Redis goes away: the consumer's task ends and its WebSocket is
dropped without a close frame; and a restarted Redis has forgotten every group, so sockets that reconnect nothing
and stayed open would hear nothing more. Here a receiver waits for Redis to answer again instead (with a growing
pause, cancelled with its consumer), then joins its channel's groups again before it goes on receiving.
"""

from __future__ import annotations

import asyncio
import logging

from channels_redis.core import RedisChannelLayer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


class ReconnectingRedisChannelLayer(RedisChannelLayer):
    """``RedisChannelLayer`` whose receivers ride out a Redis outage and rejoin their groups afterwards."""

    retry_first_s = 0.1
    retry_max_s = 2.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships: dict[str, set[str]] = {}  # channel -> groups it joined through this layer

    async def group_add(self, group, channel):
        await super().group_add(group, channel)
        self.memberships.setdefault(channel, set()).add(group)

    async def group_discard(self, group, channel):
        groups = self.memberships.get(channel)
        if groups is not None:
            groups.discard(group)
            if not groups:
                del self.memberships[channel]
        try:
            await super().group_discard(group, channel)
        except REDIS_DOWN as exc:  # the membership expires on its own (and a restarted Redis has none)
            log.warning("could not leave group %s while Redis is unreachable: %s", group, exc)

    async def receive(self, channel):
        while True:
            try:
                return await super().receive(channel)
            except REDIS_DOWN as exc:
                log.warning("channel layer lost Redis (%s); %s waits for it", exc, channel)
            await self._rejoin_when_back(channel)

    async def _rejoin_when_back(self, channel: str) -> None:
        delay = self.retry_first_s
        while True:
            await asyncio.sleep(delay)
            try:
                for index in range(self.ring_size):
                    await self.connection(index).ping()
                for group in list(self.memberships.get(channel, ())):
                    await super().group_add(group, channel)
                return
            except REDIS_DOWN:
                delay = min(delay * 2, self.retry_max_s)
