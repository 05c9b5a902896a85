"""WebSocket ``/ws/annotate/<scene_id>/``: one socket per annotator session on a scene.

Auth: the session cookie or ``?ticket=<single-use ticket>`` (:mod:`webapp.ws_auth`); the user needs the annotator
role on the scene's project, else the socket is closed with code 4403 before it opens.

Client -> server
    ``{"type": "prompt", "request_id": any, "points": [[lon, lat], ...], "labels": [1|0, ...],
    "box": [min lon, min lat, max lon, max lat] | null, and the scale, exactly one of "object_size_m" (the object's
    rough side, metres), "level" (window level) or "map_resolution" (ground m per screen px; the browser's),
    "previous_proposal_id": int | null, "model_version": int (optional; default the project's active one),
    "label_class": int (optional: the class being drawn; its accepted sizes score the candidates)}``
    ``{"type": "viewport", "request_id": any, "bbox": [min lon, min lat, max lon, max lat], and the scale as above}``
    ``{"type": "ping"}``
Server -> client
    ``{"type": "encoding", "request_id", "window": {level, col, row, size, key}}`` first, when the prompt's window
    must be encoded before it can be answered;
    ``{"type": "mask", "request_id", "proposal_id", "geometry": GeoJSON MultiPolygon (EPSG:4326) | null,
    "predicted_iou", "model_version", "window": {level, col, row, key, size, scale, bounds_px, bounds (lon/lat)},
    "used_previous_logits", "timings": {"embedding_ms", "decode_ms", "polygon_ms", "total_ms", "encoded", ...}}``;
    ``{"type": "prefetch", "request_id", "queued", "cached", "pending", "level"}``;
    ``{"type": "error", "request_id", "code", "detail"}`` — bad input never closes the socket. Codes: ``malformed``,
    ``json_limit`` (nesting deeper than ``GEOLOOP_JSON_MAX_DEPTH``, unsafe integers, non-finite numbers),
    ``unknown_type``, ``invalid_prompt``, ``too_many_points``, ``outside_scene``, ``scene_not_ready``,
    ``unknown_model_version``, ``model_unavailable``, ``no_inference_worker`` (no worker consumes the encode queue:
    said at once instead of waiting), ``encoding_failed``, ``encoding_timeout``, ``internal``;
    ``proposal_not_stored`` (with ``proposal_id``) when an answered mask's proposal row could not be written.

Prompts of one socket are answered in order (a click refers to the previous answer); a viewport report is answered
at once, even while a prompt waits for an encode. This consumer only parses, calls the socket's
:class:`inference.services.proposals.PromptSession` (the same service as the REST twin: it owns the cached scene
and model version, the steps, their threads and database connections, and the error messages) and sends.
"""

from __future__ import annotations

import asyncio
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.urls import path

from annotator.models import Role
from annotator.permissions import scene_for_user, socket_refusal
from core.json_limits import JsonLimitExceeded, json_loads_limited
from inference.services.proposals import PromptSession


@database_sync_to_async
def _access_refusal(user, scene_id: int) -> int | None:
    return socket_refusal(user=user, check=lambda: scene_for_user(user=user, scene_id=scene_id, role=Role.ANNOTATOR))


class AnnotateConsumer(AsyncJsonWebsocketConsumer):
    # No channel layer: this socket only answers its own client (results come back on the awaiting coroutine,
    # encodes are awaited on Redis directly), so it needs no group and no per-socket layer connection.
    channel_layer_alias = "__inference_no_layer__"

    async def connect(self):
        self.scene_id = int(self.scope["url_route"]["kwargs"]["scene_id"])
        self.user = self.scope.get("user")
        refusal = await _access_refusal(self.user, self.scene_id)
        if refusal is not None:
            await self.close(code=refusal)
            return
        self.pending: set[asyncio.Task] = set()
        self.session = PromptSession(scene_id=self.scene_id, user=self.user)
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
            self._spawn(self.session.answer(content, received=time.perf_counter(), send=self.send_json))
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

    async def _viewport(self, content: dict) -> None:
        await self.send_json(await self.session.viewport(content))


websocket_urlpatterns = [path("ws/annotate/<int:scene_id>/", AnnotateConsumer.as_asgi())]
