"""Writes of the inference app: model versions, the embedding cache, prompts -> proposals, prefetch."""

from inference.services.embeddings import (
    embedding_cache_evict,
    embedding_cached,
    embedding_encode,
    embedding_key,
    embedding_load,
    embedding_request,
    embedding_store,
    embedding_wait,
    encode_count,
)
from inference.services.errors import as_geoloop_error
from inference.services.prefetch import viewport_prefetch
from inference.services.proposals import (
    mask_message,
    prompt_decode,
    prompt_embedding,
    prompt_input_parse,
    prompt_prepare,
    proposal_create,
    proposal_store,
)
from inference.services.registry import (
    model_load,
    model_version_encoder,
    model_version_ensure_default,
    model_version_register,
)

__all__ = [
    "as_geoloop_error",
    "embedding_cache_evict",
    "embedding_cached",
    "embedding_encode",
    "embedding_key",
    "embedding_load",
    "embedding_request",
    "embedding_store",
    "embedding_wait",
    "encode_count",
    "mask_message",
    "model_load",
    "model_version_encoder",
    "model_version_ensure_default",
    "model_version_register",
    "prompt_decode",
    "prompt_embedding",
    "prompt_input_parse",
    "prompt_prepare",
    "proposal_create",
    "proposal_store",
    "viewport_prefetch",
]
