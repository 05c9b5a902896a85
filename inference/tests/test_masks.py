"""Mask -> polygon -> mask on synthetic masks (real model masks are in test_sam.py)."""

import numpy as np
import pytest
import shapely
from affine import Affine
from shapely.geometry import shape

from inference.masks import mask_iou, mask_to_geometry, mask_to_polygons, rasterize_geometry
from inference.windows import Window

SCENE = Affine(0.5, 0, 733601.0, 0, -0.5, 3725139.0)  # the Atlanta scene's grid, EPSG:32616
CRS = "EPSG:32616"


def _ellipse_with_hole(size=512):
    yy, xx = np.mgrid[:size, :size]
    outer = (xx - 250) ** 2 / 160**2 + (yy - 240) ** 2 / 90**2 < 1
    hole = (xx - 260) ** 2 + (yy - 230) ** 2 < 25**2
    return outer & ~hole


def test_holes_kept_specks_and_pinholes_dropped():
    m = _ellipse_with_hole()
    m[5:8, 5:8] = True  # 9 px speck
    m[240, 140] = False  # 1 px pinhole
    poly = mask_to_polygons(m, min_area=32)
    assert len(poly.geoms) == 1
    assert len(poly.geoms[0].interiors) == 1  # the real hole, not the pinhole
    assert poly.is_valid


def test_simplification_moves_outline_at_most_half_a_pixel():
    m = _ellipse_with_hole()
    raw = mask_to_polygons(m, tolerance=0)
    simple = mask_to_polygons(m, tolerance=0.5)
    assert shapely.get_num_coordinates(simple) < 0.9 * shapely.get_num_coordinates(raw)
    assert shapely.hausdorff_distance(raw.boundary, simple.boundary) <= 0.5 + 1e-9


def test_geometry_is_rfc7946_and_rasterises_back():
    w = Window(level=-2, col=2, row=3, size=512)
    tr = w.geo_transform(SCENE)
    m = _ellipse_with_hole()
    geom = mask_to_geometry(m, transform=tr, crs=CRS)
    assert geom.wgs84["type"] == "MultiPolygon"
    assert geom.scene["type"] == "MultiPolygon"
    lon, lat = geom.wgs84["coordinates"][0][0][0]
    assert -84.49 < lon < -84.47
    assert 33.63 < lat < 33.65
    wgs = shape(geom.wgs84)
    assert wgs.is_valid
    exterior = wgs.geoms[0].exterior
    assert exterior.is_ccw
    assert not wgs.geoms[0].interiors[0].is_ccw
    back = rasterize_geometry(geom.wgs84, transform=tr, shape=m.shape, crs=CRS)
    assert mask_iou(back, m) >= 0.99
    back_scene = rasterize_geometry(geom.scene, transform=tr, shape=m.shape, crs=CRS, geometry_crs=CRS)
    assert mask_iou(back_scene, m) >= 0.99


def test_empty_mask_gives_none():
    assert mask_to_geometry(np.zeros((64, 64), bool), transform=SCENE, crs=CRS) is None
    tiny = np.zeros((64, 64), bool)
    tiny[3:5, 3:5] = True
    assert mask_to_geometry(tiny, transform=SCENE, crs=CRS, min_area=8) is None


def test_mask_iou_edges():
    a = np.zeros((4, 4), bool)
    assert mask_iou(a, a) == 1.0
    b = a.copy()
    b[0, 0] = True
    assert mask_iou(a, b) == 0.0
    with pytest.raises(Exception, match="mask must be 2-D"):  # any error root subclass; a 3-D mask is refused
        mask_to_polygons(np.zeros((2, 2, 2), bool))
