"""Annotation geometry: repair, refuse, clip. Plain shapely, no Django, so it is testable on its own.

Input is GeoJSON (RFC 7946, EPSG:4326, lon/lat) or a shapely geometry in the same CRS. Output is always a
valid shapely MultiPolygon with counter-clockwise shells, or a `GeometryRefused` carrying a machine-readable
`reason` and a sentence for people. Nothing broken is ever returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

# Settings-like constants: callers may pass their own.
MAX_VERTICES = 10_000
# Below this area (square degrees, about 1e-4 m² at the equator) a polygon is treated as having no area.
MIN_AREA_DEG2 = 1e-14

POLYGONAL_INPUT = {"Polygon", "MultiPolygon", "GeometryCollection"}


class GeometryRefused(ValueError):  # a refusal, not a crash
    """The geometry cannot be stored. `reason` is one of: invalid_geojson, not_polygonal, out_of_range, empty,
    zero_area, too_many_vertices, outside_scene."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class CleanGeometry:
    geometry: MultiPolygon
    repaired: bool = False  # make_valid changed it
    clipped: bool = False  # parts outside the scene footprint were cut off
    dropped_parts: int = 0  # non-polygonal parts (lines, points) left out after repair or clipping
    area_kept: float = 1.0  # share of the (repaired) area left after clipping

    def info(self) -> dict:
        return {"repaired": self.repaired, "clipped": self.clipped, "dropped_parts": self.dropped_parts,
                "area_kept": round(self.area_kept, 6)}


def vertex_count(geom: BaseGeometry) -> int:
    return int(shapely.get_num_coordinates(geom))


def _parse(value) -> BaseGeometry:
    if isinstance(value, BaseGeometry):
        return value
    if not isinstance(value, dict):
        raise GeometryRefused("invalid_geojson", "Geometry must be a GeoJSON object.")
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
        if not isinstance(value, dict):
            raise GeometryRefused("invalid_geojson", "A Feature's geometry must be a GeoJSON object.")
    if not isinstance(value.get("type"), str) or value["type"] not in POLYGONAL_INPUT:
        kind = value.get("type")
        raise GeometryRefused("not_polygonal", f"Geometry must be a Polygon or MultiPolygon, not {kind!r}.")
    try:
        return shape(value)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, shapely.errors.ShapelyError) as exc:
        raise GeometryRefused("invalid_geojson", f"Geometry is not readable GeoJSON: {exc}.") from exc


def _polygons_of(geom: BaseGeometry) -> tuple[list[Polygon], int]:
    """The polygonal parts of any geometry, and how many non-polygonal parts were left out."""
    if geom.is_empty:
        return [], 0
    if isinstance(geom, Polygon):
        return [geom], 0
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms), 0
    if isinstance(geom, GeometryCollection) or hasattr(geom, "geoms"):
        polygons, dropped = [], 0
        for part in geom.geoms:
            sub, sub_dropped = _polygons_of(part)
            polygons += sub
            dropped += sub_dropped
        return polygons, dropped
    return [], 1


def _multipolygon(polygons: list[Polygon]) -> MultiPolygon:
    return MultiPolygon([orient(p, sign=1.0) for p in polygons if not p.is_empty and p.area > 0])


def geometry_clean(value, *, footprint: BaseGeometry | None = None, max_vertices: int = MAX_VERTICES,
                   min_area: float = MIN_AREA_DEG2) -> CleanGeometry:
    """Repair (make_valid), keep the polygonal parts, clip to `footprint` when given, as one MultiPolygon.

    Raises GeometryRefused for: unreadable or non-polygonal input, coordinates outside lon/lat range, empty,
    zero area, more than `max_vertices` vertices (before or after repair), nothing left inside the footprint.
    """
    geom = _parse(value)
    if geom.is_empty:
        raise GeometryRefused("empty", "Geometry is empty.")
    if geom.geom_type not in POLYGONAL_INPUT:
        raise GeometryRefused("not_polygonal", f"Geometry must be a Polygon or MultiPolygon, not {geom.geom_type}.")
    if vertex_count(geom) > max_vertices:
        raise GeometryRefused("too_many_vertices",
                              f"Geometry has {vertex_count(geom)} vertices; the limit is {max_vertices}. Simplify it.")
    minx, miny, maxx, maxy = geom.bounds
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)) or minx < -180 or maxx > 180 or miny < -90 \
            or maxy > 90:
        raise GeometryRefused("out_of_range", "Coordinates must be longitude/latitude in EPSG:4326 (RFC 7946).")

    repaired = False
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        repaired = True
    polygons, dropped = _polygons_of(geom)
    geom = _multipolygon(polygons)
    if geom.is_empty or geom.area <= min_area:
        reason = "Geometry has no area" + (" once repaired (it was self-intersecting or degenerate)." if repaired
                                           else ".")
        raise GeometryRefused("zero_area", reason)

    clipped, area_kept = False, 1.0
    if footprint is not None and not footprint.is_empty and not footprint.covers(geom):
        before = geom.area
        polygons, clip_dropped = _polygons_of(geom.intersection(footprint))
        geom = _multipolygon(polygons)
        dropped += clip_dropped
        if geom.is_empty or geom.area <= min_area:
            raise GeometryRefused("outside_scene", "Geometry lies outside the scene footprint.")
        clipped, area_kept = True, geom.area / before
    if not geom.is_valid:  # intersection of valid inputs is valid; belt and braces for precision edge cases
        geom = _multipolygon(_polygons_of(shapely.make_valid(geom))[0])
        repaired = True
    if vertex_count(geom) > max_vertices:
        raise GeometryRefused("too_many_vertices",
                              f"Geometry has {vertex_count(geom)} vertices once repaired; the limit is {max_vertices}.")
    return CleanGeometry(geometry=geom, repaired=repaired, clipped=clipped, dropped_parts=dropped,
                         area_kept=area_kept)
