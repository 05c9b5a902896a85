"""Fine-tuning on real Atlanta buildings on CPU (few steps) and the checkpoint format (the gate: test_split_gate)."""

import numpy as np
import pytest
import torch

from feedback import benchmark as bench
from feedback.evaluation_gate import evaluate_objects
from feedback.tests.fixtures import crowded_objects
from feedback.training import (
    TrainSample,
    finetune_decoder,
    full_state_with_decoder,
    save_checkpoint,
)
from inference.sam import build_model, decode, encoder_sha256, get_model, sha256_file


@pytest.fixture(scope="module")
def model():
    return get_model("vit_t", device="cpu")


@pytest.fixture(scope="module")
def objects(model):
    objs = crowded_objects(4)
    embs = bench.window_embeddings(model, [o.window for o in objs], encoder_key="test")
    return [(o, embs[o.window.key]) for o in objs]


def test_finetune_lowers_loss_and_writes_a_loadable_checkpoint(model, objects, tmp_path):
    samples = [TrainSample(embedding=e, target=o.gt, label=o.label) for o, e in objects[:3]]
    rejected = TrainSample(embedding=objects[3][1], target=None,
                           rejected_prompt={"points": [[10.5, 10.5]], "labels": [1], "box": None})
    before = {k: v.clone() for k, v in model.sam.mask_decoder.state_dict().items()}
    enc_before = encoder_sha256(model)
    progress = []
    result = finetune_decoder(model, [*samples, rejected], steps=12, lr=1e-4, max_clicks=2, seed=3,
                              progress_cb=progress.append)
    assert result.steps_done == 12
    assert len(result.losses) == 12
    assert not result.cancelled
    assert result.probe_loss_after < result.probe_loss_before
    assert progress[-1]["step"] == 12
    assert "eta_s" in progress[-1]
    # the cached model is untouched
    assert all(torch.equal(v, model.sam.mask_decoder.state_dict()[k]) for k, v in before.items())
    path, sha = save_checkpoint(full_state_with_decoder(model, result.decoder_state), tmp_path)
    assert path.name == f"{sha}.pt"
    assert sha256_file(path) == sha
    tuned = build_model("vit_t", path, "cpu", expected_sha256=sha)
    assert encoder_sha256(tuned) == enc_before
    o, e = objects[0]
    ys, xs = np.nonzero(o.gt)
    pt = [[float(xs.mean()) + 0.5, float(ys.mean()) + 0.5]]
    a = decode(model, e, pt, [1], backend="torch")
    b = decode(tuned, e, pt, [1], backend="torch")
    assert not np.allclose(a.ious, b.ious)


def test_finetune_is_deterministic_and_cancellable(model, objects):
    samples = [TrainSample(embedding=e, target=o.gt) for o, e in objects[:2]]
    r1 = finetune_decoder(model, samples, steps=2, max_clicks=2, seed=7, probe_size=1)
    r2 = finetune_decoder(model, samples, steps=2, max_clicks=2, seed=7, probe_size=1)
    assert r1.losses == r2.losses
    calls = iter([False, True])
    r3 = finetune_decoder(model, samples, steps=50, max_clicks=1, seed=7, probe_size=1,
                          should_cancel=lambda: next(calls))
    assert r3.cancelled
    assert r3.steps_done == 1


def test_real_evaluation_on_a_tiny_set(model, objects):
    class Obj:
        def __init__(self, o, e):
            self.embedding, self.gt, self.label = e, o.gt, o.label

    metrics = evaluate_objects(model, [Obj(o, e) for o, e in objects[:2]], max_clicks=3)
    assert metrics["n_objects"] == 2
    for key in ("NoC@80", "NoC@85", "NoC@90", "mIoU@1", "mIoU@5", "ece_predicted_iou"):
        assert key in metrics
    assert 0.0 <= metrics["mIoU@1"] <= 1.0
    assert 1 <= metrics["NoC@85"] <= 3


def _eval_parts_and_item(model, obj):
    """A trainable copy in eval mode and one object prepared for a click session, on the CPU."""
    from feedback.training import _Parts, _prepare

    parts = _Parts(model, torch.device("cpu"))
    parts.decoder.eval()
    o, e = obj
    return parts, _prepare(TrainSample(embedding=e, target=o.gt), torch.device("cpu"))


def test_every_click_session_scores_each_click_as_the_single_prompt_path_does(model, objects):
    """The session that trains every click gives, for each click, the loss the last-click-only path computes for a
    session cut at that click (same protocol clicks, same fed-back logits), and the step's loss is their mean."""
    from feedback.training import _sample_loss

    parts, item = _eval_parts_and_item(model, objects[0])
    with torch.no_grad():
        loss, info = _sample_loss(parts, item, 3, 1.0, 1.0, every_click=True)
        singles = [float(_sample_loss(parts, item, k, 1.0, 1.0, every_click=False)[0]) for k in (1, 2, 3)]
    assert info["clicks"] == 3
    assert info["per_click"] == pytest.approx(singles, rel=1e-4, abs=1e-6)
    assert float(loss) == pytest.approx(float(np.mean(singles)), rel=1e-4)
    assert len(set(np.round(singles, 5))) > 1  # the clicks really differ (the later ones see more prompts)


def test_every_click_gives_the_first_click_gradient(model, objects):
    """Only the every-click session moves the first click's prediction: with the last-click path a 3-click
    session's gradient never reaches the lone first click's loss terms (it is run without gradient)."""
    from feedback.training import _Parts, _prepare, _sample_loss

    o, e = objects[0]
    grads = {}
    for every in (True, False):
        parts = _Parts(model, torch.device("cpu"))
        item = _prepare(TrainSample(embedding=e, target=o.gt), torch.device("cpu"))
        loss, _ = _sample_loss(parts, item, 3, 1.0, 1.0, every_click=every)
        loss.backward()
        # the single-mask token (0) is what clicks 2+ use; tokens 1..3 are the first click's three candidates, and
        # the best of them (whichever it is) takes the mask loss
        grads[every] = sum(float(p.grad.abs().sum()) for i in (1, 2, 3)
                           for p in parts.decoder.output_hypernetworks_mlps[i].parameters() if p.grad is not None)
    assert grads[True] > 0
    assert grads[False] == 0


def test_a_capped_session_trains_its_first_last_and_evenly_spaced_clicks(model, objects):
    """``max_grad_clicks``: a long session takes gradient on at most that many clicks, the first and the last
    among them, each scored exactly as in the uncapped session (the others only steer the session)."""
    from feedback.training import _grad_clicks, _sample_loss

    assert _grad_clicks(10, True, 3) == {0, 4, 9}  # 4.5 rounds to even
    assert _grad_clicks(2, True, 3) == {0, 1}
    assert _grad_clicks(5, True, 0) == set(range(5))
    assert _grad_clicks(5, False, 3) == {4}
    parts, item = _eval_parts_and_item(model, objects[0])
    with torch.no_grad():
        _, full = _sample_loss(parts, item, 5, 1.0, 1.0, every_click=True)
        _, capped = _sample_loss(parts, item, 5, 1.0, 1.0, every_click=True, max_grad_clicks=3)
    assert full["clicks"] == 5
    assert capped["per_click"] == pytest.approx([full["per_click"][i] for i in (0, 2, 4)], rel=1e-4, abs=1e-6)
