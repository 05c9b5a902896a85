"""Web Mercator tiles from a COG, through rio-tiler's Reader.

`render_tile(path, z, x, y, recipe, fmt) -> bytes`: a 256-px PNG or WEBP, RGBA, transparent outside the image, at
nodata and where the mask/alpha says so; rio-tiler picks the overview that matches the zoom.

Readers stay open: each thread of the process keeps a small LRU of open Readers keyed by COG path (a rasterio dataset
must not be shared between threads; the GDAL block cache is shared by all of them). COG paths carry the source's
checksum, so a path never changes content under an open reader.
"""

from __future__ import annotations

import math
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import rasterio
from morecantile import Tile
from rasterio.errors import RasterioError
from rasterio.warp import calculate_default_transform
from rio_tiler.constants import WEB_MERCATOR_TMS
from rio_tiler.errors import RioTilerError
from rio_tiler.errors import TileOutsideBounds as RioTileOutsideBounds
from rio_tiler.io import Reader
from rio_tiler.utils import render

from annotator.imagery.errors import ImageryError, InvalidRaster, InvalidRecipe, InvalidTile, TileOutsideBounds
from annotator.imagery.gdal_env import READ_OPTIONS

TILE_SIZE = 256
MAX_ZOOM = 30
FORMATS = {"png": "PNG", "webp": "WEBP"}
MEDIA_TYPES = {"png": "image/png", "webp": "image/webp"}
READERS_PER_THREAD = 16
_ENCODE_OPTIONS = {"PNG": {"ZLEVEL": 3}, "WEBP": {"QUALITY": 90}}


class _ReaderCache(threading.local):
    def __init__(self) -> None:
        self.readers: OrderedDict[str, Reader] = OrderedDict()


_local = _ReaderCache()


def _open_reader(path: str) -> Reader:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Reader(path, tms=WEB_MERCATOR_TMS)


def reader_for(path: str | os.PathLike) -> Reader:
    """The open Reader for `path` on this thread (opened on first use, least recently used closed past
    READERS_PER_THREAD)."""
    key = os.fspath(path)
    readers = _local.readers
    reader = readers.get(key)
    if reader is not None:
        readers.move_to_end(key)
        return reader
    try:
        with rasterio.Env(**READ_OPTIONS):
            reader = _open_reader(key)
    except (RasterioError, RioTilerError, OSError) as exc:
        raise InvalidRaster(f"Cannot open {os.path.basename(key)}: {exc}") from exc
    readers[key] = reader
    while len(readers) > READERS_PER_THREAD:
        _, old = readers.popitem(last=False)
        old.close()
    return reader


def readers_close() -> None:
    """Close every Reader this thread holds (tests; worker shutdown)."""
    while _local.readers:
        _, reader = _local.readers.popitem()
        reader.close()


def tile_check(z: int, x: int, y: int, fmt: str) -> None:
    """Raise InvalidTile unless z/x/y address a Web Mercator tile and fmt is png or webp."""
    if fmt not in FORMATS:
        raise InvalidTile(f"Unknown tile format {fmt!r}; use png or webp.")
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidTile(f"Zoom {z} is out of range 0..{MAX_ZOOM}.")
    side = 1 << z
    if not (0 <= x < side and 0 <= y < side):
        raise InvalidTile(f"Tile {z}/{x}/{y} does not exist: x and y run from 0 to {side - 1} at zoom {z}.")


def _stretch(data: np.ndarray, lows: Sequence[float], highs: Sequence[float]) -> np.ndarray:
    """(bands, h, w) -> uint8, each band mapped linearly from [low, high] to [0, 255] and clipped."""
    out = np.empty(data.shape, dtype="uint8")
    for i, (low, high) in enumerate(zip(lows, highs, strict=True)):
        band = data[i].astype("float32", copy=False)
        scaled = (band - np.float32(low)) * np.float32(255.0 / (high - low))
        np.clip(scaled, 0, 255, out=scaled)
        np.nan_to_num(scaled, copy=False, nan=0.0)
        out[i] = scaled.astype("uint8")
    return out


