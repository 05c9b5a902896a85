"""Training jobs through the real Celery worker: a beat-scheduled run that ends in an evaluated candidate, and a
job whose worker process is killed mid-run that ends failed with its log."""

import os
import signal
import subprocess
import time

import pytest

from feedback import services
from feedback.models import TrainingJob, TrainingStatus, Trigger
from feedback.tests.fixtures import crowded_objects, proposal_for
from inference.models import ModelState, ModelVersion
from inference.sam import sha256_file
from inference.services.registry import checkpoint_resolve

FAST = {"train_steps": 3, "gate_benchmark": False, "held_out_share": 0.5, "eval_max_clicks": 2,
        "train_max_clicks": 2}


def _corrections(env, n):
    for obj in crowded_objects(n):
        proposal, final = proposal_for(env["project"], env["scene"], obj, model_version=env["base"])
        services.proposal_accept(proposal=proposal, label_class=None, user=env["users"]["annotator"],
                                 final_geometry=final)


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.timeout(300)
def test_beat_schedule_fires_a_job_that_the_worker_trains_and_evaluates(transactional_db, project_env,
                                                                        celery_worker, child_env):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from conftest import ARTIFACTS_LOG, ROOT, VENV_BIN

    env = project_env
    project = env["project"]
    project.settings = {**project.settings, **FAST}
    project.save()
    _corrections(env, 4)
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="fb-test", task="feedback.train_scheduled", interval=every,
                                args=f"[{project.id}]", one_off=True)
    with open(ARTIFACTS_LOG("feedback-beat.log"), "w") as log:
        beat = subprocess.Popen([str(VENV_BIN / "celery"), "-A", "webapp", "beat", "-l", "info",
                                 "-S", "django_celery_beat.schedulers:DatabaseScheduler", "--max-interval", "1"],
                                cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            job = _wait(lambda: TrainingJob.objects.filter(project=project).first(), 60, "beat to create a job")
        finally:
            beat.terminate()
            beat.wait(timeout=15)
    assert job.trigger == Trigger.SCHEDULE
    job = _wait(lambda: TrainingJob.objects.filter(pk=job.pk, status__in=["succeeded", "failed"]).first(), 240,
                "the worker to finish the job")
    assert job.status == TrainingStatus.SUCCEEDED, job.log
    assert job.worker.get("pid")
    assert job.progress.get("step") == 3
    mv = ModelVersion.objects.get(pk=job.result_model_id)
    assert mv.state == ModelState.CANDIDATE
    assert mv.parent_id == env["base"].id
    assert mv.project_id == project.id
    assert mv.checkpoint_path == f"media:checkpoints/{mv.checkpoint_sha256}.pt"  # in media storage, any machine
    assert sha256_file(checkpoint_resolve(mv.checkpoint_path)) == mv.checkpoint_sha256
    assert mv.metrics["training"]["steps"] == 3
    assert "gate" in mv.metrics
    assert "gate:" in job.log


@pytest.mark.timeout(300)
def test_a_job_killed_mid_run_ends_failed_with_its_log(transactional_db, project_env, celery_worker):
    env = project_env
    project = env["project"]
    project.settings = {**project.settings, **FAST, "train_steps": 100000, "held_out_share": 0.0}
    project.save()
    _corrections(env, 2)
    job = services.training_job_create(project=project, trigger=Trigger.MANUAL)  # enqueued on commit (autocommit)

    def training_started():
        j = TrainingJob.objects.get(pk=job.pk)
        assert j.status in ("queued", "running"), j.log
        return j if j.progress.get("phase") == "train" and j.progress.get("step", 0) >= 1 else None

    running = _wait(training_started, 300, "training to start")
    assert running.status == TrainingStatus.RUNNING
    os.kill(running.worker["pid"], signal.SIGKILL)
    failed = _wait(lambda: TrainingJob.objects.filter(pk=job.pk, status="failed").first(), 60, "the job to fail")
    assert "FAILED" in failed.log, failed.log
    assert "WorkerLost" in failed.log, failed.log
    assert "started on" in failed.log
    assert failed.finished_at is not None
    # the project is free for the next job
    assert services.training_job_create(project=project, trigger=Trigger.MANUAL, enqueue=False).pk != job.pk


@pytest.mark.timeout(300)
def test_the_reapers_on_beat_end_every_kind_of_dead_job(transactional_db, project_env, celery_worker, child_env):
    """Beat (DatabaseScheduler, the static schedule of settings) runs both reapers on the real worker: a training
    job, an export and an ingestion whose workers vanished end failed with a reason and their files removed, and an
    export no worker ever started is given up."""
    from datetime import timedelta
    from pathlib import Path

    from django.conf import settings
    from django.utils import timezone

    from annotator.models import ExportJob, Scene
    from conftest import ARTIFACTS_LOG, ROOT, VENV_BIN

    env = project_env
    project = env["project"]
    long_ago = timezone.now() - timedelta(days=3)
    training = TrainingJob.objects.create(project=project, base_model=env["base"], status=TrainingStatus.RUNNING,
                                          celery_task_id="gone-training", started_at=long_ago, heartbeat_at=long_ago)
    export = ExportJob.objects.create(project=project, format="geojson", status="running",
                                      celery_task_id="gone-export", started_at=long_ago, heartbeat_at=long_ago)
    never = ExportJob.objects.create(project=project, format="geojson", status="queued")
    ExportJob.objects.filter(pk=never.pk).update(created_at=long_ago)
    scene = Scene.objects.create(project=project, name="half", status="ingesting", celery_task_id="gone-scene",
                                 heartbeat_at=long_ago)
    media = Path(settings.MEDIA_ROOT)
    staging = media / "exports" / project.slug / f".{export.pk}-gone-export.part" / "files"
    staging.mkdir(parents=True, exist_ok=True)
    (staging / "annotations.geojson").write_text("{")
    half_cog = media / "scenes" / str(scene.pk) / "tmpabc.tif"
    half_cog.parent.mkdir(parents=True, exist_ok=True)  # media persists across test runs
    half_cog.write_bytes(b"II*\0")
    half_checkpoint = media / "checkpoints" / ".ckpt-gone.part"
    half_checkpoint.parent.mkdir(parents=True, exist_ok=True)
    half_checkpoint.write_bytes(b"PK")
    os.utime(half_checkpoint, (time.time() - 3600,) * 2)  # written by a job killed an hour ago

    with open(ARTIFACTS_LOG("feedback-beat-reapers.log"), "w") as log:
        beat = subprocess.Popen([str(VENV_BIN / "celery"), "-A", "webapp", "beat", "-l", "info",
                                 "-S", "django_celery_beat.schedulers:DatabaseScheduler", "--max-interval", "1"],
                                cwd=ROOT, env={**child_env, "GEOLOOP_JOB_REAP_EVERY_S": "1"}, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            _wait(lambda: not TrainingJob.objects.filter(pk=training.pk, status="running").exists()
                  and not ExportJob.objects.filter(status__in=["queued", "running"]).exists()
                  and not Scene.objects.filter(pk=scene.pk, status="ingesting").exists(), 120, "the reapers")
        finally:
            beat.terminate()
            beat.wait(timeout=15)
    training.refresh_from_db()
    export.refresh_from_db()
    never.refresh_from_db()
    scene.refresh_from_db()
    assert training.status == "failed", training.log
    assert "its worker stopped" in training.log, training.log
    assert export.status == "failed", export.error
    assert "its worker stopped" in export.error, export.error
    assert never.status == "failed", never.error
    assert "no worker started it" in never.error, never.error
    assert scene.status == "failed", scene.status_reason
    assert "its worker stopped" in scene.status_reason, scene.status_reason
    assert not staging.parent.exists()
    assert not half_cog.parent.exists()
    assert not half_checkpoint.exists()
