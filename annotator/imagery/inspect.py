"""Validate a raster and describe it: `inspect_raster(path) -> RasterInfo`, or an `InvalidRaster` whose message
says what is wrong in words a person can act on."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from pyproj import Geod
from rasterio.enums import ColorInterp, MaskFlags
from rasterio.errors import RasterioError
from rasterio.warp import transform as warp_transform
from rasterio.windows import Window

from annotator.imagery.errors import InvalidRaster, UnsupportedRaster
from annotator.imagery.guard import DEFAULT_LIMITS, RasterLimits, first_line, raster_open
from annotator.imagery.sar import SAR_AMPLITUDE_DB, SAR_TAG, is_complex

SUPPORTED_DTYPES = ("uint8", "uint16", "int16", "float32", "float64")
COMPLEX_SUPPORTED = ("complex_int16", "complex64", "complex128")  # ingested as float32 amplitude in dB
FOOTPRINT_POINTS_PER_EDGE = 16
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class RasterInfo:
    """What GeoLoop records about a raster.

    crs: "EPSG:<code>" when the CRS has one, else its WKT. transform: GDAL geotransform (c, a, b, f, d, e).
    footprint: closed ring of (lon, lat) in EPSG:4326, edges densified. bounds: (minlon, minlat, maxlon, maxlat).
    band_count: data bands (an alpha band is not counted; `has_alpha` says it is there). gsd: metres per pixel.
    radiometry: "complex" for complex-valued (SAR) samples (ingested as amplitude in dB), "amplitude_db" for a
    raster GeoLoop converted so, "" otherwise.
    """

    crs: str
    width: int
    height: int
    band_count: int
    dtype: str
    nodata: float | None
    has_alpha: bool
    has_mask: bool
    gsd: float
    transform: tuple[float, float, float, float, float, float]
    footprint: tuple[tuple[float, float], ...]
    bounds: tuple[float, float, float, float]
    overview_count: int
    radiometry: str = ""

    @property
    def footprint_geojson(self) -> dict:
        return {"type": "Polygon", "coordinates": [[list(point) for point in self.footprint]]}


def crs_string(crs) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


def _last_block_window(width: int, height: int, block: tuple[int, int]) -> Window:
    block_h, block_w = block
    col = (math.ceil(width / block_w) - 1) * block_w
    row = (math.ceil(height / block_h) - 1) * block_h
    return Window(col, row, width - col, height - row)


def _check_blocks(dataset, *, read_all: bool) -> None:
    """Read the first and last block of every band at full resolution and at every overview (or every block when
    `read_all`): a truncated TIFF fails here rather than halfway through an ingestion."""
    indexes = list(dataset.indexes)
    if read_all:
        for _, window in dataset.block_windows(1):
            dataset.read(indexes, window=window)
        return
    block = dataset.block_shapes[0]
    dataset.read(indexes, window=Window(0, 0, min(block[1], dataset.width), min(block[0], dataset.height)))
    dataset.read(indexes, window=_last_block_window(dataset.width, dataset.height, block))


def _check_overviews(path: str, count: int, name: str) -> None:
    """Read the last block of each internal overview level."""
    for level in range(count):
        with raster_open(path, name=name, overview_level=level) as overview:
            block = overview.block_shapes[0]
            overview.read(list(overview.indexes),
                          window=_last_block_window(overview.width, overview.height, block))


def _gsd_metres(crs, transform, width: int, height: int) -> float:
    res_x, res_y = abs(transform.a), abs(transform.e)
    if crs.is_geographic:
        lon, lat = transform @ (width / 2, height / 2)
        _, _, dx = _GEOD.inv(lon, lat, lon + res_x, lat)
        _, _, dy = _GEOD.inv(lon, lat, lon, lat + res_y)
        return float((abs(dx) + abs(dy)) / 2)
    factor = crs.linear_units_factor[1] if crs.is_projected else 1.0
    return float((res_x + res_y) / 2 * factor)


def footprint_lonlat(crs, transform, width: int, height: int,
                     points_per_edge: int = FOOTPRINT_POINTS_PER_EDGE) -> tuple[tuple[float, float], ...]:
    """The image outline in EPSG:4326, each edge cut into `points_per_edge` segments, as a closed ring
    (counter-clockwise, RFC 7946)."""
    n = points_per_edge
    cols: list[float] = []
    rows: list[float] = []
    corners = [(0, height), (width, height), (width, 0), (0, 0)]  # counter-clockwise on the map (north up)
    for (c0, r0), (c1, r1) in zip(corners, corners[1:] + corners[:1], strict=True):
        for i in range(n):
            cols.append(c0 + (c1 - c0) * i / n)
            rows.append(r0 + (r1 - r0) * i / n)
    xs, ys = zip(*(transform @ (c, r) for c, r in zip(cols, rows, strict=True)), strict=True)
    lons, lats = warp_transform(crs, "EPSG:4326", list(xs), list(ys))
    if not all(math.isfinite(v) for v in (*lons, *lats)):
        raise InvalidRaster("The image corners cannot be located on the globe (its CRS does not transform to "
                            "longitude/latitude over the whole image).")
    ring = [(round(lon, 9), round(lat, 9)) for lon, lat in zip(lons, lats, strict=True)]
    return (*ring, ring[0])


def inspect_raster(path: str | os.PathLike, *, read_all: bool = False, limits: RasterLimits = DEFAULT_LIMITS,
                   name: str | None = None) -> RasterInfo:
    """Open `path` through the guard (allowed drivers only, nothing outside the file, header limits), check it is a
    georeferenced north-up raster GeoLoop can show, and describe it.

    Raises InvalidRaster (or a narrower UnsupportedRaster, FormatRefused, ExternalReference, RasterTooLarge) with a
    reason: not a raster, not an allowed format, reaches other files, too large, truncated, no georeferencing,
    rotated or sheared grid, unsupported data type (complex-valued SAR is accepted: see `radiometry`).
    """
    path = os.fspath(path)
    name = name or os.path.basename(path)
    try:
        with raster_open(path, limits=limits, name=name) as dataset:
            info = _describe(dataset, name)
            try:
                _check_blocks(dataset, read_all=read_all)
                _check_overviews(path, len(dataset.overviews(1)), name)
            except RasterioError as exc:
                raise InvalidRaster(f"{name} is damaged or truncated: reading its pixels failed "
                                    f"({first_line(exc)}).") from exc
            return info
    except InvalidRaster:
        raise
    except (RasterioError, OSError) as exc:
        raise InvalidRaster(f"{name} is not a raster GDAL can read ({first_line(exc)}).") from exc


def _describe(dataset, name: str) -> RasterInfo:
    if dataset.count < 1:
        raise InvalidRaster(f"{name} has no bands.")
    dtype = dataset.dtypes[0]
    if len(set(dataset.dtypes)) > 1:
        raise UnsupportedRaster(f"{name} mixes data types across bands ({', '.join(sorted(set(dataset.dtypes)))}).")
    complex_valued = is_complex(dtype)
    if complex_valued and dtype not in COMPLEX_SUPPORTED:
        raise UnsupportedRaster(f"{name} has complex data type {dtype}; GeoLoop converts "
                                f"{', '.join(COMPLEX_SUPPORTED)} to amplitude in dB.")
    if not complex_valued and dtype not in SUPPORTED_DTYPES:
        raise UnsupportedRaster(f"{name} has data type {dtype}; GeoLoop reads "
                                f"{', '.join(SUPPORTED_DTYPES + COMPLEX_SUPPORTED)}.")
    if dataset.crs is None:
        if dataset.gcps[0]:
            raise InvalidRaster(f"{name} is georeferenced only by ground control points; warp it onto a map grid "
                                "first (gdalwarp).")
        raise InvalidRaster(f"{name} has no georeferencing (no coordinate reference system).")
    transform = dataset.transform
    if transform.is_identity:
        raise InvalidRaster(f"{name} has no georeferencing (no geotransform).")
    if transform.b != 0 or transform.d != 0:
        raise InvalidRaster(f"{name} has a rotated or sheared grid; GeoLoop needs a north-up image. "
                            "Warp it first (gdalwarp).")
    if transform.a <= 0 or transform.e >= 0:
        raise InvalidRaster(f"{name} is not north-up (its pixel size signs are unusual); warp it first.")
    colorinterp = dataset.colorinterp
    has_alpha = dataset.count > 1 and colorinterp[-1] == ColorInterp.alpha
    band_count = dataset.count - 1 if has_alpha else dataset.count
    has_mask = any(MaskFlags.per_dataset in flags for flags in dataset.mask_flag_enums) and not has_alpha
    try:
        footprint = footprint_lonlat(dataset.crs, transform, dataset.width, dataset.height)
    except RasterioError as exc:
        raise InvalidRaster(f"{name}: its CRS cannot be transformed to longitude/latitude ({first_line(exc)})."
                            ) from exc
    lons = [p[0] for p in footprint]
    lats = [p[1] for p in footprint]
    nodata = dataset.nodata
    if nodata is not None and math.isnan(nodata):
        nodata = None if dtype not in ("float32", "float64") else float("nan")
    return RasterInfo(
        crs=crs_string(dataset.crs),
        width=dataset.width,
        height=dataset.height,
        band_count=band_count,
        dtype=dtype,
        nodata=nodata,
        has_alpha=has_alpha,
        has_mask=has_mask,
        gsd=_gsd_metres(dataset.crs, transform, dataset.width, dataset.height),
        transform=_six(transform.to_gdal()),
        footprint=footprint,
        bounds=(min(lons), min(lats), max(lons), max(lats)),
        overview_count=len(dataset.overviews(1)),
        radiometry="complex" if complex_valued else (
            SAR_AMPLITUDE_DB if dataset.tags().get(SAR_TAG) == SAR_AMPLITUDE_DB else ""),
    )


def _six(values) -> tuple[float, float, float, float, float, float]:
    """A GDAL geotransform as six floats."""
    a, b, c, d, e, f = (float(v) for v in values)
    return a, b, c, d, e, f
