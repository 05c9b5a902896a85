"""Web Mercator tiles from a COG, through rio-tiler's Reader.

`render_tile(path, z, x, y, recipe, fmt) -> bytes`: a 256-px PNG or WEBP, RGBA, transparent outside the image, at
nodata and where the mask/alpha says so; rio-tiler picks the overview that matches the zoom.

Readers stay open: the process keeps a small pool of open Readers per COG path, LRU over paths (see ReaderPool);
the GDAL block cache is shared by all of them. COG paths carry the source's checksum, so a path never changes content
under an open reader.
"""

from __future__ import annotations

import math
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, cast

import numpy as np
import rasterio
from rasterio.errors import RasterioError
from rasterio.warp import calculate_default_transform
from rio_tiler.constants import WEB_MERCATOR_TMS
from rio_tiler.errors import RioTilerError
from rio_tiler.errors import TileOutsideBounds as RioTileOutsideBounds
from rio_tiler.io import Reader
from rio_tiler.utils import render

from annotator.imagery.errors import ImageryError, InvalidRaster, InvalidRecipe, InvalidTile, TileOutsideBounds
from annotator.imagery.gdal_env import cog_env
from core.geo import tile_address_problem

TILE_SIZE = 256
MAX_ZOOM = 30
FORMATS = {"png": "PNG", "webp": "WEBP"}
MEDIA_TYPES = {"png": "image/png", "webp": "image/webp"}
_ENCODE_OPTIONS: dict[str, dict[str, Any]] = {"PNG": {"ZLEVEL": 3}, "WEBP": {"QUALITY": 90}}


