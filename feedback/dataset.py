"""Training-set builder for a project (Django reads; the only writes are embeddings into the shared cache).

Objects
-------
- every Correction with a final geometry (accepted or edited): its proposal's embedding window, the final mask
  rasterised on that window's grid (pixel centre inside, :func:`inference.masks.rasterize_geometry`);
- every approved (reviewed) annotation that no correction covers: a window chosen for its bounds the way the
  benchmark chooses one (finest level from -2 whose half-extent holds it);
- an annotation corrected several times counts once, with its latest final geometry;
- rejected proposals, and those whose annotation was deleted after acceptance: negatives (their prompt on their
  window, IoU target 0).

Held-out split
--------------
:mod:`feedback.split` places every object and negative on the training side, the held-out side (what the gate
scores, never trained on) or the buffer between them, with blocks sized from the objects' own size and spacing in
each scene's metric plane (the scene CRS when it is in metres, else EPSG:3857); ``split_block_m`` > 0 forces a
block side. ``TrainingSet.split`` reports the blocks, the held-out areas (EPSG:4326 boxes) and, when there are too
few held-out objects for the gate's paired test, a shortfall whose ``message`` says how many more corrections and
where, in words for the Models screen.

Embeddings
----------
From the embedding cache (:func:`inference.services.embeddings.embedding_cached`, keyed by encoder digest, scene,
render recipe and window): windows the annotators prompted on are already there; a missing one is encoded here
once, with the base model, and stored for every later run, the prompt path and the candidate (a decoder-only
fine-tune keeps the encoder, so the same embeddings serve base and candidate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pyproj
import rasterio
import shapely
from affine import Affine

from annotator.models import Annotation, ReviewState, Scene
from core.hashing import sha256_file
from feedback import benchmark as bench
from feedback.benchmark import window_for_object
from feedback.models import Correction, Outcome
from feedback.selectors import feedback_settings
from feedback.split import HELD_OUT, TRAIN, Shortfall, SplitItem, SplitPlan, plan_split
from feedback.training import TrainSample
from inference.imagery_window import read_window, recipe_from_statistics
from inference.masks import rasterize_geometry
from inference.sam import LoadedModel, encode
from inference.services.embeddings import (
    EmbeddingKey,
    embedding_cached,
    embedding_key,
    recipe_hash,
    scene_window_rgb,
)
from inference.windows import Window


@dataclass(frozen=True, eq=False)
class EvalObject:
    """A held-out object: embedding of its window, bool ground-truth mask on the window grid."""

    embedding: np.ndarray
    gt: np.ndarray
    label: str


@dataclass
class TrainingSet:
    train: list[TrainSample] = field(default_factory=list)
    held_out: list[EvalObject] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    split: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------ pure parts


def window_from_json(data: dict) -> Window:
    """A proposal's window record -> Window (``{"key": "L-2/c3/r5/s1024"}`` or level/col/row/size)."""
    if "key" in data:
        return Window.from_key(data["key"])
    return Window(level=int(data["level"]), col=int(data["col"]), row=int(data["row"]),
                  size=int(data.get("size", 1024)))


def prompt_pixels(prompt: dict) -> dict:
    """A proposal's prompt record -> ``{"points", "labels", "box"}`` in window pixels.

    Accepts the pixel part under ``"pixel"``/``"window"`` or at the top level; points as ``[[x, y], ...]``.
    """
    part = prompt.get("pixel") or prompt.get("window") or prompt
    points = part.get("points") or []
    points = [[float(p["x"]), float(p["y"])] if isinstance(p, dict) else [float(p[0]), float(p[1])] for p in points]
    labels = [int(v) for v in (part.get("labels") or [1] * len(points))]
    box = part.get("box")
    return {"points": points, "labels": labels, "box": list(box) if box else None}


# ------------------------------------------------------------------------------------------------ scene helpers


class _SceneGrid:
    def __init__(self, scene: Scene):
        self.scene = scene
        self.transform = Affine.from_gdal(*scene.transform)
        self.crs = pyproj.CRS.from_user_input(scene.crs)
        metric = self.crs.is_projected and self.crs.axis_info[0].unit_name in ("metre", "meter")
        self.metric_crs = self.crs if metric else pyproj.CRS.from_epsg(3857)
        self.group = self.metric_crs.to_string()
        self._to_metric = pyproj.Transformer.from_crs("EPSG:4326", self.metric_crs, always_xy=True)
        self._to_scene = pyproj.Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        self.scene_to_metric = pyproj.Transformer.from_crs(self.crs, self.metric_crs, always_xy=True)

    def metric_geometry(self, geom_4326) -> shapely.Geometry:
        to_metric = self._to_metric
        return shapely.transform(geom_4326, lambda xy: np.column_stack(to_metric.transform(xy[:, 0], xy[:, 1])))

    def pixel_bounds(self, geom_4326) -> tuple[float, float, float, float]:
        to_scene = self._to_scene
        scene_geom = shapely.transform(geom_4326, lambda xy: np.column_stack(to_scene.transform(xy[:, 0], xy[:, 1])))
        minx, miny, maxx, maxy = scene_geom.bounds
        inv = ~self.transform
        (x0, y0), (x1, y1) = inv @ (minx, maxy), inv @ (maxx, miny)
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    def mask(self, geom_4326, window: Window) -> np.ndarray:
        return rasterize_geometry(geom_4326, transform=window.geo_transform(self.transform),
                                  shape=(window.size, window.size), crs=self.crs.to_string())


