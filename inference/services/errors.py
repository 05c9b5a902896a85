"""Errors of the inference services (narrow :mod:`core.errors` classes with a machine code), and the one table that
maps the plain modules' :class:`inference.errors.InferenceError` onto them. ``webapp.errors`` maps them to statuses.

The same ``code`` goes into the WebSocket ``{"type": "error", "code": ...}`` message and the REST error body.
"""

from __future__ import annotations

from kombu.exceptions import OperationalError as BrokerUnreachable
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.errors import GeoLoopError, NotReady, Unavailable, UpstreamFailed, UpstreamTimeout, ValidationFailed
from inference import errors as plain


class PromptInvalid(ValidationFailed):
    code = "invalid_prompt"


class TooManyPoints(PromptInvalid):
    code = "too_many_points"


class OutsideScene(PromptInvalid):
    code = "outside_scene"


class TooManyWindows(PromptInvalid):
    """A prefetch area needs more windows than one request may queue (``extra``: windows, max_windows)."""

    code = "too_many_windows"


class SceneNotReady(NotReady):
    code = "scene_not_ready"


class UnknownModelVersion(ValidationFailed):
    code = "unknown_model_version"


class CheckpointRefused(ValidationFailed):
    """An admin-supplied checkpoint is missing, unreadable or not the announced file."""

    code = "invalid_checkpoint"


class ModelUnavailable(Unavailable):
    code = "model_unavailable"


class NoInferenceWorker(Unavailable):
    """No worker consumes the queue that encodes windows: a prompt that needs an encode would wait in vain."""

    code = "no_inference_worker"


class EncodingFailed(UpstreamFailed):
    code = "encoding_failed"


class EncodingTimeout(EncodingFailed, UpstreamTimeout):
    code = "encoding_timeout"


_CORE_TABLE: tuple[tuple[type[plain.InferenceError], type[GeoLoopError]], ...] = (
    (plain.InvalidPrompt, PromptInvalid),
    (plain.GeometryError, PromptInvalid),
    (plain.WeightsMissing, ModelUnavailable),
    (plain.WeightsChecksumMismatch, ModelUnavailable),
    (plain.WeightsInvalid, ModelUnavailable),
    (plain.UnknownArchitecture, ModelUnavailable),
    (plain.DecoderExportError, ModelUnavailable),
    (plain.ImageryError, EncodingFailed),
    (plain.InvalidImage, EncodingFailed),
)

# Redis (embedding locks, logits, the channel layer) or the broker gone for a moment: a retryable 503, not internal.
_SERVICES_DOWN = (RedisConnectionError, RedisTimeoutError, BrokerUnreachable)


def as_geoloop_error(exc: Exception) -> GeoLoopError | None:
    """The service-level :class:`GeoLoopError` for ``exc``: a plain module's error translated through the table,
    any other domain error as it is, or None for an unexpected error."""
    for plain_type, ours in _CORE_TABLE:
        if isinstance(exc, plain_type):
            return ours(str(exc))
    if isinstance(exc, _SERVICES_DOWN):
        return Unavailable("Redis or the task broker is out of reach; try again in a few seconds.")
    return exc if isinstance(exc, GeoLoopError) else None
