"""What the decode step needs to score candidates, without touching the database (the decode runs on any thread):
the project's calibrator for a model version and the project's size distribution of accepted annotations.

Both are published to Redis by :mod:`feedback.services.calibration` when outcomes arrive (and kept in the
database there); this module reads them through a short per-process cache. A project with nothing published uses
:func:`inference.calibration.default_calibrator` and no size prior.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache

from affine import Affine

from core.cache import TtlCache
from inference.calibration import Calibrator, default_calibrator
from inference.scoring import SizePrior

log = logging.getLogger(__name__)
_CACHE = TtlCache(ttl=30.0, size=512)
EARTH_M_PER_DEG = 111_320.0


def _calibrator_key(project_id: int, version_id: int) -> str:
    return f"geoloop:quality:calibrator:{project_id}:{version_id}"


def _prior_key(project_id: int) -> str:
    return f"geoloop:quality:sizeprior:{project_id}"


@dataclass(frozen=True)
class SizePriors:
    """A project's size distributions of accepted annotations: project-wide (``all``) and per label class (only
    classes with enough accepted annotations of their own)."""

    all: SizePrior | None = None
    classes: dict[int, SizePrior] = field(default_factory=dict)

    def for_class(self, label_class_id: int | None) -> SizePrior | None:
        """The class's own distribution when it has one, else the project-wide one (None when neither)."""
        if label_class_id is not None and label_class_id in self.classes:
            return self.classes[label_class_id]
        return self.all

    def to_json(self) -> str:
        def one(p: SizePrior) -> dict:
            return {"mean_log": p.mean_log, "std_log": p.std_log, "n": p.n}

        return json.dumps({**(one(self.all) if self.all is not None else {}),
                           "classes": {str(k): one(v) for k, v in self.classes.items()}})


def _one_prior(d: dict) -> SizePrior:
    return SizePrior(mean_log=float(d["mean_log"]), std_log=float(d["std_log"]), n=int(d["n"]))


def _prior_parse(raw) -> SizePriors:
    """The published JSON: the project-wide prior's fields at the top (as before classes had their own) and
    ``classes``: ``{"<label class id>": prior}``."""
    if not raw:
        return SizePriors()
    d = json.loads(raw)
    overall = _one_prior(d) if "mean_log" in d else None
    return SizePriors(all=overall, classes={int(k): _one_prior(v) for k, v in (d.get("classes") or {}).items()})


def size_priors_get(*, project_id: int) -> SizePriors:
    """The project's published size distributions of accepted annotations (empty: none yet, or Redis away)."""
    from inference.services.embeddings import redis_client

    try:
        return _prior_parse(redis_client().get(_prior_key(project_id)))
    except Exception:  # a missing prior only changes which rule picks the prefetch level
        log.warning("size prior of project %s unavailable", project_id, exc_info=True)
        return SizePriors()


def size_prior_get(*, project_id: int, label_class_id: int | None = None) -> SizePrior | None:
    """The size distribution of ``label_class_id``'s accepted annotations in the project when it has its own, else
    the project-wide one, else None."""
    return size_priors_get(project_id=project_id).for_class(label_class_id)


def quality_context(*, project_id: int, version_id: int,
                    label_class_id: int | None = None) -> tuple[Calibrator, SizePrior | None]:
    """The calibrator and size prior for a prompt of ``project_id`` decoded by ``version_id``; the prior is the
    prompt's label class's own when the project has one for it (project-wide otherwise)."""
    calibrator, priors = _context(project_id=project_id, version_id=version_id)
    return calibrator, priors.for_class(label_class_id)


def _context(*, project_id: int, version_id: int) -> tuple[Calibrator, SizePriors]:
    key = (project_id, version_id)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    calibrator, prior = default_calibrator(), SizePriors()
    try:
        from inference.services.embeddings import redis_client

        raw_cal, raw_prior = redis_client().mget([_calibrator_key(project_id, version_id), _prior_key(project_id)])
        if raw_cal:
            calibrator = Calibrator.from_json(raw_cal.decode() if isinstance(raw_cal, bytes) else raw_cal)
        prior = _prior_parse(raw_prior)
    except Exception:  # scoring falls back to the default; a prompt never fails for this
        log.warning("quality context for project %s unavailable; using the default", project_id, exc_info=True)
    value = (calibrator, prior)
    _CACHE.put(key, value)
    return value


def quality_publish(*, project_id: int, version_id: int, calibrator: Calibrator | None,
                    prior: SizePriors | SizePrior | None) -> None:
    """Make a refitted calibrator and the size priors visible to the decode step (every process within 30 s)."""
    from inference.services.embeddings import redis_client

    priors = SizePriors(all=prior) if isinstance(prior, SizePrior) else prior
    r = redis_client()
    pipe = r.pipeline(transaction=False)
    if calibrator is not None:
        pipe.set(_calibrator_key(project_id, version_id), calibrator.to_json())
    if priors is not None and (priors.all is not None or priors.classes):
        pipe.set(_prior_key(project_id), priors.to_json())
    pipe.execute()
    _CACHE.put((project_id, version_id), (calibrator or default_calibrator(), priors or SizePriors()))


@lru_cache(maxsize=64)
def _is_geographic(crs: str) -> bool:
    from pyproj import CRS

    return bool(CRS.from_user_input(crs).is_geographic)


def pixel_area_m2(transform: Affine, crs: str) -> float:
    """Ground area of one window pixel in square metres (``transform``: window px -> scene CRS). Geographic CRSs
    are converted at the window's latitude; projected ones are taken to be in metres."""
    area = abs(transform.a * transform.e - transform.b * transform.d)
    if _is_geographic(crs):
        lat = math.radians(transform.f)
        area *= EARTH_M_PER_DEG**2 * max(math.cos(lat), 1e-6)
    return float(area)


def quality_cache_clear() -> None:
    _CACHE.clear()
