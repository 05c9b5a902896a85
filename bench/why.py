"""What "show why" costs per click: the extra candidates' polygons and the uncertainty map, beside the decode and the
answer's own polygon, and the bytes they add (candidates in the mask message vs the overlay PNG fetched on demand).

Real MobileSAM (ONNX decoder, as the app) on the Atlanta sample: one positive click at each of ``--objects``
buildings' representative points, level -2 windows (encoded once, not timed). Django is set up for its imports
only: nothing reads the database.

    nice -n 10 .venv/bin/python bench/why.py [--objects 12] [--repeat 5]

Prints medians in ms and bytes; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import rasterio  # noqa: E402
from affine import Affine  # noqa: E402

from bench.common import machine  # noqa: E402
from bench.noc import LABELS, SCENE, load_instances  # noqa: E402
from inference.calibration import default_calibrator  # noqa: E402
from inference.imagery_window import read_window, recipe_from_statistics  # noqa: E402
from inference.masks import mask_keep_clicked, mask_to_geometry  # noqa: E402
from inference.sam import encode, get_model  # noqa: E402
from inference.sam.predict import choose_scored, decode_all, prepare_prompt  # noqa: E402
from inference.services.proposals.candidates import candidate_list, uncertainty_map, uncertainty_png  # noqa: E402
from inference.services.proposals.decode import _upscale_crop  # noqa: E402
from inference.windows import window_for_point  # noqa: E402

LEVEL = -2


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    model = get_model()
    calibrator = default_calibrator()
    ds = rasterio.open(SCENE)
    recipe = recipe_from_statistics(ds)
    crs = ds.crs.to_string()
    objects = sorted(load_instances(LABELS, scene_crs=ds.crs), key=lambda g: -g.area)[: args.objects]
    inv = ~ds.transform
    times: dict[str, list[float]] = {"decode": [], "answer_polygon": [], "candidates": [], "uncertainty": [],
                                     "png": []}
    sizes: dict[str, list[int]] = {"answer_geometry": [], "candidates": [], "png": []}
    embeddings: dict[str, np.ndarray] = {}
    for geom in objects:
        p = geom.representative_point()
        x, y = inv * (p.x, p.y)
        window = window_for_point(x=x, y=y, level=LEVEL)
        if window.key not in embeddings:
            embeddings[window.key] = encode(model, read_window(ds, window, recipe).rgb)
        emb = embeddings[window.key]
        u, v = window.scene_to_window(x, y)
        pts = np.array([(u, v)], np.float64)
        geo = window.geo_transform(ds.transform)
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            prompt = prepare_prompt([(u, v)], [1])
            low, ious = decode_all(model, emb, prompt)
            choice = choose_scored(low, ious, prompt, points_px=pts, labels=[1], size=model.image_size,
                                   calibrator=calibrator)
            times["decode"].append(_ms(t0))
            t0 = time.perf_counter()
            chosen = np.asarray(low[choice.token], np.float32)
            mask, r0, c0 = _upscale_crop(chosen, model.image_size)
            answer = None
            if mask.size and mask.any():
                mask, _ = mask_keep_clicked(mask, pts - np.array([c0, r0]), [1])
                answer = mask_to_geometry(mask, transform=geo * Affine.translation(c0, r0), crs=crs)
            times["answer_polygon"].append(_ms(t0))
            t0 = time.perf_counter()
            cands = candidate_list(low, ious, choice, scaled=False, points_px=pts, labels=[1],
                                   size=model.image_size, calibrator=calibrator, pixel_area_m2=None,
                                   size_prior=None, transform=geo, crs=crs)
            times["candidates"].append(_ms(t0))
            t0 = time.perf_counter()
            u8 = uncertainty_map(chosen, low)
            times["uncertainty"].append(_ms(t0))
            t0 = time.perf_counter()
            png = uncertainty_png(u8)
            times["png"].append(_ms(t0))
        sizes["answer_geometry"].append(len(json.dumps(answer.wgs84 if answer is not None else None)))
        sizes["candidates"].append(len(json.dumps(cands)))
        sizes["png"].append(len(png))
    med = {k: round(statistics.median(v), 2) for k, v in times.items()}
    size = {k: int(statistics.median(v)) for k, v in sizes.items()}
    for k, v in med.items():
        print(f"{k:>16}: median {v:8.2f} ms")
    for k, v in size.items():
        print(f"{k:>16}: median {v:8d} bytes")
    extra = med["candidates"] + med["uncertainty"]
    base = med["decode"] + med["answer_polygon"]
    print(f"show-why adds {extra:.1f} ms to {base:.1f} ms of decode + polygon ({extra / base:.2f}x) per click")
    print(json.dumps({"objects": len(objects), "repeat": args.repeat, "median_ms": med, "median_bytes": size,
                      "extra_over_base": round(extra / base, 3), "machine": machine()}))


if __name__ == "__main__":
    main()
