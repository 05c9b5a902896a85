"""A sliding-window limiter kept in Redis, so every web process and machine shares the same counts.

A caller *reserves* an attempt on one or more keys at once (say an account and a client address): the reservation is
refused, with the seconds to wait, when any key already holds ``limit`` attempts in its last ``window`` seconds.
A reservation that turns out not to count (a successful login) is released again. Check and record are one Lua
script, so concurrent attempts cannot overshoot a limit; the clock is Redis's own, so web machines may disagree on
the time. Each key is a sorted set of attempt ids scored by time and expires with its window: it never holds more
than ``limit`` entries.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass

_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local member = ARGV[1]
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local key_wait = tonumber(freeing[2]) + window - now
    if key_wait > wait then wait = key_wait end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 1]))
end
return 0
"""


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` attempts per ``window_s`` seconds on ``key``."""

    key: str
    limit: int
    window_s: float


@dataclass(frozen=True)
class Reservation:
    """An attempt recorded on every rule's key (``member`` is its id in each sorted set)."""

    keys: tuple[str, ...]
    member: str


class Refused(Exception):  # reads as the limiter's answer
    def __init__(self, retry_after_s: int):
        super().__init__(f"retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


class SlidingWindowLimiter:
    """Reserve, release and reset attempts on Redis keys; ``client`` is a redis-py client."""

    def __init__(self, client):
        self.client = client
        self._reserve = client.register_script(_RESERVE)

    def reserve(self, rules: list[Rule]) -> Reservation:
        """Record one attempt on every rule's key, or raise :class:`Refused` (recording nothing) if any is full."""
        if any(rule.limit < 1 or rule.window_s <= 0 for rule in rules):
            raise ValueError("a rule needs limit >= 1 and window_s > 0")
        member = secrets.token_hex(8)
        args: list = [member]
        for rule in rules:
            args += [rule.limit, max(1, int(rule.window_s * 1000))]
        wait_ms = int(self._reserve(keys=[rule.key for rule in rules], args=args))
        if wait_ms > 0:
            raise Refused(max(1, math.ceil(wait_ms / 1000)))
        return Reservation(keys=tuple(rule.key for rule in rules), member=member)

    def release(self, reservation: Reservation, *, keys: tuple[str, ...] | None = None) -> None:
        """Take the attempt back (from ``keys`` only, when given)."""
        pipe = self.client.pipeline(transaction=False)
        for key in reservation.keys if keys is None else keys:
            pipe.zrem(key, reservation.member)
        pipe.execute()

    def reset(self, key: str) -> None:
        self.client.delete(key)
