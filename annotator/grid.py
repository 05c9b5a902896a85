"""Cutting an area into task cells with no slivers. Pure: shapely only, no Django.

`grid_cells(area, cell_size)` cuts `area` (a polygon in a metric CRS) into square cells of `cell_size`, aligned on
the area's top-left corner (so a scene a little larger than one cell gives one full cell and thin strips, never
two thin strips on both sides), clips them to the area, then merges every piece smaller than
`MIN_CELL_FRACTION` of a full cell into the neighbour it shares the longest edge with, smallest pieces first,
until no small piece has a neighbour left. The pieces cover the area exactly and do not overlap.
"""

from __future__ import annotations

import math

import shapely
from shapely.geometry import Polygon, box

MIN_CELL_FRACTION = 0.25  # a task smaller than a quarter of the nominal cell is a sliver
_EDGE_EPS = 1e-9


def cell_count_estimate(area: Polygon, cell_size: float) -> int:
    """Cells of the bounding box (an upper bound of the grid's size, known before cutting anything)."""
    minx, miny, maxx, maxy = area.bounds
    return math.ceil((maxx - minx) / cell_size) * math.ceil((maxy - miny) / cell_size)


def _polygons(geom) -> list[Polygon]:
    if geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon" and not g.is_empty]


def grid_pieces(area: Polygon, cell_size: float) -> list[Polygon]:
    """Square cells aligned on the top-left corner of `area`'s bounds, clipped to it, rows top to bottom, then left
    to right. A cell cut in several parts by the area gives several pieces."""
    minx, miny, maxx, maxy = area.bounds
    cols = max(1, math.ceil((maxx - minx) / cell_size - _EDGE_EPS))
    rows = max(1, math.ceil((maxy - miny) / cell_size - _EDGE_EPS))
    shapely.prepare(area)
    pieces: list[Polygon] = []
    for row in range(rows):
        top = maxy - row * cell_size
        bottom = max(miny, top - cell_size)
        for col in range(cols):
            left = minx + col * cell_size
            cell = box(left, bottom, min(maxx, left + cell_size), top)
            if area.contains(cell):
                pieces.append(cell)
                continue
            if not area.intersects(cell):
                continue
            pieces.extend(p for p in _polygons(area.intersection(cell)) if p.area > 0)
    return pieces


def merge_slivers(pieces: list[Polygon], nominal_area: float,
                  min_fraction: float = MIN_CELL_FRACTION) -> list[Polygon]:
    """Merge every piece smaller than `min_fraction * nominal_area` into the neighbour that shares the longest edge
    with it (ties: the smaller neighbour, so merged cells stay near the nominal size), smallest first. A small
    piece with no edge neighbour stays as it is. Keeps the order of the first piece of each group."""
    threshold = min_fraction * nominal_area
    groups: dict[int, Polygon] = dict(enumerate(pieces))
    while True:
        small = sorted((geom.area, key) for key, geom in groups.items() if geom.area < threshold)
        merged = False
        for _, key in small:
            geom = groups[key]
            gx0, gy0, gx1, gy1 = geom.bounds
            best = None
            for other_key, other in groups.items():
                if other_key == key:
                    continue
                ox0, oy0, ox1, oy1 = other.bounds
                if ox0 > gx1 or ox1 < gx0 or oy0 > gy1 or oy1 < gy0 or not geom.intersects(other):
                    continue
                shared = geom.boundary.intersection(other.boundary).length
                if shared <= _EDGE_EPS * max(1.0, math.sqrt(nominal_area)):
                    continue
                rank = (shared, -other.area)
                if best is None or rank > best[0]:
                    best = (rank, other_key)
            if best is None:
                continue
            target = best[1]
            union = shapely.union(groups[target], geom)
            union = union if union.geom_type == "Polygon" else shapely.union_all(_polygons(union))
            keep, drop = min(key, target), max(key, target)
            groups[keep] = shapely.normalize(shapely.simplify(union, 0)) if union.geom_type == "Polygon" else union
            del groups[drop]
            merged = True
            break  # sizes changed: pick the smallest again
        if not merged:
            return [groups[k] for k in sorted(groups)]


def grid_cells(area: Polygon, cell_size: float, min_fraction: float = MIN_CELL_FRACTION) -> list[Polygon]:
    """The task cells of `area` (metric CRS): `grid_pieces` then `merge_slivers`."""
    return merge_slivers(grid_pieces(area, cell_size), cell_size * cell_size, min_fraction)
