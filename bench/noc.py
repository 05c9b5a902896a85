"""NoC benchmark on any labelled scene (DESIGN.md protocol), three ways of choosing SAM's candidate side by side.

    .venv/bin/python bench/noc.py [--scene PATH] [--labels PATH] [--grid METRES] [--max-clicks 20] [--limit N]
                                  [--backend onnx|torch] [--fit-default] [--no-corrections] [--artifacts DIR]

Labels are polygons (GeoJSON, GeoPackage, anything GDAL reads; reprojected to the scene's CRS) or a raster mask
(instances = 8-connected components of non-zero pixels). ``--grid`` cuts every instance by a square grid of that
many scene CRS units (networks such as roads become pieces an annotator would click one by one).

Each object gets the window an annotator zoomed on it gets: the level whose scale puts the object at about a third
of the window (never finer than level -2), the grid window whose centre is nearest the object's centroid.
Policies (each runs the whole click protocol on every object):

- ``model``: today's choice, the model's predicted IoU (argmax), shown as quality clipped to [0, 1].
- ``scored``: :mod:`inference.scoring` + the calibrator (the shipped default, or one fitted here with
  ``--fit-default``), scale search on a window-filling first answer, parts holding positive clicks kept, and the
  corrective clicks' claims kept on every later answer (:mod:`inference.corrections`, as the app does;
  ``--no-corrections`` leaves them out).
- ``oracle``: the candidate the ground truth prefers among the same candidates (the ceiling of candidate choice),
  the claims kept as in ``scored``.

Splits: objects are numbered in file order; the even ones are the "fit" half (``--fit-default`` fits the default
calibrator and the class size distribution on them only), the odd ones the "held-out" half whose figures (ECE in
particular) never saw their own outcomes. The size distribution always comes from the fit half, as a project's
accepted annotations would. Prints per-object results, a summary per policy, and one JSON object on the last line;
reliability diagrams go to ``--artifacts`` (default ``artifacts/``) as PNG.

Sample data: SpaceNet 4 (Atlanta) chip and labels, CC BY-SA 4.0, copied from the solaris 0.4.0 wheel.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", category=UserWarning)
warnings.filterwarnings("ignore", category=FutureWarning)

import numpy as np  # noqa: E402
import rasterio  # noqa: E402
import rasterio.features  # noqa: E402
import shapely  # noqa: E402
import torch  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from bench.common import machine  # noqa: E402
from core.geo import reproject  # noqa: E402
from inference import evaluation  # noqa: E402
from inference.calibration import (  # noqa: E402
    DEFAULT_PATH,
    Calibrator,
    default_calibrator,
    isotonic_fit,
    rankers_fit,
    reliability,
)
from inference.corrections import disks_for_prompt, logits_with_disks, mask_with_disks  # noqa: E402
from inference.imagery_window import read_window, recipe_from_statistics  # noqa: E402
from inference.masks import mask_keep_clicked, rasterize_geometry  # noqa: E402
from inference.sam import encode, get_model  # noqa: E402
from inference.sam.predict import (  # noqa: E402
    decode_all,
    default_decoder_backend,
    prepare_prompt,
    scale_search,
    upscale,
)
from inference.scoring import (  # noqa: E402
    SizePrior,
    candidate_features,
    candidate_tokens,
    choose,
    coarser_logits,
    fills_window,
    finer_logits,
    focus_window_after,
)
from inference.windows import (  # noqa: E402
    DEFAULT_WINDOW_SIZE,
    choose_level,
    max_useful_level,
    window_for_point,
)

SCENE = ROOT / "samples" / "spacenet-atlanta" / "sample_geotiff.tif"
LABELS = ROOT / "samples" / "spacenet-atlanta" / "geotiff_labels.geojson"
MIN_LEVEL = -2
POLICIES = ("model", "scored", "oracle", "focus", "focus-oracle")
FOCUS_POLICIES = {"focus": "scored", "focus-oracle": "oracle"}
CORRECTING = {"scored", "oracle"}  # the policies that keep the corrections' claims, as the app does
RASTER_SUFFIXES = {".tif", ".tiff", ".png", ".jp2", ".img", ".vrt"}


# ------------------------------------------------------------------------------------------------- ground truth


def _crs_string(crs) -> str:
    return crs.to_string() if hasattr(crs, "to_string") else str(crs)


def load_instances(path: Path, *, scene_crs, grid: float | None = None) -> list[shapely.Geometry]:
    """Instances in the scene CRS: polygons of a vector file, or connected components of a raster mask; cut by a
    square grid of ``grid`` CRS units when given (pieces under 1% of a cell dropped)."""
    dst = _crs_string(scene_crs)
    geoms: list[shapely.Geometry] = []
    if path.suffix.lower() in RASTER_SUFFIXES:
        with rasterio.open(path) as src:
            band = src.read(1)
            mask = band > 0
            for geom, _v in rasterio.features.shapes(mask.astype(np.uint8), mask=mask, connectivity=8,
                                                     transform=src.transform):
                geoms.append(reproject(shape(geom), _crs_string(src.crs), dst) if src.crs else shape(geom))
    else:
        import pyogrio.raw

        meta, _fids, wkb, _fields = pyogrio.raw.read(path)[:4]
        src_crs = meta.get("crs") or dst
        for g in shapely.from_wkb(wkb):
            if g is None or g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
                continue
            geoms.append(reproject(shapely.make_valid(g), src_crs, dst))
    if grid:
        pieces = []
        for g in geoms:
            x0, y0, x1, y1 = g.bounds
            for gx in np.arange(np.floor(x0 / grid) * grid, x1, grid):
                for gy in np.arange(np.floor(y0 / grid) * grid, y1, grid):
                    part = g.intersection(shapely.box(gx, gy, gx + grid, gy + grid))
                    if part.area >= 0.01 * grid * grid:
                        pieces.append(part)
        geoms = pieces
    return [g for g in geoms if not g.is_empty and g.area > 0]


def window_for_object(poly: shapely.Geometry, ds, *, size: int = DEFAULT_WINDOW_SIZE):
    """The window an annotator zoomed on ``poly`` gets (see module docstring)."""
    inv = ~ds.transform
    x_min, y_min, x_max, y_max = poly.bounds
    (c0, r0), (c1, r1) = inv * (x_min, y_max), inv * (x_max, y_min)
    extent_px = max(abs(c1 - c0), abs(r1 - r0), 1.0)
    gsd = abs(ds.transform.a)
    level = choose_level(map_resolution=gsd * extent_px / (size / 3), gsd=gsd, min_level=MIN_LEVEL,
                         max_level=max_useful_level(width=ds.width, height=ds.height, size=size))
    point = poly.representative_point() if not poly.centroid.within(poly) else poly.centroid
    cx, cy = inv * (point.x, point.y)
    return window_for_point(x=cx, y=cy, level=level, size=size)


def ground_truth(poly, window, ds) -> np.ndarray:
    """The object rasterised on the window grid, limited to the scene's own pixels."""
    tr = window.geo_transform(ds.transform)
    gt = rasterize_geometry(poly, transform=tr, shape=(window.size, window.size), crs=ds.crs, geometry_crs=ds.crs)
    x0, y0 = window.origin
    u = (np.arange(window.size) + 0.5) * window.scale + x0
    v = (np.arange(window.size) + 0.5) * window.scale + y0
    inside = ((v >= 0) & (v < ds.height))[:, None] & ((u >= 0) & (u < ds.width))[None, :]
    return gt & inside


