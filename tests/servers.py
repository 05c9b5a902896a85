"""The app servers tests start (uvicorn on a free port, as its own process) and what tests know about them."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


class AppServer:
    def __init__(self, url: str, proc: subprocess.Popen):
        self.url = url.rstrip("/")
        self.ws_url = self.url.replace("http://", "ws://")
        self.proc = proc

    def ws(self, path: str, token: str | None = None) -> str:
        """The WebSocket URL of `path`, carrying a single-use ticket bought with the API token `token`. Without a
        token, or when the server refuses it (401/403), the URL has no ticket and the socket connects anonymously."""
        url = f"{self.ws_url}{path}"
        if not token:
            return url
        request = urllib.request.Request(f"{self.url}/api/auth/ws-ticket/", method="POST",
                                         headers={"Authorization": f"Token {token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                ticket = json.loads(response.read())["ticket"]
        except urllib.error.HTTPError as refused:
            if refused.code in (401, 403):
                return url
            raise
        return f"{url}{'&' if '?' in path else '?'}ticket={ticket}"

    def call(self, token: str | None, method: str, path: str, body=None, timeout: float = 120) -> tuple[int, dict]:
        """One HTTP request (JSON body, API token when given) on a connection of its own: (status, JSON answer)."""
        host, port = self.url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        resp = conn.getresponse()
        status, data = resp.status, resp.read()
        conn.close()
        return status, json.loads(data) if data else {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL if it is still there after ``timeout`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def uvicorn_serving(*, env: dict, log_path: Path, timeout: float = 60) -> Iterator[AppServer]:
    """The ASGI app served by uvicorn on a free port with ``env``, until the block ends; its output goes to
    ``log_path``. Raises when the process exits or does not listen within ``timeout`` seconds."""
    port = free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(VENV_BIN / "uvicorn"), "webapp.asgi:application", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"app server exited with {proc.returncode}; see {log_path}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"app server did not listen within {timeout:.0f} s; see {log_path}") \
                            from None
                    time.sleep(0.2)
            yield AppServer(f"http://127.0.0.1:{port}", proc)
        finally:
            process_stop(proc)
