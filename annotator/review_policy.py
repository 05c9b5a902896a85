"""Which model-made annotations a reviewer sees (plain module, no Django).

A project's ``review_policy`` setting:

- ``"all"`` (the default): every annotation waits for review;
- ``"uncertain"``: an annotation the model made waits for review when its calibrated quality (the expected IoU with
  what the annotators of this project keep) is below ``review_quality_below``, or when it is drawn into a random
  audit share ``review_share_above`` of the rest; every other one is marked as not needing review (it stays out of
  the queue and is not counted as human-approved). The audit share keeps measuring whether the quality estimate
  is right above the threshold, where nobody would look otherwise.

The draw is seeded and reproducible: ``sha256("<review_seed>:<key>")`` (the key is the annotation's id) read as a
fraction of 2**64. The decision and every figure behind it are returned so the caller can record them.
An annotation without a quality (drawn or imported by a person) always waits for review.
"""

from __future__ import annotations

import hashlib

POLICIES = ("all", "uncertain")
DEFAULTS = {"review_policy": "all", "review_quality_below": 0.8, "review_share_above": 0.1, "review_seed": 0}


def review_draw(seed: int, key: str) -> float:
    """A uniform number in [0, 1) fixed by ``seed`` and ``key``."""
    digest = hashlib.sha256(f"{int(seed)}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def review_decide(*, settings: dict, quality: float | None, key: str) -> tuple[bool, dict]:
    """``(needs_review, record)`` for one annotation under the project's ``settings`` (missing keys: defaults).

    ``record``: ``{"policy", "quality", "threshold", "share", "seed", "draw", "reason"}``, reason one of ``all``
    (policy reviews everything), ``no_quality``, ``below_threshold``, ``sampled`` (drawn into the audit share),
    ``above_threshold`` (not needing review)."""
    cfg = {**DEFAULTS, **{k: settings[k] for k in DEFAULTS if k in settings}}
    record = {"policy": cfg["review_policy"], "quality": quality, "threshold": float(cfg["review_quality_below"]),
              "share": float(cfg["review_share_above"]), "seed": int(cfg["review_seed"]), "draw": None}
    if cfg["review_policy"] != "uncertain":
        return True, {**record, "reason": "all"}
    if quality is None:
        return True, {**record, "reason": "no_quality"}
    if quality < record["threshold"]:
        return True, {**record, "reason": "below_threshold"}
    draw = review_draw(record["seed"], key)
    record["draw"] = round(draw, 6)
    if draw < record["share"]:
        return True, {**record, "reason": "sampled"}
    return False, {**record, "reason": "above_threshold"}
