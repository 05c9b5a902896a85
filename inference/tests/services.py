"""Test helpers with real services: a private Redis server (nothing consumes its queues, no worker beats there)
and a uvicorn server on the test database pointed at it (a web process with no worker behind it)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.servers import AppServer, uvicorn_serving

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def private_redis(tmp_path) -> Iterator[str]:
    """The URL of a Redis server of this test's own (empty: no worker heartbeat, no consumer)."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed (the set-up installs it)"
    port = _free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 30
    while True:
        try:
            redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
            break
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                _stop(proc)
                raise RuntimeError("the private redis-server did not start") from None
            time.sleep(0.1)
    yield url
    _stop(proc)




@pytest.fixture
def server_without_worker(child_env, private_redis, tmp_path) -> Iterator[AppServer]:
    """uvicorn on the test database with its own empty Redis: no worker consumes any queue."""
    with uvicorn_serving(env={**child_env, "REDIS_URL": private_redis}, log_path=tmp_path / "server.log") as server:
        yield server