class ReaderPool:
    """Open Readers shared by the whole process, keyed by COG path.

    A rasterio dataset must not be used by two threads at once, and Django runs each request in a fresh thread, so a
    thread-local cache would reopen per tile. Instead a thread checks a Reader out for one tile and puts it back:
    up to `idle_per_path` Readers per COG stay open, for the `max_paths` most recently used COGs.
    """

    def __init__(self, *, max_paths: int = 32, idle_per_path: int = 4):
        self.max_paths = max_paths
        self.idle_per_path = idle_per_path
        self.opened = 0  # Readers opened so far (tests and benchmarks read it)
        self._idle: OrderedDict[str, list[Reader]] = OrderedDict()
        self._lock = threading.Lock()

    def _open(self, key: str) -> Reader:
        try:
            with cog_env(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                dataset = rasterio.open(key, driver="GTiff")  # GeoLoop's own COGs: GTiff only, local or its bucket
                try:
                    reader = Reader(key, dataset=dataset, tms=WEB_MERCATOR_TMS)
                except BaseException:
                    dataset.close()
                    raise
        except (RasterioError, RioTilerError, OSError) as exc:
            raise InvalidRaster(f"Cannot open {os.path.basename(key)}: {exc}") from exc
        with self._lock:
            self.opened += 1
        return reader

    @contextmanager
    def reader(self, path: str | os.PathLike) -> Iterator[Reader]:
        key = os.fspath(path)
        with self._lock:
            idle = self._idle.get(key)
            reader = idle.pop() if idle else None
        if reader is None:
            reader = self._open(key)
        broken = False
        try:
            yield reader
        except (RasterioError, OSError):
            broken = True
            raise
        finally:
            self._put_back(key, reader, broken)

    def _put_back(self, key: str, reader: Reader, broken: bool) -> None:
        to_close = [reader] if broken else []
        with self._lock:
            if not broken:
                idle = self._idle.setdefault(key, [])
                self._idle.move_to_end(key)
                if len(idle) < self.idle_per_path:
                    idle.append(reader)
                else:
                    to_close.append(reader)
            while len(self._idle) > self.max_paths:
                _, evicted = self._idle.popitem(last=False)
                to_close.extend(evicted)
        for old in to_close:
            _reader_close(old)

    def close(self) -> None:
        with self._lock:
            readers = [r for idle in self._idle.values() for r in idle]
            self._idle.clear()
        for reader in readers:
            _reader_close(reader)


def _reader_close(reader: Reader) -> None:
    reader.close()
    if reader.dataset is not None:
        reader.dataset.close()  # opened by the pool, not by the Reader


POOL = ReaderPool()


def readers_close() -> None:
    """Close every idle Reader of the process (tests; worker shutdown)."""
    POOL.close()


def tile_check(z: int, x: int, y: int, fmt: str) -> None:
    """Raise InvalidTile unless z/x/y address a Web Mercator tile and fmt is png or webp."""
    if fmt not in FORMATS:
        raise InvalidTile(f"Unknown tile format {fmt!r}; use png or webp.")
    problem = tile_address_problem(z, x, y, max_zoom=MAX_ZOOM)
    if problem:
        raise InvalidTile(problem)


def _stretch(data: np.ndarray, lows: Sequence[float], highs: Sequence[float], scale: str = "linear") -> np.ndarray:
    """(bands, h, w) -> uint8, each band mapped linearly from [low, high] to [0, 255] and clipped (with scale "db",
    from 10*log10 of the values; values <= 0 have no dB and map to 0)."""
    out = np.empty(data.shape, dtype="uint8")
    for i, (low, high) in enumerate(zip(lows, highs, strict=True)):
        band = data[i].astype("float32", copy=False)
        if scale == "db":
            with np.errstate(divide="ignore", invalid="ignore"):
                band = np.float32(10.0) * np.log10(band)
        scaled = (band - np.float32(low)) * np.float32(255.0 / (high - low))
        np.clip(scaled, 0, 255, out=scaled)
        np.nan_to_num(scaled, copy=False, nan=0.0)
        out[i] = scaled.astype("uint8")
    return out


@lru_cache(maxsize=256)
def gamma_lut(gamma: float) -> np.ndarray:
    """uint8 -> uint8 lookup table of 255 * (v / 255) ** (1 / gamma), built once per gamma value."""
    levels = np.arange(256, dtype="float64") / 255.0
    return np.clip(np.rint(255.0 * levels ** (1.0 / gamma)), 0, 255).astype("uint8")


@lru_cache(maxsize=32)
def colormap_lut(name: str) -> np.ndarray:
    """(3, 256) uint8 lookup tables (red, green, blue) of a rio-tiler colour map, built once per name."""
    from rio_tiler.colormap import cmap

    table = cast(dict, cmap.get(name))  # rio-tiler's named ramps are {value: rgba}
    lut = np.zeros((256, 3), dtype="uint8")
    for value, rgba in table.items():
        if 0 <= int(value) <= 255:
            lut[int(value)] = rgba[:3]
    lut = np.ascontiguousarray(lut.T)
    lut.setflags(write=False)
    return lut


def recipe_apply(data: np.ndarray, recipe: dict) -> np.ndarray:
    """(bands, h, w) values -> (3, h, w) uint8 RGB with the recipe's stretch, scale, gamma and colour map. Gamma
    and colour map go through lookup tables built once per process (no per-tile recomputation)."""
    rgb = _stretch(data, recipe["min"], recipe["max"], recipe.get("scale") or "linear")
    for i, gamma in enumerate(recipe.get("gamma") or ()):
        if gamma != 1.0:
            np.take(gamma_lut(float(gamma)), rgb[i], out=rgb[i])
    if recipe.get("colormap") and rgb.shape[0] == 1:
        lut = colormap_lut(recipe["colormap"])  # (3, 256): one table per output channel
        return np.stack([np.take(lut[c], rgb[0]) for c in range(3)])
    if rgb.shape[0] == 1:
        rgb = np.repeat(rgb, 3, axis=0)
    return rgb


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
    """Render tile z/x/y of the COG at `path` with `recipe` ({"bands", "min", "max"}, optional "gamma", "colormap",
    "scale": see annotator.imagery.recipe) as PNG or WEBP bytes, RGBA,
    TILE_SIZE x TILE_SIZE.

    Raises InvalidTile (malformed address), TileOutsideBounds (the tile misses the image), InvalidRecipe,
    InvalidRaster (the COG cannot be read).
    """
    tile_check(z, x, y, fmt)
    bands = list(recipe.get("bands") or [])
    if len(bands) not in (1, 3) or len(recipe.get("min", ())) != len(bands) or len(recipe.get("max", ())) != len(bands):
        raise InvalidRecipe("The scene's render recipe is incomplete (bands, min, max).")
    try:
        with POOL.reader(path) as reader, cog_env():
            img = reader.tile(x, y, z, tilesize=TILE_SIZE, indexes=bands)
    except RioTileOutsideBounds as exc:
        raise TileOutsideBounds(f"Tile {z}/{x}/{y} is outside the scene.") from exc
    except (RasterioError, RioTilerError) as exc:
        raise ImageryError(f"Reading tile {z}/{x}/{y} failed: {exc}") from exc
    rgb = recipe_apply(img.array.data, recipe)
    image_format = FORMATS[fmt]
    return render(rgb, _alpha(img), img_format=image_format, **_ENCODE_OPTIONS[image_format])


PREVIEW_MAX_SIZE = 1024


def render_preview(path: str | os.PathLike, recipe: dict, *, max_size: int = 512, fmt: str = "png") -> bytes:
    """The whole scene at most `max_size` pixels on its longest side (from the overview that fits), drawn with
    `recipe`, as PNG or WEBP bytes, RGBA (transparent at nodata): what the recipe editor shows before saving."""
    if fmt not in FORMATS:
        raise InvalidTile(f"Unknown image format {fmt!r}; use png or webp.")
    if not 16 <= max_size <= PREVIEW_MAX_SIZE:
        raise InvalidTile(f"A preview is 16 to {PREVIEW_MAX_SIZE} pixels on its longest side.")
    bands = list(recipe.get("bands") or [])
    try:
        with POOL.reader(path) as reader, cog_env():
            img = reader.preview(indexes=bands, max_size=max_size)
    except (RasterioError, RioTilerError) as exc:
        raise ImageryError(f"Reading the preview failed: {exc}") from exc
    image_format = FORMATS[fmt]
    return render(recipe_apply(img.array.data, recipe), _alpha(img), img_format=image_format,
                  **_ENCODE_OPTIONS[image_format])


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
