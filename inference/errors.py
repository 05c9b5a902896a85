"""One error root for the inference package, with narrow subclasses.

A branch of :class:`core.errors.GeoLoopError`; the services translate these into their narrow errors in one table
(:mod:`inference.services.errors`); nothing here knows about HTTP.
"""

from __future__ import annotations

from core.errors import GeoLoopError


class InferenceError(GeoLoopError):
    """Root of every error raised by ``inference``."""


class UnknownArchitecture(InferenceError):
    """The architecture name is not one of the supported builders."""


class WeightsMissing(InferenceError):
    """The checkpoint file is not where it should be."""


class WeightsChecksumMismatch(InferenceError):
    """The checkpoint file exists but its sha256 is not the expected one."""


class WeightsInvalid(InferenceError):
    """The checkpoint file could not be loaded into the architecture."""


class InvalidImage(InferenceError):
    """An image handed to the encoder has the wrong shape or dtype."""


class InvalidPrompt(InferenceError):
    """Points, labels, box or mask input are malformed."""


class DecoderExportError(InferenceError):
    """The ONNX decoder could not be exported or loaded."""


class ImageryError(InferenceError):
    """A scene's imagery could not be read, or the render recipe does not fit it."""


class GeometryError(InferenceError):
    """A geometry could not be converted or repaired."""
