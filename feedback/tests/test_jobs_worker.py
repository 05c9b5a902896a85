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
    assert job.worker.get("pid") and job.progress.get("step") == 3
    mv = ModelVersion.objects.get(pk=job.result_model_id)
    assert mv.state == ModelState.CANDIDATE and mv.parent_id == env["base"].id and mv.project_id == project.id
    assert sha256_file(mv.checkpoint_path) == mv.checkpoint_sha256
    assert mv.metrics["training"]["steps"] == 3 and "gate" in mv.metrics
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
    assert "FAILED" in failed.log and "WorkerLost" in failed.log, failed.log
    assert "started on" in failed.log and failed.finished_at is not None
    # the project is free for the next job
    assert services.training_job_create(project=project, trigger=Trigger.MANUAL, enqueue=False).pk != job.pk
