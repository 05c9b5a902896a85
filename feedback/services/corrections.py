"""Corrections: what became of each model proposal (accepted, edited, rejected), and review fixes.

Every human outcome is one Correction: accepting a proposal (as is or edited), rejecting it, editing or deleting the
annotation after acceptance, and a reviewer's fix or rejection (with its reason). Accepting creates the annotation
through :func:`annotator.services.annotations.annotation_create` (feedback writes through annotator's services) and
the Correction in the same transaction; everything after acceptance arrives through
``annotator.signals.annotation_changed`` inside the annotator's transaction. Corrections of annotations that no
proposal made (drawn or imported) are kept too, linked to the annotation only: feedback on the data, not the model.
After each correction, "retrain after every N corrections" is checked under a row lock on the project.
"""

from __future__ import annotations

import logging
from typing import cast

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


def _multi(geom: GEOSGeometry | None) -> MultiPolygon | None:
    """Annotations are (multi)polygons: a Polygon becomes a one-part MultiPolygon."""
    if geom is None:
        return None
    if geom.geom_type == "Polygon":
        return MultiPolygon(geom, srid=geom.srid)
    return cast(MultiPolygon, geom)


NEGATIVE = (Outcome.REJECTED, Outcome.DELETED)


def correction_record(*, proposal: MaskProposal | None, outcome: str, user,
                      final_geometry: GEOSGeometry | None = None, annotation: Annotation | None = None,
                      previous_geometry: GEOSGeometry | None = None, clicks_added: int = 0, vertices_moved: int = 0,
                      seconds_spent: float = 0.0, source: str = "proposal", reason: str = "",
                      kept_candidate: int | None = None) -> Correction:
    """Store one human outcome, then check the every-N trigger.

    ``iou`` is IoU(proposal, final) in the scene CRS (0 for a rejection or deletion); for an annotation no proposal
    made it is IoU(previous, final), how much the human changed."""
    if outcome not in Outcome.values:
        raise ValidationFailed(f"Unknown outcome {outcome!r}; use one of {', '.join(Outcome.values)}.")
    if proposal is None and annotation is None:
        raise ValidationFailed("A correction is about a proposal or an annotation.")
    if outcome not in NEGATIVE and final_geometry is None:
        raise ValidationFailed("An accepted or edited proposal needs its final geometry.")
    if min(clicks_added, vertices_moved) < 0 or seconds_spent < 0:
        raise ValidationFailed("clicks_added, vertices_moved and seconds_spent cannot be negative.")
    about = proposal if proposal is not None else annotation
    assert about is not None  # checked above
    before = proposal.geometry if proposal is not None else previous_geometry
    iou = 0.0 if outcome in NEGATIVE else geometry_iou(before, final_geometry, crs=about.scene.crs or "EPSG:4326")
    project_id = about.project_id
    with transaction.atomic():
        correction = Correction.objects.create(
            project_id=project_id, proposal=proposal, annotation=annotation, outcome=outcome,
            final_geometry=_multi(final_geometry), iou=iou, clicks_added=clicks_added,
            vertices_moved=vertices_moved, seconds_spent=seconds_spent, source=source, reason=reason,
            kept_candidate=kept_candidate, user=user if getattr(user, "is_authenticated", False) else None,
        )
        every_n_check(project_id=project_id)
        if proposal is not None:
            quality_refit_soon(project_id=project_id, version_id=proposal.model_version_id)
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


def _kept_candidate(proposal: MaskProposal, candidate: int | None, final_geometry):
    """(index kept, the geometry to store) for an accept naming ``candidate`` (an index into the proposal's
    candidates; None: the answer, or nothing when the proposal offered none). A candidate other than the answer
    is stored as offered unless the annotator sent a geometry (edited from it)."""
    offered = proposal.candidates or []
    if candidate is None:
        return (0 if offered else None), final_geometry
    if not 0 <= candidate < len(offered):
        raise ValidationFailed(f"Proposal {proposal.id} has no candidate {candidate}; "
                               f"it offered {len(offered)} (0 to {len(offered) - 1}).")
    if candidate == 0 or final_geometry is not None:
        return candidate, final_geometry
    geometry = offered[candidate].get("geometry")
    if geometry is None:
        raise ValidationFailed(f"Candidate {candidate} of proposal {proposal.id} is empty; keep another one.")
    return candidate, geometry


