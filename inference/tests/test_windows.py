"""Window geometry: levels from zoom, window for a prompt, transforms, viewport ordering."""

import itertools
import math

import pytest
from affine import Affine

from inference.windows import (
    Window,
    choose_level,
    max_useful_level,
    window_for_point,
    window_for_prompt,
    windows_for_scene,
    windows_in_viewport,
)


def test_window_key_round_trip_and_bad_key():
    w = Window(level=-2, col=-1, row=7, size=1024)
    assert w.key == "L-2/c-1/r7/s1024"
    assert Window.from_key(w.key) == w
    for bad in ("", "L0/c1/r2", "X0/c1/r2/s1024", "L0/c1/rx/s1024"):
        with pytest.raises(ValueError, match="malformed window key"):
            Window.from_key(bad)


@pytest.mark.parametrize(
    ("map_res", "expected"),
    [
        (0.125, -2),  # zoomed in 4x past native: 256 source px per window
        (0.25, -1),
        (0.5, 0),  # native resolution
        (0.7, 0),  # ratio 1.4: nearest power of two in log space is 1
        (0.75, 1),  # ratio 1.5: log2 = 0.58 -> 2
        (2.0, 2),
        (16.0, 3),  # clamped to the coarsest overview
        (0.01, -2),  # clamped to the finest level
    ],
)
def test_choose_level_follows_zoom(map_res, expected):
    assert choose_level(map_resolution=map_res, gsd=0.5, min_level=-2, max_level=3) == expected


def test_choose_level_rejects_nonsense():
    with pytest.raises(ValueError, match="map_resolution and gsd must be positive"):
        choose_level(map_resolution=0, gsd=0.5, max_level=2)
    with pytest.raises(ValueError, match="min_level 3 > max_level 2"):
        choose_level(map_resolution=1, gsd=0.5, min_level=3, max_level=2)


def test_max_useful_level():
    assert max_useful_level(width=900, height=900) == 0
    assert max_useful_level(width=1025, height=10) == 1
    assert max_useful_level(width=5000, height=3000) == 3


@pytest.mark.parametrize("level", [-2, -1, 0, 1, 3])
def test_window_for_point_is_nearest_centre_with_margin(level):
    size = 1024
    for x, y in [(0.5, 0.5), (3.0, 899.0), (450.2, 451.7), (899.5, 0.1), (1234.5, 77.0)]:
        w = window_for_point(x=x, y=y, level=level, size=size)
        # the point sits at least a quarter window from every edge
        assert w.contains(x, y, margin=size / 4 - 1e-9)
        # and no grid window nearby has a nearer centre
        nearby = itertools.product(range(w.col - 2, w.col + 3), range(w.row - 2, w.row + 3))
        best = min((Window(level, c, r, size) for c, r in nearby), key=lambda o: math.dist(o.center, (x, y)))
        assert math.dist(best.center, (x, y)) == pytest.approx(math.dist(w.center, (x, y)))


def test_window_for_prompt_uses_centroid_of_points_and_box():
    w = window_for_prompt(points=[(100, 100), (140, 120)], box=(100, 100, 140, 120), level=-2)
    assert w == window_for_point(x=120, y=110, level=-2)
    with pytest.raises(ValueError, match="a prompt needs at least one point or a box"):
        window_for_prompt(points=[], level=0)


def test_scene_window_transforms_round_trip_and_georeference():
    scene = Affine(0.5, 0, 733601.0, 0, -0.5, 3725139.0)
    w = Window(level=-2, col=3, row=5, size=1024)
    assert w.origin == (384.0, 640.0)
    assert w.extent == 256.0
    assert w.stride == 128.0
    u, v = w.scene_to_window(400.25, 700.5)
    assert (u, v) == (65.0, 242.0)
    assert w.window_to_scene(u, v) == (400.25, 700.5)
    geo = w.geo_transform(scene)
    assert geo @ (u, v) == pytest.approx(scene @ (400.25, 700.5))
    # level 0, window (0, 0): the window grid is the scene grid
    assert Window(0, 0, 0).geo_transform(scene) == scene


def test_windows_for_scene_cover_scene_with_half_overlap():
    at0 = windows_for_scene(level=0, width=900, height=900)
    assert len(at0) == 9  # cols/rows -1, 0, 1 (stride 512)
    at_m2 = windows_for_scene(level=-2, width=900, height=900)
    assert {w.col for w in at_m2} == set(range(-1, 8))
    # every scene pixel is covered by windows with it at least size/4 from the edge (some window)
    for x, y in [(0.5, 0.5), (899.5, 899.5), (300, 600)]:
        assert any(w.contains(x, y, margin=256) for w in at_m2)


def test_windows_in_viewport_nearest_centre_first():
    vp = (200.0, 300.0, 700.0, 600.0)
    found = windows_in_viewport(viewport=vp, level=-2, width=900, height=900)
    cx, cy = 450.0, 450.0
    dists = [math.dist(w.center, (cx, cy)) for w in found]
    assert dists == sorted(dists)
    assert found[0].contains(cx, cy, margin=256)
    for w in found:  # each meets the viewport and the scene
        x0, y0, x1, y1 = w.bounds
        assert x0 < vp[2]
        assert x1 > vp[0]
        assert y0 < vp[3]
        assert y1 > vp[1]
        assert x0 < 900
        assert y0 < 900
        assert x1 > 0
        assert y1 > 0
    expected = {
        (c, r)
        for c in range(-1, 9)
        for r in range(-1, 9)
        if c * 128 < 700 and c * 128 + 256 > 200 and r * 128 < 600 and r * 128 + 256 > 300
    }
    assert {(w.col, w.row) for w in found} == expected
    assert windows_in_viewport(viewport=vp, level=-2, width=900, height=900, limit=3) == found[:3]
    # a viewport off the scene has no windows
    assert windows_in_viewport(viewport=(1000, 1000, 1200, 1200), level=0, width=900, height=900) == []
    with pytest.raises(ValueError, match="empty viewport"):
        windows_in_viewport(viewport=(5, 5, 5, 9), level=0, width=900, height=900)


def test_small_scene_fits_one_window_and_prompt_candidates_prefer_reuse():
    from inference.windows import prompt_window_candidates, scene_window

    # a 400 px scene fits one window at level -1 (512 px) and at 0, not at -2 (256 px)
    assert scene_window(level=-1, width=400, height=300) == Window(-1, 0, 0)
    assert scene_window(level=-2, width=400, height=300) is None
    near_edge = [(390.0, 10.0)]
    cands = prompt_window_candidates(points=near_edge, level=-1, width=400, height=300)
    assert cands[0] == window_for_prompt(points=near_edge, level=-1)
    assert Window(-1, 0, 0) in cands  # the whole-scene window can serve it once encoded
    # on a large scene: every candidate holds the prompt with a margin of size / 8, nearest first
    pts = [(5300.0, 7300.0)]
    cands = prompt_window_candidates(points=pts, level=0, width=20000, height=20000)
    assert cands[0] == window_for_prompt(points=pts, level=0)
    assert len(cands) > 1
    assert len(set(cands)) == len(cands)
    for w in cands[1:]:
        assert all(w.contains(x, y, margin=w.size / 8) for x, y in pts)
    d = [math.hypot(w.center[0] - 5300, w.center[1] - 7300) for w in cands[1:]]
    assert d == sorted(d)
