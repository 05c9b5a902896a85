"""Annotation kinds besides polygons: axis-aligned boxes, rotated boxes, points and lines with a width.

Every kind is stored as its FOOTPRINT (a MultiPolygon, what tiles, masks, review, chips and exports of areas read)
and, for points and lines, its exact SHAPE (Point / LineString, EPSG:4326). This module turns the kind's natural
GeoJSON into both, on the scene's grid; plain shapely + pyproj, no Django, so it is testable on its own.

The tolerances are the scene's own: a box or rotated box may stray from a true rectangle by at most half a scene
pixel (what drawing on the image can resolve); a line's default width is three scene pixels' ground size; a point's
footprint is the scene pixel that holds it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from affine import Affine
from shapely.geometry import LineString, Point, Polygon, box, shape
from shapely.geometry.base import BaseGeometry

from annotator.geometry import MAX_VERTICES, GeometryRefused
from core.geo import crs_of, reproject

POLYGON, BOX, ROTATED_BOX, POINT, LINE = "polygon", "box", "rotated_box", "point", "line"
KINDS = (POLYGON, BOX, ROTATED_BOX, POINT, LINE)
# The kinds whose footprint is the whole annotation (no separate shape).
AREAL_KINDS = (POLYGON, BOX, ROTATED_BOX)
GEOJSON_TYPES = {POLYGON: ("Polygon", "MultiPolygon"), BOX: ("Polygon",), ROTATED_BOX: ("Polygon",),
                 POINT: ("Point",), LINE: ("LineString",)}
# Rectangles may stray from the exact shape by this share of a scene pixel.
RECTANGLE_TOLERANCE_PX = 0.5
# A line's default width, in scene pixels' ground size.
DEFAULT_LINE_WIDTH_PX = 3
WGS84 = "EPSG:4326"


@dataclass(frozen=True)
class SceneGrid:
    """What a kind needs of its scene: CRS, GDAL geotransform, size in pixels, ground sample distance (m)."""

    crs: str
    transform: tuple[float, ...]
    width: int
    height: int
    gsd: float | None = None

    @property
    def affine(self) -> Affine:
        return Affine.from_gdal(*self.transform)

    @property
    def pixel_size(self) -> float:
        """The smaller side of a pixel, in CRS units."""
        t = self.transform
        return min(math.hypot(t[1], t[4]), math.hypot(t[2], t[5]))

    def metres_per_unit(self) -> float | None:
        """Metres per CRS unit, or None for a geographic CRS."""
        crs = crs_of(self.crs)
        if not crs.is_projected:
            return None
        return float(crs.axis_info[0].unit_conversion_factor)

    def ground_pixel_m(self) -> float:
        """One pixel's ground size in metres: the scene's gsd, else worked out from the transform."""
        if self.gsd and self.gsd > 0:
            return float(self.gsd)
        factor = self.metres_per_unit()
        if factor is not None:
            return self.pixel_size * factor
        return self.pixel_size * 111_320.0  # degrees: metres per degree of latitude


@dataclass(frozen=True)
class KindGeometry:
    footprint: BaseGeometry  # Polygon/MultiPolygon, EPSG:4326 (cleaned and clipped by the caller)
    shape: BaseGeometry | None  # Point/LineString for points and lines, EPSG:4326
    width_m: float | None
    snapped: bool = False  # a box's corners were moved (within tolerance) onto the exact rectangle


def default_width_m(grid: SceneGrid) -> float:
    return DEFAULT_LINE_WIDTH_PX * grid.ground_pixel_m()


def _parse(kind: str, value) -> BaseGeometry:
    if isinstance(value, BaseGeometry):
        geom = value
    else:
        if not isinstance(value, dict):
            raise GeometryRefused("invalid_geojson", "Geometry must be a GeoJSON object.")
        if value.get("type") == "Feature":
            value = value.get("geometry") or {}
        if not isinstance(value, dict):
            raise GeometryRefused("invalid_geojson", "A Feature's geometry must be a GeoJSON object.")
        if value.get("type") not in GEOJSON_TYPES[kind]:
            raise GeometryRefused("wrong_geometry_type",
                                  f"A {kind} needs a {' or '.join(GEOJSON_TYPES[kind])} geometry, "
                                  f"not {value.get('type')!r}.")
        try:
            geom = shape(value)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, shapely.errors.ShapelyError) as exc:
            raise GeometryRefused("invalid_geojson", f"Geometry is not readable GeoJSON: {exc}.") from exc
    if geom.geom_type not in GEOJSON_TYPES[kind]:
        raise GeometryRefused("wrong_geometry_type",
                              f"A {kind} needs a {' or '.join(GEOJSON_TYPES[kind])} geometry, not {geom.geom_type}.")
    if geom.is_empty:
        raise GeometryRefused("empty", "Geometry is empty.")
    coords = shapely.get_coordinates(geom)
    if len(coords) > MAX_VERTICES:
        raise GeometryRefused("too_many_vertices", f"Geometry has {len(coords)} vertices; the limit is {MAX_VERTICES}.")
    if not np.isfinite(coords).all() or (np.abs(coords[:, 0]) > 180).any() or (np.abs(coords[:, 1]) > 90).any():
        raise GeometryRefused("out_of_range", "Coordinates must be longitude/latitude in EPSG:4326 (RFC 7946).")
    return geom


def _corners(polygon: Polygon, kind: str) -> np.ndarray:
    if len(polygon.interiors):
        raise GeometryRefused("not_rectangle", f"A {kind} has no holes.")
    ring = np.asarray(polygon.exterior.coords)[:-1]
    keep = np.ones(len(ring), dtype=bool)
    keep[1:] = np.any(ring[1:] != ring[:-1], axis=1)
    ring = ring[keep]
    if len(ring) != 4:
        raise GeometryRefused("not_rectangle", f"A {kind} has 4 corners, not {len(ring)}.")
    return ring


def _angles(corners: np.ndarray) -> list[float]:
    """The interior angles (degrees) at each corner of a 4-corner ring."""
    out = []
    for i in range(4):
        a, b = corners[i - 1] - corners[i], corners[(i + 1) % 4] - corners[i]
        cos = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) or 1.0))
        out.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
    return out


def _rectangle(kind: str, geom: Polygon, grid: SceneGrid) -> tuple[Polygon, bool]:
    """The exact rectangle (EPSG:4326) a box/rotated box stands for, refused when its corners stray from it by more
    than RECTANGLE_TOLERANCE_PX scene pixels (measured in the scene's CRS)."""
    local = reproject(geom, WGS84, grid.crs)
    corners = _corners(local, kind)
    drawn = Polygon(corners)
    exact = box(*drawn.bounds) if kind == BOX else shapely.minimum_rotated_rectangle(drawn)
    if exact.area <= 0 or exact.geom_type != "Polygon":
        raise GeometryRefused("zero_area", f"The {kind} has no area.")
    stray_px = shapely.hausdorff_distance(drawn.exterior, exact.exterior) / grid.pixel_size
    if stray_px > RECTANGLE_TOLERANCE_PX:
        if kind == BOX:
            raise GeometryRefused(
                "not_axis_aligned",
                f"A box must be axis-aligned in the scene's CRS: its sides stray {stray_px:.1f} pixels from the "
                f"scene's axes (at most {RECTANGLE_TOLERANCE_PX}). Draw a rotated_box instead.")
        angles = ", ".join(f"{a:.1f}°" for a in _angles(corners))
        raise GeometryRefused(
            "not_rectangle",
            f"A rotated box must be a rectangle: its corners ({angles}) stray {stray_px:.1f} pixels from the "
            f"nearest rectangle (at most {RECTANGLE_TOLERANCE_PX}).")
    return reproject(exact, grid.crs, WGS84), stray_px > 0


def _point_pixel(point: Point, grid: SceneGrid) -> Polygon:
    """The scene pixel square holding `point` (EPSG:4326); refused outside the scene's grid."""
    local = reproject(point, WGS84, grid.crs)
    col, row = ~grid.affine @ (local.x, local.y)
    if not (0 <= col < grid.width and 0 <= row < grid.height):
        raise GeometryRefused("outside_scene", "The point lies outside the scene.")
    c, r = math.floor(col), math.floor(row)
    a = grid.affine
    square = Polygon([a @ (c, r), a @ (c + 1, r), a @ (c + 1, r + 1), a @ (c, r + 1)])
    return reproject(square, grid.crs, WGS84)


def _line_clean(line: LineString) -> LineString:
    coords = np.asarray(line.coords)[:, :2]
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = np.any(coords[1:] != coords[:-1], axis=1)
    coords = coords[keep]
    if len(coords) < 2:
        raise GeometryRefused("zero_length", "A line needs at least 2 distinct vertices.")
    return LineString(coords)


def _line_footprint(line: LineString, width_m: float, grid: SceneGrid) -> BaseGeometry:
    """The centreline buffered by width_m / 2 with flat caps, in the scene's CRS when it is projected, else in an
    azimuthal equidistant CRS centred on the line."""
    factor = grid.metres_per_unit()
    if factor is not None:
        metric, half = grid.crs, width_m / 2 / factor
    else:
        c = line.centroid
        metric, half = f"+proj=aeqd +lat_0={c.y} +lon_0={c.x} +units=m +ellps=WGS84", width_m / 2
    local = reproject(line, WGS84, metric)
    if local.length <= 0:
        raise GeometryRefused("zero_length", "The line has no length.")
    return reproject(local.buffer(half, quad_segs=4, cap_style="flat", join_style="round"), metric, WGS84)


def width_check(width_m) -> float:
    try:
        width = float(width_m)
    except (TypeError, ValueError) as exc:
        raise GeometryRefused("invalid_width", "width_m must be a number of metres.") from exc
    if not math.isfinite(width) or width <= 0:
        raise GeometryRefused("invalid_width", "width_m must be a number of metres above 0.")
    return width


def kind_geometry(kind: str, value, grid: SceneGrid, *, width_m: float | None = None) -> KindGeometry:
    """Check `value` (GeoJSON or shapely, EPSG:4326) as the natural shape of `kind`; return its footprint and shape.
    Raises GeometryRefused (reasons: unknown_kind, wrong_geometry_type, invalid_geojson, empty, out_of_range,
    too_many_vertices, not_rectangle, not_axis_aligned, zero_area, zero_length, outside_scene, invalid_width,
    width_not_allowed)."""
    if kind not in KINDS:
        raise GeometryRefused("unknown_kind", f"Unknown kind {kind!r}; use one of {', '.join(KINDS)}.")
    if width_m is not None and kind != LINE:
        raise GeometryRefused("width_not_allowed", f"width_m is for lines only, not a {kind}.")
    geom = _parse(kind, value)
    if kind == POLYGON:
        return KindGeometry(footprint=geom, shape=None, width_m=None)
    if kind in (BOX, ROTATED_BOX):
        rectangle, snapped = _rectangle(kind, geom, grid)
        return KindGeometry(footprint=rectangle, shape=None, width_m=None, snapped=snapped)
    if kind == POINT:
        return KindGeometry(footprint=_point_pixel(geom, grid), shape=Point(geom.x, geom.y), width_m=None)
    width = width_check(width_m) if width_m is not None else default_width_m(grid)
    line = _line_clean(geom)
    return KindGeometry(footprint=_line_footprint(line, width, grid), shape=line, width_m=width)


def kind_of_geojson_type(geometry_type: str | None, requested: str | None = None) -> str:
    """The kind an imported feature stands for: its `kind` property when it fits the geometry type, else Point →
    point, LineString → line, anything else → polygon."""
    if requested in KINDS and geometry_type in GEOJSON_TYPES[requested]:
        return requested
    return {"Point": POINT, "LineString": LINE}.get(geometry_type or "", POLYGON)
