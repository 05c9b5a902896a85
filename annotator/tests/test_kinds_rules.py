"""annotator.kinds on its own (no database): lines on a scene in geographic coordinates are buffered in metres, the
default width follows the scene's pixel, and a point's footprint is its pixel whatever the CRS."""

import pytest
import shapely
from pyproj import Geod

from annotator import kinds
from annotator.geometry import GeometryRefused

GEOD = Geod(ellps="WGS84")
# a 1000 x 1000 grid of 1e-5 degree pixels (about 1.1 m x 0.9 m at 33.75 N), in EPSG:4326 itself
GRID = kinds.SceneGrid(crs="EPSG:4326", transform=(-84.40, 1e-5, 0.0, 33.76, 0.0, -1e-5), width=1000, height=1000)


def geodesic_area(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def test_a_line_on_a_geographic_scene_is_buffered_in_metres():
    lon2, _lat2, _ = GEOD.fwd(-84.399, 33.755, 90, 100)  # 100 m due east
    line = {"type": "LineString", "coordinates": [[-84.399, 33.755], [lon2, 33.755]]}
    made = kinds.kind_geometry("line", line, GRID, width_m=10)
    assert made.width_m == 10
    assert geodesic_area(made.footprint) == pytest.approx(1000, rel=0.01)


def test_the_default_width_is_three_pixels_of_ground():
    assert kinds.default_width_m(GRID) == pytest.approx(3 * 1e-5 * 111_320)
    with_gsd = kinds.SceneGrid(crs="EPSG:32616", transform=(0, 0.5, 0, 0, 0, -0.5), width=10, height=10, gsd=0.5)
    assert kinds.default_width_m(with_gsd) == 1.5


def test_a_point_footprint_is_its_pixel_on_a_geographic_grid():
    made = kinds.kind_geometry("point", {"type": "Point", "coordinates": [-84.3999955, 33.7599955]}, GRID)
    assert made.footprint.bounds == pytest.approx((-84.40, 33.75999, -84.39999, 33.76), abs=1e-12)
    assert made.shape.equals(shapely.Point(-84.3999955, 33.7599955))


def test_a_line_of_one_repeated_vertex_is_refused():
    with pytest.raises(GeometryRefused) as info:
        kinds.kind_geometry("line", {"type": "LineString", "coordinates": [[-84.399, 33.755]] * 3}, GRID)
    assert info.value.reason == "zero_length"


def test_import_kinds_follow_the_geometry_type_and_honour_a_fitting_kind():
    assert kinds.kind_of_geojson_type("Point") == "point"
    assert kinds.kind_of_geojson_type("LineString") == "line"
    assert kinds.kind_of_geojson_type("Polygon", "rotated_box") == "rotated_box"
    assert kinds.kind_of_geojson_type("Point", "box") == "point"  # a kind that does not fit the geometry is ignored
    assert kinds.kind_of_geojson_type("MultiPolygon", "box") == "polygon"
