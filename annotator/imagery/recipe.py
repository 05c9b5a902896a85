"""Render recipes: which bands make the red, green and blue of a tile (or one band shown grey or through a colour
ramp), the min/max of each that is stretched to 0..255, a gamma, and whether values are shown in decibels.

A recipe is plain JSON:

    {"bands": [4, 3, 2], "min": [m1, m2, m3], "max": [M1, M2, M3],   # required; band numbers start at 1
     "gamma": [1.0, 1.0, 1.0],        # optional, one per band, 0.1..10: out = 255 * (s / 255) ** (1 / gamma),
                                      # so a gamma above 1 brightens the dark end
     "colormap": "viridis",           # optional, one band only: a rio-tiler colour map name (COLORMAPS)
     "scale": "db"}                   # optional, "linear" (default) or "db": values (power/intensity) are shown
                                      # as 10*log10(value), and min/max are in dB

The default stretches each band from its 2nd to its 98th percentile, measured on an overview (in dB with scale db).
`recipe_presets` lists the recipes that fit a scene (true colour, NIR false colour, single band with a ramp, SAR dB);
`band_histogram` gives a band's histogram for the editor.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from rasterio.errors import RasterioError

from annotator.imagery.errors import ImageryError, InvalidRecipe
from annotator.imagery.guard import NO_SIZE_LIMITS, OwnObjectPath, raster_open

PERCENTILES = (2.0, 98.0)
STATS_MAX_SIZE = 1024


def default_bands(band_count: int) -> list[int]:
    """Bands 1-2-3 when there are at least three, else band 1 as grey."""
    return [1, 2, 3] if band_count >= 3 else [1]


SCALES = ("linear", "db")
GAMMA_RANGE = (0.1, 10.0)
COLORMAPS = ("viridis", "magma", "inferno", "cividis", "terrain", "rdylgn", "spectral", "ylgn", "jet", "greys")
HISTOGRAM_BINS = 64
KEYS = {"bands", "min", "max", "gamma", "colormap", "scale"}


def to_db(values: np.ndarray) -> np.ndarray:
    """10*log10(values) for power/intensity values; values <= 0 become NaN (no dB)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 10.0 * np.log10(values.astype("float64", copy=False))
    out[~np.isfinite(out)] = np.nan
    return out


