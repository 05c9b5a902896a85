"""Task uncertainty: how unsure a project's active model is over each task's area (``Task.uncertainty``), for
"next task" in uncertainty order (``annotator.services.tasks``, project setting ``task_order``).

Computed on a worker (``inference.task_uncertainty`` / ``inference.project_uncertainty``, routed to the ``default``
queue: background model work, not interactive): the
task's windows at the project's working level (as the task prefetch picks them, windows holding the whole task
first, at most ``GEOLOOP_UNCERTAINTY_WINDOWS``), their embeddings from the cache (encoded here and stored when
missing, so the annotator finds them later), a grid of automatic single-click prompts over the task
(:mod:`inference.uncertainty`), the mean of ``1 - stability`` of the masks the model would show. Recorded with the
version that computed it; a project refresh (after each promotion, when the order is switched on, when tasks are
added) scores only the open tasks whose figure is missing or from another version.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from affine import Affine
from django.conf import settings
from django.db import transaction

from annotator.models import TaskStatus
from annotator.selectors.tasks import task_get
from annotator.services.tasks import task_uncertainty_set
from core.geo import transformer
from inference.selectors import active_model_version
from inference.services.embeddings import embedding_encode, embedding_key, embedding_load
from inference.services.proposals import scene_gsd, scene_level_range
from inference.uncertainty import POINTS_PER_WINDOW_SIDE, grid_points, prompt_uncertainty
from inference.windows import scene_window, windows_in_viewport

log = logging.getLogger(__name__)

MAX_POINTS = 64


def _task_pixel_bounds(task, transform: Affine) -> tuple[float, float, float, float]:
    lon0, lat0, lon1, lat1 = task.area.extent
    xs, ys = transformer("EPSG:4326", task.scene.crs).transform([lon0, lon1, lon1, lon0], [lat0, lat0, lat1, lat1])
    px = [~transform * (x, y) for x, y in zip(xs, ys, strict=True)]
    return (max(0.0, min(p[0] for p in px)), max(0.0, min(p[1] for p in px)),
            min(float(task.scene.width), max(p[0] for p in px)), min(float(task.scene.height), max(p[1] for p in px)))


def _task_windows(task, bounds, level: int) -> list:
    scene = task.scene
    whole = scene_window(level=level, width=scene.width, height=scene.height)
    windows = [whole] if whole is not None else windows_in_viewport(viewport=bounds, level=level,
                                                                    width=scene.width, height=scene.height)
    corners = [(bounds[0], bounds[1]), (bounds[2], bounds[3])]
    if windows:
        margin = windows[0].size / 8
        windows.sort(key=lambda w: not all(w.contains(x, y, margin=margin) for x, y in corners))
    return windows[:int(settings.GEOLOOP_UNCERTAINTY_WINDOWS)]


def _window_embedding(version, scene, window):
    from inference.services.registry import model_version_encoder

    key = embedding_key(encoder_sha256=model_version_encoder(version), scene=scene, window=window)
    emb = embedding_load(key)
    if emb is None:
        embedding_encode(version_id=version.pk, scene_id=scene.pk, window_key=window.key)
        emb = embedding_load(key)
    return emb


def task_uncertainty_compute(*, task_id: int) -> dict:
    """Score one task with its project's active model and store the figure. Returns ``{"task", "uncertainty",
    "version", "prompts", "windows"}`` (``uncertainty`` None when no prompt fell on the scene)."""
    import numpy as np

    from inference.sam.predict import decode_all, prepare_prompt
    from inference.services.prefetch import working_level
    from inference.services.registry import model_load

    task = task_get(task_id=task_id)
    if task is None:
        return {"task": task_id, "uncertainty": None, "version": None, "prompts": 0, "windows": 0}
    scene = task.scene
    version = active_model_version(project=task.project)
    if version is None:
        return {"task": task_id, "uncertainty": None, "version": None, "prompts": 0, "windows": 0}
    model = model_load(version)
    transform = Affine.from_gdal(*scene.transform)
    bounds = _task_pixel_bounds(task, transform)
    lo, hi = scene_level_range(scene)
    extent_m = max(bounds[2] - bounds[0], bounds[3] - bounds[1]) * scene_gsd(scene, transform)
    level = max(lo, min(hi, working_level(scene=scene, task_extent_m=extent_m)))
    windows = _task_windows(task, bounds, level) if bounds[2] > bounds[0] and bounds[3] > bounds[1] else []
    by_window: dict = defaultdict(list)
    if windows:
        spacing = windows[0].extent / POINTS_PER_WINDOW_SIDE
        for x, y in grid_points(bounds, spacing=spacing, max_points=MAX_POINTS):
            holder = next((w for w in windows if w.contains(x, y)), None)
            if holder is not None:
                by_window[holder].append(holder.scene_to_window(x, y))
    values = []
    for window, points in by_window.items():
        emb = _window_embedding(version, scene, window)
        for u, v in points:
            prompt = prepare_prompt(np.array([[u, v]], np.float32), np.array([1]))
            low, ious = decode_all(model, emb, prompt, backend="torch")
            values.append(prompt_uncertainty(low, ious))
    value = round(float(np.mean(values)), 5) if values else None
    task_uncertainty_set(task_id=task.pk, uncertainty=value, model_version_id=version.pk)
    return {"task": task.pk, "uncertainty": value, "version": version.pk, "prompts": len(values),
            "windows": len(by_window)}


def project_uncertainty_refresh(*, project_id: int) -> dict:
    """Enqueue the scoring (``inference.task_uncertainty``, one task each, so each stays within its queue's time
    limit) of every open task (new or in progress) of the project whose figure is missing or was computed by
    another model version than the active one. Returns ``{"queued", "version"}``."""
    from annotator.models import Task
    from annotator.selectors.projects import project_get

    project = project_get(project_id=project_id)
    if project is None:
        return {"queued": 0, "version": None}
    version = active_model_version(project=project)
    if version is None:
        return {"queued": 0, "version": None}
    stale = (Task.objects.filter(project_id=project_id, status__in=[TaskStatus.NEW, TaskStatus.IN_PROGRESS])
             .exclude(uncertainty_version=version.pk, uncertainty__isnull=False).order_by("id")
             .values_list("id", flat=True))
    from celery import current_app

    ids = list(stale)
    for task_id in ids:
        current_app.send_task("inference.task_uncertainty", args=[task_id])
    return {"queued": len(ids), "version": version.pk}


def project_uncertainty_request(*, project) -> bool:
    """Ask a worker to refresh the project's task uncertainty after the current transaction commits, when its
    tasks are ordered by uncertainty. Returns whether it was asked."""
    if (project.settings or {}).get("task_order") != "uncertainty":
        return False
    from celery import current_app

    project_id = project.pk
    transaction.on_commit(lambda: current_app.send_task("inference.project_uncertainty", args=[project_id]))
    return True


def on_tasks_need_scoring(sender, *, project, **kwargs) -> None:
    """Receiver of ``annotator.signals.tasks_changed``: refresh on a worker; never fails the caller."""
    try:
        project_uncertainty_request(project=project)
    except Exception:
        log.warning("uncertainty refresh of project %s not requested", project.pk, exc_info=True)
