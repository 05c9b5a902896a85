"""The claims of corrective clicks (:mod:`inference.corrections`): pure, no Django, no model."""

from __future__ import annotations

import numpy as np
import pytest

from inference.corrections import (
    ClickDisk,
    answer_shown,
    click_disk,
    disks_for_prompt,
    logits_with_disks,
    mask_with_disks,
)

N = 256
SIZE = 1024
CELL = SIZE / N


def _square(r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
    """Low-res logits: +5 on rows r0..r1-1 x cols c0..c1-1 (low-res cells), -5 elsewhere."""
    low = np.full((N, N), -5.0, np.float32)
    low[r0:r1, c0:c1] = 5.0
    return low


def _mask(low: np.ndarray) -> np.ndarray:
    return low > 0


def test_positive_click_outside_claims_the_gap_to_the_outline():
    low = _square(100, 140, 100, 140)  # object spans window px 400..560
    x, y = 600.0, 480.0  # 40 window px right of the object's right edge (560)
    d = click_disk(low, x, y, True, size=SIZE)
    assert d is not None
    assert d.positive
    assert d.radius == pytest.approx(40.5, abs=0.01)  # to the nearest pixel centre of the upscaled outline
    out = logits_with_disks(low, [d], size=SIZE)
    assert out[int(y / CELL), int(x / CELL)] > 0  # the click's cell joins the object
    assert out[int(y / CELL), int((x + 40) / CELL) + 1] < 0  # beyond the disk, nothing changes
    assert _mask(out)[120, 140:150].all()  # the gap between outline and click is filled


def test_negative_click_inside_removes_up_to_the_outline():
    low = _square(100, 200, 100, 200)  # 400..800 window px
    x, y = 430.0, 600.0  # 30 px inside the left edge
    d = click_disk(low, x, y, False, size=SIZE)
    assert d is not None
    assert not d.positive
    assert d.radius == pytest.approx(30.5, abs=0.01)
    out = logits_with_disks(low, [d], size=SIZE)
    assert out[int(y / CELL), int(x / CELL)] < 0
    assert _mask(out)[150, 150:200].all()  # the far side of the object stays


def test_click_already_honoured_or_joining_nothing_claims_nothing():
    low = _square(100, 140, 100, 140)
    assert click_disk(low, 480.0, 480.0, True, size=SIZE) is None  # positive inside the answer
    assert click_disk(low, 100.0, 100.0, False, size=SIZE) is None  # negative outside it
    empty = np.full((N, N), -3.0, np.float32)
    assert click_disk(empty, 500.0, 500.0, True, size=SIZE) is None  # no object to join


def test_radius_is_capped_by_the_thickness_of_the_region_joined():
    """A road 3 cells thick: a positive click far along its line adds a road-wide blob, not a disk reaching back
    to the road's end."""
    low = _square(120, 123, 20, 100)  # a thin horizontal strip, 12 window px thick
    x, y = 900.0, 486.0  # on the strip's line, ~500 px past its end
    d = click_disk(low, x, y, True, size=SIZE)
    assert d is not None
    assert d.radius == pytest.approx(1.5 * CELL)  # half of the strip's 3 cells
    out = logits_with_disks(low, [d], size=SIZE)
    assert int(_mask(out).sum()) - int(_mask(low).sum()) <= 9  # a blob of a few cells, not a swathe


def test_later_disk_wins_where_disks_overlap_and_clicked_cell_always_flips():
    low = _square(100, 140, 100, 140)
    pos = ClickDisk(600.0, 480.0, True, 40.0)
    neg = ClickDisk(600.0, 480.0, False, 0.5)  # tinier than a cell: the clicked cell still flips
    out = logits_with_disks(low, [pos, neg], size=SIZE)
    assert out[int(480 / CELL), int(600 / CELL)] < 0
    assert out[int(480 / CELL), int(580 / CELL)] > 0
    assert logits_with_disks(low, [neg, pos], size=SIZE)[int(480 / CELL), int(600 / CELL)] > 0


def test_flipped_cells_keep_the_models_confidence_and_zero_is_not_object():
    low = np.full((N, N), -2.0, np.float32)
    low[100:140, 100:140] = 3.0
    low[120, 150] = 0.0
    out = logits_with_disks(low, [ClickDisk(600.0, 482.0, True, 40.0)], size=SIZE)
    assert out[120, 145] == pytest.approx(2.0)  # |-2|, not an invented value
    assert out[120, 150] > 0  # a zero logit claimed as object becomes (just) positive


def test_disks_for_prompt_keeps_earlier_claims_drops_undone_ones_and_adds_the_new_click():
    low = _square(100, 140, 100, 140)
    first, kept_click, undone = (480.0, 480.0), (600.0, 480.0), (480.0, 300.0)
    kept = [ClickDisk(*kept_click, True, 40.0), ClickDisk(*undone, False, 10.0)]
    new = (340.0, 480.0)  # positive, 60 px left of the object's edge (400); its half-thickness is 80 px
    disks = disks_for_prompt([first, kept_click, new], [1, 1, 1], prev_low=low, kept=kept, size=SIZE)
    assert disks[0] == kept[0]
    assert len(disks) == 2
    assert disks[1].x == pytest.approx(340.0)
    assert disks[1].radius == pytest.approx(60.5, abs=0.01)
    # Without the answer before, a new click claims nothing; kept ones still hold.
    assert disks_for_prompt([first, kept_click, new], [1, 1, 1], prev_low=None, kept=kept, size=SIZE) == [kept[0]]
    # A first click has no answer to correct; a lone click after a box's answer corrects that answer.
    assert disks_for_prompt([first], [1], prev_low=None, kept=[], size=SIZE) == []
    assert disks_for_prompt([first], [1], prev_low=low, kept=[], size=SIZE) == []  # inside it: honoured
    after_box = disks_for_prompt([new], [1], prev_low=low, kept=[], size=SIZE)
    assert len(after_box) == 1
    assert after_box[0].radius == pytest.approx(60.5, abs=0.01)
    # A kept claim of the other sign at the same place is not the same click.
    assert disks_for_prompt([first, kept_click], [1, 0], prev_low=None, kept=kept, size=SIZE) == []


def test_round_trip_as_list():
    d = ClickDisk(1.25, 2.5, True, 3.75)
    assert ClickDisk.from_list(d.as_list()) == d


def test_a_sliver_narrower_than_a_cell_is_judged_at_full_resolution():
    """Late corrections land in slivers a pixel or two wide: the outline is the upscaled one, not the cells'."""
    low = _square(100, 140, 100, 140)
    low[100:140, 139] = 1.0  # a weak last column: the upscaled outline ends at pixel 558, inside cell 139
    d = click_disk(low, 559.5, 480.5, True, size=SIZE)  # in an object cell, but a pixel outside the outline
    assert d is not None
    assert d.radius == pytest.approx(1.0, abs=0.01)
    assert click_disk(low, 558.5, 480.5, True, size=SIZE) is None  # on the outline's last pixel
    painted = mask_with_disks(np.zeros((SIZE, SIZE), bool), [d])
    assert painted[480, 559]
    assert not painted[480, 561]


def test_parts_the_answer_did_not_show_do_not_shorten_the_claim():
    low = _square(100, 140, 100, 140)
    low[120, 150] = 5.0  # a speck near the click, dropped from the answer shown (no positive click in it)
    shown = answer_shown(low, [(480.0, 480.0)], [1], size=SIZE)
    assert not shown[120, 150]
    assert shown[120, 120]
    with_speck = click_disk(low, 620.0, 482.0, True, size=SIZE)
    without = click_disk(low, 620.0, 482.0, True, size=SIZE, shown=shown)
    assert with_speck is not None
    assert without is not None
    assert with_speck.radius < 20
    assert without.radius == pytest.approx(60.5, abs=0.1)


def test_painting_a_crop_equals_painting_the_window():
    rng = np.random.default_rng(3)
    full = rng.random((SIZE, SIZE)) > 0.7
    disks = [ClickDisk(300.5, 310.5, True, 25.0), ClickDisk(320.0, 300.0, False, 8.0)]
    whole = mask_with_disks(full, disks)
    crop = mask_with_disks(full[280:360, 250:400], disks, origin=(250, 280))
    assert np.array_equal(crop, whole[280:360, 250:400])
    assert whole[310, 300]
    assert not whole[300, 320]
