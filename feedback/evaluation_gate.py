"""Evaluation of a model version (DESIGN.md protocol via :mod:`inference.evaluation`) and the promotion gate.

Plain module (no Django). Metrics dicts are :meth:`inference.evaluation.Summary.as_dict` outputs, keyed
``NoC@80``, ``NoC@85``, ``NoC@90``, ``mIoU@1``, ``mIoU@5``, ``ece_predicted_iou``, ``n_objects`` ...; a version's
evaluation is ``{"held_out": {...}, "benchmark": {...}}`` (a split absent when it had no objects or was skipped).

The gate: promote only if held-out NoC@85 is strictly lower than the baseline's (both scored now, on the same
objects) and no reported metric worsens beyond its tolerance: NoC (clicks, lower is better) by more than
``tolerance_clicks``; mIoU (higher is better) and ECE (lower is better) by more than ``tolerance_iou``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from inference.evaluation import (
    MAX_CLICKS,
    evaluate_object,
    iou_curve,
    object_row,
    reliability_bins,
    summarize,
)
from inference.sam import LoadedModel, decode

NOC_KEYS = ("NoC@80", "NoC@85", "NoC@90")
MIOU_KEYS = ("mIoU@1", "mIoU@5")
ECE_KEY = "ece_predicted_iou"
PRIMARY = ("held_out", "NoC@85")


def predict_fn(model: LoadedModel, embedding: np.ndarray, *, backend: str = "torch"):
    """The protocol's ``predict(points, labels, prev_logits) -> (mask, predicted_iou, logits)`` on one window."""

    def predict(points, labels, prev_logits):
        out = decode(model, embedding, points, labels, mask_logits=prev_logits, backend=backend)
        return out.mask, out.iou, out.low_res_logits

    return predict


def evaluate_objects(model: LoadedModel, objects: Sequence, *, max_clicks: int = MAX_CLICKS,
                     backend: str = "torch", should_cancel=None, progress_cb=None, locate=None) -> dict | None:
    """Score ``objects`` (each with ``.embedding`` fp16 (1,256,64,64) and ``.gt`` bool mask); None when empty.

    Besides the summary figures the result keeps what a side-by-side comparison draws: ``iou_curve`` (mean IoU
    after each click count), ``reliability`` (the bins behind the ECE) and ``objects`` (one row per object, see
    :func:`inference.evaluation.object_row`, plus ``location`` from ``locate(label)`` when given: where the object
    is, e.g. ``{"scene": id, "bbox": [w, s, e, n], "centroid": [lon, lat]}`` in EPSG:4326).
    ``progress_cb(done, total, results_so_far)`` is called after each object.
    """
    results = []
    total = len(objects)
    for obj in objects:
        if should_cancel is not None and should_cancel():
            raise InterruptedError("evaluation cancelled")
        results.append(evaluate_object(predict_fn(model, obj.embedding, backend=backend), obj.gt,
                                       max_clicks=max_clicks, label=getattr(obj, "label", "")))
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

    def as_dict(self) -> dict:
        return {"promote": self.promote, "reasons": list(self.reasons), "deltas": dict(self.deltas)}


def gate_decide(*, candidate: dict, baseline: dict, tolerance_iou: float = 0.02,
                tolerance_clicks: float = 0.5) -> GateDecision:
    """Promote ``candidate`` over ``baseline`` (both ``{"held_out": metrics, "benchmark": metrics}``)?"""
    reasons: list[str] = []
    deltas: dict = {}
    split, key = PRIMARY
    cand_h, base_h = candidate.get(split) or {}, baseline.get(split) or {}
    if cand_h.get(key) is None or base_h.get(key) is None:
        return GateDecision(False, ["no held-out objects to score: add corrections in held-out blocks"], {})
    ok = True
    if not cand_h[key] < base_h[key]:
        ok = False
        reasons.append(f"held-out {key} did not improve ({base_h[key]:.3f} -> {cand_h[key]:.3f})")
    for part in ("held_out", "benchmark"):
        c, b = candidate.get(part) or {}, baseline.get(part) or {}
        for k in (*NOC_KEYS, *MIOU_KEYS, ECE_KEY):
            if c.get(k) is None or b.get(k) is None:
                continue
            delta = float(c[k]) - float(b[k])
            deltas[f"{part}.{k}"] = round(delta, 4)
            if k in NOC_KEYS and delta > tolerance_clicks:
                ok = False
                reasons.append(f"{part} {k} worse by {delta:.2f} clicks (tolerance {tolerance_clicks})")
            elif k in MIOU_KEYS and -delta > tolerance_iou:
                ok = False
                reasons.append(f"{part} {k} worse by {-delta:.3f} (tolerance {tolerance_iou})")
            elif k == ECE_KEY and delta > tolerance_iou:
                ok = False
                reasons.append(f"{part} ECE worse by {delta:.3f} (tolerance {tolerance_iou})")
    if ok:
        reasons.append(f"held-out {key} improved {base_h[key]:.3f} -> {cand_h[key]:.3f}; nothing worse beyond "
                       "tolerance")
    return GateDecision(ok, reasons, deltas)
