"""One table mapping domain errors to HTTP statuses, used by the DRF exception handler."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class GeoLoopError(Exception):
    """Root of every domain error. `code` is machine-readable, the message is for people."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class ValidationFailed(GeoLoopError):
    code = "invalid"


class NotFound(GeoLoopError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class Conflict(GeoLoopError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class TooLarge(GeoLoopError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "too_large"


class NotReady(GeoLoopError):
    status_code = status.HTTP_409_CONFLICT
    code = "not_ready"


def exception_handler(exc, context):
    if isinstance(exc, GeoLoopError):
        return Response({"detail": exc.message, "code": exc.code, **exc.extra}, status=exc.status_code)
    return drf_exception_handler(exc, context)
