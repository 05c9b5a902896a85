"""``mask_keep_clicked`` in raster space: the parts holding positive clicks, pinholes filled, parts counted.

Checked against masks drawn by hand (expected output written out) and against the polygon reading of the same rule
(rasterio's 8-connected outlines, shapely ``covers`` for the clicks, hole rings' areas against the exterior
ring's), which the function used before it moved to raster space.
"""

from __future__ import annotations

import numpy as np
import pytest
import rasterio.features
from shapely.geometry import Point, Polygon, shape

from inference.masks import mask_keep_clicked


def _polygon_reading(mask, points, labels, share):
    """The rule read on polygons (no shortcut): what the function returned before, parts and holes as rings."""
    mask = np.asarray(mask, bool)
    if not mask.any():
        return mask, 0
    parts = [shape(g) for g, _v in rasterio.features.shapes(mask.astype(np.uint8), mask=mask, connectivity=8)]
    positives = [Point(x, y) for (x, y), lb in zip(points, labels, strict=True) if lb == 1]
    kept = [p for p in parts if any(p.covers(q) for q in positives)] or parts
    cleaned = []
    for poly in kept:
        shell = Polygon(poly.exterior).area
        cleaned.append(Polygon(poly.exterior, [r for r in poly.interiors if Polygon(r).area >= share * shell]))
    out = rasterio.features.rasterize([(p, 1) for p in cleaned], out_shape=mask.shape, fill=0, dtype=np.uint8)
    return out.astype(bool), len(cleaned)


def _drawn():
    """A (10 px pinhole + a courtyard with an unclicked island + a part joined to it only at a corner), C (a
    negative click), D (a 2 px hole, a click on its left edge), E (nothing)."""
    m = np.zeros((48, 48), bool)
    m[2:20, 2:20] = True  # A: 18 x 18 = 324 px inside its outline
    m[5, 5] = False  # pinhole: 1 px < 1% of 324 -> filled
    m[10:17, 10:17] = False  # courtyard, 49 px -> kept
    m[12:14, 12:14] = True  # an island in the courtyard: its own part, holds no click -> dropped
    m[20:25, 20:25] = True  # joined to A through the corner pixel (19, 19) - (20, 20): same 8-connected part
    m[30:35, 2:8] = True  # C
    m[30:38, 30:38] = True  # D: 64 px
    m[33, 33:35] = False  # D's 2 px hole (>= 0.64): kept
    m[42:46, 14:18] = True  # E
    return m


def test_keeps_the_clicked_parts_fills_only_pinholes_and_counts_them():
    m = _drawn()
    expected = np.zeros_like(m)
    expected[2:20, 2:20] = True
    expected[10:17, 10:17] = False
    expected[20:25, 20:25] = True
    expected[30:38, 30:38] = True
    expected[33, 33:35] = False
    points = [(3.5, 3.5), (4.2, 31.7), (30.0, 33.5)]  # in A; in C (negative); on D's left edge x = 30
    out, parts = mask_keep_clicked(m, points, [1, 0, 1])
    assert parts == 2
    assert np.array_equal(out, expected)
    assert m[5, 5] == np.False_
    assert m[12, 12]


def test_a_click_in_the_island_keeps_it_and_no_positive_click_keeps_every_part():
    m = _drawn()
    out, parts = mask_keep_clicked(m, [(12.5, 12.5)], [1])  # the island, 4 px, no holes
    assert parts == 1
    assert out.sum() == 4
    assert out[12:14, 12:14].all()
    out, parts = mask_keep_clicked(m, [(0.5, 0.5), (4.5, 31.5)], [1, 0])  # a positive on nothing, a negative
    assert parts == 5
    filled = m.copy()
    filled[5, 5] = True
    assert np.array_equal(out, filled)
    out, parts = mask_keep_clicked(np.zeros((8, 8), bool), [(1.5, 1.5)], [1])
    assert parts == 0
    assert not out.any()


def test_unchanged_mask_comes_back_as_is():
    m = np.zeros((32, 32), bool)
    m[4:20, 4:20] = True
    out, parts = mask_keep_clicked(m, [(6.5, 6.5)], [1])
    assert parts == 1
    assert out is m


@pytest.mark.parametrize("seed", range(12))
def test_agrees_with_the_polygon_reading_on_random_masks(seed):
    rng = np.random.default_rng(seed)
    step = int(rng.integers(3, 8))  # blobs: coarse noise, upsampled bilinearly
    coarse = rng.normal(size=(72 // step + 2, 72 // step + 2))
    t = np.arange(72) / step
    i, f = t.astype(int), t % 1
    rows = coarse[i] * (1 - f)[:, None] + coarse[i + 1] * f[:, None]
    field = rows[:, i] * (1 - f)[None, :] + rows[:, i + 1] * f[None, :]
    m = field > np.quantile(field, rng.uniform(0.45, 0.75))
    m &= ~(rng.random(m.shape) < 0.03)  # pinholes
    n = int(rng.integers(1, 5))
    points = [(float(x), float(y)) for x, y in rng.uniform(0, 72, size=(n, 2))]
    points.append((float(rng.integers(0, 72)), float(rng.integers(0, 72)) + 0.5))  # on a pixel edge
    labels = [int(v) for v in rng.integers(0, 2, size=n + 1)]
    share = float(rng.choice([0.01, 0.05, 0.2]))
    out, parts = mask_keep_clicked(m, points, labels, pinhole_share=share)
    ref, ref_parts = _polygon_reading(m, points, labels, share)
    assert parts == ref_parts
    assert np.array_equal(out, ref), f"{int((out != ref).sum())} pixels differ"


@pytest.mark.parametrize("seed", range(4))
def test_geojson_dict_is_the_text_round_trip(seed):
    """``_to_geojson`` builds the dict from the rings; it must equal what parsing shapely's GeoJSON text gives."""
    import json

    import shapely

    from inference.masks import _repair, _to_geojson, mask_to_polygons

    rng = np.random.default_rng(seed)
    poly = mask_to_polygons(rng.random((40, 40)) < 0.6, min_area=2)
    assert any(len(p.interiors) for p in poly.geoms)
    geom = _repair(shapely.transform(poly, lambda c: c * np.array([3.7e-6, -4.1e-6]) + np.array([-84.39, 33.75])))
    expected = json.loads(shapely.to_geojson(shapely.orient_polygons(geom, exterior_cw=False)))
    assert _to_geojson(geom) == expected
    assert _to_geojson(shapely.MultiPolygon()) == {"type": "MultiPolygon", "coordinates": []}
