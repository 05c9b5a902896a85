"""Writes for annotations. Every change, in one transaction: the row (version + 1), a new AnnotationRevision,
an audit event, Scene.annotations_version + 1 (what vector-tile ETags are made of) and the `annotation_changed`
signal; after commit, a scene event `annotation.created|updated|deleted` to every socket viewing the scene.

Who may change what (`annotator.permissions.annotation_edit_refusal`) is checked here, on the locked row, for
every update, delete and restore, whatever path it came by: 403 naming the rule (reason `edit_not_allowed`).

Optimistic concurrency: writers pass the version they last saw; the row is locked (SELECT … FOR UPDATE) and a
stale version raises Conflict (409) carrying the current version and geometry, so nothing is overwritten silently.
"""

import logging
from typing import cast

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction
from django.db.models import F

from annotator import attributes as attribute_rules
from annotator import geometry as geom_rules
from annotator import kinds as kind_rules
from annotator.audit import audit_record
from annotator.events import scene_event_send
from annotator.models import (
    Annotation,
    AnnotationRevision,
    AnnotationSource,
    AnnotationStatus,
    LabelClass,
    ReviewState,
    Scene,
    SceneStatus,
    Task,
)
from annotator.permissions import require_annotation_edit
from annotator.review_policy import review_decide
from annotator.selectors.annotations import annotation_feature
from annotator.signals import annotation_changed
from core.errors import Conflict, NotFound, ValidationFailed

log = logging.getLogger(__name__)


def _shapely_of(geos: GEOSGeometry):
    import shapely

    return shapely.from_wkb(bytes(geos.wkb))


def _geos_of(shape) -> MultiPolygon:
    import shapely

    return cast(MultiPolygon, GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=4326))  # repaired to multi


def geometry_for_scene(*, scene: Scene, geometry) -> tuple[MultiPolygon, dict]:
    """Repair/refuse/clip a GeoJSON dict or GEOSGeometry (EPSG:4326) against the scene footprint."""
    if isinstance(geometry, GEOSGeometry):
        if geometry.srid not in (None, 4326):
            geometry = geometry.transform(4326, clone=True)
        geometry = _shapely_of(geometry)
    footprint = _shapely_of(scene.footprint) if scene.footprint is not None else None
    try:
        clean = geom_rules.geometry_clean(geometry, footprint=footprint)
    except geom_rules.GeometryRefused as exc:
        raise ValidationFailed(exc.message, extra={"reason": exc.reason}) from exc
    return _geos_of(clean.geometry), clean.info()


def scene_grid(scene: Scene) -> kind_rules.SceneGrid:
    if not scene.crs or len(scene.transform or []) != 6 or not scene.width or not scene.height:
        raise ValidationFailed(f"Scene {scene.id} has no pixel grid: only polygons can be drawn on it.",
                               extra={"reason": "scene_without_grid"})
    return kind_rules.SceneGrid(crs=scene.crs, transform=tuple(float(v) for v in scene.transform),
                                width=scene.width, height=scene.height, gsd=scene.gsd)


def kind_geometry_for_scene(*, scene: Scene, kind: str, geometry, width_m: float | None = None
                            ) -> tuple[MultiPolygon, GEOSGeometry | None, float | None, dict]:
    """Check a geometry as the natural shape of `kind` (annotator.kinds) and return the stored footprint
    (repaired/clipped like any polygon), the exact shape (points and lines), the width (lines) and what was done."""
    if kind == kind_rules.POLYGON and width_m is None:
        footprint, info = geometry_for_scene(scene=scene, geometry=geometry)
        return footprint, None, None, info
    if isinstance(geometry, GEOSGeometry):
        if geometry.srid not in (None, 4326):
            geometry = geometry.transform(4326, clone=True)
        geometry = _shapely_of(geometry)
    grid = scene_grid(scene) if kind != kind_rules.POLYGON else None
    try:
        made = kind_rules.kind_geometry(kind, geometry, grid, width_m=width_m)  # type: ignore[arg-type]
    except geom_rules.GeometryRefused as exc:
        raise ValidationFailed(exc.message, extra={"reason": exc.reason}) from exc
    footprint, info = geometry_for_scene(scene=scene, geometry=made.footprint)
    if made.snapped:
        info["snapped"] = True
    shape = GEOSGeometry(memoryview(made.shape.wkb), srid=4326) if made.shape is not None else None
    return footprint, shape, made.width_m, info


