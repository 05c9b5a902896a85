"""Find similar on Atlanta: recall and precision at IoU 0.5 against the ground-truth buildings, from 1, 3 and 5
exemplars (several seeded random draws each), and the seconds per proposal.

    .venv/bin/python bench/find_similar.py [--exemplars 1,3,5] [--draws 3] [--seed 0] [--keep]

The SpaceNet Atlanta sample (bench/noc.py's default scene, 43 buildings) is ingested into a throwaway project as
the app does (``scene_ingest``); each draw annotates its exemplars (accepted annotations) and runs one batch over
the whole scene through the worker's own function (``similar_batch_run``, in this process so that its time is the
batch's alone; the Celery path is the same function, see ``inference/tests/test_similar_django.py``). The
exemplars' own buildings are left out of the scoring: recall = buildings other than the exemplars matched by a
proposal (IoU >= 0.5, each proposal matching at most one building) over those buildings; precision = matching
proposals over proposals. Windows are encoded once (the first draw) and come from the cache afterwards, so
``seconds_per_proposal`` is reported with and without the first draw's encodes.

Needs the database and Redis (DATABASE_URL, REDIS_URL) with migrations applied. Prints one line per draw, a summary
per exemplar count; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
warnings.filterwarnings("ignore")

ATLANTA = ROOT / "samples" / "spacenet-atlanta" / "sample_geotiff.tif"
ATLANTA_LABELS = ROOT / "samples" / "spacenet-atlanta" / "geotiff_labels.geojson"


def note(msg: str) -> None:
    print(f"[find_similar {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def match(proposals: list, truth: list, *, same: float) -> int:
    """Greedy one-to-one matching by IoU (highest first): how many pairs reach ``same``."""
    from inference.similar import iou

    pairs = sorted(((iou(p, t), i, j) for i, p in enumerate(proposals) for j, t in enumerate(truth)), reverse=True)
    used_p, used_t, hits = set(), set(), 0
    for value, i, j in pairs:
        if value < same:
            break
        if i in used_p or j in used_t:
            continue
        used_p.add(i)
        used_t.add(j)
        hits += 1
    return hits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exemplars", default="1,3,5")
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark project")
    args = parser.parse_args()
    os.environ.setdefault("GEOLOOP_SIMILAR_MAX_WINDOWS", "400")  # the whole scene, whatever the level

    import django

    django.setup()
    import pyproj
    import shapely
    from affine import Affine
    from django.contrib.auth import get_user_model
    from django.test import override_settings
    from shapely.geometry import mapping, shape

    from annotator.models import Annotation, Project, Scene, SceneStatus
    from annotator.services.annotations import annotation_create
    from annotator.services.scenes import scene_ingest
    from inference.models import MaskProposal, SimilarBatch
    from inference.services import model_version_ensure_default
    from inference.services.similar import similar_batch_run, to_pixels
    from inference.similar import SAME_OBJECT_IOU

    version = model_version_ensure_default()
    project = Project.objects.create(slug=f"similar-bench-{int(time.time())}", name="find similar benchmark")
    user = get_user_model().objects.get_or_create(username="similar-bench")[0]
    scene = Scene.objects.create(project=project, name="atlanta", source_name=ATLANTA.name, source_path=str(ATLANTA),
                                 status=SceneStatus.INGESTING)
    scene = scene_ingest(scene_id=scene.pk)
    assert scene.status == SceneStatus.READY, scene.status_reason
    inverse = ~Affine.from_gdal(*scene.transform)
    tr = pyproj.Transformer.from_crs("EPSG:32616", "EPSG:4326", always_xy=True)
    truth = []
    for feat in json.loads(ATLANTA_LABELS.read_text())["features"]:
        g = shape(feat["geometry"])
        truth.append(shapely.transform(g, lambda xy: __import__("numpy").column_stack(tr.transform(xy[:, 0],
                                                                                                    xy[:, 1]))))
    truth_px = [to_pixels(g, scene, inverse) for g in truth]
    note(f"scene {scene.pk} ready, {len(truth)} buildings, model version {version.pk}")

    rng = random.Random(args.seed)
    counts = [int(c) for c in args.exemplars.split(",")]
    rows = []
    try:
        with override_settings(GEOLOOP_SIMILAR_MAX_WINDOWS=int(os.environ["GEOLOOP_SIMILAR_MAX_WINDOWS"])):
            for draw in range(args.draws):  # draw by draw, so that a partial run has every exemplar count
                for n in counts:
                    picked = rng.sample(range(len(truth)), n)
                    Annotation.objects.filter(scene=scene).delete()
                    exemplars = [annotation_create(project=project, scene=scene, geometry=mapping(truth[i]),
                                                   user=user)[0] for i in picked]
                    batch = SimilarBatch.objects.create(project=project, scene=scene, user=user,
                                                        exemplars=[a.pk for a in exemplars], area=scene.footprint)
                    t0 = time.perf_counter()
                    out = similar_batch_run(batch_id=batch.pk)
                    seconds = time.perf_counter() - t0
                    if "failed" in out:
                        raise RuntimeError(out["failed"])
                    props = [to_pixels(shapely.from_wkb(bytes(p.geometry.wkb)), scene, inverse)
                             for p in MaskProposal.objects.filter(similar_batch=batch)]
                    others = [t for k, t in enumerate(truth_px) if k not in picked]
                    hits = match(props, others, same=SAME_OBJECT_IOU)
                    row = {"exemplars": n, "draw": draw, "picked": picked, "proposals": len(props), "hits": hits,
                           "recall": round(hits / len(others), 4),
                           "precision": round(hits / len(props), 4) if props else None,
                           "seconds": round(seconds, 2), "encoded": out.get("encoded"), "peaks": out.get("peaks"),
                           "decoded": out.get("decoded"), "threshold": out.get("threshold"), "level": out.get("level"),
                           "windows": out.get("windows"), "similarity_s": out.get("similarity_s"),
                           "decode_s": out.get("decode_s")}
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    finally:
        if not args.keep:
            project.delete()

    summary = {}
    for n in counts:
        rs = [r for r in rows if r["exemplars"] == n]
        precisions = [r["precision"] for r in rs if r["precision"] is not None]
        summary[str(n)] = {
            "recall_mean": round(statistics.fmean(r["recall"] for r in rs), 4),
            "precision_mean": round(statistics.fmean(precisions), 4) if precisions else None,
            "proposals_mean": round(statistics.fmean(r["proposals"] for r in rs), 1),
            "draws": len(rs),
        }
        print(f"{n} exemplar(s): recall {summary[str(n)]['recall_mean']}, precision "
              f"{summary[str(n)]['precision_mean']}, proposals {summary[str(n)]['proposals_mean']}", flush=True)
    warm = [r for r in rows if not r["encoded"]]
    decoded = sum(r["decoded"] or 0 for r in rows)
    result = {
        "bench": "find_similar", "scene": "spacenet-atlanta", "buildings": len(truth), "by_exemplars": summary,
        "seconds_per_proposal": round(sum(r["seconds"] for r in rows) / max(1, sum(r["proposals"] for r in rows)), 3),
        "seconds_per_proposal_warm": (round(sum(r["seconds"] for r in warm) / max(1, sum(r["proposals"] for r in warm)),
                                            3) if warm else None),
        "seconds_per_decode": round(sum(r["decode_s"] or 0 for r in rows) / max(1, decoded), 3),
        "draws": rows, "machine": machine(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
