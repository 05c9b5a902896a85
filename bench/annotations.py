"""Annotations in view at scale: 100,000 polygons in one scene, viewport fetches of vector tiles over HTTP.

What it does
  1. In the database named by DATABASE_URL (the private one `scripts/services.sh start` prints; it must be
     migrated: `manage.py migrate`), creates its own user, project, scene and 100,000 rotated-rectangle polygons
     (building-sized, 8-30 m) with one INSERT … SELECT generate_series (seeded, so reproducible), then VACUUM
     ANALYZE (rows are inserted in random order: the worst case for locality on disk).
  2. Starts `uvicorn webapp.asgi:application` on a free port against that database (one process, as the embedded
     default runs it), or targets a running server given with --url (which must use the same database).
  3. Fetches the tiles of browser-sized viewports (1280x800 px, 256-px tiles) at zoom 12, 14, 16 and 18, one
     request at a time on a keep-alive connection, and reports per-tile p50/p95 (and per-viewport totals), all
     requests and split into tiles the server had to build (first request of that z/x/y in the run) and repeats
     (answered from its per-process cache, keyed by the scene's annotation version); then the revalidation path
     (If-None-Match -> 304) and the bounding-box list endpoint (GeoJSON, limit 1000) over the same viewports at
     zoom 16 and 18.
  4. Before/after in the same run, in process against the same database, interleaved per round:
     - the tile statement: the previous one (full geometry for every feature at every zoom) against the generalised
       one the app runs now (simplified copies per zoom band, tiny features as one point per pixel), at z12 and z14;
     - the bbox list: the previous path (ORM rows with their geometries parsed, Feature dicts built in Python,
       JSON rendered by DRF) against the current one (Features built as JSON text by PostgreSQL).
  5. Drops everything it made (unless --keep) and prints one JSON object as its last line.

Targets (issue 15): z14 tile p95 <= 100 ms on 100,000 polygons; bbox list p95 <= 150 ms for 1,000 features.

    eval "$(bash scripts/services.sh start)"; .venv/bin/python bench/annotations.py [--count 100000] [--url URL]
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

from bench.common import latency_summary, machine, percentile, processes_stop, start_uvicorn  # noqa: E402

FOOTPRINT = (-84.45, 33.70, -84.35, 33.80)  # about 9.3 km x 11.1 km
ZOOMS = (12, 14, 16, 18)
VIEWPORT_PX = (1280, 800)
TARGET_P95_MS = 100.0
TARGET_LIST_P95_MS = 150.0


# --- data ------------------------------------------------------------------------------------------------------


def database_versions() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), postgis_lib_version()")
        postgresql, postgis = cursor.fetchone()
    return {"postgresql": postgresql, "postgis": postgis}


def make_data(count: int, tag: str):
    from django.contrib.auth import get_user_model
    from django.contrib.gis.geos import Polygon
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token

    from annotator.models import LabelClass, Membership, Project, Scene

    user = get_user_model().objects.create_user(f"bench-{tag}", password=None)
    token = Token.objects.create(user=user).key
    project = Project.objects.create(slug=f"bench-annotations-{tag}", name="bench annotations")
    Membership.objects.create(project=project, user=user, role="annotator")
    classes = [LabelClass.objects.create(project=project, name=n, color=c).id
               for n, c in (("building", "#e6194b"), ("road", "#3cb44b"), ("water", "#4363d8"))]
    footprint = Polygon.from_bbox(FOOTPRINT)
    footprint.srid = 4326
    scene = Scene.objects.create(project=project, name="bench", status="ready", footprint=footprint, width=37000,
                                 height=37000, gsd=0.3, crs="EPSG:32616")
    minx, miny, maxx, maxy = FOOTPRINT
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            """
            INSERT INTO annotator_annotation (project_id, scene_id, label_class_id, geometry, source, status,
                review_state, review_reason, version, author_id, predicted_quality, deleted, attributes, created_at,
                updated_at, kind)
            SELECT %(project)s, %(scene)s, (%(classes)s::bigint[])[1 + mod(g, 3)],
                   ST_Multi(ST_Rotate(ST_MakeEnvelope(cx - w, cy - h, cx + w, cy + h, 4326), angle,
                                      ST_SetSRID(ST_MakePoint(cx, cy), 4326))),
                   'model', 'accepted', 'pending', '', 1, %(user)s, quality, false, '{}'::jsonb, now(), now(), 'polygon'
            FROM (SELECT g, %(minx)s + 0.0003 + random() * (%(maxx)s - %(minx)s - 0.0006) AS cx,
                            %(miny)s + 0.0003 + random() * (%(maxy)s - %(miny)s - 0.0006) AS cy,
                            (4 + random() * 11) / 92500.0 AS w, (4 + random() * 11) / 111000.0 AS h,
                            random() * pi() AS angle, random() AS quality
                  FROM generate_series(1, %(count)s) AS g) AS s
            """,
            {"project": project.id, "scene": scene.id, "classes": classes, "user": user.id, "count": count,
             "minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy},
        )
        cursor.execute("UPDATE annotator_scene SET annotations_version = annotations_version + 1 WHERE id = %s",
                       [scene.id])
    insert_s = time.perf_counter() - started
    with connection.cursor() as cursor:  # as autovacuum would: dead rows of earlier runs out of the indexes
        cursor.execute("VACUUM ANALYZE annotator_annotation")
    return user, token, project, scene, insert_s


def drop_data(user, project) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM annotator_annotation WHERE project_id = %s", [project.id])
    project.delete()
    user.delete()


# --- tiles and viewports --------------------------------------------------------------------------------------


def lonlat_to_pixel(lon: float, lat: float, z: int) -> tuple[float, float]:
    n = 256 * 2 ** z
    x = (lon + 180) / 360 * n
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return x, y


def pixel_to_lonlat(x: float, y: float, z: int) -> tuple[float, float]:
    n = 256 * 2 ** z
    lon = x / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
    return lon, lat


def viewports(z: int, count: int, rng: random.Random) -> list[dict]:
    """Viewports centred inside the footprint (their edges may run past it, as when panning a real map)."""
    minx, miny, maxx, maxy = FOOTPRINT
    out = []
    w, h = VIEWPORT_PX
    for _ in range(count):
        cx, cy = lonlat_to_pixel(rng.uniform(minx, maxx), rng.uniform(miny, maxy), z)
        left, top, right, bottom = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
        tiles = [(z, tx, ty) for tx in range(int(left // 256), int(right // 256) + 1)
                 for ty in range(int(top // 256), int(bottom // 256) + 1)]
        lon0, lat0 = pixel_to_lonlat(left, bottom, z)
        lon1, lat1 = pixel_to_lonlat(right, top, z)
        out.append({"tiles": tiles, "bbox": (lon0, lat0, lon1, lat1)})
    return out


class Http:
    def __init__(self, base_url: str, token: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self.headers = {"Authorization": f"Token {token}"}

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes, dict, float]:
        started = time.perf_counter()
        self.connection.request("GET", path, headers={**self.headers, **(headers or {})})
        response = self.connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        return response.status, body, dict(response.getheaders()), elapsed


def mvt_feature_count(data: bytes) -> int:
    """Count features in the first layer of an MVT (protobuf: Tile.layers=3, Layer.features=2)."""
    def varint(buf, pos):
        shift = value = 0
        while True:
            byte = buf[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value, pos
            shift += 7

    def fields(buf):
        pos = 0
        while pos < len(buf):
            key, pos = varint(buf, pos)
            wire = key & 7
            if wire == 0:
                _, pos = varint(buf, pos)
                yield key >> 3, None
            elif wire == 2:
                size, pos = varint(buf, pos)
                yield key >> 3, buf[pos:pos + size]
                pos += size
            else:
                pos += 8 if wire == 1 else 4
                yield key >> 3, None

    total = 0
    for number, layer in fields(data):
        if number == 3:
            total += sum(1 for n, _ in fields(layer) if n == 2)
    return total


# The tile statement as it was before generalisation (kept here for the before/after comparison).
PREVIOUS_TILE_SQL = """
WITH bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
           ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => 64.0 / 4096) AS search
), features AS (
    SELECT ST_AsMVTGeom(a.geometry_3857, bounds.env, 4096, 64, true) AS geom,
           a.id AS fid, a.id, c.name AS class, c.color AS color, a.label_class_id AS class_id, a.status,
           a.review_state, a.version
    FROM annotator_annotation a
    CROSS JOIN bounds
    LEFT JOIN annotator_labelclass c ON c.id = a.label_class_id
    WHERE a.scene_id = %(scene_id)s AND NOT a.deleted AND a.geometry_3857 && bounds.search
)
SELECT ST_AsMVT(features, 'annotations', 4096, 'geom', 'fid') FROM features WHERE geom IS NOT NULL
"""


def db_tile_comparison(scene_id: int, tiles: list[tuple[int, int, int]], rounds: int = 2) -> dict:
    """Database time and size of each tile, previous statement against the generalised one, interleaved: on each
    tile first one then the other, the order swapped every other tile and round, so the page cache the first warms
    helps each alike."""
    from django.db import connection

    from annotator import vector_tiles

    out: dict = {}
    with connection.cursor() as cursor:
        for round_ in range(rounds):
            for i, (z, x, y) in enumerate(tiles):
                for name in (("previous", "generalised") if (i + round_) % 2 else ("generalised", "previous")):
                    if name == "previous":
                        sql, params = PREVIOUS_TILE_SQL, {"scene_id": scene_id, "z": z, "x": x, "y": y}
                    else:
                        sql = vector_tiles.tile_sql(z)
                        params = vector_tiles.tile_params(scene_id=scene_id, z=z, x=x, y=y)
                    started = time.perf_counter()
                    cursor.execute(sql, params)
                    body = bytes(cursor.fetchone()[0] or b"")
                    entry = out.setdefault(f"z{z}", {}).setdefault(name, {"ms": [], "bytes": [], "features": []})
                    entry["ms"].append((time.perf_counter() - started) * 1000)
                    entry["bytes"].append(len(body))
                    entry["features"].append(mvt_feature_count(body))
    return {zoom: {name: {**latency_summary(v["ms"]), "bytes_per_tile_mean": round(statistics.fmean(v["bytes"])),
                          "features_per_tile_mean": round(statistics.fmean(v["features"]), 1)}
                   for name, v in by_name.items()}
            for zoom, by_name in out.items()}


def previous_list_body(scene, bbox, limit: int) -> bytes:
    """The bbox list as it was built before (ORM + GEOS + Python dicts + DRF's JSON renderer)."""
    from django.contrib.gis.db.models.functions import AsGeoJSON
    from rest_framework.renderers import JSONRenderer

    from annotator.models import Annotation
    from annotator.selectors.annotations import annotation_feature

    rows = (Annotation._base_manager.filter(scene=scene, deleted=False, geometry__intersects=bbox)
            .select_related("label_class").annotate(geojson=AsGeoJSON("geometry"))
            .defer("geometry", "geometry_3857_z12", "geometry_3857_z15", "point_3857").order_by("id"))
    page = list(rows[:limit + 1])
    features = [annotation_feature(a, json.loads(a.geojson)) for a in page[:limit]]
    return JSONRenderer().render({"type": "FeatureCollection", "features": features, "limit": limit, "offset": 0,
                                  "next_offset": limit if len(page) > limit else None,
                                  "annotations_version": scene.annotations_version})


def db_list_comparison(scene_id: int, plans: dict, rounds: int = 2) -> dict:
    """The bbox list in process (no HTTP), previous path against the current one, over the z16 viewports."""
    from annotator.models import Scene
    from annotator.selectors.annotations import annotation_list_json, parse_bbox

    scene = Scene.objects.get(pk=scene_id)
    times: dict[str, list[float]] = {"previous": [], "current": []}
    def previous(bbox) -> bytes:
        return previous_list_body(scene, bbox, 1000)

    def current(bbox) -> bytes:
        text, _count, _more = annotation_list_json(scene=scene, bbox=bbox, limit=1000)
        return f'{{"type": "FeatureCollection", "features": {text}}}'.encode()

    for round_ in range(rounds):
        for i, view in enumerate(plans[16]):
            bbox = parse_bbox(",".join(f"{v:.6f}" for v in view["bbox"]))
            order = (("previous", previous), ("current", current))
            for name, build in (order if (i + round_) % 2 else order[::-1]):
                started = time.perf_counter()
                build(bbox)
                times[name].append((time.perf_counter() - started) * 1000)
    return {name: latency_summary(values) for name, values in times.items()}


def tile_latencies(client: Http, scene_id: int, plans: dict) -> tuple[dict, dict, list[float]]:
    """Per zoom: each viewport's vector tiles fetched in turn, then revalidated with their ETag (304).
    Returns the tile figures, the sequential viewport figures and the revalidation times."""
    tiles_out, viewport_out, revalidate = {}, {}, []
    seen: set = set()
    for z in ZOOMS:
        times, built, cached, view_totals, features, sizes = [], [], [], [], [], []
        for view in plans[z]:
            total = 0.0
            for tz, tx, ty in view["tiles"]:
                status, body, headers, ms = client.get(f"/api/scenes/{scene_id}/annotations/{tz}/{tx}/{ty}.mvt")
                assert status == 200, (status, body[:200])
                times.append(ms)
                (cached if (tz, tx, ty) in seen else built).append(ms)
                seen.add((tz, tx, ty))
                total += ms
                features.append(mvt_feature_count(body))
                sizes.append(len(body))
                status, _, _, ms = client.get(f"/api/scenes/{scene_id}/annotations/{tz}/{tx}/{ty}.mvt",
                                              {"If-None-Match": headers["etag"]})
                assert status == 304, status
                revalidate.append(ms)
            view_totals.append(total)
        tiles_out[f"z{z}"] = {**latency_summary(times), "built": latency_summary(built),
                              "cached": latency_summary(cached) if cached else None,
                              "features_per_tile_mean": round(statistics.fmean(features), 1),
                              "features_per_tile_max": max(features),
                              "bytes_per_tile_mean": round(statistics.fmean(sizes))}
        viewport_out[f"z{z}"] = {**latency_summary(view_totals),
                                 "tiles_per_viewport": round(statistics.fmean(len(v["tiles"]) for v in plans[z]), 1)}
        print(f"z{z}: tile p50 {tiles_out[f'z{z}']['p50_ms']} ms, p95 {tiles_out[f'z{z}']['p95_ms']} ms; built "
              f"{len(built)}: p50 {percentile(built, 50):.1f} p95 {percentile(built, 95):.1f} ms, from cache "
              f"{len(cached)}: p50 {percentile(cached, 50):.1f} p95 {percentile(cached, 95):.1f} ms "
              f"({len(times)} tiles, {tiles_out[f'z{z}']['features_per_tile_mean']} features/tile on average, "
              f"max {max(features)}); viewport sequential p50 {viewport_out[f'z{z}']['p50_ms']} ms")
    return tiles_out, viewport_out, revalidate


def bbox_latencies(client: Http, scene_id: int, plans: dict) -> dict:
    """Per zoom past the first: the bbox list of each viewport (limit 1000), three times each."""
    bbox_out = {}
    for z in (16, 18):
        times, counts = [], []
        for view in plans[z]:
            bbox = ",".join(f"{v:.6f}" for v in view["bbox"])
            for _ in range(3):
                status, body, _, ms = client.get(f"/api/scenes/{scene_id}/annotations/?bbox={bbox}&limit=1000")
                assert status == 200, (status, body[:200])
                times.append(ms)
            counts.append(len(json.loads(body)["features"]))
        bbox_out[f"z{z}_viewport"] = {**latency_summary(times), "features_mean": round(statistics.fmean(counts), 1),
                                      "limit": 1000}
        print(f"bbox list at a z{z} viewport: p50 {bbox_out[f'z{z}_viewport']['p50_ms']} ms, "
              f"p95 {bbox_out[f'z{z}_viewport']['p95_ms']} ms ({bbox_out[f'z{z}_viewport']['features_mean']} "
              f"features on average, limit 1000)")
    return bbox_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--viewports", type=int, default=8, help="viewports per zoom level")
    parser.add_argument("--url", help="target a running server on the same database instead of starting one")
    parser.add_argument("--keep", action="store_true", help="keep the generated project (to inspect it)")
    parser.add_argument("--skip-comparison", action="store_true", help="skip the in-process before/after figures")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    tag = f"{os.getpid()}-{int(time.time())}"
    user, token, project, scene, insert_s = make_data(args.count, tag)
    print(f"inserted {args.count} polygons in {insert_s:.1f} s (scene {scene.id}, project {project.slug})")
    proc = None
    try:
        if args.url:
            base_url = args.url.rstrip("/")
        else:
            env = dict(os.environ, DATABASE_URL=settings.DATABASE_URL, DJANGO_SETTINGS_MODULE="webapp.settings")
            base_url, proc = start_uvicorn(env=env)
        client = Http(base_url, token)
        rng = random.Random(7)
        plans = {z: viewports(z, args.viewports, rng) for z in ZOOMS}
        # Warm up the server process, its connection and PostgreSQL's caches on zoom-13 tiles, which are not measured
        # (so every measured tile's first request is built, not answered from the server's cache).
        for view in viewports(13, 2, random.Random(3)):
            for z, x, y in view["tiles"]:
                client.get(f"/api/scenes/{scene.id}/annotations/{z}/{x}/{y}.mvt")

        tiles_out, viewport_out, revalidate = tile_latencies(client, scene.id, plans)
        bbox_out = bbox_latencies(client, scene.id, plans)
        print(f"revalidation (304): p50 {percentile(revalidate, 50):.2f} ms, p95 {percentile(revalidate, 95):.2f} ms")

        comparison = None
        if not args.skip_comparison:
            sample = [t for z in (12, 14) for v in plans[z][:3] for t in v["tiles"]]
            comparison = {"tile_statement": db_tile_comparison(scene.id, sample),
                          "bbox_list_in_process_z16": db_list_comparison(scene.id, plans)}
            for zoom, by_name in comparison["tile_statement"].items():
                for name, figures in by_name.items():
                    print(f"tile statement {zoom} {name}: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
                          f"{figures['features_per_tile_mean']} features, {figures['bytes_per_tile_mean']} bytes/tile")
            for name, figures in comparison["bbox_list_in_process_z16"].items():
                print(f"bbox list in process (z16 viewports, limit 1000) {name}: p50 {figures['p50_ms']} ms, "
                      f"p95 {figures['p95_ms']} ms")
    finally:
        if proc is not None:
            processes_stop([proc], timeout=15)
        if not args.keep:
            drop_data(user, project)

    worst = max(figures["p95_ms"] for figures in tiles_out.values())
    worst_built = max(figures["built"]["p95_ms"] for figures in tiles_out.values())
    worst_list = max(figures["p95_ms"] for figures in bbox_out.values())
    result = {
        "bench": "annotations", "polygons": args.count, "insert_s": round(insert_s, 2),
        "server": "started uvicorn (1 process)" if proc is not None else args.url,
        "viewport_px": list(VIEWPORT_PX), "tile_px": 256, "viewports_per_zoom": args.viewports,
        "tiles": tiles_out, "viewport_sequential": viewport_out,
        "revalidate_304": latency_summary(revalidate), "bbox_list": bbox_out, "before_after": comparison,
        "target_tile_p95_ms": TARGET_P95_MS, "worst_tile_p95_ms": worst, "worst_built_tile_p95_ms": worst_built,
        "target_list_p95_ms": TARGET_LIST_P95_MS, "worst_list_p95_ms": worst_list,
        "target_met": worst_built <= TARGET_P95_MS and worst_list <= TARGET_LIST_P95_MS,
        "load_avg_end": [round(v, 2) for v in os.getloadavg()],
        "machine": machine(**database_versions()),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
