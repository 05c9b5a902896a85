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
from pathlib import Path

import numpy as np
import pyproj
import shapely
from affine import Affine
from django.conf import settings

from annotator.models import Annotation, ReviewState, Scene
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
        self.path = Path(settings.MEDIA_ROOT) / scene.cog_path
        recipe = scene.render_recipe or {}
        self.recipe = (validate_recipe(recipe, band_count=scene.band_count) if recipe.get("bands")
                       else recipe_from_statistics(self.path))

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
        emb = encode(model, read_window(grid.path, window, grid.recipe).rgb)
        with _EMB_LOCK:
            if len(_EMB) >= _EMB_MAX:
                _EMB.pop(next(iter(_EMB)))
            _EMB[key] = emb
    return emb


def _shapely(geos) -> shapely.Geometry:
    return shapely.from_wkb(bytes(geos.wkb))


# ------------------------------------------------------------------------------------------------ the builder


def training_set_build(*, project, model: LoadedModel, encoder_key: str, block_m: float | None = None,
                       held_out_share: float | None = None, max_objects: int | None = None,
                       progress_cb=None) -> TrainingSet:
    """Objects and negatives of ``project`` split into train / held-out (see module docstring).

    ``progress_cb({"step", "total", "objects"})`` is called after each object or negative is read."""
    cfg = feedback_settings(project)
    block_m = float(block_m if block_m is not None else cfg["split_block_m"])
    share = float(held_out_share if held_out_share is not None else cfg["held_out_share"])
    grids: dict[int, _SceneGrid] = {}

    def grid_of(scene: Scene) -> _SceneGrid:
        if scene.id not in grids:
            grids[scene.id] = _SceneGrid(scene)
        return grids[scene.id]

    # (scene, geometry 4326 shapely, window | None, label) per object; the latest correction wins per annotation.
    objects: dict[str, tuple[Scene, shapely.Geometry, Window | None]] = {}
    negatives: list[tuple[Scene, dict, Window, shapely.Geometry | None, str]] = []
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
            continue
        if corr.final_geometry is None:
            continue
        if corr.annotation is not None and (corr.annotation.deleted
                                            or corr.annotation.review_state == ReviewState.REJECTED):
            continue
        key = f"annotation:{corr.annotation_id}" if corr.annotation_id else f"correction:{corr.id}"
        objects[key] = (proposal.scene, _shapely(corr.final_geometry), window)
    reviewed = (Annotation.objects.filter(project=project, deleted=False, review_state=ReviewState.APPROVED)
                .select_related("scene").order_by("id"))
    for ann in reviewed:
        key = f"annotation:{ann.id}"
        if key in objects:
            objects[key] = (ann.scene, _shapely(ann.geometry), objects[key][2])  # reviewed geometry is final
        else:
            objects[key] = (ann.scene, _shapely(ann.geometry), None)

    result = TrainingSet()
    counts = {"objects": 0, "train_objects": 0, "held_out_objects": 0, "negatives": 0, "held_out_negatives": 0,
              "empty_masks": 0, "block_m": block_m, "held_out_share": share}
    total = min(len(objects), max_objects if max_objects is not None else len(objects)) + len(negatives)

    def tick(n: int) -> None:
        if progress_cb is not None:
            progress_cb({"step": n, "total": total, "objects": counts["objects"]})

    for n, (label, (scene, geom, known_window)) in enumerate(objects.items()):
        if max_objects is not None and n >= max_objects:
            break
        tick(n)
        grid = grid_of(scene)
        window = known_window if known_window is not None else window_for_object(grid.pixel_bounds(geom))
        block = block_of(*grid.metric_xy(geom), block_m=block_m)
        held = block_held_out(scene.checksum or str(scene.id), block, share=share)
        mask = grid.mask(geom, window)
        if not mask.any():
            counts["empty_masks"] += 1
            continue
        counts["objects"] += 1
        emb = window_embedding(model, grid, window, encoder_key=encoder_key)
        if held:
            counts["held_out_objects"] += 1
            result.held_out.append(EvalObject(embedding=emb, gt=mask, label=label))
        else:
            counts["train_objects"] += 1
            result.train.append(TrainSample(embedding=emb, target=mask, label=label))
    done = total - len(negatives)
    for i, (scene, prompt, window, geom, label) in enumerate(negatives):
        tick(done + i)
        grid = grid_of(scene)
        if not prompt["points"] and not prompt["box"]:
            continue
        if geom is not None and not geom.is_empty:
            xy = grid.metric_xy(geom)
        else:
            u, v = window.size / 2, window.size / 2
            sx, sy = grid.transform @ window.window_to_scene(u, v)
            xy = grid.scene_to_metric.transform(sx, sy)
        if block_held_out(scene.checksum or str(scene.id), block_of(*xy, block_m=block_m), share=share):
            counts["held_out_negatives"] += 1
            continue
        counts["negatives"] += 1
        emb = window_embedding(model, grid, window, encoder_key=encoder_key)
        result.train.append(TrainSample(embedding=emb, target=None, rejected_prompt=prompt, label=label))
    tick(total)
    result.counts = counts
    return result
