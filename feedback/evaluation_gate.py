"""Evaluation of a model version (DESIGN.md protocol via :mod:`inference.evaluation`) and the promotion gate.

Plain module (no Django). Metrics dicts are :meth:`inference.evaluation.Summary.as_dict` outputs, keyed
``NoC@80``, ``NoC@85``, ``NoC@90``, ``mIoU@1``, ``mIoU@5``, ``ece_predicted_iou``, ``n_objects`` ...; a version's
evaluation is ``{"held_out": {...}, "benchmark": {...}}`` (a split absent when it had no objects or was skipped).

The gate: promote only if the held-out part is large enough to judge (:mod:`feedback.split`), the candidate needs
significantly fewer clicks than the baseline on the SAME held-out objects (both scored now; a paired one-sided
Wilcoxon signed-rank test on per-object NoC@85 at ``alpha``, :mod:`feedback.paired`, the verdict giving n, W+, p
and a bootstrap interval), and no reported metric worsens beyond its tolerance: NoC (clicks, lower is better) by
more than ``tolerance_clicks``; mIoU (higher is better) and ECE (lower is better) by more than ``tolerance_iou``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from feedback.paired import paired_compare
from feedback.split import objects_needed
from inference.evaluation import (
    MAX_CLICKS,
    Click,
    ObjectResult,
    evaluate_object,
    iou_curve,
    object_row,
    reliability_bins,
    summarize,
)
from inference.sam import LoadedModel, decode, default_decoder_backend

NOC_KEYS = ("NoC@80", "NoC@85", "NoC@90")
MIOU_KEYS = ("mIoU@1", "mIoU@5")
ECE_KEY = "ece_predicted_iou"
PRIMARY = ("held_out", "NoC@85")


def predict_fn(model: LoadedModel, embedding: np.ndarray, *, backend: str | None = None):
    """The protocol's ``predict(points, labels, prev_logits) -> (mask, predicted_iou, logits)`` on one window."""

    def predict(points, labels, prev_logits):
        out = decode(model, embedding, points, labels, mask_logits=prev_logits, backend=backend)
        return out.mask, out.iou, out.low_res_logits

    return predict


class ResultCache:
    """Per-object protocol results on disk, one JSON file per (checkpoint, decoder backend, clicks, embedding,
    ground truth): the protocol is deterministic, so an object the base version has already been scored on (the
    fixed benchmark every run, held-out objects kept from the last run) is not clicked through again. The stored
    per-click seconds are those of the run that scored it."""

    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory)

    def get(self, key: str) -> dict | None:
        try:
            return json.loads((self.directory / f"{key}.json").read_text())
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: dict) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key}", suffix=".part", dir=self.directory)
        try:
            with os.fdopen(fd, "w") as fh:
                json.dump(value, fh)
            os.replace(tmp, self.directory / f"{key}.json")
        finally:
            Path(tmp).unlink(missing_ok=True)


def result_key(model: LoadedModel, obj, *, max_clicks: int, backend: str) -> str:
    """What a protocol result depends on: the checkpoint, the decoder backend, the click budget, the embedding and
    the ground-truth mask."""
    h = hashlib.sha256(f"{model.sha256}:{backend}:{max_clicks}:".encode())
    emb = np.ascontiguousarray(obj.embedding)
    h.update(f"{emb.dtype}{emb.shape}".encode())
    h.update(emb.tobytes())
    gt = np.asarray(obj.gt, dtype=bool)
    h.update(f"{gt.shape}".encode())
    h.update(np.packbits(gt).tobytes())
    return h.hexdigest()


def _result_as_dict(r: ObjectResult) -> dict:
    return {"ious": list(r.ious), "predicted_ious": list(r.predicted_ious), "seconds": list(r.seconds),
            "clicks": [[c.x, c.y, c.positive] for c in r.clicks], "max_clicks": r.max_clicks,
            "stopped_perfect": r.stopped_perfect}


def _result_from_dict(d: dict, label: str) -> ObjectResult:
    return ObjectResult(ious=tuple(d["ious"]), predicted_ious=tuple(d["predicted_ious"]), seconds=tuple(d["seconds"]),
                        clicks=tuple(Click(x=x, y=y, positive=bool(pos)) for x, y, pos in d["clicks"]),
                        max_clicks=int(d["max_clicks"]), stopped_perfect=bool(d["stopped_perfect"]), label=label)


