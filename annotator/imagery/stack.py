"""Stack several rasters (a SAR amplitude GeoTIFF and optical bands, say) into one multi-band raster on one grid.

The grid comes from the data:

- the reference source is the one with the smallest ground sample distance (metres per pixel; ties go to the first
  listed), unless the caller names one; the stack takes its CRS, pixel size and pixel alignment;
- the extent is the intersection of every source's footprint (each outline densified, transformed to the reference
  CRS), its bounding box snapped inward onto the reference's pixel grid; sources whose footprints do not overlap, or
  overlap by less than one reference pixel, are refused with `SourcesDoNotOverlap`, naming the pair.

Every source is opened through the imagery guard (`raster_open`, the same checks and header limits as a single
upload); a complex-valued (SAR) source is first converted to float32 amplitude in dB (annotator.imagery.sar), as a
single upload is. Each band is then reprojected onto the grid: "average" when the source is finer than the reference
(several source pixels per stack pixel), else "bilinear". The bands follow the sources' order, each described
"<source name>: band N".

Data types: the stack is float32 whatever the sources (uint8 optical with float32 dB SAR cannot share an integer
type without losing one of them; float32 holds uint8, uint16 and int16 exactly). Nodata: the stack's nodata is
`STACK_NODATA` (-9999, the value GeoLoop's SAR conversion uses); a pixel a source marks as nodata (its nodata value
or an alpha of 0), or that lies outside that source, is nodata in that source's bands only.

Memory: one band of the output grid at a time (float32 width x height), after the output size has passed the same
header limits as any source.
"""

from __future__ import annotations

import math
import os
import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.enums import ColorInterp, Resampling
from rasterio.errors import RasterioError
from rasterio.transform import Affine
from rasterio.warp import reproject, transform_geom
from shapely.geometry import Polygon, box, mapping, shape

from annotator.imagery.errors import InvalidRaster, RasterTooLarge, UnsupportedRaster
from annotator.imagery.guard import DEFAULT_LIMITS, NO_SIZE_LIMITS, RasterLimits, first_line, raster_open
from annotator.imagery.inspect import inspect_raster
from annotator.imagery.sar import complex_to_db, is_complex

STACK_NODATA = -9999.0
MAX_SOURCES = 16
EDGE_POINTS = 32  # points per footprint edge when it is moved to the reference CRS


class SourcesDoNotOverlap(InvalidRaster):
    """The sources of a composite scene do not cover a common area (of at least one reference pixel)."""

    code = "sources_do_not_overlap"


@dataclass(frozen=True)
class StackSource:
    path: str
    name: str


@dataclass(frozen=True)
class StackGrid:
    """The grid a stack is written on: the reference source's CRS and pixel size over the common extent."""

    crs: CRS
    transform: Affine
    width: int
    height: int
    reference: int  # index of the reference source


@dataclass(frozen=True)
class _Described:
    crs: CRS
    transform: Affine
    width: int
    height: int
    gsd: float
    bands: int  # data bands (alpha not counted)


def _describe(source: StackSource, limits: RasterLimits) -> _Described:
    info = inspect_raster(source.path, limits=limits, name=source.name)  # the guard, the same checks as an upload
    c, a, _b, f, _d, e = info.transform
    return _Described(crs=CRS.from_user_input(info.crs), transform=Affine(a, 0.0, c, 0.0, e, f), width=info.width,
                      height=info.height, gsd=info.gsd, bands=info.band_count)


def _outline(described: _Described, crs: CRS) -> Polygon:
    """The source's outline (edges densified) in `crs`."""
    w, h, n = described.width, described.height, EDGE_POINTS
    corners = [(0, 0), (w, 0), (w, h), (0, h)]
    points = []
    for (c0, r0), (c1, r1) in zip(corners, corners[1:] + corners[:1], strict=True):
        points += [described.transform @ (c0 + (c1 - c0) * i / n, r0 + (r1 - r0) * i / n) for i in range(n)]
    ring = Polygon(points)
    if described.crs == crs:
        return ring
    moved = shape(transform_geom(described.crs, crs, mapping(ring)))
    if not moved.is_valid or not all(math.isfinite(v) for v in moved.bounds):
        raise InvalidRaster("A source's outline cannot be moved to the reference's coordinate system.")
    return moved


