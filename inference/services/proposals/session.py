"""One prompt session: the socket (:mod:`inference.consumers`) and the REST twin (:mod:`inference.apis`) answer
prompts through :class:`PromptSession`; they only parse, call it and send what it returns.

The session owns
- the cache of one annotator's scene and model version (:class:`~.context.PromptContext`, checked by the
  fingerprint query that also reserves the proposal id: one database round trip per click while unchanged);
- the order of the steps: context -> prepare -> embedding (hot, media, or wait for an encode) -> decode ->
  polygon -> store;
- which thread runs what, and the database connections those threads take:

  * socket, warm window (the per-click path): ONE job on the decode pool (:func:`decode_pool`,
    ``GEOLOOP_DECODE_THREADS``): context, prepare, decode, polygon; the ``mask`` is sent from the event loop;
    then the store (insert + logits: write-behind) is one more job on the same pool, and the socket's next
    prompt waits for it (it may refer to this proposal);
  * socket, cold window: the context and prepare job, then the load or the wait for the encode on a thread of
    its own (the ``encoding`` message is sent from there), then the decode on the decode pool, then as above;
  * REST and scripts (:meth:`PromptSession.prompt`): the same steps on the caller's thread, stored before the
    answer (the REST answer names a row that exists);

  every job on a pool or a plain thread runs through :func:`db_job`, which gives the thread's connection back
  to the pool when the job ends, every time; nothing holds a connection while it waits for an encode, for a
  decode task or for a socket send (the embedding step gives it back first);
- error translation: one :func:`prompt_error_message` for the socket, the same :mod:`core.errors` classes
  raised to the REST view (``webapp.errors`` maps them to statuses).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import close_old_connections, connections

from inference.models import MaskProposal
from inference.services.embeddings import embedding_hot
from inference.services.errors import EncodingFailed, as_geoloop_error
from inference.services.proposals.context import PromptContext, prompt_context
from inference.services.proposals.decode import DecodeResult, decode_mode, prompt_decode, prompt_decode_in_worker
from inference.services.proposals.embedding import prompt_embedding
from inference.services.proposals.parse import PromptInput, prompt_input_parse
from inference.services.proposals.prepare import PreparedPrompt, prompt_prepare
from inference.services.proposals.store import mask_message, proposal_build, proposal_save
from inference.services.proposals.timing import _ms
from inference.services.workers import inference_worker_require

log = logging.getLogger(__name__)

Send = Callable[[dict], Awaitable[None]]

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def decode_pool() -> ThreadPoolExecutor:
    """The process's decode executor (``GEOLOOP_DECODE_THREADS`` threads, 2 by default: one per core here)."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=max(1, int(settings.GEOLOOP_DECODE_THREADS)),
                                           thread_name_prefix="decode")
    return _pool


def db_job(fn, *args, **kwargs):
    """Run ``fn`` on a pool or plain thread that may touch the database: a stale connection is dropped first,
    and the thread's connection goes back to the pool when ``fn`` ends, whatever happens (an idle pool thread
    must never sit on one: the pool is small, and every HTTP request needs one)."""
    close_old_connections()
    try:
        return fn(*args, **kwargs)
    finally:
        connections.close_all()


def prompt_error_message(exc: Exception, *, request_id, scene_id: int) -> dict:
    """The socket's ``error`` message for a failed prompt or viewport report (an unexpected error is logged and
    answered as ``internal``)."""
    err = as_geoloop_error(exc)
    if err is None:
        log.error("prompt on scene %s failed", scene_id, exc_info=exc)
        return {"type": "error", "request_id": request_id, "code": "internal",
                "detail": f"{type(exc).__name__}: the server could not answer"}
    return {"type": "error", "request_id": request_id, "code": err.code, "detail": err.message}


def _log_store_failure(fut) -> None:
    if not fut.cancelled() and fut.exception() is not None:
        log.error("a proposal of a closed socket could not be stored", exc_info=fut.exception())


