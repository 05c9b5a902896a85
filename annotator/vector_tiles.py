"""Mapbox vector tiles of a scene's annotations, built by PostGIS (ST_AsMVT) in one statement, generalised per zoom
and cached per process by the scene's annotation version.

Rows are found through `geometry_3857` (a stored generated column, ST_Transform(geometry, 3857), with its own partial
GIST index annotation_geom_3857_live_idx, WHERE NOT deleted), so no statement here calls PROJ.

Generalisation (rules from the tile's pixel size: Web Mercator units per screen pixel of the tile drawn at its largest,
1024 px, as OpenLayers and Mapbox GL draw 512-px tiles overzoomed up to 2x; `annotator.models.tile_pixel_size`):
- shape: zooms up to 12 draw `geometry_3857_z12`, zooms 13-15 `geometry_3857_z15` (stored generated copies simplified
  with ST_SimplifyPreserveTopology at half a pixel of the band's finest zoom, `annotator.models.TILE_SIMPLIFIED_BANDS`),
  deeper zooms the full geometry. No vertex moves by more than half a pixel, so the area changes by less than
  half a pixel times the perimeter.
- tiny features: one whose bounding box (of the shape drawn; stored per band, `TILE_SIZE_COLUMNS`, so no Box2D is
  computed per row and tile) is under TINY_PIXELS pixels on its longer side (the stroke the map draws
  around it covers it anyway) is sent as a point (`point_3857`, ST_PointOnSurface; the map draws it as a dot wider
  than that), and of several such points in the same cell of TINY_PIXELS x TINY_PIXELS pixels only the one with the
  lowest id is kept.
- ST_AsMVTGeom clips to the tile plus its buffer and snaps to the 4096 grid; features that collapse are left out.

Layer "annotations", extent 4096, buffer 64; feature id = annotation id; properties: id, class (name),
color, class_id, status, review_state, version, kind (polygon, box, rotated_box, point, line) (NULL ones, e.g.
no class, are left out by ST_AsMVT).

Cache: the bytes of a tile are kept in a per-process LRU bounded by GEOLOOP_VECTOR_TILE_CACHE_BYTES, keyed by
(scene, Scene.annotations_version, z, x, y). Every write to a scene's annotations (and a rename or recolour of a
label class) bumps that version in the writer's transaction, so a request that starts after the write commits reads
the new version and can never be answered from the old entry; old entries just age out of the LRU.
"""

from django.conf import settings
from django.db import connection

from annotator.models import TILE_SIMPLIFIED_BANDS, TILE_SIZE_COLUMNS, tile_pixel_size
from core.cache import BytesLru
from core.geo import tile_address_problem

LAYER = "annotations"
EXTENT = 4096
BUFFER = 64
MAX_ZOOM = 24
TINY_PIXELS = 2.0
FORMAT = "g2"  # in the ETag: a change to what a tile holds (generalisation, properties) invalidates clients' copies

# One pass over the tile's rows: each row's MVT geometry is built once (its point when tiny, else its shape); the
# DISTINCT ON key is unique per feature except for tiny ones, which share the key of their screen-pixel cell.
TILE_SQL = f"""
WITH bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
           ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => {BUFFER / EXTENT}) AS search
), sized AS (
    SELECT a.id, a.label_class_id, a.status, a.review_state, a.version, a.kind, a.{{shape}} AS shape,
           a.point_3857 AS point,
           a.{{size}} < %(tiny)s AS tiny
    FROM annotator_annotation a
    CROSS JOIN bounds
    WHERE a.scene_id = %(scene_id)s AND NOT a.deleted AND a.geometry_3857 && bounds.search
), drawn AS (
    SELECT DISTINCT ON (cell_x, cell_y)
           ST_AsMVTGeom(CASE WHEN s.tiny THEN s.point ELSE s.shape END, bounds.env, {EXTENT}, {BUFFER}, true) AS geom,
           s.id, s.label_class_id, s.status, s.review_state, s.version, s.kind
    FROM sized s
    CROSS JOIN bounds
    CROSS JOIN LATERAL (SELECT CASE WHEN s.tiny THEN floor(ST_X(s.point) / %(cell)s) END AS cell_x,
                               CASE WHEN s.tiny THEN floor(ST_Y(s.point) / %(cell)s) ELSE -s.id END AS cell_y) AS k
    ORDER BY cell_x, cell_y, s.id
), features AS (
    SELECT d.geom, d.id AS fid, d.id, k.name AS class, k.color AS color, d.label_class_id AS class_id, d.status,
           d.review_state, d.version, d.kind
    FROM drawn d
    LEFT JOIN annotator_labelclass k ON k.id = d.label_class_id
    WHERE d.geom IS NOT NULL
)
SELECT ST_AsMVT(features, '{LAYER}', {EXTENT}, 'geom', 'fid') FROM features
"""


class TileOutOfRange(ValueError):
    pass


def tile_check(z: int, x: int, y: int) -> None:
    problem = tile_address_problem(z, x, y, max_zoom=MAX_ZOOM)
    if problem:
        raise TileOutOfRange(problem)


def shape_column(z: int) -> str:
    """The geometry column a tile at zoom ``z`` draws polygons from."""
    return next((column for max_zoom, column in TILE_SIMPLIFIED_BANDS if z <= max_zoom), "geometry_3857")


def tile_sql(z: int) -> str:
    shape = shape_column(z)
    return TILE_SQL.replace("{shape}", shape).replace("{size}", TILE_SIZE_COLUMNS[shape])


def tile_params(*, scene_id: int, z: int, x: int, y: int) -> dict:
    pixel = tile_pixel_size(z)
    return {"scene_id": scene_id, "z": z, "x": x, "y": y, "cell": TINY_PIXELS * pixel, "tiny": TINY_PIXELS * pixel}


_cache: BytesLru | None = None


def tile_cache() -> BytesLru:
    global _cache
    if _cache is None:
        _cache = BytesLru(int(settings.GEOLOOP_VECTOR_TILE_CACHE_BYTES))
    return _cache


def tile_build(*, scene_id: int, z: int, x: int, y: int) -> bytes:
    """The MVT bytes of one tile from the database (empty bytes when no annotation touches it)."""
    tile_check(z, x, y)
    with connection.cursor() as cursor:
        cursor.execute(tile_sql(z), tile_params(scene_id=scene_id, z=z, x=x, y=y))
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def scene_tile(*, scene_id: int, annotations_version: int, z: int, x: int, y: int) -> bytes:
    """The tile for the scene at `annotations_version` (read from the scene before calling): from the cache, else
    built and kept. A write landing between the version read and the build makes the kept tile newer than its key,
    never older, and that key is no longer asked for once the write has committed."""
    key = (scene_id, annotations_version, z, x, y)
    cache = tile_cache()
    body = cache.get(key)
    if body is None:
        body = tile_build(scene_id=scene_id, z=z, x=x, y=y)
        cache.put(key, body)
    return body


def tile_etag(*, scene_id: int, annotations_version: int, z: int, x: int, y: int) -> str:
    return f'"a{scene_id}-{annotations_version}-{FORMAT}-{z}-{x}-{y}"'
