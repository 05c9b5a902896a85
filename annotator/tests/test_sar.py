"""Complex SAR rasters become float32 amplitude in dB, streamed by windows, through the imagery guard."""

import numpy as np
import pytest
import rasterio
from affine import Affine

from annotator.imagery import RasterTooLarge
from annotator.imagery import sar as sar_module
from annotator.imagery.cog import write_cog
from annotator.imagery.guard import RasterLimits
from annotator.imagery.inspect import inspect_raster
from annotator.imagery.recipe import recipe_default
from annotator.imagery.sar import DB_NODATA, amplitude_db
from annotator.tests.rasters import UTM_ORIGIN

# amplitude |z| -> expected dB (20*log10|z|)
KNOWN = [(1 + 0j, 0.0), (10 + 0j, 20.0), (0 + 10j, 20.0), (3 + 4j, 20 * np.log10(5)), (0.1 + 0j, -20.0),
         (-100 + 0j, 40.0), (1000 + 0j, 60.0)]


def make_sar(path, *, dtype="complex64", width=300, height=200, block=64, bands=1, nodata=None):
    """A complex raster whose rows cycle through KNOWN amplitudes, with a zero-amplitude column 0."""
    values = np.array([z for z, _ in KNOWN], dtype="complex64")
    data = np.empty((bands, height, width), dtype="complex64")
    for b in range(bands):
        data[b] = values[(np.arange(height)[:, None] + b) % len(values)] * np.ones((1, width))
    data[:, :, 0] = 0
    profile = {"driver": "GTiff", "width": width, "height": height, "count": bands, "dtype": dtype,
               "crs": "EPSG:32616", "transform": Affine(10, 0, UTM_ORIGIN[0], 0, -10, UTM_ORIGIN[1]),
               "tiled": True, "blockxsize": block, "blockysize": block}
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
    return path


def expected_db(row: int, band: int = 0) -> float:
    return KNOWN[(row + band) % len(KNOWN)][1]


def test_amplitude_db_of_known_values():
    z = np.array([z for z, _ in KNOWN] + [0j, complex(np.nan, 0)], dtype="complex64")
    out = amplitude_db(z)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[:len(KNOWN)], [db for _, db in KNOWN], atol=1e-4)
    assert out[-2] == DB_NODATA
    assert out[-1] == DB_NODATA


@pytest.mark.parametrize("dtype", ["complex64", "complex_int16"])
def test_complex_raster_becomes_a_float32_db_cog_with_known_values(tmp_path, dtype):
    src = make_sar(tmp_path / "slc.tif", dtype=dtype, bands=2)
    cog = write_cog(src, tmp_path / "out" / "scene.tif")
    info = inspect_raster(cog)
    assert info.dtype == "float32"
    assert info.band_count == 2
    assert info.radiometry == "amplitude_db"
    with rasterio.open(cog) as ds:
        assert ds.nodata == DB_NODATA
        data = ds.read()
        mask = ds.read_masks(1)
    for band in range(2):
        for row in range(info.height):
            want = expected_db(row, band)
            got = data[band, row, 1:]
            # 0.1 rounds to 0 in complex_int16: that row is zero amplitude there, so nodata
            if dtype == "complex_int16" and KNOWN[(row + band) % len(KNOWN)][0] == 0.1 + 0j:
                assert (got == DB_NODATA).all()
                continue
            np.testing.assert_allclose(got, want, atol=1e-4)
    assert (data[:, :, 0] == DB_NODATA).all()
    assert (mask[:, 0] == 0).all()
    assert (mask[:, 1:] == 255).any()
    recipe = recipe_default(cog, band_count=info.band_count)
    assert recipe["bands"] == [1]
    assert -20 - 1e-3 <= recipe["min"][0] < recipe["max"][0] <= 60 + 1e-3
    assert list((tmp_path / "out").iterdir()) == [cog]  # the intermediate dB file is gone


def test_source_nodata_becomes_db_nodata(tmp_path):
    src = make_sar(tmp_path / "slc.tif", nodata=0)
    cog = write_cog(src, tmp_path / "scene.tif")
    with rasterio.open(cog) as ds:
        assert (ds.read(1)[:, 0] == DB_NODATA).all()


def test_conversion_streams_by_windows(tmp_path, monkeypatch):
    """No read covers more than one window: the whole raster is never in memory."""
    monkeypatch.setattr(sar_module, "WINDOW", 64)
    src_path = make_sar(tmp_path / "slc.tif", width=300, height=200, block=32)
    sizes = []
    with rasterio.open(src_path) as src:
        original = src.read

        class Spy:
            def __getattr__(self, name):
                return getattr(src, name)

            def read(self, *args, **kwargs):
                window = kwargs["window"]
                sizes.append(window.width * window.height)
                return original(*args, **kwargs)

        sar_module.complex_to_db(Spy(), tmp_path / "db.tif")
    assert len(sizes) > 10
    assert max(sizes) <= 64 * 64
    with rasterio.open(tmp_path / "db.tif") as ds:
        np.testing.assert_allclose(ds.read(1)[:, 5], [expected_db(r) for r in range(200)], atol=1e-4)


def test_the_guard_still_applies_to_complex_rasters(tmp_path):
    src = make_sar(tmp_path / "slc.tif", width=300, height=200)
    with pytest.raises(RasterTooLarge):
        write_cog(src, tmp_path / "out.tif", limits=RasterLimits(max_pixels=1000))
    with pytest.raises(RasterTooLarge):
        inspect_raster(src, limits=RasterLimits(max_pixels=1000))
    assert not (tmp_path / "out.tif").exists()
