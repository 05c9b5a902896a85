"""Vector tiles at scale: geometry generalised per zoom (stored simplified copies that stay valid and within half a
pixel; tiny features drawn as one point per pixel), the per-process tile cache keyed by the scene's annotation
version (a write changes the ETag and the bytes; a read after a write never gets the old tile), and the bounding-box
list built by the database (the same features as `annotation_feature`)."""

import math
import random
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator import vector_tiles
from annotator.models import TILE_SIMPLIFIED_BANDS, Annotation, Scene, tile_pixel_size, tile_simplify_tolerance
from annotator.selectors.annotations import annotation_feature
from annotator.services.annotations import annotation_create, annotation_delete
from annotator.services.projects import label_class_update
from annotator.tests.annotation_fixtures import inside, label_class_make, scene_make
from annotator.tests.test_vector_tiles import decode_mvt, tile_of
from core.cache import BytesLru

pytestmark = pytest.mark.django_db

CENTRE = (-84.395, 33.755)  # the middle of annotation_fixtures.FOOTPRINT
POINT, POLYGON = 1, 3  # MVT geometry types


@pytest.fixture
def scene(actors):
    return scene_make(actors.project)


def blob(lon: float, lat: float, radius_deg: float, vertices: int, seed: int) -> dict:
    """A star-shaped polygon with `vertices` jittered vertices (what a traced mask looks like), valid by design."""
    rng = random.Random(seed)
    ring = []
    for i in range(vertices):
        angle = 2 * math.pi * i / vertices
        r = radius_deg * rng.uniform(0.6, 1.0)
        ring.append([lon + r * math.cos(angle), lat + r * math.sin(angle) * 0.83])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def tile_url(scene, z, lon=CENTRE[0], lat=CENTRE[1]):
    x, y = tile_of(lon, lat, z)
    return f"/api/scenes/{scene.id}/annotations/{z}/{x}/{y}.mvt"