@transaction.atomic
def proposal_accept(*, proposal: MaskProposal, label_class, user, final_geometry=None, clicks_added: int = 0,
                    vertices_moved: int = 0, seconds_spent: float = 0.0, task=None,
                    candidate: int | None = None) -> tuple[Annotation, Correction]:
    """Accept a proposal (as is, or with the annotator's ``final_geometry``, GeoJSON or GEOS in EPSG:4326), or
    one of its other candidates (``candidate``: index into ``proposal.candidates``; recorded as
    ``Correction.kept_candidate``)."""
    proposal = _proposal_open(proposal)
    kept, final_geometry = _kept_candidate(proposal, candidate, final_geometry)
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
        vertices_moved=vertices_moved, seconds_spent=seconds_spent, kept_candidate=kept,
    )
    return annotation, correction


@transaction.atomic
def proposal_reject(*, proposal: MaskProposal, user, clicks_added: int = 0, seconds_spent: float = 0.0) -> Correction:
    """Record that the annotator threw a proposal away (a negative for training: its IoU target is 0)."""
    proposal = _proposal_open(proposal)
    return correction_record(proposal=proposal, outcome=Outcome.REJECTED, user=user, clicks_added=clicks_added,
                             seconds_spent=seconds_spent)


# What each change of an accepted annotation says, as (outcome, source).
_AFTER_ACCEPTANCE = {
    "updated": (Outcome.EDITED, "edit"),
    "deleted": (Outcome.DELETED, "delete"),
    "review_fix": (Outcome.EDITED, "review"),
    "review_reject": (Outcome.REJECTED, "review"),
}


def _vertices_changed(before: GEOSGeometry | None, after: GEOSGeometry | None) -> int:
    """How many vertices were moved, added or removed between two versions of a geometry: the larger of the two
    one-sided differences of their vertex sets (a moved vertex is in both, an added or removed one in one)."""
    if before is None or after is None:
        return 0
    a = set(map(tuple, shapely.get_coordinates(_shapely(before)).round(9)))
    b = set(map(tuple, shapely.get_coordinates(_shapely(after)).round(9)))
    return max(len(a - b), len(b - a))


def on_annotation_changed(sender, *, annotation: Annotation, kind: str, user, previous_geometry=None,
                          previous_shape=None, **kwargs):
    """Receiver of ``annotator.signals.annotation_changed``: every change to an annotation after it exists (an
    edit, a deletion, a reviewer's fix or rejection) becomes a correction, of its proposal when a model made it,
    else of the annotation itself. Runs inside the annotator's transaction."""
    if kind not in _AFTER_ACCEPTANCE:
        return
    outcome, source = _AFTER_ACCEPTANCE[kind]
    proposal = None
    if annotation.proposal_id:
        proposal = MaskProposal.objects.select_related("scene").filter(pk=annotation.proposal_id).first()
    if outcome not in NEGATIVE and previous_geometry is not None and annotation.geometry is not None \
            and previous_geometry.equals_exact(annotation.geometry, 1e-12) \
            and (annotation.shape is None or (previous_shape is not None
                                              and previous_shape.equals_exact(annotation.shape, 1e-12))):
        return  # a change of label class or attributes only (a point or line kept its place): the mask was right
    reason = annotation.review_reason if kind == "review_reject" else ""
    correction_record(
        proposal=proposal, outcome=outcome, user=user, annotation=annotation, source=source, reason=reason,
        final_geometry=None if outcome in NEGATIVE else annotation.geometry, previous_geometry=previous_geometry,
        vertices_moved=_vertices_changed(previous_geometry, annotation.geometry) if outcome == Outcome.EDITED else 0,
    )
