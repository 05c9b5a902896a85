"""Click simulator and metrics of the evaluation protocol, on synthetic masks."""

import numpy as np
import pytest

from inference import evaluation as ev


def _brute_edt(region: np.ndarray) -> np.ndarray:
    padded = np.pad(region, 1)
    zeros = np.argwhere(~padded)
    out = np.zeros(padded.shape)
    for r, c in np.argwhere(padded):
        out[r, c] = np.sqrt(((zeros - (r, c)) ** 2).sum(axis=1)).min()
    return out[1:-1, 1:-1]


def test_distance_transform_matches_brute_force():
    rng = np.random.default_rng(7)
    for _ in range(25):
        shape = tuple(rng.integers(5, 30, size=2))
        region = rng.random(shape) < rng.uniform(0.3, 0.98)
        np.testing.assert_allclose(ev.distance_transform(region), _brute_edt(region))
    assert not ev.distance_transform(np.zeros((4, 4), bool)).any()
    # the image border counts as boundary: a full image's centre is half its side from the edge
    assert ev.distance_transform(np.ones((9, 9), bool)).max() == 5.0


def _square(shape=(64, 64), r0=10, r1=41, c0=20, c1=51):
    m = np.zeros(shape, bool)
    m[r0:r1, c0:c1] = True
    return m


def test_first_click_is_positive_at_the_objects_centre():
    gt = _square()
    click = ev.next_click(gt, np.zeros_like(gt))
    assert click.positive
    assert (click.x, click.y) == (35.5, 25.5)  # centre pixel (row 25, col 35) at its pixel centre


def test_click_is_negative_on_the_larger_false_positive():
    gt = _square()
    pred = gt | _square(r0=45, r1=64, c0=0, c1=64)  # a big false-positive band below
    pred[25, 35] = False  # a one-pixel false negative
    click = ev.next_click(gt, pred)
    assert not click.positive
    assert 45 <= click.y <= 64
    assert ev.next_click(gt, gt) is None


def test_evaluate_object_feeds_logits_back_and_counts_clicks():
    gt = _square()
    seen = []

    def predict(points, labels, prev):
        seen.append((points.copy(), labels.copy(), prev))
        n = len(points)
        mask = np.zeros_like(gt)
        if n >= 3:
            mask = gt.copy()
        elif n == 2:
            mask[10:41, 20:40] = True  # IoU 20/31
        return mask, 0.5 + 0.1 * n, f"logits{n}"

    res = ev.evaluate_object(predict, gt, max_clicks=20)
    assert res.ious[-1] == 1.0
    assert len(res.ious) == 3
    assert res.stopped_perfect
    assert [s[2] for s in seen] == [None, "logits1", "logits2"]
    assert seen[2][1].tolist() == [1, 1, 1]
    assert res.noc(0.85) == 3
    assert res.noc(0.5) == 2
    assert res.iou_after(1) == 0.0
    assert res.iou_after(5) == 1.0
    early = ev.evaluate_object(predict, gt, target_iou=0.6)
    assert len(early.ious) == 2


def test_never_reaching_counts_max_clicks():
    gt = _square()
    res = ev.evaluate_object(lambda p, lab, prev: (np.zeros_like(gt), 0.9, None), gt, max_clicks=20)
    assert len(res.ious) == 20
    assert res.noc(0.8) == 20
    assert not res.reached(0.8)


def test_summary_metrics():
    a = ev.ObjectResult(
        ious=(0.5, 0.82, 0.86, 0.95), predicted_ious=(0.5, 0.8, 0.9, 0.9), seconds=(0.01,) * 4, clicks=()
    )
    b = ev.ObjectResult(ious=(0.1,) * 20, predicted_ious=(0.9,) * 20, seconds=(0.03,) * 20, clicks=())
    s = ev.summarize([a, b])
    assert s.noc == {"NoC@80": (2 + 20) / 2, "NoC@85": (3 + 20) / 2, "NoC@90": (4 + 20) / 2}
    assert s.never == {"NoC@80": 1, "NoC@85": 1, "NoC@90": 1}
    assert s.miou["mIoU@1"] == pytest.approx(0.3)
    assert s.miou["mIoU@5"] == pytest.approx((0.95 + 0.1) / 2)
    assert s.time_per_click_ms["p50"] == pytest.approx(30.0)
    d = s.as_dict()
    assert d["NoC@85"] == 11.5
    assert d["never@85"] == 1
    assert d["n_clicks"] == 24


def test_expected_calibration_error():
    assert ev.expected_calibration_error([0.15, 0.55, 0.95], [0.15, 0.55, 0.95]) == pytest.approx(0.0)
    # all predictions 0.9, real 0.5: one bin, gap 0.4
    assert ev.expected_calibration_error([0.9] * 4, [0.5] * 4) == pytest.approx(0.4)
    # predicted IoU above 1 (SAM's head can say 1.01) is clipped into the last bin
    assert ev.expected_calibration_error([1.02, 1.0], [1.0, 1.0]) == pytest.approx(0.0)
