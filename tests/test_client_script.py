"""The API as an independent client drives it: the README's script (scripts/client_example.py) run against the real
server and worker; the scene's grid used to rasterise an answer without the source file, compared with the server's
own mask export; the prompt's scale in script terms; the REST prefetch of a box."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile

import numpy as np
import pyproj
import rasterio
import shapely
from affine import Affine
from django.contrib.auth import get_user_model
from rasterio.features import rasterize
from rest_framework.authtoken.models import Token
from shapely.geometry import mapping, shape

from annotator.models import Annotation, LabelClass, Membership, Project, Role
from inference.services.prefetch import area_prefetch_max_windows
from inference.tests.django_fixtures import ATLANTA, atlanta_scene, buildings, click_in
from inference.windows import windows_for_scene
from tests.servers import ROOT

SCRIPT = ROOT / "scripts" / "client_example.py"
README = ROOT / "README.md"


def test_readme_shows_the_script_verbatim():
    text = README.read_text()
    found = re.search(r"<!-- scripts/client_example\.py -->\n```python\n(.*?)```\n", text, re.S)
    assert found, "README has no ```python block after <!-- scripts/client_example.py -->"
    assert found.group(1) == SCRIPT.read_text()


def _admin_project(username: str) -> tuple[Project, str, str]:
    password = "client-example-pw-7431"
    user = get_user_model().objects.create_user(username, password=password)
    project = Project.objects.create(slug=f"{username}-p", name="Client")
    LabelClass.objects.create(project=project, name="building", order=0)
    Membership.objects.create(project=project, user=user, role=Role.ADMIN)
    return project, username, password


def _download(app_server, token: str, path: str) -> bytes:
    import urllib.request

    request = urllib.request.Request(app_server.url + path, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read()


def _export(app_server, token: str, project_id: int, body: dict) -> zipfile.ZipFile:
    status, job = app_server.call(token, "POST", f"/api/projects/{project_id}/exports/", body)
    assert status == 202, job
    deadline = time.monotonic() + 300
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        _, job = app_server.call(token, "GET", f"/api/exports/{job['id']}/")
    assert job["status"] == "succeeded", job
    return zipfile.ZipFile(io.BytesIO(_download(app_server, token, job["download_url"])))


def _burn(geometry: dict, grid: dict) -> np.ndarray:
    """A lon/lat polygon burnt on the scene's grid from nothing but the API's `grid` (centre-of-pixel rule)."""
    to_scene = pyproj.Transformer.from_crs("EPSG:4326", grid["crs"], always_xy=True)
    geom = shapely.transform(shape(geometry), lambda xy: np.column_stack(to_scene.transform(xy[:, 0], xy[:, 1])))
    return rasterize([(mapping(geom), 1)], out_shape=(grid["height"], grid["width"]),
                     transform=Affine(*grid["affine"]), fill=0, dtype="uint8")


def test_readme_script_runs_and_the_grid_rasterises_answers_like_the_server(transactional_db, app_server, tmp_path):
    project, username, password = _admin_project("scripter")
    target = buildings()[0]
    lon, lat = click_in(target)
    env = {**os.environ, "GEOLOOP_URL": app_server.url, "GEOLOOP_USER": username, "GEOLOOP_PASSWORD": password}
    run = subprocess.run([sys.executable, str(SCRIPT), str(project.pk), str(ATLANTA), str(lon), str(lat)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = dict(line.split(" ", 1) for line in run.stdout.splitlines())
    assert set(lines) == {"scene", "proposal", "annotation", "export"}, run.stdout

    annotation = Annotation.objects.get(pk=int(lines["annotation"]))
    assert annotation.label_class.name == "building"
    answered = shape(json.loads(annotation.geometry.json))
    # on the building (the floor of inference/tests/test_proposals_django.py: a georeferencing slip gives ~0)
    assert answered.intersection(target).area / answered.union(target).area > 0.2
    with zipfile.ZipFile(tmp_path / lines["export"]) as archive:
        geojson = next(n for n in archive.namelist() if n.endswith(".geojson"))
        features = json.loads(archive.read(geojson))["features"]
    assert [f["properties"]["annotation_id"] for f in features] == [annotation.pk]

    # the scene resource's grid is enough to rasterise the answer exactly as the server's mask export does
    token = Token.objects.get_or_create(user=get_user_model().objects.get(username=username))[0].key
    status, scene = app_server.call(token, "GET", f"/api/scenes/{annotation.scene_id}/")
    assert status == 200
    grid = scene["grid"]
    with rasterio.open(ATLANTA) as src:  # what the client never needs, checked here only
        assert (grid["width"], grid["height"], grid["band_count"]) == (src.width, src.height, src.count)
        assert Affine(*grid["affine"]) == src.transform
        assert grid["transform"] == list(src.transform.to_gdal())
        assert grid["dtypes"] == list(src.dtypes)
        assert pyproj.CRS(grid["crs"]) == pyproj.CRS(src.crs.to_wkt())
    mine = _burn(json.loads(annotation.geometry.json), grid)
    masks = _export(app_server, token, project.pk, {"format": "masks", "parameters": {"kind": "instance"}})
    name = next(n for n in masks.namelist() if n.endswith("_instance.tif"))
    with rasterio.MemoryFile(masks.read(name)) as memory, memory.open() as mask_file:
        server = mask_file.read(1)
    assert server.shape == mine.shape
    assert mine.sum() > 100
    disagree = int(((server > 0) != (mine > 0)).sum())
    print(f"answer burnt from the API grid: {int(mine.sum())} px; differs from the server's mask in {disagree} px")
    assert disagree <= max(2, 0.002 * mine.sum()), (disagree, int(mine.sum()))


def test_prompt_scale_in_script_terms_and_area_prefetch(transactional_db, app_server, settings):
    project, username, _ = _admin_project("scaler")
    scene = atlanta_scene(project)
    token = Token.objects.create(user=get_user_model().objects.get(username=username)).key
    point = click_in(buildings()[1])

    # object size in metres -> the level that puts the object at about a third of a window (0.5 m pixels)
    status, first = app_server.call(token, "POST", f"/api/scenes/{scene.pk}/prompt/",
                                    {"points": [point], "labels": [1], "object_size_m": 40})
    assert status == 200, first
    assert first["window"]["level"] == round(np.log2(3 * 40 / 1024 / 0.5)) == -2
    assert first["used_previous_logits"] is False
    window = first["window"]
    assert window["bounds_px"][2] - window["bounds_px"][0] == 1024 * 2.0 ** window["level"] == 256
    lo_lon, lo_lat, hi_lon, hi_lat = window["bounds"]
    assert lo_lon <= point[0] <= hi_lon
    assert lo_lat <= point[1] <= hi_lat

    # the same window by level, correcting the first answer: its logits are fed back, and it says so
    status, second = app_server.call(token, "POST", f"/api/scenes/{scene.pk}/prompt/", {
        "points": [point], "labels": [1], "level": window["level"], "previous_proposal_id": first["proposal_id"]})
    assert status == 200, second
    assert second["window"]["key"] == window["key"]
    assert second["used_previous_logits"] is True

    # a level outside the scene's range, and two scales at once, are refused naming what is allowed
    status, out = app_server.call(token, "POST", f"/api/scenes/{scene.pk}/prompt/",
                                  {"points": [point], "labels": [1], "level": 9})
    assert status == 400, out
    assert "between -2 and 0" in json.dumps(out), out
    status, out = app_server.call(token, "POST", f"/api/scenes/{scene.pk}/prompt/",
                                  {"points": [point], "labels": [1], "level": 0, "object_size_m": 10})
    assert status == 400, out
    assert "exactly one" in json.dumps(out), out

    # prefetch of a box in the scene's CRS: every covering window queued (or already there), 202
    x0, a, _, y0, _, e = scene.transform
    box = [x0 + 100 * a, y0 + 400 * e, x0 + 400 * a, y0 + 100 * e]  # scene pixels 100..400, in metres
    status, out = app_server.call(token, "POST", f"/api/scenes/{scene.pk}/prefetch/",
                                  {"bbox": box, "bbox_crs": scene.crs, "object_size_m": 300})
    assert status == 202, out
    assert out["level"] == 0
    assert out["count"] == len(out["windows"]) == 1
    assert out["queued"] + out["pending"] + out["cached"] == out["count"]
    assert out["windows"][0].startswith("L0/")
    # the whole scene at the finest level: as many windows as its grid has, refused past the cap (both counts
    # named, nothing queued)
    needed = len(windows_for_scene(level=-2, width=scene.width, height=scene.height))
    cap = area_prefetch_max_windows()  # the server runs with the same settings
    status, out = app_server.call(token, "POST", f"/api/scenes/{scene.pk}/prefetch/",
                                  {"bbox": list(scene.footprint.extent), "level": -2})
    if needed > cap:
        assert status == 400, out
        assert out.get("code") == "too_many_windows", out
        assert (out["windows"], out["max_windows"]) == (needed, cap), out
    else:
        assert status == 202, out
        assert out["count"] == needed, out
    status, out = app_server.call(token, "POST", f"/api/scenes/{scene.pk}/prefetch/",
                                  {"bbox": [-1e300, -1e300, 1e300, 1e300], "level": 0})  # no place on the globe
    assert status == 400, out
    assert out.get("code") == "outside_scene", out
    status, out = app_server.call(token, "POST", f"/api/scenes/{scene.pk}/prefetch/",
                                  {"bbox": box, "bbox_crs": "EPSG:3857", "level": 0})
    assert status == 400, out
    assert "bbox_crs" in json.dumps(out), out
