"""Faults end cleanly: a real Celery worker SIGKILLed in the middle of an export or an ingestion leaves a job that
the reaper fails with a reason and no partial file; a killed upload leaves a partial file that the next process
start removes, while a file a live upload still writes is never removed.

The worker is slowed deterministically by GEOLOOP_JOB_PROGRESS_DELAY_S (a pause at each recorded progress step) and
consumes a private queue, so no other worker of the session takes its task."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import current_app
from django.core.files import File

from annotator.models import ExportJob, LabelClass, Project, Scene
from annotator.services.exports import export_job_create
from annotator.services.scenes import scene_create_from_upload
from annotator.services.scratch import entry_in_use, scratch_file, scratch_sweep
from annotator.tasks import reap_stale_jobs
from annotator.tests import rasters
from annotator.tests.export_fixtures import annotations_make, scene_ready

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if folder.exists() \
        else []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.JOB_HEARTBEAT_STALE_S = 1  # the reaper in this process judges a silent job dead after 1 s
    return settings.MEDIA_ROOT


class SlowWorker:
    """A Celery worker process (its own session, so the kill takes its pool children too) on a private queue,
    pausing GEOLOOP_JOB_PROGRESS_DELAY_S at each progress step."""

    def __init__(self, child_env: dict, media: Path, delay_s: int, log_path: Path):
        self.queue = f"faults-{uuid.uuid4().hex[:8]}"
        self.name = f"{self.queue}@{socket.gethostname()}"
        env = {**child_env, "GEOLOOP_MEDIA_ROOT": str(media), "GEOLOOP_JOB_PROGRESS_DELAY_S": str(delay_s)}
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "webapp", "worker", "-Q", self.queue, "-c", "1", "-n", self.name,
             "-l", "info"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait(lambda: self._alive() and current_app.control.ping(timeout=0.5, destination=[self.name]), 60,
              "the worker to answer")

    def _alive(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"worker exited with {self.proc.returncode}; see {self.log.name}")
        return True

    def send(self, task: str, *args) -> None:
        current_app.send_task(task, args=list(args), queue=self.queue)

    def kill_pool_child(self) -> None:
        """SIGKILL only the process running the task (as the OOM killer would); the worker itself lives on."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        assert len(children) == 1, children
        os.kill(int(children[0]), signal.SIGKILL)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # the main process and its pool child, as a lost machine
        self.proc.wait(timeout=30)
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.kill()


@pytest.fixture
def slow_worker(child_env, media):
    from conftest import ARTIFACTS_LOG

    workers = []

    def start(delay_s: int) -> SlowWorker:
        workers.append(SlowWorker(child_env, media, delay_s, ARTIFACTS_LOG(f"faults-worker-{len(workers)}.log")))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


