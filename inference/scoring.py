"""Choosing among SAM's candidate masks: what each candidate looks like, measured without the ground truth.

Pure numpy, no Django. :func:`candidate_features` describes every candidate a decode produced with numbers that
mean the same on any imagery (no pixel sizes, no constants of one scene):

- ``piou``: the model's own predicted IoU (clipped to [0, 1.5]; MobileSAM overshoots 1 on flat masks).
- ``stability``: SAM's stability score, area(logit > +1) / area(logit > -1): a mask whose outline moves a lot when
  the threshold moves is a guess.
- ``share``: the part of the window the mask covers. A window is chosen so an object is well inside it, so a mask
  covering most of it is usually background swallowed with the object.
- ``border``: the share of the window's four sides the mask touches (0, 0.25 ... 1).
- ``pos_in`` / ``neg_out``: the share of positive clicks inside the mask and of negative clicks outside it.
- ``size_z``: how far the mask's ground area lies from the project's accepted annotations of the class, in standard
  deviations of log area (|z|, capped at 4); ``size_known`` says whether the project has such a distribution
  (``size_z`` is 0 when not).
- ``single``: 1 for SAM's single-mask token (the one meant for several prompts), 0 for the multimask ones.
- ``clicks``: log2 of the number of clicks.

:mod:`inference.calibration` maps these to the expected IoU with what the annotator keeps; the candidate with the
highest expected IoU is the answer (:func:`choose`). Everything is computed on the 256 x 256 low-resolution logits,
so scoring four candidates costs well under a millisecond.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FEATURES = ("piou", "stability", "share", "border", "pos_in", "neg_out", "size_z", "size_known", "single",
            "clicks")
STABILITY_OFFSET = 1.0  # SAM's own stability score uses +-1 logit around the 0 threshold
SIZE_Z_CAP = 4.0


@dataclass(frozen=True)
class SizePrior:
    """Log-normal description of a class's accepted annotation areas (square metres): mean and standard deviation
    of ln(area), and how many annotations they come from."""

    mean_log: float
    std_log: float
    n: int

    @classmethod
    def from_areas(cls, areas: Sequence[float], *, min_count: int = 3) -> SizePrior | None:
        """The prior of these areas, or None with fewer than ``min_count`` positive ones. The spread is never taken
        below ln(2) (a factor of two), so a handful of similar objects does not forbid every other size."""
        a = np.asarray([x for x in areas if x and x > 0 and math.isfinite(x)], np.float64)
        if a.size < min_count:
            return None
        logs = np.log(a)
        return cls(mean_log=float(logs.mean()), std_log=float(max(logs.std(ddof=1), math.log(2.0))), n=int(a.size))

    @property
    def large_extent_m(self) -> float:
        """The extent (metres) of a large object of the class: the diagonal of a square of the 95th percentile of
        the accepted areas (a diagonal, since an object may lie at any angle). The size a focus window is chosen
        to hold (:func:`inference.windows.focus_level`)."""
        return math.sqrt(2.0 * math.exp(self.mean_log + 1.645 * self.std_log))

    def z(self, area: float) -> float:
        if area <= 0:
            return SIZE_Z_CAP
        return float(min(SIZE_Z_CAP, abs(math.log(area) - self.mean_log) / self.std_log))


def _window_index(points_px: np.ndarray, size: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    scale = n / size
    cols = np.clip((points_px[:, 0] * scale).astype(int), 0, n - 1)
    rows = np.clip((points_px[:, 1] * scale).astype(int), 0, n - 1)
    return rows, cols


def candidate_features(
    low: np.ndarray,
    ious: np.ndarray,
    candidates: Sequence[int],
    *,
    points_px: np.ndarray | Sequence[Sequence[float]],
    labels: np.ndarray | Sequence[int],
    window_size: int,
    pixel_area_m2: float | None = None,
    size_prior: SizePrior | None = None,
) -> np.ndarray:
    """Features (see module docstring, in :data:`FEATURES` order) of ``low[c]`` for each ``c`` in ``candidates``.

    ``low``: ``(T, n, n)`` logits (``n`` = 256), ``ious``: ``(T,)`` predicted IoUs, ``points_px``: ``(N, 2)`` click
    (x, y) in window pixels of a ``window_size`` window, ``labels``: ``(N,)`` 1/0, ``pixel_area_m2``: ground area of
    one window pixel. Returns float64 ``(len(candidates), len(FEATURES))``.
    """
    low = np.asarray(low, np.float32)
    ious = np.asarray(ious, np.float64).reshape(-1)
    pts = np.asarray(points_px, np.float64).reshape(-1, 2)
    lab = np.asarray(labels, np.int64).reshape(-1)
    n = low.shape[-1]
    rows, cols = _window_index(pts, window_size, n) if pts.size else (np.zeros(0, int), np.zeros(0, int))
    pos, neg = lab == 1, lab == 0
    clicks = math.log2(max(1, pts.shape[0]))
    out = np.zeros((len(candidates), len(FEATURES)), np.float64)
    for i, token in enumerate(candidates):
        logit = low[token]
        mask = logit > 0
        area = int(np.count_nonzero(mask))
        hi = int(np.count_nonzero(logit > STABILITY_OFFSET))
        lo = int(np.count_nonzero(logit > -STABILITY_OFFSET))
        stability = hi / lo if lo else 0.0
        border = (mask[0].any() + mask[-1].any() + mask[:, 0].any() + mask[:, -1].any()) / 4.0
        inside = mask[rows, cols] if rows.size else np.zeros(0, bool)
        pos_in = float(inside[pos].mean()) if pos.any() else 1.0
        neg_out = float((~inside[neg]).mean()) if neg.any() else 1.0
        size_z, known = 0.0, 0.0
        if size_prior is not None and pixel_area_m2 and pixel_area_m2 > 0:
            ground = area * (window_size / n) ** 2 * pixel_area_m2
            size_z, known = size_prior.z(ground), 1.0
        out[i] = (
            float(np.clip(ious[token], 0.0, 1.5)), stability, area / mask.size, border, pos_in, neg_out, size_z,
            known, 1.0 if token == 0 else 0.0, clicks,
        )
    return out


def candidate_tokens(*, multimask: bool, n_points: int, has_box: bool) -> list[int]:
    """Which of SAM's four outputs compete: the three multimask ones for a lone click (SAM's advice); once several
    prompts disambiguate, SAM's single-mask output alone (letting all four compete on later clicks cost 0.47 NoC@85
    on the Atlanta bench, the ranker being fitted mostly on first-click choices). ``n_points``/``has_box`` kept
    for callers that want to widen this."""
    if multimask:
        return [1, 2, 3]
    return [0]


@dataclass(frozen=True)
class Choice:
    """The chosen candidate: its token, displayed quality in [0, 1], every candidate's quality and features."""

    token: int
    quality: float
    qualities: np.ndarray
    features: np.ndarray  # (len(FEATURES),) of the chosen one

    def features_dict(self) -> dict[str, float]:
        return {k: round(float(v), 5) for k, v in zip(FEATURES, self.features, strict=True)}


