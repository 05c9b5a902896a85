"""Reads for annotations: lookups, GeoJSON features, bounding-box lists, history. Who may read them is decided in
`annotator.permissions`."""

import json

from django.contrib.gis.geos import Polygon
from django.db import connection
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
        "kind": annotation.kind,
        "width_m": annotation.width_m,
        "shape": geojson_of(annotation.shape) if annotation.shape is not None else None,
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


# One row per feature, the Feature built by PostgreSQL as JSON text (the same members as `annotation_feature`;
# `attributes_missing` follows `annotator.attributes.attributes_missing`: required names whose value is absent, null
# or ""), so a page of a thousand features costs no model instance, no GEOS parse and no JSON round trip in Python.
# The bbox filter is `geometry && envelope` (the GIST index on the 4326 geometry) then the exact ST_Intersects.
LIST_SQL = """
SELECT json_build_object(
    'type', 'Feature', 'id', a.id, 'geometry', ST_AsGeoJSON(a.geometry, 8)::json,
    'properties', json_build_object(
        'id', a.id, 'scene', a.scene_id, 'task', a.task_id, 'version', a.version,
        'class', CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.id, 'name', c.name, 'color', c.color)
                 END,
        'status', a.status, 'review_state', a.review_state, 'review_reason', a.review_reason, 'source', a.source,
        'deleted', a.deleted, 'author', a.author_id, 'model_version_id', a.model_version_id,
        'proposal_id', a.proposal_id, 'predicted_quality', a.predicted_quality,
        'attributes', COALESCE(a.attributes, '{}'::jsonb),
        'kind', a.kind, 'width_m', a.width_m, 'shape', ST_AsGeoJSON(a.shape, 8)::json,
        'attributes_missing', COALESCE((
            SELECT jsonb_agg(d ->> 'name' ORDER BY n)
            FROM jsonb_array_elements(COALESCE(c.attributes, '[]'::jsonb)) WITH ORDINALITY AS schema(d, n)
            WHERE COALESCE((d ->> 'required')::boolean, false)
              AND COALESCE(a.attributes ->> (d ->> 'name'), '') = ''), '[]'::jsonb),
        'updated_at', a.updated_at))::text
FROM annotator_annotation a
LEFT JOIN annotator_labelclass c ON c.id = a.label_class_id
WHERE a.scene_id = %(scene_id)s {filters}
ORDER BY a.id
LIMIT %(limit)s OFFSET %(offset)s
"""
BBOX_FILTER = ("AND a.geometry && ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326) "
               "AND ST_Intersects(a.geometry, ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326))")


def annotation_list_json(*, scene: Scene, bbox: Polygon | None = None, include_deleted: bool = False,
                         limit: int = LIST_DEFAULT_LIMIT, offset: int = 0) -> tuple[str, int, bool]:
    """The scene's features (intersecting `bbox` when given), ordered by id, as the text of a JSON array; how many
    it holds; and whether more follow. Deleted ones only with `include_deleted`."""
    limit = max(1, min(limit, LIST_MAX_LIMIT))
    filters = "" if include_deleted else "AND NOT a.deleted"
    params: dict = {"scene_id": scene.id, "limit": limit + 1, "offset": offset}
    if bbox is not None:
        filters += " " + BBOX_FILTER
        params.update(zip(("minx", "miny", "maxx", "maxy"), bbox.extent, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(LIST_SQL.replace("{filters}", filters), params)
        rows = [row[0] for row in cursor.fetchall()]
    page = rows[:limit]
    return "[" + ",".join(page) + "]", len(page), len(rows) > limit


def annotation_list(*, scene: Scene, bbox: Polygon | None = None, include_deleted: bool = False,
                    limit: int = LIST_DEFAULT_LIMIT, offset: int = 0) -> tuple[list[dict], bool]:
    """`annotation_list_json` parsed: the features as dicts, and whether more follow."""
    text, _count, more = annotation_list_json(scene=scene, bbox=bbox, include_deleted=include_deleted, limit=limit,
                                              offset=offset)
    return json.loads(text), more


def annotation_history(*, annotation: Annotation) -> QuerySet[AnnotationRevision]:
    return (AnnotationRevision.objects.filter(annotation=annotation)
            .select_related("label_class", "author").order_by("version"))
