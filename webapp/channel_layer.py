"""The Channels layer: channels-redis, made to outlive a Redis restart.

Plain channels-redis raises from ``receive`` when Redis goes away: the consumer's task ends and its WebSocket is
dropped without a close frame; a socket opening meanwhile fails its handshake with a 500; and a restarted Redis has
forgotten every group, so sockets that stayed open would hear nothing more. Here a receiver waits for Redis to answer
again instead (with a growing pause, cancelled with its consumer), a join is remembered and done when Redis is back,
and then the process's channels join their groups again before receiving goes on.
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
        self._rejoin: asyncio.Future | None = None  # the running "wait for Redis, rejoin" task, once per outage

    async def group_add(self, group, channel):
        """Join now, or, while Redis is out of reach, as soon as it answers again (the socket still opens)."""
        self.memberships.setdefault(channel, set()).add(group)
        try:
            await super().group_add(group, channel)
        except REDIS_DOWN as exc:
            log.warning("channel layer cannot reach Redis (%s); %s joins %s when it is back", exc, channel, group)
            self._rejoin_soon()

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
            # The receivers of a process share one blocking read, so only one of them sees the error: one rejoin
            # for all of them, in a task of its own so that a receiver cancelled meanwhile does not stop it.
            await asyncio.shield(self._rejoin_soon())

    def _rejoin_soon(self) -> asyncio.Future:
        if self._rejoin is None or self._rejoin.done():
            self._rejoin = asyncio.ensure_future(self._rejoin_when_back())
        return self._rejoin

    async def _rejoin_when_back(self) -> None:
        """Wait until Redis answers, then join every group this process's channels joined (a restarted Redis has
        none)."""
        delay = self.retry_first_s
        while True:
            await asyncio.sleep(delay)
            try:
                for index in range(self.ring_size):
                    await self.connection(index).ping()
                for channel, groups in list(self.memberships.items()):
                    for group in list(groups):
                        await super().group_add(group, channel)
                break
            except REDIS_DOWN:
                delay = min(delay * 2, self.retry_max_s)
        log.warning("channel layer reached Redis again; %d channels rejoined their groups", len(self.memberships))
