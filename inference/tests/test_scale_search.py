"""Scale search and scored decoding on the real Atlanta scene with the real MobileSAM (CPU)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
from shapely.geometry import shape

from inference import evaluation
from inference.imagery_window import read_window, recipe_from_statistics
from inference.masks import rasterize_geometry
from inference.sam import encode, get_model
from inference.sam.predict import decode_scored, scale_search, upscale
from inference.scoring import SizePrior
from inference.windows import window_for_point

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "spacenet-atlanta"
SCENE = SAMPLES / "sample_geotiff.tif"


@pytest.fixture(scope="module")
def setup():
    model = get_model("vit_t")
    with rasterio.open(SCENE) as ds:
        recipe = recipe_from_statistics(ds, bands=[1])
        features = json.loads((SAMPLES / "geotiff_labels.geojson").read_text())["features"]
        polys = [shape(f["geometry"]) for f in features]
        cache: dict[str, np.ndarray] = {}

        def embedding_for(window):
            if window.key not in cache:
                cache[window.key] = encode(model, read_window(ds, window, recipe).rgb)
            return cache[window.key]

        yield model, ds, polys, embedding_for, cache


def _gt(poly, window, ds):
    return rasterize_geometry(poly, transform=window.geo_transform(ds.transform), shape=(window.size, window.size),
                              crs=ds.crs, geometry_crs=ds.crs)


def test_scale_search_answers_on_the_coarse_grid_from_a_finer_window(setup):
    model, ds, polys, embedding_for, cache = setup
    poly = polys[0]
    x, y = ~ds.transform * (poly.representative_point().x, poly.representative_point().y)
    coarse = window_for_point(x=x, y=y, level=-1)
    u, v = coarse.scene_to_window(x, y)
    gsd = abs(ds.transform.a)
    found = scale_search(model, window=coarse, point_px=(u, v), embedding_for=embedding_for,
                         pixel_area_m2=(gsd * coarse.scale) ** 2)
    assert found is not None
    logits, choice, fine = found
    assert fine.level == coarse.level - 1
    assert fine.key in cache
    assert fine.contains(x, y, margin=fine.size / 4 - 1)  # the click is well inside the finer window
    assert logits.shape == (256, 256)
    assert 0.0 <= choice.quality <= 1.0
    mask = upscale(logits, coarse.size)
    assert mask[int(v), int(u)]  # the answer holds the click, at the right place on the coarse grid
    # it overlaps the building it was asked about
    assert evaluation.iou(_gt(poly, coarse, ds), mask) > 0.1
    # no embedding at hand -> no search (the decode step never waits for an encode)
    assert scale_search(model, window=coarse, point_px=(u, v), embedding_for=lambda w: None) is None


def test_scored_decode_keeps_clicks_and_quality_is_a_probability(setup):
    model, ds, polys, embedding_for, _cache = setup
    gsd = abs(ds.transform.a)
    prior = SizePrior.from_areas([p.area for p in polys[1::2]])
    for poly in polys[:6:2]:
        x, y = ~ds.transform * (poly.representative_point().x, poly.representative_point().y)
        window = window_for_point(x=x, y=y, level=-2)
        u, v = window.scene_to_window(x, y)
        out = decode_scored(model, embedding_for(window), [(u, v)], [1], size_prior=prior,
                            pixel_area_m2=(gsd * window.scale) ** 2)
        assert 0.0 <= out.quality <= 1.0
        assert out.token in (1, 2, 3)
        assert out.mask[int(v), int(u)]
        assert out.parts == 1
        assert set(out.features) >= {"piou", "stability", "share", "border", "size_z"}
        # a negative click next to it: all four tokens compete, the answer still holds the positive click
        out2 = decode_scored(model, embedding_for(window), [(u, v), (u + 60, v + 60)], [1, 0], size_prior=prior,
                             pixel_area_m2=(gsd * window.scale) ** 2, mask_logits=out.low_res_logits)
        assert 0.0 <= out2.quality <= 1.0
        assert out2.mask[int(v), int(u)]
