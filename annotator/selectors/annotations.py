"""Reads for annotations: lookups, GeoJSON features, bounding-box lists, history. Who may read them is decided in
`annotator.permissions`."""

import json

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Polygon
from django.db.models import QuerySet

from annotator.attributes import attributes_missing
from annotator.models import Annotation, AnnotationRevision, Scene
from core.errors import ValidationFailed

LIST_DEFAULT_LIMIT = 1000
LIST_MAX_LIMIT = 5000


def annotation_get(*, annotation_id: int) -> Annotation | None:
    """The annotation with its project, scene and label class, or None."""
    return (Annotation.objects.select_related("project", "scene", "label_class")
            .filter(pk=annotation_id).first())


def label_class_out(label_class) -> dict | None:
    if label_class is None:
        return None
    return {"id": label_class.id, "name": label_class.name, "color": label_class.color}


def geojson_of(geometry) -> dict:
    return {"type": geometry.geom_type, "coordinates": geometry.coords}


def annotation_properties(annotation: Annotation) -> dict:
    return {
        "id": annotation.id,
        "scene": annotation.scene_id,
        "task": annotation.task_id,
        "version": annotation.version,
        "class": label_class_out(annotation.label_class),
        "status": annotation.status,
        "review_state": annotation.review_state,
        "review_reason": annotation.review_reason,
        "source": annotation.source,
        "deleted": annotation.deleted,
        "author": annotation.author_id,
        "model_version_id": annotation.model_version_id,
        "proposal_id": annotation.proposal_id,
        "predicted_quality": annotation.predicted_quality,
        "attributes": annotation.attributes or {},
        "attributes_missing": attributes_missing((annotation.label_class.attributes or [])
                                                 if annotation.label_class else [], annotation.attributes),
        "updated_at": annotation.updated_at.isoformat() if annotation.updated_at else None,
    }


def annotation_feature(annotation: Annotation, geometry: dict | None = None) -> dict:
    """One annotation as a GeoJSON Feature (RFC 7946: EPSG:4326, lon/lat)."""
    return {"type": "Feature", "id": annotation.id,
            "geometry": geometry if geometry is not None else geojson_of(annotation.geometry),
            "properties": annotation_properties(annotation)}


def parse_bbox(text: str) -> Polygon:
    try:
        minx, miny, maxx, maxy = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise ValidationFailed("bbox must be minlon,minlat,maxlon,maxlat.") from exc
    if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
        raise ValidationFailed("bbox must be minlon,minlat,maxlon,maxlat with min < max, in EPSG:4326.")
    return Polygon.from_bbox((minx, miny, maxx, maxy))


def annotation_list(*, scene: Scene, bbox: Polygon | None = None, include_deleted: bool = False,
                    limit: int = LIST_DEFAULT_LIMIT, offset: int = 0) -> tuple[list[dict], bool]:
    """Features of the scene (intersecting `bbox` when given), ordered by id; and whether more follow."""
    limit = max(1, min(limit, LIST_MAX_LIMIT))
    rows: QuerySet = Annotation.objects.filter(scene=scene).select_related("label_class")
    if not include_deleted:
        rows = rows.filter(deleted=False)
    if bbox is not None:
        rows = rows.filter(geometry__intersects=bbox)  # ST_Intersects: GIST index, then exact test
    page = list(rows.annotate(geojson=AsGeoJSON("geometry")).defer("geometry").order_by("id")
                [offset:offset + limit + 1])
    features = [annotation_feature(a, json.loads(a.geojson)) for a in page[:limit]]
    return features, len(page) > limit


def annotation_history(*, annotation: Annotation) -> QuerySet[AnnotationRevision]:
    return (AnnotationRevision.objects.filter(annotation=annotation)
            .select_related("label_class", "author").order_by("version"))
