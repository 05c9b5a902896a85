"""Drive GeoLoop from a script: log in, upload a scene, prompt, accept the mask, export the labels.

    GEOLOOP_URL=http://127.0.0.1:8000 GEOLOOP_USER=admin GEOLOOP_PASSWORD=... \
        python scripts/client_example.py PROJECT_ID IMAGE.tif [LON LAT]
"""

import os
import sys
import time

import requests

api = os.environ.get("GEOLOOP_URL", "http://127.0.0.1:8000").rstrip("/") + "/api"
http = requests.Session()


def call(method: str, path: str, expect: int = 200, **kwargs):
    response = http.request(method, api + path, timeout=300, **kwargs)
    if response.status_code != expect:
        sys.exit(f"{method} {path}: {response.status_code} {response.text}")
    return response


def wait(path: str, done: str, field: str = "status") -> dict:
    while (body := call("GET", path).json())[field] not in (done, "failed", "cancelled"):
        time.sleep(1)
    if body[field] != done:
        sys.exit(f"{path} ended {body[field]}: {body.get('status_reason') or body.get('error')}")
    return body


project, image = sys.argv[1], sys.argv[2]
token = call("POST", "/auth/token/", json={"username": os.environ["GEOLOOP_USER"],
                                           "password": os.environ["GEOLOOP_PASSWORD"]}).json()["token"]
http.headers["Authorization"] = f"Token {token}"

with open(image, "rb") as f:  # upload; the scene is ingested by a worker (202)
    scene = call("POST", f"/projects/{project}/scenes/", 202, files={"file": f}).json()
scene = wait(f"/scenes/{scene['id']}/", "ready")
grid = scene["grid"]  # crs, affine (rasterio order), width, height: enough to rasterise answers
print("scene", scene["id"], grid["crs"], grid["width"], "x", grid["height"])

lon, lat = map(float, sys.argv[3:5]) if len(sys.argv) > 4 else (
    (scene["bounds"][0] + scene["bounds"][2]) / 2, (scene["bounds"][1] + scene["bounds"][3]) / 2)
mask = call("POST", f"/scenes/{scene['id']}/prompt/",
            json={"points": [[lon, lat]], "labels": [1], "object_size_m": 20}).json()
print("proposal", mask["proposal_id"], "window level", mask["window"]["level"], mask["window"]["bounds"])

classes = call("GET", f"/projects/{project}/classes/").json()
accepted = call("POST", f"/proposals/{mask['proposal_id']}/accept/", 201,
                json={"label_class": classes[0]["id"] if classes else None}).json()
print("annotation", accepted["annotation"]["id"])

job = call("POST", f"/projects/{project}/exports/", 202, json={"format": "geojson"}).json()
job = wait(f"/exports/{job['id']}/", "succeeded")
archive = f"export-{job['id']}.zip"
with open(archive, "wb") as out:
    out.write(call("GET", job["download_url"].removeprefix("/api")).content)
print("export", archive)
