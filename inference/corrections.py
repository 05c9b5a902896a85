"""What a corrective click asserts, kept on every later answer of the object.

A click after the first one corrects the answer before it: a positive click where that answer left the object out, a
negative one where it took background in. SAM reads the click as a hint and often moves its outline only a little
(on small objects the clicks past the fifth each gained about 0.01 IoU on the Atlanta buildings), or not at all, or
lets an earlier correction go again. So each correction also becomes a constraint (:class:`ClickDisk`):

- a click at distance ``r`` from the answer's outline claims the disk of radius ``r`` around it: the outline is
  moved through the click by as much as it missed it. The radius is never more than the half-thickness of the
  region the click joins (the largest disk that fits in the object for a positive click, in the background for a
  negative one), so a click far along a thin road adds a road-wide blob, not a disk across the scene;
- every later answer of the object keeps the disks of all its corrections, in click order (a later one wins where
  two overlap). They are written into the answer's low-res logits (:func:`logits_with_disks`), so the mask, its
  polygon and the logits fed back with the next click all carry them.

Everything here works on the ``(256, 256)`` low-res logits and window pixels (the convention of
:mod:`inference.sam.predict`); pure numpy and SciPy, no Django. A click that the answer before it already honours
(a positive click inside it) or that joins an empty region claims nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import distance_transform_edt, label


@dataclass(frozen=True, slots=True)
class ClickDisk:
    """A correction's claim in window pixels: the disk of ``radius`` around ``(x, y)`` is object (``positive``) or
    background."""

    x: float
    y: float
    positive: bool
    radius: float

    def as_list(self) -> list:
        return [round(self.x, 3), round(self.y, 3), int(self.positive), round(self.radius, 3)]

    @classmethod
    def from_list(cls, row: Sequence) -> ClickDisk:
        x, y, positive, radius = row
        return cls(float(x), float(y), bool(positive), float(radius))


def _cell(x: float, y: float, *, cell: float, n: int) -> tuple[int, int]:
    """(row, col) of the low-res cell (``cell`` window pixels wide, ``n`` across) holding window pixel (x, y)."""
    return int(min(n - 1, max(0, y / cell))), int(min(n - 1, max(0, x / cell)))


def answer_shown(low: np.ndarray, points_px: Sequence[Sequence[float]], labels: Sequence[int], *,
                 size: int) -> np.ndarray:
    """The low-res cells of the answer as it was shown: the positive cells' 8-connected parts that hold a positive
    click (all of them when none does), as :func:`inference.masks.mask_keep_clicked` keeps them on the mask."""
    positive = np.asarray(low) > 0
    lab, count = label(positive, structure=np.ones((3, 3), bool))
    if count <= 1:
        return positive
    n = positive.shape[-1]
    cell = size / n
    held = {int(lab[_cell(x, y, cell=cell, n=n)]) for (x, y), lb in zip(points_px, labels, strict=True) if lb == 1}
    held.discard(0)
    return np.isin(lab, sorted(held)) if held else positive


def _upscaled_block(low: np.ndarray, rows: np.ndarray, cols: np.ndarray, factor: int) -> np.ndarray:
    """SAM's bilinear upscaling (``align_corners=False``, edges clamped) of ``low`` by ``factor``, evaluated on the
    given output pixel rows and columns only: the same values as the full upscale there."""
    n = low.shape[-1]

    def taps(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        src = np.maximum((p + 0.5) / factor - 0.5, 0.0)
        i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)
        return i0, np.minimum(i0 + 1, n - 1), (src - i0).astype(np.float32)

    r0, r1, wr = taps(rows)
    c0, c1, wc = taps(cols)
    top = low[np.ix_(r0, c0)] * (1 - wc) + low[np.ix_(r0, c1)] * wc
    bottom = low[np.ix_(r1, c0)] * (1 - wc) + low[np.ix_(r1, c1)] * wc
    return top * (1 - wr)[:, None] + bottom * wr[:, None]


def click_disk(prev_low: np.ndarray, x: float, y: float, positive: bool, *, size: int,
               shown: np.ndarray | None = None) -> ClickDisk | None:
    """The disk a click at window pixel ``(x, y)`` claims against the answer before it (``prev_low``, low-res
    logits of a ``size``-pixel window; ``shown``: its cells as shown, :func:`answer_shown`, default all positive
    ones); None when it claims nothing (see the module docstring).

    The answer is judged at full resolution around the click (its upscaled outline, as the annotator saw it): the
    late corrections of an object are slivers narrower than a low-res cell."""
    low = np.asarray(prev_low, dtype=np.float32)
    n = low.shape[-1]
    factor = max(1, size // n)
    cell = size / n
    inside = (low > 0) if shown is None else shown
    target = inside if positive else ~inside  # the region the click asks to join (cells)
    if not target.any():
        return None
    shown_low = np.where(inside, np.abs(low), -np.abs(low))  # the parts not shown count as background
    row, col = _cell(x, y, cell=cell, n=n)
    # Search the full-resolution outline in a box around the click that surely reaches the region.
    reach = (float(distance_transform_edt(~target)[row, col]) + 2.0) * cell
    rows = np.arange(max(0, int(y - reach)), min(size, int(y + reach) + 2))
    cols = np.arange(max(0, int(x - reach)), min(size, int(x + reach) + 2))
    up = _upscaled_block(shown_low, rows, cols, factor)
    joined = up > 0 if positive else up <= 0
    px, py = int(min(size - 1, max(0, x))), int(min(size - 1, max(0, y)))
    if joined[py - rows[0], px - cols[0]]:
        return None  # the answer before already honours the click
    rr, cc = np.nonzero(joined)
    if rr.size == 0:
        return None
    distance = float(np.sqrt(((rows[rr] + 0.5 - y) ** 2 + (cols[cc] + 0.5 - x) ** 2).min()))
    # Half-thickness of the region joined: its largest inscribed radius (the window's edge counts as its border).
    # (EDT counts from cell centre to the nearest outside cell's centre: half a cell more than to its edge.)
    cap = (float(distance_transform_edt(np.pad(target, 1))[1:-1, 1:-1].max()) - 0.5) * cell
    radius = min(distance, cap)
    return ClickDisk(float(x), float(y), bool(positive), radius) if radius > 0 else None


def logits_with_disks(low: np.ndarray, disks: Sequence[ClickDisk], *, size: int) -> np.ndarray:
    """``low`` (``(n, n)`` low-res logits of a ``size``-pixel window) with each disk's cells (centre inside it, and
    always the clicked cell) made object or background, in order. A flipped cell keeps the model's confidence with
    the sign the click asks for (``|logit|``), so the outline upscaled from it falls where it would between cells
    of equal confidence."""
    out = np.array(low, dtype=np.float32, copy=True)
    if not disks:
        return out
    n = out.shape[-1]
    cell = size / n
    floor = np.float32(1e-3)  # a zero logit is background: a claimed cell must be strictly positive
    for d in disks:
        reach = int(d.radius / cell) + 1
        row, col = _cell(d.x, d.y, cell=cell, n=n)
        r0, r1 = max(0, row - reach), min(n, row + reach + 1)
        c0, c1 = max(0, col - reach), min(n, col + reach + 1)
        cy = (np.arange(r0, r1) + 0.5) * cell - d.y
        cx = (np.arange(c0, c1) + 0.5) * cell - d.x
        inside = cy[:, None] ** 2 + cx[None, :] ** 2 <= d.radius * d.radius
        inside[row - r0, col - c0] = True
        block = out[r0:r1, c0:c1]
        magnitude = np.maximum(np.abs(block[inside]), floor)
        block[inside] = magnitude if d.positive else -magnitude
    return out


def disks_for_prompt(points_px: Sequence[Sequence[float]], labels: Sequence[int], *, prev_low: np.ndarray | None,
                     kept: Sequence[ClickDisk], size: int, tolerance: float = 0.5) -> list[ClickDisk]:
    """The disks of a prompt's clicks, in click order: an earlier answer's disk (``kept``) for each click it was
    made for (same place within ``tolerance`` window pixels, same sign), and a new one for the last click against
    the answer before it (``prev_low``; none without it: a first click has no answer to correct, while a lone click
    after a box corrects the box's answer). Clicks the answer before already honoured claim nothing; disks of
    clicks no longer in the prompt (undone) are dropped."""
    pts = [(float(p[0]), float(p[1])) for p in points_px]
    out: list[ClickDisk] = []
    for i, ((x, y), lb) in enumerate(zip(pts, labels, strict=True)):
        match = next((d for d in kept if d.positive == bool(lb)
                      and abs(d.x - x) <= tolerance and abs(d.y - y) <= tolerance), None)
        if match is not None:
            out.append(match)
        elif i == len(pts) - 1 and prev_low is not None:
            shown = answer_shown(prev_low, pts[:i], labels[:i], size=size)
            new = click_disk(prev_low, x, y, bool(lb), size=size, shown=shown)
            if new is not None:
                out.append(new)
    return out


def mask_with_disks(mask: np.ndarray, disks: Sequence[ClickDisk], *, origin: tuple[int, int] = (0, 0)) -> np.ndarray:
    """The upscaled mask (or a crop of it whose top-left window pixel is ``origin`` = (col, row)) with each disk
    painted in order at full resolution: the low-res cells (:func:`logits_with_disks`) carry a claim at a quarter of
    the window's pixel size only, so a narrow claim would otherwise round away."""
    out = np.array(mask, dtype=bool, copy=True)
    h, w = out.shape
    col0, row0 = origin
    for d in disks:
        r0, r1 = max(0, int(d.y - d.radius) - row0), min(h, int(d.y + d.radius) + 2 - row0)
        c0, c1 = max(0, int(d.x - d.radius) - col0), min(w, int(d.x + d.radius) + 2 - col0)
        if r1 <= r0 or c1 <= c0:
            continue
        cy = (np.arange(r0, r1) + row0 + 0.5) - d.y
        cx = (np.arange(c0, c1) + col0 + 0.5) - d.x
        inside = cy[:, None] ** 2 + cx[None, :] ** 2 <= d.radius * d.radius
        block = out[r0:r1, c0:c1]
        if d.positive:
            block |= inside
        else:
            block &= ~inside
    return out
