"""All steps together: :func:`proposal_create`."""

from __future__ import annotations

import time
from collections.abc import Callable

from inference.models import MaskProposal, ModelVersion
from inference.services.proposals.decode import decode_mode, prompt_decode, prompt_decode_in_worker
from inference.services.proposals.embedding import prompt_embedding
from inference.services.proposals.parse import prompt_input_parse
from inference.services.proposals.prepare import prompt_prepare
from inference.services.proposals.store import proposal_store
from inference.services.proposals.timing import _ms


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
    encode). Raises :class:`webapp.errors.GeoLoopError` subclasses (see :mod:`inference.services.errors`)."""
    started = time.perf_counter()
    inp = prompt_input_parse({
        "points": [list(p) for p in points_lonlat or []], "labels": list(labels or []),
        "box": list(box_lonlat) if box_lonlat is not None else None, "map_resolution": map_resolution,
        "previous_proposal_id": previous_proposal_id,
    })
    prepared = prompt_prepare(scene=scene, inp=inp, model_version=model_version)
    embedding = prompt_embedding(prepared, on_encoding=on_encoding)
    if decode_mode() == "worker":
        result = prompt_decode_in_worker(prepared)
    else:
        result = prompt_decode(prepared, embedding)
    proposal = proposal_store(prepared, result, user=user, total_ms=_ms(started))
    timings = {**proposal.timings, "total_ms": _ms(started)}
    return proposal, timings
