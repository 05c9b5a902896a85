"""Corrections: what became of each model proposal (accepted, edited, rejected), and review fixes.

Accepting a proposal creates the annotation through :func:`annotator.services.annotations.annotation_create`
(feedback writes through annotator's services) and the Correction in the same transaction. Review fixes and
rejections of model-made annotations arrive through ``annotator.signals.annotation_changed``.
After each correction, "retrain after every N corrections" is checked under a row lock on the project.
"""

from __future__ import annotations

import logging

import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction

from annotator.models import Annotation, AnnotationSource, Project
from annotator.services.annotations import annotation_create
from core.errors import Conflict, ValidationFailed
from core.geo import reproject
from feedback.models import Correction, Outcome, Trigger
from feedback.selectors import corrections_since_last_job, feedback_settings, open_training_job
from feedback.services.calibration import quality_refit_soon
from inference.models import MaskProposal

log = logging.getLogger(__name__)
SAME_IOU = 0.999  # a final geometry this close to the proposal counts as accepted as is


def _shapely(geos: GEOSGeometry):
    return shapely.from_wkb(bytes(geos.wkb))


def geometry_iou(a: GEOSGeometry | None, b: GEOSGeometry | None, *, crs: str) -> float | None:
    """IoU of two EPSG:4326 geometries measured in ``crs`` (the scene CRS; areas in its units)."""
    if a is None or b is None:
        return None
    pa = shapely.make_valid(reproject(_shapely(a), "EPSG:4326", crs))
    pb = shapely.make_valid(reproject(_shapely(b), "EPSG:4326", crs))
    union = shapely.area(shapely.union(pa, pb))
    return 1.0 if union == 0 else float(shapely.area(shapely.intersection(pa, pb)) / union)


def _multi(geom: GEOSGeometry | None) -> GEOSGeometry | None:
    if geom is None:
        return None
    if geom.geom_type == "Polygon":
        return MultiPolygon(geom, srid=geom.srid)
    return geom


def correction_record(*, proposal: MaskProposal, outcome: str, user, final_geometry: GEOSGeometry | None = None,
                      annotation: Annotation | None = None, clicks_added: int = 0, vertices_moved: int = 0,
                      seconds_spent: float = 0.0, source: str = "proposal") -> Correction:
    """Store one proposal outcome with IoU(proposal, final) in the scene CRS; then check the every-N trigger."""
    if outcome not in Outcome.values:
        raise ValidationFailed(f"Unknown outcome {outcome!r}; use accepted, edited or rejected.")
    if outcome != Outcome.REJECTED and final_geometry is None:
        raise ValidationFailed("An accepted or edited proposal needs its final geometry.")
    if min(clicks_added, vertices_moved) < 0 or seconds_spent < 0:
        raise ValidationFailed("clicks_added, vertices_moved and seconds_spent cannot be negative.")
    scene = proposal.scene
    iou = (geometry_iou(proposal.geometry, final_geometry, crs=scene.crs or "EPSG:4326")
           if outcome != Outcome.REJECTED else 0.0)
    with transaction.atomic():
        correction = Correction.objects.create(
            project_id=proposal.project_id, proposal=proposal, annotation=annotation, outcome=outcome,
            final_geometry=_multi(final_geometry), iou=iou, clicks_added=clicks_added,
            vertices_moved=vertices_moved, seconds_spent=seconds_spent, source=source,
            user=user if getattr(user, "is_authenticated", False) else None,
        )
        every_n_check(project_id=proposal.project_id)
        quality_refit_soon(project_id=proposal.project_id, version_id=proposal.model_version_id)
    return correction


def every_n_check(*, project_id: int):
    """Enqueue one training job when the project has N corrections since its last job and none is open.

    Runs inside the caller's transaction with the project row locked, so concurrent corrections enqueue exactly
    one job (the partial unique constraint on open jobs is the backstop).
    """
    from feedback.services.jobs import training_job_create

    project = Project.objects.select_for_update().get(pk=project_id)
    n = int(feedback_settings(project).get("retrain_every_n") or 0)
    if n <= 0 or open_training_job(project=project) is not None:
        return None
    if corrections_since_last_job(project=project) < n:
        return None
    try:
        return training_job_create(project=project, trigger=Trigger.EVERY_N, user=None)
    except Conflict:
        return None


