"""Authentication that remembers who a token or session belongs to for a few seconds, for hot read-only endpoints
(map tiles): a warm request then needs no database at all. A revoked token, a logout or a deactivated user still
reads those endpoints for at most AUTH_TTL_S seconds."""

import threading
import time

from django.conf import settings
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

AUTH_TTL_S = 10.0


class TtlCache:
    """A small per-process cache whose entries expire after `ttl` seconds (cleared whole when full)."""

    def __init__(self, ttl: float, size: int = 4096):
        self.ttl, self.size = ttl, size
        self._items: dict = {}
        self._lock = threading.Lock()

    def get(self, key, default=None):
        item = self._items.get(key)
        if item is not None and time.monotonic() - item[0] < self.ttl:
            return item[1]
        return default

    def put(self, key, value) -> None:
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()
            self._items[key] = (time.monotonic(), value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


token_users = TtlCache(AUTH_TTL_S)
session_users = TtlCache(AUTH_TTL_S)


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        cached = token_users.get(key)
        if cached is not None:
            return cached
        result = super().authenticate_credentials(key)
        token_users.put(key, result)
        return result


class CachedSessionAuthentication(SessionAuthentication):
    """For read-only endpoints only: no CSRF check is needed for safe methods either way."""

    def authenticate(self, request):
        session_key = request._request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key:
            cached = session_users.get(session_key)
            if cached is not None:
                return cached
        result = super().authenticate(request)
        if result is not None and session_key:
            session_users.put(session_key, result)
        return result
