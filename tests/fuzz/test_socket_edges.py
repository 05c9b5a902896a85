"""WebSocket edges on the real server: an unknown socket path is closed with a code (not a 500 handshake); the
event sockets answer frames they cannot read (binary, not JSON, nested too deep) with an error message and stay
open; the prompt socket does the same for binary frames."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

pytestmark = pytest.mark.django_db(transaction=True)


def _open(app_server, world, path):
    return connect(f"{app_server.ws_url}{path}", additional_headers={"Cookie": f"sessionid={world.admin_session}"},
                   origin=app_server.url, open_timeout=30)


@pytest.mark.parametrize("path", ["/ws/nothing/", "/ws/annotate/abc/", "/ws/" + "a" * 3000 + "/",
                                  "/ws/annotate/99999999999999999999999/"])
def test_unknown_socket_paths_are_closed_with_a_code(app_server, fuzz_world, path):
    refused = None
    try:
        with _open(app_server, fuzz_world, path) as ws, pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=30)
    except InvalidStatus as exc:  # refused before it opened (no such scene for this user): 403, not 500
        refused = exc
    if refused is not None:
        assert refused.response.status_code == 403, refused
        return
    assert closed.value.rcvd is not None, closed.value
    assert closed.value.rcvd.code == 4404, closed.value


@pytest.mark.parametrize("path", ["/ws/scenes/{scene}/events/", "/ws/projects/{project}/training/",
                                  "/ws/annotate/{scene}/"])
def test_unreadable_frames_get_an_error_and_the_socket_stays_open(app_server, fuzz_world, path):
    path = path.format(scene=fuzz_world.scene_id, project=fuzz_world.project_id)
    frames = [b"\x00\x01binary", "not json", "[" * 5000 + "]" * 5000, '{"type": "ping", "request_id": 1e999}',
              "9" * 5000]
    with _open(app_server, fuzz_world, path) as ws:
        for frame in frames:
            ws.send(frame)
            while True:  # the event sockets may interleave events; wait for the answer
                message = json.loads(ws.recv(timeout=30))
                if message.get("type") == "error":
                    break
            assert message.get("detail"), message
        ws.send(json.dumps({"type": "ping"}))
        while (message := json.loads(ws.recv(timeout=30))).get("type") != "pong":
            pass
