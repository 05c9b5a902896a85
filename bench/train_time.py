"""Time from "Train now" to a gated candidate: N corrections -> dataset -> fine-tune -> evaluation -> gate.

1. A throwaway project on the Atlanta sample scene gets ``--corrections`` accepted proposals (the first N
   buildings: the proposal is the building shrunk, the final geometry the building, as an annotator's fix).
2. Unless ``--cold``, their windows are put in the embedding cache first, as the prompt path leaves them when an
   annotator has worked there (``--cold`` measures a job that must encode them itself).
3. The real job path runs in-process (``training_job_create`` + ``training_job_run``: the Celery task calls the
   same function), with the project's settings (``--steps``, ``--benchmark`` to also score the Atlanta benchmark).
4. Prints the split of the job's seconds (dataset / train / evaluate, from the job's own metrics), the encodes the
   job made, the held-out split and the gate's verdict; the last line is one JSON object.

Needs the database and Redis (``DATABASE_URL``, ``REDIS_URL``) with migrations applied.

    [GEOLOOP_TRAIN_TORCH_THREADS=1] .venv/bin/python bench/train_time.py [--corrections 25] [--steps 200]
        [--benchmark] [--cold]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
warnings.filterwarnings("ignore")


def note(msg: str) -> None:
    print(f"[train_time {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _scene(project, settings, bench):
    import pyproj
    import rasterio
    from django.contrib.gis.geos import Polygon

    from annotator.models import Scene

    cog = Path(settings.MEDIA_ROOT) / "bench" / "atlanta.tif"
    cog.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(bench.ATLANTA_SCENE, cog)
    with rasterio.open(cog) as ds:
        left, bottom, right, top = ds.bounds
        tr = pyproj.Transformer.from_crs(ds.crs, "EPSG:4326", always_xy=True)
        xs, ys = tr.transform([left, right], [bottom, top])
        footprint = Polygon.from_bbox((xs[0], ys[0], xs[1], ys[1]))
        footprint.srid = 4326
        return Scene.objects.create(project=project, name="atlanta", cog_path=str(cog.relative_to(settings.MEDIA_ROOT)),
                                    checksum="atlanta-sample", crs="EPSG:32616", footprint=footprint, width=ds.width,
                                    height=ds.height, band_count=ds.count, dtype=ds.dtypes[0], nodata=ds.nodata,
                                    gsd=0.5, transform=list(ds.transform.to_gdal()), status="ready")


def _corrections(project, scene, base_mv, user, objects, bench) -> None:
    import numpy as np
    import pyproj
    import shapely
    from django.contrib.gis.geos import GEOSGeometry
    from shapely.geometry import mapping, shape

    from feedback.services import proposal_accept
    from inference.models import MaskProposal

    features = json.loads(bench.ATLANTA_LABELS.read_text())["features"]
    to_wgs = pyproj.Transformer.from_crs("EPSG:32616", "EPSG:4326", always_xy=True)
    for obj in objects:
        final = shapely.transform(shape(features[obj.index]["geometry"]),
                                  lambda xy: np.column_stack(to_wgs.transform(xy[:, 0], xy[:, 1])))
        proposed = shapely.affinity.scale(final, xfact=0.6, yfact=0.6)
        ys, xs = np.nonzero(obj.gt)
        w = obj.window
        proposal = MaskProposal.objects.create(
            project=project, scene=scene, model_version=base_mv, user=user,
            prompt={"points": [[float(xs.mean()) + 0.5, float(ys.mean()) + 0.5]], "labels": [1]},
            window={"key": w.key, "level": w.level, "col": w.col, "row": w.row, "size": w.size},
            geometry=GEOSGeometry(json.dumps(mapping(shapely.MultiPolygon([proposed]))), srid=4326),
            predicted_iou=0.7, latency_ms=0.0)
        proposal_accept(proposal=proposal, label_class=None, user=user, final_geometry=mapping(final),
                        clicks_added=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corrections", type=int, default=25)
    parser.add_argument("--steps", type=int, default=None, help="fine-tuning steps (default: the project default)")
    parser.add_argument("--eval-max-clicks", type=int, default=None)
    parser.add_argument("--benchmark", action="store_true", help="also score the 43-building Atlanta benchmark")
    parser.add_argument("--cold", action="store_true", help="start with the project's windows not encoded")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    import torch
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from annotator.models import Project
    from feedback import benchmark as bench
    from feedback.services import training_job_create, training_job_run
    from inference.sam import encode
    from inference.services.embeddings import (
        ENCODE_COUNTER,
        embedding_cached,
        embedding_key,
        redis_client,
        scene_window_rgb,
    )
    from inference.services.registry import model_load, model_version_encoder, model_version_ensure_default

    load_before = os.getloadavg()
    base_mv = model_version_ensure_default()
    cfg = {"gate_benchmark": bool(args.benchmark), "auto_promote": False}
    if args.steps is not None:
        cfg["train_steps"] = args.steps
    if args.eval_max_clicks is not None:
        cfg["eval_max_clicks"] = args.eval_max_clicks
    project = Project.objects.create(slug=f"train-time-{int(time.time())}", name="train time bench", settings=cfg)
    user = get_user_model().objects.get_or_create(username="train-time-bench")[0]
    try:
        scene = _scene(project, settings, bench)
        objects = bench.atlanta_objects()[: args.corrections]
        _corrections(project, scene, base_mv, user, objects, bench)
        windows = {o.window.key: o.window for o in objects}
        note(f"{len(objects)} corrections on {len(windows)} windows")
        base = model_load(base_mv)
        enc = model_version_encoder(base_mv)
        if args.cold:  # windows of this imagery that an earlier run encoded are forgotten: the job encodes them
            from annotator.media import media_delete
            from inference.models import EmbeddingEntry

            for w in windows.values():
                key = embedding_key(encoder_sha256=enc, scene=scene, window=w)
                for path in EmbeddingEntry.objects.filter(key=key.cache_key).values_list("path", flat=True):
                    media_delete(path)
                EmbeddingEntry.objects.filter(key=key.cache_key).delete()
        else:
            t0 = time.perf_counter()
            for w in windows.values():
                embedding_cached(key=embedding_key(encoder_sha256=enc, scene=scene, window=w),
                                 compute=lambda w=w: encode(base, scene_window_rgb(scene, w)))
            note(f"windows in the cache (as the prompt path leaves them) in {time.perf_counter() - t0:.0f} s")
        encodes_before = sum(int(v) for v in redis_client().hvals(ENCODE_COUNTER))
        job = training_job_create(project=project, trigger="manual", user=None, enqueue=False)
        t0 = time.perf_counter()
        job = training_job_run(job_id=job.id)
        total_s = time.perf_counter() - t0
        encodes = sum(int(v) for v in redis_client().hvals(ENCODE_COUNTER)) - encodes_before
        if job.status != "succeeded":
            print(job.log)
            raise SystemExit(f"training job ended {job.status}")
        m = job.metrics
        seconds = m.get("seconds", {})
        split = m.get("split", {})
        out = {
            "bench": "train_time", "corrections": len(objects), "windows": len(windows), "cold": args.cold,
            "benchmark": args.benchmark, "steps": (job.result_model.metrics.get("training") or {}).get("steps"),
            "seconds": {**seconds, "total": round(total_s, 1)},
            "within_5_min": total_s <= 300, "encodes_in_job": encodes,
            "dataset": m.get("dataset"), "block_m": split.get("block_m"),
            "held_out_objects": (m.get("dataset") or {}).get("held_out_objects"),
            "shortfall": (split.get("shortfall") or {}).get("message"),
            "gate": m.get("gate", {}).get("reasons"), "promote": m.get("gate", {}).get("promote"),
            "load_avg_before": [round(v, 2) for v in load_before],
            "load_avg_after": [round(v, 2) for v in os.getloadavg()],
            "train_torch_threads": torch.get_num_threads(),
            "machine": machine(torch=torch.__version__, torch_threads=torch.get_num_threads()),
        }
        print(f"{len(objects)} corrections -> gated candidate in {total_s:.1f} s "
              f"(dataset {seconds.get('dataset')} s, train {seconds.get('train')} s, "
              f"evaluate {seconds.get('evaluate')} s); {encodes} encodes in the job")
        for reason in out["gate"] or []:
            print(f"  gate: {reason}")
        print(json.dumps(out))
    finally:
        if not args.keep:
            Project.objects.filter(pk=project.pk).delete()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
