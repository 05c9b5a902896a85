"""The fixed Atlanta benchmark (plain module, no Django): SpaceNet Atlanta's 43 buildings on the sample scene.

Each building becomes one evaluation object: the embedding window chosen for it the way the annotator's window
is chosen (nearest-centre grid window at the finest level, from -2 up to 0, whose half-extent still holds the
building's bounding box) and its ground-truth mask rasterised on that window's grid. Embeddings are computed with
the given model and kept in memory per process, keyed by the encoder digest (a decoder-only fine-tune reuses them).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from shapely.geometry import shape

from inference.imagery_window import read_window, recipe_from_statistics
from inference.masks import rasterize_geometry
from inference.sam import LoadedModel, encode
from inference.windows import Window, window_for_point

REPO_ROOT = Path(__file__).resolve().parents[1]
ATLANTA_DIR = REPO_ROOT / "samples" / "spacenet-atlanta"
ATLANTA_SCENE = ATLANTA_DIR / "sample_geotiff.tif"
ATLANTA_LABELS = ATLANTA_DIR / "geotiff_labels.geojson"
MIN_LEVEL, MAX_LEVEL = -2, 0


@dataclass(frozen=True, eq=False)
class BenchObject:
    """One ground-truth object: its window, the bool mask on the window grid, centroid in the scene CRS."""

    index: int
    window: Window
    gt: np.ndarray
    centroid: tuple[float, float]
    label: str


def level_for_extent(extent_px: float, *, size: int = 1024, min_level: int = MIN_LEVEL,
                     max_level: int = MAX_LEVEL) -> int:
    """Finest level whose window half-extent (source px) holds an object ``extent_px`` source pixels across."""
    level = min_level
    while level < max_level and extent_px > size * 2.0**level / 2:
        level += 1
    return level


def window_for_object(bounds_px: tuple[float, float, float, float], *, size: int = 1024) -> Window:
    """The window for an object with scene-pixel bounds (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = bounds_px
    level = level_for_extent(max(x1 - x0, y1 - y0), size=size)
    return window_for_point(x=(x0 + x1) / 2, y=(y0 + y1) / 2, level=level, size=size)


def atlanta_objects(*, scene_path: Path = ATLANTA_SCENE, labels_path: Path = ATLANTA_LABELS) -> list[BenchObject]:
    """The 43 buildings, in file order, each on its own window."""
    features = json.loads(Path(labels_path).read_text())["features"]
    with rasterio.open(scene_path) as ds:
        inv = ~ds.transform
        transform = ds.transform
        crs = ds.crs.to_string()
    out = []
    for i, feat in enumerate(features):
        geom = shape(feat["geometry"])
        if geom.is_empty:
            continue
        minx, miny, maxx, maxy = geom.bounds
        (px0, py0), (px1, py1) = inv @ (minx, maxy), inv @ (maxx, miny)
        window = window_for_object((min(px0, px1), min(py0, py1), max(px0, px1), max(py0, py1)))
        gt = rasterize_geometry(geom, transform=window.geo_transform(transform), shape=(window.size, window.size),
                                crs=crs, geometry_crs=crs)
        if not gt.any():
            continue
        c = geom.centroid
        out.append(BenchObject(index=i, window=window, gt=gt, centroid=(c.x, c.y), label=f"atlanta:{i}"))
    return out


def split_halves(objects: list[BenchObject]) -> tuple[list[BenchObject], list[BenchObject]]:
    """Spatial halves: A west of the median centroid easting, B east of it (no object in both)."""
    xs = np.array([o.centroid[0] for o in objects])
    median = float(np.median(xs))
    a = [o for o in objects if o.centroid[0] < median]
    b = [o for o in objects if o.centroid[0] >= median]
    return a, b


_EMB_CACHE: dict[tuple[str, str, str], np.ndarray] = {}
_EMB_LOCK = threading.Lock()


def window_embeddings(model: LoadedModel, windows: list[Window], *, encoder_key: str,
                      scene_path: Path = ATLANTA_SCENE) -> dict[str, np.ndarray]:
    """fp16 embeddings ``(1, 256, 64, 64)`` by window key, encoded once per process per encoder."""
    recipe = recipe_from_statistics(scene_path)
    out: dict[str, np.ndarray] = {}
    with rasterio.open(scene_path) as ds:
        for window in windows:
            key = (encoder_key, str(scene_path), window.key)
            with _EMB_LOCK:
                emb = _EMB_CACHE.get(key)
            if emb is None:
                emb = encode(model, read_window(ds, window, recipe).rgb)
                with _EMB_LOCK:
                    _EMB_CACHE[key] = emb
            out[window.key] = emb
    return out

