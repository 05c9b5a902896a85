"""The data team's pages in real Chromium against the running app and the real Celery worker: an export picked
from the formats the API describes, filtered, started, watched over the scene socket to done, its manifest read and
its zip downloaded and checked; a long export cancelled; old archives removed on demand; a GeoJSON import previewed
(counts per class, the refused item and why), then committed skipping the refused one. Screenshots go to
artifacts/e2e/ (data_*.png)."""

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import Shots, login, new_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LABELS = Path(__file__).resolve().parents[2] / "samples" / "spacenet-atlanta" / "geotiff_labels.geojson"
EXPORT_TIMEOUT = 180_000


@pytest.fixture
def exported_scene(sample_scene):
    """The sample scene with 43 pixel-aligned buildings on it (two classes, mixed sources and statuses)."""
    from annotator.models import LabelClass, Project, Scene
    from annotator.tests.export_fixtures import annotations_make

    project = Project.objects.get(pk=sample_scene.project_id)
    scene = Scene.objects.get(pk=sample_scene.scene_id)
    classes = [LabelClass.objects.get(project=project, name="building"),
               LabelClass.objects.create(project=project, name="shed", color="#f79009")]
    annotations_make(project, scene, classes)
    return sample_scene


def csrf_headers(page) -> dict:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return {"X-CSRFToken": token, "Content-Type": "application/json"}


def test_export_start_watch_download_manifest_cancel_and_retention(app_server, exported_scene, artifacts_dir,
                                                                    chromium, tmp_path):
    s = exported_scene
    url = app_server.url
    shots = Shots(artifacts_dir, prefix="data_export")
    page = new_page(chromium)
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, url, (s.username, s.password))
    page.goto(f"{url}/#/projects/{s.project_id}")
    page.get_by_test_id("exports-link").click()
    expect(page.get_by_test_id("export-format")).to_be_visible()

    # Every registered format is offered, each with the options the API says it takes.
    formats = page.request.get(f"{url}/api/exports/formats/").json()
    offered = page.get_by_test_id("export-format").locator("option").all_inner_texts()
    assert offered == [f["name"] for f in formats]
    coco = next(f for f in formats if f["name"] == "coco")
    page.get_by_test_id("export-format").select_option("coco")
    for option in coco["options"]:
        expect(page.get_by_test_id(f"option-{option['name']}")).to_be_visible()
    expect(page.get_by_test_id("option-segmentation")).to_have_value("polygon")
    page.get_by_test_id("option-include_images").uncheck()

    # Filters: one class; the page says what it selects, as the API counts it.
    page.get_by_test_id("filter-classes").get_by_label("building").check()
    expected = page.request.post(f"{url}/api/projects/{s.project_id}/exports/count/", headers=csrf_headers(page),
                                 data=json.dumps({"filters": {"classes": ["building"]}})).json()
    expect(page.get_by_test_id("export-selection")).to_contain_text(f"Selects {expected['annotations']} annotations")
    shots(page, "form")

    page.get_by_test_id("export-start").click()
    row = page.get_by_test_id("export-item").first
    expect(row).to_have_attribute("data-status", "succeeded", timeout=EXPORT_TIMEOUT)
    assert any(f"/ws/scenes/{s.scene_id}/events/" in u for u in sockets), sockets  # progress came over the socket
    job_id = int(row.get_attribute("data-export-id"))
    row.get_by_test_id("export-manifest-toggle").click()
    manifest_table = page.get_by_test_id("export-manifest")
    expect(manifest_table).to_contain_text(f"Annotations{expected['annotations']}")
    expect(manifest_table).to_contain_text("Model versions")
    shots(page, "done_with_manifest")

    with page.expect_download() as info:
        row.get_by_test_id("export-download").click()
    path = tmp_path / "export.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "coco"
    assert manifest["counts"]["annotations"] == expected["annotations"]
    assert set(manifest["counts"]["per_class"]) == {"building"}
    assert manifest["parameters"]["include_images"] is False
    assert manifest["files"] == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()
                                 if name != "manifest.json"}
    assert manifest == page.request.get(f"{url}/api/exports/{job_id}/").json()["manifest"]

    # A long export (chips of 16 px every 4 px) is cancelled while it runs.
    page.get_by_test_id("export-format").select_option("chips")
    page.get_by_test_id("option-size").fill("16")
    page.get_by_test_id("option-overlap").fill("12")
    page.get_by_test_id("export-start").click()
    running = page.locator("[data-testid=export-item]").first
    expect(running).not_to_have_attribute("data-export-id", str(job_id))
    expect(running.get_by_test_id("export-progress")).to_be_visible()
    page.wait_for_function(
        "() => { const p = document.querySelector('[data-testid=export-item] progress'); return p && p.value > 0; }",
        timeout=EXPORT_TIMEOUT)
    shots(page, "running")
    running.get_by_test_id("export-cancel").click()
    expect(running).to_have_attribute("data-status", "cancelled", timeout=60_000)
    expect(running).to_contain_text("Cancelled by")
    shots(page, "cancelled")

    # Retention on demand: archives older than 0 days go, the manifests stay.
    page.get_by_test_id("purge-days").fill("0")
    page.get_by_test_id("purge-start").click()
    expect(page.get_by_test_id("purge-result")).to_contain_text("Removed 1 archive")
    done = page.locator(f"[data-testid=export-item][data-export-id='{job_id}']")
    expect(done).to_contain_text("archive removed")
    expect(done.get_by_test_id("export-download")).to_have_count(0)
    shots(page, "retention")
    assert page.request.get(f"{url}/api/exports/{job_id}/download/").status == 404
    assert not page.errors, page.errors
    print("[e2e screenshots] " + ", ".join(str(p.relative_to(artifacts_dir.parent)) for p in shots.paths))