def window_embedding(model: LoadedModel, grid: _SceneGrid, window: Window, *, encoder_key: str) -> np.ndarray:
    """fp16 ``(1, 256, 64, 64)`` embedding of a scene window through the embedding cache (encoded here, once,
    when no one has yet)."""
    key = embedding_key(encoder_sha256=encoder_key, scene=grid.scene, window=window)
    return embedding_cached(key=key, compute=lambda: encode(model, scene_window_rgb(grid.scene, window)))


def _shapely(geos) -> shapely.Geometry:
    return shapely.from_wkb(bytes(geos.wkb))


# ------------------------------------------------------------------------------------------------ the builder


_ObjectRow = tuple[Scene, shapely.Geometry, Window | None]  # scene, geometry (4326), its proposal's window if any
_NegativeRow = tuple[Scene, dict, Window, shapely.Geometry | None, str]  # scene, prompt, window, geometry, label


def _correction_is_object(corr: Correction) -> bool:
    """A kept correction counts as an object when it has a final geometry and its annotation (if any) is neither
    deleted nor rejected in review."""
    if corr.final_geometry is None:
        return False
    ann = corr.annotation
    return ann is None or not (ann.deleted or ann.review_state == ReviewState.REJECTED)


def _training_rows(project) -> tuple[dict[str, _ObjectRow], list[_NegativeRow]]:
    """Objects keyed by ``annotation:<id>`` (or ``correction:<id>``) and negatives of ``project``: the latest
    correction wins per annotation; a reviewed annotation's geometry is final."""
    objects: dict[str, _ObjectRow] = {}
    negatives: list[_NegativeRow] = []
    corrections = (Correction.objects.filter(project=project).select_related("proposal", "proposal__scene",
                                                                              "annotation").order_by("id"))
    for corr in corrections:
        proposal = corr.proposal
        if proposal is None:
            continue  # an annotation no proposal made: its reviewed geometry comes in below
        window = window_from_json(proposal.window)
        if corr.outcome in (Outcome.REJECTED, Outcome.DELETED):
            geom = _shapely(proposal.geometry) if proposal.geometry is not None else None
            negatives.append((proposal.scene, prompt_pixels(proposal.prompt), window, geom, f"correction:{corr.id}"))
        elif _correction_is_object(corr):
            key = f"annotation:{corr.annotation_id}" if corr.annotation_id else f"correction:{corr.id}"
            objects[key] = (proposal.scene, _shapely(corr.final_geometry), window)
    reviewed = (Annotation.objects.filter(project=project, deleted=False, review_state=ReviewState.APPROVED)
                .select_related("scene").order_by("id"))
    for ann in reviewed:
        key = f"annotation:{ann.id}"
        known_window = objects[key][2] if key in objects else None
        objects[key] = (ann.scene, _shapely(ann.geometry), known_window)  # reviewed geometry is final
    return objects, negatives


def _negative_metric_geometry(grid: _SceneGrid, window: Window, geom: shapely.Geometry | None) -> shapely.Geometry:
    """Where a negative lies for the split: its geometry, else its window's centre."""
    if geom is not None and not geom.is_empty:
        return grid.metric_geometry(geom)
    u, v = window.size / 2, window.size / 2
    sx, sy = grid.transform @ window.window_to_scene(u, v)
    return shapely.Point(*grid.scene_to_metric.transform(sx, sy))


@dataclass(frozen=True, eq=False)
class _Placed:
    """An object or negative read and placed in its scene's metric plane, before the split."""

    label: str
    grid: _SceneGrid
    window: Window
    item: SplitItem
    mask: np.ndarray | None = None  # objects
    prompt: dict | None = None  # negatives


def _lon_lat(group: str, x: float, y: float) -> tuple[float, float]:
    lon, lat = pyproj.Transformer.from_crs(group, "EPSG:4326", always_xy=True).transform(x, y)
    return float(lon), float(lat)


