"""Reading windows from a COG at the window's scale, with the render recipe. Tiny rasters are made by code."""

from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine

from inference.errors import ImageryError, InferenceError
from inference.imagery_window import apply_recipe, read_window, recipe_from_statistics, validate_recipe
from inference.windows import Window

ATLANTA = Path(__file__).resolve().parents[2] / "samples" / "spacenet-atlanta" / "sample_geotiff.tif"
TRANSFORM = Affine(2.0, 0, 500000.0, 0, -2.0, 4000000.0)


@pytest.fixture(scope="module")
def rgb_scene(tmp_path_factory) -> Path:
    """300 x 200, 3 bands uint16: band b holds 1000*b + col + 300*(row % 2)... simple, exact to check."""
    path = tmp_path_factory.mktemp("scene") / "rgb.tif"
    rows, cols = np.mgrid[:200, :300]
    data = np.stack([(1000 * b + cols + 2 * rows) for b in (1, 2, 3)]).astype(np.uint16)
    profile = dict(
        driver="GTiff",
        width=300,
        height=200,
        count=3,
        dtype="uint16",
        crs="EPSG:32618",
        transform=TRANSFORM,
        tiled=True,
        blockxsize=64,
        blockysize=64,
    )
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(data)
        ds.build_overviews([2, 4])
    return path


RECIPE = {"bands": [3, 2, 1], "min": [3000, 2000, 1000], "max": [3255, 2255, 1255]}


def test_native_window_is_exact_and_black_outside(rgb_scene):
    w = Window(level=0, col=-1, row=0, size=256)  # origin (-128, 0): half outside on the left
    out = read_window(rgb_scene, w, RECIPE)
    assert out.rgb.shape == (256, 256, 3)
    assert out.rgb.dtype == np.uint8
    rows, cols = np.mgrid[:200, :128]
    expected = np.clip(cols + 2 * rows, 0, 255)
    np.testing.assert_array_equal(out.rgb[:200, 128:, 0], expected)  # red = band 3 stretched from 3000
    np.testing.assert_array_equal(out.rgb[:200, 128:, 2], expected)
    assert not out.rgb[:, :128].any()
    assert not out.rgb[200:].any()
    assert out.transform == TRANSFORM @ Affine.translation(-128, 0)
    assert out.crs.to_epsg() == 32618


def test_zoomed_in_and_overview_windows_keep_georeferencing(rgb_scene):
    fine = read_window(rgb_scene, Window(level=-1, col=1, row=1, size=128), RECIPE)  # 64 source px -> 128
    assert fine.transform.a == 1.0
    assert fine.transform @ (0, 0) == TRANSFORM @ (32, 32)
    # upsampled 2x: window pixel (2i+1, 2j+1) sits near source pixel (32+i, 32+j)
    assert abs(int(fine.rgb[41, 21, 0]) - min(255, (32 + 10) + 2 * (32 + 20))) <= 2
    coarse = read_window(rgb_scene, Window(level=1, col=0, row=0, size=128), RECIPE)  # 256 px -> 128
    assert coarse.transform.a == 4.0
    assert abs(int(coarse.rgb[10, 20, 0]) - min(255, (40.5) + 2 * (20.5))) <= 2  # averages 2x2 blocks


def test_single_band_is_grey_and_recipe_errors(rgb_scene):
    grey = read_window(rgb_scene, Window(0, 0, 0, 64), {"bands": [1], "min": [1000], "max": [1255]})
    assert (grey.rgb[..., 0] == grey.rgb[..., 1]).all()
    assert (grey.rgb[..., 1] == grey.rgb[..., 2]).all()
    for bad in (
        {"bands": [4], "min": [0], "max": [1]},
        {"bands": [1, 2], "min": [0, 0], "max": [1, 1]},
        {"bands": [1], "min": [5], "max": [5]},
        {"bands": [1]},
    ):
        with pytest.raises(ImageryError):
            validate_recipe(bad, band_count=3)
    with pytest.raises(InferenceError):
        read_window(rgb_scene.with_name("missing.tif"), Window(0, 0, 0, 64), RECIPE)


def test_apply_recipe_clips():
    data = np.array([[[0, 50, 100, 200]]], dtype=np.uint16)
    out = apply_recipe(data, {"bands": [1], "min": [50], "max": [150]})
    assert out[0, :, 0].tolist() == [0, 0, 128, 255]


def test_atlanta_window_and_recipe():
    recipe = recipe_from_statistics(ATLANTA, bands=[1])
    assert recipe["bands"] == [1]
    assert 50 < recipe["min"][0] < recipe["max"][0] < 3000
    with rasterio.open(ATLANTA) as ds:
        out = read_window(ds, Window(level=-2, col=2, row=3), recipe)
        assert out.rgb.shape == (1024, 1024, 3)
        assert out.transform == ds.transform @ Affine.translation(256, 384) @ Affine.scale(0.25)
        assert 60 < out.rgb.mean() < 200