def _evaluate_one(model: LoadedModel, obj, *, max_clicks: int, backend: str, cache: ResultCache | None):
    label = getattr(obj, "label", "")
    key = result_key(model, obj, max_clicks=max_clicks, backend=backend) if cache is not None else ""
    stored = cache.get(key) if cache is not None else None
    if stored is not None:
        return _result_from_dict(stored, label)
    result = evaluate_object(predict_fn(model, obj.embedding, backend=backend), obj.gt, max_clicks=max_clicks,
                             label=label)
    if cache is not None:
        cache.put(key, _result_as_dict(result))
    return result


def evaluate_objects(model: LoadedModel, objects: Sequence, *, max_clicks: int = MAX_CLICKS,
                     backend: str | None = None, should_cancel=None, progress_cb=None, locate=None,
                     cache: ResultCache | None = None) -> dict | None:
    """Score ``objects`` (each with ``.embedding`` fp16 (1,256,64,64) and ``.gt`` bool mask); None when empty.

    Besides the summary figures the result keeps what a side-by-side comparison draws: ``iou_curve`` (mean IoU
    after each click count), ``reliability`` (the bins behind the ECE) and ``objects`` (one row per object, see
    :func:`inference.evaluation.object_row`, plus ``location`` from ``locate(label)`` when given: where the object
    is, e.g. ``{"scene": id, "bbox": [w, s, e, n], "centroid": [lon, lat]}`` in EPSG:4326).
    ``progress_cb(done, total, results_so_far)`` is called after each object. ``backend`` is the decoder's
    (default :func:`inference.sam.default_decoder_backend`, the one the prompt path answers with); ``cache``
    keeps per-object results across runs (:class:`ResultCache`).
    """
    backend = backend or default_decoder_backend()
    results = []
    total = len(objects)
    for obj in objects:
        if should_cancel is not None and should_cancel():
            raise InterruptedError("evaluation cancelled")
        results.append(_evaluate_one(model, obj, max_clicks=max_clicks, backend=backend, cache=cache))
        if progress_cb is not None:
            progress_cb(len(results), total, results)
    if not results:
        return None
    out = summarize(results).as_dict()
    out["iou_curve"] = iou_curve(results, max_clicks=max_clicks)
    out["reliability"] = reliability_bins([p for r in results for p in r.predicted_ious],
                                          [v for r in results for v in r.ious])
    rows = []
    for r in results:
        row = object_row(r)
        if locate is not None:
            row["location"] = locate(r.label)
        rows.append(row)
    out["objects"] = rows
    return out


@dataclass(frozen=True)
class GateDecision:
    promote: bool
    reasons: list[str] = field(default_factory=list)
    deltas: dict = field(default_factory=dict)
    paired: dict | None = None

    def as_dict(self) -> dict:
        out = {"promote": self.promote, "reasons": list(self.reasons), "deltas": dict(self.deltas)}
        if self.paired is not None:
            out["paired"] = dict(self.paired)
        return out


def _per_object(part: dict, key: str) -> dict[str, float]:
    return {str(r["label"]): float(r[key]) for r in part.get("objects") or [] if r.get(key) is not None}


