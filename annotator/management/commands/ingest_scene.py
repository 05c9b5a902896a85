"""python manage.py ingest_scene PATH --project SLUG [--name NAME]

Ingests a raster into a project and waits for the result: through the real Celery path (queue `default`) when a
worker consuming that queue answers, else inline in this process (or always inline with --inline). Prints the new
scene's id; on failure exits non-zero with a one-line reason. A PATH inside GEOLOOP_IMAGERY_ROOT is registered in
place; any other file is copied into the media folder, like an upload.
"""

import time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from annotator.models import Project, Scene, SceneStatus
from annotator.services.scenes import scene_create_from_path, scene_create_from_upload, scene_ingest
from core.errors import GeoLoopError

NO_LIMIT = 1 << 62


def default_queue_worker_answers(timeout: float = 1.0) -> bool:
    """True when at least one Celery worker consuming `default` answers within `timeout` seconds."""
    from celery import current_app as app

    try:
        queues = app.control.inspect(timeout=timeout).active_queues() or {}
    except Exception:  # noqa: BLE001 - broker down: no worker
        return False
    return any(q.get("name") == settings.CELERY_TASK_DEFAULT_QUEUE for qs in queues.values() for q in qs or [])


def scene_create_for_cli(*, project: Project, path: str, name: str, enqueue: bool) -> Scene:
    source = Path(path).expanduser().resolve()
    if not source.is_file():
        raise CommandError(f"No file at {path}.")
    root = Path(settings.IMAGERY_ROOT).resolve()
    if source.is_relative_to(root):
        return scene_create_from_path(project=project, path=str(source.relative_to(root)), name=name or source.stem,
                                      user=None, enqueue=enqueue)
    with open(source, "rb") as handle:
        return scene_create_from_upload(project=project, uploaded_file=File(handle, name=source.name),
                                        name=name or source.stem, user=None, enqueue=enqueue, max_bytes=NO_LIMIT)


def one_line(text: str) -> str:
    return " ".join(str(text).split())


class Command(BaseCommand):
    help = "Ingest a GeoTIFF into a project, wait for it, print the scene id."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--project", required=True, help="project slug")
        parser.add_argument("--name", default="")
        parser.add_argument("--inline", action="store_true", help="ingest in this process even if a worker answers")
        parser.add_argument("--timeout", type=float, default=1800.0, help="seconds to wait for a worker")

    def handle(self, *args, path: str, project: str, name: str, inline: bool, timeout: float, **options):
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"No project with slug {project!r}.")
        via_worker = not inline and default_queue_worker_answers()
        try:
            scene = scene_create_for_cli(project=target, path=path, name=name, enqueue=via_worker)
        except GeoLoopError as exc:
            raise CommandError(one_line(exc.message)) from exc
        if via_worker:
            scene = self._wait(scene, timeout)
        else:
            scene = scene_ingest(scene_id=scene.id)
        if scene.status != SceneStatus.READY:
            raise CommandError(one_line(f"scene {scene.id} failed: {scene.status_reason}"))
        self.stdout.write(str(scene.id))

    def _wait(self, scene: Scene, timeout: float) -> Scene:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            scene.refresh_from_db()
            if scene.status != SceneStatus.INGESTING:
                return scene
            time.sleep(0.25)
        raise CommandError(f"scene {scene.id} still ingesting after {timeout:.0f} s (is the worker busy?)")
