"""Vector tiles of a scene's annotations: decoded with a tiny protobuf reader (vector_tile.proto v2), ETag/304,
no-cache, deleted and foreign annotations left out, and the tile query answered by the GIST index on the stored
3857 geometry."""

import math

import pytest
from django.db import connection, transaction

from annotator import vector_tiles
from annotator.models import Project
from annotator.tests.annotation_fixtures import inside, label_class_make, scene_make

pytestmark = pytest.mark.django_db

# --- a minimal protobuf / MVT reader -------------------------------------------------------------------------


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _fields(buf: bytes):
    """(field number, wire type, value) for each field; length-delimited values are bytes."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 2:
            size, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + size], pos + size
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield number, wire, value


def _packed(buf: bytes) -> list[int]:
    out, pos = [], 0
    while pos < len(buf):
        value, pos = _varint(buf, pos)
        out.append(value)
    return out


def _value(buf: bytes):
    import struct

    for number, _wire, value in _fields(buf):
        if number == 1:
            return value.decode()
        if number == 3:
            return struct.unpack("<d", value)[0]
        if number == 2:
            return struct.unpack("<f", value)[0]
        if number in (4, 5):
            return value
        if number == 6:
            return (value >> 1) ^ -(value & 1)
        if number == 7:
            return bool(value)
    return None


def _feature_decode(raw: bytes, keys: list[str], values: list) -> dict:
    """One Feature message: id, geometry type, properties (tag pairs into the layer's keys/values), geometry."""
    feature = {"id": None, "type": None, "properties": {}, "geometry": []}
    for field, _w, value in _fields(raw):
        if field == 1:
            feature["id"] = value
        elif field == 2:
            tags = _packed(value)
            feature["properties"] = {keys[k]: values[v] for k, v in zip(tags[::2], tags[1::2], strict=True)}
        elif field == 3:
            feature["type"] = value
        elif field == 4:
            feature["geometry"] = _packed(value)
    return feature


def _layer_decode(layer_buf: bytes) -> tuple[str | None, dict]:
    """One Layer message -> (name, {"extent", "features"})."""
    name, extent, keys, values, raw_features = None, 4096, [], [], []
    for field, _w, value in _fields(layer_buf):
        if field == 1:
            name = value.decode()
        elif field == 2:
            raw_features.append(value)
        elif field == 3:
            keys.append(value.decode())
        elif field == 4:
            values.append(_value(value))
        elif field == 5:
            extent = value
    features = [_feature_decode(raw, keys, values) for raw in raw_features]
    return name, {"extent": extent, "features": features}


def decode_mvt(data: bytes) -> dict[str, dict]:
    """{layer name: {"extent": int, "features": [{"id", "type", "properties", "geometry" (command ints)}]}}"""
    layers = {}
    for number, _wire, layer_buf in _fields(data):
        assert number == 3
        name, layer = _layer_decode(layer_buf)
        layers[name] = layer
    return layers


# --- tests ---------------------------------------------------------------------------------------------------


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.fixture
def scene(actors):
    return scene_make(actors.project)


def create(client, scene, geometry, **extra):
    response = client.post(f"/api/scenes/{scene.id}/annotations/", {"geometry": geometry, **extra}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def tile_url(scene, z, lon=-84.3985, lat=33.7515):
    x, y = tile_of(lon, lat, z)
    return f"/api/scenes/{scene.id}/annotations/{z}/{x}/{y}.mvt"


def test_tile_decodes_with_the_promised_properties(actors, scene):
    client = actors.client("annotator")
    building = label_class_make(actors.project)
    kept = create(client, scene, inside(0), label_class=building.id)
    unclassed = create(client, scene, inside(1))
    gone = create(client, scene, inside(2))
    client.delete(f"/api/annotations/{gone['id']}/", {"version": 1}, format="json")
    elsewhere = scene_make(Project.objects.create(slug="elsewhere", name="E"), name="same place")
    from annotator.services.annotations import annotation_create

    annotation_create(project=elsewhere.project, scene=elsewhere, geometry=inside(0), user=None)

    response = client.get(tile_url(scene, 14))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    layer = decode_mvt(response.content)["annotations"]
    assert layer["extent"] == 4096
    features = {f["id"]: f for f in layer["features"]}
    assert set(features) == {kept["id"], unclassed["id"]}
    props = features[kept["id"]]["properties"]
    assert props == {"id": kept["id"], "class": "building", "color": "#112233", "class_id": building.id,
                     "status": "accepted", "review_state": "pending", "version": 1, "kind": "polygon"}
    assert "class" not in features[unclassed["id"]]["properties"]  # NULL properties are left out by ST_AsMVT
    assert features[kept["id"]]["type"] == 3  # POLYGON
    geometry = features[kept["id"]]["geometry"]
    assert geometry[0] == (1 | (1 << 3))
    assert geometry[-1] == (7 | (1 << 3))


def test_etag_304_and_no_cache_and_a_change_makes_a_new_etag(actors, scene):
    client = actors.client("annotator")
    created = create(client, scene, inside(0))
    url = tile_url(scene, 16)
    first = client.get(url)
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"
    assert etag
    assert len(decode_mvt(first.content)["annotations"]["features"]) == 1
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == etag
    assert not unchanged.content
    client.patch(f"/api/annotations/{created['id']}/", {"version": 1, "geometry": inside(8)}, format="json")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert client.get(tile_url(scene, 16, lon=-84.3915)).get("ETag") != changed["ETag"]  # z/x/y in the tag


def test_empty_tile_and_bad_coordinates(actors, scene):
    client = actors.client("annotator")
    far = client.get(tile_url(scene, 12, lon=10.0, lat=10.0))
    assert far.status_code == 200
    assert far.content == b""
    assert client.get(f"/api/scenes/{scene.id}/annotations/3/8/1.mvt").status_code == 400
    assert client.get(f"/api/scenes/{scene.id}/annotations/25/0/0.mvt").status_code == 400


def test_tile_query_is_answered_by_the_gist_index(actors, scene):
    create(actors.client("annotator"), scene, inside(0))
    x, y = tile_of(-84.3985, 33.7515, 15)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make the planner show its index path
        cursor.execute("EXPLAIN " + vector_tiles.tile_sql(15),
                       vector_tiles.tile_params(scene_id=scene.id, z=15, x=x, y=y))
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "annotation_geom_3857_live_idx" in plan, plan