def choose(features: np.ndarray, candidates: Sequence[int], calibrator) -> Choice:
    """The candidate of highest calibrated quality (ties: the earlier candidate)."""
    q = np.clip(np.asarray(calibrator.predict(features), np.float64), 0.0, 1.0)
    best = int(np.argmax(q))
    return Choice(token=int(candidates[best]), quality=float(q[best]), qualities=q, features=features[best])


def fills_window(features_row: np.ndarray) -> bool:
    """Whether a chosen mask looks like it swallowed its window: it covers more than half of it, or it touches at
    least three of its four sides (an object the window was chosen for lies well inside it)."""
    f = dict(zip(FEATURES, features_row, strict=True))
    return bool(f["share"] > 0.5 or f["border"] >= 0.75)


def coarser_logits(low_fine: np.ndarray, *, fine, coarse, outside: float = -20.0) -> np.ndarray:
    """A finer window's ``(n, n)`` low-res logits expressed on a coarser window's ``(n, n)`` low-res grid: 2 x 2
    mean-pooled when ``fine`` is one level finer, pasted where it lies inside ``coarse``, ``outside`` elsewhere (a
    confident "not object"). ``fine`` / ``coarse`` are :class:`inference.windows.Window` on the same grid family."""
    low_fine = np.asarray(low_fine, np.float32)
    n = low_fine.shape[-1]
    ratio = round(coarse.scale / fine.scale)
    if ratio < 1 or coarse.scale / fine.scale != ratio:
        raise ValueError(f"window {fine.key} is not an integer refinement of {coarse.key}")
    m = n // ratio
    pooled = low_fine[: m * ratio, : m * ratio].reshape(m, ratio, m, ratio).mean(axis=(1, 3))
    cell = coarse.scale * coarse.size / n  # scene px per coarse low-res pixel
    off_x = round((fine.origin[0] - coarse.origin[0]) / cell)
    off_y = round((fine.origin[1] - coarse.origin[1]) / cell)
    out = np.full((n, n), outside, np.float32)
    r0, c0 = max(0, off_y), max(0, off_x)
    r1, c1 = min(n, off_y + m), min(n, off_x + m)
    if r1 > r0 and c1 > c0:
        out[r0:r1, c0:c1] = pooled[r0 - off_y : r1 - off_y, c0 - off_x : c1 - off_x]
    return out


