"""Exports: cancelling a queued or a running job (revoked, ends "cancelled", its files removed), retention of old
archives (periodic and on demand), what a selection would take, and the typed formats description."""

import datetime as dt
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from annotator.models import ExportJob, JobStatus, LabelClass
from annotator.services.exports import _export_task_ids, export_archives_purge, export_job_run
from annotator.tasks import purge_export_archives
from annotator.tests.export_fixtures import annotations_make, scene_ready


@pytest.fixture
def data(actors):
    classes = [LabelClass.objects.create(project=actors.project, name=n) for n in ("building", "shed")]
    scene = scene_ready(actors.project)
    anns = annotations_make(actors.project, scene, classes, author=actors.users["annotator"])
    return actors.project, scene, classes, anns


def post_export(actors, body, who="reviewer"):
    return actors.client(who).post(f"/api/projects/{actors.project.id}/exports/", body, format="json")


def folder_of(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / job.project.slug / str(job.pk)


def staging_of(job: ExportJob) -> list[Path]:
    """A run's staging folders (``.<job id>-<run>.part`` beside the job's folder: the run writes there)."""
    return list(folder_of(job).parent.glob(f".{job.pk}-*.part"))


@pytest.mark.django_db
def test_a_queued_export_is_cancelled_and_its_task_then_does_nothing(actors):
    job_id = post_export(actors, {"format": "geojson"}).json()["id"]
    assert actors.client("annotator").post(f"/api/exports/{job_id}/cancel/").status_code == 403
    response = actors.client("reviewer").post(f"/api/exports/{job_id}/cancel/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["download_url"] is None
    assert "reviewer" in body["error"]
    assert export_job_run(job_id=job_id).status == JobStatus.CANCELLED  # the task, arriving late, runs nothing
    assert not folder_of(ExportJob.objects.get(pk=job_id)).exists()
    again = actors.client("reviewer").post(f"/api/exports/{job_id}/cancel/")
    assert again.status_code == 409
    assert again.json()["status"] == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_a_running_export_is_terminated_on_the_worker_and_its_files_removed(data, actors, celery_worker):
    # Chips of 16 px every 4 px: tens of thousands of files, so the job is still running when it is cancelled.
    job_id = post_export(actors, {"format": "chips", "parameters": {"size": 16, "overlap": 12}}).json()["id"]
    job = ExportJob.objects.get(pk=job_id)
    deadline = time.monotonic() + 120
    while not any((p / "files").exists() for p in staging_of(job)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert staging_of(job), "the export never started writing"
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert _export_task_ids(job_id), "the export never started writing"
    response = actors.client("reviewer").post(f"/api/exports/{job_id}/cancel/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    assert _export_task_ids(job_id) == []  # terminated, not left running
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert job.result_path == ""
    assert not folder_of(job).exists()
    assert staging_of(job) == []  # what it had written is gone
    # The worker lives on: the next export runs to the end.
    next_id = post_export(actors, {"format": "geojson"}).json()["id"]
    deadline = time.monotonic() + 120
    while ExportJob.objects.get(pk=next_id).status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.3)
    assert ExportJob.objects.get(pk=next_id).status == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert not folder_of(job).exists()


def _finished_export(actors, days_ago: float) -> ExportJob:
    job_id = post_export(actors, {"format": "geojson"}).json()["id"]
    job = export_job_run(job_id=job_id)
    assert job.status == JobStatus.SUCCEEDED
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=days_ago))
    job.refresh_from_db()
    return job


@pytest.mark.django_db
def test_retention_removes_old_archives_keeps_rows_and_manifests_and_new_archives(data, actors, settings):
    settings.EXPORT_RETENTION_DAYS = 10
    old, new = _finished_export(actors, 11), _finished_export(actors, 2)
    assert folder_of(old).exists()
    assert folder_of(new).exists()
    result = purge_export_archives()  # the beat task
    assert result["removed"] >= 1
    assert result["freed_bytes"] > 0
    old.refresh_from_db(), new.refresh_from_db()
    assert not folder_of(old).exists()
    assert old.result_path == ""
    assert old.manifest["counts"]["annotations"] > 0
    assert folder_of(new).exists()
    assert new.result_path
    detail = actors.client("reviewer").get(f"/api/exports/{old.pk}/").json()
    assert detail["expired"] is True
    assert detail["download_url"] is None
    assert detail["status"] == "succeeded"
    assert actors.client("reviewer").get(f"/api/exports/{old.pk}/download/").status_code == 404
    assert actors.client("reviewer").get(f"/api/exports/{new.pk}/download/").status_code == 200

    settings.EXPORT_RETENTION_DAYS = 0  # 0 keeps archives forever
    assert export_archives_purge()["removed"] == 0
    assert folder_of(new).exists()


@pytest.mark.django_db
def test_purge_on_demand_is_for_project_admins(data, actors):
    job = _finished_export(actors, 3)
    url = f"/api/projects/{actors.project.id}/exports/purge/"
    assert actors.client("reviewer").get(url).json() == {"retention_days": settings.EXPORT_RETENTION_DAYS}
    assert actors.client("annotator").get(url).status_code == 403
    assert actors.client("reviewer").post(url, {"older_than_days": 1}, format="json").status_code == 403
    response = actors.client("admin").post(url, {"older_than_days": 5}, format="json")
    assert response.status_code == 200
    assert response.json()["removed"] == 0
    assert folder_of(job).exists()
    assert actors.client("admin").post(url, {"older_than_days": -1}, format="json").status_code == 400
    response = actors.client("admin").post(url, {"older_than_days": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["removed"] == 1
    assert not folder_of(job).exists()


@pytest.mark.django_db
def test_count_says_what_an_export_would_take(data, actors):
    project, _scene, _classes, anns = data
    url = f"/api/projects/{project.id}/exports/count/"
    body = actors.client("reviewer").post(url, {"filters": {}}, format="json").json()
    kept = [a for a in anns if a.status in ("draft", "accepted") and a.review_state != "rejected"]
    assert body["scenes"] == 1
    assert body["annotations"] == len(kept)
    body = actors.client("reviewer").post(url, {"filters": {"classes": ["shed"]}}, format="json").json()
    assert set(body["by_class"]) == {"shed"}
    assert body["annotations"] == sum(
        1 for a in kept if a.label_class.name == "shed")
    response = actors.client("reviewer").post(url, {"filters": {"classes": ["tree"]}}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert actors.client("annotator").post(url, {}, format="json").status_code == 403


@pytest.mark.django_db
def test_formats_describe_each_parameter_with_its_type_default_and_choices(actors):
    by_name = {f["name"]: f for f in actors.client("annotator").get("/api/exports/formats/").json()}
    options = {o["name"]: o for o in by_name["coco"]["options"]}
    assert options["segmentation"] == {"name": "segmentation", "type": "string", "default": "polygon",
                                       "choices": ["polygon", "rle"]}
    assert options["include_images"]["type"] == "boolean"
    assert options["size"]["type"] == "integer"
    assert options["splits"]["type"] == "number_list"
    assert options["block_size_m"]["type"] == "number"
    assert by_name["geojson"]["options"] == []