def _label_class_check(*, project, label_class) -> LabelClass | None:
    if label_class is None:
        return None
    if not isinstance(label_class, LabelClass):
        label_class = LabelClass.objects.filter(pk=label_class).first()
        if label_class is None:
            raise ValidationFailed("No such label class.", extra={"reason": "unknown_class"})
    if label_class.project_id != project.id:
        raise ValidationFailed("That label class belongs to another project.", extra={"reason": "unknown_class"})
    if label_class.archived:
        raise ValidationFailed(f"Label class {label_class.name!r} is archived.", extra={"reason": "archived_class"})
    return label_class


def _attributes_for(label_class: LabelClass | None, values) -> dict:
    """Check an annotation's attributes (the full set) against its class's schema: unknown names, wrong types,
    values out of range and missing required attributes are refused (400, reason `invalid_attributes`)."""
    schema = label_class.attributes if label_class is not None else []
    if values and label_class is None:
        raise ValidationFailed("An annotation without a class has no attributes.",
                               extra={"reason": "invalid_attributes"})
    try:
        return attribute_rules.attributes_check(schema or [], values, complete=True)
    except attribute_rules.AttributeInvalid as exc:
        raise ValidationFailed(str(exc), extra={"reason": "invalid_attributes"}) from exc


def _revision_add(*, annotation: Annotation, user, reason: str) -> AnnotationRevision:
    return AnnotationRevision.objects.create(
        annotation=annotation, version=annotation.version, geometry=annotation.geometry,
        label_class=annotation.label_class, status=annotation.status, deleted=annotation.deleted,
        kind=annotation.kind, shape=annotation.shape, width_m=annotation.width_m,
        author=user if getattr(user, "is_authenticated", False) else None, reason=reason[:200],
    )


def _event_after_commit(annotation: Annotation, event: str) -> None:
    scene_id = annotation.scene_id
    payload = annotation_feature(annotation)
    payload = {"id": annotation.id, "version": annotation.version, "class": payload["properties"]["class"],
               "status": annotation.status, "review_state": annotation.review_state, "deleted": annotation.deleted,
               "geometry": payload["geometry"], "kind": annotation.kind, "width_m": annotation.width_m,
               "shape": payload["properties"]["shape"]}

    def send() -> None:
        try:
            scene_event_send(scene_id=scene_id, event=event, payload=payload)
        except Exception:  # the change is committed; a lost broadcast must not turn it into a 500
            log.exception("could not broadcast %s for annotation %s", event, payload["id"])

    transaction.on_commit(send)


def _changed(*, annotation: Annotation, user, kind: str, event: str, reason: str, previous_geometry=None,
             previous_version: int | None = None, details: dict | None = None) -> AnnotationRevision:
    """What every change does after the row is saved."""
    revision = _revision_add(annotation=annotation, user=user, reason=reason or kind)
    Scene.objects.filter(pk=annotation.scene_id).update(annotations_version=F("annotations_version") + 1)
    audit_record(user=user, project=annotation.project, action=f"annotation.{kind}", obj=annotation,
                 details={"version": annotation.version, "scene": annotation.scene_id, "reason": reason,
                          **(details or {})})
    previous_shape = None  # a point or line moved within its footprint is a change too
    if annotation.shape is not None and previous_version is not None:
        previous_shape = (AnnotationRevision.objects.filter(annotation=annotation, version=previous_version)
                          .values_list("shape", flat=True).first())
    annotation_changed.send(sender=Annotation, annotation=annotation, kind=kind, user=user, revision=revision,
                            previous_geometry=previous_geometry, previous_version=previous_version,
                            previous_shape=previous_shape)
    _event_after_commit(annotation, event)
    return revision


def _locked(annotation: Annotation) -> Annotation:
    locked = (Annotation.objects.select_for_update(of=("self",)).select_related("project", "scene", "label_class")
              .filter(pk=annotation.pk).first())
    if locked is None:
        raise NotFound("No such annotation.")
    return locked


def _version_check(annotation: Annotation, expected_version: int) -> None:
    if expected_version != annotation.version:
        raise Conflict(
            f"Annotation {annotation.id} changed since you loaded it (you have version {expected_version}, "
            f"it is now version {annotation.version}). Reload it and apply your change again.",
            extra={"current": annotation_feature(annotation), "current_version": annotation.version,
                   "geometry": annotation_feature(annotation)["geometry"]},
        )


