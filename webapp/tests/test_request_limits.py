"""Request bodies are refused with 413 while they stream in, before Django reads them or authenticates anyone.

The middleware on its own (a stand-in app records what it was given), then the real uvicorn server: an anonymous
body with a huge Content-Length, or chunked with no length at all, to the login and the upload endpoints, gets a
413 after a bounded number of bytes, and the server process's resident memory hardly moves."""

import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.servers import uvicorn_serving
from webapp.request_limits import RequestBodyLimit

MiB = 1024**2


class Recorder:
    """A stand-in ASGI app that reads the whole body (as Django's handler does) and answers 200."""

    def __init__(self):
        self.called = False
        self.body = b""
        self.disconnected = False

    async def __call__(self, scope, receive, send):
        self.called = True
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                return
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _call(guard, *, path="/api/auth/login/", headers=(), chunks=(b"",)):
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict] = []
    reads = 0

    async def receive():
        nonlocal reads
        reads += 1
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "headers": list(headers)}
    await guard(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, sent, reads


async def test_declared_length_over_the_limit_is_refused_before_the_app_runs():
    app = Recorder()
    status, sent, reads = await _call(RequestBodyLimit(app, default=100),
                                      headers=[(b"content-length", b"4294967296")])
    assert status == 413
    assert not app.called
    assert reads == 0
    assert (b"connection", b"close") in sent[0]["headers"]
    assert b'"code": "too_large"' in sent[1]["body"]


async def test_a_chunked_body_is_cut_off_once_it_passes_the_limit():
    app = Recorder()
    status, sent, reads = await _call(RequestBodyLimit(app, default=100), chunks=[b"x" * 60] * 10)
    assert status == 413
    assert app.disconnected
    assert len(app.body) == 60
    assert reads == 2  # nothing read past the chunk that crossed the limit
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]  # the app answered nothing


async def test_a_body_within_the_limit_reaches_the_app_whole():
    app = Recorder()
    status, _, _ = await _call(RequestBodyLimit(app, default=100), chunks=[b"x" * 50, b"y" * 50],
                               headers=[(b"content-length", b"100")])
    assert status == 200
    assert app.body == b"x" * 50 + b"y" * 50


async def test_file_routes_take_their_own_limit_only_with_credentials():
    routes = [(r"^/api/projects/[0-9]+/scenes/$", 1000)]
    guard = RequestBodyLimit(Recorder(), default=100, routes=routes, session_cookie="sessionid")
    path = "/api/projects/7/scenes/"
    big = [(b"content-length", b"500")]
    assert (await _call(guard, path=path, headers=big))[0] == 413  # anonymous: the small limit
    with_token = [*big, (b"authorization", b"Token abc")]
    assert (await _call(guard, path=path, headers=with_token, chunks=[b"x" * 500]))[0] == 200
    with_session = [*big, (b"cookie", b"csrftoken=a; sessionid=b")]
    assert (await _call(guard, path=path, headers=with_session, chunks=[b"x" * 500]))[0] == 200
    assert (await _call(guard, path=path, headers=[(b"content-length", b"1001"), *with_token[1:]]))[0] == 413
    assert (await _call(guard, path="/api/scenes/7/", headers=with_token))[0] == 413  # other routes: small


# --- the real server --------------------------------------------------------------------------------------------


