"""Prefetch: the client reports its viewport; the windows in view are enqueued for encoding, nearest the centre
first, skipping those cached or already queued, at most ``GEOLOOP_PREFETCH_MAX`` per report."""

from __future__ import annotations

import logging
import math
from collections import Counter

from affine import Affine
from django.conf import settings

from annotator.models import SceneStatus
from core.geo import transformer
from inference.sam import EMBEDDING_SHAPE
from inference.selectors import proposal_window_levels
from inference.services.embeddings import (
    embedding_key,
    embedding_known,
    embedding_request,
    prefetch_generation_set,
)
from inference.services.encoding import prefetch_windows_set
from inference.services.errors import OutsideScene, PromptInvalid, SceneNotReady, TooManyWindows
from inference.services.proposals import _number, _version, scene_gsd, scene_level_range
from inference.services.proposals.parse import Scale, _optional_id, scale_parse
from inference.services.proposals.prepare import scale_level
from inference.services.quality import size_prior_get
from inference.windows import DEFAULT_WINDOW_SIZE, choose_level, scene_window, windows_in_viewport

log = logging.getLogger(__name__)


def _bbox_parse(bbox) -> list[float]:
    if not isinstance(bbox, list | tuple) or len(bbox) != 4:
        raise PromptInvalid(f"bbox must be [min x, min y, max x, max y], got {bbox!r}")
    bbox = [_number(v, f"bbox[{i}]") for i, v in enumerate(bbox)]
    if not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
        raise PromptInvalid(f"bbox must have min < max on both axes, got {bbox}")
    return bbox


def _bbox_pixels(scene, bbox: list[float], *, bbox_crs: str) -> tuple[float, float, float, float]:
    """A box in ``bbox_crs`` ("EPSG:4326" or the scene's CRS) -> its scene-pixel bounds."""
    transform = Affine.from_gdal(*scene.transform)
    xs, ys = [bbox[0], bbox[2], bbox[2], bbox[0]], [bbox[1], bbox[1], bbox[3], bbox[3]]
    if bbox_crs != scene.crs:
        xs, ys = transformer(bbox_crs, scene.crs).transform(xs, ys)
    px = [~transform @ (x, y) for x, y in zip(xs, ys, strict=True)]
    if not all(math.isfinite(v) for p in px for v in p):
        raise OutsideScene(f"bbox {bbox} cannot be placed on scene {scene.pk} (is it in {bbox_crs}?)")
    return (min(p[0] for p in px), min(p[1] for p in px), max(p[0] for p in px), max(p[1] for p in px))


def _ready(scene) -> None:
    if scene.status != SceneStatus.READY or not scene.transform:
        raise SceneNotReady(f"scene {scene.pk} is {scene.status}, not ready")


def _windows(scene, viewport, level: int) -> list:
    whole = scene_window(level=level, width=scene.width, height=scene.height)
    return ([whole] if whole is not None else  # a small scene: one window holds it all, one encode
            windows_in_viewport(viewport=viewport, level=level, width=scene.width, height=scene.height))


def _enqueue(*, scene, version, windows: list, viewer: str | None = None) -> dict:
    from inference.services.registry import model_version_encoder

    encoder = model_version_encoder(version)
    keys = [embedding_key(encoder_sha256=encoder, scene=scene, window=w) for w in windows]
    known = embedding_known(keys)
    counts = {"queued": 0, "cached": 0, "pending": 0}
    if viewer:
        prefetch_windows_set(viewer, [w.key for w in windows])
    prefetch = (viewer, prefetch_generation_set(viewer)) if viewer else None
    for key in keys:
        state = embedding_request(key=key, version_id=version.pk, scene_id=scene.pk, known=key.cache_key in known,
                                  prefetch=prefetch)
        counts[state] += 1
    return counts


