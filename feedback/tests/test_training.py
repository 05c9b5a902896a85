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
