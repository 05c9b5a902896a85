"""Typed class attributes: schema rules, values checked on annotation create/update, label-class settings API
(order, archive, attributes), and the values in every export format that can carry them."""

import json
import sqlite3

import pytest

from annotator.attributes import AttributeInvalid, attributes_check, schema_check
from annotator.models import AuditEvent, LabelClass
from annotator.services.exports import dataset_export
from annotator.tests.annotation_fixtures import inside, label_class_make, scene_make
from annotator.tests.export_fixtures import annotations_make, scene_ready

pytestmark = pytest.mark.django_db

SCHEMA = [
    {"name": "occluded", "type": "boolean"},
    {"name": "floors", "type": "number", "required": True, "min": 1, "max": 200, "integer": True},
    {"name": "roof", "type": "choice", "choices": ["flat", "gabled", "hipped"]},
    {"name": "note", "type": "text", "max_length": 20},
]


def test_schema_rules():
    assert schema_check(SCHEMA)[1] == {"name": "floors", "type": "number", "required": True, "min": 1, "max": 200,
                                       "integer": True}
    for bad in ([{"name": "1x", "type": "text"}], [{"name": "a", "type": "date"}],
                [{"name": "a", "type": "number", "min": 5, "max": 1}], [{"name": "a", "type": "choice"}],
                [{"name": "a", "type": "text"}, {"name": "A", "type": "text"}],
                [{"name": "a", "type": "boolean", "choices": ["x"]}], [{"name": "a", "type": "text", "colour": 1}]):
        with pytest.raises(AttributeInvalid):
            schema_check(bad)


def test_value_rules():
    schema = schema_check(SCHEMA)
    assert attributes_check(schema, {"floors": 3, "roof": "flat", "occluded": False}, complete=True) == {
        "occluded": False, "floors": 3, "roof": "flat"}
    for bad in ({"floors": 0}, {"floors": 2.5}, {"floors": "3"}, {"floors": 3, "roof": "dome"},
                {"floors": 3, "occluded": "yes"}, {"floors": 3, "note": "x" * 21}, {"floors": 3, "colour": "red"},
                {"roof": "flat"}):
        with pytest.raises(AttributeInvalid):
            attributes_check(schema, bad, complete=True)


def test_settings_api_classes_order_archive_and_attributes(actors):
    admin, annotator = actors.client("admin"), actors.client("annotator")
    url = f"/api/projects/{actors.project.id}/classes/"
    building = admin.post(url, {"name": "building", "attributes": SCHEMA}, format="json")
    assert building.status_code == 201, building.json()
    shed = admin.post(url, {"name": "shed", "color": "#00ff00"}, format="json").json()
    assert building.json()["attributes"][1]["required"] is True
    assert shed["order"] == building.json()["order"] + 1
    assert annotator.post(url, {"name": "x"}, format="json").status_code == 403
    bad = admin.post(url, {"name": "tree", "attributes": [{"name": "h", "type": "number", "min": 3, "max": 1}]},
                     format="json")
    assert bad.status_code == 400
    assert "min" in bad.json()["detail"]
    unknown = admin.patch(f"/api/classes/{shed['id']}/", {"attributes": [{"name": "a", "type": "text", "x": 1}]},
                          format="json")
    assert unknown.status_code == 400
    assert "x" in unknown.json()["detail"]
    order = admin.post(f"{url}order/", {"classes": [shed["id"], building.json()["id"]]}, format="json")
    assert order.status_code == 200
    assert [c["name"] for c in order.json()] == ["shed", "building"]
    assert [c["name"] for c in annotator.get(url).json()] == ["shed", "building"]
    assert admin.delete(f"/api/classes/{shed['id']}/").status_code == 204
    assert LabelClass.objects.filter(pk=shed["id"], archived=True).exists()  # archived, never deleted
    assert [c["name"] for c in annotator.get(url).json()] == ["building"]
    assert {c["name"] for c in admin.get(url + "?archived=1").json()} == {"shed", "building"}
    assert admin.patch(f"/api/classes/{shed['id']}/", {"archived": False}, format="json").json()["archived"] is False
    assert AuditEvent.objects.filter(action="label_class.update", object_id=shed["id"]).count() >= 2


