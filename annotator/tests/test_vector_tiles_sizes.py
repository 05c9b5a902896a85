"""The stored bbox sizes (size_3857, size_3857_z12, size_3857_z15) that the tile statement's tiny test reads: equal to
the Box2D of the shape each tile band draws, kept on updates, and tiles built from them are the bytes the statement
that computed Box2D per row built."""

import random

import pytest
from django.db import connection

from annotator import vector_tiles
from annotator.models import TILE_SIZE_COLUMNS, Annotation, tile_pixel_size
from annotator.services.annotations import annotation_create, annotation_update
from annotator.tests.annotation_fixtures import scene_make
from annotator.tests.test_vector_tiles import decode_mvt, tile_of
from annotator.tests.test_vector_tiles_generalised import CENTRE, blob

pytestmark = pytest.mark.django_db

# The statement as it was before the sizes were stored: Box2D of the band's shape per row.
PER_ROW_SQL = vector_tiles.TILE_SQL.replace(
    "a.{size} < %(tiny)s AS tiny",
    "GREATEST(ST_XMax(box) - ST_XMin(box), ST_YMax(box) - ST_YMin(box)) < %(tiny)s AS tiny",
).replace(
    "    CROSS JOIN bounds\n    WHERE a.scene_id",
    "    CROSS JOIN bounds\n    CROSS JOIN LATERAL (SELECT Box2D(a.{shape}) AS box) AS b\n    WHERE a.scene_id",
)


@pytest.fixture
def scene(actors):
    return scene_make(actors.project)


def sizes_against_box2d(ids: list[int]) -> list[tuple]:
    columns = ", ".join(
        f"{size}, GREATEST(ST_XMax(Box2D({shape})) - ST_XMin(Box2D({shape})),"
        f" ST_YMax(Box2D({shape})) - ST_YMin(Box2D({shape})))"
        for shape, size in TILE_SIZE_COLUMNS.items())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM annotator_annotation WHERE id = ANY(%s) ORDER BY id", [ids])
        return cursor.fetchall()


def many(actors, scene, count: int, seed: int, near_zoom: int | None = None) -> list[int]:
    """Blobs from under a metre to a hundred metres wide around CENTRE, many tiny at low zooms; with `near_zoom`,
    every other one about as wide as that zoom's tiny threshold (radius 0.9-1.5 times half of it, vertices at 0.6-1
    of the radius: some fall on each side)."""
    rng = random.Random(seed)
    ids = []
    for i in range(count):
        lon, lat = CENTRE[0] + rng.uniform(-0.004, 0.004), CENTRE[1] + rng.uniform(-0.004, 0.004)
        radius = 10 ** rng.uniform(-5.2, -3.3)
        if near_zoom is not None and i % 2:
            threshold_deg = vector_tiles.TINY_PIXELS * tile_pixel_size(near_zoom) / 111_319.49
            radius = threshold_deg / 2 * rng.uniform(0.9, 1.5)
        shape = blob(lon, lat, radius, rng.randint(6, 60), seed * 1000 + i)
        ids.append(annotation_create(project=actors.project, scene=scene, user=None, geometry=shape)[0].id)
    return ids


def test_stored_sizes_are_the_box_of_each_band_and_follow_an_update(actors, scene):
    ids = many(actors, scene, 25, seed=5)
    rows = sizes_against_box2d(ids)
    assert len(rows) == 25
    for row in rows:
        for stored, computed in zip(row[::2], row[1::2], strict=True):
            assert stored is not None
            assert stored == computed
    assert len({row[0] for row in rows}) == 25  # different blobs, different sizes: the column is not a constant
    first = ids[0]
    before = sizes_against_box2d([first])[0]
    annotation = Annotation.objects.get(id=first)
    annotation_update(annotation=annotation, user=None, expected_version=annotation.version,
                      geometry=blob(CENTRE[0], CENTRE[1], 0.001, 30, seed=99))
    after = sizes_against_box2d([first])[0]
    assert after[0] != before[0]
    assert after[::2] == after[1::2]


@pytest.mark.parametrize("z", [11, 12, 13, 14, 15, 16, 18])
def test_tiles_from_stored_sizes_are_the_bytes_of_the_per_row_statement(actors, scene, z):
    many(actors, scene, 60, seed=z, near_zoom=z)
    x, y = tile_of(*CENTRE, z)
    params = vector_tiles.tile_params(scene_id=scene.id, z=z, x=x, y=y)
    shape = vector_tiles.shape_column(z)
    with connection.cursor() as cursor:
        cursor.execute(vector_tiles.tile_sql(z), params)
        stored = bytes(cursor.fetchone()[0] or b"")
        cursor.execute(PER_ROW_SQL.replace("{shape}", shape), params)
        per_row = bytes(cursor.fetchone()[0] or b"")
    assert per_row  # the reference really built a tile
    assert "Box2D" in PER_ROW_SQL
    assert "{size}" not in PER_ROW_SQL
    assert stored == per_row
    assert decode_mvt(stored)["annotations"]["features"]
