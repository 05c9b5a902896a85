"""Reads for scenes, including what the tile endpoint needs per tile, cached for a moment per process."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass

import rasterio
from django.db.models import QuerySet

from annotator.imagery.gdal_env import cog_env
from annotator.media import media_gdal_path
from annotator.models import Project, Scene

TILE_SOURCE_TTL_S = 2.0
_TILE_SOURCE_MAX = 2048


def scene_list(*, project: Project) -> QuerySet[Scene]:
    return Scene.objects.filter(project=project).order_by("id")


def scene_get(*, scene_id: int) -> Scene | None:
    return Scene.objects.select_related("project").filter(pk=scene_id).first()


def scene_cog_file(scene: Scene) -> str:
    """What GDAL opens for the scene's COG: its local path, or its /vsis3/ path in the media bucket
    (annotator.media). Read it inside :func:`scene_cog_reading`."""
    return media_gdal_path(scene.cog_path)


def scene_model_recipe(scene: Scene) -> dict:
    """What the model sees of the scene: its `model_bands` (bands and stretch chosen for the encoder) when set,
    else its render recipe (so a scene with no model bands behaves as before they existed)."""
    return getattr(scene, "model_bands", None) or getattr(scene, "render_recipe", None) or {}


def scene_cog_reading() -> rasterio.Env:
    """The GDAL environment for reading a scene's COG (TiTiler's settings; the bucket's endpoint and credentials
    when media is on S3)."""
    return cog_env()


@dataclass(frozen=True)
class TileSource:
    """Everything a tile request needs about its scene: who may see it, which file, how to draw it."""

    scene_id: int
    project_id: int
    status: str
    cog_file: str
    recipe: dict
    version: str  # hash of checksum + recipe: part of every tile's ETag


_tile_sources: dict[int, tuple[float, TileSource | None]] = {}
_lock = threading.Lock()


def _tile_source_load(scene_id: int) -> TileSource | None:
    row = (Scene.objects.filter(pk=scene_id)
           .values_list("project_id", "status", "cog_path", "checksum", "render_recipe").first())
    if row is None:
        return None
    project_id, status, cog_path, checksum, recipe = row
    version = hashlib.sha256(f"{checksum}|{json.dumps(recipe, sort_keys=True)}".encode()).hexdigest()[:20]
    return TileSource(scene_id=scene_id, project_id=project_id, status=status,
                      cog_file=media_gdal_path(cog_path) if cog_path else "",
                      recipe=recipe or {}, version=version)


def scene_tile_source(*, scene_id: int) -> TileSource | None:
    """The scene's tile source: one primary-key query, then served from a per-process cache for TILE_SOURCE_TTL_S
    seconds (so a recipe edited in another process shows within that time; this process forgets at once)."""
    now = time.monotonic()
    cached = _tile_sources.get(scene_id)
    if cached is not None and now - cached[0] < TILE_SOURCE_TTL_S:
        return cached[1]
    source = _tile_source_load(scene_id)
    with _lock:
        if len(_tile_sources) >= _TILE_SOURCE_MAX:
            _tile_sources.clear()
        _tile_sources[scene_id] = (now, source)
    return source


def scene_tile_source_forget(scene_id: int) -> None:
    with _lock:
        _tile_sources.pop(scene_id, None)
