"""Imports of every annotation kind: GeoLoop's own GeoJSON and GeoPackage exports read back (points, lines with
their width, boxes and rotated boxes by their `kind`), plain GeoJSON Points and LineStrings from other tools, and COCO
detection (bbox only) as boxes."""

import json
import zipfile

import pytest
import shapely
from shapely.geometry import mapping

from annotator.exports.common import zip_write
from annotator.models import Annotation
from annotator.services.exports import dataset_export
from annotator.services.imports import ImportRejected, annotations_import
from annotator.tests.test_export_kinds import kinds  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def export(project, fmt, out, parameters=None):
    dataset_export(project=project, format=fmt, filters={"statuses": ["draft", "accepted"]},
                   parameters=parameters or {}, out_dir=out)
    return out


def new_ones(made) -> list[Annotation]:
    return list(Annotation.objects.filter(id__gt=max(a.id for a in made.values())).order_by("id"))


def geom(value):
    return shapely.from_wkb(bytes(value.wkb))


def same(old: Annotation, new: Annotation, tolerance: float) -> None:
    assert new.kind == old.kind
    assert new.label_class_id == old.label_class_id
    assert new.width_m == (pytest.approx(old.width_m) if old.width_m is not None else None)
    if old.shape is not None:
        assert geom(new.shape).hausdorff_distance(geom(old.shape)) < tolerance
    assert geom(new.geometry).hausdorff_distance(geom(old.geometry)) < tolerance


def test_geojson_round_trip_keeps_every_kind(kinds, tmp_path):  # noqa: F811
    project, scene, made = kinds
    out = export(project, "geojson", tmp_path)
    report = annotations_import(project=project, scene=scene, user=None, path=out / "annotations.geojson")
    assert report["imported"] == 5
    by_kind = {a.kind: a for a in new_ones(made)}
    assert set(by_kind) == {"box", "rotated_box", "polygon", "line", "point"}
    for key, old in made.items():
        same(old, by_kind[old.kind], 1e-8)  # ~1 mm: a rotated box is snapped again onto its rectangle
        assert by_kind[old.kind].source == "imported", key


def test_geopackage_round_trip_reads_each_layer_as_its_kind(kinds, tmp_path):  # noqa: F811
    project, scene, made = kinds
    out = export(project, "geopackage", tmp_path)
    path = out / "annotations.gpkg"
    import pyogrio

    for layer, _type in pyogrio.list_layers(path).tolist():
        annotations_import(project=project, scene=scene, user=None, path=path, layer=layer)
    by_kind = {a.kind: a for a in new_ones(made)}
    assert set(by_kind) == {"box", "rotated_box", "polygon", "line", "point"}
    for old in made.values():
        same(old, by_kind[old.kind], 1e-7)


def test_plain_points_and_lines_from_another_tool(kinds, tmp_path):  # noqa: F811
    project, scene, made = kinds
    centre = geom(made["polygon"].geometry).centroid
    line = shapely.LineString([(centre.x, centre.y), (centre.x + 1e-4, centre.y)])
    path = tmp_path / "other.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": mapping(centre), "properties": {"class": "car"}},
        {"type": "Feature", "geometry": mapping(line), "properties": {"class": "road"}},
        {"type": "Feature", "geometry": mapping(line), "properties": {"class": "road", "width_m": 6}},
    ]}))
    annotations_import(project=project, scene=scene, user=None, path=path)
    point, plain, wide = new_ones(made)
    assert (point.kind, plain.kind, wide.kind) == ("point", "line", "line")
    assert plain.width_m == pytest.approx(3 * 0.5)  # three of the scene's 0.5 m pixels
    assert wide.width_m == 6
    assert geom(point.shape).equals_exact(centre, 1e-12)


def test_bad_kinds_are_refused_per_feature_and_nothing_is_imported(kinds, tmp_path):  # noqa: F811
    project, scene, made = kinds
    centre = geom(made["polygon"].geometry).centroid
    line = shapely.LineString([(centre.x, centre.y), (centre.x + 1e-4, centre.y)])
    skewed = shapely.Polygon([(centre.x, centre.y), (centre.x + 2e-4, centre.y), (centre.x + 3e-4, centre.y + 1e-4),
                              (centre.x + 1e-4, centre.y + 1e-4)])
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": mapping(line), "properties": {"class": "road", "width_m": -1}},
        {"type": "Feature", "geometry": mapping(skewed), "properties": {"class": "car", "kind": "rotated_box"}},
        {"type": "Feature", "geometry": mapping(shapely.Point(0, 0)), "properties": {"class": "car"}},
    ]}))
    before = Annotation.objects.count()
    with pytest.raises(ImportRejected) as info:
        annotations_import(project=project, scene=scene, user=None, path=path)
    assert Annotation.objects.count() == before
    assert [(e["item"], e["reason"]) for e in info.value.extra["errors"]] == [
        ("feature 0", "invalid_width"), ("feature 1", "not_rectangle"), ("feature 2", "outside_scene")]


def test_coco_detection_bboxes_come_back_as_boxes(kinds, tmp_path):  # noqa: F811
    project, scene, made = kinds
    out = export(project, "coco_detection", tmp_path / "out", {"include_images": False})
    zip_write(out, tmp_path / "detection.zip")
    with zipfile.ZipFile(tmp_path / "detection.zip") as archive:  # named like a COCO export for the reader
        body = archive.read("coco_detection/annotations.json")
        sidecars = {n: archive.read(n) for n in archive.namelist() if "/georef/" in n}
    with zipfile.ZipFile(tmp_path / "coco.zip", "w") as archive:
        archive.writestr("coco/annotations.json", body)
        for name, data in sidecars.items():
            archive.writestr(name.replace("coco_detection/", "coco/"), data)
    report = annotations_import(project=project, scene=scene, user=None, path=tmp_path / "coco.zip")
    assert report["format"] == "coco"
    boxes = new_ones(made)
    assert [a.kind for a in boxes] == ["box"] * 4  # box, rotated box, polygon and line; the point is left out
    box = boxes[0]
    assert geom(box.geometry).hausdorff_distance(geom(made["box"].geometry)) < 1e-9
    envelope = geom(boxes[1].geometry)
    assert envelope.covers(geom(made["rotated"].geometry).buffer(-1e-9))