@dataclass
class Answer:
    """A decoded prompt: the proposal (built, maybe not stored yet) and what storing it needs."""

    proposal: MaskProposal
    prepared: PreparedPrompt
    result: DecodeResult

    def message(self, *, request_id, received: float) -> dict:
        timings = {**self.proposal.timings, "total_ms": _ms(received)}
        return mask_message(self.proposal, timings, request_id=request_id)


class PromptSession:
    """One annotator's prompts on one scene: a socket's whole life, or one REST call."""

    def __init__(self, *, scene_id: int, user, scene=None) -> None:
        self.scene_id = scene_id
        self.user = user
        self._scene = scene  # a row the caller has just read (REST): used for the first context
        self.context: PromptContext | None = None
        self.viewer = f"{getattr(user, 'pk', None)}:{scene_id}:{uuid.uuid4().hex[:12]}"  # prefetch generations
        self._seen: set[str] = set()  # worker decode: windows known to be encoded
        self._lock: asyncio.Lock | None = None

    # ---------------------------------------------------------------------------------------- the steps

    def _front(self, inp: PromptInput, received: float, worker: bool
               ) -> tuple[PreparedPrompt, int, Answer | None]:
        """Context (one query), prepare, and when the window's embedding is in this process's memory the decode
        and the proposal (not stored) too: the whole warm path."""
        scene, version, proposal_id, self.context = prompt_context(
            scene_id=self.scene_id, requested=inp.model_version_id, cached=self.context, scene=self._scene)
        self._scene = None
        prepared = prompt_prepare(scene=scene, inp=inp, model_version=version)
        embedding = None if worker else embedding_hot(prepared.key)
        if embedding is None:
            return prepared, proposal_id, None
        prepared.timings.update(encoded=False, embedding_ms=0.0)
        return prepared, proposal_id, self._answer(prepared, proposal_id, received, prompt_decode(prepared, embedding))

    def _embedding(self, prepared: PreparedPrompt, worker: bool,
                   on_encoding: Callable[[dict], None] | None) -> np.ndarray | None:
        """Load the embedding or wait for its encode (no database connection held while waiting)."""
        if worker and prepared.key.cache_key in self._seen:
            prepared.timings.update(encoded=False, embedding_ms=0.0)
            return None
        embedding = prompt_embedding(prepared, on_encoding=on_encoding)
        if worker:
            self._seen.add(prepared.key.cache_key)
        return embedding

    def _decode(self, prepared: PreparedPrompt, proposal_id: int, received: float,
                embedding: np.ndarray | None, worker: bool) -> Answer:
        if worker:
            inference_worker_require()
            result = prompt_decode_in_worker(prepared)
        elif embedding is None:
            raise EncodingFailed(f"no embedding for window {prepared.key.window}")
        else:
            result = prompt_decode(prepared, embedding)
        return self._answer(prepared, proposal_id, received, result)

    def _answer(self, prepared: PreparedPrompt, proposal_id: int, received: float, result: DecodeResult) -> Answer:
        proposal = proposal_build(prepared, result, user=self.user, total_ms=_ms(received), proposal_id=proposal_id)
        return Answer(proposal, prepared, result)

    # ---------------------------------------------------------------------------------------- REST, scripts

    def prompt(self, data: Mapping, *, on_encoding: Callable[[dict], None] | None = None
               ) -> tuple[MaskProposal, dict]:
        """One prompt on the caller's thread, stored before it returns: (the proposal, the ``mask`` message).
        Raises :mod:`core.errors` classes (plain modules' errors translated); anything else is a bug."""
        received = time.perf_counter()
        try:
            inp = prompt_input_parse(data)
            worker = decode_mode() == "worker"
            prepared, proposal_id, answer = self._front(inp, received, worker)
            if answer is None:
                embedding = self._embedding(prepared, worker, on_encoding)
                answer = self._decode(prepared, proposal_id, received, embedding, worker)
            proposal_save(answer.proposal, answer.prepared, answer.result)
        except Exception as exc:
            err = as_geoloop_error(exc)
            if err is None or err is exc:
                raise
            raise err from exc
        request_id = data.get("request_id") if isinstance(data, Mapping) else None
        return answer.proposal, answer.message(request_id=request_id, received=received)

    # ---------------------------------------------------------------------------------------- the socket

    async def answer(self, content: dict, *, received: float, send: Send) -> None:
        """Answer one ``prompt`` message through ``send``: the ``encoding`` message when the window must be
        encoded first, then the ``mask`` or an ``error``, then ``proposal_not_stored`` if the write-behind
        insert fails. The session's prompts are answered in order."""
        request_id = content.get("request_id")
        if self._lock is None:
            self._lock = asyncio.Lock()
        try:
            async with self._lock:
                inp = prompt_input_parse(content)
                loop = asyncio.get_running_loop()
                worker = decode_mode() == "worker"
                prepared, proposal_id, answer = await loop.run_in_executor(
                    decode_pool(), db_job, self._front, inp, received, worker)
                if answer is None:
                    answer = await self._answer_cold(prepared, proposal_id, received, request_id, worker, send)
                await send(answer.message(request_id=request_id, received=received))
                await self._store_behind(answer, request_id, send)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error message; the socket stays
            await send(prompt_error_message(exc, request_id=request_id, scene_id=self.scene_id))

    async def _answer_cold(self, prepared: PreparedPrompt, proposal_id: int, received: float, request_id,
                           worker: bool, send: Send) -> Answer:
        """The embedding is not in memory (or decoding runs in the worker): load or wait for it on a thread of
        its own, then decode on the decode pool."""
        loop = asyncio.get_running_loop()

        def on_encoding(window: dict) -> None:  # on the waiting thread, which holds no connection by now
            msg = {"type": "encoding", "request_id": request_id, "window": window}
            asyncio.run_coroutine_threadsafe(_awaited(send(msg)), loop).result(timeout=10)

        embedding = await asyncio.to_thread(db_job, self._embedding, prepared, worker, on_encoding)
        if worker:
            return await asyncio.to_thread(db_job, self._decode, prepared, proposal_id, received, None, True)
        return await loop.run_in_executor(decode_pool(), db_job, self._decode, prepared, proposal_id, received,
                                          embedding, False)

    async def _store_behind(self, answer: Answer, request_id, send: Send) -> None:
        """Write-behind: the row (its id reserved by the context query) and the logits, on the decode pool; a
        failure is reported to the client, never dropped."""
        stored = decode_pool().submit(db_job, proposal_save, answer.proposal, answer.prepared, answer.result)
        try:
            await asyncio.shield(asyncio.wrap_future(stored))
        except asyncio.CancelledError:
            stored.add_done_callback(_log_store_failure)
            raise
        except Exception as exc:
            pk = answer.proposal.pk
            log.exception("proposal %s on scene %s could not be stored", pk, self.scene_id)
            await send({"type": "error", "request_id": request_id, "code": "proposal_not_stored",
                        "proposal_id": pk,
                        "detail": f"proposal {pk} was answered but could not be stored "
                                  f"({type(exc).__name__}); prompt again"})

    async def viewport(self, content: dict) -> dict:
        """The ``prefetch`` message for a ``viewport`` report (or its ``error``), answered at once, even while a
        prompt waits for an encode (Django's thread for the database and Redis work)."""
        from asgiref.sync import sync_to_async

        from inference.services.prefetch import scene_viewport_prefetch
        from inference.services.proposals.parse import scale_parse

        request_id = content.get("request_id")
        try:
            out = await sync_to_async(db_job, thread_sensitive=True)(
                scene_viewport_prefetch, scene_id=self.scene_id, bbox=content.get("bbox"),
                scale=scale_parse(content), model_version=content.get("model_version"),
                viewer=self.viewer)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001
            return prompt_error_message(exc, request_id=request_id, scene_id=self.scene_id)
        return {"type": "prefetch", "request_id": request_id, "queued": out["queued"], "cached": out["cached"],
                "pending": out["pending"], "level": out["level"]}


__all__ = ["Answer", "PromptSession", "db_job", "decode_pool", "prompt_error_message"]


async def _awaited(awaitable: Awaitable[None]) -> None:
    """A coroutine around any awaitable (``run_coroutine_threadsafe`` takes coroutines only)."""
    await awaitable