def area_prefetch_max_windows() -> int:
    """The most windows one area prefetch may queue: ``GEOLOOP_PREFETCH_AREA_MAX`` windows, and never more than
    half of what the embedding cache holds (``GEOLOOP_EMBEDDING_CACHE_BYTES`` over one float16 embedding), so a
    prefetch cannot evict the embeddings annotators are using."""
    per_embedding = 2 * math.prod(EMBEDDING_SHAPE)
    cache_half = int(settings.GEOLOOP_EMBEDDING_CACHE_BYTES) // per_embedding // 2
    return max(1, min(int(settings.GEOLOOP_PREFETCH_AREA_MAX), cache_half))


def area_prefetch(*, scene, bbox, bbox_crs: str = "EPSG:4326", scale: Scale, model_version=None) -> dict:
    """Enqueue the encodes of every window covering ``bbox`` (``[min x, min y, max x, max y]`` in ``bbox_crs``:
    "EPSG:4326" (lon/lat) or the scene's own CRS) at the level ``scale`` asks for. An area needing more than
    :func:`area_prefetch_max_windows` windows is refused (nothing queued), naming both counts. Returns
    ``{"queued", "cached", "pending", "level", "windows", "count"}``."""
    bbox = _bbox_parse(bbox)
    _ready(scene)
    if bbox_crs not in ("EPSG:4326", scene.crs):
        raise PromptInvalid(f"bbox_crs must be EPSG:4326 or the scene's CRS ({scene.crs}), got {bbox_crs!r}")
    version = _version(scene, _optional_id(model_version, "model_version"))
    viewport = _bbox_pixels(scene, bbox, bbox_crs=bbox_crs)
    level = scale_level(scene, scale)
    windows = _windows(scene, viewport, level)
    if not windows:
        raise OutsideScene(f"bbox {bbox} ({bbox_crs}) does not overlap scene {scene.pk}")
    cap = area_prefetch_max_windows()
    if len(windows) > cap:
        raise TooManyWindows(f"this area needs {len(windows)} windows at level {level}; one prefetch queues at most "
                             f"{cap}: ask for a smaller box or a coarser level (larger object_size_m)",
                             extra={"windows": len(windows), "max_windows": cap, "level": level})
    counts = _enqueue(scene=scene, version=version, windows=windows)
    return {**counts, "level": level, "windows": [w.key for w in windows], "count": len(windows)}


def viewport_prefetch(*, scene, bbox, map_resolution=None, scale: Scale | None = None, model_version=None,
                      limit: int | None = None, viewer: str | None = None, prefer_holding: bool = False) -> dict:
    """Enqueue the encodes of the windows in ``bbox`` ([min lon, min lat, max lon, max lat]) at the level for
    ``scale`` (or ``map_resolution``), behind any prompt's encode, at most ``limit`` (``GEOLOOP_PREFETCH_MAX``),
    nearest the centre first. With ``viewer`` (one socket), encodes still queued for that viewer's earlier
    viewports are skipped when their turn comes. Returns ``{"queued", "cached", "pending", "level", "windows"}``."""
    bbox = _bbox_parse(bbox)
    if scale is None:
        scale = scale_parse({"map_resolution": map_resolution})
    _ready(scene)
    version = _version(scene, _optional_id(model_version, "model_version"))
    viewport = _bbox_pixels(scene, bbox, bbox_crs="EPSG:4326")
    level = scale_level(scene, scale)
    cap = int(settings.GEOLOOP_PREFETCH_MAX if limit is None else limit)
    windows = _windows(scene, viewport, level)
    if prefer_holding and windows:
        # windows holding the whole area (an eighth of a window from their edges) first: one encode then serves
        # every click in it (a prompt's window choice takes an encoded window that holds the prompt)
        corners = [(viewport[0], viewport[1]), (viewport[2], viewport[3])]
        margin = windows[0].size / 8
        windows.sort(key=lambda w: not all(w.contains(x, y, margin=margin) for x, y in corners))  # stable
    windows = windows[:cap]
    if not windows:
        raise OutsideScene(f"viewport {bbox} does not overlap scene {scene.pk}")
    counts = _enqueue(scene=scene, version=version, windows=windows, viewer=viewer)
    return {**counts, "level": level, "windows": [w.key for w in windows]}


