"""Exports of every annotation kind on a real ingested scene (Atlanta, 900 x 900 px of 0.5 m, EPSG:32616): COCO
detection read by pycocotools, YOLO detection and DOTA read as plain text, GeoJSON and GeoPackage (pyogrio and
ogrinfo) with points and lines as themselves. The expected figures come from the pixel coordinates the kinds were
drawn at, not from the exporters."""

import json
import math
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from affine import Affine
from pycocotools.coco import COCO
from shapely.geometry import shape

from annotator.exports.common import reproject
from annotator.models import LabelClass
from annotator.services.annotations import annotation_create
from annotator.services.exports import dataset_export
from annotator.tests.export_fixtures import scene_ready
from annotator.tests.test_export_formats import ogrinfo

pytestmark = pytest.mark.django_db


def lonlat_of(scene, pixels) -> list[list[float]]:
    affine = Affine.from_gdal(*scene.transform)
    xy = np.array([affine @ (c, r) for c, r in pixels])
    return reproject(shape({"type": "MultiPoint", "coordinates": xy.tolist()}), scene.crs, "EPSG:4326") \
        .__geo_interface__["coordinates"]


def ring(scene, pixels) -> dict:
    coords = [list(c) for c in lonlat_of(scene, pixels)]
    return {"type": "Polygon", "coordinates": [[*coords, coords[0]]]}


def rotated_pixels(cx, cy, w, h, degrees):
    a = math.radians(degrees)
    local = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    return [(cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)) for x, y in local]


@pytest.fixture
def kinds(actors):
    project = actors.project
    car, road = (LabelClass.objects.create(project=project, name=n, color="#aa0000") for n in ("car", "road"))
    scene = scene_ready(project)
    user = actors.users["annotator"]

    def make(kind, geometry, label_class, **extra):
        return annotation_create(project=project, scene=scene, geometry=geometry, user=user, kind=kind,
                                 label_class=label_class, **extra)[0]

    made = {
        "box": make("box", ring(scene, [(100, 100), (140, 100), (140, 120), (100, 120)]), car),
        "rotated": make("rotated_box", ring(scene, rotated_pixels(300, 300, 60, 20, 30)), car),
        "polygon": make("polygon", ring(scene, [(500, 500), (560, 510), (530, 560)]), car),
        "line": make("line", {"type": "LineString", "coordinates": [list(c) for c in
                                                                     lonlat_of(scene, [(600, 200), (700, 200)])]},
                     road, width_m=4.0),
        "point": make("point", {"type": "Point", "coordinates": list(lonlat_of(scene, [(50.5, 60.5)])[0])}, car),
    }
    return project, scene, made


def export(project, fmt, out: Path, parameters=None):
    return dataset_export(project=project, format=fmt, filters={"statuses": ["draft", "accepted"]},
                          parameters=parameters or {}, out_dir=out)


def test_coco_detection_gives_pycocotools_the_footprints_boxes_and_leaves_points_out(kinds, tmp_path):
    project, _scene, made = kinds
    manifest = export(project, "coco_detection", tmp_path, {"include_images": False})
    assert manifest["format_report"]["points_left_out"] == 1
    coco = COCO(str(tmp_path / "coco_detection" / "annotations.json"))
    records = {a["geoloop_annotation_id"]: a for a in coco.loadAnns(coco.getAnnIds())}
    assert set(records) == {made[k].id for k in ("box", "rotated", "polygon", "line")}
    assert records[made["box"].id]["bbox"] == pytest.approx([100, 100, 40, 20], abs=1e-3)
    assert records[made["box"].id]["area"] == pytest.approx(800, rel=1e-4)
    half_w = 30 * math.cos(math.radians(30)) + 10 * math.sin(math.radians(30))
    half_h = 30 * math.sin(math.radians(30)) + 10 * math.cos(math.radians(30))
    assert records[made["rotated"].id]["bbox"] == pytest.approx([300 - half_w, 300 - half_h, 2 * half_w, 2 * half_h],
                                                                abs=1e-3)
    assert records[made["polygon"].id]["bbox"] == pytest.approx([500, 500, 60, 60], abs=1e-3)
    assert records[made["line"].id]["bbox"] == pytest.approx([600, 196, 100, 8], abs=1e-2)  # 4 m = 8 px wide
    assert coco.loadCats(records[made["line"].id]["category_id"])[0]["name"] == "road"


def _scene_pixel(scene, x, y):
    inv = ~Affine.from_gdal(*scene.transform)
    return inv @ (x, y)