@transaction.atomic
def _review_policy_apply(annotation: Annotation, *, user) -> None:
    """The project's review policy on a new model-made annotation (:mod:`annotator.review_policy`): one not
    needing review leaves the queue; the decision, the quality and the seeded draw are recorded in the audit."""
    needs, record = review_decide(settings=annotation.project.settings or {}, quality=annotation.predicted_quality,
                                  key=str(annotation.id))
    if not needs:
        annotation.review_state = ReviewState.NOT_NEEDED
        annotation.save(update_fields=["review_state"])
    audit_record(user=user, project=annotation.project, action="review.policy", obj=annotation,
                 details={**record, "review": needs})


def annotation_create(*, project, scene: Scene, geometry, label_class=None, user, source: str = AnnotationSource.HUMAN,
                      task: Task | None = None, model_version_id: int | None = None, proposal_id: int | None = None,
                      predicted_quality: float | None = None, status: str = AnnotationStatus.ACCEPTED,
                      attributes: dict | None = None, kind: str = kind_rules.POLYGON,
                      width_m: float | None = None) -> tuple[Annotation, dict]:
    """Store a new annotation. `geometry`: GeoJSON dict or GEOSGeometry in EPSG:4326, the natural shape of `kind`
    (annotator.kinds: a polygon, a box's or rotated box's rectangle, a point, a line of `width_m`). `attributes`:
    the values of the class's attributes (when given, the full set: required ones included; when left out, none are
    set and the output lists the required ones as missing). Returns the annotation and what was done to its geometry:
    {"repaired", "clipped", "dropped_parts", "area_kept"}."""
    if scene.project_id != project.id:
        raise ValidationFailed("That scene belongs to another project.")
    if scene.status != SceneStatus.READY:
        raise ValidationFailed(f"Scene {scene.id} is {scene.status}, not ready for annotation.",
                               extra={"reason": "scene_not_ready"})
    if source not in AnnotationSource.values:
        raise ValidationFailed(f"Unknown source {source!r}.")
    if status not in AnnotationStatus.values:
        raise ValidationFailed(f"Unknown status {status!r}.")
    if task is not None and task.scene_id != scene.id:
        raise ValidationFailed("That task is on another scene.")
    if predicted_quality is not None and not 0.0 <= predicted_quality <= 1.0:
        raise ValidationFailed("predicted_quality must lie in [0, 1].")
    label_class = _label_class_check(project=project, label_class=label_class)
    values = _attributes_for(label_class, attributes) if attributes is not None else {}
    geos, shape, width, info = kind_geometry_for_scene(scene=scene, kind=kind, geometry=geometry, width_m=width_m)
    annotation = Annotation.objects.create(
        project=project, scene=scene, task=task, label_class=label_class, geometry=geos, source=source,
        kind=kind, shape=shape, width_m=width,
        status=status, author=user if getattr(user, "is_authenticated", False) else None,
        model_version_id=model_version_id, proposal_id=proposal_id, predicted_quality=predicted_quality,
        attributes=values,
    )
    if source == AnnotationSource.MODEL:
        _review_policy_apply(annotation, user=user)
    _changed(annotation=annotation, user=user, kind="created", event="annotation.created", reason="created",
             details={"source": source, "proposal_id": proposal_id, **info})
    return annotation, info


def _apply(annotation: Annotation, *, geometry=None, label_class=None, status: str | None = None,
           attributes: dict | None = None, kind: str | None = None, width_m: float | None = None) -> dict:
    info: dict = {}
    if kind is not None and kind != annotation.kind and geometry is None:
        raise ValidationFailed(f"Changing a {annotation.kind} into a {kind} needs its new geometry.",
                               extra={"reason": "geometry_required"})
    if width_m is not None and geometry is None:
        if annotation.kind != kind_rules.LINE or annotation.shape is None:
            raise ValidationFailed(f"width_m is for lines only, not a {annotation.kind}.",
                                   extra={"reason": "width_not_allowed"})
        geometry = annotation.shape
    if geometry is not None:
        new_kind = kind or annotation.kind
        if width_m is None and new_kind == kind_rules.LINE and annotation.kind == kind_rules.LINE:
            width_m = annotation.width_m  # a moved line keeps its width
        annotation.geometry, annotation.shape, annotation.width_m, info = kind_geometry_for_scene(
            scene=annotation.scene, kind=new_kind, geometry=geometry, width_m=width_m)
        annotation.kind = new_kind
    if label_class is not None:
        new_class = _label_class_check(project=annotation.project, label_class=label_class)
        if attributes is None and new_class != annotation.label_class:  # keep what still fits the new class
            annotation.attributes = attribute_rules.attributes_carry(new_class.attributes if new_class else [],
                                                                     annotation.attributes)
        annotation.label_class = new_class
    if attributes is not None:
        annotation.attributes = _attributes_for(annotation.label_class, attributes)
    if status is not None:
        if status not in AnnotationStatus.values:
            raise ValidationFailed(f"Unknown status {status!r}.")
        annotation.status = status
    return info


