"""Tasks and their leases.

A task is an area of a scene. An admin cuts a scene into a grid (cell size in metres, in the scene's UTM zone;
no slivers: see annotator.grid) or draws areas, and may assign them round-robin to annotators; unassigned tasks
form the pool.

`task_next` leases one task to the caller: first a live lease the caller already holds (renewed), else tasks
assigned to the caller, else the pool; a task is free when it is new or its lease has expired. Among free tasks
the project's ``task_order`` setting decides: ``grid`` (the default) takes the oldest first (the grid's order);
``uncertainty`` takes the task where the active model is least sure first (``Task.uncertainty``, computed on a
worker by ``inference.services.uncertainty`` and refreshed after each promotion; tasks not scored yet come after
the scored ones, oldest first), so human clicks go where they teach the model most.
Candidates are read with SELECT … FOR UPDATE SKIP LOCKED, so two annotators asking at the same instant lock
different rows and never get the same task. The open client renews its lease with `task_heartbeat`; `task_submit`
ends the lease and sends the task to review.
"""

import math
from datetime import timedelta
from typing import cast

import numpy as np
import shapely
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from annotator.audit import audit_record
from annotator.grid import cell_count_estimate, grid_cells
from annotator.models import Membership, Project, Scene, Task, TaskStatus
from annotator.selectors.tasks import tasks_free_order, tasks_free_q
from annotator.services.annotations import geometry_for_scene
from annotator.signals import task_leased, task_submitted, tasks_changed
from core.errors import Conflict, ValidationFailed
from core.geo import reproject

TASK_ORDERS = ("grid", "uncertainty")
MAX_GRID_CELLS = 10_000
DEFAULT_LEASE_SECONDS = 300


