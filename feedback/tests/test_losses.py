"""The ranking loss (feedback.losses): on tensors (order, ties, a lone candidate, gradients) and on a tiny real
fine-tune of MobileSAM's decoder, where it must put the candidates of real first clicks in a better order."""

import numpy as np
import pytest
import torch

from feedback import benchmark as bench
from feedback.losses import candidate_loss, iou_regression_loss, pairwise_accuracy, pairwise_ranking_loss
from feedback.tests.fixtures import crowded_objects
from feedback.training import TrainSample, finetune_decoder, full_state_with_decoder, save_checkpoint
from inference.evaluation import next_click
from inference.sam import build_model, get_model
from inference.sam.predict import decode_all, prepare_prompt, upscale

# ------------------------------------------------------------------------------------------------ on tensors


def test_right_order_costs_less_than_wrong_order():
    real = torch.tensor([0.9, 0.5, 0.1])
    right = pairwise_ranking_loss(torch.tensor([0.8, 0.6, 0.2]), real)
    wrong = pairwise_ranking_loss(torch.tensor([0.2, 0.6, 0.8]), real)
    assert float(right) < float(wrong)
    assert float(right) > 0  # a smooth loss: a right order with small margins still pulls a little


def test_gradient_raises_the_better_candidate():
    scores = torch.tensor([0.5, 0.7], requires_grad=True)
    pairwise_ranking_loss(scores, torch.tensor([0.8, 0.3])).backward()
    assert scores.grad[0] < 0 < scores.grad[1]  # descent raises candidate 0 (better) and lowers candidate 1


def test_ties_and_a_lone_candidate_give_zero_with_a_graph():
    for scores, real in ((torch.tensor([0.3, 0.9, 0.5]), torch.tensor([0.6, 0.6, 0.605])),
                         (torch.tensor([0.4]), torch.tensor([0.7]))):
        scores = scores.clone().requires_grad_(True)
        loss = pairwise_ranking_loss(scores, real)
        assert float(loss.detach()) == 0.0
        loss.backward()  # part of the graph: adding it to another loss is safe
        assert torch.count_nonzero(scores.grad) == 0
    assert pairwise_accuracy(torch.tensor([0.3, 0.9, 0.5]), torch.tensor([0.6, 0.6, 0.605])) == (0, 0)


def test_only_untied_pairs_count_and_bigger_gaps_weigh_more():
    real = torch.tensor([0.80, 0.795, 0.2])  # 0 and 1 tie (gap 0.005 <= 0.01)
    scores = torch.tensor([0.1, 0.9, 0.5])
    assert pairwise_accuracy(scores, real) == (1, 2)  # (1 > 2) right, (0 > 2) wrong; (0, 1) is a tie
    # the wrong pair has the big gap: weighting by the gap makes it cost more than unweighted
    assert float(pairwise_ranking_loss(scores, real)) > float(pairwise_ranking_loss(scores, real, weighted=False))


def test_score_ties_count_as_wrong_and_bad_input_is_refused():
    assert pairwise_accuracy(torch.tensor([0.5, 0.5]), torch.tensor([0.9, 0.1])) == (0, 1)
    with pytest.raises(ValueError, match="shape"):
        pairwise_ranking_loss(torch.zeros(3), torch.zeros(2))
    with pytest.raises(ValueError, match="temperature"):
        pairwise_ranking_loss(torch.zeros(2), torch.zeros(2), temperature=0)


def test_candidate_loss_adds_ranking_only_when_weighted():
    mask_losses = torch.tensor([0.7, 0.3, 0.9])
    scores, real = torch.tensor([0.9, 0.2, 0.5]), torch.tensor([0.4, 0.8, 0.1])
    plain, parts = candidate_loss(mask_losses=mask_losses, scores=scores, real_ious=real, iou_weight=1.0,
                                  rank_weight=0.0)
    assert "rank" not in parts
    assert float(plain) == pytest.approx(0.3 + float(iou_regression_loss(scores, real)))
    ranked, parts = candidate_loss(mask_losses=mask_losses, scores=scores, real_ious=real, iou_weight=1.0,
                                   rank_weight=2.0)
    assert parts["rank"] > 0
    assert float(ranked) == pytest.approx(float(plain) + 2.0 * parts["rank"])


# ------------------------------------------------------------------------------------------------ real fine-tune


@pytest.fixture(scope="module")
def model():
    return get_model("vit_t", device="cpu")


def _first_click_ranking(model, objects) -> tuple[int, int, float]:
    """Over the protocol's first click on each object: candidate pairs ordered right by the IoU head, pairs, and
    the mean ranking loss. Real IoUs of the three multimask candidates against the object's mask."""
    right = pairs = 0
    losses = []
    for obj, emb in objects:
        click = next_click(obj.gt, np.zeros_like(obj.gt))
        prompt = prepare_prompt(np.array([[click.x, click.y]], np.float32), np.array([1]))
        low, ious = decode_all(model, emb, prompt, backend="torch")
        real = []
        for token in (1, 2, 3):
            mask = upscale(low[token], obj.gt.shape[0])
            union = (mask | obj.gt).sum()
            real.append((mask & obj.gt).sum() / union if union else 1.0)
        scores, targets = torch.as_tensor(ious[1:]), torch.tensor(real, dtype=torch.float32)
        r, p = pairwise_accuracy(scores, targets)
        right, pairs = right + r, pairs + p
        losses.append(float(pairwise_ranking_loss(scores, targets)))
    return right, pairs, float(np.mean(losses))


def test_ranking_loss_orders_real_candidates_better_after_a_tiny_finetune(model, tmp_path):
    objs = crowded_objects(6)
    embs = bench.window_embeddings(model, [o.window for o in objs], encoder_key="test")
    objects = [(o, embs[o.window.key]) for o in objs]
    right_before, pairs, loss_before = _first_click_ranking(model, objects)
    assert pairs >= 10  # real candidates do disagree: there is an order to learn

    samples = [TrainSample(embedding=e, target=o.gt, label=o.label) for o, e in objects]
    result = finetune_decoder(model, samples, steps=12, lr=1e-4, max_clicks=1, seed=1, rank_weight=1.0,
                              probe_size=2)
    path, sha = save_checkpoint(full_state_with_decoder(model, result.decoder_state), tmp_path)
    tuned = build_model("vit_t", path, "cpu", expected_sha256=sha)
    right_after, pairs_after, loss_after = _first_click_ranking(tuned, objects)

    assert loss_after < loss_before
    assert right_after / pairs_after > right_before / pairs


# ------------------------------------------------------------------------------------------------ settings


@pytest.mark.django_db
def test_loss_weights_are_training_settings_with_ranges():
    from annotator.models import Project
    from feedback.selectors import training_settings_get
    from feedback.services.settings import SettingInvalid, training_settings_update

    project = Project.objects.create(slug="loss-weights", name="Loss weights")
    assert training_settings_get(project=project)["train_rank_weight"] == 1.0  # on by default
    got = training_settings_update(project=project, user=None, values={"train_rank_weight": 0, "train_iou_weight": 2})
    assert (got["train_rank_weight"], got["train_iou_weight"]) == (0.0, 2.0)
    for bad in ({"train_rank_weight": -1}, {"train_iou_weight": "x"}, {"train_rank_weight": float("inf")}):
        with pytest.raises(SettingInvalid) as err:
            training_settings_update(project=project, user=None, values=bad)
        assert err.value.extra["field"] == next(iter(bad))
    project.refresh_from_db()
    assert (project.settings["train_rank_weight"], project.settings["train_iou_weight"]) == (0.0, 2.0)
