"""Errors of the inference services, as :class:`webapp.errors.GeoLoopError` (HTTP status + machine code), and the
one table that maps the plain modules' :class:`inference.errors.InferenceError` onto them.

The same ``code`` goes into the WebSocket ``{"type": "error", "code": ...}`` message and the REST error body.
"""

from __future__ import annotations

from rest_framework import status

from inference import errors as core
from webapp.errors import GeoLoopError


class PromptInvalid(GeoLoopError):
    code = "invalid_prompt"


class TooManyPoints(PromptInvalid):
    code = "too_many_points"


class OutsideScene(PromptInvalid):
    code = "outside_scene"


class SceneNotReady(GeoLoopError):
    status_code = status.HTTP_409_CONFLICT
    code = "scene_not_ready"


class UnknownModelVersion(GeoLoopError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "unknown_model_version"


class CheckpointRefused(GeoLoopError):
    """An admin-supplied checkpoint is missing, unreadable or not the announced file."""

    code = "invalid_checkpoint"


class ModelUnavailable(GeoLoopError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "model_unavailable"


class EncodingFailed(GeoLoopError):
    status_code = status.HTTP_502_BAD_GATEWAY
    code = "encoding_failed"


class EncodingTimeout(EncodingFailed):
    status_code = status.HTTP_504_GATEWAY_TIMEOUT
    code = "encoding_timeout"


_CORE_TABLE: tuple[tuple[type[core.InferenceError], type[GeoLoopError]], ...] = (
    (core.InvalidPrompt, PromptInvalid),
    (core.GeometryError, PromptInvalid),
    (core.WeightsMissing, ModelUnavailable),
    (core.WeightsChecksumMismatch, ModelUnavailable),
    (core.WeightsInvalid, ModelUnavailable),
    (core.UnknownArchitecture, ModelUnavailable),
    (core.DecoderExportError, ModelUnavailable),
    (core.ImageryError, EncodingFailed),
    (core.InvalidImage, EncodingFailed),
)


def as_geoloop_error(exc: Exception) -> GeoLoopError | None:
    """The :class:`GeoLoopError` for ``exc`` (itself if it is one), or None for an unexpected error."""
    if isinstance(exc, GeoLoopError):
        return exc
    for core_type, ours in _CORE_TABLE:
        if isinstance(exc, core_type):
            return ours(str(exc))
    return None
