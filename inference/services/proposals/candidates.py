"""Show why: SAM's three multimask candidates of one answer, each with its calibrated quality and polygon.

The chosen candidate (the answer) comes first, at index 0, with no geometry of its own (it is the answer's
``geometry``); the other multimask outputs follow, by quality, each with a simplified polygon (EPSG:4326). Every
quality comes from the same calibrator that chose the answer, on the same features (:mod:`inference.scoring`),
so the numbers compare. The annotator may keep another candidate; the accept records its index
(``Correction.kept_candidate``).
"""

from __future__ import annotations

import numpy as np
from affine import Affine

MULTIMASK_TOKENS = (1, 2, 3)
# Simplification of the alternatives' outlines, in window pixels: half a cell of the low-res logits they are traced
# on (1024 / 256 / 2), so the simplification moves no outline by more than the grid already does.
CANDIDATE_TOLERANCE_PX = 2.0
COORD_DECIMALS = 7  # about 1 cm in latitude: far below one window pixel at any level


def _rounded(coords):
    """A MultiPolygon's coordinates (polygons of rings of positions) rounded to ``COORD_DECIMALS``."""
    d = COORD_DECIMALS
    return [[[[round(float(x), d), round(float(y), d)] for x, y, *_z in ring] for ring in poly] for poly in coords]


def _polygon(low_token: np.ndarray, *, size: int, points_px, labels, transform: Affine, crs) -> dict | None:
    """A candidate's outline traced on the low-res logits' own grid (``n`` = 256 cells across the window, each
    ``size / n`` window pixels): 16 times fewer pixels than the answer's upscaled mask (bench/why.py measured the
    two alternatives traced upscaled at about four times the answer's own polygon per click), and a comparison
    needs no finer. A kept candidate is stored as traced here."""
    from inference.masks import DEFAULT_MIN_AREA, mask_keep_clicked, mask_to_geometry

    low_token = np.asarray(low_token, np.float32)
    n = low_token.shape[-1]
    cell = size / n
    mask = low_token > 0
    if not mask.any():
        return None
    if points_px is not None and len(points_px):
        mask, _parts = mask_keep_clicked(mask, np.asarray(points_px, np.float64) / cell, labels)
    geom = mask_to_geometry(mask, transform=transform * Affine.scale(cell), crs=crs,
                            tolerance=CANDIDATE_TOLERANCE_PX / cell, min_area=DEFAULT_MIN_AREA / cell ** 2)
    if geom is None:
        return None
    return {"type": geom.wgs84["type"], "coordinates": _rounded(geom.wgs84["coordinates"])}


def candidate_list(low: np.ndarray, ious: np.ndarray, choice, *, scaled: bool, points_px, labels, size: int,
                   calibrator, pixel_area_m2, size_prior, transform: Affine, crs, disks=()) -> list[dict]:
    """The answer's candidates: ``[{index, token, quality, predicted_iou, chosen, geometry}]``.

    ``low``/``ious``: the decode's ``(T, 256, 256)`` logits and predicted IoUs; ``choice``: the
    :class:`inference.scoring.Choice` kept; ``scaled``: the answer came from scale search's finer window, so
    none of ``low``'s tokens is the answer and all three multimask ones are alternatives. ``disks``: the
    corrections' claims (:mod:`inference.corrections`), kept on every alternative's outline as on the answer's, so
    switching candidates never drops a correction (qualities stay those of SAM's own candidates, as the answer's)."""
    from inference.calibration import default_calibrator
    from inference.corrections import logits_with_disks
    from inference.scoring import candidate_features

    tokens = [t for t in MULTIMASK_TOKENS if t < len(low)]
    pts = np.zeros((0, 2)) if points_px is None else np.asarray(points_px, np.float64).reshape(-1, 2)
    lab = np.zeros(0, np.int64) if labels is None else np.asarray(labels, np.int64).reshape(-1)
    feats = candidate_features(low, ious, tokens, points_px=pts, labels=lab, window_size=size,
                               pixel_area_m2=pixel_area_m2, size_prior=size_prior)
    quality = np.clip((calibrator or default_calibrator()).predict(feats), 0.0, 1.0)
    chosen = {"index": 0, "token": int(choice.token), "quality": round(float(choice.quality), 4),
              "predicted_iou": round(float(ious[choice.token]), 4) if not scaled else None, "chosen": True,
              "geometry": None}
    others: list[dict] = []
    for token, q in zip(tokens, quality, strict=True):
        if token == choice.token and not scaled:
            continue
        traced = logits_with_disks(low[token], disks, size=size) if disks else low[token]
        geometry = _polygon(traced, size=size, points_px=pts if len(pts) else None, labels=lab,
                            transform=transform, crs=crs)
        others.append({"token": int(token), "quality": round(float(q), 4) if geometry is not None else 0.0,
                       "predicted_iou": round(float(ious[token]), 4), "chosen": False, "geometry": geometry})
    others.sort(key=lambda c: -float(c["quality"]))
    return [chosen] + [{"index": i, **c} for i, c in enumerate(others, start=1)]


def _unsure(share: np.ndarray) -> np.ndarray:
    """1 where a probability (or a vote share) is one half, 0 where it is 0 or 1: ``1 - |2p - 1|``."""
    return 1.0 - np.abs(2.0 * share - 1.0)


def uncertainty_map(chosen_low: np.ndarray, low: np.ndarray) -> np.ndarray:
    """Per-pixel uncertainty of an answer on its window's low-res grid (``(n, n)`` uint8, 255 = unsure).

    Two readings, the larger kept: the logit margin (the mask's own probability near one half, ``|logit|`` small)
    and the candidates' disagreement (the answer and SAM's multimask outputs voting on the pixel: split votes are
    unsure, unanimous ones are not). Both are ``1 - |2p - 1|``, so neither needs a scale of its own."""
    chosen_low = np.asarray(chosen_low, np.float32)
    p = 1.0 / (1.0 + np.exp(-np.clip(chosen_low, -30.0, 30.0)))
    votes = [chosen_low > 0] + [np.asarray(low[t]) > 0 for t in MULTIMASK_TOKENS if t < len(low)]
    share = np.mean(np.stack(votes).astype(np.float32), axis=0)
    u = np.maximum(_unsure(p), _unsure(share))
    return np.round(u * 255.0).astype(np.uint8)


def uncertainty_png(u: np.ndarray) -> bytes:
    """The map as an RGBA PNG on the window's low-res grid: one colour, opacity = uncertainty (row 0 = the
    window's top edge, as the window's transform reads)."""
    import io

    from PIL import Image

    rgba = np.zeros((*u.shape, 4), np.uint8)
    rgba[..., 0], rgba[..., 1], rgba[..., 2] = 255, 32, 160
    rgba[..., 3] = (u.astype(np.uint16) * 220 // 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="PNG", optimize=True)
    return buf.getvalue()
