"""WebSocket ``/ws/annotate/<scene_id>/``: one socket per annotator session on a scene.

Auth: the session cookie or ``?token=<api token>`` (:mod:`webapp.ws_auth`); the user needs the annotator role on
the scene's project, else the socket is closed with code 4403 before it opens.

Client -> server
    ``{"type": "prompt", "request_id": any, "points": [[lon, lat], ...], "labels": [1|0, ...],
    "box": [min lon, min lat, max lon, max lat] | null, "map_resolution": ground m per screen px,
    "previous_proposal_id": int | null, "model_version": int (optional; default the project's active one)}``
    ``{"type": "viewport", "request_id": any, "bbox": [min lon, min lat, max lon, max lat], "map_resolution": m}``
    ``{"type": "ping"}``
Server -> client
    ``{"type": "encoding", "request_id", "window": {level, col, row, size, key}}`` first, when the prompt's window
    must be encoded before it can be answered;
    ``{"type": "mask", "request_id", "proposal_id", "geometry": GeoJSON MultiPolygon (EPSG:4326) | null,
    "predicted_iou", "model_version", "window": {level, col, row, key},
    "timings": {"embedding_ms", "decode_ms", "polygon_ms", "total_ms", "encoded", ...}}``;
    ``{"type": "prefetch", "request_id", "queued", "cached", "pending", "level"}``;
    ``{"type": "error", "request_id", "code", "detail"}`` — bad input never closes the socket. Codes: ``malformed``,
    ``json_limit`` (nesting deeper than ``GEOLOOP_JSON_MAX_DEPTH``, unsafe integers, non-finite numbers),
    ``unknown_type``, ``invalid_prompt``, ``too_many_points``, ``outside_scene``, ``scene_not_ready``,
    ``unknown_model_version``, ``model_unavailable``, ``encoding_failed``, ``encoding_timeout``, ``internal``;
    ``proposal_not_stored`` (with ``proposal_id``) when an answered mask's proposal row could not be written.

Prompts of one socket are answered in order (a click refers to the previous answer); a viewport report is answered
at once, even while a prompt waits for an encode. A prompt is one job on a small executor (``GEOLOOP_DECODE_THREADS``,
so that several annotators' clicks decode in parallel): one query checks that the socket's cached scene and model
version are unchanged and reserves the proposal id, then prepare, decode, polygon; the ``mask`` is sent, and only
then is the ``MaskProposal`` row written (on the same executor; the socket's next prompt waits for it). Waits for an
encode run on their own threads; viewport reports use Django's thread (``database_sync_to_async``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.db import close_old_connections
from django.urls import path

from annotator.models import Role
from annotator.permissions import has_role
from annotator.selectors.scenes import scene_get
from core.json_limits import JsonLimitExceeded, json_loads_limited
from inference.services.embeddings import embedding_hot
from inference.services.errors import SceneNotReady, as_geoloop_error
from inference.services.prefetch import viewport_prefetch
from inference.services.proposals import (
    decode_mode,
    mask_message,
    prompt_context,
    prompt_decode,
    prompt_decode_in_worker,
    prompt_embedding,
    prompt_input_parse,
    prompt_prepare,
    proposal_build,
    proposal_save,
)

log = logging.getLogger(__name__)

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


def _threaded(fn, *args, **kwargs):
    """Run ``fn`` on a plain thread that may touch the database (stale connections closed first)."""
    close_old_connections()
    return fn(*args, **kwargs)


@database_sync_to_async
def _may_annotate(user, scene_id: int) -> bool:
    scene = scene_get(scene_id=scene_id)
    return scene is not None and has_role(user=user, project=scene.project, role=Role.ANNOTATOR)


def _log_store_failure(fut) -> None:
    if not fut.cancelled() and fut.exception() is not None:
        log.error("a proposal of a closed socket could not be stored", exc_info=fut.exception())


@database_sync_to_async
def _prefetch(scene_id: int, content: dict, viewer: str) -> dict:
    scene = scene_get(scene_id=scene_id)
    if scene is None:
        raise SceneNotReady(f"scene {scene_id} no longer exists")
    return viewport_prefetch(scene=scene, bbox=content.get("bbox"), map_resolution=content.get("map_resolution"),
                             model_version=content.get("model_version"), viewer=viewer)


class AnnotateConsumer(AsyncJsonWebsocketConsumer):
    # No channel layer: this socket only answers its own client (results come back on the awaiting coroutine,
    # encodes are awaited on Redis directly), so it needs no group and no per-socket layer connection.
    channel_layer_alias = "__inference_no_layer__"

    async def connect(self):
        self.scene_id = int(self.scope["url_route"]["kwargs"]["scene_id"])
        self.user = self.scope.get("user")
        if not self.user or not self.user.is_authenticated or not await _may_annotate(self.user, self.scene_id):
            await self.close(code=4403)
            return
        self.prompt_lock = asyncio.Lock()
        self.pending: set[asyncio.Task] = set()
        self.viewer = f"{self.user.pk}:{self.scene_id}:{uuid.uuid4().hex[:12]}"
        self.context = None  # PromptContext: this socket's scene and model version while unchanged
        self._seen: set[str] = set()
        await self.accept()

    async def disconnect(self, code):
        for task in list(getattr(self, "pending", ())):
            task.cancel()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = None if text_data is None else json_loads_limited(text_data, max_depth=settings.JSON_MAX_DEPTH)
        except JsonLimitExceeded as exc:
            await self._error(None, exc.code, exc.message)
            return
        except ValueError as exc:
            await self._error(None, "malformed", f"not JSON: {exc}")
            return
        if not isinstance(content, dict):
            await self._error(None, "malformed", "send one JSON object per text frame")
            return
        kind, request_id = content.get("type"), content.get("request_id")
        if kind == "prompt":
            self._spawn(self._prompt(content, time.perf_counter()))
        elif kind == "viewport":
            self._spawn(self._viewport(content))
        elif kind == "ping":
            await self.send_json({"type": "pong", "request_id": request_id})
        else:
            await self._error(request_id, "unknown_type", f"unknown message type {kind!r}; "
                              "expected prompt, viewport or ping")

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _error(self, request_id, code: str, detail: str) -> None:
        await self.send_json({"type": "error", "request_id": request_id, "code": code, "detail": detail})

    async def _failed(self, request_id, exc: Exception) -> None:
        err = as_geoloop_error(exc)
        if err is None:
            log.exception("prompt on scene %s failed", self.scene_id, exc_info=exc)
            await self._error(request_id, "internal", f"{type(exc).__name__}: the server could not answer")
        else:
            await self._error(request_id, err.code, err.message)

    def _front(self, inp, received: float, worker: bool):
        """Decode-pool thread: scene/version (cached per socket, one query), prepare, and when the window's
        embedding is in memory the decode and the proposal (not saved yet) too."""
        scene, version, proposal_id, self.context = prompt_context(
            scene_id=self.scene_id, requested=inp.model_version_id, cached=self.context)
        prepared = prompt_prepare(scene=scene, inp=inp, model_version=version)
        embedding = None if worker else embedding_hot(prepared.key)
        if embedding is None:
            return prepared, proposal_id, None
        prepared.timings.update(encoded=False, embedding_ms=0.0)
        return prepared, proposal_id, self._answer(prepared, proposal_id, received,
                                                   prompt_decode(prepared, embedding))

    def _answer(self, prepared, proposal_id: int, received: float, result):
        total_ms = round((time.perf_counter() - received) * 1000, 2)
        return proposal_build(prepared, result, user=self.user, total_ms=total_ms, proposal_id=proposal_id), result

    async def _prompt(self, content: dict, received: float) -> None:
        request_id = content.get("request_id")
        try:
            async with self.prompt_lock:
                inp = prompt_input_parse(content)
                loop = asyncio.get_running_loop()
                worker = decode_mode() == "worker"
                prepared, proposal_id, answer = await loop.run_in_executor(
                    decode_pool(), _threaded, self._front, inp, received, worker)
                if answer is None:
                    answer = await self._slow(prepared, proposal_id, received, request_id, worker, loop)
                proposal, result = answer
                timings = {**proposal.timings, "total_ms": round((time.perf_counter() - received) * 1000, 2)}
                await self.send_json(mask_message(proposal, timings, request_id=request_id))
                # write-behind: the row (its id reserved above) and the logits, on the same pool; the socket's
                # next prompt waits for it (it may refer to this proposal); a failure is reported, never dropped
                stored = decode_pool().submit(_threaded, proposal_save, proposal, prepared, result)
                try:
                    await asyncio.shield(asyncio.wrap_future(stored))
                except asyncio.CancelledError:
                    stored.add_done_callback(_log_store_failure)
                    raise
                except Exception as exc:  # noqa: BLE001
                    log.exception("proposal %s on scene %s could not be stored", proposal.pk, self.scene_id)
                    await self.send_json({
                        "type": "error", "request_id": request_id, "code": "proposal_not_stored",
                        "proposal_id": proposal.pk,
                        "detail": f"proposal {proposal.pk} was answered but could not be stored "
                                  f"({type(exc).__name__}); prompt again"})
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error message; the socket stays
            await self._failed(request_id, exc)

    async def _slow(self, prepared, proposal_id: int, received: float, request_id, worker: bool, loop):
        """The window's embedding is not in this process's memory (or decoding runs in the worker): load or
        wait for it on a thread of its own, then decode."""
        embedding = None
        if worker and prepared.key.cache_key in self._seen:
            prepared.timings.update(encoded=False, embedding_ms=0.0)
        else:
            def on_encoding(window: dict) -> None:
                msg = {"type": "encoding", "request_id": request_id, "window": window}
                asyncio.run_coroutine_threadsafe(self.send_json(msg), loop).result(timeout=10)

            embedding = await asyncio.to_thread(_threaded, prompt_embedding, prepared, on_encoding=on_encoding)
            if worker:
                self._seen.add(prepared.key.cache_key)
        if worker:
            result = await asyncio.to_thread(prompt_decode_in_worker, prepared)
            return await asyncio.to_thread(self._answer, prepared, proposal_id, received, result)
        return await loop.run_in_executor(
            decode_pool(), lambda: self._answer(prepared, proposal_id, received, prompt_decode(prepared, embedding)))

    async def _viewport(self, content: dict) -> None:
        request_id = content.get("request_id")
        try:
            out = await _prefetch(self.scene_id, content, self.viewer)
            await self.send_json({"type": "prefetch", "request_id": request_id, "queued": out["queued"],
                                  "cached": out["cached"], "pending": out["pending"], "level": out["level"]})
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001
            await self._failed(request_id, exc)


websocket_urlpatterns = [path("ws/annotate/<int:scene_id>/", AnnotateConsumer.as_asgi())]
