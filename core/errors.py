"""One error root for every GeoLoop app, with narrow subclasses. Nothing here knows about HTTP: the wiring
(``webapp.errors``) maps each class to a status in one table, consumers map ``code`` into socket messages.

``code`` is machine-readable and stable; the message is written for people; ``extra`` carries structured details
(the current version on a conflict, a field name...) that travel with the error to the client.
"""

from __future__ import annotations


class GeoLoopError(Exception):
    """Root of every domain error."""

    code = "invalid"

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class ValidationFailed(GeoLoopError):
    """The input is malformed or does not fit the record it is for."""

    code = "invalid"


class NotFound(GeoLoopError):
    """The thing asked for does not exist, or the caller may not know that it does."""

    code = "not_found"


class PermissionDenied(GeoLoopError):
    """The caller is known but may not do this."""

    code = "forbidden"


class Conflict(GeoLoopError):
    """The request does not fit the record's current state (stale version, held lease...)."""

    code = "conflict"


class NotReady(Conflict):
    """The record exists but is not in a state that allows this yet (a scene still ingesting...)."""

    code = "not_ready"


class TooLarge(GeoLoopError):
    """The input exceeds a configured size limit."""

    code = "too_large"


class RateLimited(GeoLoopError):
    """Too many attempts; ``extra['retry_after']`` says how many seconds to wait."""

    code = "rate_limited"


class Unavailable(GeoLoopError):
    """A part the request needs (a worker, a model) is not there right now; retrying later may work."""

    code = "unavailable"


class UpstreamFailed(GeoLoopError):
    """A part the request waited on (a worker's job) failed."""

    code = "upstream_failed"


class UpstreamTimeout(UpstreamFailed):
    """A part the request waited on did not answer in time."""

    code = "upstream_timeout"