def test_yolo_detection_lines_are_normalised_boxes_of_the_footprints(kinds, tmp_path):
    project, _scene, _made = kinds
    export(project, "yolo_detection", tmp_path, {"size": 900, "block_size_m": 10000})
    root = tmp_path / "yolo_detection"
    labels = list((root / "labels").rglob("*.txt"))
    assert len(labels) == 1  # one chip: the whole scene
    lines = [line.split() for line in labels[0].read_text().splitlines()]
    assert all(len(parts) == 5 for parts in lines)
    boxes = sorted((int(p[0]), *(float(v) * 900 for v in p[1:])) for p in lines)
    expected = sorted([(0, 120, 110, 40, 20), (0, 530, 530, 60, 60), (1, 650, 200, 100, 8)])
    for want in expected:
        assert any(got[0] == want[0] and np.allclose(got[1:], want[1:], atol=0.01) for got in boxes), (want, boxes)
    assert len(boxes) == 4  # and the rotated box; the point is left out
    spec = (root / "data.yaml").read_text()
    assert "car" in spec
    assert "road" in spec


def test_dota_writes_the_rotated_rectangle_corners_clockwise(kinds, tmp_path):
    project, _scene, _made = kinds
    manifest = export(project, "dota", tmp_path, {"size": 900, "block_size_m": 10000})
    assert manifest["format_report"]["objects"] == 4
    labels = list((tmp_path / "dota" / "labelTxt").rglob("*.txt"))
    assert len(labels) == 1
    rows = [line.split() for line in labels[0].read_text().splitlines()]
    assert all(len(r) == 10 and r[9] == "0" for r in rows)
    corners = {tuple(round(float(v)) for v in r[:8]): r[8] for r in rows}
    rotated = rotated_pixels(300, 300, 60, 20, 30)
    found = [c for c in corners if sorted(zip(c[::2], c[1::2], strict=True)) == sorted((round(x), round(y))
                                                                                      for x, y in rotated)]
    assert len(found) == 1
    assert corners[found[0]] == "car"
    assert (100, 100, 140, 100, 140, 120, 100, 120) in corners  # the axis-aligned box, clockwise from top-left
    for row in rows:  # every box is clockwise on the image (rows grow downwards)
        xy = np.array([float(v) for v in row[:8]]).reshape(4, 2)
        assert np.sum(xy[:, 0] * np.roll(xy[:, 1], -1) - np.roll(xy[:, 0], -1) * xy[:, 1]) > 0


def test_geojson_writes_points_and_lines_as_themselves_with_kind_and_width(kinds, tmp_path):
    project, _scene, made = kinds
    export(project, "geojson", tmp_path)
    features = {f["id"]: f for f in json.loads((tmp_path / "annotations.geojson").read_text())["features"]}
    assert features[made["point"].id]["geometry"]["type"] == "Point"
    assert features[made["point"].id]["properties"]["kind"] == "point"
    line = features[made["line"].id]
    assert line["geometry"]["type"] == "LineString"
    assert (line["properties"]["kind"], line["properties"]["width_m"]) == ("line", 4.0)
    assert features[made["rotated"].id]["properties"]["kind"] == "rotated_box"
    assert features[made["rotated"].id]["geometry"]["type"] == "MultiPolygon"
    assert "kind" not in features[made["polygon"].id]["properties"]  # polygons as before
    assert "Feature Count: 5" in ogrinfo(tmp_path / "annotations.geojson")


def test_geopackage_has_a_layer_per_geometry_type(kinds, tmp_path):
    project, scene, _made = kinds
    manifest = export(project, "geopackage", tmp_path)
    path = tmp_path / "annotations.gpkg"
    layers = dict(pyogrio.list_layers(path).tolist())
    base = manifest["format_report"]["layers"][0]
    assert layers == {base: "MultiPolygon", f"{base}_points": "Point", f"{base}_lines": "LineString"}
    meta, _fids, geometry, fields = pyogrio.raw.read(path, layer=f"{base}_lines")
    values = dict(zip(meta["fields"], fields, strict=True))
    assert list(values["kind"]) == ["line"]
    assert list(values["width_m"]) == [4.0]
    meta, _fids, geometry, fields = pyogrio.raw.read(path, layer=base)
    kinds_in_base = sorted(dict(zip(meta["fields"], fields, strict=True))["kind"])
    assert kinds_in_base == ["box", "polygon", "rotated_box"]
    info = ogrinfo(path)
    assert f"Layer name: {base}_points" in info
    assert "UTM zone 16N" in info
    meta, _fids, geometry, _fields = pyogrio.raw.read(path, layer=f"{base}_points")
    point = shapely.from_wkb(geometry[0])
    assert _scene_pixel(scene, point.x, point.y) == pytest.approx((50.5, 60.5), abs=1e-6)
