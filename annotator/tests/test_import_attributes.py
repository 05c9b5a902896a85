"""Imports read class attributes: GeoJSON properties and GeoPackage columns (`attr_<name>` as GeoLoop exports them,
or the bare name), COCO annotations' `attributes`; checked against the class (annotator.attributes); a bad value is
a per-item error in the preview and the commit. Export with attributes -> import -> the same attributes."""

import json
import zipfile

import pytest

from annotator.attributes import schema_check
from annotator.exports.common import zip_write
from annotator.models import Annotation, LabelClass
from annotator.services.exports import dataset_export
from annotator.services.imports import ImportRejected, annotations_import, annotations_import_preview
from annotator.tests.export_fixtures import annotations_make, scene_ready, to_shapely

pytestmark = pytest.mark.django_db

SCHEMA = [
    {"name": "occluded", "type": "boolean"},
    {"name": "floors", "type": "number", "required": True, "min": 1, "max": 200, "integer": True},
    {"name": "height", "type": "number", "min": 0},
    {"name": "roof", "type": "choice", "choices": ["flat", "gabled", "hipped"]},
    {"name": "note", "type": "text", "max_length": 20},
    {"name": "source", "type": "text"},  # named like a fixed export column: read from `attr_source` only
]
VALUES = [
    {"floors": 3, "roof": "flat", "occluded": True, "note": "école", "height": 9.5, "source": "survey"},
    {"floors": 12, "occluded": False},
    {"floors": 1, "roof": "hipped", "height": 0},
]


@pytest.fixture
def data(actors):
    scene = scene_ready(actors.project)
    building = LabelClass.objects.create(project=actors.project, name="building", attributes=schema_check(SCHEMA))
    shed = LabelClass.objects.create(project=actors.project, name="shed", attributes=[
        {"name": "roof", "type": "text", "required": False, "max_length": 50}])
    anns = annotations_make(actors.project, scene, [building, shed], author=actors.users["annotator"])
    buildings = [a for a in anns if a.label_class_id == building.id]
    for ann, values in zip(buildings, VALUES, strict=False):
        ann.attributes = values
        ann.save()
    sheds = [a for a in anns if a.label_class_id == shed.id]
    sheds[0].attributes = {"roof": "tin, rusty"}  # `attr_roof` is text in the files: two classes, two types
    sheds[0].save()
    return actors.project, scene, anns, actors.users["admin"]


def _imported(scene, anns) -> list[Annotation]:
    return list(Annotation.objects.filter(scene=scene, id__gt=max(a.id for a in anns)).order_by("id"))


@pytest.mark.parametrize(("fmt", "name"), [("geojson", "annotations.geojson"), ("geopackage", "annotations.gpkg"),
                                           ("coco", "coco.zip")])
def test_export_with_attributes_then_import_gives_the_same_attributes(data, tmp_path, fmt, name):
    project, scene, anns, admin = data
    parameters = {"include_images": False} if fmt == "coco" else {}
    dataset_export(project=project, format=fmt, filters={}, parameters=parameters, out_dir=tmp_path / fmt)
    path = tmp_path / fmt / name
    if fmt == "coco":
        path = tmp_path / name
        zip_write(tmp_path / fmt, path)
    preview = annotations_import_preview(project=project, scene=scene, path=path)
    assert preview["can_import"], preview["errors"]
    assert preview["with_attributes"] == len([a for a in anns if a.attributes])
    report = annotations_import(project=project, scene=scene, user=admin, path=path)
    new = _imported(scene, anns)
    assert report["imported"] == len(anns) == len(new)
    for old, again in zip(anns, new, strict=True):
        assert again.label_class_id == old.label_class_id
        assert again.attributes == old.attributes, (fmt, old.id)
        assert to_shapely(old).intersects(to_shapely(again))


def _feature(ann, **props) -> dict:
    return {"type": "Feature", "geometry": json.loads(ann.geometry.json), "properties": props}


def test_bad_attributes_are_per_item_errors_in_the_preview_and_the_commit(data, tmp_path):
    project, scene, anns, admin = data
    features = [
        _feature(anns[0], **{"class": "building", "attr_floors": 4, "attr_roof": "gabled"}),  # good
        _feature(anns[1], **{"class": "building", "floors": "7", "occluded": 1}),  # another tool's bare columns
        _feature(anns[2], **{"class": "building", "attr_floors": 500}),  # out of range
        _feature(anns[3], **{"class": "building", "attr_roof": "dome", "attr_floors": 2}),  # not a choice
        _feature(anns[4], **{"class": "building", "attr_roof": "flat"}),  # required floors left out
        _feature(anns[5], **{"class": "shed", "attr_floors": 3}),  # the shed class has no floors
        _feature(anns[6], **{"class": "shed", "attr_roof": None, "attr_floors": None}),  # nulls: no attributes
    ]
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    preview = annotations_import_preview(project=project, scene=scene, path=path)
    errors = {e["item"]: e for e in preview["errors"]}
    assert set(errors) == {"feature 2", "feature 3", "feature 4", "feature 5"}, preview["errors"]
    assert {e["reason"] for e in errors.values()} == {"invalid_attributes"}
    assert "at most 200" in errors["feature 2"]["message"]
    assert "flat, gabled, hipped" in errors["feature 3"]["message"]
    assert "floors is required" in errors["feature 4"]["message"]
    assert "no attribute attr_floors" in errors["feature 5"]["message"]
    assert (preview["valid"], preview["with_attributes"], preview["can_import"]) == (3, 2, False)

    with pytest.raises(ImportRejected) as refused:
        annotations_import(project=project, scene=scene, user=admin, path=path)
    assert {e["item"] for e in refused.value.extra["errors"]} == set(errors)
    assert _imported(scene, anns) == []  # nothing was imported

    report = annotations_import(project=project, scene=scene, user=admin, path=path, skip_invalid=True)
    assert len(report["skipped"]) == 4
    assert [a.attributes for a in _imported(scene, anns)] == [
        {"floors": 4, "roof": "gabled"}, {"floors": 7, "occluded": True}, {}]


def test_coco_attributes_that_the_class_lacks_are_refused(data, tmp_path):
    project, scene, _anns, _ = data
    dataset_export(project=project, format="coco", filters={}, parameters={"include_images": False},
                   out_dir=tmp_path / "c")
    annotations = next((tmp_path / "c").rglob("annotations.json"))
    coco = json.loads(annotations.read_text())
    coco["annotations"][0]["attributes"] = {"floors": 2, "colour": "red"}
    coco["annotations"][1]["attributes"] = ["not", "an", "object"]
    annotations.write_text(json.dumps(coco))
    zip_write(tmp_path / "c", tmp_path / "c.zip")
    with zipfile.ZipFile(tmp_path / "c.zip") as archive:
        assert any(n.endswith("annotations.json") for n in archive.namelist())
    preview = annotations_import_preview(project=project, scene=scene, path=tmp_path / "c.zip")
    messages = {e["reason"]: e["message"] for e in preview["errors"]}
    assert set(messages) == {"invalid_attributes"}
    assert len(preview["errors"]) == 2
    assert any("colour" in e["message"] for e in preview["errors"])
    assert any("must be an object" in e["message"] for e in preview["errors"])
