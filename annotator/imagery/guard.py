"""Open rasters someone else wrote without letting them reach anything but themselves, and refuse oversized ones
from their header before any pixel is read.

`raster_open(path, limits=...)` is the only way GeoLoop opens an uploaded or registered raster:

1. the path is a plain local file (no /vsi prefix, no URL, no `DRIVER:` subdataset syntax; symbolic links resolved);
2. its first bytes must be those of an allowed format (GeoTIFF): a VRT, netCDF, HDF, zip or ENVI file named `.tif`
   is refused before GDAL sees it;
3. GDAL opens it with the allowed drivers only, under `UNTRUSTED_OPTIONS` (no sidecars, no PAM, no network);
4. after the open it is checked again: the driver is allowed, the dataset's file list is the file itself (no
   sidecar, external overview or mask), there are no subdatasets and no external overview file named in metadata;
5. the header limits (`RasterLimits`) are checked: bands, pixels, decompressed bytes, block bytes, and the ratio of
   decompressed bytes to the file's size (a sparse or bomb-compressed file declaring gigapixels in kilobytes).

The one exception to rule 1: an `OwnObjectPath`, the /vsis3/ path of a COG in GeoLoop's own bucket, which only
`annotator.media.media_gdal_path` makes, from a storage key GeoLoop chose. It is opened over HTTP range requests in
`cog_env()` (the bucket's credentials), GTiff only, and checked after the open like any other file. A path that
arrives as text (an upload, a registration, an import) is never one.

No Django here: the limits come from the caller (services build them from settings).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
import rasterio
from rasterio.errors import NotGeoreferencedWarning, RasterioError

from annotator.imagery.errors import ExternalReference, FormatRefused, InvalidRaster, RasterTooLarge, UnsupportedRaster
from annotator.imagery.gdal_env import cog_env, untrusted_env

# Formats GeoLoop takes, by GDAL driver: the file signatures each may start with and its open options. GeoTIFF
# (COGs included) keeps its georeferencing inside the file; its georeferencing is read from the file only.
DRIVERS: dict[str, dict] = {
    "GTiff": {
        "magic": (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"),
        "open_options": {"GEOREF_SOURCES": "INTERNAL"},
    },
}
ALLOWED_DRIVERS = tuple(DRIVERS)

# What a refused file looks like, to say so in the refusal (first bytes, after leading blanks).
_LOOKS_LIKE = (
    (b"<VRTDataset", "a GDAL VRT (an XML file whose bands point at other files or URLs)"),
    (b"<OGRVRTDataSource", "an OGR VRT (an XML file that points at other files or URLs)"),
    (b"<", "an XML or HTML document"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x89HDF", "an HDF5/netCDF-4 file (it holds subdatasets)"),
    (b"\x0e\x03\x13\x01", "an HDF4 file (it holds subdatasets)"),
    (b"CDF\x01", "a netCDF file (it can hold subdatasets)"),
    (b"CDF\x02", "a netCDF file (it can hold subdatasets)"),
    (b"ENVI", "an ENVI header (it points at a separate data file)"),
    (b"BYTEORDER", "an EHdr/BIL header (it points at a separate data file)"),
    (b"\x89PNG", "a PNG image (it needs a world-file sidecar to be placed on a map)"),
    (b"\xff\xd8\xff", "a JPEG image (it needs a world-file sidecar to be placed on a map)"),
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"),
    (b"SQLite format 3", "an SQLite database or GeoPackage"),
    (b"{", "a JSON document"),
)
_GDAL_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_]*:")  # GTIFF_DIR:, NETCDF:"...", HDF5:, a URL scheme...
MAGIC_BYTES = 64


class OwnObjectPath(str):
    """The /vsis3/ path of a COG in GeoLoop's own bucket (see the module docstring); made by annotator.media only."""

    __slots__ = ()


@dataclass(frozen=True)
class RasterLimits:
    """Header limits, checked before any pixel is read. `max_ratio`: decompressed bytes over file bytes, checked only
    once the decompressed size passes `ratio_free_bytes` (small rasters may compress as well as they like); 0
    switches a limit off."""

    max_pixels: int = 1_000_000_000
    max_bands: int = 256
    max_bytes: int = 16 * 1024**3
    max_block_bytes: int = 256 * 1024**2
    max_ratio: float = 1000.0
    ratio_free_bytes: int = 256 * 1024**2