def test_annotation_attributes_are_checked_on_create_and_update(actors):
    scene = scene_make(actors.project)
    building = label_class_make(actors.project)
    building.attributes = schema_check(SCHEMA)
    building.save()
    plain = label_class_make(actors.project, name="plain")
    client = actors.client("annotator")
    url = f"/api/scenes/{scene.id}/annotations/"
    refused = client.post(url, {"geometry": inside(), "label_class": building.id, "attributes": {"roof": "flat"}},
                          format="json")
    assert refused.status_code == 400
    assert "floors is required" in refused.json()["detail"]
    created = client.post(url, {"geometry": inside(), "label_class": building.id}, format="json").json()
    props = created["properties"]
    assert props["attributes"] == {}
    assert props["attributes_missing"] == ["floors"]
    patched = client.patch(f"/api/annotations/{created['id']}/", {"version": props["version"],
                           "attributes": {"floors": 4, "roof": "gabled"}}, format="json")
    assert patched.status_code == 200, patched.json()
    props = patched.json()["properties"]
    assert props["attributes"] == {"floors": 4, "roof": "gabled"}
    assert props["attributes_missing"] == []
    bad = client.patch(f"/api/annotations/{created['id']}/", {"version": props["version"],
                       "attributes": {"floors": 500}}, format="json")
    assert bad.status_code == 400
    assert "at most 200" in bad.json()["detail"]
    moved = client.patch(f"/api/annotations/{created['id']}/", {"version": props["version"],
                         "label_class": plain.id}, format="json").json()["properties"]
    assert moved["attributes"] == {}  # the plain class has no attributes: nothing carried


def test_attributes_in_every_format_that_carries_them(actors, tmp_path):
    scene = scene_ready(actors.project)
    building = LabelClass.objects.create(project=actors.project, name="building", color="#aa0000",
                                         attributes=schema_check(SCHEMA))
    anns = annotations_make(actors.project, scene, [building], author=actors.users["annotator"])[:3]
    anns[0].attributes = {"floors": 3, "roof": "flat", "occluded": True, "note": "école"}
    anns[0].save()
    values = {"statuses": ["draft", "accepted"]}

    dataset_export(project=actors.project, format="geojson", filters=values, parameters={}, out_dir=tmp_path / "g")
    features = {f["id"]: f["properties"] for f in
                json.loads((tmp_path / "g" / "annotations.geojson").read_text())["features"]}
    assert features[anns[0].id]["attr_floors"] == 3
    assert features[anns[0].id]["attr_roof"] == "flat"
    assert features[anns[0].id]["attr_occluded"] is True
    assert features[anns[0].id]["attr_note"] == "école"
    assert features[anns[1].id]["attr_floors"] is None

    dataset_export(project=actors.project, format="geopackage", filters=values, parameters={},
                   out_dir=tmp_path / "p")
    with sqlite3.connect(tmp_path / "p" / "annotations.gpkg") as db:
        table = db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchone()[0]
        columns = {row[1]: row[2] for row in db.execute(f'PRAGMA table_info("{table}")')}
        row = db.execute(f'SELECT attr_floors, attr_roof, attr_occluded FROM "{table}" WHERE annotation_id = ?',
                         (anns[0].id,)).fetchone()
    assert columns["attr_floors"] in ("REAL", "DOUBLE")
    assert columns["attr_roof"] == "TEXT"
    assert row == (3.0, "flat", 1)

    dataset_export(project=actors.project, format="coco", filters=values, parameters={"include_images": False},
                   out_dir=tmp_path / "c")
    coco = json.loads(next((tmp_path / "c").rglob("annotations.json")).read_text())
    by_id = {a["geoloop_annotation_id"]: a for a in coco["annotations"]}
    assert by_id[anns[0].id]["attributes"] == {"floors": 3, "roof": "flat", "occluded": True, "note": "école"}

    dataset_export(project=actors.project, format="stac", filters=values, parameters={"include_images": False},
                   out_dir=tmp_path / "s")
    item = next(body for body in (json.loads(p.read_text()) for p in (tmp_path / "s").rglob("*.json"))
                if "stac_extensions" in body and body.get("type") == "Feature")
    assert {"attr_floors", "attr_roof"} <= set(item["properties"]["label:properties"])
    labels = json.loads(next((tmp_path / "s").rglob("labels.geojson")).read_text())
    assert any(f["properties"].get("attr_floors") == 3 for f in labels["features"])


def test_django_admin_checks_annotation_attributes_against_the_class(actors):
    from annotator.admin import AnnotationForm

    building = label_class_make(actors.project)
    building.attributes = schema_check(SCHEMA)
    building.save()
    data = {"label_class": building.id, "attributes": '{"floors": 900}'}
    form = AnnotationForm(data=data)
    assert not form.is_valid()
    assert "at most 200" in str(form.errors["attributes"])
    form = AnnotationForm(data={**data, "attributes": '{"floors": 9, "roof": "flat"}'})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["attributes"] == {"floors": 9, "roof": "flat"}
