"""A world to fuzz: a project whose admin is an ordinary user (not site staff), an annotator, a label class, the
Atlanta sample as a ready scene, a task, an annotation and the default model version, all in the test database the
real server (`app_server`) reads. `restore()` puts back what a fuzzed call may have changed (the admin's role, the
project's and the scene's state), so every example runs against the same world."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass
class FuzzWorld:
    project_id: int
    scene_id: int
    class_id: int
    task_id: int
    annotation_id: int
    version_id: int
    admin_id: int
    annotator_id: int
    admin_token: str
    admin_session: str
    pair_id: int = 0
    change_id: int = 0

    def path_ids(self) -> dict[str, int]:
        """Known ids for the API's path parameters, by name."""
        return {"project_id": self.project_id, "scene_id": self.scene_id, "class_id": self.class_id,
                "task_id": self.task_id, "annotation_id": self.annotation_id, "version_id": self.version_id,
                "user_id": self.annotator_id, "pair_id": self.pair_id, "change_id": self.change_id}

    def restore(self) -> None:
        from django.contrib.auth import get_user_model
        from django.utils import timezone
        from rest_framework.authtoken.models import Token

        from annotator.models import Membership, Project, Role, Scene, SceneStatus

        # The fuzzer may log the admin out (the token is revoked) or change the password: undo both.
        Token.objects.update_or_create(key=self.admin_token,
                                       defaults={"user_id": self.admin_id, "created": timezone.now()})
        admin = get_user_model().objects.get(pk=self.admin_id)
        if not admin.check_password("fuzz-admin-pw"):
            admin.set_password("fuzz-admin-pw")
            admin.save(update_fields=["password"])
        Membership.objects.update_or_create(project_id=self.project_id, user_id=self.admin_id,
                                            defaults={"role": Role.ADMIN})
        Project.objects.filter(pk=self.project_id).update(archived=False)
        Scene.objects.filter(pk=self.scene_id).exclude(status=SceneStatus.READY).update(status=SceneStatus.READY)


@pytest.fixture
def fuzz_world(fuzz_data, celery_worker) -> FuzzWorld:
    """The world with a Celery worker behind the server (ingests, encodes, exports)."""
    return fuzz_data


@pytest.fixture
def fuzz_data(transactional_db) -> FuzzWorld:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from annotator.models import Membership, Role
    from annotator.services.annotations import annotation_create
    from annotator.services.projects import label_class_create, project_create
    from annotator.services.tasks import task_create
    from inference.services import model_version_ensure_default
    from inference.tests.django_fixtures import atlanta_scene

    User = get_user_model()
    admin = User.objects.create_user("fuzz-admin", password="fuzz-admin-pw")
    annotator = User.objects.create_user("fuzz-annotator", password="fuzz-annotator-pw")
    project = project_create(slug="fuzz", name="Fuzz", user=admin)
    Membership.objects.create(project=project, user=annotator, role=Role.ANNOTATOR)
    label = label_class_create(project=project, name="building", user=admin)
    scene = atlanta_scene(project, name="fuzz-atlanta")
    minx, miny, maxx, maxy = scene.footprint.extent
    cx, cy, dx, dy = (minx + maxx) / 2, (miny + maxy) / 2, (maxx - minx) / 8, (maxy - miny) / 8
    square = {"type": "Polygon", "coordinates": [[[cx - dx, cy - dy], [cx + dx, cy - dy], [cx + dx, cy + dy],
                                                   [cx - dx, cy + dy], [cx - dx, cy - dy]]]}
    task = task_create(scene=scene, user=admin, area=square)
    annotation, _ = annotation_create(project=project, scene=scene, geometry=square, label_class=label, user=admin)
    version = model_version_ensure_default()
    # a scene pair (the sample twice: one grid, no resampling) with one change annotation
    from annotator.services.pairs import change_create, pair_create

    later = atlanta_scene(project, name="fuzz-atlanta-later")
    pair = pair_create(project=project, before=scene, after=later, user=admin)
    change, _ = change_create(pair=pair, user=admin, after_geometry=square, label_class=label.id)
    browser = Client()
    browser.force_login(admin)
    return FuzzWorld(project_id=project.id, scene_id=scene.id, class_id=label.id, task_id=task.id,
                     annotation_id=annotation.id, version_id=version.id, admin_id=admin.id,
                     annotator_id=annotator.id, admin_token=Token.objects.create(user=admin).key,
                     admin_session=browser.cookies["sessionid"].value, pair_id=pair.id, change_id=change.id)