def _alpha(img) -> np.ndarray:
    """uint8 alpha: the dataset's alpha band or mask (nodata included), and 0 where a value is not finite."""
    if img.alpha_mask is not None:
        alpha = img.alpha_mask
        if alpha.dtype != np.uint8:
            top = np.iinfo(alpha.dtype).max if np.issubdtype(alpha.dtype, np.integer) else 1.0
            alpha = (alpha.astype("float32") * (255.0 / top)).clip(0, 255).astype("uint8")
        alpha = np.where(img._mask, alpha, 0).astype("uint8")
    else:
        alpha = np.where(img._mask, 255, 0).astype("uint8")
    if np.issubdtype(img.array.dtype, np.floating):
        alpha[~np.isfinite(img.array.data).all(axis=0)] = 0
    return alpha


def render_tile(path: str | os.PathLike, z: int, x: int, y: int, recipe: dict, fmt: str = "png") -> bytes:
    """Render tile z/x/y of the COG at `path` with `recipe` ({"bands", "min", "max"}) as PNG or WEBP bytes, RGBA,
    TILE_SIZE x TILE_SIZE.

    Raises InvalidTile (malformed address), TileOutsideBounds (the tile misses the image), InvalidRecipe,
    InvalidRaster (the COG cannot be read).
    """
    tile_check(z, x, y, fmt)
    bands = list(recipe.get("bands") or [])
    if len(bands) not in (1, 3) or len(recipe.get("min", ())) != len(bands) or len(recipe.get("max", ())) != len(bands):
        raise InvalidRecipe("The scene's render recipe is incomplete (bands, min, max).")
    reader = reader_for(path)
    try:
        with rasterio.Env(**READ_OPTIONS):
            img = reader.tile(x, y, z, tilesize=TILE_SIZE, indexes=bands)
    except RioTileOutsideBounds as exc:
        raise TileOutsideBounds(f"Tile {z}/{x}/{y} is outside the scene.") from exc
    except (RasterioError, RioTilerError) as exc:
        raise ImageryError(f"Reading tile {z}/{x}/{y} failed: {exc}") from exc
    rgb = _stretch(img.array.data, recipe["min"], recipe["max"])
    if rgb.shape[0] == 1:
        rgb = np.repeat(rgb, 3, axis=0)
    image_format = FORMATS[fmt]
    return render(rgb, _alpha(img), img_format=image_format, **_ENCODE_OPTIONS[image_format])


@lru_cache(maxsize=1024)
def zoom_range(crs: str, transform: tuple[float, ...], width: int, height: int) -> tuple[int, int]:
    """(minzoom, maxzoom) of a raster on the Web Mercator grid, the way rio-tiler computes them: maxzoom is the zoom
    nearest the native resolution, minzoom the one where the whole image fits about one tile."""
    if not (crs and transform and width and height):
        return 0, 0
    affine = rasterio.Affine.from_gdal(*transform)
    left, top = affine @ (0, 0)
    right, bottom = affine @ (width, height)
    try:
        dst, w, h = calculate_default_transform(crs, WEB_MERCATOR_TMS.rasterio_crs, width, height,
                                                left, bottom, right, top)
    except RasterioError:
        return 0, WEB_MERCATOR_TMS.maxzoom
    resolution = max(abs(dst.a), abs(dst.e))
    maxzoom = WEB_MERCATOR_TMS.zoom_for_res(resolution)
    levels = max(0, math.ceil(math.log2(max(w, h) / TILE_SIZE))) if max(w, h) > TILE_SIZE else 0
    minzoom = WEB_MERCATOR_TMS.zoom_for_res(resolution * 2**levels)
    return min(minzoom, maxzoom), maxzoom


def tile_bounds_lonlat(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a Web Mercator tile."""
    b = WEB_MERCATOR_TMS.bounds(Tile(x=x, y=y, z=z))
    return b.left, b.bottom, b.right, b.top
