"""API token authentication with expiry, and cached variants for hot read-only endpoints (map tiles).

A token is refused once it is older than ``settings.GEOLOOP_TOKEN_TTL_HOURS`` (checked on every request, cached or
not). The cached classes remember who a token or session belongs to for ``AUTH_TTL_S`` seconds, so a warm tile request
needs no database at all. Logout deletes the token and the session and forgets both here (:func:`forget`); another
web process may still accept them from its own cache for at most ``AUTH_TTL_S`` seconds, as it may a token deleted
or a user deactivated by other means.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from core.cache import TtlCache

AUTH_TTL_S = 10.0


token_users = TtlCache(AUTH_TTL_S)
session_users = TtlCache(AUTH_TTL_S)


def token_expires_at(created: datetime) -> datetime:
    return created + timedelta(hours=settings.GEOLOOP_TOKEN_TTL_HOURS)


def token_expired(token) -> bool:
    """True when the token (a ``rest_framework.authtoken`` Token) is past its lifetime."""
    return timezone.now() >= token_expires_at(token.created)


def forget(*, token_key: str | None = None, session_key: str | None = None) -> None:
    """Drop a token's or a session's cached user in this process (logout, revocation)."""
    if token_key:
        token_users.pop(token_key)
    if session_key:
        session_users.pop(session_key)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, refused once the token is older than GEOLOOP_TOKEN_TTL_HOURS."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        _refuse_expired(token)
        return user, token


def _refuse_expired(token) -> None:
    if token_expired(token):
        raise exceptions.AuthenticationFailed("Token expired: log in again for a new one.")


class CachedTokenAuthentication(ExpiringTokenAuthentication):
    def authenticate_credentials(self, key):
        cached = token_users.get(key)
        if cached is not None:
            if token_expired(cached[1]):
                token_users.pop(key)
                _refuse_expired(cached[1])
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