def _reap_until(predicate, what: str):
    def reaped():
        reap_stale_jobs()
        return predicate()

    return _wait(reaped, 60, what)


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(300)
def test_export_killed_mid_run_ends_failed_and_leaves_no_partial_file(media, slow_worker):
    project = Project.objects.create(slug="faults-export", name="Faults export")
    classes = [LabelClass.objects.create(project=project, name="building")]
    scene = scene_ready(project)
    annotations_make(project, scene, classes)
    job = export_job_create(project=project, user=None, format="geojson", enqueue=False)
    exports = media / "exports" / project.slug
    worker = slow_worker(30)  # the job pauses 30 s once its file is written, before zipping

    worker.send("annotator.export_dataset", job.id)
    _wait(lambda: ExportJob.objects.filter(pk=job.pk, status="running", progress__gt=0).exists(), 120,
          "the export to write its files")
    written = _files(exports)
    assert written, written
    assert all(name.startswith(f".{job.pk}-") for name in written), written  # only in staging
    worker.kill()
    assert ExportJob.objects.get(pk=job.pk).status == "running"  # nothing told the job: the worker just vanished

    failed = _reap_until(lambda: ExportJob.objects.filter(pk=job.pk, status="failed").first(), "the reaper")
    assert "its worker stopped" in failed.error, failed.error
    assert failed.finished_at is not None, failed.error
    assert failed.result_path == ""
    assert _files(exports) == []
    assert not list(exports.glob("*"))  # no staging folder, no job folder


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(300)
def test_export_whose_pool_child_is_killed_ends_failed_at_once(media, slow_worker):
    """The worker survives and reports WorkerLostError: the job fails by task id, without waiting for a reaper."""
    project = Project.objects.create(slug="faults-child", name="Faults child")
    scene = scene_ready(project)
    annotations_make(project, scene, [LabelClass.objects.create(project=project, name="building")])
    job = export_job_create(project=project, user=None, format="geojson", enqueue=False)
    exports = media / "exports" / project.slug
    worker = slow_worker(30)

    worker.send("annotator.export_dataset", job.id)
    _wait(lambda: ExportJob.objects.filter(pk=job.pk, status="running", progress__gt=0).exists(), 120,
          "the export to write its files")
    assert _files(exports)
    worker.kill_pool_child()
    failed = _wait(lambda: ExportJob.objects.filter(pk=job.pk, status="failed").first(), 60, "the job to fail")
    assert "WorkerLostError" in failed.error, failed.error
    assert _files(exports) == []
    assert not list(exports.glob("*"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(300)
def test_ingestion_killed_mid_run_ends_failed_and_leaves_no_partial_file(media, slow_worker, tmp_path):
    project = Project.objects.create(slug="faults-ingest", name="Faults ingest")
    source = rasters.make_raster(tmp_path / "big.tif", bands=3, dtype="uint16", width=1500, height=1200)
    with open(source, "rb") as handle:
        scene = scene_create_from_upload(project=project, uploaded_file=File(handle, name="big.tif"), name="big",
                                         user=None, enqueue=False)
    upload = Path(scene.source_path)
    assert upload.is_file()
    assert not entry_in_use(upload)
    worker = slow_worker(5)  # 5 s pause at each progress step

    worker.send("annotator.ingest_scene", scene.id)
    _wait(lambda: Scene.objects.filter(pk=scene.pk, progress__gte=0.8).exists(), 120, "the COG to be written")
    assert _files(media / "scenes" / str(scene.pk))  # the COG is there but the scene is not ready
    worker.kill()
    assert Scene.objects.get(pk=scene.pk).status == "ingesting"

    failed = _reap_until(lambda: Scene.objects.filter(pk=scene.pk, status="failed").first(), "the reaper")
    assert "its worker stopped" in failed.status_reason, failed.status_reason
    assert not (media / "scenes" / str(scene.pk)).exists()
    assert not upload.exists()
    assert failed.source_path == ""
    assert _files(media / "uploads") == []


UPLOADER = """
import sys, time, django
django.setup()
from annotator.models import Project
from annotator.services.scenes import scene_create_from_upload

class Endless:
    name = "endless.tif"
    def read(self, n):
        time.sleep(0.05)
        return b"\\0" * 65536

scene_create_from_upload(project=Project.objects.get(slug=sys.argv[1]), uploaded_file=Endless(), name="x", user=None)
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(120)
def test_killed_upload_is_removed_on_next_start_and_a_live_one_is_kept(media, child_env, settings):
    project = Project.objects.create(slug="faults-upload", name="Faults upload")
    env = {**child_env, "GEOLOOP_MEDIA_ROOT": str(media)}
    uploads = media / "uploads"
    uploader = subprocess.Popen([sys.executable, "-c", UPLOADER, project.slug], cwd=ROOT, env=env)
    try:
        part = _wait(lambda: [p for p in uploads.glob("*.part") if p.stat().st_size > 0] if uploads.exists()
                     else None, 60, "the upload to start")[0]
        assert entry_in_use(part)  # held by the live upload ...
        os.utime(part, (time.time() - 3600, time.time() - 3600))
        assert scratch_sweep(folders=[uploads], keep=lambda p: True) == []
        assert part.exists()
    finally:
        uploader.kill()
        uploader.wait()
    assert part.exists()
    assert not entry_in_use(part)
    os.utime(part, (time.time() - 3600, time.time() - 3600))  # older than the guard against sweeping a new file

    # a request upload file a killed web process left (Django's, unlocked): removed once unchanged for long enough
    requests = media / "tmp" / "requests"
    requests.mkdir(parents=True, exist_ok=True)  # made by the uploader process at its start
    old_request, new_request = requests / "tmpold.upload.tif", requests / "tmpnew.upload.tif"
    old_request.write_bytes(b"x")
    new_request.write_bytes(b"x")
    os.utime(old_request, (time.time() - settings.TEMP_MAX_AGE_S - 60,) * 2)
    live, out = scratch_file(uploads, suffix=".tif")  # an upload this process is writing now
    out.write(b"y")
    out.close()
    os.utime(live.path, (time.time() - 3600, time.time() - 3600))
    try:
        subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # a process starts
        assert not part.exists()
        assert not old_request.exists()
        assert new_request.exists()
        assert live.path.exists()
    finally:
        live.discard()


def test_liveness_tells_a_slow_job_from_a_dead_one(settings):
    from datetime import timedelta

    from django.utils import timezone

    from annotator.services.jobs import Liveness

    settings.JOB_HEARTBEAT_STALE_S, settings.JOB_QUEUED_MAX_S = 60, 3600
    now = timezone.now()
    old, fresh = now - timedelta(seconds=61), now - timedelta(seconds=5)
    answered = Liveness(alive=frozenset({"t-running"}), now=now)
    silent = Liveness(alive=None, now=now)
    assert answered.verdict(task_id="t-running", heartbeat_at=old) is None  # slow: a worker still runs it
    assert answered.verdict(task_id="t-other", heartbeat_at=fresh) is None  # still beating
    assert silent.verdict(task_id="t-other", heartbeat_at=fresh) is None
    assert "no worker is running it" in answered.verdict(task_id="t-other", heartbeat_at=old)
    assert "no worker answers" in silent.verdict(task_id="t-other", heartbeat_at=old)
    assert answered.never_started(task_id="", queued_since=now - timedelta(seconds=3599), queue="export") is None
    assert answered.never_started(task_id="t-running", queued_since=now - timedelta(days=2), queue="export") is None
    assert "queue 'export'" in silent.never_started(task_id="", queued_since=now - timedelta(days=2), queue="export")


def test_beat_and_a_starting_worker_run_a_reaper_for_every_job_kind(settings, monkeypatch):
    import annotator.tasks  # noqa: F401 - register the tasks
    import feedback.tasks  # noqa: F401
    from webapp.celery import REAPERS, app, reap_on_worker_start

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert set(REAPERS) <= scheduled
    assert set(REAPERS) <= set(app.tasks)
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, *a, **k: sent.append(name))
    reap_on_worker_start(sender=None)
    assert sent == list(REAPERS)
