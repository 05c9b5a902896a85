"""A project's quality calibration, refitted from its own outcomes as corrections arrive.

Each proposal stores the scoring features of the candidate it showed (``MaskProposal.features``); each correction
says what the annotator kept (``Correction.iou``: IoU of proposal and final geometry, 0 when rejected). Once a
project has ``GEOLOOP_CALIBRATION_MIN_OUTCOMES`` outcomes for a model version, the default calibrator's ranking is
kept (it chooses the candidates) and only its last stage is refitted: an isotonic map from its output to the IoU
those outcomes actually had (pool-adjacent-violators on the latest ``GEOLOOP_CALIBRATION_WINDOW`` outcomes: a few
milliseconds). The result is stored (:class:`feedback.models.QualityCalibrator`) and published to the decode step
with the project's size distribution of accepted annotations (:mod:`inference.services.quality`).
"""

from __future__ import annotations

import logging

import numpy as np
from celery import current_app
from django.conf import settings
from django.db import transaction

from annotator.models import Annotation, AnnotationStatus
from feedback.models import Correction, QualityCalibrator
from inference.calibration import default_calibrator, isotonic_fit
from inference.evaluation import expected_calibration_error
from inference.scoring import FEATURES, SizePrior
from inference.services.quality import SizePriors

log = logging.getLogger(__name__)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def project_size_priors(*, project_id: int) -> SizePriors:
    """Log-normal fits of the ground areas (m², on the spheroid) of the project's latest accepted, live
    annotations (``GEOLOOP_CALIBRATION_WINDOW`` of them): project-wide, and per label class for each class with
    enough of its own (:meth:`SizePrior.from_areas`)."""
    from django.db import connection

    table = Annotation._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT label_class_id, ST_Area(geometry::geography) FROM {table} WHERE project_id = %s "
            f"AND NOT deleted AND status = %s ORDER BY id DESC LIMIT %s",
            [project_id, AnnotationStatus.ACCEPTED.value, _setting("GEOLOOP_CALIBRATION_WINDOW", 2000)])
        rows = cur.fetchall()
    by_class: dict[int, list[float]] = {}
    for class_id, area in rows:
        if class_id is not None:
            by_class.setdefault(int(class_id), []).append(area)
    classes = {k: p for k, v in by_class.items() if (p := SizePrior.from_areas(v)) is not None}
    return SizePriors(all=SizePrior.from_areas([a for _c, a in rows]), classes=classes)


def quality_outcomes(*, project_id: int, version_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(features ``(n, len(FEATURES))``, IoU kept ``(n,)``) of the project's latest outcomes for a version."""
    rows = (Correction.objects.filter(project_id=project_id, proposal__model_version_id=version_id,
                                      iou__isnull=False)
            .order_by("-id").values_list("proposal__features", "iou")[: _setting("GEOLOOP_CALIBRATION_WINDOW", 2000)])
    feats, ious = [], []
    for features, iou in rows:
        if iou is not None and isinstance(features, dict) and all(k in features for k in FEATURES):
            feats.append([float(features[k]) for k in FEATURES])
            ious.append(float(iou))
    return np.asarray(feats, np.float64).reshape(-1, len(FEATURES)), np.asarray(ious, np.float64)


def quality_refit(*, project_id: int, version_id: int) -> QualityCalibrator | None:
    """Refit and publish the project's calibrator for ``version_id`` (None while it has too few outcomes; the
    size prior is published either way)."""
    from inference.services.quality import quality_publish

    prior = project_size_priors(project_id=project_id)
    x, y = quality_outcomes(project_id=project_id, version_id=version_id)
    base = default_calibrator()
    if len(y) < _setting("GEOLOOP_CALIBRATION_MIN_OUTCOMES", 20):
        quality_publish(project_id=project_id, version_id=version_id, calibrator=None, prior=prior)
        return None
    raw = base.raw(x)
    iso = isotonic_fit(raw, y, min_block=max(3, len(y) // 20))
    fitted = base.with_isotonic(iso, source="project outcomes", project=project_id, version=version_id,
                                n=len(y))
    before = expected_calibration_error(base.predict(x), y)
    after = expected_calibration_error(fitted.predict(x), y)
    row, _ = QualityCalibrator.objects.update_or_create(
        project_id=project_id, model_version_id=version_id,
        defaults={"params": {"json": fitted.to_json()}, "n_outcomes": len(y), "ece_before": before,
                  "ece_after": after})
    quality_publish(project_id=project_id, version_id=version_id, calibrator=fitted, prior=prior)
    return row


def quality_refit_soon(*, project_id: int, version_id: int) -> None:
    """Ask a worker (task ``feedback.quality_refit``, queue ``default``) to refit once the current transaction has
    committed: the refit reads up to ``GEOLOOP_CALIBRATION_WINDOW`` outcomes, which is no work for the request that
    recorded one. A broker that cannot be reached is logged, never raised (the outcome stands; the next one asks
    again)."""

    def enqueue():
        try:
            current_app.send_task("feedback.quality_refit", args=(project_id, version_id))
        except Exception:
            log.warning("quality refit for project %s not queued", project_id, exc_info=True)

    transaction.on_commit(enqueue)
