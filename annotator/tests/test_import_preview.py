"""Imports in two steps: a preview that stores nothing (the upload kept server-side under a token), then a commit
that imports what the preview said; refused items, skipping them, tokens bound to scene and user, expiry."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.utils import timezone

from annotator.exports.common import zip_write
from annotator.models import Annotation, LabelClass
from annotator.services.exports import dataset_export
from annotator.services.imports import STAGING_DIR, import_staging_purge
from annotator.tests.export_fixtures import annotations_make, scene_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(actors, tmp_path):
    classes = [LabelClass.objects.create(project=actors.project, name=n) for n in ("building", "shed")]
    scene = scene_ready(actors.project)
    anns = annotations_make(actors.project, scene, classes, author=actors.users["annotator"])
    dataset_export(project=actors.project, format="geojson", filters={}, parameters={}, out_dir=tmp_path / "out")
    payload = json.loads((tmp_path / "out" / "annotations.geojson").read_text())
    return actors.project, scene, anns, payload


def _upload(content: bytes, name: str = "labels.geojson") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def preview(actors, scene, payload, who="admin", **extra):
    body = {"file": _upload(json.dumps(payload).encode()), **extra}
    return actors.client(who).post(f"/api/scenes/{scene.id}/imports/preview/", body, format="multipart")


def commit(actors, scene, token, who="admin", **body):
    return actors.client(who).post(f"/api/scenes/{scene.id}/imports/{token}/commit/", body, format="json")


def staged(settings) -> list:
    root = Path(settings.MEDIA_ROOT).joinpath(*STAGING_DIR)
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def test_preview_stores_nothing_and_commit_stores_what_the_preview_said(data, actors, settings):
    _project, scene, anns, payload = data
    before = Annotation.objects.count()
    response = preview(actors, scene, payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert Annotation.objects.count() == before  # a preview imports nothing
    expected = {}
    for ann in anns:
        expected[ann.label_class.name] = expected.get(ann.label_class.name, 0) + 1
    assert body["by_class"] == dict(sorted(expected.items()))
    assert body["valid"] == body["features"] == len(anns)
    assert body["refused"] == 0
    assert body["errors"] == []
    assert body["can_import"]
    assert body["format"] == "geojson"
    assert body["file"] == "labels.geojson"
    assert body["token"] in staged(settings)

    response = commit(actors, scene, body["token"])
    assert response.status_code == 201, response.json()
    report = response.json()
    assert report["imported"] == body["valid"]
    assert report["by_class"] == body["by_class"]
    new = Annotation.objects.filter(pk__in=report["ids"])
    assert new.count() == body["valid"]
    assert {a.source for a in new} == {"imported"}
    counted = {}
    for ann in new.select_related("label_class"):
        counted[ann.label_class.name] = counted.get(ann.label_class.name, 0) + 1
    assert counted == body["by_class"]
    assert body["token"] not in staged(settings)  # the upload is gone once imported
    assert commit(actors, scene, body["token"]).status_code == 404  # and cannot be imported twice


def test_preview_names_what_is_refused_and_a_commit_refuses_all_or_skips_them(data, actors):
    _project, scene, anns, payload = data
    payload["features"][3]["properties"]["class"] = "tree"
    payload["features"][5]["geometry"] = {"type": "Polygon", "coordinates": [[[10, 10], [10.1, 10], [10, 10.1],
                                                                              [10, 10]]]}
    before = Annotation.objects.count()
    body = preview(actors, scene, payload).json()
    assert Annotation.objects.count() == before
    assert body["refused"] == 2
    assert body["valid"] == len(anns) - 2
    assert body["features"] == len(anns)
    reasons = {e["item"].split(" (")[0]: e["reason"] for e in body["errors"]}
    assert reasons == {"feature 3": "unknown_class", "feature 5": "outside_scene"}
    assert body["refusal_reasons"] == {"outside_scene": 1, "unknown_class": 1}
    assert not body["can_import"]
    assert body["can_import_valid"]

    response = commit(actors, scene, body["token"])  # all or nothing by default
    assert response.status_code == 400
    assert response.json()["code"] == "import_rejected"
    assert len(response.json()["errors"]) == 2
    assert Annotation.objects.count() == before

    response = commit(actors, scene, body["token"], skip_invalid=True)  # the refusal kept the upload
    assert response.status_code == 201, response.json()
    report = response.json()
    assert report["imported"] == body["valid"]
    assert report["by_class"] == body["by_class"]
    assert sorted(e["item"].split(" (")[0] for e in report["skipped"]) == ["feature 3", "feature 5"]
    assert Annotation.objects.count() == before + body["valid"]


def test_preview_of_an_unreadable_file_is_400_and_keeps_nothing(data, actors, settings):
    _project, scene, _anns, _payload = data
    kept = staged(settings)
    response = actors.client("admin").post(f"/api/scenes/{scene.id}/imports/preview/",
                                           {"file": _upload(b"{not json")}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "import_rejected"
    assert response.json()["errors"][0]["item"] == "file"
    assert staged(settings) == kept


def test_preview_and_commit_are_for_scene_admins_and_a_token_for_its_scene_and_user(data, actors):
    project, scene, _anns, payload = data
    for who in ("annotator", "reviewer", "outsider"):
        assert preview(actors, scene, payload, who=who).status_code == 403
    token = preview(actors, scene, payload).json()["token"]
    for who in ("annotator", "reviewer", "outsider"):
        assert commit(actors, scene, token, who=who).status_code == 403
    other = scene_ready(project, name="other")
    assert commit(actors, other, token).status_code == 404  # another scene
    assert commit(actors, scene, token, who="staff").status_code in (403, 404)  # another user
    assert commit(actors, scene, "../../../etc").status_code == 404
    assert commit(actors, scene, "x" * 30).status_code == 404
    assert actors.client("admin").delete(f"/api/scenes/{scene.id}/imports/{token}/").status_code == 204
    assert commit(actors, scene, token).status_code == 404


def test_a_kept_upload_expires(data, actors, settings):
    _project, scene, _anns, payload = data
    token = preview(actors, scene, payload).json()["token"]
    assert import_staging_purge() == 0
    assert token in staged(settings)
    later = timezone.now() + dt.timedelta(seconds=settings.IMPORT_STAGING_TTL_SECONDS + 1)
    assert import_staging_purge(now=later) >= 1
    assert staged(settings) == []
    assert commit(actors, scene, token).status_code == 404


@pytest.mark.parametrize("fmt", ["geopackage", "coco"])
def test_preview_then_commit_of_a_geopackage_and_a_coco_zip_with_its_sidecars(data, actors, tmp_path, fmt):
    project, scene, anns, _payload = data
    out = tmp_path / fmt
    dataset_export(project=project, format=fmt, filters={}, parameters={"include_images": False} if fmt == "coco"
                   else {}, out_dir=out)
    if fmt == "coco":
        upload = tmp_path / "coco.zip"
        zip_write(out, upload)  # annotations.json with its georeference sidecars
    else:
        upload = out / "annotations.gpkg"
    before = Annotation.objects.count()
    response = actors.client("admin").post(f"/api/scenes/{scene.id}/imports/preview/",
                                           {"file": _upload(upload.read_bytes(), upload.name)}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["format"] == fmt
    assert body["valid"] == len(anns)
    assert body["can_import"]
    assert Annotation.objects.count() == before
    report = commit(actors, scene, body["token"]).json()
    assert report["imported"] == len(anns)
    assert report["by_class"] == body["by_class"]
    assert Annotation.objects.count() == before + len(anns)
