"""Fine-tune SAM's mask decoder on human corrections (plain module: torch, no Django).

What is trained
---------------
Only ``mask_decoder`` (its transformer, mask tokens, hypernetwork MLPs and the IoU head). The image encoder is
never touched, so a fine-tuned version has the same encoder weights as its parent and every cached window
embedding stays valid (``inference.sam.encoder_sha256`` proves it). The prompt encoder is frozen too (its output
feeds the decoder but takes no gradient).

One step
--------
Pick a sample (shuffled epochs, seeded). For an object (a final human mask on its window grid):

1. click through it the way the evaluation protocol does (:func:`inference.evaluation.next_click` on the model's
   own last mask), ``k`` clicks, ``k`` uniform in ``1..max_clicks``, each click feeding the chosen candidate's
   low-res logits back as the next mask prompt and picking among candidates by the model's own predicted IoU,
   exactly as at inference time (the fed-back logits carry no gradient);
2. every click's prompt takes gradient (``every_click``, the default; else only the ``k``-th, the earlier ones run
   without gradient) and the step's loss is the mean over the clicks of: BCE + Dice of the
   256x256 low-res logits against the target averaged down to 256x256; with multimask output (a lone click) the
   candidate with the smallest mask loss takes it (SAM's own training rule, which also trains over a session of
   clicks);
3. plus ``iou_weight`` x MSE of the IoU head against the real IoU of each candidate mask (upsampled to window size,
   thresholded at 0) with the human's final mask, detached: the model's quality estimate is calibrated on
   human outcomes;
4. plus ``rank_weight`` x a pairwise ranking loss of the IoU head among the candidates (the one closest to the
   human's final mask must score highest): the head as a reward model (:mod:`feedback.losses`).

Why every click: the decoder runs once per click either way, so training every click adds only their backward
passes and teaches the first click (the three-candidate choice behind mIoU@1) in every step instead of one step in
``max_clicks``. Measured on Atlanta (bench/hitl.py --ablation, 200 steps, train on A, score on B, seeds 0 and 1,
every click vs last click): mIoU@1 0.495/0.510 vs 0.455/0.442, NoC@85 10.46/9.68 vs 10.23/9.73 (no better),
ECE 0.029/0.067 vs 0.045/0.027, for about 1.3x the seconds per step (bench/train_step.py, one thread).

Why sessions of up to 10 clicks (the project default ``train_max_clicks``): NoC@85 is decided by the clicks after
the fifth, which sessions of up to 5 never train. Same bench, every click, seeds 0/1/2: NoC@85 on B 8.50/9.27/8.73
(two threads) with up to 10 clicks against 10.46/9.68/10.27 with up to 5 (base 12.77), for about 1.8x the seconds
per step. Capping the clicks that take gradient (``max_grad_clicks=3``, one thread) was cheaper (239 vs 323 s) but
weaker (9.27 vs 8.50, seed 0).

A rejected proposal (target None) runs its own prompt and pushes the predicted IoU of every candidate to 0.

Mixed precision (bf16 autocast) on CUDA; float32 on CPU. Deterministic for a seed on CPU. ``should_cancel`` is
polled between steps.
"""

from __future__ import annotations

import copy
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from feedback.losses import candidate_loss
from inference.evaluation import next_click
from inference.sam import LOW_RES_SIZE, LoadedModel
from inference.sam.predict import Prompt, autocast_for, prepare_prompt, prompt_tensors

ProgressFn = Callable[[dict], None]
CancelFn = Callable[[], bool]


@dataclass(frozen=True, eq=False)
class TrainSample:
    """One training example on one embedding window.

    embedding: float16 ``(1, 256, 64, 64)`` of the window (from the unchanged encoder).
    target: bool ``(S, S)`` final human mask at window size, or None for a rejected proposal.
    rejected_prompt: for a rejected proposal, ``{"points": [[x, y], ...], "labels": [...], "box": [x0, y0, x1,
    y1] | None}`` in window pixels (pixel centres at +0.5), as the proposal was prompted.
    label: free text for logs (e.g. ``"correction:12"``).
    """

    embedding: np.ndarray
    target: np.ndarray | None
    rejected_prompt: dict | None = None
    label: str = ""


