"""Prompts under load and without a worker, against the real server: waiting prompts hold no database
connection (the API stays up while they wait), and with no worker on the encode queue they fail at once."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from websockets.asyncio.client import connect

from inference.services.embeddings import _channel, _lock_name, redis_client
from inference.services.proposals import prompt_input_parse, prompt_prepare
from inference.tests.django_fixtures import World, buildings, click_in, world  # noqa: F401 - fixture
from inference.tests.services import private_redis, server_without_worker  # noqa: F401 - fixtures
from inference.tests.test_socket_django import _answer, _prompt, _recv, _url

pytestmark = pytest.mark.django_db(transaction=True)

RESOLUTION = 0.125  # the finest level: many small windows on the Atlanta chip


def _distinct_windows(w: World, count: int) -> tuple[list[list[float]], list]:
    """``count`` points of the scene, each in a window of its own, and those windows' embedding keys."""
    minx, miny, maxx, maxy = w.scene.footprint.extent
    points, keys = [], {}
    steps = 6
    for i in range(steps):
        for j in range(steps):
            lon = minx + (maxx - minx) * (i + 0.5) / steps
            lat = miny + (maxy - miny) * (j + 0.5) / steps
            inp = prompt_input_parse({"points": [[lon, lat]], "labels": [1], "map_resolution": RESOLUTION})
            key = prompt_prepare(scene=w.scene, inp=inp).key
            if key.cache_key not in keys and len(points) < count:
                keys[key.cache_key] = key
                points.append([lon, lat])
    assert len(points) == count, f"only {len(points)} distinct windows"
    return points, list(keys.values())


def test_eight_concurrent_first_clicks_leave_the_api_answering(world, app_server):  # noqa: F811
    """8 first clicks (4 sockets, 4 REST calls) on 2 windows not encoded yet (two sockets and two REST calls on
    each: 2 encodes, one per worker child, keep the test within the gpu queue's time limit on a loaded shared
    CPU), with the server's pool at its default size (8):
    while all of them wait for their encodes, /healthz and an ordinary API call answer 200; then the encodes run,
    every prompt gets its mask, and the API still answers."""
    points, keys = _distinct_windows(world, 2)
    points = points * 2
    r = redis_client()
    for key in keys:  # the encodes are held back (as if another process were encoding them) until released below
        r.set(_lock_name(key), "held by the test", ex=300)
    token = world.tokens["ann"]
    versions = f"/api/model-versions/?project={world.project.pk}"
    path = f"/api/scenes/{world.scene.pk}/prompt/"

    async def socket_prompt(i: int) -> dict:
        async with connect(_url(app_server, world.scene.pk, token), origin=app_server.url, open_timeout=30) as ws:
            await ws.send(_prompt(f"s{i}", points[i], map_resolution=RESOLUTION))
            msg, _ = await _answer(ws, f"s{i}", timeout=600)
            return msg

    def rest_prompt(i: int) -> tuple[int, dict]:
        return app_server.call(token, "POST", path, {"points": [points[i]], "labels": [1],
                                                         "map_resolution": RESOLUTION, "request_id": f"r{i}"},
                     timeout=600)

    async def scenario():
        prompts = [asyncio.ensure_future(socket_prompt(i)) for i in range(4)]
        prompts += [asyncio.ensure_future(asyncio.to_thread(rest_prompt, i)) for i in range(4)]
        deadline = time.monotonic() + 120
        while True:  # all 8 are waiting: each window's outcome channel has its four subscribers
            subscribers = dict(r.pubsub_numsub(*[_channel(k) for k in keys]))
            if all(subscribers.get(_channel(k).encode(), 0) >= 4 for k in keys):
                break
            assert time.monotonic() < deadline, f"the prompts did not all start waiting: {subscribers}"
            assert not any(p.done() for p in prompts), [p.result() for p in prompts if p.done()]
            await asyncio.sleep(0.1)
        during = await asyncio.gather(asyncio.to_thread(app_server.call, None, "GET", "/healthz"),
                                      asyncio.to_thread(app_server.call, token, "GET", versions))
        still_waiting = [not p.done() for p in prompts]
        for key in keys:
            r.delete(_lock_name(key))
        answers = await asyncio.gather(*prompts)
        after = await asyncio.gather(asyncio.to_thread(app_server.call, None, "GET", "/healthz"),
                                     asyncio.to_thread(app_server.call, token, "GET", versions))
        return during, still_waiting, answers, after

    during, still_waiting, answers, after = asyncio.run(scenario())
    assert [status for status, _ in during] == [200, 200], during
    assert during[0][1]["status"] == "ok"
    assert during[1][1][0]["id"] == world.version.pk
    assert all(still_waiting), "the health and API calls must have answered while every prompt still waited"
    sockets, rests = answers[:4], answers[4:]
    assert all(m["type"] == "mask" and m["timings"]["encoded"] is True for m in sockets), sockets
    assert all(status == 200 and out["type"] == "mask" and out["timings"]["encoded"] is True
               for status, out in rests), rests
    assert [m["window"]["key"] for m in sockets] == [out["window"]["key"] for _, out in rests]
    assert len({m["window"]["key"] for m in sockets}) == 2
    assert [status for status, _ in after] == [200, 200], after


def test_without_a_worker_prompts_fail_at_once_and_healthz_names_the_queues(world, server_without_worker):  # noqa: F811
    """No worker consumes the encode queue: a REST prompt and a socket prompt on a window not encoded answer
    ``no_inference_worker`` (503) within seconds instead of waiting for an encode that cannot come."""
    server = server_without_worker
    status, health = server.call(None, "GET", "/healthz")
    assert status == 503
    assert "celery" in health["failing"]
    assert sorted(health["queues_without_consumers"]) == ["default", "export", "gpu", "train"]
    assert health["checks"]["database"] == health["checks"]["redis"] == "ok"
    point = click_in(buildings()[0])
    body = {"points": [point], "labels": [1], "map_resolution": RESOLUTION, "request_id": 1}
    path = f"/api/scenes/{world.scene.pk}/prompt/"
    # the process's first prompt also pays for its imports (seconds on a loaded machine): not what is measured
    status, out = server.call(world.tokens["ann"], "POST", path, body)
    assert status == 503, out
    assert out["code"] == "no_inference_worker", out

    started = time.monotonic()
    status, out = server.call(world.tokens["ann"], "POST", path, body)
    rest_s = time.monotonic() - started
    assert status == 503, out
    assert out["code"] == "no_inference_worker", out
    assert "no inference worker is running" in out["detail"]

    async def session():
        async with connect(_url(server, world.scene.pk, world.tokens["ann"]), origin=server.url,
                           open_timeout=10) as ws:
            t0 = time.monotonic()
            await ws.send(_prompt("p", point, map_resolution=RESOLUTION))
            msg = await _recv(ws, timeout=10)
            elapsed = time.monotonic() - t0
            await ws.send(json.dumps({"type": "ping", "request_id": "alive"}))
            return msg, elapsed, await _recv(ws, timeout=10)

    msg, socket_s, pong = asyncio.run(session())
    assert msg["type"] == "error", msg
    assert msg["request_id"] == "p", msg
    assert msg["code"] == "no_inference_worker", msg
    assert pong == {"type": "pong", "request_id": "alive"}
    # a functional bound, not a speed figure: the old behaviour was a 120 s wait for the encode
    assert rest_s < 10, (rest_s, socket_s)
    assert socket_s < 10, (rest_s, socket_s)
