"""Export benchmark: N polygons (default 10,000) over one generated scene, every format, each in its own process.

The scene is a generated 3-band uint8 COG in EPSG:32616 (0.5 m pixels, default 4096 x 4096 px); the polygons are
pixel-aligned buildings (rectangles and L shapes, 6-40 px a side, as a model's masks are) stored in EPSG:4326, in
5 classes, some with model versions and predicted qualities. Each format runs in a fresh subprocess that loads the
annotations and times only the export (files + manifest + deterministic zip); peak memory is that process's peak RSS
during the export (VmHWM, reset just before it) and its rise over the RSS before it. The database selection is not
timed here.

    .venv/bin/python bench/export.py [--polygons 10000] [--size 4096] [--formats coco,geopackage,masks]

Prints a line per format, then one JSON object with the figures and the machine on the last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import rasterio  # noqa: E402
import shapely  # noqa: E402
from affine import Affine  # noqa: E402

from annotator.exports.common import (  # noqa: E402
    ExportAnnotation,
    ExportClass,
    ExportDataset,
    ExportScene,
    from_pixels,
    reproject,
    zip_write,
)
from bench.common import machine  # noqa: E402

CRS = "EPSG:32616"
ORIGIN = (733601.0, 3725139.0)
PIXEL = 0.5
CLASSES = ["building", "shed", "garage", "tank", "pool"]
DEFAULT_FORMATS = ["coco", "geojson", "geopackage", "masks", "chips", "yolo", "stac"]


def make_scene(folder: Path, size: int) -> Path:
    from rio_cogeo.cogeo import cog_translate
    from rio_cogeo.profiles import cog_profiles

    rng = np.random.default_rng(0)
    raw = folder / "raw.tif"
    transform = Affine(PIXEL, 0, ORIGIN[0], 0, -PIXEL, ORIGIN[1])
    with rasterio.open(raw, "w", driver="GTiff", width=size, height=size, count=3, dtype="uint8", crs=CRS,
                       transform=transform, tiled=True, blockxsize=512, blockysize=512) as dst:
        for row in range(0, size, 512):
            block = rng.integers(0, 255, (3, min(512, size - row), size), dtype=np.uint8)
            dst.write(block, window=rasterio.windows.Window(0, row, size, block.shape[1]))
    cog = folder / "scene.tif"
    cog_translate(raw, cog, cog_profiles.get("deflate"), quiet=True)
    raw.unlink()
    return cog


def make_polygons(n: int, size: int) -> list[shapely.Geometry]:
    """Pixel-aligned, non-overlapping-ish buildings on a jittered grid, in scene pixel coordinates."""
    rng = np.random.default_rng(1)
    cells = int(np.ceil(np.sqrt(n)))
    cell = size / cells
    out = []
    for k in range(n):
        cy, cx = divmod(k, cells)
        w, h = rng.integers(6, max(7, min(40, int(cell) - 2)), 2)
        x0 = int(cx * cell + rng.integers(0, max(1, int(cell - w))))
        y0 = int(cy * cell + rng.integers(0, max(1, int(cell - h))))
        box = shapely.box(x0, y0, x0 + w, y0 + h)
        if k % 3 == 0:  # an L shape
            box = box.difference(shapely.box(x0 + w // 2, y0 + h // 2, x0 + w, y0 + h))
        out.append(box)
    return out


def dataset_load(folder: Path) -> ExportDataset:
    meta = json.loads((folder / "meta.json").read_text())
    classes = [ExportClass(id=i + 10, name=name, color="#ff8800", index=i + 1) for i, name in enumerate(CLASSES)]
    scene = ExportScene(id=1, name="bench", path=folder / "scene.tif", crs=CRS, transform=tuple(meta["transform"]),
                        width=meta["size"], height=meta["size"], checksum=meta["checksum"],
                        created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    geoms = shapely.from_wkb(np.load(folder / "geoms.npy", allow_pickle=True))
    stamp = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    anns = [ExportAnnotation(id=i + 1, scene_id=1, geometry=g, label_class=classes[i % len(classes)],
                             source="model" if i % 2 else "human", status="accepted", review_state="approved",
                             author="bench", model_version_id=(i % 3) or None,
                             predicted_quality=round(0.5 + (i % 50) / 100, 2), created_at=stamp, updated_at=stamp)
            for i, g in enumerate(geoms)]
    return ExportDataset(project_slug="bench", classes=classes, scenes=[scene], annotations=anns)


def child(folder: Path, fmt: str, out: Path) -> None:
    """Run one format; print a JSON line with seconds and memory."""
    from annotator.exports.manifest import export_write
    from annotator.exports.registry import exporter_for

    dataset = dataset_load(folder)
    params = {"mode": "scenes", "include_images": False} if fmt == "coco" else {}
    if fmt == "stac":
        params = {"include_images": False}
    exporter = exporter_for(fmt, params)
    peak_reset = reset_peak_rss()
    rss_before = status_kib("VmRSS")
    start = time.perf_counter()
    manifest = export_write(dataset=dataset, exporter=exporter, out_dir=out / "files")
    zip_write(out / "files", out / "export.zip")
    seconds = time.perf_counter() - start
    peak = status_kib("VmHWM") if peak_reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"format": fmt, "seconds": round(seconds, 3), "peak_rss_mb": round(peak / 1024, 1),
                      "rss_before_export_mb": round(rss_before / 1024, 1),
                      "peak_over_baseline_mb": round((peak - rss_before) / 1024, 1),
                      "zip_mb": round((out / "export.zip").stat().st_size / 2**20, 2),
                      "files": len(manifest["files"]), "report": manifest["format_report"]}))


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (Linux: ru_maxrss survives exec, so the parent's peak would leak in)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def status_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polygons", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=4096, help="scene width and height in pixels")
    parser.add_argument("--formats", default=",".join(DEFAULT_FORMATS))
    parser.add_argument("--child", nargs=3, metavar=("FOLDER", "FORMAT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1], Path(args.child[2]))
        return
    with tempfile.TemporaryDirectory(prefix="geoloop-bench-export-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        cog = make_scene(folder, args.size)
        transform = Affine(PIXEL, 0, ORIGIN[0], 0, -PIXEL, ORIGIN[1])
        pixels = np.array(make_polygons(args.polygons, args.size), dtype=object)
        lonlat = reproject(from_pixels(pixels, transform), CRS, "EPSG:4326")
        geoms = np.array([shapely.MultiPolygon([g]) for g in lonlat], dtype=object)
        np.save(folder / "geoms.npy", shapely.to_wkb(geoms), allow_pickle=True)
        (folder / "meta.json").write_text(json.dumps({"size": args.size, "transform": list(transform.to_gdal()),
                                                      "checksum": "bench"}))
        print(f"generated a {args.size}x{args.size} 3-band COG ({cog.stat().st_size / 2**20:.1f} MiB) and "
              f"{args.polygons} polygons in {time.perf_counter() - start:.1f} s")
        results = {}
        for fmt in args.formats.split(","):
            out = folder / f"out-{fmt}"
            proc = subprocess.run([sys.executable, __file__, "--child", str(folder), fmt, str(out)],
                                  capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                print(f"{fmt}: FAILED\n{proc.stderr[-3000:]}")
                results[fmt] = {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
                continue
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            results[fmt] = row
            print(f"{fmt:>10}: {row['seconds']:8.2f} s  peak RSS {row['peak_rss_mb']:7.1f} MiB "
                  f"(+{row['peak_over_baseline_mb']:.1f} over the {row['rss_before_export_mb']:.1f} MiB before the "
                  f"export)  zip {row['zip_mb']:.1f} MiB")
        summary = {"benchmark": "export", "polygons": args.polygons, "scene_px": [args.size, args.size],
                   "formats": {k: {x: v.get(x) for x in ("seconds", "peak_rss_mb", "peak_over_baseline_mb", "zip_mb",
                                                          "error") if x in v} for k, v in results.items()},
                   "machine": machine(gdal=rasterio.__gdal_version__)}
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