def _rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class Upload:
    """POST a body over a raw socket, sending it from a thread while the main thread waits for the answer, as a
    client that keeps sending (up to `total` bytes) would. Returns (status, response bytes, body bytes sent)."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port

    def post(self, path: str, *, headers: dict, total: int, chunked: bool, timeout: float = 60) -> tuple[int, bytes,
                                                                                                         int]:
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}", *(f"{k}: {v}" for k, v in headers.items())]
        if chunked:
            lines.append("Transfer-Encoding: chunked")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        sent = 0
        stop = threading.Event()

        def pump() -> None:
            nonlocal sent
            block = b"\0" * MiB
            framed = b"%x\r\n" % len(block) + block + b"\r\n" if chunked else block
            try:
                while sent < total and not stop.is_set():
                    sock.sendall(framed)
                    sent += len(block)
                if chunked and not stop.is_set():
                    sock.sendall(b"0\r\n\r\n")
            except OSError:  # the server closed the connection after refusing the body
                pass

        sender = threading.Thread(target=pump, daemon=True)
        sender.start()
        response = b""
        try:
            while b"\r\n\r\n" not in response:
                data = sock.recv(65536)
                if not data:
                    break
                response += data
            head, _, body = response.partition(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            while len(body) < length:
                data = sock.recv(65536)
                if not data:
                    break
                body += data
        finally:
            stop.set()
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
            sender.join(timeout=30)
        status = int(head.split(b" ", 2)[1]) if head else 0
        return status, head + b"\r\n\r\n" + body, sent


def _probe(server, path: str, *, chunked: bool, declared: int | None = None, total: int = 512 * MiB,
           headers: dict | None = None) -> tuple[int, bytes, int, int]:
    """One oversized POST; returns (status, response, body bytes sent, growth of the server's RSS in bytes)."""
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    if declared is not None:
        hdrs["Content-Length"] = str(declared)
    before = _rss_bytes(server.proc.pid)
    status, response, sent = Upload(server.url).post(path, headers=hdrs, total=total, chunked=chunked)
    time.sleep(0.5)  # let the server finish with the connection before reading its memory again
    grew = _rss_bytes(server.proc.pid) - before
    print(f"{path} {'chunked' if chunked else f'Content-Length {declared}'}: {status} after {sent / MiB:.0f} MiB "
          f"sent, server RSS {grew / MiB:+.1f} MiB")
    return status, response, sent, grew


def _post_whole(server, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    """An ordinary complete POST (Connection: close); returns (status, whole answer)."""
    sock = socket.create_connection(("127.0.0.1", urlsplit(server.url).port), timeout=60)
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items()),
             f"Content-Length: {len(body)}", "Connection: close"]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    sock.close()
    return int(answer.split(b" ", 2)[1]), answer


def _warm_up(server) -> None:
    """First requests import modules and fill caches; do that before measuring memory."""
    for _ in range(3):
        _post_whole(server, "/api/auth/login/", b"{}", {"Content-Type": "application/json"})


SENT_BOUND = 128 * MiB  # 413 long before a client could push the 512 MiB it tries (socket buffers absorb a little)
RSS_BOUND = 48 * MiB


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/api/auth/login/", "/api/projects/1/scenes/", "/api/scenes/1/imports/"])
def test_anonymous_oversized_bodies_get_413_early_with_bounded_memory(app_server, settings, path):
    _warm_up(app_server)
    # A declared 4 GiB body: refused from the header, with the client still sending.
    status, response, sent, grew = _probe(app_server, path, chunked=False, declared=4 * 1024**3)
    assert status == 413, response[:300]
    assert b'"too_large"' in response
    assert sent < SENT_BOUND, (sent, grew)
    assert grew < RSS_BOUND, (sent, grew)
    # A chunked body with no length: refused once the bytes counted pass the anonymous (JSON-sized) limit.
    status, response, sent, grew = _probe(app_server, path, chunked=True)
    assert status == 413, response[:300]
    assert f"{settings.REQUEST_BODY_MAX_BYTES:,}".encode() in response
    assert sent < SENT_BOUND, (sent, grew)
    assert grew < RSS_BOUND, (sent, grew)
    # And the server still answers normally afterwards.
    status, response = _post_whole(app_server, "/api/auth/token/", b"{}", {"Content-Type": "application/json"})
    assert status == 400, response[:300]  # "{}" needs a username and a password; not a 413


@pytest.fixture
def small_limit_server(child_env, celery_worker, tmp_path) -> Iterator:
    """A second uvicorn whose upload limit is 8 MiB, so a body over it is quick to send."""
    env = {**child_env, "GEOLOOP_UPLOAD_MAX_BYTES": str(8 * MiB)}
    with uvicorn_serving(env=env, log_path=tmp_path / "small-limit-server.log") as server:
        yield server


@pytest.mark.django_db(transaction=True)
def test_an_authenticated_upload_over_the_upload_limit_gets_413_while_streaming(small_limit_server, actors):
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=actors.users["admin"])
    path = f"/api/projects/{actors.project.id}/scenes/"
    auth = {"Authorization": f"Token {token.key}", "Content-Type": "multipart/form-data; boundary=xyz"}
    _warm_up(small_limit_server)
    status, response, sent, grew = _probe(small_limit_server, path, chunked=True, headers=auth)
    assert status == 413, response[:300]
    assert f"{8 * MiB + 64 * 1024:,}".encode() in response  # the upload limit plus multipart framing
    assert sent < SENT_BOUND, (sent, grew)
    assert grew < RSS_BOUND, (sent, grew)
    # Under the limit the body reaches the view (which refuses this one for what it is, not for its size).
    body = (b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.tif\"\r\n"
            b"Content-Type: image/tiff\r\n\r\n" + b"not a raster" * 1000 + b"\r\n--xyz--\r\n")
    code, answer = _post_whole(small_limit_server, path, body, auth)
    assert 400 <= code < 500, answer[:500]
    assert code != 413, answer[:500]
