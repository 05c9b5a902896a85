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


def task_prefetch(*, task, model_version=None, limit: int | None = None, viewer: str | None = None) -> dict:
    """Enqueue the encodes of the windows covering ``task``'s area at the project's working level (see
    :func:`working_level`), nearest the task's centre first, at most ``limit`` (default
    ``GEOLOOP_PREFETCH_TASK_MAX``), behind prompts' encodes. With ``viewer`` (:func:`task_viewer`), encodes still
    queued for that viewer's earlier task are skipped. Returns what :func:`viewport_prefetch` returns."""
    scene = task.scene
    if scene.status != SceneStatus.READY or not scene.transform:
        raise SceneNotReady(f"scene {scene.pk} is {scene.status}, not ready")
    lon0, lat0, lon1, lat1 = task.area.extent
    transform = Affine.from_gdal(*scene.transform)
    xs, ys = transformer("EPSG:4326", scene.crs).transform([lon0, lon1], [lat0, lat1])
    px = [~transform * (x, y) for x, y in zip(xs, ys, strict=True)]
    gsd = scene_gsd(scene, transform)
    extent_m = max(abs(px[1][0] - px[0][0]), abs(px[1][1] - px[0][1])) * gsd
    level = working_level(scene=scene, task_extent_m=extent_m)
    cap = int(getattr(settings, "GEOLOOP_PREFETCH_TASK_MAX", 16) if limit is None else limit)
    return viewport_prefetch(scene=scene, bbox=[lon0, lat0, lon1, lat1], scale=Scale(level=level),
                             model_version=model_version, limit=cap, prefer_holding=True, viewer=viewer)


def on_task_leased(sender, *, task, user, **kwargs):
    """Receiver of ``annotator.signals.task_leased``: prefetch the task's windows; never fails the lease."""
    try:
        task_prefetch(task=task, viewer=task_viewer(user))
    except Exception:
        log.warning("prefetch of task %s failed", task.pk, exc_info=True)
