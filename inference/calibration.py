"""Quality calibrators: scoring features -> expected IoU with what the annotator finally keeps (rejected = 0).

Pure numpy, no Django. Two stages, both cheap to refit:

1. :class:`LogisticQuality` — fractional logistic regression (the IoU in [0, 1] is the target, the binomial
   log-likelihood the loss) on the features of :mod:`inference.scoring`, standardised, with a few products
   (squares of share and predicted IoU, predicted IoU x stability). Newton's method with a small ridge; a few
   hundred rows fit in milliseconds. It ranks candidates (the choice) and gives a first probability. Two of them:
   one for SAM's three multimask candidates of a lone click (the only answers among which there is a choice) and
   one for the single-mask answers of later clicks and boxes (``single`` = 1). One model for both let the many
   later-click rows of a click path decide the weights that rank first-click candidates (Atlanta bench, both
   fitted on the even half: mIoU@1 of the chosen first answers 0.400 with one ranker, 0.416 with two; oracle 0.448).
2. :class:`Isotonic` — a monotone map (pool-adjacent-violators) from stage 1's output to the IoU actually obtained
   by the *chosen* candidates, which corrects the optimism of picking the best of several noisy estimates. A
   project's own outcomes refit only this stage (:func:`isotonic_fit`), as corrections arrive.

:class:`Calibrator` chains them; ``predict`` is always in [0, 1] and monotone in stage 1's output. Calibrators
serialise to plain JSON (``to_json`` / ``from_json``); the default one ships as ``inference/default_calibrator.json``
(fitted by ``bench/noc.py --fit-default`` on half of the Atlanta buildings; the other half measures its ECE).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from inference.scoring import FEATURES

DEFAULT_PATH = Path(__file__).with_name("default_calibrator.json")
RIDGE = 1e-2
_EXTRA = (("share", "share"), ("piou", "piou"), ("piou", "stability"))


def _design(features: np.ndarray, names: Sequence[str]) -> np.ndarray:
    x = np.atleast_2d(np.asarray(features, np.float64))
    idx = {n: i for i, n in enumerate(names)}
    extra = [x[:, idx[a]] * x[:, idx[b]] for a, b in _EXTRA if a in idx and b in idx]
    return np.column_stack([x, *extra]) if extra else x


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


@dataclass
class LogisticQuality:
    names: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    weights: np.ndarray  # intercept first

    def score(self, features: np.ndarray) -> np.ndarray:
        x = (_design(features, self.names) - self.mean) / self.std
        x = np.nan_to_num(x, nan=0.0, posinf=50.0, neginf=-50.0)  # a missing figure counts as average
        return _sigmoid(self.weights[0] + x @ self.weights[1:])

    @classmethod
    def fit(cls, features: np.ndarray, targets: np.ndarray, *, names: Sequence[str] = FEATURES,
            ridge: float = RIDGE, iterations: int = 50) -> LogisticQuality:
        """Fit on rows ``features`` ``(n, len(names))`` against ``targets`` in [0, 1]."""
        x = _design(features, names)
        y = np.clip(np.asarray(targets, np.float64).reshape(-1), 0.0, 1.0)
        if x.shape[0] != y.shape[0] or x.shape[0] < 2:
            raise ValueError(f"need at least two rows with one target each, got {x.shape[0]} rows, {y.shape[0]}")
        mean, std = x.mean(axis=0), x.std(axis=0)
        std[std < 1e-9] = 1.0
        z = np.column_stack([np.ones(len(y)), (x - mean) / std])
        w = np.zeros(z.shape[1])
        penalty = np.full(z.shape[1], ridge * len(y))
        penalty[0] = 0.0
        for _ in range(iterations):
            p = _sigmoid(z @ w)
            grad = z.T @ (p - y) + penalty * w
            hess = (z * (p * (1 - p) + 1e-9)[:, None]).T @ z + np.diag(penalty + 1e-9)
            step = np.linalg.solve(hess, grad)
            w -= step
            if np.abs(step).max() < 1e-8:
                break
        return cls(names=tuple(names), mean=mean, std=std, weights=w)

    def to_dict(self) -> dict:
        return {"names": list(self.names), "mean": self.mean.tolist(), "std": self.std.tolist(),
                "weights": self.weights.tolist()}

    @classmethod
    def from_dict(cls, d: dict) -> LogisticQuality:
        return cls(names=tuple(d["names"]), mean=np.asarray(d["mean"], np.float64),
                   std=np.asarray(d["std"], np.float64), weights=np.asarray(d["weights"], np.float64))


@dataclass
class Isotonic:
    """Non-decreasing piecewise-linear map through knots ``(x, y)``, ``y`` in [0, 1]; flat beyond the ends."""

    x: np.ndarray
    y: np.ndarray

    def __call__(self, values: np.ndarray) -> np.ndarray:
        v = np.asarray(values, np.float64)
        if self.x.size == 0:
            return np.clip(v, 0.0, 1.0)
        return np.clip(np.interp(v, self.x, self.y), 0.0, 1.0)

    def to_dict(self) -> dict:
        return {"x": self.x.tolist(), "y": self.y.tolist()}

    @classmethod
    def from_dict(cls, d: dict) -> Isotonic:
        return cls(x=np.asarray(d["x"], np.float64), y=np.asarray(d["y"], np.float64))


def isotonic_fit(scores: Sequence[float] | np.ndarray, targets: Sequence[float] | np.ndarray, *,
                 min_block: int = 1) -> Isotonic:
    """Pool-adjacent-violators: the non-decreasing step function of least squares through (score, target). Each
    block is flat over its own scores (knots at its lowest and highest score), linear only in the gaps between
    blocks, so every fitted row gets its block's mean and the map keeps the targets' mean (knots at the blocks'
    mean scores instead spread two far-apart blocks over every row between them: on 30 outcomes of which 2 were
    kept, a mean quality of 0.21 against 0.07 kept). Blocks hold at least ``min_block`` rows (larger blocks:
    smoother map)."""
    s = np.asarray(scores, np.float64).reshape(-1)
    t = np.clip(np.asarray(targets, np.float64).reshape(-1), 0.0, 1.0)
    if s.size != t.size:
        raise ValueError("scores and targets differ in length")
    if s.size == 0:
        return Isotonic(np.zeros(0), np.zeros(0))
    order = np.argsort(s, kind="stable")
    s, t = s[order], t[order]
    blocks: list[list[float]] = []  # [sum_t, count, lowest score, highest score]

    def merge() -> None:
        a = blocks.pop()
        blocks[-1] = [blocks[-1][0] + a[0], blocks[-1][1] + a[1], blocks[-1][2], a[3]]

    for si, ti in zip(s, t, strict=True):
        blocks.append([ti, 1.0, si, si])
        while len(blocks) > 1 and (blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]
                                   or blocks[-2][1] < min_block or blocks[-2][3] >= blocks[-1][2]):
            merge()  # (tied scores share a block: one score, one value)
    while len(blocks) > 1 and blocks[-1][1] < min_block:
        merge()
    means = np.maximum.accumulate(np.array([b[0] / b[1] for b in blocks]))
    xs: list[float] = []
    ys: list[float] = []
    for b, m in zip(blocks, means, strict=True):
        for x in (b[2], b[3]) if b[3] > b[2] else (b[2],):
            xs.append(float(x))
            ys.append(float(m))
    return Isotonic(np.array(xs), np.clip(np.array(ys), 0.0, 1.0))


@dataclass
class Calibrator:
    """Features -> expected IoU in [0, 1]: :class:`LogisticQuality` then an optional :class:`Isotonic` map.

    ``ranker`` scores every row unless ``single`` is set: then rows whose ``single`` feature is 1 (single-mask
    answers: later clicks, boxes) are scored by ``single`` and the multimask candidates of a lone click by
    ``ranker`` (see the module docstring). The isotonic map is shared: both give a probability of the same IoU."""

    ranker: LogisticQuality
    isotonic: Isotonic | None = None
    meta: dict = field(default_factory=dict)
    single: LogisticQuality | None = None

    def raw(self, features: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(np.asarray(features, np.float64))
        out = self.ranker.score(x)
        if self.single is not None and "single" in FEATURES and len(x):
            rows = x[:, FEATURES.index("single")] >= 0.5
            if rows.any():
                out[rows] = self.single.score(x[rows])
        return out

    def predict(self, features: np.ndarray) -> np.ndarray:
        raw = self.raw(features)
        out = self.isotonic(raw) if self.isotonic is not None else raw
        return np.clip(np.nan_to_num(out, nan=0.0), 0.0, 1.0)

    def with_isotonic(self, iso: Isotonic | None, **meta) -> Calibrator:
        return Calibrator(ranker=self.ranker, isotonic=iso, meta={**self.meta, **meta}, single=self.single)

    def to_json(self) -> str:
        return json.dumps({"ranker": self.ranker.to_dict(),
                           "single": self.single.to_dict() if self.single is not None else None,
                           "isotonic": self.isotonic.to_dict() if self.isotonic is not None else None,
                           "meta": self.meta}, indent=1)

    @classmethod
    def from_json(cls, text: str | dict) -> Calibrator:
        d = json.loads(text) if isinstance(text, str) else text
        iso = d.get("isotonic")
        single = d.get("single")
        return cls(ranker=LogisticQuality.from_dict(d["ranker"]),
                   isotonic=Isotonic.from_dict(iso) if iso else None, meta=d.get("meta") or {},
                   single=LogisticQuality.from_dict(single) if single else None)


def rankers_fit(features: np.ndarray, targets: np.ndarray, *, min_rows: int = 10) -> Calibrator:
    """A :class:`Calibrator` (no isotonic map yet) whose two rankers are fitted each on its own rows: the multimask
    candidates of lone clicks and the single-mask answers (``single`` = 1); one ranker on all rows while either
    group has under ``min_rows``."""
    x = np.atleast_2d(np.asarray(features, np.float64))
    y = np.asarray(targets, np.float64).reshape(-1)
    single = x[:, FEATURES.index("single")] >= 0.5
    if min(int(single.sum()), int((~single).sum())) < min_rows:
        return Calibrator(ranker=LogisticQuality.fit(x, y))
    return Calibrator(ranker=LogisticQuality.fit(x[~single], y[~single]),
                      single=LogisticQuality.fit(x[single], y[single]))


def _fallback() -> Calibrator:
    """Without the shipped file: predicted IoU, stability and window share with hand-set signs (the ranker a new
    install would otherwise lack); its values are probabilities but not fitted ones."""
    names = FEATURES
    w = np.zeros(len(names) + len(_EXTRA) + 1)
    signs = {"piou": 1.0, "stability": 1.0, "share": -1.0, "border": -1.0, "pos_in": 1.0, "neg_out": 1.0,
             "size_z": -1.0}
    for i, n in enumerate(names):
        w[1 + i] = signs.get(n, 0.0)
    k = len(names) + len(_EXTRA)
    return Calibrator(ranker=LogisticQuality(names=tuple(names), mean=np.zeros(k), std=np.ones(k), weights=w),
                      meta={"source": "fallback"})


@lru_cache(maxsize=1)
def default_calibrator() -> Calibrator:
    """The shipped default (see module docstring), or the fallback ranker when the file is missing."""
    if DEFAULT_PATH.exists():
        return Calibrator.from_json(DEFAULT_PATH.read_text())
    return _fallback()


def reliability(predicted: Sequence[float], actual: Sequence[float], *, bins: int = 10) -> list[dict]:
    """Per equal-width bin of the prediction: count, mean predicted, mean actual (bins with no rows omitted)."""
    p = np.clip(np.asarray(predicted, np.float64), 0.0, 1.0)
    a = np.asarray(actual, np.float64)
    which = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        sel = which == b
        if sel.any():
            out.append({"bin": b, "n": int(sel.sum()), "predicted": float(p[sel].mean()),
                        "actual": float(a[sel].mean())})
    return out

