"""Find similar: the math (plain module: numpy, no Django).

An exemplar is an accepted annotation; its feature is the mean of the image embedding (SAM's encoder output, C x
64 x 64 per window) over the embedding cells under its mask, weighted by how much of each cell the mask covers.
The exemplars' prototype is the mean of their unit features. Every cell of a window is compared with the
prototype by cosine similarity (a similarity map); its local maxima above a threshold become point prompts.

Rules from the data, no tuned constants:

- the threshold separates the exemplars' own cells from the rest of the map best (Youden's J: the value that
  maximises the true-positive rate on exemplar cells minus the false-positive rate on the other cells); cells of
  objects not yet annotated are among "the other cells", but they are few next to the background;
- a local maximum is the highest cell within the exemplars' typical radius (half their median extent, in cells),
  so one object gives one peak, and two peaks closer than that radius across overlapping windows are one;
- masks overlapping by IoU 0.5 or more are the same object (the matching criterion of the evaluation), so
  non-maximum suppression and "already annotated" use that figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SAME_OBJECT_IOU = 0.5  # two masks this similar count as one object (IoU 0.5: the evaluation's match criterion)


def cell_coverage(mask: np.ndarray, grid: int) -> np.ndarray:
    """Fraction of each cell of a ``grid`` x ``grid`` partition covered by a boolean ``mask`` (its sides a multiple
    of ``grid``)."""
    mask = np.asarray(mask, dtype=np.float32)
    h, w = mask.shape
    if h % grid or w % grid:
        raise ValueError(f"mask {mask.shape} is not a multiple of the {grid} x {grid} grid")
    return mask.reshape(grid, h // grid, grid, w // grid).mean(axis=(1, 3))


def _unit(v: np.ndarray, axis: int = 0) -> np.ndarray:
    norm = np.linalg.norm(v, axis=axis, keepdims=True)
    return v / np.maximum(norm, 1e-12)


def exemplar_weights(coverage: np.ndarray) -> np.ndarray:
    """The cells an exemplar speaks for: those at least half covered, weighted by coverage; a mask smaller than
    half a cell everywhere keeps its most covered cell."""
    cov = np.asarray(coverage, dtype=np.float32)
    weights = np.where(cov >= 0.5, cov, 0.0)
    if weights.sum() <= 0:
        if cov.max() <= 0:
            raise ValueError("the exemplar's mask covers no embedding cell")
        weights = np.zeros_like(cov)
        weights[np.unravel_index(np.argmax(cov), cov.shape)] = 1.0
    return weights


def exemplar_feature(embedding: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    """Unit-length mean feature (C,) of ``embedding`` (C, H, W) under a coverage map (H, W)."""
    emb = np.asarray(embedding, dtype=np.float32)
    weights = exemplar_weights(coverage)
    feat = np.tensordot(emb, weights, axes=([1, 2], [0, 1])) / float(weights.sum())
    return _unit(feat)


def prototype(features: list[np.ndarray]) -> np.ndarray:
    """Unit mean of the exemplars' unit features."""
    if not features:
        raise ValueError("find similar needs at least one exemplar")
    return _unit(np.mean(np.stack([_unit(np.asarray(f, np.float32)) for f in features]), axis=0))


def similarity_map(embedding: np.ndarray, feature: np.ndarray) -> np.ndarray:
    """Cosine similarity (H, W) of every cell of ``embedding`` (C, H, W) to ``feature`` (C,)."""
    emb = np.asarray(embedding, dtype=np.float32)
    cells = _unit(emb.reshape(emb.shape[0], -1), axis=0)
    return (np.asarray(feature, np.float32) @ cells).reshape(emb.shape[1:])


def youden_threshold(positives: np.ndarray, negatives: np.ndarray) -> float:
    """The threshold t maximising TPR(positives >= t) - FPR(negatives >= t), midway between the two neighbouring
    values it separates. With no negatives, the lowest positive."""
    pos = np.sort(np.asarray(positives, np.float64).ravel())
    neg = np.sort(np.asarray(negatives, np.float64).ravel())
    if pos.size == 0:
        raise ValueError("no exemplar cells to set a threshold from")
    if neg.size == 0:
        return float(pos[0])
    values = np.unique(np.concatenate([pos, neg]))
    tpr = 1.0 - np.searchsorted(pos, values, side="left") / pos.size  # share of positives >= value
    fpr = 1.0 - np.searchsorted(neg, values, side="left") / neg.size
    best = int(np.argmax(tpr - fpr))
    if best == 0:
        return float(values[0])
    return float((values[best] + values[best - 1]) / 2)


def local_peaks(sim: np.ndarray, *, threshold: float, radius: int, valid: np.ndarray | None = None
                ) -> list[tuple[int, int, float]]:
    """Cells (row, col, value) above ``threshold`` that are the maximum of their (2 radius + 1)² neighbourhood
    (ties: the first in row-major order), highest first. ``valid`` masks out cells (off the scene)."""
    s = np.asarray(sim, np.float64).copy()
    if valid is not None:
        s[~np.asarray(valid, bool)] = -np.inf
    r = max(0, int(radius))
    h, w = s.shape
    padded = np.pad(s, r, constant_values=-np.inf)
    neighbourhood_max = np.full_like(s, -np.inf)
    for dy in range(2 * r + 1):
        for dx in range(2 * r + 1):
            neighbourhood_max = np.maximum(neighbourhood_max, padded[dy:dy + h, dx:dx + w])
    candidates = np.argwhere((s >= neighbourhood_max) & (s > threshold))
    peaks: list[tuple[int, int, float]] = []
    taken = np.zeros_like(s, dtype=bool)
    for y, x in sorted(map(tuple, candidates), key=lambda yx: (-s[yx], yx)):
        if taken[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1].any():
            continue  # a plateau: one peak per neighbourhood
        taken[y, x] = True
        peaks.append((int(y), int(x), float(s[y, x])))
    return peaks


def merge_points(points: list[tuple[float, float, float]], *, radius: float) -> list[tuple[float, float, float]]:
    """Greedy merge of (x, y, score) points closer than ``radius`` (keeps the higher score), highest first."""
    kept: list[tuple[float, float, float]] = []
    for x, y, score in sorted(points, key=lambda p: -p[2]):
        if all(math.hypot(x - kx, y - ky) >= radius for kx, ky, _ in kept):
            kept.append((x, y, score))
    return kept


@dataclass
class Scored:
    """A decoded candidate for non-maximum suppression: its id, score and geometry (anything with ``area``,
    ``intersection``; shapely)."""

    key: int
    score: float
    geometry: object


def iou(a, b) -> float:
    """IoU of two shapely geometries (0 when both are empty)."""
    inter = a.intersection(b).area
    union = a.area + b.area - inter
    return 0.0 if union <= 0 else float(inter / union)


def nms(items: list[Scored], *, same: float = SAME_OBJECT_IOU, existing: list | None = None) -> list[Scored]:
    """Greedy non-maximum suppression: highest score first, dropping any item whose IoU with a kept one or with
    one of ``existing`` (geometries already annotated) reaches ``same``."""
    kept: list[Scored] = []
    others = list(existing or [])
    for item in sorted(items, key=lambda s: -s.score):
        geom = item.geometry
        if any(iou(geom, e) >= same for e in others) or any(iou(geom, k.geometry) >= same for k in kept):
            continue
        kept.append(item)
    return kept