def stack_grid(described: Sequence[_Described], names: Sequence[str], reference: int | None = None) -> StackGrid:
    """The reference (given, else the smallest GSD) and the intersection of the footprints on its grid."""
    if reference is None:
        reference = min(range(len(described)), key=lambda i: (described[i].gsd, i))
    ref = described[reference]
    common = _outline(ref, ref.crs)
    for index, item in enumerate(described):
        if index == reference:
            continue
        outline = _outline(item, ref.crs)
        overlap = common.intersection(outline)
        if overlap.is_empty or overlap.area <= 0:
            raise SourcesDoNotOverlap(
                f"{names[index]} does not overlap {names[reference]}"
                f"{' and the other sources' if len(described) > 2 else ''}: a composite scene needs a common area.",
                extra={"reason": "sources_do_not_overlap", "source": names[index]})
        common = overlap
    inverse = ~ref.transform
    minx, miny, maxx, maxy = common.bounds
    cols = [(inverse @ (x, y))[0] for x, y in ((minx, maxy), (maxx, miny))]
    rows = [(inverse @ (x, y))[1] for x, y in ((minx, maxy), (maxx, miny))]
    eps = 1e-6  # an edge on a pixel boundary, give or take floating point, stays on it
    col0, col1 = math.ceil(min(cols) - eps), math.floor(max(cols) + eps)
    row0, row1 = math.ceil(min(rows) - eps), math.floor(max(rows) + eps)
    width, height = col1 - col0, row1 - row0
    if width < 1 or height < 1:
        raise SourcesDoNotOverlap(f"The sources overlap by less than one pixel of {names[reference]}; a composite "
                                  "scene needs a common area.", extra={"reason": "sources_do_not_overlap"})
    transform = ref.transform @ Affine.translation(col0, row0)
    return StackGrid(crs=ref.crs, transform=transform, width=width, height=height, reference=reference)


def _limits_check(grid: StackGrid, bands: int, limits: RasterLimits) -> None:
    pixels = grid.width * grid.height
    if limits.max_bands and bands > limits.max_bands:
        raise UnsupportedRaster(f"The composite would have {bands} bands; at most {limits.max_bands} are supported.",
                                extra={"reason": "too_many_bands", "limit": limits.max_bands, "value": bands})
    if limits.max_pixels and pixels > limits.max_pixels:
        raise RasterTooLarge(f"The composite grid is {grid.width:,} x {grid.height:,} pixels; the limit is "
                             f"{limits.max_pixels:,}.", extra={"reason": "too_many_pixels", "value": pixels})
    size = pixels * bands * 4
    if limits.max_bytes and size > limits.max_bytes:
        raise RasterTooLarge(f"The composite would hold {size:,} bytes of pixels; the limit is {limits.max_bytes:,}.",
                             extra={"reason": "decompressed_too_large", "value": size})


def _band_into(src, band: int, dst: np.ndarray, grid: StackGrid, resampling: Resampling, alpha: int) -> None:
    dst.fill(STACK_NODATA)
    nodata = src.nodata
    if nodata is not None and isinstance(nodata, float) and math.isnan(nodata):
        nodata = float("nan")
    reproject(source=rasterio.band(src, band), destination=dst, src_transform=src.transform, src_crs=src.crs,
              src_nodata=nodata, dst_transform=grid.transform, dst_crs=grid.crs, dst_nodata=STACK_NODATA,
              resampling=resampling, init_dest_nodata=True, src_alpha=alpha, num_threads=2)
    dst[~np.isfinite(dst)] = STACK_NODATA