# ------------------------------------------------------------------------------------------------------ runs


@dataclass
class Trace:
    """What a policy did on one object beyond :class:`evaluation.ObjectResult`."""

    first_share: float = 0.0
    scale_searches: int = 0
    scale_kept: int = 0
    rows: list = field(default_factory=list)  # (features, gt iou) of every candidate (fitting)
    chosen: list = field(default_factory=list)  # (features, gt iou) of the chosen one
    windows: set = field(default_factory=set)  # focus windows used


class Runner:
    def __init__(self, model, ds, recipe, backend: str, cache_dir: Path | None = None):
        self.model, self.ds, self.recipe, self.backend = model, ds, recipe, backend
        self.cache_dir = cache_dir
        self.embeddings: dict[str, np.ndarray] = {}
        self.encode_ms: list[float] = []
        self.gsd = abs(ds.transform.a)
        self.finest = MIN_LEVEL  # scale search goes no finer

    def embedding(self, window) -> np.ndarray:
        if window.key not in self.embeddings:
            path = None
            if self.cache_dir is not None:
                path = self.cache_dir / f"{window.key.replace('/', '_')}.npy"
                if path.exists():
                    self.embeddings[window.key] = np.load(path)
                    return self.embeddings[window.key]
            image = read_window(self.ds, window, self.recipe).rgb
            t0 = time.perf_counter()
            self.embeddings[window.key] = encode(self.model, image)
            self.encode_ms.append((time.perf_counter() - t0) * 1000)
            if path is not None:  # written whole, then renamed: parallel runs share the cache
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npy")
                np.save(tmp, self.embeddings[window.key])
                os.replace(tmp, path)
        return self.embeddings[window.key]

    def pixel_area(self, window) -> float:
        return (self.gsd * window.scale) ** 2

    def _scored(self, window, low, ious, prompt, points, labels, calibrator, prior):
        tokens = candidate_tokens(multimask=prompt.multimask, n_points=len(points), has_box=False)
        feats = candidate_features(low, ious, tokens, points_px=points, labels=labels, window_size=window.size,
                                   pixel_area_m2=self.pixel_area(window), size_prior=prior)
        return tokens, feats, choose(feats, tokens, calibrator)

    def predict_fn(self, policy: str, window, gt: np.ndarray, trace: Trace, *, calibrator, prior, collect: bool):
        emb = self.embedding(window)
        size = window.size
        kept: list = []  # the corrections' claims so far (:mod:`inference.corrections`), as the app keeps them

        def predict(points, labels, prev_logits):
            prompt = prepare_prompt(points, labels, mask_logits=prev_logits)
            low, ious = decode_all(self.model, emb, prompt, backend=self.backend)
            if policy == "model":
                tokens = [1, 2, 3] if prompt.multimask else [0]
                token = tokens[int(np.argmax(ious[tokens]))]
                logits = low[token]
                mask = upscale(logits, size)
                quality = float(np.clip(ious[token], 0.0, 1.0))
            else:
                tokens, feats, choice = self._scored(window, low, ious, prompt, points, labels, calibrator, prior)
                if collect or policy == "oracle":
                    gious = [evaluation.iou(gt, upscale(low[t], size)) for t in tokens]
                    trace.rows.extend(zip(feats, gious, strict=True))
                if policy == "oracle":
                    best = int(np.argmax(gious))
                else:
                    best = tokens.index(choice.token)
                token, logits, quality = tokens[best], low[tokens[best]], float(choice.qualities[best])
                if (policy == "scored" and len(points) == 1 and fills_window(feats[best])
                        and window.level > self.finest):
                    found = self._scale_search(window, points, labels, calibrator, prior)
                    trace.scale_searches += 1
                    if found is not None and found[1] > quality:
                        logits, quality, feats_best = found
                        trace.scale_kept += 1
                        feats = feats.copy()
                        feats[best] = feats_best
                if policy in CORRECTING:
                    kept[:] = disks_for_prompt(points, labels, prev_low=prev_logits, kept=kept, size=size)
                    logits = logits_with_disks(logits, kept, size=size) if kept else logits
                mask = upscale(logits, size)
                if policy in CORRECTING and kept:
                    mask = mask_with_disks(mask, kept)
                if policy == "scored":
                    mask, _parts = mask_keep_clicked(mask, points, labels)
                if collect:
                    trace.chosen.append((feats[best], evaluation.iou(gt, mask)))
            if len(points) == 1:
                trace.first_share = float(mask.mean())
            return mask, quality, np.asarray(logits, np.float32)

        return predict

    def predict_fn_focus(self, policy: str, eval_window, poly, gt, trace: Trace, *, calibrator, prior,
                         collect: bool):
        """FocalClick's coarse-then-focus on SAM: the first click is answered on the annotator's window; the
        later ones on a focus window sized by that first answer (:func:`focus_window_after`), as long as it holds
        every click (else back on the annotator's window). Logits fed back are carried across the switch
        (:func:`finer_logits` / :func:`coarser_logits`); every answer is resampled onto ``eval_window``'s grid,
        where the protocol scores it. ``policy``: "scored" or "oracle" inside each window."""
        inner = {eval_window: self.predict_fn(policy, eval_window, gt, trace, calibrator=calibrator, prior=prior,
                                              collect=collect)}
        state: dict = {"window": eval_window, "focus": None}

        def predict(points, labels, prev_logits):
            scene_pts = [eval_window.window_to_scene(float(u), float(v)) for u, v in points]
            focus = state["focus"]
            window = (focus if focus is not None and len(points) > 1
                      and all(focus.contains(x, y) for x, y in scene_pts) else eval_window)
            if window != state["window"] and prev_logits is not None:
                prev = state["window"]
                prev_logits = (finer_logits(prev_logits, coarse=prev, fine=window) if window.level < prev.level
                               else coarser_logits(prev_logits, fine=prev, coarse=window))
            state["window"] = window
            if window not in inner:
                inner[window] = self.predict_fn(policy, window, ground_truth(poly, window, self.ds), trace,
                                                calibrator=calibrator, prior=prior, collect=collect)
            pts = np.array([window.scene_to_window(x, y) for x, y in scene_pts], np.float32)
            mask, quality, logits = inner[window](pts, labels, prev_logits)
            if len(points) == 1:
                state["focus"] = focus_window_after(logits, window)
            if window != eval_window:
                trace.windows.add(window.key)
            return resample_mask(mask, src=window, dst=eval_window), quality, logits

        return predict

    def _scale_search(self, window, points, labels, calibrator, prior):
        found = scale_search(self.model, window=window, point_px=points[0], embedding_for=self.embedding,
                             calibrator=calibrator, pixel_area_m2=self.pixel_area(window), size_prior=prior,
                             backend=self.backend)
        if found is None:
            return None
        logits, choice, _fine = found
        return logits, choice.quality, choice.features


