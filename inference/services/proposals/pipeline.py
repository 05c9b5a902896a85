"""All steps together for one prompt: :func:`proposal_create` (scripts, tests; the REST view uses the same
:class:`~.session.PromptSession`)."""

from __future__ import annotations

from collections.abc import Callable

from inference.models import MaskProposal, ModelVersion
from inference.services.proposals.session import PromptSession


def proposal_create(
    *,
    scene,
    user,
    points_lonlat,
    labels,
    box_lonlat=None,
    map_resolution: float,
    previous_proposal_id: int | None = None,
    model_version: ModelVersion | int | None = None,
    on_encoding: Callable[[dict], None] | None = None,
) -> tuple[MaskProposal, dict]:
    """One prompt, end to end (synchronous). Returns the stored proposal and its timings (milliseconds:
    ``embedding_ms``, ``decode_ms``, ``polygon_ms``, ``total_ms``...; ``encoded`` says whether it waited for an
    encode). Raises :class:`core.errors.GeoLoopError` subclasses (see :mod:`inference.services.errors`)."""
    data = {
        "points": [list(p) for p in points_lonlat or []], "labels": list(labels or []),
        "box": list(box_lonlat) if box_lonlat is not None else None, "map_resolution": map_resolution,
        "previous_proposal_id": previous_proposal_id,
        "model_version": model_version.pk if isinstance(model_version, ModelVersion) else model_version,
    }
    proposal, message = PromptSession(scene_id=scene.pk, user=user, scene=scene).prompt(data, on_encoding=on_encoding)
    return proposal, message["timings"]