DEFAULT_LIMITS = RasterLimits()
NO_SIZE_LIMITS = RasterLimits(max_pixels=0, max_bands=0, max_bytes=0, max_block_bytes=0, max_ratio=0)


def _looks_like(head: bytes) -> str:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    for magic, words in _LOOKS_LIKE:
        if stripped.startswith(magic):
            return words
    return ""


def _local_file(path: str | os.PathLike, name: str) -> str:
    """The real path of a plain local file, or ExternalReference/InvalidRaster."""
    text = os.fspath(path)
    if not isinstance(text, str) or "\x00" in text:
        raise ExternalReference(f"{name}: not a local file path.")
    if text.startswith("/vsi") or _GDAL_PREFIX.match(text):
        raise ExternalReference(f"{name}: GeoLoop opens local files only, not GDAL virtual file systems, URLs or "
                                "subdataset names.")
    real = os.path.realpath(text)
    if real.startswith("/vsi"):
        raise ExternalReference(f"{name}: GeoLoop opens local files only, not GDAL virtual file systems.")
    if not os.path.isfile(real):
        raise InvalidRaster(f"{name} is not a file.")
    return real


def _driver_for(real: str, name: str, drivers: tuple[str, ...]) -> list[str]:
    with open(real, "rb") as handle:
        head = handle.read(MAGIC_BYTES)
    if not head:
        raise InvalidRaster(f"{name} is empty.")
    matching = [d for d in drivers if any(head.startswith(m) for m in DRIVERS.get(d, {}).get("magic", ()))]
    if not matching:
        if head.startswith((b"II", b"MM")) and len(head) >= 4:
            raise InvalidRaster(f"{name} is not a raster GDAL can read (its TIFF header is malformed).")
        looks = _looks_like(head)
        what = f"it looks like {looks}" if looks else "its first bytes are not a TIFF header"
        raise FormatRefused(f"{name} is not a raster GeoLoop takes ({what}); GeoLoop takes GeoTIFF (Cloud-Optimized "
                            "or not) only, as a single self-contained file.", extra={"format": looks or "unknown"})
    return matching


def raster_recheck(dataset, real: str, name: str, drivers: tuple[str, ...] = ALLOWED_DRIVERS) -> None:
    """After an open: the dataset is what the allow-list says and reaches no other file."""
    if dataset.driver not in drivers:
        raise FormatRefused(f"{name} was opened as {dataset.driver}, which is not an allowed format.")
    if dataset.subdatasets:
        raise ExternalReference(f"{name} holds several images (subdatasets); GeoLoop takes one image per file.")
    if dataset.tags(ns="OVERVIEWS"):
        raise ExternalReference(f"{name} names an external overview file; GeoLoop takes self-contained files only.")
    dataset.overviews(1)  # make GDAL look for external overviews and masks now, so the file list below shows them
    dataset.mask_flag_enums  # noqa: B018
    files = [os.path.realpath(f) for f in (dataset.files or [])]
    others = sorted({os.path.basename(f) for f in files if f != real})
    if files != [real]:
        raise ExternalReference(f"{name} reads other files ({', '.join(others) or 'none of its own'}); GeoLoop takes "
                                "self-contained files only.", extra={"files": others})


def _sample_bytes(dtype: str) -> int:
    return int(np.dtype(dtype).itemsize) if not dtype.startswith("complex_int") else 4