def resample_mask(mask: np.ndarray, *, src, dst) -> np.ndarray:
    """``src`` window's bool mask on ``dst`` window's grid: each ``dst`` pixel takes the ``src`` pixel under its
    centre (False outside ``src``)."""
    if src == dst:
        return mask

    def index(n: int, origin_dst: float, origin_src: float) -> np.ndarray:
        centres = (np.arange(dst.size) + 0.5) * dst.scale + origin_dst
        return np.floor((centres - origin_src) / src.scale).astype(np.int64)

    cols = index(dst.size, dst.origin[0], src.origin[0])
    rows = index(dst.size, dst.origin[1], src.origin[1])
    ok_c, ok_r = (cols >= 0) & (cols < src.size), (rows >= 0) & (rows < src.size)
    out = np.zeros((dst.size, dst.size), bool)
    out[np.ix_(ok_r, ok_c)] = mask[np.ix_(rows[ok_r], cols[ok_c])]
    return out


# --------------------------------------------------------------------------------------------------- figures


def figures_of(results, traces) -> dict:
    s = evaluation.summarize(results)
    out = s.as_dict()
    out["swallow_rate"] = round(float(np.mean([t.first_share > 0.5 for t in traces])), 4)
    out["scale_searches"] = int(sum(t.scale_searches for t in traces))
    out["scale_kept"] = int(sum(t.scale_kept for t in traces))
    return out


