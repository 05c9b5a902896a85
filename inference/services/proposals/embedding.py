"""Step 3: the window's embedding (:mod:`inference.services.embeddings`: hot, media, or wait for an encode)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from inference.services.embeddings import (
    db_connection_release,
    embedding_load,
    embedding_present,
    embedding_request,
    embedding_wait,
)
from inference.services.proposals.decode import decode_mode
from inference.services.proposals.prepare import PreparedPrompt
from inference.services.proposals.timing import _ms
from inference.services.workers import inference_worker_require


def prompt_embedding(prepared: PreparedPrompt, *, on_encoding: Callable[[dict], None] | None = None,
                     timeout: float | None = None) -> np.ndarray | None:
    """The window's embedding (hot, media, or after waiting for its encode; ``on_encoding`` is called first
    then). In worker-decode mode only waits until it exists and returns None (the worker loads it).

    Before asking for an encode it checks that a worker consumes the encode queue (:class:`NoInferenceWorker`
    at once otherwise, instead of a wait that cannot end), and it holds no database connection while it tells
    the caller (``on_encoding``, a socket send) or waits."""
    started = time.perf_counter()
    worker = decode_mode() == "worker"
    load = embedding_present if worker else embedding_load
    arr = load(prepared.key)
    if arr is None:
        inference_worker_require()
        embedding_request(key=prepared.key, version_id=prepared.version.pk, scene_id=prepared.scene_id, known=False)
        prepared.timings["encoded"] = True
        db_connection_release()
        if on_encoding is not None:
            on_encoding(prepared.window_json())
        arr = embedding_wait(key=prepared.key, version_id=prepared.version.pk, scene_id=prepared.scene_id,
                             timeout=timeout, load=load)
    else:
        prepared.timings["encoded"] = False
    prepared.timings["embedding_ms"] = _ms(started)
    return None if worker else arr
