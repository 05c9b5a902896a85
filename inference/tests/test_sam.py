"""MobileSAM on CPU with the real weights: builders and their errors, encode/decode, ONNX == torch, and the
geometry contract on real masks of the SpaceNet Atlanta scene. The model is loaded and each window encoded
once per module."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio
from shapely.geometry import shape

from inference import evaluation
from inference.errors import (
    InferenceError,
    InvalidImage,
    InvalidPrompt,
    UnknownArchitecture,
    WeightsChecksumMismatch,
    WeightsInvalid,
    WeightsMissing,
)
from inference.imagery_window import read_window, recipe_from_statistics
from inference.masks import mask_iou, mask_to_geometry, rasterize_geometry
from inference.sam import build_model, decode, default_checkpoint_path, encode, get_model, sha256_file
from inference.sam.onnx_decoder import OnnxDecoder, export_onnx_decoder
from inference.sam.predict import decode_all_torch, prepare_prompt, select_and_upscale
from inference.windows import Window, window_for_point

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "spacenet-atlanta"
SCENE = SAMPLES / "sample_geotiff.tif"
BUILDING = 0  # first polygon of geotiff_labels.geojson, a ~32 x 32 m roof in the scene's lower left


@pytest.fixture(scope="module")
def model():
    return get_model("vit_t")


@pytest.fixture(scope="module")
def scene():
    with rasterio.open(SCENE) as ds:
        yield ds


@pytest.fixture(scope="module")
def recipe(scene):
    return recipe_from_statistics(scene, bands=[1])


@pytest.fixture(scope="module")
def building(scene):
    features = json.loads((SAMPLES / "geotiff_labels.geojson").read_text())["features"]
    return shape(features[BUILDING]["geometry"])  # EPSG:32616, the scene CRS


@pytest.fixture(scope="module")
def fine_window(scene, building):
    """The level -2 window (256 source px upsampled to 1024) nearest the building's centroid, encoded once."""
    cx, cy = ~scene.transform @ (building.centroid.x, building.centroid.y)
    return window_for_point(x=cx, y=cy, level=-2)


@pytest.fixture(scope="module")
def fine(model, scene, recipe, fine_window):
    img = read_window(scene, fine_window, recipe)
    return img, encode(model, img.rgb)


@pytest.fixture(scope="module")
def fine_gt(scene, building, fine):
    img, _ = fine
    return rasterize_geometry(
        building, transform=img.transform, shape=(1024, 1024), crs=scene.crs, geometry_crs=scene.crs
    )


# ------------------------------------------------------------------------------------------------ builders


def test_model_is_built_once_per_process(model):
    assert get_model("vit_t") is model
    assert model.sha256 == sha256_file(default_checkpoint_path())
    assert model.device.type in ("cpu", "cuda")
    assert model.image_size == 1024


def test_missing_weights_name_the_file_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOLOOP_MODELS_DIR", str(tmp_path))
    with pytest.raises(WeightsMissing) as err:
        build_model("vit_t")
    assert str(tmp_path / "mobile_sam.pt") in str(err.value)
    assert "scripts/fetch_weights.sh" in str(err.value)
    with pytest.raises(WeightsMissing):
        build_model("vit_b")  # SAM needs an admin-supplied path
    with pytest.raises(WeightsMissing):
        build_model("vit_h", tmp_path / "sam_vit_h.pth")


