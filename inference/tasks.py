"""Thin Celery tasks of the inference app (queue ``gpu`` via the ``inference.*`` route): take ids, call a service."""

from celery import shared_task

from inference.services.embeddings import embedding_encode
from inference.services.proposals import prompt_decode_remote


@shared_task(name="inference.encode_window")
def encode_window(version_id: int, scene_id: int, window_key: str, prefetch: list | None = None) -> dict:
    """Encode one window of a scene with a model version into the embedding cache (de-duplicated by the caller's
    Redis flag; waiters hear the outcome on a Redis channel; a stale prefetch is skipped)."""
    return embedding_encode(version_id=version_id, scene_id=scene_id, window_key=window_key, prefetch=prefetch)


@shared_task(name="inference.decode_prompt")
def decode_prompt(payload: dict) -> dict:
    """Decode one prompt on a cached embedding (only with ``GEOLOOP_DECODE_IN=worker``)."""
    return prompt_decode_remote(payload)
