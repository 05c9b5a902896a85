"""The held-out split sized from the data (property test over random layouts), the paired test on synthetic
per-object results, and the gate's verdicts (plain modules, no database)."""

import math

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback.evaluation_gate import gate_decide
from feedback.paired import bootstrap_ci, paired_compare, signed_rank_p
from feedback.split import BUFFER, HELD_OUT, TRAIN, SplitItem, block_side, objects_needed, plan_split


def _box(x, y, w, h):
    return shapely.box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def _layout(rng, n, scale, size, *, group="g", negatives=0):
    items = []
    for i in range(n + negatives):
        x, y = rng.uniform(0, scale, 2)
        w, h = rng.uniform(0.3, 1.0, 2) * size
        items.append(SplitItem(key=f"{group}{i}", group=group, geometry=_box(x, y, w, h), negative=i >= n))
    return items


@st.composite
def layouts(draw):
    n = draw(st.integers(0, 40))
    negatives = draw(st.integers(0, 6))
    scale = draw(st.sampled_from([40.0, 300.0, 2000.0, 10_000.0]))
    size = draw(st.floats(0.5, 120.0))
    clustered = draw(st.booleans())
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    items = _layout(rng, n, scale, size, negatives=negatives)
    if clustered and items:  # some objects touching or overlapping others
        extra = []
        for i, it in enumerate(items[: len(items) // 3]):
            c = it.geometry.centroid
            extra.append(SplitItem(key=f"t{i}", group=it.group, geometry=_box(c.x + it.extent * 0.8, c.y,
                                                                               it.extent, it.extent)))
        items += extra
    if draw(st.booleans()) and items:  # a second plane (another CRS) in the same project
        items += _layout(rng, 5, scale, size, group="h")
    share = draw(st.sampled_from([0.1, 0.25, 0.5, 0.9]))
    return items, share


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layouts())
def test_split_never_leaks_and_places_every_object_once(layout):
    items, share = layout
    plan = plan_split(items, share=share)
    assert set(plan.side) == {it.key for it in items}  # every item placed ...
    assert set(plan.side.values()) <= {TRAIN, HELD_OUT, BUFFER}  # ... on exactly one side (a dict: one value)
    held = [it for it in items if plan.side[it.key] == HELD_OUT and not it.negative]
    train = [it for it in items if plan.side[it.key] == TRAIN]
    for h in held:
        for t in train:
            if t.group == h.group:
                assert shapely.distance(h.geometry, t.geometry) > max(h.extent, t.extent), (h.key, t.key)
    # held-out and training items never share a block
    for group, side_m in plan.block_m.items():
        held_blocks = {(b.bx, b.by) for b in plan.blocks if b.group == group and b.held_out}
        for t in train:
            if t.group == group:
                c = t.geometry.centroid
                assert (math.floor(c.x / side_m), math.floor(c.y / side_m)) not in held_blocks
    objects = [it for it in items if not it.negative]
    if objects:
        assert any(plan.side[it.key] == TRAIN for it in objects)  # something is always left to train on
    assert (plan.shortfall is None) == (len(held) >= plan.needed)


def test_block_size_follows_the_scale_of_the_data():
    rng = np.random.default_rng(0)
    small = _layout(rng, 8, 40.0, 4.0)  # a 40 m scene: huts a few metres across
    large = _layout(rng, 25, 10_000.0, 30.0)  # a 10 km scene: 25 scattered buildings
    b_small, b_large = block_side(small, share=0.25), block_side(large, share=0.25)
    assert 4.0 <= b_small <= 40.0
    assert 500.0 <= b_large <= 10_000.0
    for items in (small, large):
        plan = plan_split(items, share=0.25)
        assert plan.count(HELD_OUT, negative=False, items=items) >= 1
        assert plan.count(TRAIN, negative=False, items=items) >= 1


def test_a_forced_block_size_and_a_zero_share():
    items = _layout(np.random.default_rng(1), 12, 300.0, 10.0)
    assert plan_split(items, share=0.25, block_m=64.0).block_m == {"g": 64.0}
    plan = plan_split(items, share=0.0)
    assert set(plan.side.values()) == {TRAIN}
    assert plan.shortfall is not None
    assert plan.shortfall.reason == "no_share"


def test_objects_in_one_spot_give_a_one_block_shortfall():
    items = [SplitItem(key=f"k{i}", group="g", geometry=_box(1000 + i * 0.5, 1000, 1.0, 1.0)) for i in range(3)]
    plan = plan_split(items, share=0.5)
    assert plan.shortfall is not None
    assert plan.shortfall.reason == "one_block"
    assert plan.shortfall.needed == objects_needed(0.05) == 5


def test_objects_needed_follows_alpha():
    assert objects_needed(0.05) == 5  # 2**-5 = 0.031 <= 0.05 < 2**-4
    assert objects_needed(0.01) == 7
    assert objects_needed(0.5) == 1


# ------------------------------------------------------------------------------------------------ paired test


def test_signed_rank_exact_values():
    # every one of 5 objects better: the most extreme of 2**5 sign patterns
    w, p, n = signed_rank_p([1, 2, 3, 4, 5])
    assert (w, n) == (15.0, 5)
    assert p == pytest.approx(1 / 32)
    # zeros are dropped; one worse object of rank 1 among 5: P(W+ >= 14) = 2/32
    w, p, n = signed_rank_p([0, 0, -1, 2, 3, 4, 5])
    assert (w, n) == (14.0, 5)
    assert p == pytest.approx(2 / 32)
    # no change at all: nothing to test
    assert signed_rank_p([0, 0, 0]) == (0.0, 1.0, 0)
    # ties share their mean rank: |d| = 2, 2, 2 -> ranks 2, 2, 2; all positive: p = 1/8
    assert signed_rank_p([2, 2, 2])[1] == pytest.approx(1 / 8)


def test_signed_rank_normal_approximation_agrees_with_exact_for_large_n():
    rng = np.random.default_rng(3)
    d = rng.normal(0.3, 1.0, 600)
    from feedback import paired

    exact = paired._exact_upper_tail(paired._mid_ranks(np.abs(d)), float(paired._mid_ranks(np.abs(d))[d > 0].sum()))
    _, approx, _ = signed_rank_p(d)  # n > EXACT_MAX: normal approximation
    assert approx == pytest.approx(exact, abs=2e-3)


def test_paired_compare_on_synthetic_per_object_results():
    rng = np.random.default_rng(7)
    base = rng.integers(3, 20, 30).astype(float)
    better = np.clip(base - rng.integers(0, 4, 30), 1, 20)  # never worse, often 1-3 clicks fewer
    res = paired_compare(base, better)
    assert res.p_value < 0.001
    assert res.mean_improvement > 0
    assert res.ci95[0] > 0
    same = paired_compare(base, base + rng.normal(0, 0.01, 30) * 0)  # identical
    assert same.p_value == 1.0
    assert same.n_nonzero == 0
    worse = paired_compare(base, base + 1)
    assert worse.p_value > 0.99
    assert worse.n_needed is None
    lo, hi = bootstrap_ci([1.0] * 10)
    assert lo == hi == 1.0
    with pytest.raises(ValueError, match="same objects"):
        paired_compare([1, 2], [1])


# ------------------------------------------------------------------------------------------------ the gate


def _part(nocs, *, miou=0.6, ece=0.1):
    rows = [{"label": f"o{i}", "NoC@85": v} for i, v in enumerate(nocs)]
    return {"NoC@80": float(np.mean(nocs)) - 1, "NoC@85": float(np.mean(nocs)), "NoC@90": float(np.mean(nocs)) + 1,
            "mIoU@1": miou, "mIoU@5": miou + 0.1, "ece_predicted_iou": ece, "n_objects": len(nocs), "objects": rows}


BASE_NOC = [12, 9, 15, 20, 7, 11, 14, 18]


def test_gate_promotes_a_significantly_better_candidate_and_says_how():
    decision = gate_decide(candidate={"held_out": _part([v - 2 for v in BASE_NOC])},
                           baseline={"held_out": _part(BASE_NOC)})
    assert decision.promote, decision.reasons
    text = " ".join(decision.reasons)
    assert "paired Wilcoxon signed-rank" in text
    assert "same 8 objects" in text
    assert "p=0.004" in text
    assert "95% paired bootstrap CI 2.00 to 2.00" in text
    assert decision.paired["n"] == 8
    assert decision.paired["p_value"] == pytest.approx(1 / 256, abs=1e-5)


def test_gate_refuses_a_mean_gain_that_is_not_significant_and_says_how_many_more():
    cand = [v - d for v, d in zip(BASE_NOC, [3, 2, -1, 1, 0, -1, 2, 0], strict=True)]
    decision = gate_decide(candidate={"held_out": _part(cand)}, baseline={"held_out": _part(BASE_NOC)},
                           split={"share": 0.25})
    assert not decision.promote
    text = " ".join(decision.reasons)
    assert "not significant" in text
    assert "held-out objects would be needed" in text
    assert "more corrections spread over the project" in text


def test_gate_refuses_too_few_held_out_objects_naming_the_shortfall():
    shortfall = {"message": "Too little to judge: 2 held-out objects; add 3 more corrections in: area A"}
    decision = gate_decide(candidate={"held_out": _part([3, 4])}, baseline={"held_out": _part([9, 9])},
                           split={"share": 0.25, "shortfall": shortfall})
    assert not decision.promote
    assert decision.reasons[0] == shortfall["message"]
    assert "needs at least 5" in decision.reasons[1]
    none = gate_decide(candidate={}, baseline={}, split={"shortfall": shortfall})
    assert not none.promote
    assert none.reasons == [shortfall["message"]]


@pytest.mark.parametrize(("change", "reason"), [
    ({"mIoU@1": 0.5}, "mIoU@1 worse"),
    ({"ece_predicted_iou": 0.2}, "ECE worse"),
])
def test_gate_refuses_a_significant_gain_that_worsens_another_figure(change, reason):
    cand = _part([v - 2 for v in BASE_NOC])
    cand.update(change)
    decision = gate_decide(candidate={"held_out": cand}, baseline={"held_out": _part(BASE_NOC)})
    assert not decision.promote
    assert any(reason in r for r in decision.reasons)
