"""Reads: feedback settings of a project, the model version a project uses, jobs and version comparisons."""

from __future__ import annotations

from django.db.models import Q

from feedback.models import Correction, TrainingJob, TrainingStatus
from inference.models import ModelVersion
from inference.selectors import active_model_version  # the one rule, re-exported for feedback

FEEDBACK_DEFAULTS = {
    "retrain_every_n": 0,  # 0: off
    "auto_promote": False,
    "split_block_m": 0.0,  # 0: blocks sized from the corrected objects' size and spacing (feedback.split)
    "held_out_share": 0.25,
    "gate_alpha": 0.05,  # significance level of the gate's paired test
    "gate_tolerance_iou": 0.02,
    "gate_tolerance_clicks": 0.5,
    "gate_benchmark": True,  # also score on the fixed Atlanta benchmark
    "train_steps": 200,
    "train_lr": 5e-5,
    "train_max_clicks": 10,  # sessions reach the clicks that decide NoC@85 (bench/hitl.py: -20.6% with 5, -30.8%)
    "train_iou_weight": 1.0,  # IoU-head regression on real IoUs (calibration)
    "train_rank_weight": 1.0,  # pairwise ranking of the candidates by real IoU (feedback.losses)
    "eval_max_clicks": 20,  # the protocol's 20; tests lower it
}

METRIC_KEYS = ("NoC@80", "NoC@85", "NoC@90", "mIoU@1", "mIoU@5", "ece_predicted_iou")


def feedback_settings(project) -> dict:
    """The project's settings over the feedback defaults (unknown keys kept)."""
    return {**FEEDBACK_DEFAULTS, **(project.settings or {})}


def model_version_list(*, project) -> list[ModelVersion]:
    """Versions a project can use or roll back to: the global ones and its own."""
    return list(ModelVersion.objects.filter(Q(project=project) | Q(project__isnull=True)).order_by("id"))


def open_training_job(*, project) -> TrainingJob | None:
    return TrainingJob.objects.filter(project=project,
                                      status__in=[TrainingStatus.QUEUED, TrainingStatus.RUNNING]).first()


def corrections_since_last_job(*, project) -> int:
    last = TrainingJob.objects.filter(project=project).order_by("-created_at").first()
    qs = Correction.objects.filter(project=project)
    if last is not None:
        qs = qs.filter(created_at__gt=last.created_at)
    return qs.count()


def version_comparison(*, project) -> list[dict]:
    """Versions side by side: held-out and benchmark NoC@80/85/90, mIoU@1/@5 and ECE (as last evaluated)."""
    active = active_model_version(project=project)
    rows = []
    for mv in model_version_list(project=project):
        metrics = mv.metrics or {}
        row = {"id": mv.id, "name": mv.name, "state": mv.state, "parent": mv.parent_id,
               "project": mv.project_id, "in_use": active is not None and mv.id == active.id,
               "training_job": mv.training_job_id, "created_at": mv.created_at, "promoted_at": mv.promoted_at,
               "gate_passed": mv.gate_passed, "override_reason": mv.override_reason}
        for split in ("held_out", "benchmark"):
            part = metrics.get(split) or {}
            row[split] = {k: part.get(k) for k in (*METRIC_KEYS, "n_objects")}
        row["gate"] = metrics.get("gate")
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------------------------ training settings

#: The settings the Models screen edits: (kind, minimum, maximum, what it is). Ranges are what a run can use:
#: steps bounded so one run stays a job, learning rates within what fine-tuning a decoder tolerates.
TRAINING_SETTINGS = {
    "retrain_every_n": ("int", 0, 100_000, "train after every N new corrections (0: off)"),
    "auto_promote": ("bool", None, None, "promote a candidate the gate passes without asking"),
    "train_steps": ("int", 1, 100_000, "optimiser steps per run"),
    "train_lr": ("float", 1e-7, 1e-2, "learning rate"),
    "train_max_clicks": ("int", 1, 20, "most simulated clicks per training sample"),
    "train_iou_weight": ("float", 0.0, 100.0, "weight of the IoU-head regression on real IoUs"),
    "train_rank_weight": ("float", 0.0, 100.0, "weight of the candidates' pairwise ranking loss (0: off)"),
    "eval_max_clicks": ("int", 1, 20, "clicks per object in evaluation (the protocol's 20)"),
    "held_out_share": ("float", 0.0, 0.9, "share of spatial blocks held out for the gate"),
    "split_block_m": ("float", 0.0, 100_000.0, "size of the spatial blocks, metres (0: sized from the objects)"),
    "gate_alpha": ("float", 0.001, 0.5, "significance level of the gate's paired test on held-out objects"),
    "gate_tolerance_iou": ("float", 0.0, 1.0, "how much mIoU or ECE may worsen"),
    "gate_tolerance_clicks": ("float", 0.0, 20.0, "how many clicks NoC may worsen"),
    "gate_benchmark": ("bool", None, None, "also score on the fixed Atlanta benchmark"),
}