def stack_sources(sources: Sequence[StackSource], dst_path: str | os.PathLike, *, reference: int | None = None,
                  limits: RasterLimits = DEFAULT_LIMITS,
                  progress: Callable[[float], None] | None = None) -> tuple[StackGrid, list[str]]:
    """Write the float32 stack of `sources` to a tiled GeoTIFF at `dst_path` (see the module docstring). Returns
    the grid and the band descriptions. Raises SourcesDoNotOverlap, InvalidRaster (or a narrower refusal)."""
    if len(sources) < 2:
        raise InvalidRaster("A composite scene is made of at least two files.")
    if len(sources) > MAX_SOURCES:
        raise InvalidRaster(f"A composite scene is made of at most {MAX_SOURCES} files.")
    if reference is not None and not 0 <= reference < len(sources):
        raise InvalidRaster(f"The reference source must be one of the {len(sources)} files.")
    dst = Path(dst_path)
    dst.parent.mkdir(parents=True, exist_ok=True)
    converted: list[Path] = []
    try:
        readable: list[tuple[StackSource, RasterLimits]] = []
        for source in sources:  # complex SAR to amplitude dB first, as a single upload
            with raster_open(source.path, limits=limits, name=source.name) as src:
                if not is_complex(src.dtypes[0]):
                    readable.append((source, limits))
                    continue
                db = dst.with_name(f".{dst.name}.{uuid.uuid4().hex}.db.tif")
                converted.append(db)
                complex_to_db(src, db)
            readable.append((StackSource(path=str(db), name=source.name), NO_SIZE_LIMITS))
        described = [_describe(source, lim) for source, lim in readable]
        grid = stack_grid(described, [s.name for s in sources], reference)
        total = sum(d.bands for d in described)
        _limits_check(grid, total, limits)
        descriptions = [f"{s.name}: band {b}" for s, d in zip(sources, described, strict=True)
                        for b in range(1, d.bands + 1)]
        profile = {"driver": "GTiff", "width": grid.width, "height": grid.height, "count": total,
                   "dtype": "float32", "crs": grid.crs, "transform": grid.transform, "nodata": STACK_NODATA,
                   "tiled": True, "blockxsize": 512, "blockysize": 512, "compress": "deflate", "predictor": 3,
                   "zlevel": 1, "BIGTIFF": "IF_SAFER", "photometric": "MINISBLACK", "interleave": "band"}
        ref_gsd = described[grid.reference].gsd
        buffer = np.empty((grid.height, grid.width), dtype="float32")
        out_band = 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with rasterio.open(dst, "w", **profile) as out:
                for (source, lim), item in zip(readable, described, strict=True):
                    resampling = Resampling.average if item.gsd < ref_gsd * 0.999 else Resampling.bilinear
                    with raster_open(source.path, limits=lim, name=source.name) as src:
                        has_alpha = src.count > item.bands and src.colorinterp[-1] == ColorInterp.alpha
                        for band in range(1, item.bands + 1):
                            _band_into(src, band, buffer, grid, resampling, src.count if has_alpha else 0)
                            out_band += 1
                            out.write(buffer, out_band)
                            out.set_band_description(out_band, descriptions[out_band - 1])
                            if progress is not None:
                                progress(out_band / total)
                out.colorinterp = [ColorInterp.gray] * total
        return grid, descriptions
    except (RasterioError, OSError) as exc:
        dst.unlink(missing_ok=True)
        raise InvalidRaster(f"The sources could not be stacked: {first_line(exc)}") from exc
    except BaseException:
        dst.unlink(missing_ok=True)
        raise
    finally:
        for path in converted:
            path.unlink(missing_ok=True)
            Path(f"{path}.aux.xml").unlink(missing_ok=True)


def footprints_overlap(footprints: Sequence[Sequence[tuple[float, float]]]) -> int | None:
    """The index of the first lon/lat footprint that does not overlap all those before it, else None: the quick
    check before a composite is accepted (the exact one is on the reference grid, at ingestion)."""
    common = None
    for index, ring in enumerate(footprints):
        polygon = Polygon(ring)
        if not polygon.is_valid:
            polygon = box(*polygon.bounds)
        common = polygon if common is None else common.intersection(polygon)
        if common.is_empty or common.area <= 0:
            return index
    return None