def _where(lon: float, lat: float) -> str:
    return f"{abs(lat):.5f}\u00b0{'N' if lat >= 0 else 'S'} {abs(lon):.5f}\u00b0{'E' if lon >= 0 else 'W'}"


def _area(block) -> dict:
    minx, miny, maxx, maxy = block.bounds
    tr = pyproj.Transformer.from_crs(block.group, "EPSG:4326", always_xy=True)
    xs, ys = tr.transform([minx, maxx, maxx, minx], [miny, miny, maxy, maxy])
    lon, lat = _lon_lat(block.group, (minx + maxx) / 2, (miny + maxy) / 2)
    return {"crs": block.group, "side_m": block.side_m, "objects": block.objects, "held_out": block.held_out,
            "bbox": [round(min(xs), 7), round(min(ys), 7), round(max(xs), 7), round(max(ys), 7)],
            "centre": [round(lon, 7), round(lat, 7)], "where": _where(lon, lat)}


MAX_AREAS_NAMED = 5


def shortfall_message(sf: Shortfall, *, plan: SplitPlan, alpha: float, objects: int) -> str:
    """The verdict an admin can act on when the held-out side is too small to judge."""
    head = (f"Too little to judge: {sf.held_out} held-out object(s); the gate's paired test at alpha={alpha:g} "
            f"needs at least {sf.needed}.")
    if sf.reason == "no_share":
        return head + " The held-out share is 0, so nothing is kept aside: set a held-out share above 0."
    if sf.reason == "no_objects":
        return head + f" There are no corrected objects yet: add at least {sf.more_anywhere} corrections."
    if sf.reason == "one_block":
        blocks = [_area(b) for b in plan.blocks]
        side = max(b["side_m"] for b in blocks)
        spots = "; ".join(f"{b['side_m']:g} m square at {b['where']}" for b in blocks[:MAX_AREAS_NAMED])
        return (head + f" All {objects} corrected objects lie too close together to hold any out ({spots}): add "
                f"about {sf.more_anywhere} more corrections elsewhere in the imagery, at least {side:g} m from these.")
    areas = [_area(b) for b in plan.held_out_blocks()]
    named = "; ".join(f"{a['side_m']:g} m square at {a['where']}" for a in areas[:MAX_AREAS_NAMED])
    more_areas = f" and {len(areas) - MAX_AREAS_NAMED} more" if len(areas) > MAX_AREAS_NAMED else ""
    return (head + f" Add {sf.more} more correction(s) inside the held-out areas ({named}{more_areas}), or about "
            f"{sf.more_anywhere} spread over the project (about {plan.share:.0%} of them land in held-out areas).")


def split_report(plan: SplitPlan, *, alpha: float, objects: int) -> dict:
    """What the job records about the split: block sides, the held-out areas, and the shortfall if any."""
    sf = plan.shortfall
    return {
        "share": plan.share, "alpha": alpha, "needed": plan.needed, "block_m": dict(plan.block_m),
        "held_out_areas": [_area(b) for b in plan.held_out_blocks()],
        "shortfall": None if sf is None else {
            "held_out": sf.held_out, "needed": sf.needed, "more": sf.more, "more_anywhere": sf.more_anywhere,
            "reason": sf.reason, "message": shortfall_message(sf, plan=plan, alpha=alpha, objects=objects)},
    }


class _SetBuilder:
    """Reads objects and negatives, splits them (:mod:`feedback.split`), and fills one :class:`TrainingSet` with
    the embeddings of the parts that are used."""

    def __init__(self, *, model: LoadedModel, encoder_key: str):
        self.model, self.encoder_key = model, encoder_key
        self.grids: dict[int, _SceneGrid] = {}
        self.placed: list[_Placed] = []
        self.empty_masks = 0

    def grid_of(self, scene: Scene) -> _SceneGrid:
        if scene.id not in self.grids:
            self.grids[scene.id] = _SceneGrid(scene)
        return self.grids[scene.id]

    def object_add(self, *, label: str, scene: Scene, geom: shapely.Geometry, known_window: Window | None) -> None:
        grid = self.grid_of(scene)
        window = known_window if known_window is not None else window_for_object(grid.pixel_bounds(geom))
        mask = grid.mask(geom, window)
        if not mask.any():
            self.empty_masks += 1
            return
        item = SplitItem(key=label, group=grid.group, geometry=grid.metric_geometry(geom))
        self.placed.append(_Placed(label=label, grid=grid, window=window, item=item, mask=mask))

    def negative_add(self, *, scene: Scene, prompt: dict, window: Window, geom: shapely.Geometry | None,
                     label: str) -> None:
        if not prompt["points"] and not prompt["box"]:
            return
        grid = self.grid_of(scene)
        item = SplitItem(key=label, group=grid.group, geometry=_negative_metric_geometry(grid, window, geom),
                         negative=True)
        self.placed.append(_Placed(label=label, grid=grid, window=window, item=item, prompt=prompt))

    def embedding(self, placed: _Placed) -> np.ndarray:
        return window_embedding(self.model, placed.grid, placed.window, encoder_key=self.encoder_key)