def reliability_png(path: Path, predicted, actual, *, title: str) -> None:
    """A reliability diagram: mean real IoU per bin of displayed quality (bars), the diagonal, counts."""
    from PIL import Image, ImageDraw

    w = h = 420
    pad = 40
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = pad, pad, w - pad // 2, h - pad

    def px(a: float, b: float) -> tuple[float, float]:
        return x0 + a * (x1 - x0), y1 - b * (y1 - y0)

    d.rectangle([x0, y0, x1, y1], outline="black")
    d.line([px(0, 0), px(1, 1)], fill="gray", width=1)
    for b in reliability(predicted, actual):
        lo, hi = b["bin"] / 10, (b["bin"] + 1) / 10
        d.rectangle([px(lo, 0)[0] + 2, px(0, b["actual"])[1], px(hi, 0)[0] - 2, y1], fill=(70, 130, 180))
        d.ellipse([px(b["predicted"], b["predicted"])[0] - 3, px(0, b["predicted"])[1] - 3,
                   px(b["predicted"], 0)[0] + 3, px(0, b["predicted"])[1] + 3], fill="red")
        d.text((px(lo, 0)[0] + 2, y1 + 4), str(b["n"]), fill="black")
    ece = evaluation.expected_calibration_error(predicted, actual)
    d.text((x0, 8), f"{title}  ECE {ece:.3f}  (bars: real IoU, red: mean quality)", fill="black")
    d.text((x0, h - 16), "displayed quality 0 .. 1 (counts under bars)", fill="black")
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)


