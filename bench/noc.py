"""NoC benchmark: MobileSAM (the active default model) on the SpaceNet Atlanta buildings, DESIGN.md protocol.

Each of the 43 building polygons is rasterised on its window's grid as the ground-truth mask. The window is the
one an annotator would get zoomed in on that building: the level whose scale puts the building at about a third
of the window (never finer than level -2, i.e. 256 source px upsampled to 1024, which DESIGN.md found better
than whole-tile windows), the grid window whose centre is nearest the building's centroid. Each window is encoded
once. Prints a human summary, then the figures as one JSON object on the last line.

    .venv/bin/python bench/noc.py [--backend onnx|torch] [--max-clicks 20] [--limit N]

Sample data: SpaceNet 4 (Atlanta) chip and labels, CC BY-SA 4.0, copied from the solaris 0.4.0 wheel.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", category=UserWarning)
warnings.filterwarnings("ignore", category=FutureWarning)

import numpy as np  # noqa: E402
import rasterio  # noqa: E402
import shapely  # noqa: E402
import torch  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from bench.common import machine  # noqa: E402
from inference import evaluation  # noqa: E402
from inference.imagery_window import read_window, recipe_from_statistics  # noqa: E402
from inference.masks import rasterize_geometry  # noqa: E402
from inference.sam import decode, default_decoder_backend, encode, get_model, make_predict_fn  # noqa: E402
from inference.windows import DEFAULT_WINDOW_SIZE, choose_level, max_useful_level, window_for_point  # noqa: E402

SCENE = ROOT / "samples" / "spacenet-atlanta" / "sample_geotiff.tif"
LABELS = ROOT / "samples" / "spacenet-atlanta" / "geotiff_labels.geojson"
MIN_LEVEL = -2


def load_buildings(path: Path = LABELS) -> list[shapely.Geometry]:
    """Building polygons in the scene CRS (EPSG:32616, named by the file's legacy ``crs`` member)."""
    data = json.loads(path.read_text())
    return [shape(f["geometry"]) for f in data["features"] if f.get("geometry")]


def window_for_building(poly: shapely.Geometry, ds, *, size: int = DEFAULT_WINDOW_SIZE):
    """The window an annotator zoomed on ``poly`` gets (see module docstring)."""
    inv = ~ds.transform
    x_min, y_min, x_max, y_max = poly.bounds
    (c0, r0), (c1, r1) = inv * (x_min, y_max), inv * (x_max, y_min)
    extent_px = max(abs(c1 - c0), abs(r1 - r0), 1.0)
    gsd = abs(ds.transform.a)
    level = choose_level(
        map_resolution=gsd * extent_px / (size / 3),
        gsd=gsd,
        min_level=MIN_LEVEL,
        max_level=max_useful_level(width=ds.width, height=ds.height, size=size),
    )
    cx, cy = inv * (poly.centroid.x, poly.centroid.y)
    return window_for_point(x=cx, y=cy, level=level, size=size)


def ground_truth(poly, window, ds) -> np.ndarray:
    """The building rasterised on the window grid, limited to the scene's own pixels."""
    tr = window.geo_transform(ds.transform)
    gt = rasterize_geometry(poly, transform=tr, shape=(window.size, window.size), crs=ds.crs, geometry_crs=ds.crs)
    x0, y0 = window.origin
    u = (np.arange(window.size) + 0.5) * window.scale + x0
    v = (np.arange(window.size) + 0.5) * window.scale + y0
    inside = ((v >= 0) & (v < ds.height))[:, None] & ((u >= 0) & (u < ds.width))[None, :]
    return gt & inside


def time_decoders(model, embedding, point, n: int = 40) -> dict[str, dict[str, float]]:
    """Per-click decode latency (prompt -> bool mask at window size) for both backends, ms."""
    out = {}
    for backend in ("torch", "onnx"):
        decode(model, embedding, [point], [1], backend=backend)  # warm-up (and ONNX export on first use)
        times = []
        for i in range(n):
            pts = [point, (point[0] + 5 + i % 7, point[1] - 3)]
            t0 = time.perf_counter()
            decode(model, embedding, pts, [1, 0], backend=backend)
            times.append((time.perf_counter() - t0) * 1000)
        out[backend] = {"p50": round(statistics.median(times), 2), "p95": round(float(np.percentile(times, 95)), 2)}
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("onnx", "torch"), default=None)
    parser.add_argument("--max-clicks", type=int, default=evaluation.MAX_CLICKS)
    parser.add_argument("--limit", type=int, default=None, help="first N buildings only")
    args = parser.parse_args(argv)
    backend = args.backend or default_decoder_backend()

    t_load = time.perf_counter()
    model = get_model("vit_t")
    load_s = time.perf_counter() - t_load
    buildings = load_buildings()[: args.limit]
    results = []
    encode_ms: list[float] = []
    embeddings: dict[str, np.ndarray] = {}
    levels: dict[int, int] = {}
    decoder_ms = None
    with rasterio.open(SCENE) as ds:
        recipe = recipe_from_statistics(ds, bands=[1])
        for i, poly in enumerate(buildings):
            window = window_for_building(poly, ds)
            gt = ground_truth(poly, window, ds)
            if not gt.any():
                print(f"building {i}: empty on its window grid, skipped")
                continue
            if window.key not in embeddings:
                image = read_window(ds, window, recipe).rgb
                t0 = time.perf_counter()
                embeddings[window.key] = encode(model, image)
                encode_ms.append((time.perf_counter() - t0) * 1000)
            emb = embeddings[window.key]
            if decoder_ms is None:
                rows, cols = np.nonzero(gt)
                decoder_ms = time_decoders(model, emb, (float(cols.mean()) + 0.5, float(rows.mean()) + 0.5))
            levels[window.level] = levels.get(window.level, 0) + 1
            res = evaluation.evaluate_object(
                make_predict_fn(model, emb, backend=backend), gt, max_clicks=args.max_clicks, label=str(i)
            )
            results.append(res)
            print(
                f"building {i:2d} {window.key:18s} gt {int(gt.sum()):6d} px  IoU@1 {res.iou_after(1):.3f}  "
                f"IoU@5 {res.iou_after(5):.3f}  NoC@85 {res.noc(0.85):2d}"
            )
    summary = evaluation.summarize(results)
    figures = summary.as_dict()
    figures.update(
        {
            "benchmark": "noc",
            "dataset": "spacenet-atlanta sample (43 buildings)",
            "model": "MobileSAM vit_t",
            "checkpoint_sha256": model.sha256,
            "decoder_backend": backend,
            "levels": {str(k): v for k, v in sorted(levels.items())},
            "windows_encoded": len(embeddings),
            "encode_ms_p50": round(statistics.median(encode_ms), 1) if encode_ms else None,
            "decode_ms": decoder_ms,
            "model_load_s": round(load_s, 2),
            "machine": machine(
                torch=torch.__version__, torch_threads=torch.get_num_threads(), device=str(model.device)
            ),
        }
    )
    print()
    print(f"objects {summary.n_objects}, clicks {summary.n_clicks}, backend {backend}, device {model.device}")
    for key, value in summary.noc.items():
        print(f"{key}: {value:.2f}  (never reached: {summary.never[key]})")
    for key, value in summary.miou.items():
        print(f"{key}: {value:.3f}")
    tp = summary.time_per_click_ms
    print(f"time per click: p50 {tp['p50']:.1f} ms, p95 {tp['p95']:.1f} ms; encode p50 {figures['encode_ms_p50']} ms")
    print(f"decode torch {decoder_ms['torch']} ms, onnx {decoder_ms['onnx']} ms; ECE {summary.ece:.3f}")
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
