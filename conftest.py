"""Shared fixtures: real services only. A Celery worker and an ASGI server run as subprocesses against the
test database; tests that use them take `transactional_db` so what they write is visible to those processes."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings

from tests.servers import AppServer

ROOT = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _child_env(database_name: str) -> dict:
    parts = urlsplit(settings.DATABASE_URL)
    db_url = urlunsplit((parts.scheme, parts.netloc, "/" + database_name, parts.query, ""))
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        REDIS_URL=settings.REDIS_URL,
        GEOLOOP_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DJANGO_SETTINGS_MODULE="webapp.settings",
        PYTHONUNBUFFERED="1",
    )
    return env


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def child_env(django_db_setup, django_db_blocker) -> dict:
    """Environment for subprocesses: same settings, pointed at the test database."""
    from django.db import connection

    return _child_env(connection.settings_dict["NAME"])


@pytest.fixture(scope="session")
def celery_worker(child_env) -> Iterator[subprocess.Popen]:
    """A real Celery worker consuming every queue, as its own process."""
    from webapp.celery import app

    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # no stale messages from an earlier run
    log = open(ARTIFACTS_LOG("celery-worker.log"), "w")
    proc = subprocess.Popen(
        [str(VENV_BIN / "celery"), "-A", "webapp", "worker", "-Q", "gpu,train,export,default", "-c", "2",
         "--prefetch-multiplier", "1", "-n", f"test-{os.getpid()}@%h", "-l", "info"],
        cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Celery worker exited with {proc.returncode}; see {log.name}")
        if app.control.ping(timeout=0.5, destination=[f"test-{os.getpid()}@{socket.gethostname()}"]):
            break
    else:
        _stop(proc)
        raise RuntimeError("Celery worker did not answer within 60 s")
    yield proc
    _stop(proc)
    log.close()


@pytest.fixture(scope="session")
def app_server(child_env, celery_worker) -> Iterator[AppServer]:
    """The ASGI app (HTTP + WebSockets) served by uvicorn on a free port, with a worker behind it."""
    port = _free_port()
    log = open(ARTIFACTS_LOG("app-server.log"), "w")
    proc = subprocess.Popen(
        [str(VENV_BIN / "uvicorn"), "webapp.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"],
        cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app server exited with {proc.returncode}; see {log.name}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    yield AppServer(f"http://127.0.0.1:{port}", proc)
    _stop(proc)
    log.close()


def ARTIFACTS_LOG(name: str) -> Path:
    path = ARTIFACTS / "logs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class Actors:
    """A project with one user per role, plus a non-member; `client(name)` is an API client logged in by token."""

    def __init__(self, project, users: dict):
        self.project = project
        self.users = users

    def client(self, name: str | None):
        from rest_framework.authtoken.models import Token
        from rest_framework.test import APIClient

        client = APIClient()
        if name is not None:
            token, _ = Token.objects.get_or_create(user=self.users[name])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client


@pytest.fixture
def actors(db) -> Actors:
    from django.contrib.auth import get_user_model

    from annotator.models import Membership, Project

    User = get_user_model()
    project = Project.objects.create(slug="roles", name="Roles")
    users = {
        "staff": User.objects.create_user("staff", password="pw", is_staff=True),
        "admin": User.objects.create_user("padmin", password="pw"),
        "reviewer": User.objects.create_user("reviewer", password="pw"),
        "annotator": User.objects.create_user("annotator", password="pw"),
        "outsider": User.objects.create_user("outsider", password="pw"),
    }
    for role in ("admin", "reviewer", "annotator"):
        Membership.objects.create(project=project, user=users[role], role=role)
    return Actors(project, users)
