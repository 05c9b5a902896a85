"""Multi-sensor stacks (annotator.imagery.stack): two synthetic rasters with known values on known grids, in
different CRSs and resolutions, stacked onto the finest one's grid; refusals."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import Affine
from rasterio.warp import transform as warp_transform

from annotator.imagery import FormatRefused
from annotator.imagery.cog import write_cog
from annotator.imagery.stack import STACK_NODATA, SourcesDoNotOverlap, StackSource, stack_sources
from annotator.tests.rasters import UTM_ORIGIN, make_raster

X0, Y0 = UTM_ORIGIN


def _write(path: Path, data: np.ndarray, *, crs: str, transform: Affine, nodata=None) -> Path:
    profile = {"driver": "GTiff", "width": data.shape[2], "height": data.shape[1], "count": data.shape[0],
               "dtype": str(data.dtype), "crs": crs, "transform": transform, "nodata": nodata}
    if data.shape[0] != 3:
        profile["photometric"] = "MINISBLACK"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(data)
    return path


def _optical(tmp_path: Path) -> tuple[Path, np.ndarray]:
    """3-band uint8, UTM 16N, 1 m pixels, 120 x 80, value = band*50 + (col % 40) (known per pixel)."""
    cols = np.arange(120)[None, :].repeat(80, axis=0)
    data = np.stack([(b * 50 + cols % 40) for b in range(3)]).astype("uint8")
    return _write(tmp_path / "optical.tif", data, crs="EPSG:32616",
                  transform=Affine(1.0, 0, X0, 0, -1.0, Y0)), data


def _sar_lonlat(tmp_path: Path, *, east_shift_m: float = 0.0) -> Path:
    """1-band float32 in EPSG:4326, about 3 m pixels, covering the optical raster with a margin: west half -12.5,
    east half -3.0 (the split on the meridian through the optical raster's column 60), nodata -9999 in its top row."""
    lons, lats = warp_transform("EPSG:32616", "EPSG:4326", [X0 - 60 + east_shift_m, X0 + 180 + east_shift_m,
                                                            X0 + 60 + east_shift_m], [Y0 + 60, Y0 - 140, Y0 - 40])
    west, east, split = lons
    north, south = lats[0], lats[1]
    res = 0.00003
    width, height = round((east - west) / res), round((north - south) / res)
    lon_of_col = west + (np.arange(width) + 0.5) * res
    data = np.where(lon_of_col[None, :] < split, -12.5, -3.0).repeat(height, axis=0)[None].astype("float32")
    data[0, 0, :] = -9999.0
    return _write(tmp_path / "sar.tif", data, crs="EPSG:4326", transform=Affine(res, 0, west, 0, -res, north),
                  nodata=-9999.0)


def test_stack_two_crs_two_resolutions_on_the_finest_grid(tmp_path):
    optical, values = _optical(tmp_path)
    sar = _sar_lonlat(tmp_path)
    out = tmp_path / "stack.tif"
    grid, descriptions = stack_sources([StackSource(str(sar), "sar.tif"), StackSource(str(optical), "optical.tif")],
                                       out)
    assert grid.reference == 1  # the optical file: 1 m beats ~3 m
    assert descriptions == ["sar.tif: band 1", "optical.tif: band 1", "optical.tif: band 2", "optical.tif: band 3"]
    with rasterio.open(out) as ds:
        assert ds.crs.to_epsg() == 32616
        assert ds.transform == Affine(1.0, 0, X0, 0, -1.0, Y0)  # the SAR covers it all: the optical grid exactly
        assert (ds.width, ds.height, ds.count) == (120, 80, 4)
        assert ds.dtypes == ("float32",) * 4
        assert ds.nodata == STACK_NODATA
        stack = ds.read()
    np.testing.assert_allclose(stack[1:], values.astype("float32"), atol=1e-4)  # optical bands untouched
    # The SAR split meridian passes near optical column 60; well away from it the values are the known ones.
    assert np.all(stack[0, 10:70, 5:50] == np.float32(-12.5))
    assert np.all(stack[0, 10:70, 72:115] == np.float32(-3.0))


def test_stack_partial_overlap_is_the_intersection_on_the_reference_grid(tmp_path):
    optical, values = _optical(tmp_path)
    # 2 m pixels in the same zone, shifted 50 m east and 20 m south: the overlap is cols 50..120, rows 20..80
    coarse = np.full((1, 60, 60), 7, dtype="uint16")
    other = _write(tmp_path / "coarse.tif", coarse, crs="EPSG:32616",
                   transform=Affine(2.0, 0, X0 + 50, 0, -2.0, Y0 - 20))
    out = tmp_path / "stack.tif"
    grid, _ = stack_sources([StackSource(str(optical), "optical.tif"), StackSource(str(other), "coarse.tif")], out)
    assert grid.reference == 0
    with rasterio.open(out) as ds:
        assert ds.transform == Affine(1.0, 0, X0 + 50, 0, -1.0, Y0 - 20)
        assert (ds.width, ds.height) == (70, 60)
        stack = ds.read()
    np.testing.assert_allclose(stack[:3], values[:, 20:80, 50:120].astype("float32"), atol=1e-4)
    assert np.all(stack[3] == 7.0)


def test_reference_chosen_by_the_admin(tmp_path):
    optical, _ = _optical(tmp_path)
    coarse = np.arange(60 * 40, dtype="uint16").reshape(1, 40, 60)
    other = _write(tmp_path / "coarse.tif", coarse, crs="EPSG:32616", transform=Affine(2.0, 0, X0, 0, -2.0, Y0))
    out = tmp_path / "stack.tif"
    _grid, _ = stack_sources([StackSource(str(optical), "o.tif"), StackSource(str(other), "c.tif")], out, reference=1)
    with rasterio.open(out) as ds:
        assert ds.transform == Affine(2.0, 0, X0, 0, -2.0, Y0)
        assert (ds.width, ds.height) == (60, 40)
        stack = ds.read()
    np.testing.assert_array_equal(stack[3], coarse[0].astype("float32"))  # the reference's own band, unchanged
    # a 2 x 2 average of the optical band 1 (values col % 40): pixel (0, 0) averages cols 0 and 1 -> 0.5
    assert stack[0, 0, 0] == pytest.approx(0.5)
    assert stack[0, 5, 3] == pytest.approx(6.5)


def test_nodata_kept_and_stacked_cog_keeps_descriptions(tmp_path):
    optical, _ = _optical(tmp_path)
    sar = _sar_lonlat(tmp_path)
    out = tmp_path / "stack.tif"
    stack_sources([StackSource(str(optical), "optical.tif"), StackSource(str(sar), "sar.tif")], out)
    cog = write_cog(out, tmp_path / "stack_cog.tif")
    with rasterio.open(cog) as ds:
        assert ds.descriptions == ("optical.tif: band 1", "optical.tif: band 2", "optical.tif: band 3",
                                   "sar.tif: band 1")
        assert ds.nodata == STACK_NODATA
        assert ds.read(4)[40, 10] == np.float32(-12.5)


def test_non_overlapping_sources_refused_with_a_reason(tmp_path):
    optical, _ = _optical(tmp_path)
    far = make_raster(tmp_path / "far.tif", bands=1, dtype="uint16", width=50, height=50, pixel=10.0)
    with rasterio.open(far, "r+") as ds:  # move it 5 km east
        ds.transform = Affine(10.0, 0, X0 + 5000, 0, -10.0, Y0)
    out = tmp_path / "stack.tif"
    with pytest.raises(SourcesDoNotOverlap) as caught:
        stack_sources([StackSource(str(optical), "optical.tif"), StackSource(str(far), "far.tif")], out)
    assert "far.tif does not overlap optical.tif" in str(caught.value)
    assert not out.exists()


def test_every_source_goes_through_the_guard(tmp_path):
    optical, _ = _optical(tmp_path)
    vrt = tmp_path / "disguised.tif"
    vrt.write_text(f'<VRTDataset rasterXSize="10" rasterYSize="10"><VRTRasterBand dataType="Byte" band="1">'
                   f'<SimpleSource><SourceFilename>{optical}</SourceFilename></SimpleSource></VRTRasterBand>'
                   '</VRTDataset>')
    out = tmp_path / "stack.tif"
    with pytest.raises(FormatRefused) as caught:
        stack_sources([StackSource(str(optical), "optical.tif"), StackSource(str(vrt), "disguised.tif")], out)
    assert "GDAL VRT" in str(caught.value)
    assert "disguised.tif" in str(caught.value)
    assert not out.exists()


def test_alpha_and_nodata_become_nodata_in_their_own_bands_only(tmp_path):
    with_alpha = make_raster(tmp_path / "a.tif", bands=3, alpha=True, nodata_corner=True, width=100, height=80)
    with_nodata = make_raster(tmp_path / "b.tif", bands=1, dtype="uint16", width=50, height=40, pixel=2.0)
    with rasterio.open(with_nodata, "r+") as ds:  # nodata in the b file's bottom-right quarter only
        data = ds.read(1)
        data[20:, 25:] = 0
        ds.write(data, 1)
        ds.nodata = 0
    out = tmp_path / "stack.tif"
    stack_sources([StackSource(str(with_alpha), "a.tif"), StackSource(str(with_nodata), "b.tif")], out)
    with rasterio.open(out) as ds, rasterio.open(with_alpha) as a:
        stack = ds.read()
        alpha_values = a.read(1)
    assert (stack[:3, :40, :50] == STACK_NODATA).all()  # transparent in a.tif (alpha 0)
    assert (stack[3, :40, :50] != STACK_NODATA).all()  # ... but b.tif has data there
    assert (stack[3, 42:, 52:] == STACK_NODATA).all()  # b.tif's nodata
    np.testing.assert_allclose(stack[0, 42:, 52:], alpha_values[42:, 52:].astype("float32"), atol=1e-4)
