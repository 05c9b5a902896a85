"""Render recipes: which bands make the red, green and blue of a tile (or one band shown grey), and the min/max of
each that is stretched to 0..255.

A recipe is plain JSON: {"bands": [4, 3, 2], "min": [m1, m2, m3], "max": [M1, M2, M3]} (band numbers start at 1;
one band, or three). The default stretches each band from its 2nd to its 98th percentile, measured on an overview.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Sequence

import numpy as np

from annotator.imagery.errors import InvalidRecipe
from annotator.imagery.guard import NO_SIZE_LIMITS, raster_open

PERCENTILES = (2.0, 98.0)
STATS_MAX_SIZE = 1024


def default_bands(band_count: int) -> list[int]:
    """Bands 1-2-3 when there are at least three, else band 1 as grey."""
    return [1, 2, 3] if band_count >= 3 else [1]


def band_percentiles(path: str | os.PathLike, bands: Sequence[int],
                     percentiles: tuple[float, float] = PERCENTILES) -> tuple[list[float], list[float]]:
    """Per-band low/high percentiles of the valid pixels (not nodata, not masked, finite), read from the overview
    whose longest side is nearest `STATS_MAX_SIZE` pixels."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with raster_open(path, limits=NO_SIZE_LIMITS) as dataset:  # a COG GeoLoop wrote; the read is bounded
            scale = max(dataset.width, dataset.height) / STATS_MAX_SIZE
            height = max(1, round(dataset.height / scale)) if scale > 1 else dataset.height
            width = max(1, round(dataset.width / scale)) if scale > 1 else dataset.width
            data = dataset.read(list(bands), out_shape=(len(bands), height, width), masked=True)
    lows: list[float] = []
    highs: list[float] = []
    for band in data:
        values = band.compressed().astype("float64")
        values = values[np.isfinite(values)]
        if values.size == 0:
            low, high = 0.0, 1.0
        else:
            low, high = (float(v) for v in np.percentile(values, percentiles))
        if not high > low:
            high = low + 1.0
        lows.append(_tidy(low))
        highs.append(_tidy(high))
    return lows, highs


def _tidy(value: float) -> float:
    return float(f"{value:.6g}")


def recipe_default(path: str | os.PathLike, *, band_count: int, bands: Sequence[int] | None = None) -> dict:
    """The default recipe of a COG: 2-98 percentile stretch of bands 1-2-3 (or the given bands, or band 1 grey)."""
    chosen = list(bands) if bands else default_bands(band_count)
    _check_bands(chosen, band_count)
    lows, highs = band_percentiles(path, chosen)
    return {"bands": chosen, "min": lows, "max": highs}


def _check_bands(bands, band_count: int) -> list[int]:
    if not isinstance(bands, list | tuple) or len(bands) not in (1, 3):
        raise InvalidRecipe("`bands` must list one band (grey) or three (red, green, blue).")
    for band in bands:
        if isinstance(band, bool) or not isinstance(band, int):
            raise InvalidRecipe(f"Band numbers are integers; got {band!r}.")
        if not 1 <= band <= band_count:
            raise InvalidRecipe(f"Band {band} does not exist; this scene has bands 1 to {band_count}.")
    return list(bands)


def _check_numbers(name: str, values, count: int) -> list[float]:
    if not isinstance(values, list | tuple) or len(values) != count:
        raise InvalidRecipe(f"`{name}` must list {count} number{'s' if count > 1 else ''}, one per band.")
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidRecipe(f"`{name}` values must be finite numbers; got {value!r}.")
        out.append(float(value))
    return out


def recipe_validate(recipe: dict, *, band_count: int) -> dict:
    """Check a complete recipe against a scene with `band_count` bands; return it normalised."""
    if not isinstance(recipe, dict):
        raise InvalidRecipe("A render recipe is an object with `bands`, `min` and `max`.")
    unknown = set(recipe) - {"bands", "min", "max"}
    if unknown:
        raise InvalidRecipe(f"Unknown recipe keys: {', '.join(sorted(unknown))}; use bands, min, max.")
    bands = _check_bands(recipe.get("bands"), band_count)
    lows = _check_numbers("min", recipe.get("min"), len(bands))
    highs = _check_numbers("max", recipe.get("max"), len(bands))
    for band, low, high in zip(bands, lows, highs, strict=True):
        if not high > low:
            raise InvalidRecipe(f"Band {band}: max ({high:g}) must be greater than min ({low:g}).")
    return {"bands": bands, "min": lows, "max": highs}


def recipe_merge(path: str | os.PathLike, *, current: dict, changes: dict, band_count: int) -> dict:
    """Apply a partial edit. Changing `bands` without giving `min`/`max` measures the new bands' percentiles."""
    if not isinstance(changes, dict):
        raise InvalidRecipe("A render recipe is an object with `bands`, `min` and `max`.")
    unknown = set(changes) - {"bands", "min", "max"}
    if unknown:
        raise InvalidRecipe(f"Unknown recipe keys: {', '.join(sorted(unknown))}; use bands, min, max.")
    if "bands" in changes and changes["bands"] != current.get("bands"):
        bands = _check_bands(changes["bands"], band_count)
        measured = recipe_default(path, band_count=band_count, bands=bands)
        merged = {**measured, **{key: changes[key] for key in ("min", "max") if key in changes}}
    else:
        merged = {**current, **changes}
    return recipe_validate(merged, band_count=band_count)