def paired_verdict(*, candidate: dict, baseline: dict, alpha: float, share: float | None = None,
                   key: str = "NoC@85") -> tuple[bool, str, dict | None]:
    """The paired test on the held-out objects both models scored: (significant improvement?, the sentence, the
    test's figures). Objects are matched by label; fewer than :func:`feedback.split.objects_needed` cannot pass."""
    cand, base = _per_object(candidate, key), _per_object(baseline, key)
    labels = [label for label in cand if label in base]
    needed = objects_needed(alpha)
    if len(labels) < needed:
        return False, (f"only {len(labels)} held-out object(s) scored by both versions: a paired test at "
                       f"alpha={alpha:g} needs at least {needed}"), None
    res = paired_compare([base[k] for k in labels], [cand[k] for k in labels], alpha=alpha)
    ties = res.n - res.n_nonzero
    significant = res.p_value < alpha and res.mean_improvement > 0
    lo, hi = res.ci95
    text = (f"paired Wilcoxon signed-rank test on per-object held-out {key} (same {res.n} objects for both: "
            f"{res.improved} need fewer clicks, {res.worsened} more, {ties} unchanged): W+={res.w_plus:g}, "
            f"one-sided p={res.p_value:.3f} {'<' if significant else '>='} alpha={alpha:g}; mean clicks saved "
            f"{res.mean_improvement:.2f} (95% paired bootstrap CI {lo:.2f} to {hi:.2f})")
    if not significant:
        if res.n_needed is not None and res.n_needed > res.n:
            more = res.n_needed - res.n
            where = f" (about {math.ceil(more / share)} more corrections spread over the project)" if share else ""
            text += (f"; not significant: at this effect size about {res.n_needed} held-out objects would be "
                     f"needed, {more} more{where}")
        elif res.mean_improvement <= 0:
            text += "; the candidate is not better on these objects"
        else:
            text += "; not significant"
    return significant, text, {"metric": key, "test": "wilcoxon_signed_rank_one_sided", "alpha": alpha,
                               **res.as_dict()}


def _tolerance_reasons(candidate: dict, baseline: dict, deltas: dict, tolerance_iou: float,
                       tolerance_clicks: float) -> list[str]:
    reasons = []
    for part in ("held_out", "benchmark"):
        c, b = candidate.get(part) or {}, baseline.get(part) or {}
        for k in (*NOC_KEYS, *MIOU_KEYS, ECE_KEY):
            if c.get(k) is None or b.get(k) is None:
                continue
            delta = float(c[k]) - float(b[k])
            deltas[f"{part}.{k}"] = round(delta, 4)
            if k in NOC_KEYS and delta > tolerance_clicks:
                reasons.append(f"{part} {k} worse by {delta:.2f} clicks (tolerance {tolerance_clicks})")
            elif k in MIOU_KEYS and -delta > tolerance_iou:
                reasons.append(f"{part} {k} worse by {-delta:.3f} (tolerance {tolerance_iou})")
            elif k == ECE_KEY and delta > tolerance_iou:
                reasons.append(f"{part} ECE worse by {delta:.3f} (tolerance {tolerance_iou})")
    return reasons


def gate_decide(*, candidate: dict, baseline: dict, tolerance_iou: float = 0.02, tolerance_clicks: float = 0.5,
                alpha: float = 0.05, split: dict | None = None) -> GateDecision:
    """Promote ``candidate`` over ``baseline`` (both ``{"held_out": metrics, "benchmark": metrics}``)?

    Promote only when (1) the held-out part was large enough (``split["shortfall"]``, from
    :func:`feedback.dataset.training_set_build`, says what is missing and where), (2) the paired signed-rank test on
    the per-object held-out NoC@85 of the same objects is significant at ``alpha`` with a mean improvement, and
    (3) no reported metric worsens beyond its tolerance."""
    split = split or {}
    shortfall = split.get("shortfall")
    split_key, key = PRIMARY
    cand_h, base_h = candidate.get(split_key) or {}, baseline.get(split_key) or {}
    if cand_h.get(key) is None or base_h.get(key) is None:
        why = shortfall["message"] if shortfall else "no held-out objects to score: add corrections in held-out areas"
        return GateDecision(False, [why], {})
    reasons: list[str] = []
    if shortfall:
        reasons.append(shortfall["message"])
    significant, text, paired = paired_verdict(candidate=cand_h, baseline=base_h, alpha=alpha,
                                               share=split.get("share"), key=key)
    reasons.append(text)
    deltas: dict = {}
    worse = _tolerance_reasons(candidate, baseline, deltas, tolerance_iou, tolerance_clicks)
    reasons.extend(worse)
    ok = significant and not worse and not shortfall
    if ok:
        reasons.append(f"held-out {key} improved {base_h[key]:.3f} -> {cand_h[key]:.3f}; nothing worse beyond "
                       "tolerance")
    return GateDecision(ok, reasons, deltas, paired)
