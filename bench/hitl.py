"""Headline benchmark: do corrections make the model better on buildings it never saw?

1. The 43 SpaceNet Atlanta buildings are split spatially into halves A (west of the median centroid easting) and
   B (east), each building on its own embedding window (``feedback.benchmark``).
2. A simulated annotator works A with the base model: protocol clicks (``inference.evaluation``) until IoU >= 0.9
   or 20 clicks; the model's last mask is stored as a MaskProposal and accepted with the ground truth as the final
   geometry through ``feedback.services.proposal_accept`` (annotation + Correction, as the app does).
3. A training job runs through the real job path (``training_job_create`` then ``training_job_run``: dataset
   builder with the project's spatial split, fine-tune, checkpoint, candidate version, held-out evaluation, gate).
   It runs IN-PROCESS here rather than through Celery so the timing is the fine-tune's alone (the Celery path is
   the same function, exercised by feedback/tests/test_jobs_worker.py).
4. Base and fine-tuned are evaluated on B with the DESIGN.md protocol: NoC@85/90, mIoU@1, ECE of predicted IoU.

Ablation (``--ablation``): what each part of the loss adds, on the same split (train on A, score on B), no database.
Variants: ``base`` (no fine-tune), ``iou`` (mask loss + IoU-head regression), ``rank`` (the same + the pairwise
ranking loss of :mod:`feedback.losses`), each fine-tuned with ``--seeds`` seeds. Prints NoC@85, mIoU@1 and ECE
per variant (mean over seeds), the gate's verdict on B, and a bootstrap 95% interval over B's objects (per-object
figures averaged over seeds, objects resampled) for the headline deltas against base and of rank against iou.

    .venv/bin/python bench/hitl.py --ablation [--seeds 3] [--steps 300] [--rank-weight 1.0]

Needs the database and Redis (``eval "$(bash scripts/services.sh start)"``) with migrations applied. Creates a
throwaway project (deleted at the end unless --keep). Prints figures; the last line is one JSON object.

    .venv/bin/python bench/hitl.py [--steps 300] [--lr 5e-5] [--device cpu]
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
    print(f"[hitl {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def torch_machine() -> dict:
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return machine(torch=torch.__version__, torch_threads=torch.get_num_threads(), gpu=gpu)


def _bootstrap(values: list[float], *, reps: int, seed: int) -> list[float]:
    """95% percentile interval of the mean of ``values`` with objects resampled ``reps`` times."""
    import numpy as np

    arr = np.asarray(values, np.float64)
    rng = np.random.default_rng(seed)
    means = arr[rng.integers(0, len(arr), size=(reps, len(arr)))].mean(axis=1)
    return [round(float(np.percentile(means, 2.5)), 3), round(float(np.percentile(means, 97.5)), 3)]


def _per_object(evaluation: dict) -> dict[str, tuple[float, float]]:
    return {r["label"]: (float(r["NoC@85"]), float(r["iou@1"])) for r in evaluation["objects"]}


def _delta_row(a: dict[str, list], b: dict[str, list], *, reps: int, seed: int) -> dict:
    """b minus a over the objects both scored, per-object figures averaged over seeds: NoC@85 reduction (% of a's
    mean) and mIoU@1 gain (points), each with a bootstrap 95% interval over objects."""
    import numpy as np

    labels = sorted(set(a) & set(b))
    noc_a = np.array([np.mean([v[0] for v in a[k]]) for k in labels])
    noc_b = np.array([np.mean([v[0] for v in b[k]]) for k in labels])
    iou_a = np.array([np.mean([v[1] for v in a[k]]) for k in labels])
    iou_b = np.array([np.mean([v[1] for v in b[k]]) for k in labels])
    base_noc = float(noc_a.mean())
    noc_pct = list(100.0 * (noc_a - noc_b) / base_noc)  # the mean of these is the reduction in % of a's mean
    gain = list(100.0 * (iou_b - iou_a))
    return {"objects": len(labels),
            "noc85_reduction_pct": round(float(np.mean(noc_pct)), 1),
            "noc85_reduction_pct_ci95": _bootstrap(noc_pct, reps=reps, seed=seed),
            "miou1_gain_points": round(float(np.mean(gain)), 1),
            "miou1_gain_points_ci95": _bootstrap(gain, reps=reps, seed=seed + 1)}


def ablation(args) -> int:
    """Base / +IoU regression / +ranking on the same split (A trains, B scores), ``args.seeds`` seeds each."""

    from feedback import benchmark as bench
    from feedback.evaluation_gate import evaluate_objects, gate_decide
    from feedback.training import TrainSample, finetune_decoder, full_state_with_decoder, save_checkpoint
    from inference.sam import build_model, default_checkpoint_path, get_model

    t_start = time.perf_counter()
    base = get_model("vit_t", default_checkpoint_path(), args.device)
    objects = bench.atlanta_objects()
    half_a, half_b = bench.split_halves(objects)
    embs = bench.window_embeddings(base, [o.window for o in objects], encoder_key="ablation")
    note(f"encoded {len({o.window.key for o in objects})} windows; A={len(half_a)} B={len(half_b)}")
    train = [TrainSample(embedding=embs[o.window.key], target=o.gt, label=o.label) for o in half_a]

    class Obj:
        def __init__(self, o):
            self.embedding, self.gt, self.label = embs[o.window.key], o.gt, o.label

    eval_b = [Obj(o) for o in half_b]
    keys = ("NoC@85", "NoC@90", "mIoU@1", "mIoU@5", "ece_predicted_iou")
    t0 = time.perf_counter()
    base_eval = evaluate_objects(base, eval_b)
    note(f"base on B: {time.perf_counter() - t0:.0f} s: " + ", ".join(f"{k} {base_eval[k]:.3f}" for k in keys))
    variants = {"iou": {"iou_weight": 1.0, "rank_weight": 0.0},
                "rank": {"iou_weight": 1.0, "rank_weight": args.rank_weight}}
    variants = {k: v for k, v in variants.items() if k in args.variants.split(",")}
    per_object: dict[str, dict[str, list]] = {"base": {k: [v] for k, v in _per_object(base_eval).items()}}
    runs: dict[str, list[dict]] = {}
    ckpt_dir = Path(args.ablation_dir)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    for seed in seeds:
        for name, weights in variants.items():
            res = finetune_decoder(base, train, steps=args.steps, lr=args.lr, max_clicks=args.max_clicks,
                                   seed=seed, every_click=not args.last_click,
                                   max_grad_clicks=args.max_grad_clicks, **weights)
            path, _ = save_checkpoint(full_state_with_decoder(base, res.decoder_state), ckpt_dir)
            tuned = build_model("vit_t", path, args.device)
            t0 = time.perf_counter()
            ev = evaluate_objects(tuned, eval_b)
            path.unlink(missing_ok=True)
            gate = gate_decide(candidate={"held_out": ev}, baseline={"held_out": base_eval})
            runs.setdefault(name, []).append({"seed": seed, **{k: round(ev[k], 4) for k in keys},
                                              "train_s": round(res.seconds, 1),
                                              "eval_s": round(time.perf_counter() - t0, 1),
                                              "gate_promotes": gate.promote})
            for label, fig in _per_object(ev).items():
                per_object.setdefault(name, {}).setdefault(label, []).append(fig)
            note(f"seed {seed} {name}: train {res.seconds:.0f} s; " +
                 ", ".join(f"{k} {ev[k]:.3f}" for k in keys) + f"; gate {'promotes' if gate.promote else 'refuses'}")
        if seed < seeds[-1]:  # the figures so far, in case the run is stopped before the last seed
            _ablation_report(args, seed - seeds[0] + 1, keys, base_eval, runs, per_object,
                             (len(half_a), len(half_b)), t_start)
    return _ablation_report(args, args.seeds, keys, base_eval, runs, per_object, (len(half_a), len(half_b)), t_start)


def _ablation_report(args, seeds_done: int, keys, base_eval: dict, runs: dict, per_object: dict,
                     sizes: tuple[int, int], t_start: float) -> int:
    """Print the ablation's table and deltas over the seeds done so far; the JSON line last."""
    import numpy as np

    n_a, n_b = sizes
    summary = {"base": {k: round(base_eval[k], 4) for k in keys}}
    for name, rows in runs.items():
        summary[name] = {k: round(float(np.mean([r[k] for r in rows])), 4) for k in keys}
        summary[name]["gate_promotes"] = f"{sum(r['gate_promotes'] for r in rows)}/{len(rows)}"
    pairs = {"iou_vs_base": ("base", "iou", 1), "rank_vs_base": ("base", "rank", 2), "rank_vs_iou": ("iou", "rank", 3)}
    deltas = {name: _delta_row(per_object[a], per_object[b], reps=args.bootstrap, seed=seed)
              for name, (a, b, seed) in pairs.items() if a in per_object and b in per_object}
    print(f"Ablation on B ({n_b} buildings never trained on), {seeds_done} seeds, {args.steps} steps, "
          f"trained on A ({n_a}):")
    print(f"  {'variant':>8} " + " ".join(f"{k:>18}" for k in keys) + "  gate")
    for name, fig in summary.items():
        print(f"  {name:>8} " + " ".join(f"{fig[k]:>18.4f}" for k in keys) + f"  {fig.get('gate_promotes', '-')}")
    for name, d in deltas.items():
        print(f"  {name}: NoC@85 reduction {d['noc85_reduction_pct']}% {d['noc85_reduction_pct_ci95']}, "
              f"mIoU@1 gain {d['miou1_gain_points']} pts {d['miou1_gain_points_ci95']}")
    out = {"bench": "hitl-ablation", "objects": {"A": n_a, "B": n_b}, "seeds": seeds_done,
           "steps": args.steps, "lr": args.lr, "max_clicks": args.max_clicks, "rank_weight": args.rank_weight,
           "every_click": not args.last_click, "max_grad_clicks": args.max_grad_clicks,
           "summary": summary, "deltas": deltas, "runs": runs, "bootstrap": args.bootstrap,
           "total_seconds": round(time.perf_counter() - t_start, 1), "load_avg": list(os.getloadavg()),
           "machine": torch_machine()}
    print(json.dumps(out))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--max-clicks", type=int, default=10, help="corrective clicks simulated per training step")
    parser.add_argument("--held-out-share", type=float, default=0.25)
    parser.add_argument("--device", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark project")
    parser.add_argument("--ablation", action="store_true", help="base / +IoU regression / +ranking, no database")
    parser.add_argument("--seeds", type=int, default=3, help="fine-tune seeds per ablation variant")
    parser.add_argument("--first-seed", type=int, default=0, help="seeds run are first-seed .. first-seed+seeds-1")
    parser.add_argument("--last-click", action="store_true",
                        help="only each sample's last simulated click takes gradient (every_click off)")
    parser.add_argument("--max-grad-clicks", type=int, default=0,
                        help="clicks of a session that take gradient, spread first to last (0: every click)")
    parser.add_argument("--variants", default="iou,rank", help="ablation variants to fine-tune (iou, rank)")
    parser.add_argument("--rank-weight", type=float, default=1.0, help="ranking loss weight of the rank variant")
    parser.add_argument("--bootstrap", type=int, default=2000, help="bootstrap resamples over objects")
    parser.add_argument("--ablation-dir", default="/tmp/hitl-ablation", help="where candidates are written")
    args = parser.parse_args()
    if args.ablation:
        return ablation(args)

    import django

    django.setup()
    import numpy as np
    import rasterio
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.gis.geos import GEOSGeometry
    from django.contrib.gis.geos import Polygon as GeosPolygon

    from annotator.models import Project, Scene
    from feedback import benchmark as bench
    from feedback.evaluation_gate import evaluate_objects
    from feedback.services import proposal_accept, training_job_create, training_job_run
    from inference.evaluation import evaluate_object
    from inference.masks import mask_to_geometry
    from inference.models import MaskProposal, ModelState, ModelVersion
    from inference.sam import MOBILE_SAM_SHA256, build_model, default_checkpoint_path, get_model
    from inference.services.registry import checkpoint_resolve

    t_start = time.perf_counter()
    base_mv = ModelVersion.objects.filter(project__isnull=True, state=ModelState.ACTIVE).first()
    if base_mv is None:
        base_mv = ModelVersion.objects.create(name="MobileSAM", architecture="vit_t",
                                              checkpoint_path=str(default_checkpoint_path().resolve()),
                                              checkpoint_sha256=MOBILE_SAM_SHA256, state=ModelState.ACTIVE)
    base = get_model(base_mv.architecture, base_mv.checkpoint_path, args.device,
                     expected_sha256=base_mv.checkpoint_sha256)

    # --- scene and project
    slug = f"hitl-{int(time.time())}"
    steps_cfg = {"train_steps": args.steps, "train_lr": args.lr, "train_max_clicks": args.max_clicks,
                 "held_out_share": args.held_out_share, "gate_benchmark": False, "auto_promote": False}
    project = Project.objects.create(slug=slug, name="HITL benchmark", settings=steps_cfg)
    user = get_user_model().objects.get_or_create(username="hitl-bench")[0]
    cog = Path(settings.MEDIA_ROOT) / "bench" / "atlanta.tif"
    cog.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(bench.ATLANTA_SCENE, cog)
    import pyproj

    with rasterio.open(cog) as ds:
        left, bottom, right, top = ds.bounds
        tr = pyproj.Transformer.from_crs(ds.crs, "EPSG:4326", always_xy=True)
        xs, ys = tr.transform([left, right], [bottom, top])
        footprint = GeosPolygon.from_bbox((xs[0], ys[0], xs[1], ys[1]))
        footprint.srid = 4326
        scene = Scene.objects.create(project=project, name="atlanta",
                                     cog_path=str(cog.relative_to(settings.MEDIA_ROOT)),
                                     checksum="atlanta-sample", crs="EPSG:32616", footprint=footprint,
                                     width=ds.width, height=ds.height, band_count=ds.count, dtype=ds.dtypes[0],
                                     nodata=ds.nodata, gsd=0.5, transform=list(ds.transform.to_gdal()),
                                     status="ready")
        scene_transform, scene_crs = ds.transform, ds.crs.to_string()

    try:
        objects = bench.atlanta_objects()
        half_a, half_b = bench.split_halves(objects)
        embs = bench.window_embeddings(base, [o.window for o in objects], encoder_key=base_mv.encoder_sha256 or "base")
        note(f"encoded {len({o.window.key for o in objects})} windows; A={len(half_a)} B={len(half_b)}")
        features = json.loads(bench.ATLANTA_LABELS.read_text())["features"]
        to_wgs = pyproj.Transformer.from_crs("EPSG:32616", "EPSG:4326", always_xy=True)
        import shapely
        from shapely.geometry import mapping, shape

        # --- simulated annotator on A
        t0 = time.perf_counter()
        clicks_used = []
        for obj in half_a:
            emb = embs[obj.window.key]
            state = {}

            def predict(points, labels, prev, emb=emb, state=state):
                from inference.sam import decode

                out = decode(base, emb, points, labels, mask_logits=prev, backend="torch")
                state.update(mask=out.mask, iou=out.iou, points=points.tolist(), labels=labels.tolist())
                return out.mask, out.iou, out.low_res_logits

            res = evaluate_object(predict, obj.gt, max_clicks=20, target_iou=0.9)
            clicks_used.append(len(res.ious))
            geom = mask_to_geometry(state["mask"], transform=obj.window.geo_transform(scene_transform),
                                    crs=scene_crs)
            proposal = MaskProposal.objects.create(
                project=project, scene=scene, model_version=base_mv, user=user,
                prompt={"points": state["points"], "labels": state["labels"]},
                window={"key": obj.window.key, "level": obj.window.level, "col": obj.window.col,
                        "row": obj.window.row, "size": obj.window.size},
                geometry=GEOSGeometry(json.dumps(geom.wgs84), srid=4326) if geom is not None else None,
                predicted_iou=float(state["iou"]), latency_ms=0.0,
            )
            final = shapely.transform(shape(features[obj.index]["geometry"]),
                                      lambda xy: np.column_stack(to_wgs.transform(xy[:, 0], xy[:, 1])))
            proposal_accept(proposal=proposal, label_class=None, user=user, final_geometry=mapping(final),
                            clicks_added=len(res.ious))
        annotate_s = time.perf_counter() - t0
        note(f"simulated annotator on A: {annotate_s:.0f} s, mean clicks {np.mean(clicks_used):.1f}")

        # --- the real job path, in-process
        job = training_job_create(project=project, trigger="manual", user=None, enqueue=False)
        t0 = time.perf_counter()
        job = training_job_run(job_id=job.id)
        job_s = time.perf_counter() - t0
        if job.status != "succeeded":
            print(job.log)
            raise SystemExit(f"training job ended {job.status}")
        mv = job.result_model
        note(f"job {job.id} succeeded in {job_s:.0f} s")
        tuned = build_model(mv.architecture, checkpoint_resolve(mv.checkpoint_path), args.device,
                            expected_sha256=mv.checkpoint_sha256)

        # --- evaluate on B
        class Obj:
            def __init__(self, o):
                self.embedding, self.gt, self.label = embs[o.window.key], o.gt, o.label

        eval_b = [Obj(o) for o in half_b]
        t0 = time.perf_counter()
        base_b = evaluate_objects(base, eval_b)
        tuned_b = evaluate_objects(tuned, eval_b)
        eval_s = time.perf_counter() - t0
        keys = ("NoC@85", "NoC@90", "mIoU@1", "ece_predicted_iou", "never@85", "never@90", "mIoU@5", "NoC@80")
        train = mv.metrics.get("training", {})
        out = {
            "bench": "hitl",
            "objects": {"A": len(half_a), "B": len(half_b),
                        "trained_on": train.get("dataset", {}).get("train_objects"),
                        "held_out_in_A": train.get("dataset", {}).get("held_out_objects")},
            "annotator_clicks_on_A_mean": round(float(np.mean(clicks_used)), 2),
            "base_B": {k: base_b.get(k) for k in keys},
            "finetuned_B": {k: tuned_b.get(k) for k in keys},
            "noc85_reduction_pct": round(100 * (1 - tuned_b["NoC@85"] / base_b["NoC@85"]), 1),
            "miou1_gain_points": round(100 * (tuned_b["mIoU@1"] - base_b["mIoU@1"]), 1),
            "finetune_seconds": train.get("seconds"),
            "job_seconds": round(job_s, 1),
            "train_steps": train.get("steps"), "lr": args.lr, "max_clicks": args.max_clicks,
            "probe_loss": [train.get("probe_loss_before"), train.get("probe_loss_after")],
            "gate": (mv.metrics.get("gate") or {}).get("reasons"),
            "annotate_seconds": round(annotate_s, 1), "eval_seconds": round(eval_s, 1),
            "total_seconds": round(time.perf_counter() - t_start, 1),
            "machine": torch_machine(),
        }
        print(f"B ({len(half_b)} buildings never trained on), base -> fine-tuned:")
        for k in keys[:4]:
            print(f"  {k:>18}: {base_b[k]} -> {tuned_b[k]}")
        print(f"  fine-tune: {train.get('seconds')} s for {train.get('steps')} steps on "
              f"{train.get('dataset', {}).get('train_objects')} objects; job (dataset+train+eval+gate) {job_s:.1f} s")
        print(json.dumps(out))
    finally:
        if not args.keep:
            Project.objects.filter(pk=project.pk).delete()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
