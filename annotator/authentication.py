"""Authentication that remembers who a token or session belongs to for a few seconds, for hot read-only endpoints
(map tiles): a warm request then needs no database at all. A revoked token, a logout or a deactivated user still
reads those endpoints for at most AUTH_TTL_S seconds."""

from django.conf import settings
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from core.cache import TtlCache

AUTH_TTL_S = 10.0


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
