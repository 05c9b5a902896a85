"""The CSV of tags: the `tags_csv` export, read back by an independent reader (csv), imported again (preview, then
commit; all or nothing with a per-row report), and the tags in STAC item properties."""

import csv
import json

import pytest

from annotator.exports.registry import formats
from annotator.models import Tag, Task
from annotator.services.exports import dataset_export
from annotator.services.tags import tag_group_create, tag_set
from annotator.tests.annotation_fixtures import scene_make
from annotator.tests.export_fixtures import scene_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(actors):
    admin = actors.users["admin"]
    project = actors.project
    cloud = tag_group_create(project=project, user=admin, name="cloud", values=["clear", "partly", "overcast"])
    land = tag_group_create(project=project, user=admin, name="land use", multi=True,
                            values=["urban", "forest", "water"])
    one, two = scene_make(project, name="north"), scene_make(project, name="south")
    for scene in (one, two):  # the CSV reads no pixels; the export's scene list wants a COG's storage key
        scene.cog_path = f"scenes/{scene.id}/never-read.tif"
        scene.save(update_fields=["cog_path"])
    task = Task.objects.create(project=project, scene=one, area=one.footprint)
    tag_set(group=cloud, user=admin, scene=one, values=["partly"])
    tag_set(group=land, user=admin, scene=one, values=["urban", "water"])
    tag_set(group=land, user=admin, task=task, values=["forest"])
    tag_set(group=cloud, user=admin, scene=two, values=["overcast"])
    cleared = tag_set(group=land, user=admin, scene=two, values=["water"])
    tag_set(group=land, user=admin, scene=two, values=[], expected_version=cleared.version)  # cleared: no row
    return {"cloud": cloud, "land": land, "scenes": (one, two), "task": task}


def export_rows(project, tmp_path) -> list[dict]:
    manifest = dataset_export(project=project, format="tags_csv", filters={}, parameters={}, out_dir=tmp_path / "out")
    assert manifest
    with open(tmp_path / "out" / "tags.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_tags_csv_is_registered_and_has_one_row_per_target_and_group(actors, tagged, tmp_path):
    assert "tags_csv" in formats()
    one, two = tagged["scenes"]
    rows = export_rows(actors.project, tmp_path)
    assert [(r["target_type"], r["target_id"], r["name"], r["group"], r["values"], r["author"], r["review_state"])
            for r in rows] == [
        ("scene", str(one.id), "north", "cloud", "partly", "padmin", "pending"),
        ("scene", str(one.id), "north", "land use", "urban;water", "padmin", "pending"),
        ("task", str(tagged["task"].id), f"north / task {tagged['task'].id}", "land use", "forest", "padmin",
         "pending"),
        ("scene", str(two.id), "south", "cloud", "overcast", "padmin", "pending"),
    ]


def test_export_then_import_round_trip(actors, tagged, tmp_path):
    before = export_rows(actors.project, tmp_path)
    data = (tmp_path / "out" / "tags.csv").read_bytes()
    Tag.objects.all().delete()
    url = f"/api/projects/{actors.project.id}/tags/import/"
    client = actors.client("admin")
    preview = client.post(url, {"file": _upload(data)}, format="multipart")
    assert preview.status_code == 200, preview.content
    assert preview.json() | {"errors": []} == {"rows": 4, "create": 4, "update": 0, "unchanged": 0, "imported": 0,
                                               "committed": False, "errors": []}
    assert not Tag.objects.exists()  # a preview writes nothing
    done = client.post(url, {"file": _upload(data), "commit": "true"}, format="multipart")
    assert done.status_code == 200
    assert done.json()["imported"] == 4
    after = export_rows(actors.project, tmp_path / "again")
    assert [{k: v for k, v in r.items() if k != "review_state"} for r in after] == \
        [{k: v for k, v in r.items() if k != "review_state"} for r in before]
    again = client.post(url, {"file": _upload(data), "commit": "true"}, format="multipart").json()
    assert (again["unchanged"], again["imported"]) == (4, 0)


def test_import_refuses_bad_rows_with_a_report_and_imports_nothing(actors, tagged, tmp_path):
    one, _ = tagged["scenes"]
    Tag.objects.all().delete()
    text = ("target_type,target_id,name,group,values,author,review_state\n"
            f"scene,{one.id},north,cloud,clear,,\n"
            f"scene,{one.id},north,cloud,partly;overcast,,\n"
            "scene,999999,x,cloud,clear,,\n"
            f"scene,{one.id},north,weather,sunny,,\n"
            f"task,{tagged['task'].id},t,land use,desert,,\n"
            f"planet,{one.id},north,cloud,clear,,\n")
    url = f"/api/projects/{actors.project.id}/tags/import/"
    refused = actors.client("admin").post(url, {"file": _upload(text.encode()), "commit": "true"}, format="multipart")
    assert refused.status_code == 400
    body = refused.json()
    assert body["imported"] == 0
    assert sorted((e["item"], e["reason"]) for e in body["errors"]) == [
        ("row 3", "single_label"), ("row 4", "unknown_target"), ("row 5", "unknown_group"),
        ("row 6", "unknown_value"), ("row 7", "invalid_target")]
    assert not Tag.objects.exists()
    no_columns = actors.client("admin").post(url, {"file": _upload(b"a,b\n1,2\n")}, format="multipart")
    assert no_columns.status_code == 400
    assert no_columns.json()["errors"][0]["reason"] == "missing_columns"
    for role in ("annotator", "reviewer", "outsider"):
        assert actors.client(role).post(url, {"file": _upload(text.encode())},
                                        format="multipart").status_code == 403
    assert actors.client(None).post(url, {"file": _upload(text.encode())}, format="multipart").status_code == 401


def test_stac_items_carry_the_scene_and_task_tags(actors, tmp_path):
    admin = actors.users["admin"]
    scene = scene_ready(actors.project)
    cloud = tag_group_create(project=actors.project, user=admin, name="cloud", values=["clear", "overcast"])
    land = tag_group_create(project=actors.project, user=admin, name="land use", multi=True,
                            values=["urban", "forest"])
    task = Task.objects.create(project=actors.project, scene=scene, area=scene.footprint)
    tag_set(group=cloud, user=admin, scene=scene, values=["clear"])
    tag_set(group=land, user=admin, task=task, values=["urban", "forest"])
    dataset_export(project=actors.project, format="stac", filters={}, parameters={"include_images": False},
                   out_dir=tmp_path / "stac")
    item_path = next((tmp_path / "stac" / "stac").glob("*/*.json"))
    properties = json.loads(item_path.read_text())["properties"]
    assert properties["geoloop:tags"] == {"cloud": ["clear"]}
    assert properties["geoloop:task_tags"] == [{"task": task.id, "group": "land use", "values": ["urban", "forest"]}]


def test_geojson_carries_the_tags_as_a_foreign_member(actors, tagged, tmp_path):
    dataset_export(project=actors.project, format="geojson", filters={}, parameters={}, out_dir=tmp_path / "gj")
    collection = json.loads((tmp_path / "gj" / "annotations.geojson").read_text())
    one, two = tagged["scenes"]
    assert [(t["target_type"], t["target_id"], t["group"], t["values"]) for t in collection["geoloop:tags"]] == [
        ("scene", one.id, "cloud", ["partly"]), ("scene", one.id, "land use", ["urban", "water"]),
        ("task", tagged["task"].id, "land use", ["forest"]), ("scene", two.id, "cloud", ["overcast"])]


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("tags.csv", data, content_type="text/csv")
