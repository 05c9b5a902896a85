"""Exports through the API (roles, validation, status, download), through the real Celery worker with progress
over the real scene WebSocket, and through the CLI; the worker's zip and the CLI's zip are the same bytes."""

import asyncio
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect

from annotator.models import ExportJob, LabelClass
from annotator.tests.export_fixtures import annotations_make, scene_ready, unzip


@pytest.fixture
def data(actors):
    classes = [LabelClass.objects.create(project=actors.project, name=n) for n in ("building", "shed")]
    scene = scene_ready(actors.project)
    anns = annotations_make(actors.project, scene, classes, author=actors.users["annotator"])
    return actors.project, scene, classes, anns


def post_export(actors, who, body):
    return actors.client(who).post(f"/api/projects/{actors.project.id}/exports/", body, format="json")


@pytest.mark.django_db
def test_export_roles_reviewer_and_admin_may_annotator_and_others_may_not(actors):
    body = {"format": "geojson"}
    assert post_export(actors, "annotator", body).status_code == 403
    assert post_export(actors, "outsider", body).status_code == 403
    assert post_export(actors, None, body).status_code in (401, 403)
    for who in ("reviewer", "admin", "staff"):
        response = post_export(actors, who, body)
        assert response.status_code == 202, response.json()
        assert response.json()["status"] == "queued"
        assert response.json()["download_url"] is None
    job_id = response.json()["id"]
    assert actors.client("annotator").get(f"/api/exports/{job_id}/").status_code == 403
    assert actors.client("outsider").get(f"/api/exports/{job_id}/download/").status_code == 403
    assert actors.client("reviewer").get(f"/api/exports/{job_id}/").json()["status"] == "queued"
    assert actors.client("reviewer").get(f"/api/exports/{job_id}/download/").status_code == 409
    assert actors.client("reviewer").get("/api/exports/999999/").status_code == 404
    assert len(actors.client("reviewer").get(f"/api/projects/{actors.project.id}/exports/").json()) == 3


@pytest.mark.django_db
def test_export_request_with_bad_format_filters_or_parameters_is_400(actors):
    for body in ({"format": "shapefile"}, {"format": "coco", "parameters": {"segmentation": "bitmap"}},
                 {"format": "geojson", "filters": {"statuses": ["done"]}},
                 {"format": "geojson", "filters": {"scenes": [424242]}},
                 {"format": "masks", "filters": {"classes": ["no-such-class"]}}):
        response = post_export(actors, "reviewer", body)
        assert response.status_code == 400, body
        assert response.json()["detail"]
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_formats_endpoint_lists_every_format_with_its_parameters(actors):
    body = actors.client("annotator").get("/api/exports/formats/").json()
    by_name = {f["name"]: f for f in body}
    assert set(by_name) == {"coco", "geojson", "geopackage", "masks", "chips", "yolo", "stac", "coco_detection",
                            "yolo_detection", "dota"}
    assert by_name["coco"]["choices"]["segmentation"] == ["polygon", "rle"]


async def _events_until_done(url: str, origin: str, start) -> list[dict]:
    events: list[dict] = []
    async with connect(url, origin=origin, open_timeout=10) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "pong"}
        await asyncio.to_thread(start)
        while True:
            event = json.loads(await asyncio.wait_for(socket.recv(), 120))
            if event["type"] == "export.progress":
                events.append(event)
                if event["status"] in ("succeeded", "failed"):
                    return events


@pytest.mark.django_db(transaction=True)
def test_export_runs_on_the_celery_worker_reports_progress_over_the_websocket_and_downloads(
        data, actors, celery_worker, app_server, tmp_path):
    project, scene, _classes, anns = data
    token = Token.objects.create(user=actors.users["reviewer"]).key
    url = app_server.ws(f"/ws/scenes/{scene.id}/events/", token)
    created = {}

    def start():
        created["response"] = post_export(actors, "reviewer", {"format": "geopackage",
                                                               "filters": {"statuses": ["draft", "accepted"]}})

    events = asyncio.run(_events_until_done(url, app_server.url, start))
    assert created["response"].status_code == 202
    job_id = created["response"].json()["id"]
    assert events[-1]["status"] == "succeeded"
    assert events[-1]["export_id"] == job_id
    values = [e["progress"] for e in events]
    assert values == sorted(values)
    assert values[-1] == 1.0

    detail = actors.client("reviewer").get(f"/api/exports/{job_id}/").json()
    assert detail["status"] == "succeeded"
    assert detail["progress"] == 1.0
    manifest = detail["manifest"]
    assert manifest["counts"]["annotations"] == len(anns)
    assert manifest["scenes"][0]["checksum"] == scene.checksum
    response = actors.client("reviewer").get(f"/api/exports/{job_id}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    payload = b"".join(response.streaming_content)
    files = unzip(payload)
    assert set(files) == {"annotations.gpkg", "manifest.json"}
    assert json.loads(files["manifest.json"]) == manifest

    # The same export from the CLI gives the same zip, byte for byte.
    call_command("export_dataset", "--project", project.slug, "--format", "geopackage", "--out",
                 str(tmp_path / "cli"), "--zip", str(tmp_path / "cli.zip"), "--statuses", "draft", "accepted")
    assert (tmp_path / "cli.zip").read_bytes() == payload


@pytest.mark.django_db
def test_export_cli_writes_files_manifest_and_zip_with_filters_and_parameters(data, tmp_path, capsys):
    project, _scene, _classes, anns = data
    call_command("export_dataset", "--project", project.slug, "--format", "coco", "--out", str(tmp_path / "o"),
                 "--zip", str(tmp_path / "o.zip"), "--classes", "shed", "--param", "segmentation=rle",
                 "--param", "include_images=false", "--statuses", "accepted", "draft", "--source", "human", "model")
    out = capsys.readouterr().out
    expected = [a for a in anns if a.label_class.name == "shed" and a.source in ("human", "model")]
    assert f"exported {len(expected)} annotations from 1 scenes as coco" in out
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["parameters"]["segmentation"] == "rle"
    assert manifest["filters"]["classes"] == ["shed"]
    coco = json.loads((tmp_path / "o" / "coco" / "annotations.json").read_text())
    assert len(coco["annotations"]) == len(expected)
    assert all(isinstance(a["segmentation"], dict) for a in coco["annotations"])
    with zipfile.ZipFile(tmp_path / "o.zip") as archive:
        assert sorted(archive.namelist()) == sorted(["manifest.json", *manifest["files"]])
    with pytest.raises(CommandError):
        call_command("export_dataset", "--project", project.slug, "--format", "chips", "--out",
                     str(tmp_path / "bad"), "--param", "size=2")
    with pytest.raises(CommandError):  # not empty
        call_command("export_dataset", "--project", project.slug, "--format", "geojson", "--out",
                     str(tmp_path / "o"))