def training_settings_get(*, project) -> dict:
    """The editable training settings of a project, effective values (project over defaults)."""
    cfg = feedback_settings(project)
    return {key: cfg.get(key, FEEDBACK_DEFAULTS.get(key)) for key in TRAINING_SETTINGS}


# ------------------------------------------------------------------------------------------------ jobs

LOG_TAIL_LINES = 40


def log_tail(log: str, *, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join((log or "").rstrip("\n").split("\n")[-lines:])


def training_job_list(*, project, limit: int = 20) -> list[TrainingJob]:
    return list(TrainingJob.objects.filter(project=project).order_by("-id")[:limit])


def training_job_get(*, job_id: int) -> TrainingJob | None:
    return TrainingJob.objects.select_related("project").filter(pk=job_id).first()


# ------------------------------------------------------------------------------------------------ object locations


def _bounds_location(geom_4326, scene_id: int | None) -> dict:
    minx, miny, maxx, maxy = geom_4326.bounds
    c = geom_4326.centroid
    return {"scene": scene_id, "bbox": [round(v, 7) for v in (minx, miny, maxx, maxy)],
            "centroid": [round(c.x, 7), round(c.y, 7)]}


def evaluation_object_locator(*, project):
    """``locate(label) -> {"scene", "bbox", "centroid"} | None`` for evaluation objects' labels, in EPSG:4326:
    ``annotation:<id>`` (the annotation), ``correction:<id>`` (the correction's final geometry on its proposal's
    scene) and ``atlanta:<i>`` (the benchmark building; ``scene`` is the project's scene of the same file, if
    any). Read once per object, at evaluation time, so the location survives later edits."""
    from annotator.models import Annotation, Scene

    bench_cache: dict = {}

    def bench_location(index: int) -> dict | None:
        if "features" not in bench_cache:
            import json

            import numpy as np
            import pyproj
            import shapely
            from shapely.geometry import shape

            from core.hashing import sha256_file
            from feedback import benchmark

            data = json.loads(benchmark.ATLANTA_LABELS.read_text())
            src = data.get("crs", {}).get("properties", {}).get("name", "EPSG:4326").replace("urn:ogc:def:crs:", "")
            tr = pyproj.Transformer.from_crs(src.replace("EPSG::", "EPSG:"), "EPSG:4326", always_xy=True)
            bench_cache["features"] = [
                shapely.transform(shape(f["geometry"]), lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
                for f in data["features"]]
            try:
                checksum = sha256_file(benchmark.ATLANTA_SCENE)
            except OSError:
                checksum = None
            scenes = Scene.objects.filter(project=project, checksum=checksum) if checksum else Scene.objects.none()
            scene = scenes.order_by("id").first()
            bench_cache["scene"] = scene.id if scene else None
        feats = bench_cache["features"]
        if not 0 <= index < len(feats) or feats[index].is_empty:
            return None
        return _bounds_location(feats[index], bench_cache["scene"])

    def locate(label: str) -> dict | None:
        kind, _, ident = (label or "").partition(":")
        if not ident.isdigit():
            return None
        if kind == "annotation":
            ann = Annotation.objects.filter(pk=int(ident), project=project).only("geometry", "scene_id").first()
            if ann is None or ann.geometry is None:
                return None
            return _geos_location(ann.geometry, ann.scene_id)
        if kind == "correction":
            corr = (Correction.objects.filter(pk=int(ident), project=project).select_related("proposal")
                    .only("final_geometry", "proposal__scene_id").first())
            if corr is None or corr.final_geometry is None:
                return None
            return _geos_location(corr.final_geometry, corr.proposal.scene_id if corr.proposal else None)
        if kind == "atlanta":
            return bench_location(int(ident))
        return None

    return locate


def _geos_location(geom, scene_id: int | None) -> dict:
    minx, miny, maxx, maxy = geom.extent
    c = geom.centroid
    return {"scene": scene_id, "bbox": [round(v, 7) for v in (minx, miny, maxx, maxy)],
            "centroid": [round(c.x, 7), round(c.y, 7)]}


# ------------------------------------------------------------------------------------------------ two versions

FIGURE_KEYS = ("n_objects", "NoC@80", "NoC@85", "NoC@90", "never@80", "never@85", "never@90", "mIoU@1", "mIoU@5",
               "ece_predicted_iou", "max_clicks")
DELTA_KEYS = ("NoC@80", "NoC@85", "NoC@90", "mIoU@1", "mIoU@5", "ece_predicted_iou")
OBJECT_KEYS = ("NoC@85", "NoC@90", "iou@1", "iou@5")


def _evaluation_of(version: ModelVersion, other: ModelVersion) -> tuple[dict, bool]:
    """``version``'s evaluation by split, and whether it was scored in the same run as ``other`` (paired: the same
    objects, the same clicks protocol). A candidate's record keeps its base's scores of that run."""
    own = version.metrics or {}
    theirs = other.metrics or {}
    baseline = theirs.get("baseline") or {}
    if baseline.get("version") == version.id:
        return {k: v for k, v in baseline.items() if isinstance(v, dict)}, True
    if (own.get("baseline") or {}).get("version") == other.id:
        return {k: own[k] for k in ("held_out", "benchmark") if isinstance(own.get(k), dict)}, True
    return {k: own[k] for k in ("held_out", "benchmark") if isinstance(own.get(k), dict)}, False


def _version_head(version: ModelVersion, *, active: ModelVersion | None) -> dict:
    gate = (version.metrics or {}).get("gate")
    return {"id": version.id, "name": version.name, "state": version.state, "project": version.project_id,
            "parent": version.parent_id, "in_use": active is not None and active.id == version.id,
            "training_job": version.training_job_id, "created_at": version.created_at,
            "gate_passed": version.gate_passed, "override_reason": version.override_reason,
            "gate": {"promote": bool(gate.get("promote")), "reasons": list(gate.get("reasons", [])),
                     "deltas": dict(gate.get("deltas", {}))} if isinstance(gate, dict) else None,
            "training": (version.metrics or {}).get("training")}


def _split_view(part: dict | None) -> dict | None:
    if not part:
        return None
    return {"figures": {k: part.get(k) for k in FIGURE_KEYS}, "iou_curve": list(part.get("iou_curve") or []),
            "reliability": list(part.get("reliability") or [])}


def _object_deltas(a_rows: list[dict], b_rows: list[dict]) -> list[dict]:
    """Objects scored for both, joined on their label; ``delta`` is b minus a."""
    a_by = {r.get("label"): r for r in a_rows if r.get("label")}
    out = []
    for rb in b_rows:
        ra = a_by.get(rb.get("label"))
        if ra is None:
            continue
        row = {"label": rb["label"], "location": rb.get("location") or ra.get("location"),
               "a": {k: ra.get(k) for k in OBJECT_KEYS}, "b": {k: rb.get(k) for k in OBJECT_KEYS}, "delta": {}}
        for k in OBJECT_KEYS:
            if ra.get(k) is not None and rb.get(k) is not None:
                row["delta"][k] = round(float(rb[k]) - float(ra[k]), 4)
        out.append(row)
    return out


def version_pair_comparison(*, project, a: ModelVersion, b: ModelVersion) -> dict:
    """Two versions side by side: per split their figures (NoC@80/85/90, mIoU@1/@5, ECE), IoU-versus-clicks
    curves, reliability bins, the deltas (b minus a), a per-object table joined on the objects both were scored
    on (with each object's location), and each version's gate verdict with its reasons. ``paired`` says whether
    both were scored in one run on the same objects (a candidate and its base); otherwise each figure is from the
    version's own evaluation and the objects may differ."""
    active = active_model_version(project=project)
    eval_a, paired_a = _evaluation_of(a, b)
    eval_b, paired_b = _evaluation_of(b, a)
    paired = paired_a or paired_b
    splits = {}
    for split in ("held_out", "benchmark"):
        pa, pb = eval_a.get(split), eval_b.get(split)
        if not pa and not pb:
            continue
        deltas = {}
        for k in DELTA_KEYS:
            if pa and pb and pa.get(k) is not None and pb.get(k) is not None:
                deltas[k] = round(float(pb[k]) - float(pa[k]), 4)
        splits[split] = {"a": _split_view(pa), "b": _split_view(pb), "deltas": deltas,
                         "objects": _object_deltas((pa or {}).get("objects") or [], (pb or {}).get("objects") or [])}
    return {"a": _version_head(a, active=active), "b": _version_head(b, active=active), "paired": paired,
            "splits": splits}
