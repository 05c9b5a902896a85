"""The annotation WebSocket and its REST twin, end to end: a real uvicorn server (Channels, Redis layer) and a real
Celery worker encoding windows; the client is `websockets` on loopback."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from inference.models import MaskProposal
from inference.tests.django_fixtures import buildings, click_in, world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _url(app_server, scene_id: int, token: str | None) -> str:
    return app_server.ws(f"/ws/annotate/{scene_id}/", token)


async def _recv(socket, timeout: float = 120) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), timeout))


def _prompt(request_id, point, **kw) -> str:
    return json.dumps({"type": "prompt", "request_id": request_id, "points": [point], "labels": [1],
                       "box": None, "map_resolution": 0.125, "previous_proposal_id": None, **kw})


def test_prompt_over_the_socket_encoding_then_mask(world, app_server):  # noqa: F811
    poly = buildings()[0]

    async def session():
        async with connect(_url(app_server, world.scene.pk, world.tokens["ann"]), origin=app_server.url,
                           open_timeout=10) as socket:
            await socket.send(_prompt("r1", click_in(poly)))
            first = await _recv(socket)
            mask = await _recv(socket)
            # the same window again: no encoding, and the previous answer's logits are fed back
            await socket.send(_prompt("r2", click_in(poly), previous_proposal_id=mask["proposal_id"]))
            second = await _recv(socket)
            await socket.send(json.dumps({"type": "viewport", "request_id": "v1",
                                          "bbox": list(world.scene.footprint.extent), "map_resolution": 0.125}))
            prefetch = await _recv(socket)
            return first, mask, second, prefetch

    first, mask, second, prefetch = asyncio.run(session())
    assert first["type"] == "encoding"
    assert first["request_id"] == "r1"
    assert first["window"]["level"] == -2
    assert first["window"]["key"].startswith("L-2/")
    assert mask["type"] == "mask"
    assert mask["request_id"] == "r1"
    assert mask["window"]["key"] == first["window"]["key"]
    assert mask["geometry"]["type"] == "MultiPolygon"
    assert mask["model_version"] == world.version.pk
    assert 0 < mask["predicted_iou"] <= 1.2
    assert {"embedding_ms", "decode_ms", "total_ms"} <= set(mask["timings"])
    assert mask["timings"]["encoded"] is True
    assert second["type"] == "mask"
    assert second["request_id"] == "r2"
    assert second["timings"]["encoded"] is False
    stored = _stored(second["proposal_id"])
    assert stored.prompt["previous_logits_used"] is True
    assert stored.user_id == world.users["ann"].pk
    assert prefetch["type"] == "prefetch"
    assert prefetch["request_id"] == "v1"
    assert prefetch["level"] == -2
    assert prefetch["queued"] + prefetch["cached"] + prefetch["pending"] >= 1


BAD = [
    ("not json at all {", "malformed"),
    ('["a", "list"]', "malformed"),
    (json.dumps({"type": "dance"}), "unknown_type"),
    (json.dumps({"type": "prompt", "request_id": "x", "points": [[-84.4, 33.7]] * 65, "labels": [1] * 65,
                 "map_resolution": 0.5}), "too_many_points"),
    (json.dumps({"type": "prompt", "request_id": "x", "points": [[-84.4, 33.7]], "labels": [7],
                 "map_resolution": 0.5}), "invalid_prompt"),
    (json.dumps({"type": "prompt", "request_id": "x", "points": [[-84.0, 33.0]], "labels": [1],
                 "map_resolution": 0.5}), "outside_scene"),
    (json.dumps({"type": "viewport", "request_id": "x", "bbox": [1, 2], "map_resolution": 0.5}), "invalid_prompt"),
]


def _stored(pk: int, timeout: float = 10.0) -> MaskProposal:
    """The proposal row: written just after its mask is sent (write-behind), so give it a moment."""
    deadline = time.monotonic() + timeout
    while True:
        found = MaskProposal.objects.filter(pk=pk).first()
        if found is not None or time.monotonic() > deadline:
            assert found is not None, f"proposal {pk} was never stored"
            return found
        time.sleep(0.02)


async def _answer(socket, request_id, timeout: float = 120) -> tuple[dict, bool]:
    """The answer to ``request_id`` (skipping ``encoding`` messages) and whether one came."""
    encoding = False
    while True:
        msg = await _recv(socket, timeout)
        if msg.get("type") == "encoding":
            encoding = True
            continue
        if msg.get("request_id") == request_id:
            return msg, encoding


def test_open_socket_sees_scene_and_model_version_changes(world, app_server):  # noqa: F811
    """The socket keeps its scene and model version between prompts; an edit is seen by the very next prompt,
    even one made with QuerySet.update (no signal, no updated_at)."""
    from asgiref.sync import sync_to_async
    from django.utils import timezone

    from annotator.models import Scene
    from inference.models import ModelState, ModelVersion

    point = click_in(buildings()[0])

    def edit_recipe():
        recipe = dict(world.scene.render_recipe)
        recipe["min"] = [v + 3e-7 for v in recipe["min"]]  # far below one grey level: a new embedding key
        Scene.objects.filter(pk=world.scene.pk).update(render_recipe=recipe)

    def promote():
        v = world.version
        return ModelVersion.objects.create(
            name="promoted copy", architecture=v.architecture, checkpoint_path=v.checkpoint_path,
            checkpoint_sha256=v.checkpoint_sha256, encoder_sha256=v.encoder_sha256, project=world.project,
            state=ModelState.ACTIVE, promoted_at=timezone.now()).pk

    async def session():
        async with connect(_url(app_server, world.scene.pk, world.tokens["ann"]), origin=app_server.url,
                           open_timeout=10) as socket:
            await socket.send(_prompt("a", point))
            a, _ = await _answer(socket, "a")
            await socket.send(_prompt("a2", point))
            a2, a2_encoding = await _answer(socket, "a2")
            await sync_to_async(edit_recipe)()
            await socket.send(_prompt("b", point))
            b, b_encoding = await _answer(socket, "b")
            promoted = await sync_to_async(promote)()
            await socket.send(_prompt("c", point))
            c, _ = await _answer(socket, "c")
            await sync_to_async(Scene.objects.filter(pk=world.scene.pk).update)(status="ingesting")
            await socket.send(_prompt("d", point))
            d, _ = await _answer(socket, "d", 30)
            return a, a2, a2_encoding, b, b_encoding, promoted, c, d

    a, a2, a2_encoding, b, b_encoding, promoted, c, d = asyncio.run(session())
    assert a["type"] == a2["type"] == "mask"
    assert not a2_encoding
    assert a2["model_version"] == world.version.pk
    # the recipe edit: a new embedding key, so an encode first
    assert b["type"] == "mask"
    assert b_encoding
    assert b["timings"]["encoded"] is True
    assert _stored(b["proposal_id"]).window["embedding_key"] != _stored(a2["proposal_id"]).window["embedding_key"]
    assert c["type"] == "mask"
    assert c["model_version"] == promoted != world.version.pk
    assert _stored(c["proposal_id"]).model_version_id == promoted
    assert d["type"] == "error"
    assert d["code"] == "scene_not_ready"


def test_a_proposal_that_cannot_be_stored_is_reported(world, app_server):  # noqa: F811
    """The row is written after the mask is sent, under an id reserved before the decode: when that insert fails
    the client gets an error naming the proposal."""
    from asgiref.sync import sync_to_async

    point = click_in(buildings()[0])

    def occupy_next_id(pk: int) -> None:  # the next reserved id (nothing else draws from the sequence here)
        first = MaskProposal.objects.get(pk=pk)
        first.pk = pk + 1
        first.save(force_insert=True)

    async def session():
        async with connect(_url(app_server, world.scene.pk, world.tokens["ann"]), origin=app_server.url,
                           open_timeout=10) as socket:
            await socket.send(_prompt("a", point))
            a, _ = await _answer(socket, "a")
            await asyncio.sleep(0.5)
            await sync_to_async(occupy_next_id)(a["proposal_id"])
            await socket.send(_prompt("b", point))
            b = await _recv(socket, 60)
            b_error = await _recv(socket, 60)
            await socket.send(_prompt("c", point))
            c, _ = await _answer(socket, "c")
            return a, b, b_error, c

    a, b, b_error, c = asyncio.run(session())
    assert b["type"] == "mask"
    assert b["proposal_id"] == a["proposal_id"] + 1
    assert b_error["type"] == "error"
    assert b_error["code"] == "proposal_not_stored"
    assert b_error["request_id"] == "b"
    assert b_error["proposal_id"] == b["proposal_id"]
    assert str(b["proposal_id"]) in b_error["detail"]
    assert c["type"] == "mask"
    assert _stored(c["proposal_id"]).pk == c["proposal_id"]


def test_bad_input_answers_an_error_and_keeps_the_socket(world, app_server):  # noqa: F811
    inside = click_in(buildings()[0])

    async def session():
        got = []
        async with connect(_url(app_server, world.scene.pk, world.tokens["ann"]), origin=app_server.url,
                           open_timeout=10) as socket:
            for text, _ in BAD:
                await socket.send(text)
                got.append(await _recv(socket, 30))
            await socket.send(_prompt("mv", inside, model_version=987654))
            got.append(await _recv(socket, 30))
            await sync_scene_status(world.scene, "ingesting")
            await socket.send(_prompt("nr", inside))
            got.append(await _recv(socket, 30))
            await socket.send(json.dumps({"type": "ping", "request_id": "alive"}))
            got.append(await _recv(socket, 30))
        return got

    got = asyncio.run(session())
    codes = [m.get("code") for m in got[:len(BAD)]]
    assert codes == [code for _, code in BAD], got
    assert all(m["type"] == "error" and m["detail"] for m in got[:-1])
    assert got[len(BAD)]["code"] == "unknown_model_version"
    assert got[len(BAD)]["request_id"] == "mv"
    assert got[len(BAD) + 1]["code"] == "scene_not_ready"
    assert got[-1] == {"type": "pong", "request_id": "alive"}  # still open, still answering


async def sync_scene_status(scene, status: str) -> None:
    from asgiref.sync import sync_to_async

    scene.status = status
    await sync_to_async(scene.save)(update_fields=["status"])


def test_socket_refuses_anonymous_and_non_members(world, app_server):  # noqa: F811
    async def attempt(token):
        try:
            async with connect(_url(app_server, world.scene.pk, token), origin=app_server.url,
                               open_timeout=10) as socket:
                await socket.recv()
        except InvalidStatus as exc:
            return exc.response.status_code
        except ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd else None
        return "open"

    for token in (None, world.tokens["out"], "not-a-token"):
        assert asyncio.run(attempt(token)) in (403, 4403)


def test_rest_twin_and_model_versions(world, app_server):  # noqa: F811
    body = {"points": [click_in(buildings()[1])], "labels": [1], "box": None, "map_resolution": 0.125,
            "previous_proposal_id": None, "request_id": 7}
    path = f"/api/scenes/{world.scene.pk}/prompt/"
    status, out = app_server.call(world.tokens["ann"], "POST", path, body)
    assert status == 200, out
    assert out["type"] == "mask"
    assert out["request_id"] == 7
    assert out["geometry"]["type"] == "MultiPolygon"
    assert MaskProposal.objects.filter(pk=out["proposal_id"], scene=world.scene).exists()
    status, err = app_server.call(world.tokens["ann"], "POST", path, {**body, "labels": [3]})
    assert status == 400
    assert err["code"] == "invalid_prompt"
    status, err = app_server.call(world.tokens["ann"], "POST", path, {**body, "points": [[-84.0, 33.0]]})
    assert status == 400
    assert err["code"] == "outside_scene"
    assert app_server.call(None, "POST", path, body)[0] == 401
    assert app_server.call(world.tokens["out"], "POST", path, body)[0] == 403
    assert app_server.call(world.tokens["ann"], "POST", "/api/scenes/999999/prompt/", body)[0] == 404

    status, versions = app_server.call(world.tokens["ann"], "GET", f"/api/model-versions/?project={world.project.pk}")
    assert status == 200
    assert [(v["id"], v["in_use"], v["architecture"]) for v in versions] == [(world.version.pk, True, "vit_t")]
    assert app_server.call(world.tokens["out"], "GET", f"/api/model-versions/?project={world.project.pk}")[0] == 403
    assert app_server.call(None, "GET", "/api/model-versions/")[0] == 401
    status, _ = app_server.call(world.tokens["ann"], "POST", "/api/model-versions/",
                      {"architecture": "vit_b", "checkpoint_path": "/nope.pth"})
    assert status == 403  # registering checkpoints is for site staff