@transaction.atomic
def annotation_update(*, annotation: Annotation, user, expected_version: int, geometry=None, label_class=None,
                      reason: str = "", status: str | None = None, attributes: dict | None = None,
                      kind: str | None = None, width_m: float | None = None) -> Annotation:
    """Change geometry and/or class, attributes (the full set, checked against the class), status (draft/accepted).
    A class change without attributes keeps the values that fit the new class. A changed annotation goes back to
    the review queue (review_state pending)."""
    annotation = _locked(annotation)
    require_annotation_edit(user=user, annotation=annotation)
    _version_check(annotation, expected_version)
    if annotation.deleted:
        raise Conflict(f"Annotation {annotation.id} is deleted; restore it first.", extra={"reason": "deleted"})
    if geometry is None and label_class is None and status is None and attributes is None and kind is None \
            and width_m is None:
        raise ValidationFailed("Nothing to change: give geometry, label_class, attributes, status, kind or width_m.")
    previous_geometry = annotation.geometry
    info = _apply(annotation, geometry=geometry, label_class=label_class, status=status, attributes=attributes,
                  kind=kind, width_m=width_m)
    annotation.version += 1
    annotation.review_state = ReviewState.PENDING
    annotation.review_reason = ""
    annotation.save()
    _changed(annotation=annotation, user=user, kind="updated", event="annotation.updated", reason=reason,
             previous_geometry=previous_geometry, previous_version=expected_version, details=info)
    annotation.geometry_info = info
    return annotation


@transaction.atomic
def annotation_delete(*, annotation: Annotation, user, expected_version: int) -> Annotation:
    """Soft delete: the row stays (deleted=True) with all its revisions; `annotation_restore` brings it back."""
    annotation = _locked(annotation)
    require_annotation_edit(user=user, annotation=annotation)
    _version_check(annotation, expected_version)
    if annotation.deleted:
        return annotation
    annotation.deleted = True
    annotation.version += 1
    annotation.save()
    _changed(annotation=annotation, user=user, kind="deleted", event="annotation.deleted", reason="deleted",
             previous_geometry=annotation.geometry, previous_version=expected_version)
    return annotation


@transaction.atomic
def annotation_restore(*, annotation: Annotation, user, revision_version: int) -> Annotation:
    """Make the annotation look as it did at `revision_version` (geometry, class, status, not deleted), as a new
    revision on top: history is never rewritten. Restoring a deleted annotation undeletes it."""
    annotation = _locked(annotation)
    require_annotation_edit(user=user, annotation=annotation)
    revision = AnnotationRevision.objects.filter(annotation=annotation, version=revision_version).first()
    if revision is None:
        raise NotFound(f"Annotation {annotation.id} has no version {revision_version}.")
    if revision.deleted:
        raise ValidationFailed(f"Version {revision_version} is a deletion; pick a version with a geometry.")
    old_class = revision.label_class
    if old_class is not None and old_class.archived:
        raise ValidationFailed(f"Version {revision_version} used the archived class {old_class.name!r}.")
    previous_geometry, previous_version = annotation.geometry, annotation.version
    was_deleted = annotation.deleted
    annotation.geometry = revision.geometry
    annotation.kind, annotation.shape, annotation.width_m = revision.kind, revision.shape, revision.width_m
    annotation.label_class = revision.label_class
    annotation.status = revision.status
    annotation.deleted = False
    annotation.review_state = ReviewState.PENDING
    annotation.version += 1
    annotation.save()
    event = "annotation.created" if was_deleted else "annotation.updated"  # it reappears for viewers
    _changed(annotation=annotation, user=user, kind="restored", event=event,
             reason=f"restored version {revision_version}", previous_geometry=previous_geometry,
             previous_version=previous_version, details={"from_version": revision_version, "undeleted": was_deleted})
    return annotation
