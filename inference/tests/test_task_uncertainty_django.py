"""Next task in uncertainty order: a real worker scores each task of the Atlanta scene with the active model
(automatic prompts on cached embeddings), "next task" leases the most uncertain first under ``task_order =
uncertainty`` and the oldest first under ``grid``, and a promotion makes the worker score the tasks again with the
new version."""

from __future__ import annotations

import time

import numpy as np
import pytest
import shapely
from shapely.geometry import mapping

from annotator.models import Project, Task
from annotator.services.projects import project_update
from annotator.services.tasks import task_create, task_next, task_uncertainty_set
from core.errors import ValidationFailed
from feedback.services.versions import model_version_promote
from inference.models import ModelState, ModelVersion
from inference.tests.django_fixtures import buildings, world  # noqa: F401  (fixture)
from inference.uncertainty import grid_points, prompt_uncertainty, stability


def test_stability_and_grid_on_their_own():
    sharp = np.full((256, 256), -20.0, np.float32)
    sharp[64:192, 64:192] = 20.0
    soft = np.linspace(-3, 3, 256, dtype=np.float32)[None, :].repeat(256, 0)
    assert stability(sharp) == 1.0
    assert stability(soft) < 0.7
    low = np.stack([soft, sharp, soft, soft])
    assert prompt_uncertainty(low, np.array([0.0, 0.9, 0.5, 0.1])) == 0.0  # token 1 shown: the sharp one
    assert prompt_uncertainty(low, np.array([0.9, 0.1, 0.5, 0.2])) > 0.3  # token 0 never competes on one click
    pts = grid_points((0, 0, 400, 200), spacing=100, max_points=64)
    assert len(pts) == 8
    assert all(0 < x < 400 and 0 < y < 200 for x, y in pts)
    assert len(grid_points((0, 0, 1e6, 1e6), spacing=1, max_points=64)) <= 64
    assert grid_points((0, 0, 0, 10), spacing=1, max_points=64) == []


def _wait_scored(project, version_id: int, n: int, timeout_s: float = 900) -> list[Task]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        tasks = list(Task.objects.filter(project=project).order_by("id"))
        if len(tasks) == n and all(t.uncertainty_version == version_id and t.uncertainty is not None for t in tasks):
            return tasks
        time.sleep(1.0)
    states = [(t.id, t.uncertainty, t.uncertainty_version) for t in Task.objects.filter(project=project)]
    raise AssertionError(f"tasks not scored by version {version_id} within {timeout_s} s: {states}")


def test_worker_scores_tasks_and_next_task_takes_the_most_uncertain(world, celery_worker):  # noqa: F811
    project, scene, annotator = world.project, world.scene, world.users["ann"]
    project_update(project=project, user=None, settings={"task_order": "uncertainty"})
    c = buildings()[0].centroid  # three small neighbouring areas: few windows to encode on a loaded CPU
    areas = [mapping(shapely.box(c.x + dx - 0.0002, c.y - 0.0002, c.x + dx + 0.0002, c.y + 0.0002))
             for dx in (-0.0004, 0.0, 0.0004)]
    for area in areas:  # each creation asks the worker to score the project's open tasks
        task_create(scene=scene, user=None, area=area)
    tasks = _wait_scored(project, world.version.id, len(areas))
    figures = [t.uncertainty for t in tasks]
    assert all(0.0 <= u <= 1.0 for u in figures)
    assert len(set(figures)) == len(figures)  # the areas differ, so do the model's doubts

    project.refresh_from_db()
    leased = task_next(project=project, user=annotator)
    assert leased.id == max(tasks, key=lambda t: t.uncertainty).id

    # a promotion: the worker scores the open tasks again, with the new version (same weights: same figures)
    candidate = ModelVersion.objects.create(
        name="candidate", architecture=world.version.architecture, checkpoint_path=world.version.checkpoint_path,
        checkpoint_sha256=world.version.checkpoint_sha256, project=project, parent=world.version,
        state=ModelState.CANDIDATE)
    model_version_promote(version=candidate, override_reason="test: same weights under a new version id")
    rescored = _wait_scored(project, candidate.id, len(areas))
    assert [t.uncertainty for t in rescored] == pytest.approx(figures, abs=1e-4)


@pytest.mark.django_db
def test_next_task_order_follows_the_setting(actors):
    from annotator.tests.annotation_fixtures import scene_make, square

    project: Project = actors.project
    scene = scene_make(project)
    oldest, doubtful, unscored, sure = (task_create(scene=scene, user=None, area=square(-84.399 + i * 0.001, 33.755))
                                        for i in range(4))
    task_uncertainty_set(task_id=oldest.id, uncertainty=0.2, model_version_id=None)
    task_uncertainty_set(task_id=doubtful.id, uncertainty=0.9, model_version_id=None)
    task_uncertainty_set(task_id=sure.id, uncertainty=0.05, model_version_id=None)
    users = [actors.users[k] for k in ("annotator", "reviewer", "admin")]

    project_update(project=project, user=None, settings={"task_order": "uncertainty"})
    leased = [task_next(project=project, user=u).id for u in users]
    assert leased == [doubtful.id, oldest.id, sure.id]  # most uncertain first; unscored after the scored ones
    Task.objects.filter(project=project).update(status="new", lease_holder=None, lease_expires_at=None)

    project_update(project=project, user=None, settings={"task_order": "grid"})
    assert [task_next(project=project, user=u).id for u in users] == [oldest.id, doubtful.id, unscored.id]

    with pytest.raises(ValidationFailed):
        task_uncertainty_set(task_id=sure.id, uncertainty=1.5, model_version_id=None)
