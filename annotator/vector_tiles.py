"""Mapbox vector tiles of a scene's annotations, built by PostGIS (ST_AsMVT) in one statement.

The tiles read `geometry_3857`, a stored generated column (ST_Transform(geometry, 3857), kept by PostgreSQL on
every write) with its own partial GIST index (annotation_geom_3857_live_idx, WHERE NOT deleted). Measured in
bench/annotations.py on 100,000 polygons: reprojecting per request was about 60% of a dense tile's database time
(PROJ per geometry), and the first ST_Transform on a fresh database session costs another ~13 ms; a functional
index on ST_Transform(geometry, 3857) finds rows as fast but still reprojects every row it returns. With the
stored column no statement here calls PROJ: the envelope comes straight from ST_TileEnvelope in 3857.

Layer "annotations", extent 4096, buffer 64; feature id = annotation id; properties: id, class (name),
color, class_id, status, review_state, version (NULL ones, e.g. no class, are left out by ST_AsMVT).
"""

from django.db import connection

from core.geo import tile_address_problem

LAYER = "annotations"
EXTENT = 4096
BUFFER = 64
MAX_ZOOM = 24

TILE_SQL = f"""
WITH bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
           ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => {BUFFER / EXTENT}) AS search
), features AS (
    SELECT ST_AsMVTGeom(a.geometry_3857, bounds.env, {EXTENT}, {BUFFER}, true) AS geom,
           a.id AS fid, a.id, c.name AS class, c.color AS color, a.label_class_id AS class_id, a.status,
           a.review_state, a.version
    FROM annotator_annotation a
    CROSS JOIN bounds
    LEFT JOIN annotator_labelclass c ON c.id = a.label_class_id
    WHERE a.scene_id = %(scene_id)s AND NOT a.deleted AND a.geometry_3857 && bounds.search
)
SELECT ST_AsMVT(features, '{LAYER}', {EXTENT}, 'geom', 'fid') FROM features WHERE geom IS NOT NULL
"""


class TileOutOfRange(ValueError):
    pass


def tile_check(z: int, x: int, y: int) -> None:
    problem = tile_address_problem(z, x, y, max_zoom=MAX_ZOOM)
    if problem:
        raise TileOutOfRange(problem)


def scene_tile(*, scene_id: int, z: int, x: int, y: int) -> bytes:
    """The MVT bytes of one tile (empty bytes when no annotation touches it)."""
    tile_check(z, x, y)
    with connection.cursor() as cursor:
        cursor.execute(TILE_SQL, {"scene_id": scene_id, "z": z, "x": x, "y": y})
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def tile_etag(*, scene_id: int, annotations_version: int, z: int, x: int, y: int) -> str:
    return f'"a{scene_id}-{annotations_version}-{z}-{x}-{y}"'