def features_of(response) -> dict[int, dict]:
    assert response.status_code == 200
    if not response.content:
        return {}
    return {f["id"]: f for f in decode_mvt(response.content)["annotations"]["features"]}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_simplified_copies_are_valid_lighter_and_within_half_a_pixel(actors, scene, seed):
    rng = random.Random(seed)
    created = [annotation_create(project=actors.project, scene=scene, user=None,
                                 geometry=blob(CENTRE[0] + rng.uniform(-0.003, 0.003),
                                               CENTRE[1] + rng.uniform(-0.003, 0.003),
                                               rng.uniform(0.0002, 0.0015), rng.randint(40, 400), seed * 100 + i))[0]
               for i in range(6)]
    ids = [a.id for a in created]
    for max_zoom, column in TILE_SIMPLIFIED_BANDS:
        tolerance = tile_simplify_tolerance(max_zoom)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT ST_IsValid({column}), GeometryType({column}), ST_NPoints({column}),
                           ST_NPoints(geometry_3857), ST_HausdorffDistance({column}, geometry_3857),
                           abs(ST_Area({column}) - ST_Area(geometry_3857)), ST_Perimeter(geometry_3857)
                    FROM annotator_annotation WHERE id = ANY(%s)""", [ids])
            rows = cursor.fetchall()
        assert len(rows) == len(ids)
        lighter = 0
        for valid, kind, simplified_points, points, hausdorff, area_error, perimeter in rows:
            assert valid
            assert kind == "MULTIPOLYGON"
            assert simplified_points <= points
            lighter += simplified_points < points
            assert hausdorff <= tolerance * 1.0001  # no vertex moved by more than half a pixel of the band
            assert area_error <= perimeter * tolerance  # so the area moved by at most half a pixel per unit of edge
        assert lighter == len(rows)  # jittered rings of dozens of vertices always lose some


def test_a_tile_draws_from_its_zoom_band(actors, scene):
    middle = (-84.3972, 33.7540)  # the middle of one z16 tile: the blob lies whole in one tile at each zoom below
    big = annotation_create(project=actors.project, scene=scene, user=None,
                            geometry=blob(*middle, 0.0008, 300, seed=7))[0]
    client = actors.client("annotator")
    counts = {}
    for z in (12, 15, 16):
        feature = features_of(client.get(tile_url(scene, z, *middle)))[big.id]
        assert feature["type"] == POLYGON
        counts[z] = len(feature["geometry"])
    assert vector_tiles.shape_column(12) == "geometry_3857_z12"
    assert vector_tiles.shape_column(15) == "geometry_3857_z15"
    assert vector_tiles.shape_column(16) == "geometry_3857"
    assert counts[12] < counts[15] <= counts[16]


def test_tiny_features_become_one_point_per_cell_at_low_zoom(actors, scene):
    # Two blobs a few metres wide, 3 m apart (a cell of TINY_PIXELS pixels at z12 is ~19 Web Mercator units); a big one.
    small = 0.00002
    first = annotation_create(project=actors.project, scene=scene, user=None,
                              geometry=blob(CENTRE[0], CENTRE[1], small, 8, seed=1))[0]
    second = annotation_create(project=actors.project, scene=scene, user=None,
                               geometry=blob(CENTRE[0] + 0.00003, CENTRE[1], small, 8, seed=2))[0]
    large = annotation_create(project=actors.project, scene=scene, user=None,
                              geometry=blob(CENTRE[0] - 0.002, CENTRE[1], 0.0015, 12, seed=3))[0]
    client = actors.client("annotator")
    low = features_of(client.get(tile_url(scene, 12)))
    assert set(low) == {first.id, large.id}  # of the two in one cell, the lower id is kept
    assert low[first.id]["type"] == POINT
    assert low[large.id]["type"] == POLYGON
    assert low[first.id]["properties"]["id"] == first.id
    deep = features_of(client.get(tile_url(scene, 20, *CENTRE)))
    assert deep[first.id]["type"] == POLYGON
    assert deep[second.id]["type"] == POLYGON
    # The rule follows the pixel size: at the zoom where 2 m spans more than TINY_PIXELS pixels they are polygons.
    z = next(z for z in range(12, 25) if 2.0 * 1.2 > vector_tiles.TINY_PIXELS * tile_pixel_size(z))
    assert features_of(client.get(tile_url(scene, z)))[first.id]["type"] == POLYGON


def test_a_write_changes_the_etag_and_the_bytes_and_never_serves_the_old_tile(actors, scene):
    vector_tiles.tile_cache().clear()
    client = actors.client("annotator")
    url = tile_url(scene, 15)
    kept = annotation_create(project=actors.project, scene=scene, user=None, geometry=blob(*CENTRE, 0.0005, 20, 1))[0]
    first = client.get(url)
    assert set(features_of(first)) == {kept.id}
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert not any("ST_AsMVT" in q["sql"] for q in queries.captured_queries)  # answered from the cache
    added = annotation_create(project=actors.project, scene=scene, user=None,
                              geometry=blob(CENTRE[0] + 0.001, CENTRE[1], 0.0005, 20, 2))[0]
    after_add = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after_add.status_code == 200
    assert after_add["ETag"] != first["ETag"]
    assert set(features_of(after_add)) == {kept.id, added.id}
    annotation_delete(annotation=added, user=actors.users["admin"], expected_version=1)
    after_delete = client.get(url)
    assert after_delete["ETag"] not in (first["ETag"], after_add["ETag"])
    assert set(features_of(after_delete)) == {kept.id}


def test_renaming_or_recolouring_a_class_changes_its_tiles(actors, scene):
    vector_tiles.tile_cache().clear()
    building = label_class_make(actors.project)
    kept = annotation_create(project=actors.project, scene=scene, user=None, geometry=inside(0),
                             label_class=building)[0]
    client = actors.client("annotator")
    url = tile_url(scene, 16, -84.3985, 33.7515)
    before = client.get(url)
    assert features_of(before)[kept.id]["properties"]["color"] == "#112233"
    label_class_update(label_class=building, user=actors.users["admin"], color="#445566", name="house")
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert features_of(after)[kept.id]["properties"]["color"] == "#445566"
    assert features_of(after)[kept.id]["properties"]["class"] == "house"
    version = Scene.objects.get(pk=scene.pk).annotations_version
    label_class_update(label_class=building, user=actors.users["admin"], order=3)  # not in tiles: no new version
    assert Scene.objects.get(pk=scene.pk).annotations_version == version


def test_bytes_lru_keeps_to_its_bound():
    cache = BytesLru(100)
    for i in range(20):
        cache.put(i, bytes(10))
        assert cache.used <= 100
    assert len(cache) == 10
    assert cache.get(0) is None
    assert cache.get(19) == bytes(10)
    cache.get(10)  # used: survives the next eviction
    cache.put("new", bytes(10))
    assert cache.get(10) is not None
    assert cache.get(11) is None
    cache.put("huge", bytes(13))  # more than an eighth of the bound: not kept
    assert cache.get("huge") is None
    assert BytesLru(0).get("x") is None


def test_bbox_list_holds_the_same_features_as_one_annotation_read(actors, scene):
    building = label_class_make(actors.project)
    from annotator.services.projects import label_class_update as update

    update(label_class=building, user=actors.users["admin"], attributes=[
        {"name": "floors", "type": "number", "integer": True, "required": True},
        {"name": "roof", "type": "text", "required": True},
        {"name": "note", "type": "text", "required": False},
    ])
    made = [
        annotation_create(project=actors.project, scene=scene, user=actors.users["annotator"], geometry=inside(0),
                          label_class=building, attributes={"floors": 0, "roof": "flat"})[0],
        annotation_create(project=actors.project, scene=scene, user=None, geometry=inside(1), label_class=building,
                          predicted_quality=0.123456789, source="model")[0],
        annotation_create(project=actors.project, scene=scene, user=None, geometry=blob(-84.3965, 33.7515, 0.0003,
                                                                                       60, 5))[0],
        annotation_create(project=actors.project, scene=scene, user=None, geometry=inside(12))[0],
    ]
    Annotation.objects.filter(pk=made[1].pk).update(attributes={"floors": None, "roof": ""})
    annotation_delete(annotation=made[3], user=actors.users["admin"], expected_version=1)
    client = actors.client("annotator")

    def expected(annotation):
        return annotation_feature(Annotation.objects.select_related("label_class").get(pk=annotation.pk))

    def same(got, want):
        assert got["id"] == want["id"]
        assert got["type"] == "Feature"
        got_props, want_props = dict(got["properties"]), dict(want["properties"])
        assert datetime.fromisoformat(got_props.pop("updated_at")) == datetime.fromisoformat(
            want_props.pop("updated_at"))
        assert got_props == want_props
        assert got["geometry"]["type"] == want["geometry"]["type"]
        flat = [c for polygon in got["geometry"]["coordinates"] for ring in polygon for c in ring]
        want_flat = [c for polygon in want["geometry"]["coordinates"] for ring in polygon for c in ring]
        assert len(flat) == len(want_flat)
        assert all(math.isclose(a, b, abs_tol=1e-8) for p, q in zip(flat, want_flat, strict=True)
                   for a, b in zip(p, q, strict=True))

    body = client.get(f"/api/scenes/{scene.id}/annotations/?bbox=-84.3995,33.7505,-84.3955,33.7525").json()
    assert body["type"] == "FeatureCollection"
    assert body["next_offset"] is None
    assert body["annotations_version"] == Scene.objects.get(pk=scene.pk).annotations_version
    assert [f["id"] for f in body["features"]] == [a.id for a in made[:3]]
    for got, annotation in zip(body["features"], made[:3], strict=True):
        same(got, expected(annotation))
    assert body["features"][0]["properties"]["attributes_missing"] == []
    assert body["features"][1]["properties"]["attributes_missing"] == ["floors", "roof"]
    with_deleted = client.get(f"/api/scenes/{scene.id}/annotations/?deleted=1&limit=2&offset=2").json()
    assert [f["id"] for f in with_deleted["features"]] == [made[2].id, made[3].id]
    same(with_deleted["features"][1], expected(made[3]))
    assert with_deleted["features"][1]["properties"]["deleted"] is True
    assert client.get(f"/api/scenes/{scene.id}/annotations/?limit=x").status_code == 400
    assert client.get(f"/api/scenes/{scene.id}/annotations/?offset={2**70}").status_code == 400
    assert client.get(f"/api/scenes/{scene.id}/annotations/?bbox=-84.39,33.75,-84.40,33.76").status_code == 400
