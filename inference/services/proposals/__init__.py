"""Prompt -> mask -> polygon -> ``MaskProposal``.

The work is cut into steps; :class:`PromptSession` (:mod:`.session`) chains them for the WebSocket consumer and
the REST view alike, and decides which thread runs each (the decode pool, a thread of its own for a wait, the
caller's thread for REST); scripts run :func:`proposal_create`, a one-prompt session:

1. :func:`prompt_input_parse` — the message body -> :class:`PromptInput` (pure; every malformed field named);
2. :func:`prompt_prepare` — scene ready, model version, lon/lat -> scene CRS -> scene px, points inside the
   raster, window level from the map resolution, the window (the previous answer's window when the prompt still
   fits in it, so its low-res logits can be fed back), the previous logits from Redis, the corrections' claims
   (:mod:`inference.corrections`: the earlier ones from the previous answer's meta, one for the new click);
3. the embedding (:mod:`inference.services.embeddings`: hot, media, or wait for ``inference.encode_window``);
4. :func:`prompt_decode` — SAM decode (ONNX by default), the claims kept on the chosen answer, and mask ->
   polygons (window px, scene CRS, EPSG:4326);
5. :func:`proposal_store` — the ``MaskProposal`` row, then the logits to Redis (``geoloop:logits:<id>``, short TTL).

Decoding runs in this process (``GEOLOOP_DECODE_IN=web``, the measured faster choice) or as the task
``inference.decode_prompt`` on the ``gpu`` queue (``worker``); see README "Architecture notes".

The modules, by step: :mod:`.parse` (1), :mod:`.prepare` (2) with :mod:`.logits` (the previous answers' logits)
and :mod:`.context` (a socket's cached scene and version, the fingerprint query), :mod:`.embedding` (3),
:mod:`.decode` (4) with :mod:`.runtime` (decoder threads and buffers), :mod:`.store` (5), :mod:`.session` (all
of them, their threads and connections), :mod:`.pipeline` (one prompt); :mod:`.timing`. This package re-exports
their names, so ``inference.services.proposals`` imports as before.
"""

from inference.services.proposals.context import PromptContext, prompt_context
from inference.services.proposals.decode import (
    DECODE_MODES,
    DecodeResult,
    _upscale_crop,
    decode_mode,
    decode_payload,
    prompt_decode,
    prompt_decode_in_worker,
    prompt_decode_remote,
)
from inference.services.proposals.embedding import prompt_embedding
from inference.services.proposals.logits import LOGITS, LOGITS_TTL_S, LogitsMemory
from inference.services.proposals.parse import MAX_POINTS, PromptInput, _number, prompt_input_parse
from inference.services.proposals.pipeline import proposal_create
from inference.services.proposals.prepare import (
    PreparedPrompt,
    Previous,
    _version,
    prompt_prepare,
    scene_gsd,
    scene_level_range,
)
from inference.services.proposals.session import Answer, PromptSession, db_job, decode_pool, prompt_error_message
from inference.services.proposals.store import mask_message, proposal_build, proposal_save, proposal_store

__all__ = [
    "DECODE_MODES",
    "LOGITS",
    "LOGITS_TTL_S",
    "MAX_POINTS",
    "Answer",
    "DecodeResult",
    "LogitsMemory",
    "PreparedPrompt",
    "Previous",
    "PromptContext",
    "PromptInput",
    "PromptSession",
    "_number",
    "_upscale_crop",
    "_version",
    "db_job",
    "decode_mode",
    "decode_payload",
    "decode_pool",
    "mask_message",
    "prompt_context",
    "prompt_decode",
    "prompt_decode_in_worker",
    "prompt_decode_remote",
    "prompt_embedding",
    "prompt_error_message",
    "prompt_input_parse",
    "prompt_prepare",
    "proposal_build",
    "proposal_create",
    "proposal_save",
    "proposal_store",
    "scene_gsd",
    "scene_level_range",
]