@dataclass(frozen=True, eq=False)
class TrainResult:
    """decoder_state: ``mask_decoder`` state dict (CPU tensors); losses: one per step; seconds: wall time.

    probe_loss_before/after: the mean loss over a fixed probe (the same clicks for both, no gradient), a less
    noisy view of progress than the per-step losses.
    """

    decoder_state: dict[str, torch.Tensor]
    losses: list[float]
    seconds: float
    steps_done: int
    cancelled: bool
    probe_loss_before: float
    probe_loss_after: float
    parameters: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------ helpers


class _Parts:
    """The trainable copy: frozen prompt encoder + trainable mask decoder, on ``device``."""

    def __init__(self, model: LoadedModel, device: torch.device):
        self.device = device
        self.prompt_encoder = copy.deepcopy(model.sam.prompt_encoder).to(device).eval()
        for p in self.prompt_encoder.parameters():
            p.requires_grad_(False)
        self.decoder = copy.deepcopy(model.sam.mask_decoder).to(device)
        for p in self.decoder.parameters():
            p.requires_grad_(True)
        self.dense_pe = model.dense_pe.detach().clone().to(device)

    def forward(self, embedding: torch.Tensor, prompt: Prompt) -> tuple[torch.Tensor, torch.Tensor]:
        """All 4 tokens: low-res logits ``(4, 256, 256)`` float32 and predicted IoUs ``(4,)`` float32."""
        points, boxes, masks = prompt_tensors(prompt, self.device)
        with torch.no_grad():
            sparse, dense = self.prompt_encoder(points=points, boxes=boxes, masks=masks)
        with autocast_for(self.device):
            low, iou = self.decoder.predict_masks(
                image_embeddings=embedding,
                image_pe=self.dense_pe,
                sparse_prompt_embeddings=sparse,
                dense_prompt_embeddings=dense,
            )
        return low[0].float(), iou[0].float()


def _candidates(prompt: Prompt) -> list[int]:
    return [1, 2, 3] if prompt.multimask else [0]


def _upscale(low: torch.Tensor, size: int) -> torch.Tensor:
    return F.interpolate(low[:, None], (size, size), mode="bilinear", align_corners=False)[:, 0]


@dataclass
class _Prepared:
    embedding: torch.Tensor
    target_full: np.ndarray | None  # bool (S, S)
    target_low: torch.Tensor | None  # float (256, 256) in [0, 1]
    target_full_t: torch.Tensor | None  # bool tensor (S, S) on device
    rejected: Prompt | None
    label: str


def _prepare(sample: TrainSample, device: torch.device) -> _Prepared:
    emb = torch.as_tensor(np.asarray(sample.embedding)).to(device=device, dtype=torch.float32)
    if emb.ndim == 3:
        emb = emb[None]
    if sample.target is None:
        rp = sample.rejected_prompt or {}
        prompt = prepare_prompt(rp.get("points"), rp.get("labels"), box=rp.get("box"))
        return _Prepared(emb, None, None, None, prompt, sample.label)
    target = np.asarray(sample.target, dtype=bool)
    t = torch.from_numpy(target).to(device)
    low = F.interpolate(t[None, None].float(), (LOW_RES_SIZE, LOW_RES_SIZE), mode="area")[0, 0]
    return _Prepared(emb, target, low, t, None, sample.label)


