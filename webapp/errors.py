"""The one table mapping domain errors (``core.errors``) to HTTP statuses, used by the DRF exception handler.

A class not in the table takes the status of its nearest ancestor that is (walking its MRO), so an app's narrow
error needs no entry of its own unless its status differs from its parent's.
"""

from kombu.exceptions import OperationalError as BrokerUnreachable
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core import errors

STATUS: dict[type[errors.GeoLoopError], int] = {
    errors.GeoLoopError: status.HTTP_400_BAD_REQUEST,
    errors.ValidationFailed: status.HTTP_400_BAD_REQUEST,
    errors.NotFound: status.HTTP_404_NOT_FOUND,
    errors.PermissionDenied: status.HTTP_403_FORBIDDEN,
    errors.Conflict: status.HTTP_409_CONFLICT,
    errors.TooLarge: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    errors.RateLimited: status.HTTP_429_TOO_MANY_REQUESTS,
    errors.Unavailable: status.HTTP_503_SERVICE_UNAVAILABLE,
    errors.UpstreamFailed: status.HTTP_502_BAD_GATEWAY,
    errors.UpstreamTimeout: status.HTTP_504_GATEWAY_TIMEOUT,
}


def status_of(exc: errors.GeoLoopError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return status.HTTP_400_BAD_REQUEST


# Redis (cache, locks, channel layer) or the Celery broker out of reach: a 503 to retry, not a 500.
BACKEND_DOWN = (RedisConnectionError, RedisTimeoutError, BrokerUnreachable)


def exception_handler(exc, context):
    if isinstance(exc, BACKEND_DOWN):
        exc = errors.Unavailable(f"A service the server needs is unreachable ({type(exc).__name__}); retry shortly.")
    if isinstance(exc, errors.GeoLoopError):
        response = Response({"detail": exc.message, "code": exc.code, **exc.extra}, status=status_of(exc))
        if isinstance(exc, errors.RateLimited) and "retry_after" in exc.extra:
            response["Retry-After"] = str(int(exc.extra["retry_after"]))
        return response
    return drf_exception_handler(exc, context)
