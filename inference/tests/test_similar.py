"""Find similar's math on synthetic embeddings: exemplar features, the similarity map, the threshold from the data,
local maxima, merging across windows and non-maximum suppression."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from inference import similar

C, G = 16, 64


def _scene(seed: int = 0):
    """A 16 x 64 x 64 embedding: noisy background around one direction, five 3 x 3 "objects" around another."""
    rng = np.random.default_rng(seed)
    bg, obj = rng.normal(size=C), rng.normal(size=C)
    emb = bg[:, None, None] + 0.6 * rng.normal(size=(C, G, G))
    centres = [(10, 10), (10, 40), (30, 25), (50, 12), (52, 50)]
    truth = np.zeros((G, G), bool)
    for r, c in centres:
        emb[:, r - 1:r + 2, c - 1:c + 2] = obj[:, None, None] + 0.6 * rng.normal(size=(C, 3, 3))
        truth[r - 1:r + 2, c - 1:c + 2] = True
    return emb.astype(np.float32), centres, truth


def test_cell_coverage_and_exemplar_weights():
    mask = np.zeros((256, 256), bool)
    mask[0:8, 0:6] = True  # cell (0, 0) half covered (8 x 6 of 4 x 4 cells... in 4-pixel cells: 2 x 1.5 cells)
    cov = similar.cell_coverage(mask, 64)
    assert cov.shape == (64, 64)
    assert cov[0, 0] == 1.0
    assert cov[0, 1] == 0.5
    assert cov[0, 2] == 0.0
    assert cov.sum() == pytest.approx(mask.sum() / 16)
    w = similar.exemplar_weights(cov)
    assert w[0, 0] == 1.0
    assert w[0, 1] == 0.5
    assert w[2, 0] == 0.0
    tiny = np.zeros((64, 64), np.float32)
    tiny[5, 7], tiny[5, 8] = 0.1, 0.3  # smaller than half a cell everywhere: its best cell
    assert np.argwhere(similar.exemplar_weights(tiny) > 0).tolist() == [[5, 8]]
    with pytest.raises(ValueError, match="covers no"):
        similar.exemplar_weights(np.zeros((64, 64)))
    with pytest.raises(ValueError, match="multiple"):
        similar.cell_coverage(np.zeros((100, 100), bool), 64)


def test_similarity_map_peaks_at_the_other_objects():
    emb, centres, truth = _scene()
    cov = np.zeros((G, G), np.float32)
    r, c = centres[0]
    cov[r - 1:r + 2, c - 1:c + 2] = 1.0
    feat = similar.exemplar_feature(emb, cov)
    assert np.linalg.norm(feat) == pytest.approx(1.0, abs=1e-5)
    sim = similar.similarity_map(emb, feat)
    assert sim.shape == (G, G)
    assert sim.max() <= 1.0 + 1e-5
    assert sim[truth].mean() > sim[~truth].mean() + 0.3
    thr = similar.youden_threshold(sim[cov > 0], sim[cov == 0])
    peaks = similar.local_peaks(sim, threshold=thr, radius=2)  # half the exemplar's 3-cell side, rounded up
    found = {min(centres, key=lambda rc: (rc[0] - y) ** 2 + (rc[1] - x) ** 2) for y, x, _ in peaks}
    assert found == set(centres)  # every object, the exemplar included, is found
    assert len(peaks) == len(centres)  # one peak each, nothing from the background
    assert all(abs(y - cy) <= 1 and abs(x - cx) <= 1 for (y, x, _), (cy, cx) in
               zip(sorted(peaks), sorted(centres), strict=True))
    assert peaks == sorted(peaks, key=lambda p: -p[2])


def test_prototype_of_several_exemplars_and_other_seeds():
    for seed in (1, 2, 3):
        emb, centres, truth = _scene(seed)
        feats = []
        for r, c in centres[:3]:
            cov = np.zeros((G, G), np.float32)
            cov[r - 1:r + 2, c - 1:c + 2] = 1.0
            feats.append(similar.exemplar_feature(emb, cov))
        proto = similar.prototype(feats)
        sim = similar.similarity_map(emb, proto)
        one = similar.similarity_map(emb, feats[0])
        unseen = np.zeros_like(truth)
        for r, c in centres[3:]:
            unseen[r - 1:r + 2, c - 1:c + 2] = True
        # three exemplars average their noise away: the unseen objects look more like the prototype than like one
        assert sim[unseen].mean() > one[unseen].mean()
        assert np.median(sim[unseen]) > np.percentile(sim[~truth], 99)
    with pytest.raises(ValueError, match="at least one exemplar"):
        similar.prototype([])


def test_youden_threshold_from_the_data():
    pos = np.array([0.8, 0.85, 0.9])
    neg = np.array([0.1, 0.2, 0.3, 0.82])
    t = similar.youden_threshold(pos, neg)
    assert 0.3 < t < 0.8  # all positives kept, 3 of 4 negatives cut: J = 0.75 (above 0.82, J is only 0.67)
    assert similar.youden_threshold(pos, np.array([])) == 0.8
    assert similar.youden_threshold(np.array([0.5]), np.array([0.9, 0.95])) <= 0.5
    with pytest.raises(ValueError, match="no exemplar cells"):
        similar.youden_threshold(np.array([]), neg)


def test_local_peaks_radius_plateau_and_valid_cells():
    sim = np.zeros((20, 20))
    sim[5, 5], sim[5, 7] = 0.9, 0.8  # two maxima two cells apart
    sim[15, 15] = 0.7
    assert [(y, x) for y, x, _ in similar.local_peaks(sim, threshold=0.5, radius=1)] == [(5, 5), (5, 7), (15, 15)]
    assert [(y, x) for y, x, _ in similar.local_peaks(sim, threshold=0.5, radius=2)] == [(5, 5), (15, 15)]
    assert similar.local_peaks(sim, threshold=0.95, radius=1) == []
    plateau = np.zeros((10, 10))
    plateau[3:5, 3:5] = 1.0
    assert len(similar.local_peaks(plateau, threshold=0.5, radius=1)) == 1
    valid = np.ones((20, 20), bool)
    valid[5, 5] = False
    assert (5, 5) not in [(y, x) for y, x, _ in similar.local_peaks(sim, threshold=0.5, radius=2, valid=valid)]


def test_merge_points_across_windows():
    pts = [(100.0, 100.0, 0.9), (103.0, 101.0, 0.95), (200.0, 100.0, 0.7)]
    merged = similar.merge_points(pts, radius=10)
    assert merged == [(103.0, 101.0, 0.95), (200.0, 100.0, 0.7)]


def test_nms_keeps_the_best_of_each_object_and_skips_existing():
    a = shapely.box(0, 0, 10, 10)
    a2 = shapely.box(1, 0, 11, 10)  # IoU with a: 90 / 110
    b = shapely.box(20, 0, 30, 10)
    c = shapely.box(40, 0, 50, 10)
    items = [similar.Scored(1, 0.7, a), similar.Scored(2, 0.9, a2), similar.Scored(3, 0.8, b),
             similar.Scored(4, 0.6, c)]
    kept = similar.nms(items, existing=[shapely.box(40, 0, 49, 10)])
    assert [k.key for k in kept] == [2, 3]
    assert similar.iou(a, a2) == pytest.approx(90 / 110)
    assert similar.iou(shapely.Polygon(), shapely.Polygon()) == 0.0
    half = shapely.box(5, 0, 15, 10)  # IoU 1/3 with a: another object
    assert [k.key for k in similar.nms([similar.Scored(1, 0.7, a), similar.Scored(5, 0.6, half)])] == [1, 5]
