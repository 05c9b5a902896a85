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


def _prior_parse(raw) -> SizePrior | None:
    if not raw:
        return None
    d = json.loads(raw)
    return SizePrior(mean_log=float(d["mean_log"]), std_log=float(d["std_log"]), n=int(d["n"]))


def size_prior_get(*, project_id: int) -> SizePrior | None:
    """The project's published size distribution of accepted annotations, or None (none yet, or Redis away)."""
    from inference.services.embeddings import redis_client

    try:
        return _prior_parse(redis_client().get(_prior_key(project_id)))
    except Exception:  # a missing prior only changes which rule picks the prefetch level
        log.warning("size prior of project %s unavailable", project_id, exc_info=True)
        return None


def quality_context(*, project_id: int, version_id: int) -> tuple[Calibrator, SizePrior | None]:
    """The calibrator and size prior for a prompt of ``project_id`` decoded by ``version_id``."""
    key = (project_id, version_id)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    calibrator, prior = default_calibrator(), None
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
                    prior: SizePrior | None) -> None:
    """Make a refitted calibrator and size prior visible to the decode step (every process within 30 s)."""
    from inference.services.embeddings import redis_client

    r = redis_client()
    pipe = r.pipeline(transaction=False)
    if calibrator is not None:
        pipe.set(_calibrator_key(project_id, version_id), calibrator.to_json())
    if prior is not None:
        pipe.set(_prior_key(project_id), json.dumps({"mean_log": prior.mean_log, "std_log": prior.std_log,
                                                     "n": prior.n}))
    pipe.execute()
    _CACHE.put((project_id, version_id), (calibrator or default_calibrator(), prior))


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