def _proposal_open(proposal: MaskProposal) -> MaskProposal:
    locked = MaskProposal.objects.select_for_update().select_related("scene", "project").get(pk=proposal.pk)
    done = Correction.objects.filter(proposal=locked, source="proposal").first()
    if done is not None:
        raise Conflict(f"Proposal {proposal.id} was already {done.outcome}.", extra={"correction": done.id})
    return locked


@transaction.atomic
def proposal_accept(*, proposal: MaskProposal, label_class, user, final_geometry=None, clicks_added: int = 0,
                    vertices_moved: int = 0, seconds_spent: float = 0.0, task=None) -> tuple[Annotation, Correction]:
    """Accept a proposal (as is, or with the annotator's ``final_geometry``, GeoJSON or GEOS in EPSG:4326)."""
    proposal = _proposal_open(proposal)
    if proposal.geometry is None and final_geometry is None:
        raise ValidationFailed("This proposal has no geometry; send the final geometry.")
    # the calibrated quality the annotator saw; proposals from before calibration only have the model's figure
    raw = proposal.quality if proposal.quality is not None else proposal.predicted_iou
    quality = min(1.0, max(0.0, float(raw)))
    annotation, _info = annotation_create(
        project=proposal.project, scene=proposal.scene, geometry=final_geometry or proposal.geometry,
        label_class=label_class, user=user, source=AnnotationSource.MODEL, task=task,
        model_version_id=proposal.model_version_id, proposal_id=proposal.id, predicted_quality=quality,
    )
    iou = geometry_iou(proposal.geometry, annotation.geometry, crs=proposal.scene.crs or "EPSG:4326")
    edited = (final_geometry is not None and (iou is None or iou < SAME_IOU)) or vertices_moved > 0
    correction = correction_record(
        proposal=proposal, outcome=Outcome.EDITED if edited else Outcome.ACCEPTED, user=user,
        final_geometry=annotation.geometry, annotation=annotation, clicks_added=clicks_added,
        vertices_moved=vertices_moved, seconds_spent=seconds_spent,
    )
    return annotation, correction


@transaction.atomic
def proposal_reject(*, proposal: MaskProposal, user, clicks_added: int = 0, seconds_spent: float = 0.0) -> Correction:
    """Record that the annotator threw a proposal away (a negative for training: its IoU target is 0)."""
    proposal = _proposal_open(proposal)
    return correction_record(proposal=proposal, outcome=Outcome.REJECTED, user=user, clicks_added=clicks_added,
                             seconds_spent=seconds_spent)


def on_annotation_changed(sender, *, annotation: Annotation, kind: str, user, previous_geometry=None, **kwargs):
    """Receiver of ``annotator.signals.annotation_changed``: a reviewer's fix or rejection of a model-made
    annotation becomes a correction of its proposal (runs inside the annotator's transaction)."""
    if kind not in ("review_fix", "review_reject") or not annotation.proposal_id:
        return
    proposal = MaskProposal.objects.select_related("scene").filter(pk=annotation.proposal_id).first()
    if proposal is None:
        return
    if kind == "review_reject":
        correction_record(proposal=proposal, outcome=Outcome.REJECTED, user=user, annotation=annotation,
                          source="review")
        return
    if previous_geometry is not None and previous_geometry.equals_exact(annotation.geometry, 1e-12):
        return  # a fix of the label class only: the mask was right
    moved = 0
    if previous_geometry is not None:
        moved = abs(annotation.geometry.num_coords - previous_geometry.num_coords)
    correction_record(proposal=proposal, outcome=Outcome.EDITED, user=user, final_geometry=annotation.geometry,
                      annotation=annotation, vertices_moved=moved, source="review")
