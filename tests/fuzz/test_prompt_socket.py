"""Fuzz the prompt socket ``/ws/annotate/<scene>/`` (inference/consumers.py) with hypothesis, on the real server.

Whatever a client sends (arbitrary JSON, text that is not JSON, binary frames, near-valid prompts and viewport
reports), the server answers with a message (``error`` with a code, or the normal ``pong`` / ``prefetch`` /
``encoding`` + ``mask``), or closes the socket with a close frame that carries a code. A connection that drops
without a close frame, or no answer at all, is a failure. Examples: ``GEOLOOP_FUZZ_EXAMPLES`` (default 10) x 4
for arbitrary JSON and for near-valid messages, x 2 for raw frames.
"""

from __future__ import annotations

import json
import os

import hypothesis
import pytest
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("GEOLOOP_FUZZ_EXAMPLES", "10")) * 4
ANSWERS = {"error", "pong", "prefetch", "mask"}  # a request is answered by one of these ("encoding" comes first)
TIMEOUT = 150  # a prompt may wait for an encode (GEOLOOP_ENCODE_WAIT_S, 120 s)

scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**40), max_value=10**40)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20))
any_json = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=10) | st.sampled_from(["type", "request_id", "points", "labels", "box", "bbox"]), inner,
    max_size=4), max_leaves=20)


def near_valid(extent: tuple[float, float, float, float], version_id: int):
    """Valid prompts and viewport reports with none or one field broken: a valid message is drawn, then one field
    (or none) is replaced by something wrong (a wrong type, a value out of range, an unknown id)."""
    minx, miny, maxx, maxy = extent
    w, h = maxx - minx, maxy - miny
    inside = st.tuples(st.floats(minx + w * 0.3, maxx - w * 0.3), st.floats(miny + h * 0.3, maxy - h * 0.3)).map(list)
    resolution = st.sampled_from([0.25, 0.5])  # few windows, so encodes are reused
    box = st.tuples(st.floats(0.3, 0.45), st.floats(0.3, 0.45), st.floats(0.55, 0.7), st.floats(0.55, 0.7)).map(
        lambda f: [minx + w * f[0], miny + h * f[1], minx + w * f[2], miny + h * f[3]])
    prompt = st.lists(inside, min_size=1, max_size=3).flatmap(lambda points: st.fixed_dictionaries({
        "type": st.just("prompt"), "request_id": st.uuids().map(str), "points": st.just(points),
        "labels": st.lists(st.sampled_from([0, 1]), min_size=len(points), max_size=len(points)),
        "box": st.none() | box, "map_resolution": resolution,
    }, optional={"model_version": st.just(version_id), "previous_proposal_id": st.none()}))
    viewport = st.fixed_dictionaries({"type": st.just("viewport"), "request_id": st.uuids().map(str),
                                      "bbox": box, "map_resolution": resolution})
    wrong = (scalars | any_json | st.sampled_from([[], [[]], [[0, 0]], [[-181.0, 0.0]], [[0.0, 91.0]], [1, 2, 3],
                                                   [[minx - w, miny - h]], [minx, miny, minx, miny], 0, -1, 1e308,
                                                   5e-324, 2**53 - 1, -(2**53), "1", True, [True], [2]]))
    fields = st.sampled_from([None, None, "points", "labels", "box", "bbox", "map_resolution", "model_version",
                              "previous_proposal_id", "request_id", "type"])

    def broken(message: dict, field: str | None, value) -> dict:
        return message if field is None else {**message, field: value}

    return st.builds(broken, prompt | viewport, fields, wrong)


def raw_frames():
    deep = st.integers(40, 20000).map(lambda n: "[" * n + "]" * n)
    nested_id = st.integers(40, 5000).map(lambda n: '{"type": "ping", "request_id": ' + "[" * n + "]" * n + "}")
    numbers = st.sampled_from(['{"type": "ping", "request_id": ' + "9" * 5000 + "}", "NaN", '{"type": Infinity}',
                               '{"type": "prompt", "points": [[1e999, 0]], "labels": [1], "map_resolution": 1}'])
    return deep | nested_id | numbers | st.text(max_size=50) | st.binary(max_size=50)


class Socket:
    """The fuzzing client: one socket, reopened whenever the server closed it (with a code)."""

    def __init__(self, app_server, world):
        self.url = f"{app_server.ws_url}/ws/annotate/{world.scene_id}/"
        self.headers = {"Cookie": f"sessionid={world.admin_session}"}
        self.origin = app_server.url
        self.ws = None
        self.closes: list[int] = []

    def open(self):
        if self.ws is None:
            self.ws = connect(self.url, additional_headers=self.headers, origin=self.origin, open_timeout=30,
                              max_size=None, legacy=True)
        return self.ws

    def exchange(self, frame: str | bytes) -> str:
        """Send one frame; return the type of the answer, or "closed:<code>". Raises AssertionError on a dropped
        connection or silence."""
        ws = self.open()
        try:
            ws.send(frame)
            while True:
                message = json.loads(ws.recv(timeout=TIMEOUT))
                assert isinstance(message, dict), message
                assert "type" in message, message
                if message["type"] == "error":
                    assert message.get("code"), message
                    assert message.get("detail"), message
                    assert message["code"] != "internal", message  # a server exception, reported politely
                if message["type"] in ANSWERS:
                    return message["type"]
        except TimeoutError as exc:
            raise AssertionError(f"no answer within {TIMEOUT} s to {frame[:200]!r}") from exc
        except ConnectionClosed as exc:
            closed = exc
        self.ws = None
        assert closed.rcvd is not None, f"connection dropped without a close frame after {frame[:200]!r}"
        assert closed.rcvd.code not in (1006, 1011), f"closed with {closed.rcvd.code} after {frame[:200]!r}"
        self.closes.append(closed.rcvd.code)
        return f"closed:{closed.rcvd.code}"

    def close(self):
        if self.ws is not None:
            self.ws.close()


def _settings(examples: int):
    return hypothesis.settings(max_examples=examples, deadline=None, database=None,
                               derandomize=os.environ.get("GEOLOOP_FUZZ_RANDOM") != "1",
                               suppress_health_check=list(hypothesis.HealthCheck))


def test_the_prompt_socket_answers_every_frame(app_server, fuzz_world):
    from annotator.models import Scene

    extent = Scene.objects.get(pk=fuzz_world.scene_id).footprint.extent
    socket = Socket(app_server, fuzz_world)
    seen: dict[str, int] = {}

    def record(answer: str) -> None:
        seen[answer] = seen.get(answer, 0) + 1

    @_settings(EXAMPLES)
    @hypothesis.given(message=any_json)
    def arbitrary_json(message):
        record(socket.exchange(json.dumps(message)))

    @_settings(EXAMPLES)
    @hypothesis.given(message=near_valid(extent, fuzz_world.version_id))
    def near_valid_messages(message):
        record(socket.exchange(json.dumps(message)))

    @_settings(EXAMPLES // 2)
    @hypothesis.given(frame=raw_frames())
    def raw(frame):
        record(socket.exchange(frame))

    try:
        arbitrary_json()
        near_valid_messages()
        raw()
        # still serving: a fresh socket answers a ping
        assert socket.exchange(json.dumps({"type": "ping", "request_id": "end"})) == "pong"
    finally:
        socket.close()
    print(f"answers: {seen}; closes: {socket.closes}")
    assert seen.get("error", 0) > EXAMPLES, seen  # the generators do reach the validation

