"""Training-set builder for a project (Django reads only; nothing is written).

Objects
-------
- every Correction with a final geometry (accepted or edited): its proposal's embedding window, the final mask
  rasterised on that window's grid (pixel centre inside, :func:`inference.masks.rasterize_geometry`);
- every approved (reviewed) annotation that no correction covers: a window chosen for its bounds the way the
  benchmark chooses one (finest level from -2 whose half-extent holds it);
- an annotation corrected several times counts once, with its latest final geometry;
- rejected proposals, and those whose annotation was deleted after acceptance: negatives (their prompt on their
  window, IoU target 0).

Spatial split
-------------
The scene CRS plane (EPSG:3857 when the scene CRS is not in metres) is cut into square blocks of ``block_m``
metres anchored at the CRS origin. A block is held out when ``sha256("<scene checksum or id>:<bx>:<by>")`` maps below
``held_out_share``; an object belongs to the block of its centroid. Held-out objects are never trained on (they
are what the gate scores); held-out negatives are dropped.

Embeddings
----------
Read through ``inference``: the window image from the scene COG with its render recipe
(:func:`inference.imagery_window.read_window`), encoded with the base model (:func:`inference.sam.encode`), kept
in memory per process keyed by (encoder digest, scene checksum, recipe, window). A decoder-only fine-tune keeps the
encoder, so the same embeddings serve the base and the candidate.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field

import numpy as np
import pyproj
import shapely
from affine import Affine

from annotator.models import Annotation, ReviewState, Scene
from annotator.selectors.scenes import scene_cog_file, scene_cog_reading
from feedback.benchmark import window_for_object
from feedback.models import Correction, Outcome
from feedback.selectors import feedback_settings
from feedback.training import TrainSample
from inference.imagery_window import read_window, recipe_from_statistics, validate_recipe
from inference.masks import rasterize_geometry
from inference.sam import LoadedModel, encode
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


# ------------------------------------------------------------------------------------------------ pure parts


def block_of(x: float, y: float, *, block_m: float) -> tuple[int, int]:
    """Block indexes of a point in metres (blocks anchored at the CRS origin)."""
    return (int(np.floor(x / block_m)), int(np.floor(y / block_m)))


def block_held_out(scene_key: str, block: tuple[int, int], *, share: float) -> bool:
    """Deterministic: the first 8 bytes of sha256("<scene>:<bx>:<by>") as a fraction of 2**64, below ``share``."""
    digest = hashlib.sha256(f"{scene_key}:{block[0]}:{block[1]}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64 < share


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


def _statistics(path: str) -> dict:
    with scene_cog_reading():
        return recipe_from_statistics(path)


class _SceneGrid:
    def __init__(self, scene: Scene):
        self.scene = scene
        self.transform = Affine.from_gdal(*scene.transform)
        self.crs = pyproj.CRS.from_user_input(scene.crs)
        metric = self.crs.is_projected and self.crs.axis_info[0].unit_name in ("metre", "meter")
        self.metric_crs = self.crs if metric else pyproj.CRS.from_epsg(3857)
        self._to_metric = pyproj.Transformer.from_crs("EPSG:4326", self.metric_crs, always_xy=True)
        self._to_scene = pyproj.Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        self.scene_to_metric = pyproj.Transformer.from_crs(self.crs, self.metric_crs, always_xy=True)
        self.path = scene_cog_file(scene)  # local, or /vsis3/ in the media bucket: read inside scene_cog_reading()
        recipe = scene.render_recipe or {}
        self.recipe = (validate_recipe(recipe, band_count=scene.band_count) if recipe.get("bands")
                       else _statistics(self.path))

    def metric_xy(self, geom_4326) -> tuple[float, float]:
        c = geom_4326.centroid
        return self._to_metric.transform(c.x, c.y)

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


_EMB: dict[tuple, np.ndarray] = {}
_EMB_LOCK = threading.Lock()
_EMB_MAX = 256


def window_embedding(model: LoadedModel, grid: _SceneGrid, window: Window, *, encoder_key: str) -> np.ndarray:
    """fp16 ``(1, 256, 64, 64)`` embedding of a scene window, memoised per process."""
    key = (encoder_key, grid.scene.checksum or grid.scene.id, json.dumps(grid.recipe, sort_keys=True), window.key)
    with _EMB_LOCK:
        emb = _EMB.get(key)
    if emb is None:
        with scene_cog_reading():
            image = read_window(grid.path, window, grid.recipe)
        emb = encode(model, image.rgb)
        with _EMB_LOCK:
            if len(_EMB) >= _EMB_MAX:
                _EMB.pop(next(iter(_EMB)))
            _EMB[key] = emb
    return emb


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


def _negative_metric_xy(grid: _SceneGrid, window: Window, geom: shapely.Geometry | None) -> tuple[float, float]:
    """Where a negative lies for the split: its geometry's centroid, else its window's centre."""
    if geom is not None and not geom.is_empty:
        return grid.metric_xy(geom)
    u, v = window.size / 2, window.size / 2
    sx, sy = grid.transform @ window.window_to_scene(u, v)
    return grid.scene_to_metric.transform(sx, sy)


class _SetBuilder:
    """Places objects and negatives into the train / held-out parts of one :class:`TrainingSet`, counting them."""

    def __init__(self, *, model: LoadedModel, encoder_key: str, block_m: float, share: float):
        self.model, self.encoder_key, self.block_m, self.share = model, encoder_key, block_m, share
        self.grids: dict[int, _SceneGrid] = {}
        self.result = TrainingSet()
        self.counts = {"objects": 0, "train_objects": 0, "held_out_objects": 0, "negatives": 0,
                       "held_out_negatives": 0, "empty_masks": 0, "block_m": block_m, "held_out_share": share}

    def grid_of(self, scene: Scene) -> _SceneGrid:
        if scene.id not in self.grids:
            self.grids[scene.id] = _SceneGrid(scene)
        return self.grids[scene.id]

    def held_out(self, scene: Scene, xy: tuple[float, float]) -> bool:
        return block_held_out(scene.checksum or str(scene.id), block_of(*xy, block_m=self.block_m), share=self.share)

    def object_add(self, *, label: str, scene: Scene, geom: shapely.Geometry, known_window: Window | None) -> None:
        grid = self.grid_of(scene)
        window = known_window if known_window is not None else window_for_object(grid.pixel_bounds(geom))
        held = self.held_out(scene, grid.metric_xy(geom))
        mask = grid.mask(geom, window)
        if not mask.any():
            self.counts["empty_masks"] += 1
            return
        self.counts["objects"] += 1
        emb = window_embedding(self.model, grid, window, encoder_key=self.encoder_key)
        if held:
            self.counts["held_out_objects"] += 1
            self.result.held_out.append(EvalObject(embedding=emb, gt=mask, label=label))
        else:
            self.counts["train_objects"] += 1
            self.result.train.append(TrainSample(embedding=emb, target=mask, label=label))

    def negative_add(self, *, scene: Scene, prompt: dict, window: Window, geom: shapely.Geometry | None,
                     label: str) -> None:
        grid = self.grid_of(scene)
        if not prompt["points"] and not prompt["box"]:
            return
        if self.held_out(scene, _negative_metric_xy(grid, window, geom)):
            self.counts["held_out_negatives"] += 1
            return
        self.counts["negatives"] += 1
        emb = window_embedding(self.model, grid, window, encoder_key=self.encoder_key)
        self.result.train.append(TrainSample(embedding=emb, target=None, rejected_prompt=prompt, label=label))


def training_set_build(*, project, model: LoadedModel, encoder_key: str, block_m: float | None = None,
                       held_out_share: float | None = None, max_objects: int | None = None,
                       progress_cb=None) -> TrainingSet:
    """Objects and negatives of ``project`` split into train / held-out (see module docstring).

    ``progress_cb({"step", "total", "objects"})`` is called after each object or negative is read."""
    cfg = feedback_settings(project)
    block_m = float(block_m if block_m is not None else cfg["split_block_m"])
    share = float(held_out_share if held_out_share is not None else cfg["held_out_share"])
    objects, negatives = _training_rows(project)
    builder = _SetBuilder(model=model, encoder_key=encoder_key, block_m=block_m, share=share)
    total = min(len(objects), max_objects if max_objects is not None else len(objects)) + len(negatives)

    def tick(n: int) -> None:
        if progress_cb is not None:
            progress_cb({"step": n, "total": total, "objects": builder.counts["objects"]})

    for n, (label, (scene, geom, known_window)) in enumerate(objects.items()):
        if max_objects is not None and n >= max_objects:
            break
        tick(n)
        builder.object_add(label=label, scene=scene, geom=geom, known_window=known_window)
    done = total - len(negatives)
    for i, (scene, prompt, window, geom, label) in enumerate(negatives):
        tick(done + i)
        builder.negative_add(scene=scene, prompt=prompt, window=window, geom=geom, label=label)
    tick(total)
    builder.result.counts = builder.counts
    return builder.result
