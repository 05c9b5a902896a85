"""annotator.geometry: repair, refusals with reasons, clipping, vertex cap (plain shapely, no database)."""

import math

import pytest
from shapely.geometry import MultiPolygon, box

from annotator.geometry import MAX_VERTICES, GeometryRefused, geometry_clean

FOOTPRINT = box(0, 0, 10, 10)


def poly(*coords):
    return {"type": "Polygon", "coordinates": [list(coords)]}


def test_valid_polygon_passes_as_a_ccw_multipolygon():
    clean = geometry_clean(poly([1, 1], [1, 2], [2, 2], [2, 1], [1, 1]), footprint=FOOTPRINT)  # clockwise input
    assert isinstance(clean.geometry, MultiPolygon)
    assert clean.geometry.is_valid
    assert clean.geometry.geoms[0].exterior.is_ccw
    assert clean.info() == {"repaired": False, "clipped": False, "dropped_parts": 0, "area_kept": 1.0}


def test_bow_tie_is_repaired_into_two_triangles():
    clean = geometry_clean(poly([0, 0], [2, 2], [2, 0], [0, 2], [0, 0]))
    assert clean.repaired
    assert clean.geometry.is_valid
    assert len(clean.geometry.geoms) == 2
    assert math.isclose(clean.geometry.area, 2.0)


def test_polygon_with_a_dangling_spike_keeps_only_its_area():
    clean = geometry_clean(poly([0, 0], [2, 0], [2, 2], [0, 2], [0, 0], [-1, -1], [0, 0]))
    assert clean.geometry.is_valid
    assert math.isclose(clean.geometry.area, 4.0)


def test_outside_part_is_clipped_and_reported():
    clean = geometry_clean(poly([8, 8], [12, 8], [12, 12], [8, 12], [8, 8]), footprint=FOOTPRINT)
    assert clean.clipped
    assert math.isclose(clean.area_kept, 0.25)
    assert clean.geometry.bounds == (8.0, 8.0, 10.0, 10.0)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (poly([0, 0], [1, 1], [2, 2], [0, 0]), "zero_area"),
        ({"type": "Polygon", "coordinates": []}, "empty"),
        ({"type": "Point", "coordinates": [1, 1]}, "not_polygonal"),
        ({"type": "LineString", "coordinates": [[1, 1], [2, 2]]}, "not_polygonal"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1]]]}, "invalid_geojson"),
        ("POLYGON((0 0, 1 0, 1 1, 0 0))", "invalid_geojson"),
        (poly([20, 20], [21, 20], [21, 21], [20, 20]), "outside_scene"),
        (poly([0, 0], [200, 0], [200, 1], [0, 0]), "out_of_range"),
    ],
)
def test_refusals_carry_a_reason(value, reason):
    with pytest.raises(GeometryRefused) as caught:
        geometry_clean(value, footprint=FOOTPRINT)
    assert caught.value.reason == reason
    assert caught.value.message


def test_vertex_cap():
    n = MAX_VERTICES + 10
    ring = [[5 + 4 * math.cos(2 * math.pi * i / n), 5 + 4 * math.sin(2 * math.pi * i / n)] for i in range(n)]
    with pytest.raises(GeometryRefused) as caught:
        geometry_clean(poly(*ring, ring[0]))
    assert caught.value.reason == "too_many_vertices"
    assert geometry_clean(poly(*ring[::2], ring[0]), max_vertices=MAX_VERTICES).geometry.is_valid


def test_geometry_collection_keeps_polygonal_parts_only():
    value = {"type": "GeometryCollection", "geometries": [
        poly([1, 1], [2, 1], [2, 2], [1, 2], [1, 1]), {"type": "LineString", "coordinates": [[3, 3], [4, 4]]}]}
    clean = geometry_clean(value)
    assert clean.dropped_parts == 1
    assert math.isclose(clean.geometry.area, 1.0)
