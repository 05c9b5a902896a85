"""Prefetch: the client reports its viewport; the windows in view are enqueued for encoding, nearest the centre
first, skipping those cached or already queued, at most ``GEOLOOP_PREFETCH_MAX`` per report."""

from __future__ import annotations

from affine import Affine
from django.conf import settings

from annotator.models import SceneStatus
from core.geo import transformer
from inference.services.embeddings import (
    embedding_key,
    embedding_known,
    embedding_request,
    prefetch_generation_set,
)
from inference.services.errors import OutsideScene, PromptInvalid, SceneNotReady
from inference.services.proposals import _number, _version, scene_gsd, scene_level_range
from inference.services.proposals.parse import _optional_id
from inference.windows import choose_level, windows_in_viewport


def viewport_prefetch(*, scene, bbox, map_resolution, model_version=None, limit: int | None = None,
                      viewer: str | None = None) -> dict:
    """Enqueue the encodes of the windows in ``bbox`` ([min lon, min lat, max lon, max lat]) at the level for
    ``map_resolution``, behind any prompt's encode. With ``viewer`` (one socket), encodes still queued for that
    viewer's earlier viewports are skipped when their turn comes. Returns ``{"queued", "cached", "pending",
    "level", "windows"}``."""
    if not isinstance(bbox, list | tuple) or len(bbox) != 4:
        raise PromptInvalid(f"bbox must be [min lon, min lat, max lon, max lat], got {bbox!r}")
    bbox = [_number(v, f"bbox[{i}]") for i, v in enumerate(bbox)]
    if not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
        raise PromptInvalid(f"bbox must have min < max on both axes, got {bbox}")
    resolution = _number(map_resolution, "map_resolution")
    if resolution <= 0:
        raise PromptInvalid("map_resolution must be positive (metres per screen pixel)")
    if scene.status != SceneStatus.READY or not scene.transform:
        raise SceneNotReady(f"scene {scene.pk} is {scene.status}, not ready")
    version = _version(scene, _optional_id(model_version, "model_version"))
    transform = Affine.from_gdal(*scene.transform)
    inverse = ~transform
    xs, ys = transformer("EPSG:4326", scene.crs).transform([bbox[0], bbox[2], bbox[2], bbox[0]],
                                                [bbox[1], bbox[1], bbox[3], bbox[3]])
    px = [inverse * (x, y) for x, y in zip(xs, ys, strict=True)]
    viewport = (min(p[0] for p in px), min(p[1] for p in px), max(p[0] for p in px), max(p[1] for p in px))
    min_level, max_level = scene_level_range(scene)
    level = choose_level(map_resolution=resolution, gsd=scene_gsd(scene, transform), min_level=min_level,
                         max_level=max_level)
    cap = int(settings.GEOLOOP_PREFETCH_MAX if limit is None else limit)
    windows = windows_in_viewport(viewport=viewport, level=level, width=scene.width, height=scene.height, limit=cap)
    if not windows:
        raise OutsideScene(f"viewport {bbox} does not overlap scene {scene.pk}")
    from inference.services.registry import model_version_encoder

    encoder = model_version_encoder(version)
    keys = [embedding_key(encoder_sha256=encoder, scene=scene, window=w) for w in windows]
    known = embedding_known(keys)
    counts = {"queued": 0, "cached": 0, "pending": 0}
    prefetch = (viewer, prefetch_generation_set(viewer)) if viewer else None
    for key in keys:
        state = embedding_request(key=key, version_id=version.pk, scene_id=scene.pk, known=key.cache_key in known,
                                  prefetch=prefetch)
        counts[state] += 1
    return {**counts, "level": level, "windows": [w.key for w in windows]}


def scene_viewport_prefetch(*, scene_id: int, bbox, map_resolution, model_version=None,
                            viewer: str | None = None) -> dict:
    """:func:`viewport_prefetch` for a scene given by id (the socket's viewport reports)."""
    from annotator.selectors.scenes import scene_get

    scene = scene_get(scene_id=scene_id)
    if scene is None:
        raise SceneNotReady(f"scene {scene_id} no longer exists")
    return viewport_prefetch(scene=scene, bbox=bbox, map_resolution=map_resolution, model_version=model_version,
                             viewer=viewer)