def scene_viewport_prefetch(*, scene_id: int, bbox, scale: Scale, model_version=None,
                            viewer: str | None = None) -> dict:
    """:func:`viewport_prefetch` for a scene given by id (the socket's viewport reports)."""
    from annotator.selectors.scenes import scene_get

    scene = scene_get(scene_id=scene_id)
    if scene is None:
        raise SceneNotReady(f"scene {scene_id} no longer exists")
    return viewport_prefetch(scene=scene, bbox=bbox, scale=scale, model_version=model_version, viewer=viewer)


def working_level(*, scene, task_extent_m: float | None = None) -> int:
    """The window level an annotator of this project works at, from the data: the most common level of the
    project's latest answers (``GEOLOOP_PREFETCH_HISTORY`` of them); else the level that puts a typical accepted
    object (median of the project's size distribution) at about a third of a window, as a zoomed-in annotator
    would see it; else the level at which the task fits one window (the task opened to fill the screen)."""
    min_level, max_level = scene_level_range(scene)
    history = int(getattr(settings, "GEOLOOP_PREFETCH_HISTORY", 200))
    levels = proposal_window_levels(project_id=scene.project_id, limit=history)
    if levels:
        return max(min_level, min(max_level, Counter(levels).most_common(1)[0][0]))
    prior = size_prior_get(project_id=scene.project_id)
    target_m = math.exp(prior.mean_log / 2) * 3 if prior is not None else task_extent_m  # object side x 3
    if not target_m:
        return max(min_level, min(max_level, 0))
    gsd = scene_gsd(scene, Affine.from_gdal(*scene.transform))
    return choose_level(map_resolution=target_m / DEFAULT_WINDOW_SIZE, gsd=gsd, min_level=min_level,
                        max_level=max_level)


def task_viewer(user) -> str:
    """The prefetch viewer of ``user``'s task openings: a task opened supersedes the previous task's encodes that
    have not started (the annotator has moved on; a click there still gets its window, at prompt priority)."""
    return f"task:{getattr(user, 'pk', user)}"


def _task_windows(task, *, model_version=None, limit: int | None = None, levels: dict | None = None) -> tuple:
    """(scene, version, level, windows) of :func:`task_prefetch`: the windows covering ``task`` at the project's
    working level, those holding the whole task first, then nearest its centre, at most ``limit``."""
    scene = task.scene
    if scene.status != SceneStatus.READY or not scene.transform:
        raise SceneNotReady(f"scene {scene.pk} is {scene.status}, not ready")
    lon0, lat0, lon1, lat1 = task.area.extent
    transform = Affine.from_gdal(*scene.transform)
    xs, ys = transformer("EPSG:4326", scene.crs).transform([lon0, lon1], [lat0, lat1])
    px = [~transform @ (x, y) for x, y in zip(xs, ys, strict=True)]
    gsd = scene_gsd(scene, transform)
    extent_m = max(abs(px[1][0] - px[0][0]), abs(px[1][1] - px[0][1])) * gsd
    memo = levels if levels is not None else {}  # tasks of one grid share their scene and size: one look-up
    level = memo.get((scene.pk, round(extent_m, 1)))
    if level is None:
        level = memo[(scene.pk, round(extent_m, 1))] = working_level(scene=scene, task_extent_m=extent_m)
    cap = int(getattr(settings, "GEOLOOP_PREFETCH_TASK_MAX", 16) if limit is None else limit)
    version = _version(scene, _optional_id(model_version, "model_version"))
    viewport = _bbox_pixels(scene, [lon0, lat0, lon1, lat1], bbox_crs="EPSG:4326")
    windows = _windows(scene, viewport, level)
    if windows:
        corners = [(viewport[0], viewport[1]), (viewport[2], viewport[3])]
        margin = windows[0].size / 8
        windows.sort(key=lambda w: not all(w.contains(x, y, margin=margin) for x, y in corners))  # stable
    return scene, version, level, windows[:cap]


