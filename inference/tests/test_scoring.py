"""Candidate scoring, calibration and mask post-processing (pure: no Django, no model)."""

from __future__ import annotations

import numpy as np
import pytest

from inference.calibration import Calibrator, LogisticQuality, default_calibrator, isotonic_fit, rankers_fit
from inference.evaluation import expected_calibration_error
from inference.masks import mask_keep_clicked
from inference.scoring import (
    FEATURES,
    SizePrior,
    candidate_features,
    candidate_tokens,
    choose,
    coarser_logits,
    fills_window,
    finer_logits,
    focus_window_after,
)
from inference.windows import FOCUS_MIN_LEVEL, Window, focus_level, window_for_point

N = 256


def _disc(cx: float, cy: float, r: float) -> np.ndarray:
    yy, xx = np.mgrid[0:N, 0:N] + 0.5
    d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
    return (r - d).astype(np.float32) * 2.0  # logits: positive inside, sloped edge


def _synthetic(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose true IoU rises with predicted IoU and stability and falls with window share and size z."""
    x = np.zeros((n, len(FEATURES)))
    col = {k: i for i, k in enumerate(FEATURES)}
    x[:, col["piou"]] = rng.uniform(0.4, 1.05, n)
    x[:, col["stability"]] = rng.uniform(0.5, 1.0, n)
    x[:, col["share"]] = rng.uniform(0.0, 0.9, n)
    x[:, col["border"]] = (x[:, col["share"]] > 0.5) * rng.choice([0.5, 0.75, 1.0], n)
    x[:, col["pos_in"]] = 1.0
    x[:, col["neg_out"]] = 1.0
    x[:, col["size_z"]] = rng.uniform(0, 4, n)
    x[:, col["size_known"]] = 1.0
    logit = (3 * (x[:, col["piou"]] - 0.8) + 2 * (x[:, col["stability"]] - 0.8) - 4 * x[:, col["share"]]
             - 0.8 * x[:, col["size_z"]] + 1.0)
    y = np.clip(1 / (1 + np.exp(-logit)) + rng.normal(0, 0.05, n), 0, 1)
    return x, y


def test_calibrator_fit_recovers_signs_and_is_calibrated_on_fresh_data():
    rng = np.random.default_rng(0)
    x, y = _synthetic(rng, 3000)
    ranker = LogisticQuality.fit(x, y)
    raw = ranker.score(x)
    cal = Calibrator(ranker=ranker, isotonic=isotonic_fit(raw, y, min_block=30))
    xt, yt = _synthetic(rng, 3000)
    assert expected_calibration_error(cal.predict(xt), yt) < 0.03
    # more window share, everything else equal -> lower expected IoU; more predicted IoU -> higher
    base = xt[:1].copy()
    more_share = base.copy()
    more_share[0, FEATURES.index("share")] += 0.4
    more_piou = base.copy()
    more_piou[0, FEATURES.index("piou")] += 0.3
    assert cal.raw(more_share)[0] < cal.raw(base)[0] < cal.raw(more_piou)[0]


def _two_regimes(rng: np.random.Generator, n_first: int, n_later: int):
    """Rows of two kinds, as a click path gives them: triples of multimask candidates of a first click, whose real
    IoU falls with window share and does not follow predicted IoU, and many more single-mask answers of later
    clicks, whose real IoU follows predicted IoU."""
    col = {k: i for i, k in enumerate(FEATURES)}
    first = np.zeros((n_first, 3, len(FEATURES)))
    first[..., col["piou"]] = rng.uniform(0.6, 1.05, (n_first, 3))
    first[..., col["share"]] = rng.uniform(0.0, 0.6, (n_first, 3))
    first[..., col["stability"]] = rng.uniform(0.6, 1.0, (n_first, 3))
    y_first = np.clip(0.9 - 1.4 * first[..., col["share"]] + rng.normal(0, 0.03, (n_first, 3)), 0, 1)
    later = np.zeros((n_later, len(FEATURES)))
    later[:, col["piou"]] = rng.uniform(0.6, 1.05, n_later)
    later[:, col["share"]] = rng.uniform(0.0, 0.6, n_later)
    later[:, col["stability"]] = rng.uniform(0.6, 1.0, n_later)
    later[:, col["single"]] = 1.0
    later[:, col["clicks"]] = rng.uniform(1, 4.3, n_later)
    y_later = np.clip(2.0 * (later[:, col["piou"]] - 0.6) + rng.normal(0, 0.03, n_later), 0, 1)
    for x in (first, later):
        x[..., col["pos_in"]] = x[..., col["neg_out"]] = 1.0
    return first, y_first, later, y_later


def test_first_click_candidates_are_ranked_by_their_own_ranker():
    """One ranker for every row lets the many later-click rows set the weights that rank a first click's
    candidates; the split calibrator ranks them by what decides among them (here: window share)."""
    rng = np.random.default_rng(3)
    first, y_first, later, y_later = _two_regimes(rng, 60, 1500)
    x = np.concatenate([first.reshape(-1, len(FEATURES)), later])
    y = np.concatenate([y_first.reshape(-1), y_later])
    split = rankers_fit(x, y)
    joint = Calibrator(ranker=LogisticQuality.fit(x, y))
    assert split.single is not None
    test_first, test_y, test_later, test_y_later = _two_regimes(rng, 200, 200)

    def chosen_iou(cal: Calibrator) -> float:
        picks = [int(np.argmax(cal.predict(c))) for c in test_first]
        return float(np.mean(test_y[np.arange(len(picks)), picks]))

    oracle = float(test_y.max(axis=1).mean())
    assert chosen_iou(split) > oracle - 0.02
    assert chosen_iou(split) > chosen_iou(joint) + 0.03
    # later answers still follow their own evidence, and every quality is a probability
    assert np.corrcoef(split.predict(test_later), test_y_later)[0, 1] > 0.9
    q = split.predict(np.concatenate([test_first.reshape(-1, len(FEATURES)), test_later]))
    assert q.min() >= 0.0
    assert q.max() <= 1.0
    # the second ranker survives the JSON round trip (a project refit keeps it: with_isotonic)
    back = Calibrator.from_json(split.with_isotonic(isotonic_fit(split.raw(x), y)).to_json())
    assert back.single is not None
    assert np.allclose(back.raw(x), split.raw(x))
    # too few rows of one kind: one ranker for all
    assert rankers_fit(x[:100], y[:100]).single is None


def test_isotonic_map_gives_fitted_rows_their_block_mean():
    """A project with few outcomes, two of thirty kept (the highest scores but one): each row gets its block's
    mean, so the mean quality is the share kept (knots at the blocks' mean scores gave the rows between two far
    apart blocks interpolated values: a mean of about three times the share kept)."""
    rng = np.random.default_rng(5)
    s = np.sort(rng.uniform(0.38, 0.7, 30))
    t = np.zeros(30)
    t[[-3, -1]] = 1.0
    iso = isotonic_fit(s, t, min_block=3)
    assert iso(s).mean() == pytest.approx(t.mean(), abs=1e-9)
    assert iso(s[:20]).max() == 0.0
    ties = isotonic_fit([0.5, 0.5, 0.5, 0.7], [0.0, 1.0, 0.5, 1.0])
    assert ties(np.array([0.5]))[0] == pytest.approx(0.5)  # one score, one value


def test_isotonic_map_is_monotone_and_bounded():
    rng = np.random.default_rng(1)
    s = rng.uniform(-1, 2, 500)
    t = np.clip(0.3 * s + rng.normal(0, 0.3, 500), -0.5, 1.5)  # targets outside [0, 1] get clipped
    iso = isotonic_fit(s, t, min_block=5)
    grid = np.linspace(-3, 4, 400)
    out = iso(grid)
    assert np.all(np.diff(out) >= -1e-12)
    assert out.min() >= 0.0
    assert out.max() <= 1.0
    assert iso(np.array([2.0]))[0] > iso(np.array([-1.0]))[0]


@pytest.mark.parametrize("calibrator", [default_calibrator(), None], ids=["default", "fallback"])
def test_quality_is_always_a_probability(calibrator):
    from inference.calibration import _fallback

    cal = calibrator or _fallback()
    rng = np.random.default_rng(2)
    wild = rng.normal(0, 50, (2000, len(FEATURES)))
    wild[::7] = np.nan
    wild[::11] = np.inf
    q = cal.predict(np.nan_to_num(wild, nan=0.0, posinf=1e6, neginf=-1e6))
    assert q.shape == (2000,)
    assert np.all((q >= 0) & (q <= 1))
    q2 = cal.predict(wild)
    assert np.all((q2 >= 0) & (q2 <= 1))


def test_candidate_choice_refuses_a_window_filling_mask_for_a_small_object_class():
    """Three candidates for one click on a small object: the object (small disc), a bigger blob, and the whole
    window; the model rates the window-filler highest (as MobileSAM often does). The project's accepted objects of
    this class are about the small disc's size. The choice must be the disc."""
    click = (100.5, 100.5)  # window px of a 1024 window -> low-res (25, 25)
    small = _disc(25, 25, 6)
    medium = _disc(25, 25, 30)
    everything = np.full((N, N), 5.0, np.float32)
    low = np.stack([small, small, medium, everything])
    ious = np.array([0.8, 0.86, 0.9, 0.99], np.float32)
    pixel_area = 0.09  # m2 per window pixel (30 cm)
    disc_area = float((small > 0).sum()) * 16 * pixel_area
    prior = SizePrior.from_areas(disc_area * np.exp(np.random.default_rng(3).normal(0, 0.3, 40)))
    tokens = candidate_tokens(multimask=True, n_points=1, has_box=False)
    feats = candidate_features(low, ious, tokens, points_px=[click], labels=[1], window_size=1024,
                               pixel_area_m2=pixel_area, size_prior=prior)
    assert fills_window(feats[2])
    assert not fills_window(feats[0])
    for cal in (default_calibrator(),):
        choice = choose(feats, tokens, cal)
        assert choice.token == 1, (choice.qualities, feats)
        assert 0.0 <= choice.quality <= 1.0
    # and without any size history the window-filler still loses to a fitting candidate
    feats_np = candidate_features(low, ious, tokens, points_px=[click], labels=[1], window_size=1024)
    assert choose(feats_np, tokens, default_calibrator()).token != 3


def test_features_see_clicks_inside_and_outside():
    low = np.stack([_disc(60, 60, 10)] * 4)
    f = candidate_features(low, np.ones(4), [0], points_px=[(240.5, 240.5), (900.5, 900.5)], labels=[1, 0],
                           window_size=1024)[0]
    row = dict(zip(FEATURES, f, strict=True))
    assert row["pos_in"] == 1.0
    assert row["neg_out"] == 1.0
    assert row["single"] == 1.0
    assert row["border"] == 0.0
    f = candidate_features(low, np.ones(4), [1], points_px=[(10.5, 10.5), (240.5, 240.5)], labels=[1, 0],
                           window_size=1024)[0]
    row = dict(zip(FEATURES, f, strict=True))
    assert row["pos_in"] == 0.0
    assert row["neg_out"] == 0.0


def test_mask_keep_clicked_keeps_the_clicked_part_and_fills_pinholes():
    mask = np.zeros((512, 512), bool)
    mask[50:250, 50:250] = True
    mask[120:122, 120:122] = False  # pinhole
    mask[150:200, 60:110] = False  # a courtyard (2500 px of 40000): kept
    mask[300:400, 300:400] = True  # another object
    out, parts = mask_keep_clicked(mask, [(70.5, 70.5)], [1])
    assert parts == 1
    assert not out[300:400, 300:400].any()
    assert out[120, 120]
    assert not out[170, 80]
    out2, parts2 = mask_keep_clicked(mask, [(5.5, 5.5)], [1])  # click on nothing: every part kept
    assert parts2 == 2
    assert out2[350, 350]


def test_coarser_logits_puts_a_fine_answer_where_it_lies_in_the_coarse_window():
    coarse = Window(level=0, col=2, row=2)
    x, y = coarse.window_to_scene(700.5, 400.5)
    fine = window_for_point(x=x, y=y, level=-1)
    u, v = fine.scene_to_window(x, y)
    low_fine = _disc(u / 4, v / 4, 8)
    out = coarser_logits(low_fine, fine=fine, coarse=coarse)
    assert out.shape == (N, N)
    r, c = np.unravel_index(np.argmax(out), out.shape)
    assert abs(c - 700.5 / 4) <= 1.5
    assert abs(r - 400.5 / 4) <= 1.5
    assert (out > 0).sum() == pytest.approx((low_fine > 0).sum() / 4, rel=0.25)
    with pytest.raises(ValueError, match="is not an integer refinement of"):
        coarser_logits(low_fine, fine=coarse, coarse=fine)


def test_finer_logits_is_the_inverse_of_coarser_logits_where_the_fine_window_lies():
    coarse = Window(level=0, col=2, row=2)
    x, y = coarse.window_to_scene(700.5, 400.5)
    fine = window_for_point(x=x, y=y, level=-2)
    low_coarse = _disc(700.5 / 4, 400.5 / 4, 6)
    out = finer_logits(low_coarse, coarse=coarse, fine=fine)
    assert out.shape == (N, N)
    u, v = fine.scene_to_window(x, y)
    assert out[int(v / 4), int(u / 4)] > 0  # the answer is under the same scene point on the finer grid
    assert (out > 0).sum() == pytest.approx((low_coarse > 0).sum() * 16, rel=0.05)  # 4x finer: 16x the cells
    back = coarser_logits(out, fine=fine, coarse=coarse)
    assert np.array_equal(back > 0, low_coarse > 0)  # where the finer window lies, nothing else anywhere
    with pytest.raises(ValueError, match="is not an integer refinement of"):
        finer_logits(low_coarse, coarse=fine, fine=coarse)


def test_focus_window_after_a_first_answer_follows_the_answers_size():
    window = Window(level=-2, col=3, row=3)
    # a ~30-source-px object (120 window px) on a 256-source-px window: the finest window holding it in its central
    # half is 64 source px (level -4) ... a 2 x 30 = 60 <= 64
    small = _disc(128.5, 128.5, 15)  # 30 low-res px = 120 window px = 30 source px across
    focus = focus_window_after(small, window)
    assert focus is not None
    assert focus.level == -4
    x, y = window.window_to_scene(514.0, 514.0)
    assert focus.contains(x, y, margin=focus.size / 4 - 1)  # centred on the answer
    # twice as big: one level coarser; a window-filling (swallowing) answer: no focus at all
    assert focus_window_after(_disc(128.5, 128.5, 30), window).level == -3
    assert focus_window_after(_disc(128.5, 128.5, 200), window) is None
    assert focus_window_after(np.full((N, N), -5.0, np.float32), window) is None
    # the finest level is where a patch embedding covers one source pixel, whatever the object
    assert focus_level(object_extent_m=0.01, gsd=0.5, max_level=3) == FOCUS_MIN_LEVEL
    # metres and gsd only count as their ratio: a 30 m tree crown on 10 cm imagery and a 300 m field on 1 m
    assert focus_level(object_extent_m=30, gsd=0.1, max_level=5) == focus_level(object_extent_m=300, gsd=1.0,
                                                                                  max_level=5) == 0
