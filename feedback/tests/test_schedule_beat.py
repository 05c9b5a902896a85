"""A schedule made through the app's API fires through the real beat (DatabaseScheduler) and the real worker."""

import subprocess

import pytest

from feedback.models import TrainingJob, Trigger
from feedback.tests.test_jobs_worker import FAST, _corrections, _wait


@pytest.mark.timeout(360)
def test_a_schedule_made_in_the_app_fires_through_the_real_beat(transactional_db, project_env, client_for,
                                                                 celery_worker, child_env):
    from conftest import ARTIFACTS_LOG, ROOT, VENV_BIN

    env = project_env
    project = env["project"]
    admin = client_for(env["users"]["admin"])
    res = admin.patch(f"/api/projects/{project.id}/training-settings/", FAST, format="json")
    assert res.status_code == 200, res.json()
    _corrections(env, 4)
    res = admin.put(f"/api/projects/{project.id}/training-schedule/", {"crontab": "* * * * *"}, format="json")
    assert res.status_code == 200, res.json()
    assert res.json()["schedule"]["next_run_at"], res.json()
    with open(ARTIFACTS_LOG("feedback-schedule-beat.log"), "w") as log:
        beat = subprocess.Popen([str(VENV_BIN / "celery"), "-A", "webapp", "beat", "-l", "info",
                                 "-S", "django_celery_beat.schedulers:DatabaseScheduler", "--max-interval", "1"],
                                cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            job = _wait(lambda: TrainingJob.objects.filter(project=project).first(), 150,
                        "beat to fire the crontab made in the app")
        finally:
            beat.terminate()
            beat.wait(timeout=15)
    assert job.trigger == Trigger.SCHEDULE
    job = _wait(lambda: TrainingJob.objects.filter(pk=job.pk, status__in=["succeeded", "failed"]).first(), 240,
                "the worker to finish the scheduled job")
    assert job.status == "succeeded", job.log
    view = admin.get(f"/api/projects/{project.id}/training-schedule/").json()["schedule"]
    assert view["total_run_count"] >= 1 or view["last_run_at"], view