def finer_logits(low_coarse: np.ndarray, *, coarse, fine, outside: float = -20.0) -> np.ndarray:
    """The inverse of :func:`coarser_logits`: a coarse window's ``(n, n)`` low-res logits on a finer window's
    ``(n, n)`` low-res grid (the part under ``fine`` cut out and each cell repeated ``ratio`` times; ``outside``
    where ``fine`` leaves ``coarse``), so an answer on the coarse window can be fed back as the mask prompt of the
    next click on the finer one."""
    low_coarse = np.asarray(low_coarse, np.float32)
    n = low_coarse.shape[-1]
    ratio = round(coarse.scale / fine.scale)
    if ratio < 1 or coarse.scale / fine.scale != ratio:
        raise ValueError(f"window {fine.key} is not an integer refinement of {coarse.key}")
    cell = coarse.scale * coarse.size / n  # scene px per coarse low-res pixel
    off_x = round((fine.origin[0] - coarse.origin[0]) / cell)
    off_y = round((fine.origin[1] - coarse.origin[1]) / cell)
    m = -(-n // ratio)
    block = np.full((m, m), outside, np.float32)
    r0, c0 = max(0, off_y), max(0, off_x)
    r1, c1 = min(n, off_y + m), min(n, off_x + m)
    if r1 > r0 and c1 > c0:
        block[r0 - off_y : r1 - off_y, c0 - off_x : c1 - off_x] = low_coarse[r0:r1, c0:c1]
    return np.repeat(np.repeat(block, ratio, axis=0), ratio, axis=1)[:n, :n]


def mask_extent_px(low: np.ndarray, *, window_size: int) -> float:
    """The longer side of the bounding box of a low-res mask (logit > 0), in window pixels (0 when empty)."""
    positive = np.asarray(low) > 0
    rows = np.flatnonzero(positive.any(axis=1))
    if rows.size == 0:
        return 0.0
    cols = np.flatnonzero(positive.any(axis=0))
    scale = window_size / positive.shape[-1]
    return float(max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) * scale)


def focus_window_after(low: np.ndarray, window):
    """The focus window for the clicks that follow a first answer ``low`` (``(n, n)`` low-res logits) on
    ``window`` (FocalClick's coarse-then-focus): at the finest level whose windows hold the answer's extent in
    their central half (:func:`inference.windows.focus_level`), centred on the answer's box. None when that is no
    finer than ``window`` (the answer already fills a sensible share of it, or swallowed it) or the answer is
    empty. Later clicks on the object go there while it holds them (:mod:`inference.services.proposals.prepare`)."""
    from inference.windows import focus_level, window_for_point

    low = np.asarray(low)
    extent = mask_extent_px(low, window_size=window.size) * window.scale  # scene px
    if extent <= 0:
        return None
    level = focus_level(object_extent_m=extent, gsd=1.0, max_level=window.level, size=window.size)
    if level >= window.level:
        return None
    positive = low > 0
    rows = np.flatnonzero(positive.any(axis=1))
    cols = np.flatnonzero(positive.any(axis=0))
    cell = window.size / low.shape[-1]
    u, v = (cols[0] + cols[-1] + 1) / 2 * cell, (rows[0] + rows[-1] + 1) / 2 * cell
    x, y = window.window_to_scene(float(u), float(v))
    return window_for_point(x=x, y=y, level=level, size=window.size)