def raster_limits_check(dataset, name: str, limits: RasterLimits, file_bytes: int) -> None:
    """Refuse from the header alone: too many bands (UnsupportedRaster), pixels, decompressed bytes, block bytes or
    compression (RasterTooLarge)."""
    bands, width, height = dataset.count, dataset.width, dataset.height
    if limits.max_bands and bands > limits.max_bands:
        raise UnsupportedRaster(f"{name} has {bands} bands; at most {limits.max_bands} are supported.",
                                extra={"reason": "too_many_bands", "limit": limits.max_bands, "value": bands})
    pixels = width * height
    if limits.max_pixels and pixels > limits.max_pixels:
        raise RasterTooLarge(f"{name} declares {width:,} x {height:,} pixels ({pixels:,}); the limit is "
                             f"{limits.max_pixels:,} pixels. Cut it into smaller files first.",
                             extra={"reason": "too_many_pixels", "limit": limits.max_pixels, "value": pixels})
    sample = sum(_sample_bytes(dtype) for dtype in dataset.dtypes)
    size = pixels * sample
    if limits.max_bytes and size > limits.max_bytes:
        raise RasterTooLarge(f"{name} decompresses to {size:,} bytes ({width:,} x {height:,} pixels, {bands} "
                             f"band(s)); the limit is {limits.max_bytes:,} bytes.",
                             extra={"reason": "decompressed_too_large", "limit": limits.max_bytes, "value": size})
    block_h, block_w = dataset.block_shapes[0] if dataset.block_shapes else (height, width)
    block = min(block_h, height) * min(block_w, width) * sample
    if limits.max_block_bytes and block > limits.max_block_bytes:
        raise RasterTooLarge(f"{name} stores its pixels in blocks of {block_w:,} x {block_h:,} ({block:,} bytes "
                             f"each); the limit is {limits.max_block_bytes:,} bytes per block. Write it tiled "
                             "(e.g. gdal_translate -co TILED=YES).",
                             extra={"reason": "block_too_large", "limit": limits.max_block_bytes, "value": block})
    if limits.max_ratio and size > limits.ratio_free_bytes and size > limits.max_ratio * max(file_bytes, 1):
        ratio = size / max(file_bytes, 1)
        raise RasterTooLarge(f"{name} is {file_bytes:,} bytes on disk but declares {size:,} bytes of pixels (a "
                             f"ratio of {ratio:,.0f}; the limit is {limits.max_ratio:,.0f}): mostly empty or "
                             "forged. Refused before reading it.",
                             extra={"reason": "compression_ratio", "limit": limits.max_ratio, "value": round(ratio)})


@contextmanager
def raster_open(path: str | os.PathLike, *, limits: RasterLimits = DEFAULT_LIMITS,
                drivers: tuple[str, ...] = ALLOWED_DRIVERS, name: str | None = None,
                **open_options) -> Iterator[rasterio.io.DatasetReader]:
    """Open an untrusted raster for reading (see the module docstring); the dataset is used inside GDAL's untrusted
    environment. Raises FormatRefused, ExternalReference, RasterTooLarge, UnsupportedRaster or InvalidRaster."""
    name = name or os.path.basename(os.fspath(path))
    if isinstance(path, OwnObjectPath):
        with _own_object_open(path, name=name, limits=limits, **open_options) as dataset:
            yield dataset
        return
    real = _local_file(path, name)
    candidates = _driver_for(real, name, tuple(drivers))
    file_bytes = os.path.getsize(real)
    with untrusted_env(), warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        dataset = None
        failure: Exception | None = None
        for driver in candidates:
            try:
                dataset = rasterio.open(real, driver=driver,
                                        **{**DRIVERS[driver].get("open_options", {}), **open_options})
                break
            except (RasterioError, OSError) as exc:
                failure = exc
        if dataset is None:
            raise InvalidRaster(f"{name} is not a raster GDAL can read ({first_line(failure)}).") from failure
        with dataset:
            raster_recheck(dataset, real, name, tuple(drivers))
            raster_limits_check(dataset, name, limits, file_bytes)
            yield dataset


@contextmanager
def _own_object_open(path: OwnObjectPath, *, name: str, limits: RasterLimits,
                     **open_options) -> Iterator[rasterio.io.DatasetReader]:
    """A COG in GeoLoop's own bucket: GTiff only, checked after the open; the size ratio is not checked (the
    object's size is not known without another request, and GeoLoop wrote the file after checking its source)."""
    driver = "GTiff"
    with cog_env(), warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        try:
            dataset = rasterio.open(str(path), driver=driver, **{**DRIVERS[driver]["open_options"], **open_options})
        except (RasterioError, OSError) as exc:
            raise InvalidRaster(f"{name} cannot be read from the media bucket ({first_line(exc)}).") from exc
        with dataset:
            raster_recheck(dataset, str(path), name, (driver,))
            raster_limits_check(dataset, name, replace(limits, max_ratio=0), 0)
            yield dataset


def first_line(exc: BaseException | None) -> str:
    """The most telling line of a GDAL error: rasterio often wraps the real one ("See previous exception")."""
    if exc is None:
        return "no reason given"
    while "previous exception" in str(exc) and (inner := exc.__cause__ or exc.__context__) is not None:
        exc = inner
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
