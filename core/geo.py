"""Reprojection helpers. Coordinates are always in x/y order (longitude/latitude for EPSG:4326).

pyproj transformers must not be shared between threads, so each thread keeps its own, cached by (src, dst).
"""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np
import pyproj
import shapely

_local = threading.local()


@lru_cache(maxsize=64)
def crs_of(value: str) -> pyproj.CRS:
    """A CRS from any user input pyproj takes ("EPSG:32616", WKT, PROJ string)."""
    return pyproj.CRS.from_user_input(value)


def transformer(src: str, dst: str) -> pyproj.Transformer:
    """This thread's cached transformer from ``src`` to ``dst`` (always x/y order)."""
    cache = getattr(_local, "transformers", None)
    if cache is None:
        cache = _local.transformers = {}
    key = (src, dst)
    tr = cache.get(key)
    if tr is None:
        tr = cache[key] = pyproj.Transformer.from_crs(crs_of(src), crs_of(dst), always_xy=True)
    return tr


def reproject(geoms, src: str, dst: str):
    """Reproject a shapely geometry or an array of them; returned unchanged when the CRSs are equal."""
    if src == dst or crs_of(src) == crs_of(dst):
        return geoms
    tr = transformer(src, dst)

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, move)


def tile_address_problem(z: int, x: int, y: int, *, max_zoom: int) -> str | None:
    """Why z/x/y is no Web Mercator (XYZ) tile at zoom 0..``max_zoom``, or None when it is one."""
    if not 0 <= z <= max_zoom:
        return f"Zoom {z} is out of range 0..{max_zoom}."
    side = 1 << z
    if not (0 <= x < side and 0 <= y < side):
        return f"Tile {z}/{x}/{y} does not exist: x and y run from 0 to {side - 1} at zoom {z}."
    return None


WEB_MERCATOR_WORLD = 2 * 6378137.0 * 3.141592653589793  # EPSG:3857 units across the world (2πR)


def web_mercator_pixel_size(z: int, *, tile_px: int = 256) -> float:
    """EPSG:3857 units per pixel of an XYZ tile at zoom ``z`` drawn ``tile_px`` pixels wide (the same at every
    latitude: Web Mercator units, not ground metres)."""
    return WEB_MERCATOR_WORLD / (tile_px * (1 << z))