def _overview_valid(path: str | os.PathLike, bands: Sequence[int]) -> list[np.ndarray]:
    """Each band's valid values (not nodata, not masked, finite) as float64, read from the overview whose longest
    side is nearest `STATS_MAX_SIZE` pixels."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with raster_open(path, limits=NO_SIZE_LIMITS) as dataset:  # a COG GeoLoop wrote; the read is bounded
            scale = max(dataset.width, dataset.height) / STATS_MAX_SIZE
            height = max(1, round(dataset.height / scale)) if scale > 1 else dataset.height
            width = max(1, round(dataset.width / scale)) if scale > 1 else dataset.width
            data = dataset.read(list(bands), out_shape=(len(bands), height, width), masked=True)
    out = []
    for band in data:
        values = band.compressed().astype("float64")
        out.append(values[np.isfinite(values)])
    return out


def band_percentiles(path: str | os.PathLike, bands: Sequence[int],
                     percentiles: tuple[float, float] = PERCENTILES,
                     scale: str = "linear") -> tuple[list[float], list[float]]:
    """Per-band low/high percentiles of the valid pixels (not nodata, not masked, finite; in dB with scale db),
    read from the overview whose longest side is nearest `STATS_MAX_SIZE` pixels."""
    lows: list[float] = []
    highs: list[float] = []
    for values in _overview_valid(path, bands):
        if scale == "db":
            values = to_db(values)
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


def recipe_default(path: str | os.PathLike, *, band_count: int, bands: Sequence[int] | None = None,
                   scale: str = "linear") -> dict:
    """The default recipe of a COG: 2-98 percentile stretch of bands 1-2-3 (or the given bands, or band 1 grey)."""
    chosen = list(bands) if bands else default_bands(band_count)
    _check_bands(chosen, band_count)
    lows, highs = band_percentiles(path, chosen, scale=scale)
    recipe = {"bands": chosen, "min": lows, "max": highs}
    if scale != "linear":
        recipe["scale"] = scale
    return recipe


@lru_cache(maxsize=512)
def _histogram_cached(path: str, band: int, bins: int, scale: str, mtime_ns: int) -> dict:
    values = _overview_valid(path, [band])[0]
    if scale == "db":
        values = to_db(values)
        values = values[np.isfinite(values)]
    if values.size == 0:
        return {"band": band, "scale": scale, "edges": [0.0, 1.0], "counts": [0], "min": None, "max": None,
                "p2": None, "p98": None, "count": 0}
    low, high = (float(v) for v in np.percentile(values, (0.1, 99.9)))
    p2, p98 = (float(v) for v in np.percentile(values, PERCENTILES))
    if not high > low:
        high = low + 1.0
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    return {"band": band, "scale": scale, "edges": [_tidy(e) for e in edges], "counts": counts.tolist(),
            "min": _tidy(float(values.min())), "max": _tidy(float(values.max())), "p2": _tidy(p2),
            "p98": _tidy(p98), "count": int(values.size)}


def band_histogram(path: str | os.PathLike, *, band: int, band_count: int, bins: int = HISTOGRAM_BINS,
                   scale: str = "linear") -> dict:
    """A band's histogram over its 0.1-99.9 percentile range, from the overview nearest `STATS_MAX_SIZE` pixels:
    {"band", "scale", "edges" (bins + 1), "counts" (bins), "min", "max", "p2", "p98", "count"} (in dB with scale
    db). Cached per process by (file, band, bins, scale, modification time): a COG's content never changes under
    its name, and the cache follows a rewrite anyway."""
    _check_bands([band], band_count)
    if scale not in SCALES:
        raise InvalidRecipe(f"Unknown scale {scale!r}; use {', '.join(SCALES)}.")
    if not 4 <= bins <= 256:
        raise InvalidRecipe("bins must lie between 4 and 256.")
    path = os.fspath(path)
    return _histogram_cached(path, band, bins, scale, _version(path))


def _version(path: str) -> int:
    """What the per-process caches key a file's content by: a local file's modification time; an object in the
    media bucket never changes under its name (it carries the source's checksum)."""
    return 0 if isinstance(path, OwnObjectPath) else os.stat(path).st_mtime_ns


@lru_cache(maxsize=512)
def _colorinterp_cached(path: str, mtime_ns: int) -> tuple[str, ...]:
    with raster_open(path, limits=NO_SIZE_LIMITS) as dataset:
        return tuple(c.name for c in dataset.colorinterp)


def band_colorinterp(path: str | os.PathLike) -> list[str]:
    """What the file says each band is (red, green, blue, gray, undefined...), cached per file; [] when the
    file cannot be read."""
    path = os.fspath(path)
    try:
        return list(_colorinterp_cached(path, _version(path)))
    except (OSError, ImageryError, RasterioError):
        return []


def recipe_presets(*, band_count: int, dtype: str, radiometry: str = "",
                   colorinterp: Sequence[str] | None = None) -> list[dict]:
    """The presets that fit a scene, each {"name", "label", "changes"}: `changes` is a partial recipe for
    `recipe_merge` (min/max measured for the new bands). True colour takes the bands the file labels red, green and
    blue (else 1-2-3); NIR false colour (NIR, red, green) needs a 4th band (the first not labelled red/green/blue,
    else band 4); single band with a colour ramp; SAR dB: for complex SAR ingested as amplitude in dB a grey stretch
    of band 1; for other floating-point rasters (intensity, power) 10*log10 of the values."""
    names = [c.lower() for c in (colorinterp or [])]
    presets: list[dict] = []
    if band_count >= 3:
        rgb = [names.index(c) + 1 if c in names else i + 1 for i, c in enumerate(("red", "green", "blue"))]
        if len(set(rgb)) < 3:
            rgb = [1, 2, 3]
        presets.append({"name": "true_colour", "label": "True colour",
                        "changes": {"bands": rgb, "gamma": [1.0] * 3, "colormap": None, "scale": "linear"}})
        if band_count >= 4:
            others = [b for b in range(1, band_count + 1) if b not in rgb]
            nir = next((b for b in others if b <= len(names) and names[b - 1] in ("nir", "undefined", "gray")),
                       others[0] if others else 4)
            presets.append({"name": "nir_false_colour", "label": "NIR false colour (NIR, red, green)",
                            "changes": {"bands": [nir, rgb[0], rgb[1]], "gamma": [1.0] * 3, "colormap": None,
                                        "scale": "linear"}})
    presets.append({"name": "single_band_ramp", "label": "Single band, colour ramp",
                    "changes": {"bands": [1], "gamma": [1.0], "colormap": "viridis", "scale": "linear"}})
    if radiometry == "amplitude_db":
        presets.append({"name": "sar_db", "label": "SAR amplitude (dB)",
                        "changes": {"bands": [1], "gamma": [1.0], "colormap": None, "scale": "linear"}})
    elif dtype.startswith("float"):
        presets.append({"name": "sar_db", "label": "SAR intensity in dB (10·log10)",
                        "changes": {"bands": [1], "gamma": [1.0], "colormap": None, "scale": "db"}})
    return presets


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


def _unknown_check(recipe: dict) -> None:
    unknown = set(recipe) - KEYS
    if unknown:
        raise InvalidRecipe(f"Unknown recipe keys: {', '.join(sorted(unknown))}; use {', '.join(sorted(KEYS))}.")


def recipe_validate(recipe: dict, *, band_count: int) -> dict:
    """Check a complete recipe against a scene with `band_count` bands; return it normalised (gamma left out when
    every band's is 1, colormap when none, scale when linear, so that an unchanged look keeps its hash)."""
    if not isinstance(recipe, dict):
        raise InvalidRecipe("A render recipe is an object with `bands`, `min` and `max`.")
    _unknown_check(recipe)
    bands = _check_bands(recipe.get("bands"), band_count)
    lows = _check_numbers("min", recipe.get("min"), len(bands))
    highs = _check_numbers("max", recipe.get("max"), len(bands))
    for band, low, high in zip(bands, lows, highs, strict=True):
        if not high > low:
            raise InvalidRecipe(f"Band {band}: max ({high:g}) must be greater than min ({low:g}).")
    out: dict = {"bands": bands, "min": lows, "max": highs}
    gamma = recipe.get("gamma")
    if gamma is not None:
        gammas = _check_numbers("gamma", gamma, len(bands))
        if not all(GAMMA_RANGE[0] <= g <= GAMMA_RANGE[1] for g in gammas):
            raise InvalidRecipe(f"`gamma` values must lie between {GAMMA_RANGE[0]:g} and {GAMMA_RANGE[1]:g}.")
        if any(g != 1.0 for g in gammas):
            out["gamma"] = [_tidy(g) for g in gammas]
    colormap = recipe.get("colormap")
    if colormap is not None:
        if colormap not in COLORMAPS:
            raise InvalidRecipe(f"Unknown colour map {colormap!r}; use one of {', '.join(COLORMAPS)}.")
        if len(bands) != 1:
            raise InvalidRecipe("A colour map applies to one band; choose one band or drop the colour map.")
        out["colormap"] = colormap
    scale = recipe.get("scale", "linear")
    if scale not in SCALES:
        raise InvalidRecipe(f"Unknown scale {scale!r}; use {', '.join(SCALES)}.")
    if scale != "linear":
        out["scale"] = scale
    return out


def recipe_merge(path: str | os.PathLike, *, current: dict, changes: dict, band_count: int) -> dict:
    """Apply a partial edit. Changing `bands` without giving `min`/`max` measures the new bands' percentiles."""
    if not isinstance(changes, dict):
        raise InvalidRecipe("A render recipe is an object with `bands`, `min` and `max`.")
    _unknown_check(changes)
    merged = {**current, **changes}
    if "scale" in merged and merged["scale"] not in SCALES:
        raise InvalidRecipe(f"Unknown scale {merged['scale']!r}; use {', '.join(SCALES)}.")
    scale = merged.get("scale") or "linear"
    bands_changed = "bands" in changes and changes["bands"] != current.get("bands")
    scale_changed = scale != (current.get("scale") or "linear")
    if (bands_changed or scale_changed) and not ("min" in changes and "max" in changes):
        bands = _check_bands(merged.get("bands"), band_count)
        measured = recipe_default(path, band_count=band_count, bands=bands, scale=scale)
        merged = {**merged, "min": measured["min"], "max": measured["max"],
                  **{key: changes[key] for key in ("min", "max") if key in changes}}
        if "gamma" not in changes and isinstance(merged.get("gamma"), list) and len(merged["gamma"]) != len(bands):
            merged.pop("gamma")
        if "colormap" not in changes and merged.get("colormap") and len(bands) != 1:
            merged.pop("colormap")
    return recipe_validate({k: v for k, v in merged.items() if v is not None}, band_count=band_count)
