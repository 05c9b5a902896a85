"""Read one embedding window's RGB image from a scene's COG, at the window's scale, with the render recipe.

A render recipe is ``{"bands": [r, g, b] | [grey], "min": [...], "max": [...]}``: 1-based band indexes and, per
band, the source values mapped linearly to 0 and 255 (clipped). One band is replicated to grey RGB.

Reads go through rasterio with ``out_shape`` so GDAL picks the COG overview that matches the window's scale;
reads are boundless, filled with 0 (black) outside the scene.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.io import DatasetReader
from rasterio.windows import Window as RasterWindow

from inference.errors import ImageryError
from inference.windows import Window


@dataclass(frozen=True, eq=False)
class WindowImage:
    """A window read from a scene.

    rgb: uint8 ``(size, size, 3)``; transform: window pixels -> scene CRS; crs: the scene CRS.
    """

    window: Window
    rgb: np.ndarray
    transform: Affine
    crs: CRS


def validate_recipe(recipe: Mapping, *, band_count: int) -> dict:
    """Check a render recipe against a scene with ``band_count`` bands; return it normalised.

    Raises :class:`ImageryError` naming what is wrong.
    """
    try:
        bands = [int(b) for b in recipe["bands"]]
        lo = [float(v) for v in recipe["min"]]
        hi = [float(v) for v in recipe["max"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ImageryError(f"render recipe needs bands, min and max lists: {recipe!r}") from exc
    if len(bands) not in (1, 3):
        raise ImageryError(f"render recipe needs 1 or 3 bands, got {bands}")
    if not all(1 <= b <= band_count for b in bands):
        raise ImageryError(f"render recipe bands {bands} outside 1..{band_count}")
    if len(lo) != len(bands) or len(hi) != len(bands):
        raise ImageryError("render recipe min/max must have one value per band")
    if any(h <= lo_ for lo_, h in zip(lo, hi, strict=True)):
        raise ImageryError(f"render recipe max must exceed min: min={lo} max={hi}")
    # the look options (gamma, colour ramp, dB scale) checked by annotator.imagery.recipe when the recipe was saved
    looks = {key: recipe[key] for key in ("gamma", "colormap", "scale") if recipe.get(key) is not None}
    return {"bands": bands, "min": lo, "max": hi, **looks}


def apply_recipe(data: np.ndarray, recipe: Mapping) -> np.ndarray:
    """Stretch ``(B, H, W)`` band data (B = len(recipe bands)) to uint8 ``(H, W, 3)``. A recipe with gamma, a colour
    ramp or a dB scale is drawn exactly as its tiles are (annotator.imagery.tiles.recipe_apply)."""
    if any(recipe.get(key) for key in ("gamma", "colormap", "scale")):
        from annotator.imagery.tiles import recipe_apply

        return np.ascontiguousarray(recipe_apply(data, dict(recipe)).transpose(1, 2, 0))
    lo = np.asarray(recipe["min"], dtype=np.float32)[:, None, None]
    hi = np.asarray(recipe["max"], dtype=np.float32)[:, None, None]
    scaled = (data.astype(np.float32) - lo) * (255.0 / (hi - lo))
    out = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    if out.shape[0] == 1:
        out = np.repeat(out, 3, axis=0)
    return np.ascontiguousarray(out.transpose(1, 2, 0))


def _resampling(level: int) -> Resampling:
    if level < 0:
        return Resampling.bilinear  # zoomed in: upsample smoothly
    if level > 0:
        return Resampling.average  # overviews: average, like the COG's own
    return Resampling.nearest  # native: one source pixel per window pixel, no resampling


def _open(src: str | os.PathLike[str] | DatasetReader):
    if isinstance(src, DatasetReader):
        return src, False
    try:
        return rasterio.open(src), True
    except rasterio.errors.RasterioIOError as exc:
        raise ImageryError(f"cannot open scene imagery {src}: {exc}") from exc


def read_window(src: str | os.PathLike[str] | DatasetReader, window: Window, recipe: Mapping) -> WindowImage:
    """Read ``window`` from ``src`` (path or open dataset) as uint8 RGB with ``recipe`` applied.

    Window pixel (u, v) covers scene pixels ``window.origin + (u, v) * window.scale``; pixels outside the
    scene are 0.
    """
    ds, owned = _open(src)
    try:
        rec = validate_recipe(recipe, band_count=ds.count)
        x0, y0 = window.origin
        ext = window.extent
        try:
            data = ds.read(
                rec["bands"],
                window=RasterWindow(x0, y0, ext, ext),
                out_shape=(len(rec["bands"]), window.size, window.size),
                boundless=True,
                fill_value=0,
                resampling=_resampling(window.level),
            )
        except rasterio.errors.RasterioError as exc:
            raise ImageryError(f"cannot read window {window.key} from {ds.name}: {exc}") from exc
        if ds.nodata is not None:
            invalid = (data == ds.nodata).all(axis=0)
        else:
            invalid = None
        rgb = apply_recipe(data, rec)
        if invalid is not None:
            rgb[invalid] = 0
        return WindowImage(window=window, rgb=rgb, transform=window.geo_transform(ds.transform), crs=ds.crs)
    finally:
        if owned:
            ds.close()


def recipe_from_statistics(
    src: str | os.PathLike[str] | DatasetReader,
    *,
    bands: Sequence[int] | None = None,
    percentiles: tuple[float, float] = (2.0, 98.0),
    max_side: int = 1024,
) -> dict:
    """A render recipe from band percentiles over valid (non-nodata) pixels, read decimated to ``max_side``.

    ``bands`` defaults to [1, 2, 3] for scenes with 3+ bands and [1] otherwise; callers that know the band
    order pass it (e.g. [3, 2, 1] for blue-green-red-NIR imagery).
    """
    ds, owned = _open(src)
    try:
        if bands is None:
            bands = [1, 2, 3] if ds.count >= 3 else [1]
        bands = list(bands)
        factor = max(1, int(np.ceil(max(ds.width, ds.height) / max_side)))
        shape = (len(bands), max(1, ds.height // factor), max(1, ds.width // factor))
        data = ds.read(bands, out_shape=shape, resampling=Resampling.nearest, masked=True)
        lo, hi = [], []
        for band in data:
            values = band.compressed()
            if values.size == 0:
                raise ImageryError(f"band has no valid pixels in {ds.name}")
            a, b = np.percentile(values, percentiles)
            lo.append(float(a))
            hi.append(float(b) if b > a else float(a) + 1.0)
        return validate_recipe({"bands": bands, "min": lo, "max": hi}, band_count=ds.count)
    finally:
        if owned:
            ds.close()