def _mask_losses(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """BCE + Dice per candidate: logits ``(K, 256, 256)``, target ``(256, 256)`` -> ``(K,)``."""
    tgt = target.expand_as(logits)
    bce = F.binary_cross_entropy_with_logits(logits, tgt, reduction="none").mean(dim=(1, 2))
    prob = torch.sigmoid(logits)
    inter = (prob * tgt).sum(dim=(1, 2))
    dice = 1.0 - (2.0 * inter + 1.0) / (prob.sum(dim=(1, 2)) + tgt.sum(dim=(1, 2)) + 1.0)
    return bce + dice


def _real_ious(low: torch.Tensor, target_full: torch.Tensor) -> torch.Tensor:
    """IoU of each candidate's mask (upsampled to window size, logit > 0) with the final mask: ``(K,)``."""
    with torch.no_grad():
        masks = _upscale(low.detach(), target_full.shape[-1]) > 0
        inter = (masks & target_full).sum(dim=(1, 2)).float()
        union = (masks | target_full).sum(dim=(1, 2)).float()
        return torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(union))


def _choose(low: torch.Tensor, ious: torch.Tensor, prompt: Prompt, size: int) -> tuple[np.ndarray, np.ndarray]:
    """What the annotator sees after a prompt, as at inference: the candidate of highest predicted IoU, its mask at
    window size and its low-res logits (fed back as the next click's mask prompt, without gradient)."""
    cand = _candidates(prompt)
    token = cand[int(torch.argmax(ious.detach()[cand]))]
    chosen = low[token].detach()
    return (_upscale(chosen[None], size)[0] > 0).cpu().numpy(), chosen.cpu().numpy().astype(np.float32)


def _object_loss(parts: _Parts, item: _Prepared, prompt: Prompt, iou_weight: float,
                 rank_weight: float) -> tuple[torch.Tensor, dict, torch.Tensor, torch.Tensor]:
    """One prompt's loss on an object (:func:`feedback.losses.candidate_loss`), its parts, and the decoder's
    outputs (all 4 tokens)."""
    if item.target_low is None or item.target_full_t is None:
        raise ValueError(f"{item.label}: an object sample needs its target mask")
    low, ious = parts.forward(item.embedding, prompt)
    cand = _candidates(prompt)
    loss, parts_ = candidate_loss(mask_losses=_mask_losses(low[cand], item.target_low), scores=ious[cand],
                                  real_ious=_real_ious(low[cand], item.target_full_t), iou_weight=iou_weight,
                                  rank_weight=rank_weight)
    return loss, parts_, low, ious


def _grad_clicks(clicks: int, every_click: bool, max_grad_clicks: int) -> set[int]:
    """Which of a session's clicks take gradient: all (``every_click``), at most ``max_grad_clicks`` of them spread
    evenly from the first to the last when capped (0: no cap), or only the last."""
    if not every_click:
        return {clicks - 1}
    if max_grad_clicks <= 0 or clicks <= max_grad_clicks:
        return set(range(clicks))
    return set(np.linspace(0, clicks - 1, max_grad_clicks).round().astype(int).tolist())


