"""The sliver-free task grid (annotator.grid), on several shapes, and through the API on a 40 m scene."""

import math

import pytest
from shapely.geometry import Polygon, box

from annotator.grid import MIN_CELL_FRACTION, grid_cells, grid_pieces


def _check_cover(area, cells, cell):
    union = cells[0]
    for c in cells[1:]:
        union = union.union(c)
    assert union.symmetric_difference(area).area == pytest.approx(0, abs=1e-6 * area.area)
    assert sum(c.area for c in cells) == pytest.approx(area.area, rel=1e-9)  # no overlap
    assert all(c.geom_type == "Polygon" for c in cells)


def test_a_40m_square_with_38m_cells_is_one_task_not_a_cell_and_a_sliver():
    area = box(500_000, 3_700_000, 500_040, 3_700_040)
    assert len(grid_pieces(area, 38)) == 4  # 38x38, two 2 m strips and a 2x2 corner before merging
    cells = grid_cells(area, 38)
    assert len(cells) == 1
    assert cells[0].area == pytest.approx(1600)


@pytest.mark.parametrize(("width", "height", "cell", "expected"), [
    (100, 100, 100, 1),      # exactly one cell
    (200, 100, 100, 2),      # exactly two
    (210, 100, 100, 2),      # a 10 m strip (0.1 of a cell) joins its neighbour
    (230, 100, 100, 3),      # a 30 m strip is 0.3 of a cell: kept
    (224, 224, 100, None),   # 24 m strips on two sides and a 24 m corner: no sliver left (checked below)
    (20, 20, 100, 1),        # smaller than one cell: one task anyway
    (1000, 5, 100, 1),       # a thin ribbon: every piece is a sliver, all merge into one
])
def test_rectangles(width, height, cell, expected):
    area = box(0, 0, width, height)
    cells = grid_cells(area, cell)
    if expected is not None:
        assert len(cells) == expected
    _check_cover(area, cells, cell)
    assert len(cells) == 1 or all(c.area >= MIN_CELL_FRACTION * cell * cell for c in cells)


def test_no_piece_below_a_quarter_cell_when_it_has_a_neighbour_on_irregular_shapes():
    shapes = [
        Polygon([(0, 0), (530, 40), (610, 470), (80, 520)]),  # a tilted quadrilateral (a rotated scene footprint)
        Polygon([(0, 0), (400, 0), (400, 100), (100, 100), (100, 400), (0, 400)]),  # an L
        box(0, 0, 333, 777).difference(box(150, 300, 200, 500)),  # a hole
        Polygon([(0, 0), (300, 0), (0, 300)]),  # a triangle: diagonal cells are half cells or less
    ]
    cell = 100.0
    for area in shapes:
        cells = grid_cells(area, cell)
        _check_cover(area, cells, cell)
        if len(cells) > 1:
            small = [c for c in cells if c.area < MIN_CELL_FRACTION * cell * cell]
            for piece in small:  # a small piece may remain only where it shares no edge with any other
                shared = max(piece.boundary.intersection(o.boundary).length for o in cells if o is not piece)
                assert shared < 1e-6, (area.wkt[:60], piece.area)
        assert len(cells) <= math.ceil(area.area / (cell * cell * MIN_CELL_FRACTION))


@pytest.mark.django_db
def test_grid_api_on_a_40m_scene_gives_one_task(actors):
    from django.contrib.gis.geos import Polygon as GeosPolygon

    from annotator.models import Task
    from annotator.tests.annotation_fixtures import scene_make
    from core.geo import reproject

    scene = scene_make(actors.project)
    ring = reproject(box(742_000, 3_737_000, 742_040, 3_737_040), "EPSG:32616", "EPSG:4326")
    scene.footprint = GeosPolygon(list(ring.exterior.coords), srid=4326)
    scene.save()
    response = actors.client("admin").post(f"/api/scenes/{scene.id}/tasks/grid/", {"cell_size_m": 38},
                                           format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["count"] == 1
    assert Task.objects.get(scene=scene).area.equals_exact(scene.footprint, 1e-7) or \
        Task.objects.get(scene=scene).area.sym_difference(scene.footprint).area < 1e-12
