"""Complex-valued (SAR) rasters to amplitude in decibels, streamed block by block.

A single-look complex pixel z = re + i·im carries amplitude |z|. GeoLoop stores

    amplitude_dB = 20·log10(|z|) = 10·log10(|z|²) = 10·log10(re² + im²)

as float32: both forms are the same number (the amplitude-in-dB of |z| equals the power-in-dB of |z|²). We compute
it from the power re² + im² because that needs no square root, in float64 per block so that complex_int16 and
large complex64 values neither overflow nor lose precision, then round to float32. Decibels compress the
five-orders-of-magnitude dynamic range of radar backscatter into a few tens of units a linear stretch can show.
A pixel of zero amplitude (log of 0 is -∞), a pixel the source marks as nodata or masked, and a non-finite pixel
become nodata (`DB_NODATA`, far outside any real dB value).

The conversion reads and writes windows of at most `WINDOW` x `WINDOW` pixels (aligned on the source's blocks), so
memory stays bounded whatever the raster's size; the source is opened through the imagery guard (allow-listed
drivers, nothing outside the file, header limits) by the caller.
"""

from __future__ import annotations

import math
import os
import warnings

import numpy as np
import rasterio
from rasterio.windows import Window

COMPLEX_DTYPES = ("complex_int16", "complex64", "complex128")
DB_NODATA = -9999.0
WINDOW = 1024
SAR_TAG = "GEOLOOP_SAR"  # dataset tag written on converted rasters: "amplitude_db"
SAR_AMPLITUDE_DB = "amplitude_db"


def is_complex(dtype: str) -> bool:
    return dtype in COMPLEX_DTYPES or dtype.startswith("complex") or dtype.startswith("cint") or \
        dtype.startswith("cfloat")


def amplitude_db(z: np.ndarray, invalid: np.ndarray | None = None) -> np.ndarray:
    """float32 amplitude in dB of complex samples `z` (20·log10|z|, computed as 10·log10(re² + im²)); zero
    amplitude, non-finite samples and `invalid` (True = not data) become DB_NODATA."""
    re = z.real.astype("float64", copy=False)
    im = z.imag.astype("float64", copy=False)
    power = re * re + im * im
    bad = ~np.isfinite(power) | (power <= 0)
    if invalid is not None:
        bad |= invalid
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 10.0 * np.log10(np.where(bad, 1.0, power))
    out = out.astype("float32")
    out[bad] = DB_NODATA
    return out


def _step(block: int) -> int:
    """A window side: a whole number of blocks up to WINDOW, or WINDOW when one block is larger (strips)."""
    return block * max(1, WINDOW // block) if block <= WINDOW else WINDOW


def _windows(width: int, height: int, block: tuple[int, int]):
    step_h, step_w = _step(block[0]), _step(block[1])
    for row in range(0, height, step_h):
        for col in range(0, width, step_w):
            yield Window(col, row, min(step_w, width - col), min(step_h, height - row))


def complex_to_db(src, dst_path: str | os.PathLike, progress=None) -> None:
    """Write the amplitude in dB of every band of the open complex dataset `src` to a tiled float32 GeoTIFF at
    `dst_path` (same grid, CRS and band count; nodata DB_NODATA; tagged GEOLOOP_SAR=amplitude_db), one window at a
    time. `progress(fraction)` is called as windows are done."""
    profile = {
        "driver": "GTiff", "width": src.width, "height": src.height, "count": src.count, "dtype": "float32",
        "crs": src.crs, "transform": src.transform, "nodata": DB_NODATA, "tiled": True, "blockxsize": 512,
        "blockysize": 512, "compress": "deflate", "predictor": 3, "zlevel": 1, "BIGTIFF": "IF_SAFER",
    }
    source_nodata = src.nodata
    windows = list(_windows(src.width, src.height, src.block_shapes[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rasterio.open(dst_path, "w", **profile) as dst:
            for index, window in enumerate(windows):
                data = src.read(window=window, out_dtype="complex64" if src.dtypes[0] == "complex_int16" else None)
                masks = src.read_masks(window=window)
                for band in range(src.count):
                    invalid = masks[band] == 0
                    if source_nodata is not None and not (isinstance(source_nodata, float)
                                                          and math.isnan(source_nodata)):
                        invalid |= data[band] == source_nodata
                    dst.write(amplitude_db(data[band], invalid), band + 1, window=window)
                if progress is not None:
                    progress((index + 1) / len(windows))
            dst.update_tags(**{SAR_TAG: SAR_AMPLITUDE_DB, "GEOLOOP_SAR_SOURCE_DTYPE": src.dtypes[0]})
            for band in range(src.count):
                dst.set_band_description(band + 1, f"amplitude dB (band {band + 1} of {src.dtypes[0]})")