def _click_session(parts: _Parts, item: _Prepared, clicks: int, *, iou_weight: float, rank_weight: float,
                   every_click: bool, max_grad_clicks: int = 0) -> tuple[torch.Tensor, list[float]]:
    """Click through one object as the evaluation protocol does (:func:`inference.evaluation.next_click` on the
    model's own last mask, its low-res logits fed back as the mask prompt) for up to ``clicks`` clicks.

    ``every_click``: every click's prompt takes gradient and the loss is their mean, so one step teaches the first
    click (the ambiguous one, where the IoU head picks among three candidates) and the refinements alike. The
    decoder runs once per click either way; the clicks before the last are otherwise spent without gradient only
    to reach the last prompt. Else only the last click takes gradient (earlier ones run under ``no_grad``).
    ``max_grad_clicks`` caps the clicks that take gradient in a long session (the first and the last always among
    them; the others run without gradient, a forward pass only). Returns the loss and the per-click losses."""
    gt = item.target_full
    if gt is None:
        raise ValueError(f"{item.label}: an object sample needs its target mask")
    size = gt.shape[-1]
    pred = np.zeros_like(gt)
    points: list[tuple[float, float]] = []
    labels: list[int] = []
    logits: np.ndarray | None = None
    terms: list[torch.Tensor] = []
    graded = _grad_clicks(clicks, every_click, max_grad_clicks)
    for i in range(clicks):
        click = next_click(gt, pred)
        if click is None:
            break
        points.append((click.x, click.y))
        labels.append(1 if click.positive else 0)
        prompt = prepare_prompt(np.asarray(points, np.float32), np.asarray(labels), mask_logits=logits)
        last = i == clicks - 1
        if i in graded:
            loss, _, low, ious = _object_loss(parts, item, prompt, iou_weight, rank_weight)
            terms.append(loss)
        else:
            with torch.no_grad():
                low, ious = parts.forward(item.embedding, prompt)
        if not last:
            pred, logits = _choose(low, ious, prompt, size)
    if not terms:  # the model's mask already equals the target before the last click: score that prompt
        prompt = prepare_prompt(np.asarray(points, np.float32), np.asarray(labels), mask_logits=logits)
        terms.append(_object_loss(parts, item, prompt, iou_weight, rank_weight)[0])
    return torch.stack(terms).mean(), [float(t.detach()) for t in terms]


def _sample_loss(parts: _Parts, item: _Prepared, clicks: int, iou_weight: float,
                 rank_weight: float = 0.0, every_click: bool = True,
                 max_grad_clicks: int = 0) -> tuple[torch.Tensor, dict]:
    if item.rejected is not None:
        _, ious = parts.forward(item.embedding, item.rejected)
        cand = _candidates(item.rejected)
        loss = iou_weight * (ious[cand] ** 2).mean()
        return loss, {"kind": "rejected"}
    loss, per_click = _click_session(parts, item, clicks, iou_weight=iou_weight, rank_weight=rank_weight,
                                     every_click=every_click, max_grad_clicks=max_grad_clicks)
    return loss, {"kind": "object", "clicks": len(per_click), "per_click": per_click}


def _probe_loss(parts: _Parts, items: Sequence[_Prepared], clicks: Sequence[int], iou_weight: float,
                rank_weight: float = 0.0, every_click: bool = True, max_grad_clicks: int = 0) -> float:
    if not items:
        return float("nan")
    total = 0.0
    with torch.no_grad():
        for item, k in zip(items, clicks, strict=True):
            loss, _ = _sample_loss(parts, item, k, iou_weight, rank_weight, every_click, max_grad_clicks)
            total += float(loss)
    return total / len(items)


# ------------------------------------------------------------------------------------------------ public API