def test_import_preview_then_commit_skipping_the_refused(app_server, sample_scene, artifacts_dir, chromium,
                                                         tmp_path):
    s = sample_scene
    url = app_server.url
    shots = Shots(artifacts_dir, prefix="data_import")
    data = json.loads(LABELS.read_text())  # 43 buildings in UTM, with a legacy "crs" member
    for i, feature in enumerate(data["features"]):
        feature["properties"] = {"class": "tree" if i == 7 else "building"}
    upload = tmp_path / "buildings.geojson"
    upload.write_text(json.dumps(data))
    total = len(data["features"])

    page = new_page(chromium)
    login(page, url, (s.username, s.password))
    page.goto(f"{url}/#/projects/{s.project_id}")
    page.get_by_test_id("imports-link").click()
    expect(page.get_by_test_id("import-scene")).to_have_value(str(s.scene_id))
    page.get_by_test_id("import-file").set_input_files(str(upload))
    shots(page, "form")
    page.get_by_test_id("import-preview").click()

    expect(page.get_by_test_id("import-headline")).to_have_text(
        f"{total} features read from buildings.geojson: {total - 1} can be imported, 1 refused.")
    expect(page.get_by_test_id("import-class-counts").locator("tr[data-class=building]")).to_contain_text(
        str(total - 1))
    refused = page.get_by_test_id("import-refused")
    expect(refused).to_contain_text("feature 7")
    expect(refused).to_contain_text("unknown class")
    expect(refused).to_contain_text("'tree'")
    shots(page, "preview")
    # Nothing is stored by a preview.
    count = page.request.post(f"{url}/api/projects/{s.project_id}/exports/count/", headers=csrf_headers(page),
                              data=json.dumps({"filters": {"sources": ["imported"]}})).json()
    assert count["annotations"] == 0

    commit = page.get_by_test_id("import-commit")
    expect(commit).to_have_text(f"Import the {total - 1} valid, skip 1 refused")
    commit.click()
    expect(page.get_by_test_id("import-result-text")).to_have_text(f"Imported {total - 1} annotations, skipped 1.")
    expect(page.get_by_test_id("import-errors")).to_contain_text("feature 7")
    shots(page, "committed")
    count = page.request.post(f"{url}/api/projects/{s.project_id}/exports/count/", headers=csrf_headers(page),
                              data=json.dumps({"filters": {"sources": ["imported"]}})).json()
    assert count["annotations"] == total - 1
    assert count["by_class"] == {"building": total - 1}
    assert not page.errors, page.errors
    print("[e2e screenshots] " + ", ".join(str(p.relative_to(artifacts_dir.parent)) for p in shots.paths))
