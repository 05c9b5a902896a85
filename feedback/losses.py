"""Losses of the decoder fine-tune (plain module: torch, no Django).

The quality head as a reward model
----------------------------------
SAM's IoU head scores each candidate mask; at inference the highest score decides which candidate the annotator
sees (:func:`inference.sam.predict.select_and_upscale`). Human outcomes say which candidate was right: the one
closest to what the human kept (IoU with the final geometry). Two terms teach the head from them:

- regression (:func:`iou_regression_loss`): MSE of each score against the candidate's real IoU, which calibrates
  the score as a quality estimate;
- ranking (:func:`pairwise_ranking_loss`, RLHF-style reward modelling): for every pair of candidates whose real
  IoUs differ by more than ``tie_eps``, a Bradley-Terry / RankNet logistic loss on the score difference, so the
  better candidate ranks first. Regression alone can lower its error while leaving two close candidates in the
  wrong order; the ranking term spends its gradient exactly there. Pairs are weighted by their IoU gap (a swap
  that costs 0.4 IoU matters more than one that costs 0.02) and the weights are normalised, so the loss is a
  weighted mean and does not grow with the number of candidates.

Ties (IoU gap within ``tie_eps``) and a lone candidate give no pair: the ranking loss is then an exact 0 that
still belongs to the graph (``backward`` works and adds nothing).

:func:`candidate_loss` combines them with the mask loss of the best candidate; :func:`pairwise_accuracy` is the
share of candidate pairs ordered right (the figure the ranking term should raise).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

#: real-IoU differences at or below this count as ties (no preference between the two candidates)
TIE_EPS = 0.01
#: the score scale of the logistic: a score gap of ``RANK_TEMPERATURE`` is one logit of preference. The IoU head
#: answers in [0, 1], where a few hundredths separate candidates; 0.05 puts such gaps in the logistic's steep part.
RANK_TEMPERATURE = 0.05


def _preference_pairs(targets: torch.Tensor, tie_eps: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Index pairs ``(better, worse)`` with ``targets[better] - targets[worse] > tie_eps``, and their gaps."""
    t = targets.detach().float().reshape(-1)
    gap = t[:, None] - t[None, :]
    better, worse = torch.nonzero(gap > tie_eps, as_tuple=True)
    return better, worse, gap[better, worse]


def pairwise_ranking_loss(scores: torch.Tensor, targets: torch.Tensor, *, tie_eps: float = TIE_EPS,
                          temperature: float = RANK_TEMPERATURE, weighted: bool = True) -> torch.Tensor:
    """RankNet loss of ``scores`` ``(K,)`` (the IoU head) against ``targets`` ``(K,)`` (real IoUs, no gradient).

    ``mean_w temperature * softplus(-(s_better - s_worse) / temperature)`` over the preference pairs, weights the
    IoU gaps (or 1 when not ``weighted``): the Bradley-Terry log-likelihood scaled by the temperature, a smooth
    hinge on the score gap whose slope never exceeds 1, so its gradients are of the regression's size whatever the
    temperature. Scalar; 0 (with a graph) when there is no pair: one candidate, or all tied."""
    if scores.shape != targets.shape:
        raise ValueError(f"scores {tuple(scores.shape)} and targets {tuple(targets.shape)} differ in shape")
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    s = scores.reshape(-1)
    better, worse, gaps = _preference_pairs(targets, tie_eps)
    if better.numel() == 0:
        return s.sum() * 0.0
    per_pair = temperature * F.softplus(-(s[better] - s[worse]) / temperature)
    weights = gaps.to(per_pair.dtype) if weighted else torch.ones_like(per_pair)
    return (per_pair * weights).sum() / weights.sum()


def iou_regression_loss(scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """MSE of the IoU head against the real IoUs (detached)."""
    return F.mse_loss(scores.reshape(-1), targets.detach().reshape(-1).to(scores.dtype))


def pairwise_accuracy(scores: torch.Tensor, targets: torch.Tensor, *,
                      tie_eps: float = TIE_EPS) -> tuple[int, int]:
    """``(right, pairs)``: preference pairs (as in :func:`pairwise_ranking_loss`) whose better candidate also has
    the strictly higher score. A score tie counts as wrong."""
    better, worse, _ = _preference_pairs(targets, tie_eps)
    s = scores.detach().reshape(-1)
    return int((s[better] > s[worse]).sum()), int(better.numel())


def candidate_loss(*, mask_losses: torch.Tensor, scores: torch.Tensor, real_ious: torch.Tensor,
                   iou_weight: float, rank_weight: float) -> tuple[torch.Tensor, dict[str, float]]:
    """The loss of one prompt's candidates: the smallest mask loss (SAM's own rule: the best candidate learns the
    mask) + ``iou_weight`` x regression + ``rank_weight`` x ranking. Returns the loss and its parts (floats)."""
    best = int(torch.argmin(mask_losses.detach()))
    mask = mask_losses[best]
    regression = iou_regression_loss(scores, real_ious)
    loss = mask + iou_weight * regression
    parts = {"mask": float(mask.detach()), "iou": float(regression.detach())}
    if rank_weight > 0:
        ranking = pairwise_ranking_loss(scores, real_ious)
        loss = loss + rank_weight * ranking
        parts["rank"] = float(ranking.detach())
    return loss, parts