def finetune_decoder(
    model: LoadedModel,
    samples: Sequence[TrainSample],
    *,
    steps: int = 200,
    lr: float = 5e-5,
    max_clicks: int = 5,
    seed: int = 0,
    device: str | torch.device | None = None,
    iou_weight: float = 1.0,
    rank_weight: float = 0.0,
    every_click: bool = True,
    max_grad_clicks: int = 0,
    weight_decay: float = 0.0,
    probe_size: int = 16,
    progress_cb: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    progress_every: int = 1,
) -> TrainResult:
    """Fine-tune a copy of ``model``'s mask decoder on ``samples`` (see module docstring); ``model`` is unchanged.

    ``progress_cb`` receives ``{"step", "total", "loss", "eta_s", "elapsed_s"}`` every ``progress_every``
    steps; ``should_cancel`` is asked before every step and stops training when it returns True (the result
    then has ``cancelled=True`` and the weights as far as they got).
    """
    if not samples:
        raise ValueError("no training samples")
    if steps < 0 or max_clicks < 1:
        raise ValueError("steps must be >= 0 and max_clicks >= 1")
    dev = torch.device(device) if device is not None else model.device
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    parts = _Parts(model, dev)
    items = [_prepare(s, dev) for s in samples]

    probe_rng = np.random.default_rng(seed + 1)
    probe_idx = probe_rng.permutation(len(items))[:probe_size]
    probe_items = [items[i] for i in probe_idx]
    probe_clicks = [int(probe_rng.integers(1, max_clicks + 1)) for _ in probe_items]
    before = _probe_loss(parts, probe_items, probe_clicks, iou_weight, rank_weight, every_click, max_grad_clicks)

    params = [p for p in parts.decoder.parameters() if p.requires_grad]
    # foreach: one fused update over all the decoder's tensors instead of a Python loop over ~150 of them (the
    # default on CUDA only); the same arithmetic.
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay, foreach=True)
    losses: list[float] = []
    order: list[int] = []
    cancelled = False
    loop_start = time.perf_counter()
    for step in range(1, steps + 1):
        if should_cancel is not None and should_cancel():
            cancelled = True
            break
        if not order:
            order = list(rng.permutation(len(items)))
        item = items[order.pop()]
        clicks = int(rng.integers(1, max_clicks + 1))
        parts.decoder.train()
        loss, _ = _sample_loss(parts, item, clicks, iou_weight, rank_weight, every_click, max_grad_clicks)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        losses.append(float(loss.detach()))
        if progress_cb is not None and (step % progress_every == 0 or step == steps):
            elapsed = time.perf_counter() - loop_start
            progress_cb({
                "step": step,
                "total": steps,
                "loss": round(losses[-1], 5),
                "loss_avg10": round(float(np.mean(losses[-10:])), 5),
                "eta_s": round(elapsed / step * (steps - step), 1),
                "elapsed_s": round(elapsed, 1),
            })
    parts.decoder.eval()
    after = _probe_loss(parts, probe_items, probe_clicks, iou_weight, rank_weight, every_click, max_grad_clicks)
    state = {k: v.detach().to("cpu").clone() for k, v in parts.decoder.state_dict().items()}
    return TrainResult(
        decoder_state=state,
        losses=losses,
        seconds=time.perf_counter() - started,
        steps_done=len(losses),
        cancelled=cancelled,
        probe_loss_before=before,
        probe_loss_after=after,
        parameters={"steps": steps, "lr": lr, "max_clicks": max_clicks, "seed": seed, "iou_weight": iou_weight,
                    "rank_weight": rank_weight, "every_click": every_click,
                    "max_grad_clicks": max_grad_clicks, "weight_decay": weight_decay,
                    "device": str(dev), "samples": len(items)},
    )


def torch_threads_set(threads: int) -> None:
    """torch's intra-op thread count for this process (a training worker runs one job at a time)."""
    torch.set_num_threads(max(1, int(threads)))


def full_state_with_decoder(model: LoadedModel, decoder_state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The base model's full state dict (CPU) with ``mask_decoder.*`` replaced by ``decoder_state``."""
    state = {k: v.detach().to("cpu") for k, v in model.sam.state_dict().items()}
    missing = [k for k in decoder_state if f"mask_decoder.{k}" not in state]
    if missing:
        raise ValueError(f"decoder state has keys the model lacks: {missing[:3]}")
    for key, value in decoder_state.items():
        state[f"mask_decoder.{key}"] = value.detach().to("cpu", dtype=state[f"mask_decoder.{key}"].dtype)
    return state


def save_checkpoint(state: dict[str, torch.Tensor], directory: str | os.PathLike[str]) -> tuple[Path, str]:
    """Write ``state`` (a full SAM state dict) to ``<directory>/<sha256>.pt`` atomically; return (path, sha256).

    The file is a plain ``torch.save`` of the state dict, loadable by ``inference.sam.build_model(arch, path)``.
    """
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".ckpt-", suffix=".part", dir=out_dir)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        torch.save(state, tmp)
        digest = hashlib.sha256()
        with open(tmp, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        sha = digest.hexdigest()
        final = out_dir / f"{sha}.pt"
        os.replace(tmp, final)
        return final, sha
    finally:
        tmp.unlink(missing_ok=True)