def ahead_budget_windows() -> int:
    """How many windows one annotator's upcoming tasks may have queued ahead: the share of the prefetch part of
    the embedding cache (:func:`area_prefetch_max_windows`: half the cache, at most GEOLOOP_PREFETCH_AREA_MAX) that
    falls to each person holding a task now, so everyone's next tasks fit in the cache together; at least one."""
    from annotator.selectors.tasks import annotators_working

    return max(1, area_prefetch_max_windows() // max(1, annotators_working()))


def _first_click_windows(windows: list, task) -> list:
    """The window a first click in ``task`` most likely finds ready: one holding the whole task, else the one
    nearest the task's centre (the task opens filling the screen, its objects around the middle) - the first of
    :func:`_task_windows`' order. A click elsewhere still gets its own window, at prompt priority."""
    return windows[:1]


def tasks_ahead_prefetch(*, task, user, viewer: str, model_version=None) -> dict:
    """Enqueue the windows of ``task`` (just opened by ``user``) and of the tasks "next task" will give ``user``
    after it, behind prompts' encodes: ``task``'s windows as :func:`task_prefetch` picks them, then the window a
    first click in each upcoming task needs (:func:`_first_click_windows`, in "next task" order), while their count
    stays within :func:`ahead_budget_windows` (at least the next task's). Order of the queue: the open task's first
    window, the upcoming tasks' first-click windows, then the open task's other windows (a click there is promoted to
    prompt priority anyway). One prefetch generation for ``viewer``: opening the next task keeps what is still
    wanted and skips the rest. Returns ``{"queued", "cached", "pending", "tasks_ahead", "windows_ahead"}``."""
    from annotator.selectors.tasks import tasks_upcoming

    groups = []
    levels: dict = {}
    if task is not None:
        scene, version, _level, windows = _task_windows(task, model_version=model_version, levels=levels)
        groups.append((scene, version, windows[:1], 0))
        rest = (scene, version, windows[1:], 2)
    else:
        rest = None
    budget = ahead_budget_windows()
    ahead_tasks, ahead_windows = 0, 0
    project = task.project if task is not None else None
    for upcoming in tasks_upcoming(project=project, user=user, exclude=[task.pk] if task is not None else [],
                                   limit=budget) if project is not None else []:
        try:
            scene, version, _level, windows = _task_windows(upcoming, levels=levels)
        except (SceneNotReady, OutsideScene):
            continue
        first = _first_click_windows(windows, upcoming)
        if ahead_tasks and ahead_windows + len(first) > budget:
            break
        groups.append((scene, version, first, 1))
        ahead_tasks, ahead_windows = ahead_tasks + 1, ahead_windows + len(first)
    if rest is not None:
        groups.append(rest)
    counts = _enqueue_groups(groups, viewer=viewer)
    return {**counts, "tasks_ahead": ahead_tasks, "windows_ahead": ahead_windows}


def _enqueue_groups(groups: list, *, viewer: str) -> dict:
    """:func:`_enqueue` for windows of several scenes, in the order given, under one prefetch generation."""
    from inference.services.registry import model_version_encoder

    entries, seen = [], set()
    for scene, version, windows, _band in groups:
        encoder = model_version_encoder(version)
        for w in windows:
            key = embedding_key(encoder_sha256=encoder, scene=scene, window=w)
            if key.cache_key not in seen:
                seen.add(key.cache_key)
                entries.append((key, version.pk, scene.pk))
    known = embedding_known([k for k, _v, _s in entries])
    prefetch_windows_set(viewer, [k.window for k, _v, _s in entries])
    prefetch = (viewer, prefetch_generation_set(viewer))
    counts = {"queued": 0, "cached": 0, "pending": 0}
    for key, version_id, scene_id in entries:
        state = embedding_request(key=key, version_id=version_id, scene_id=scene_id,
                                  known=key.cache_key in known, prefetch=prefetch)
        counts[state] += 1
    return counts


def first_tasks_prefetch(*, project) -> dict:
    """Tasks were created or assigned in ``project``: for each member who holds no live task there, enqueue the
    windows of the tasks "next task" will give them first (:func:`tasks_ahead_prefetch` without an open task), so
    their first click of the day finds its window. Returns ``{user id: counts}``."""
    from django.utils import timezone

    from annotator.models import Membership, Task, TaskStatus

    busy = set(Task.objects.filter(project=project, status=TaskStatus.IN_PROGRESS,
                                   lease_expires_at__gte=timezone.now()).values_list("lease_holder_id", flat=True))
    out = {}
    for membership in Membership.objects.filter(project=project).select_related("user").order_by("user_id"):
        if membership.user_id in busy:
            continue  # working on a task: its own task-open prefetch is in charge of its queue
        try:
            out[membership.user_id] = _first_tasks_of(project, membership.user)
        except (SceneNotReady, OutsideScene) as exc:  # a scene still ingesting: its tasks wait for their opening
            log.info("first-task prefetch for user %s skipped: %s", membership.user_id, exc)
    return out


def _first_tasks_of(project, user) -> dict:
    from annotator.selectors.tasks import tasks_upcoming

    first = tasks_upcoming(project=project, user=user, limit=1)
    if not first:
        return {"queued": 0, "cached": 0, "pending": 0, "tasks_ahead": 0, "windows_ahead": 0}
    return tasks_ahead_prefetch(task=first[0], user=user, viewer=task_viewer(user))


def on_tasks_changed(sender, *, project, **kwargs) -> None:
    """Receiver of ``annotator.signals.tasks_changed``: after the commit, a worker (queue ``default``) prefetches
    each idle member's first tasks (:func:`first_tasks_prefetch`); never fails the caller."""
    from celery import current_app
    from django.db import transaction

    project_id = project.pk

    def send() -> None:
        try:
            current_app.send_task("inference.first_tasks_prefetch", args=[project_id])
        except Exception:
            log.warning("first-task prefetch of project %s not requested", project_id, exc_info=True)

    transaction.on_commit(send)


def task_prefetch(*, task, model_version=None, limit: int | None = None, viewer: str | None = None) -> dict:
    """Enqueue the encodes of the windows covering ``task``'s area at the project's working level (see
    :func:`working_level`), nearest the task's centre first, at most ``limit`` (default
    ``GEOLOOP_PREFETCH_TASK_MAX``), behind prompts' encodes. With ``viewer`` (:func:`task_viewer`), encodes still
    queued for that viewer's earlier task are skipped. Returns what :func:`viewport_prefetch` returns."""
    scene, version, level, windows = _task_windows(task, model_version=model_version, limit=limit)
    if not windows:
        raise OutsideScene(f"task {task.pk} does not overlap scene {scene.pk}")
    counts = _enqueue(scene=scene, version=version, windows=windows, viewer=viewer)
    return {**counts, "level": level, "windows": [w.key for w in windows]}


def on_task_leased(sender, *, task, user, **kwargs):
    """Receiver of ``annotator.signals.task_leased``: prefetch the task's windows and, behind them, the first-click
    windows of the tasks the annotator gets next (:func:`tasks_ahead_prefetch`); never fails the lease."""
    try:
        tasks_ahead_prefetch(task=task, user=user, viewer=task_viewer(user))
    except Exception:
        log.warning("prefetch of task %s failed", task.pk, exc_info=True)
