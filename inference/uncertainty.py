"""How unsure a model is over an area, from automatic prompts (plain module: numpy, no Django).

For one single-click prompt SAM answers with three candidates; the one it picks (highest predicted IoU) is judged
by its stability: the IoU between its mask thresholded at ``+offset`` and at ``-offset`` logits (SAM's automatic
mask generator uses the same figure, offset 1). A confident answer has a sharp edge and the two masks agree; a mask
the model is unsure of changes with the threshold. An area's uncertainty is the mean of ``1 - stability`` over a
grid of automatic prompts covering it, a figure in [0, 1].

The grid follows the data: its spacing is a quarter of the embedding window's extent at the level the project
works at (that level is itself chosen from the sizes of the objects annotated so far), so a task gets a few
prompts per window it spans, capped at ``max_points``.
"""

from __future__ import annotations

import math

import numpy as np

STABILITY_OFFSET = 1.0
POINTS_PER_WINDOW_SIDE = 4


def stability(low_logits: np.ndarray, *, offset: float = STABILITY_OFFSET) -> float:
    """IoU of ``low_logits > offset`` with ``low_logits > -offset`` (1.0 when both are empty)."""
    inner = low_logits > offset
    outer = low_logits > -offset
    union = int(outer.sum())
    return 1.0 if union == 0 else float(inner.sum()) / union


def prompt_uncertainty(low: np.ndarray, ious: np.ndarray) -> float:
    """``1 - stability`` of the candidate a single-click prompt shows (tokens 1..3, highest predicted IoU)."""
    token = 1 + int(np.argmax(np.asarray(ious)[1:4]))
    return 1.0 - stability(np.asarray(low)[token])


def grid_points(bounds: tuple[float, float, float, float], *, spacing: float,
                max_points: int) -> list[tuple[float, float]]:
    """Centres of a regular grid over ``bounds`` (x0, y0, x1, y1) with about ``spacing`` between points (at least
    one point per axis), thinned evenly to at most ``max_points``."""
    x0, y0, x1, y1 = bounds
    if not (x1 > x0 and y1 > y0) or spacing <= 0 or max_points < 1:
        return []
    nx = max(1, math.ceil((x1 - x0) / spacing))
    ny = max(1, math.ceil((y1 - y0) / spacing))
    if nx * ny > max_points:
        scale = math.sqrt(max_points / (nx * ny))
        nx, ny = max(1, math.floor(nx * scale)), max(1, math.floor(ny * scale))
    while nx * ny > max_points:  # one axis at 1 and the other still too long
        nx, ny = (nx - 1, ny) if nx >= ny else (nx, ny - 1)
    xs = x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx
    ys = y0 + (np.arange(ny) + 0.5) * (y1 - y0) / ny
    return [(float(x), float(y)) for y in ys for x in xs]