def _counts(plan: SplitPlan, placed: list[_Placed], empty_masks: int) -> dict:
    items = [p.item for p in placed]
    objects = sum(1 for it in items if not it.negative)
    train_neg = plan.count(TRAIN, negative=True, items=items)
    return {"objects": objects, "train_objects": plan.count(TRAIN, negative=False, items=items),
            "held_out_objects": plan.count(HELD_OUT, negative=False, items=items),
            "buffer_objects": objects - plan.count(TRAIN, negative=False, items=items)
            - plan.count(HELD_OUT, negative=False, items=items),
            "negatives": train_neg, "held_out_negatives": len(items) - objects - train_neg,
            "empty_masks": empty_masks, "windows": len({(p.grid.scene.id, p.window.key) for p in placed}),
            "block_m": ", ".join(f"{v:g}" for v in plan.block_m.values()), "held_out_share": plan.share}


def training_set_build(*, project, model: LoadedModel, encoder_key: str, block_m: float | None = None,
                       held_out_share: float | None = None, max_objects: int | None = None,
                       alpha: float | None = None, progress_cb=None) -> TrainingSet:
    """Objects and negatives of ``project`` split into train / held-out / buffer (see module docstring).

    ``progress_cb({"step", "total", "objects"})`` is called as objects are read and as their embeddings come."""
    cfg = feedback_settings(project)
    forced = float(block_m if block_m is not None else cfg["split_block_m"] or 0.0)
    share = float(held_out_share if held_out_share is not None else cfg["held_out_share"])
    alpha = float(alpha if alpha is not None else cfg["gate_alpha"])
    objects, negatives = _training_rows(project)
    rows = list(objects.items())[:max_objects] if max_objects is not None else list(objects.items())
    builder = _SetBuilder(model=model, encoder_key=encoder_key)
    total = 2 * (len(rows) + len(negatives))

    def tick(n: int) -> None:
        if progress_cb is not None:
            progress_cb({"step": n, "total": total, "objects": sum(1 for p in builder.placed if p.mask is not None)})

    for n, (label, (scene, geom, known_window)) in enumerate(rows):
        tick(n)
        builder.object_add(label=label, scene=scene, geom=geom, known_window=known_window)
    for i, (scene, prompt, window, geom, label) in enumerate(negatives):
        tick(len(rows) + i)
        builder.negative_add(scene=scene, prompt=prompt, window=window, geom=geom, label=label)
    plan = plan_split([p.item for p in builder.placed], share=share, alpha=alpha, block_m=forced or None)
    result = TrainingSet()
    done = total - len(builder.placed)
    for i, placed in enumerate(builder.placed):
        tick(done + i)
        side = plan.side[placed.label]
        if side == HELD_OUT and placed.mask is not None:
            result.held_out.append(EvalObject(embedding=builder.embedding(placed), gt=placed.mask, label=placed.label))
        elif side == TRAIN:
            result.train.append(TrainSample(embedding=builder.embedding(placed), target=placed.mask,
                                            rejected_prompt=placed.prompt, label=placed.label))
    tick(total)
    result.counts = _counts(plan, builder.placed, builder.empty_masks)
    result.split = split_report(plan, alpha=alpha, objects=result.counts["objects"])
    return result


# ------------------------------------------------------------------------------------------------ the benchmark


def _encode_read(model: LoadedModel, dataset, window: Window, recipe: dict) -> np.ndarray:
    return encode(model, read_window(dataset, window, recipe).rgb)


def benchmark_eval_objects(*, model: LoadedModel, encoder_key: str, limit: int | None = None) -> list[EvalObject]:
    """The fixed Atlanta benchmark (:mod:`feedback.benchmark`) as evaluation objects, their windows' embeddings
    through the embedding cache (keyed by the sample file's digest), so a worker encodes them once, not per job."""
    objs = bench.atlanta_objects()
    objs = objs[: int(limit)] if limit else objs
    recipe = recipe_from_statistics(bench.ATLANTA_SCENE)
    scene_key = "bench-" + sha256_file(bench.ATLANTA_SCENE)[:18]
    out = []
    with rasterio.open(bench.ATLANTA_SCENE) as ds:
        for o in objs:
            key = EmbeddingKey(encoder=encoder_key, scene=scene_key, recipe=recipe_hash(recipe), window=o.window.key)
            emb = embedding_cached(key=key, compute=partial(_encode_read, model, ds, o.window, recipe))
            out.append(EvalObject(embedding=emb, gt=o.gt, label=o.label))
    return out