def test_wrong_weights_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOLOOP_MODELS_DIR", str(tmp_path))
    (tmp_path / "mobile_sam.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(WeightsChecksumMismatch) as err:
        build_model("vit_t")
    assert "mobile_sam.pt" in str(err.value)
    assert "fetch_weights.sh" in str(err.value)
    with pytest.raises(WeightsChecksumMismatch):
        build_model("vit_t", default_checkpoint_path(), expected_sha256="0" * 64)
    with pytest.raises(WeightsInvalid):
        build_model("vit_b", tmp_path / "mobile_sam.pt")  # no expected sha: loads, fails, says so
    with pytest.raises(UnknownArchitecture):
        build_model("vit_x", tmp_path / "mobile_sam.pt")
    for cls in (WeightsMissing, WeightsChecksumMismatch, WeightsInvalid, UnknownArchitecture):
        assert issubclass(cls, InferenceError)


def test_wrong_checkpoint_for_the_architecture_is_refused(tmp_path):
    cp = tmp_path / "copy.pt"
    shutil.copyfile(default_checkpoint_path(), cp)
    with pytest.raises(WeightsInvalid):
        build_model("vit_b", cp)  # MobileSAM weights do not fit SAM ViT-B


# ------------------------------------------------------------------------------------------ encode / decode


def test_encode_shapes_and_bad_input(model, fine):
    _, emb = fine
    assert emb.shape == (1, 256, 64, 64)
    assert emb.dtype == np.float16
    assert np.isfinite(emb).all()
    with pytest.raises(InvalidImage):
        encode(model, np.zeros((512, 512, 3), np.uint8))
    with pytest.raises(InvalidImage):
        encode(model, np.zeros((1024, 1024, 3), np.float32))


def test_decode_validates_prompts(model, fine):
    _, emb = fine
    for pts, labels, kw in [
        (None, None, {}),
        ([[1, 2, 3]], [1], {}),
        ([[1, 2]], [2], {}),
        ([[1, 2]], [1, 0], {}),
        ([[np.nan, 2]], [1], {}),
        ([[1, 2]], [1], {"box": [5, 5, 1, 1]}),
        ([[1, 2]], [1], {"mask_logits": np.zeros((64, 64))}),
    ]:
        with pytest.raises(InvalidPrompt):
            decode(model, emb, pts, labels, **kw)


def test_click_inside_a_building_overlaps_its_ground_truth(model, scene, fine, fine_gt):
    """One click, as the protocol places it (deepest point of the building), default decoder, through the
    polygon and back. Measured on this CPU: IoU 0.72 for building 0 (the head's pick; the best candidate is
    0.89). The floor 0.6 leaves room for numeric drift yet fails on a georeferencing slip: a 3-source-pixel
    (1.5 m, 12 window px) offset on this ~127 px wide roof already costs about 0.1 IoU, and a wrong window or
    flipped axis gives ~0. The scene is hard (panchromatic, off-nadir; SOURCES.md reports mean 0.33 for one
    centre click over all 43 buildings), so a higher floor would test luck, not code."""
    img, emb = fine
    click = evaluation.next_click(fine_gt, np.zeros_like(fine_gt))
    out = decode(model, emb, [[click.x, click.y]], [1])
    assert out.mask.shape == (1024, 1024)
    assert out.mask.dtype == bool
    assert out.low_res_logits.shape == (256, 256)
    assert len(out.ious) == 3
    assert out.token in (1, 2, 3)
    geom = mask_to_geometry(out.mask, transform=img.transform, crs=scene.crs)
    back = rasterize_geometry(geom.wgs84, transform=img.transform, shape=(1024, 1024), crs=scene.crs)
    assert mask_iou(back, fine_gt) >= 0.6


def test_corrective_clicks_improve_the_mask(model, fine, fine_gt):
    """Three protocol clicks with logits fed back. Measured on this CPU for building 0: IoU 0.72, 0.90, 0.92 after
    clicks 1-3. The floor 0.75 sits between the first click and the corrected ones, so it fails when feeding
    the corrective clicks or the previous logits back stops helping."""
    _, emb = fine

    def predict(points, labels, prev):
        out = decode(model, emb, points, labels, mask_logits=prev)
        return out.mask, out.iou, out.low_res_logits

    res = evaluation.evaluate_object(predict, fine_gt, max_clicks=3)
    assert max(res.ious) >= 0.75


def test_polygon_reproduces_real_model_masks(model, scene, recipe, fine):
    """Geometry contract on real masks: rasterised back onto the grid, IoU >= 0.99 — on the zoomed window's
    grid and, with a level-0 window, on the scene's own grid."""
    img, emb = fine
    masks = [decode(model, emb, [[x, y]], [1], multimask=False).mask for x, y in [(300, 650), (520, 500)]]
    masks.append(decode(model, emb, None, None, box=[380, 380, 660, 640]).mask)
    for m in masks:
        assert m.sum() > 500
        geom = mask_to_geometry(m, transform=img.transform, crs=scene.crs)
        back = rasterize_geometry(geom.wgs84, transform=img.transform, shape=m.shape, crs=scene.crs)
        assert mask_iou(back, m) >= 0.99
    w0 = Window(level=0, col=0, row=0)  # scene pixel (0, 0) is window pixel (0, 0)
    img0 = read_window(scene, w0, recipe)
    emb0 = encode(model, img0.rgb)
    m0 = decode(model, emb0, [[150.5, 700.5]], [1], multimask=False).mask
    geom0 = mask_to_geometry(m0, transform=img0.transform, crs=scene.crs)
    on_scene = rasterize_geometry(geom0.wgs84, transform=scene.transform, shape=scene.shape, crs=scene.crs)
    assert m0[:900, :900].sum() > 200
    assert mask_iou(on_scene, m0[: scene.height, : scene.width]) >= 0.99


# ------------------------------------------------------------------------------------------------- ONNX


def test_onnx_decoder_matches_torch(model, fine, tmp_path):
    _, emb = fine
    onnx = OnnxDecoder(export_onnx_decoder(model, tmp_path / "decoder.onnx"))
    first = decode(model, emb, [[512.5, 512.5]], [1], backend="torch")
    prompts = [
        prepare_prompt([[512.5, 512.5]], [1]),
        prepare_prompt([[512.5, 512.5], [600, 420], [300, 300]], [1, 1, 0], mask_logits=first.low_res_logits),
        prepare_prompt(None, None, box=[380, 380, 660, 640]),
        prepare_prompt([[512.5, 512.5]], [0], box=[380, 380, 660, 640]),
    ]
    for prompt in prompts:
        t_low, t_iou = decode_all_torch(model, emb, prompt)
        o_low, o_iou = onnx.run(emb, prompt)
        np.testing.assert_allclose(o_iou, t_iou.numpy(), atol=1e-3)
        a = select_and_upscale(t_low, t_iou, multimask=prompt.multimask, size=1024)
        b = select_and_upscale(o_low, o_iou, multimask=prompt.multimask, size=1024)
        assert a.token == b.token
        assert mask_iou(a.mask, b.mask) >= 0.99