def lease_seconds() -> int:
    return int(getattr(settings, "GEOLOOP_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def _utm_srid(lon: float, lat: float) -> int:
    zone = min(int((lon + 180) // 6) + 1, 60)
    return (32600 if lat >= 0 else 32700) + zone


def _assignees_check(*, project: Project, assignees: list[int] | None) -> list:
    if not assignees:
        return []
    users = {u.id: u for u in get_user_model().objects.filter(pk__in=assignees)}
    members = set(Membership.objects.filter(project=project, user_id__in=assignees).values_list("user_id", flat=True))
    missing = [uid for uid in assignees if uid not in users or (uid not in members and not users[uid].is_staff)]
    if missing:
        raise ValidationFailed(f"Not members of this project: {missing}.", extra={"reason": "not_member"})
    return [users[uid] for uid in assignees]


def _scene_ready(scene: Scene) -> Polygon:
    """The scene's footprint; a scene without one (not ingested yet) takes no tasks."""
    if scene.footprint is None:
        raise ValidationFailed(f"Scene {scene.id} has no footprint yet (status {scene.status}).")
    return scene.footprint


@transaction.atomic
def task_grid_create(*, scene: Scene, user, cell_size_m: float, assignees: list[int] | None = None) -> list[Task]:
    """Cut the scene footprint into square cells of `cell_size_m` metres (in its UTM zone), aligned on the
    footprint's top-left corner and clipped to it; a piece under a quarter of a cell merges with the neighbour it
    shares the longest edge with (annotator.grid), so no task is a sliver."""
    outline = _scene_ready(scene)
    if not 10 <= cell_size_m <= 100_000:
        raise ValidationFailed("cell_size_m must lie between 10 and 100000.")
    users = _assignees_check(project=scene.project, assignees=assignees)
    centroid = outline.centroid
    utm = f"EPSG:{_utm_srid(centroid.x, centroid.y)}"
    footprint = reproject(shapely.from_wkb(bytes(outline.wkb)), "EPSG:4326", utm)
    if footprint.area / (cell_size_m ** 2) > MAX_GRID_CELLS or cell_count_estimate(footprint, cell_size_m) > \
            4 * MAX_GRID_CELLS:
        raise ValidationFailed(f"That grid would have about {math.ceil(footprint.area / cell_size_m ** 2)} cells; "
                               f"the limit is {MAX_GRID_CELLS}. Use larger cells.")
    cells = reproject(np.array(grid_cells(footprint, float(cell_size_m)), dtype=object), utm, "EPSG:4326")
    areas = [cast(Polygon, GEOSGeometry(memoryview(shapely.to_wkb(cell)), srid=4326))
             for cell in cells if cell.area > 0]
    tasks = Task.objects.bulk_create([
        Task(project=scene.project, scene=scene, area=area, assignee=users[i % len(users)] if users else None)
        for i, area in enumerate(areas)
    ])
    audit_record(user=user, project=scene.project, action="task.grid_create", obj=scene,
                 details={"cell_size_m": cell_size_m, "count": len(tasks), "assignees": assignees or []})
    tasks_changed.send(sender=Task, project=scene.project)
    return tasks


@transaction.atomic
def task_create(*, scene: Scene, user, area, assignee_id: int | None = None) -> Task:
    """One task over a drawn area (GeoJSON polygon in EPSG:4326), clipped to the scene footprint."""
    _scene_ready(scene)
    geos, _info = geometry_for_scene(scene=scene, geometry=area)
    if geos.num_geom != 1:
        raise ValidationFailed("A task area must be one polygon (this one falls apart in several).",
                               extra={"reason": "not_one_polygon"})
    users = _assignees_check(project=scene.project, assignees=[assignee_id] if assignee_id else None)
    polygon = geos[0]
    polygon.srid = 4326
    task = Task.objects.create(project=scene.project, scene=scene, area=polygon, assignee=users[0] if users else None)
    audit_record(user=user, project=scene.project, action="task.create", obj=task, details={"assignee": assignee_id})
    tasks_changed.send(sender=Task, project=scene.project)
    return task


_free = tasks_free_q  # one rule for "free" and its order, shared with the upcoming-tasks read (prefetch ahead)
_free_order = tasks_free_order


def task_uncertainty_set(*, task_id: int, uncertainty: float | None, model_version_id: int | None) -> bool:
    """Store how unsure ``model_version_id`` is over a task's area (a figure in [0, 1]); False if the task is gone."""
    if uncertainty is not None and not (math.isfinite(uncertainty) and 0.0 <= uncertainty <= 1.0):
        raise ValidationFailed(f"uncertainty must lie in [0, 1]; got {uncertainty!r}.")
    return bool(Task.objects.filter(pk=task_id).update(uncertainty=uncertainty, uncertainty_version=model_version_id,
                                                       uncertainty_at=timezone.now()))


@transaction.atomic
def task_next(*, project: Project, user, scene_id: int | None = None) -> Task | None:
    """Lease a task to `user` (see the module docstring for the order); None when nothing is free."""
    now = timezone.now()
    expires = now + timedelta(seconds=lease_seconds())
    tasks = Task.objects.filter(project=project)
    if scene_id is not None:
        tasks = tasks.filter(scene_id=scene_id)
    held = (tasks.select_for_update(skip_locked=True)
            .filter(status=TaskStatus.IN_PROGRESS, lease_holder=user, lease_expires_at__gte=now)
            .order_by("id").first())
    task = held or (
        tasks.select_for_update(skip_locked=True)
        .filter(_free(now))
        .filter(Q(assignee=user) | Q(assignee__isnull=True))
        .annotate(mine=Case(When(assignee=user, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by(*_free_order(project))
        .first()
    )
    if task is None:
        return None
    previous_holder = task.lease_holder_id
    task.status, task.lease_holder, task.lease_expires_at, task.heartbeat_at = (
        TaskStatus.IN_PROGRESS, user, expires, now)
    task.save(update_fields=["status", "lease_holder", "lease_expires_at", "heartbeat_at", "updated_at"])
    audit_record(user=user, project=project, action="task.lease", obj=task,
                 details={"renewed": held is not None, "expires": expires.isoformat(),
                          "previous_holder": previous_holder if previous_holder != user.id else None})
    transaction.on_commit(lambda: task_leased.send_robust(sender=Task, task=task, user=user))
    return task


def _locked_task(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


def _holder_check(task: Task, user) -> None:
    if task.status != TaskStatus.IN_PROGRESS or task.lease_holder_id != user.id:
        raise Conflict(f"You do not hold the lease on task {task.id} (it is {task.status}"
                       + (", leased to someone else" if task.lease_holder_id else "") + "). Ask for the next task.",
                       extra={"reason": "lease_lost", "status": task.status})


@transaction.atomic
def task_heartbeat(*, task: Task, user) -> Task:
    """Renew the caller's lease. An expired lease that nobody else has taken yet is renewed too."""
    task = _locked_task(task)
    now = timezone.now()
    _holder_check(task, user)
    task.heartbeat_at = now
    task.lease_expires_at = now + timedelta(seconds=lease_seconds())
    task.save(update_fields=["heartbeat_at", "lease_expires_at", "updated_at"])
    return task


@transaction.atomic
def task_submit(*, task: Task, user) -> Task:
    """End the lease and send the task to review."""
    task = _locked_task(task)
    _holder_check(task, user)
    task.status, task.lease_holder, task.lease_expires_at = TaskStatus.SUBMITTED, None, None
    task.save(update_fields=["status", "lease_holder", "lease_expires_at", "updated_at"])
    audit_record(user=user, project=task.project, action="task.submit", obj=task)
    task_submitted.send(sender=Task, task=task, user=user)
    return task