def run_policy(runner, objects, policy, *, calibrator, prior, max_clicks, collect=False, verbose=True):
    results, traces = [], []
    focus = FOCUS_POLICIES.get(policy)
    for i, poly, window, gt in objects:
        trace = Trace()
        if focus is not None:
            fn = runner.predict_fn_focus(focus, window, poly, gt, trace, calibrator=calibrator, prior=prior,
                                         collect=collect)
        else:
            fn = runner.predict_fn(policy, window, gt, trace, calibrator=calibrator, prior=prior, collect=collect)
        res = evaluation.evaluate_object(fn, gt, max_clicks=max_clicks, label=str(i))
        results.append(res)
        traces.append(trace)
        if verbose:
            print(f"{policy:6s} object {i:3d} {window.key:18s} gt {int(gt.sum()):7d} px  IoU@1 {res.iou_after(1):.3f}"
                  f"  IoU@5 {res.iou_after(5):.3f}  NoC@85 {res.noc(0.85):2d}  q@1 {res.predicted_ious[0]:.2f}"
                  f"  first-share {trace.first_share:.2f}"
                  f"{'  focus ' + ','.join(sorted(trace.windows)) if trace.windows else ''}", flush=True)
    return results, traces


def fit_default(runner, fit_objects, *, prior, max_clicks) -> Calibrator:
    """Fit the rankers on every candidate met along today's click paths and the scored ones, then the isotonic map
    on the chosen candidates (fit half only)."""
    base = default_calibrator()  # only to fill the oracle pass's quality column
    rows = []
    _r, traces = run_policy(runner, fit_objects, "oracle", calibrator=base, prior=prior, max_clicks=max_clicks,
                            collect=True, verbose=False)
    print(f"fit pass 1: {len(traces)} objects", flush=True)
    rows += [r for t in traces for r in t.rows]
    cal = rankers_fit(np.array([f for f, _ in rows]), np.array([g for _, g in rows]))
    _r, traces = run_policy(runner, fit_objects, "scored", calibrator=cal, prior=prior, max_clicks=max_clicks,
                            collect=True, verbose=False)
    rows += [r for t in traces for r in t.rows]
    print(f"fit pass 2: {len(rows)} candidate rows", flush=True)
    cal = rankers_fit(np.array([f for f, _ in rows]), np.array([g for _, g in rows]))
    chosen = [c for t in traces for c in t.chosen]
    raw = cal.raw(np.array([f for f, _ in chosen]))
    iso = isotonic_fit(raw, [g for _, g in chosen], min_block=max(5, len(chosen) // 40))
    return cal.with_isotonic(
        iso, source="bench/noc.py --fit-default", scene=str(runner.ds.name), objects=[o[0] for o in fit_objects],
        rows=len(rows), chosen_rows=len(chosen), rankers="multimask + single" if cal.single else "one")


def time_decoders(runner, window, gt, *, calibrator, prior, n: int = 40) -> dict:
    """Per-click decode time (prompt -> bool mask at window size), today's choice against the scored one: a first
    click, then a correction fed the first answer's logits, in turn. The scored one's time holds the correction's
    claim too (:mod:`inference.corrections`)."""
    from inference.sam.predict import decode, decode_scored

    emb = runner.embedding(window)
    rows, cols = np.nonzero(gt)
    point = (float(cols.mean()) + 0.5, float(rows.mean()) + 0.5)
    out = {}
    for name in ("model", "scored"):
        times = []
        prev = None
        for i in range(n + 1):
            pts = [point] if i % 2 == 0 else [point, (point[0] + 5 + i % 7, point[1] - 3)]
            labels = [1] if i % 2 == 0 else [1, 0]
            fed = None if i % 2 == 0 else prev
            t0 = time.perf_counter()
            if name == "model":
                answer = decode(runner.model, emb, pts, labels, mask_logits=fed, backend=runner.backend)
            else:
                disks = [] if fed is None else disks_for_prompt(pts, labels, prev_low=fed, kept=[], size=window.size)
                answer = decode_scored(runner.model, emb, pts, labels, mask_logits=fed, calibrator=calibrator,
                                       size_prior=prior, pixel_area_m2=runner.pixel_area(window),
                                       backend=runner.backend, disks=disks)
            prev = answer.low_res_logits
            if i:
                times.append((time.perf_counter() - t0) * 1000)
        out[name] = {"p50": round(statistics.median(times), 2), "p95": round(float(np.percentile(times, 95)), 2)}
    return out


def embedding_cache_dir(args, model, recipe: dict) -> Path:
    """ARTIFACTS/noc-embeddings/<scene digest>-<checkpoint digest>-<recipe digest>."""
    import hashlib

    from core.hashing import sha256_file

    recipe_tag = hashlib.sha256(json.dumps(recipe, sort_keys=True, default=str).encode()).hexdigest()[:8]
    tag = f"{sha256_file(args.scene)[:12]}-{model.sha256[:12]}-{recipe_tag}"
    return args.artifacts / "noc-embeddings" / tag


def objects_on_windows(polys: list, ds) -> list[tuple]:
    """(index, polygon, window, ground truth) of each instance not empty on its window grid."""
    objects = []
    for i, poly in enumerate(polys):
        window = window_for_object(poly, ds)
        gt = ground_truth(poly, window, ds)
        if gt.any():
            objects.append((i, poly, window, gt))
        else:
            print(f"object {i}: empty on its window grid, skipped")
    return objects


def policy_figures(runner: Runner, objects: list[tuple], policy: str, args, *, calibrator, prior,
                   held_out: set[int]) -> dict:
    """One click policy over all objects: its figures (and the held-out half's), per object, and for a policy
    other than the oracle a reliability diagram of predicted against actual IoU."""
    results, traces = run_policy(runner, objects, policy, calibrator=calibrator, prior=prior,
                                 max_clicks=args.max_clicks)
    held = [(r, t) for r, t in zip(results, traces, strict=True) if int(r.label) in held_out]
    figures = figures_of(results, traces)
    if held:
        figures["held_out"] = figures_of([r for r, _ in held], [t for _, t in held])
    figures["per_object"] = [
        {"object": int(r.label), "iou@1": round(r.iou_after(1), 3), "iou@5": round(r.iou_after(5), 3),
         "noc@85": r.noc(0.85), "quality@1": round(r.predicted_ious[0], 3),
         "first_share": round(t.first_share, 3)} for r, t in zip(results, traces, strict=True)]
    if policy != "oracle":
        pq = [p for r, _ in held for p in r.predicted_ious] or [p for r in results for p in r.predicted_ious]
        ai = [v for r, _ in held for v in r.ious] or [v for r in results for v in r.ious]
        png = args.artifacts / f"noc-reliability-{args.scene.stem}-{policy}.png"
        reliability_png(png, pq, ai, title=f"{args.scene.stem} {policy} (held-out)")
        figures["reliability_png"] = str(png)
    return figures


def figures_print(figures: dict) -> None:
    keys = ("NoC@80", "NoC@85", "NoC@90", "mIoU@1", "mIoU@5", "swallow_rate", "ece_predicted_iou")
    print(f"{'policy':8s} " + " ".join(f"{k:>16s}" for k in keys))
    for p, f in figures.items():
        for scope, g in (("all", f), ("held", f.get("held_out", {}))):
            if g:
                print(f"{p + '/' + scope:12s} " + " ".join(f"{g.get(k, float('nan')):16.3f}" for k in keys))
    for p, f in figures.items():
        if "reliability_png" in f:
            print(f"reliability diagram {p}: {f['reliability_png']}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", type=Path, default=SCENE)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--grid", type=float, default=None, help="cut instances by a grid of this many CRS units")
    parser.add_argument("--backend", choices=("onnx", "torch"), default=None)
    parser.add_argument("--max-clicks", type=int, default=evaluation.MAX_CLICKS)
    parser.add_argument("--limit", type=int, default=None, help="first N objects only")
    parser.add_argument("--fit-default", action="store_true",
                        help=f"fit the default calibrator on the even objects and write {DEFAULT_PATH.name}")
    parser.add_argument("--fit-clicks", type=int, default=10,
                        help="clicks per object while fitting (the first clicks carry the choice)")
    parser.add_argument("--artifacts", type=Path, default=ROOT / "artifacts")
    parser.add_argument("--policies", default=",".join(POLICIES))
    parser.add_argument("--bands", default=None,
                        help="comma-separated bands rendered as RGB (default: 1,2,3 with 3+ bands, else 1)")
    parser.add_argument("--no-corrections", action="store_true",
                        help="ablation: later answers keep no claims of the corrective clicks (inference.corrections)")
    parser.add_argument("--embedding-cache", action="store_true",
                        help="keep window embeddings under ARTIFACTS/noc-embeddings (reruns skip the encodes)")
    args = parser.parse_args(argv)
    backend = args.backend or default_decoder_backend()
    if args.no_corrections:
        CORRECTING.clear()
    policies = [p for p in args.policies.split(",") if p]

    t_load = time.perf_counter()
    model = get_model("vit_t")
    load_s = time.perf_counter() - t_load
    with rasterio.open(args.scene) as ds:
        polys = load_instances(args.labels, scene_crs=ds.crs, grid=args.grid)[: args.limit]
        bands = [int(b) for b in args.bands.split(",")] if args.bands else ([1, 2, 3] if ds.count >= 3 else [1])
        recipe = recipe_from_statistics(ds, bands=bands)
        cache_dir = embedding_cache_dir(args, model, recipe) if args.embedding_cache else None
        runner = Runner(model, ds, recipe, backend, cache_dir)
        objects = objects_on_windows(polys, ds)
        fit_half = [o for o in objects if o[0] % 2 == 0]
        held_out = {o[0] for o in objects if o[0] % 2 == 1}
        prior = SizePrior.from_areas([o[1].area for o in fit_half])  # CRS units^2: metres for projected scenes
        if args.fit_default:
            calibrator = fit_default(runner, fit_half, prior=prior, max_clicks=args.fit_clicks)
            DEFAULT_PATH.write_text(calibrator.to_json() + "\n")
            default_calibrator.cache_clear()
            print(f"wrote {DEFAULT_PATH} ({calibrator.meta['rows']} candidate rows)")
        calibrator = default_calibrator()
        figures: dict = {}
        for policy in policies:
            figures[policy] = policy_figures(runner, objects, policy, args, calibrator=calibrator, prior=prior,
                                             held_out=held_out)
        decoder_ms = time_decoders(runner, objects[0][2], objects[0][3], calibrator=calibrator, prior=prior)
    out = {
        "benchmark": "noc", "scene": str(args.scene), "labels": str(args.labels), "grid": args.grid,
        "n_objects": len(objects), "held_out_objects": len(held_out), "model": "MobileSAM vit_t",
        "checkpoint_sha256": model.sha256, "decoder_backend": backend,
        "calibrator": calibrator.meta.get("source"), "size_prior": None if prior is None else vars(prior),
        "windows_encoded": len(runner.embeddings),
        "encode_ms_p50": round(statistics.median(runner.encode_ms), 1) if runner.encode_ms else None,
        "decode_ms": decoder_ms, "model_load_s": round(load_s, 2),
        "machine": machine(torch=torch.__version__, torch_threads=torch.get_num_threads(), device=str(model.device)),
        **{p: {k: v for k, v in f.items() if k != "per_object"} for p, f in figures.items()},
    }
    print()
    print(f"objects {len(objects)} (held-out {len(held_out)}), backend {backend}, device {model.device}")
    figures_print(figures)
    print(f"decode per click ms: {decoder_ms}")
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
