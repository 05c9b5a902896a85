"""Training chips: image and mask tiles cut from each scene on its own grid, with spatially blocked splits.

Chips are `size` x `size` pixel windows on a grid with stride `size - overlap` (the last row and column are moved
back to end at the scene's edge). The scene is cut into square blocks of about `block_size_m` metres, snapped to a
whole number of strides; each block goes to train, val or test by a hash of (seed, scene checksum, block) weighed by
`splits`. A chip whose pixels touch blocks of two splits is dropped, so no chip is in two splits and chips of
different splits never share a pixel. Chips whose labelled share is below `min_labelled_share` are left out.

Files: chips/images/<chip>.tif (all bands, scene dtype, georeferenced), chips/masks/<chip>.tif (semantic class
index, 0 = unlabelled), chips/{train,val,test}.txt (one image path per line, relative to chips/), chips/chips.json.
COCO and YOLO cut the same chips through `chip_plan` and `chip_image`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import shapely
from rasterio.crs import CRS as RioCRS
from rasterio.windows import Window

from annotator.exports.common import (
    NODATA,
    ExportDataset,
    ExportInputError,
    ExportScene,
    Progress,
    ProgressSteps,
    class_values,
    crs_of,
    json_dump,
    mask_dtype,
    pixel_geometries,
    rasterize_on_grid,
    window_affine,
    window_box,
)
from annotator.exports.registry import BaseExporter, register

SPLITS = ("train", "val", "test")
CHIP_DEFAULTS = {"size": 512, "overlap": 0, "min_labelled_share": 0.0, "block_size_m": 1000.0,
                 "splits": [0.7, 0.15, 0.15], "seed": 0}


def check_chip_parameters(params: dict) -> None:
    if params["size"] < 16 or params["size"] > 8192:
        raise ExportInputError("Chip size must be between 16 and 8192 pixels.")
    if not 0 <= params["overlap"] < params["size"]:
        raise ExportInputError("Chip overlap must be at least 0 and less than the chip size.")
    if not 0.0 <= params["min_labelled_share"] <= 1.0:
        raise ExportInputError("min_labelled_share is a fraction between 0 and 1.")
    if params["block_size_m"] <= 0:
        raise ExportInputError("block_size_m must be positive.")
    ratios = params["splits"]
    if len(ratios) != 3 or min(ratios) < 0 or sum(ratios) <= 0:
        raise ExportInputError("splits takes three non-negative weights: train, val, test.")


@dataclass(frozen=True)
class Chip:
    scene: ExportScene
    window: Window
    split: str
    name: str
    labelled_share: float
    mask: np.ndarray  # semantic class index on the chip, (size, size)
    annotation_indexes: tuple[int, ...]  # indexes into the scene's annotation list that touch the chip


@dataclass
class ChipPlan:
    chips: list[Chip]
    block_size_px: dict[int, int]
    dropped_straddling: int = 0
    dropped_unlabelled: int = 0


def grid_starts(length: int, size: int, stride: int) -> list[int]:
    if length <= size:
        return [0]
    starts = list(range(0, length - size + 1, stride))
    if starts[-1] + size < length:
        starts.append(length - size)
    return starts


def pixel_size_m(scene: ExportScene) -> float:
    a = scene.affine
    size = math.hypot(a.a, a.d)
    crs = crs_of(scene.crs)
    if crs.is_geographic:
        centre = (a @ (scene.width / 2, scene.height / 2))[1]
        lat = scene.footprint.centroid.y if scene.footprint is not None else centre
        return size * 111_320.0 * max(math.cos(math.radians(lat)), 1e-6)
    factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    return size * factor


def block_split(*, seed: int, scene: ExportScene, bx: int, by: int, ratios) -> str:
    key = f"{seed}:{scene.checksum or scene.id}:{bx}:{by}".encode()
    u = int.from_bytes(hashlib.sha256(key).digest()[:8], "big") / 2**64
    total = float(sum(ratios))
    edge = 0.0
    for name, weight in zip(SPLITS, ratios, strict=True):
        edge += weight / total
        if u < edge:
            return name
    return SPLITS[-1] if ratios[-1] > 0 else SPLITS[int(np.argmax(ratios))]


def chip_plan(dataset: ExportDataset, params: dict, *, need_classes: bool = True,
              progress: Progress | None = None) -> ChipPlan:
    """Decide which chips to cut, their split and their semantic mask (no files written)."""
    size, stride = params["size"], params["size"] - params["overlap"]
    plan = ChipPlan(chips=[], block_size_px={})
    by_scene = dataset.by_scene()
    steps = ProgressSteps(progress, len(dataset.scenes))
    for scene in dataset.scenes:
        anns = by_scene.get(scene.id, [])
        geoms = pixel_geometries(anns, scene)
        values = class_values(anns)
        tree = shapely.STRtree(geoms) if len(geoms) else None
        block_px = max(1, round(params["block_size_m"] / pixel_size_m(scene) / stride)) * stride
        plan.block_size_px[scene.id] = block_px
        for row in grid_starts(scene.height, size, stride):
            for col in grid_starts(scene.width, size, stride):
                bxs = range(col // block_px, (col + size - 1) // block_px + 1)
                bys = range(row // block_px, (row + size - 1) // block_px + 1)
                splits = {block_split(seed=params["seed"], scene=scene, bx=bx, by=by, ratios=params["splits"])
                          for bx in bxs for by in bys}
                if len(splits) > 1:
                    plan.dropped_straddling += 1
                    continue
                window = Window(col, row, size, size)
                hits = tuple(sorted(int(i) for i in tree.query(window_box(window), predicate="intersects"))) \
                    if tree is not None else ()
                burn = [i for i in hits if values[i] > 0] if need_classes else list(hits)
                mask = rasterize_on_grid([geoms[i] for i in burn], [values[i] or 1 for i in burn],
                                         width=scene.width, height=scene.height, window=window,
                                         dtype=mask_dtype(max(values, default=0) or 1))
                share = float(np.count_nonzero(mask)) / mask.size
                if share < params["min_labelled_share"] or (params["min_labelled_share"] > 0 and share == 0):
                    plan.dropped_unlabelled += 1
                    continue
                plan.chips.append(Chip(scene=scene, window=window, split=splits.pop(),
                                       name=f"{scene.stem}_r{row:06d}_c{col:06d}", labelled_share=share,
                                       mask=mask, annotation_indexes=hits))
        steps.step(scene.name)
    return plan


def write_tif(path: Path, array: np.ndarray, *, crs: str, affine, nodata=None) -> None:
    if array.ndim == 2:
        array = array[np.newaxis]
    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(path, "w", driver="GTiff", count=array.shape[0], height=array.shape[1],
                       width=array.shape[2], dtype=array.dtype.name, crs=RioCRS.from_user_input(crs),
                       transform=affine, nodata=nodata, compress="DEFLATE", tiled=False) as dst:
        dst.write(array)


def chip_image(chip: Chip, path: Path) -> None:
    """Write the chip's pixels (every band, the scene's dtype; outside the scene filled with nodata or 0)."""
    with rasterio.open(chip.scene.path) as src:
        fill = src.nodata if src.nodata is not None else 0
        data = src.read(window=chip.window, boundless=True, fill_value=fill)
        write_tif(path, data, crs=chip.scene.crs, affine=window_affine(chip.scene.affine, chip.window),
                  nodata=src.nodata)


def chip_index(chip: Chip) -> dict:
    w = chip.window
    return {"name": chip.name, "split": chip.split, "scene_id": chip.scene.id,
            "window": [int(w.col_off), int(w.row_off), int(w.width), int(w.height)],
            "labelled_share": round(chip.labelled_share, 6), "annotations": len(chip.annotation_indexes)}


def split_counts(chips: list[Chip]) -> dict:
    return {name: sum(1 for c in chips if c.split == name) for name in SPLITS}


LabelLines = Callable[[Window, list, np.ndarray], list[str]]


def chip_label_files(dataset: ExportDataset, params: dict, root: Path, labels_dir: str, lines_for: LabelLines,
                     progress: Progress | None = None) -> tuple[ChipPlan, int]:
    """The layout every text-label chip format shares (YOLO, YOLO detection, DOTA): plan the chips (progress
    0-0.3), then for each chip write its image to ``root/images/<split>/<chip>.tif`` and the lines
    ``lines_for(window, annotations, pixel_geometries)`` gives for the annotations touching it (geometries in scene
    pixels, aligned with the annotations) to ``root/<labels_dir>/<split>/<chip>.txt`` (empty for a background
    chip). Returns the plan and the number of lines written."""
    plan = chip_plan(dataset, params, progress=(lambda f, m: progress(0.3 * f, m)) if progress else None)
    steps = ProgressSteps((lambda f, m: progress(0.3 + 0.7 * f, m)) if progress else None, len(plan.chips))
    by_scene = dataset.by_scene()
    cache: dict[int, np.ndarray] = {}
    total = 0
    for chip in plan.chips:
        scene = chip.scene
        if scene.id not in cache:  # chips come scene by scene: keep one scene's pixel geometries
            cache = {scene.id: pixel_geometries(by_scene.get(scene.id, []), scene)}
        anns = by_scene.get(scene.id, [])
        idx = list(chip.annotation_indexes)
        lines = lines_for(chip.window, [anns[i] for i in idx], cache[scene.id][idx])
        chip_image(chip, root / "images" / chip.split / f"{chip.name}.tif")
        label = root / labels_dir / chip.split / f"{chip.name}.txt"
        label.parent.mkdir(parents=True, exist_ok=True)
        label.write_text("".join(f"{line}\n" for line in lines))
        total += len(lines)
        steps.step(chip.name)
    return plan, total



@register
class ChipExporter(BaseExporter):
    name = "chips"
    description = "Image + semantic mask tiles with spatially blocked train/val/test splits and a list per split"
    defaults = dict(CHIP_DEFAULTS)

    def check(self) -> None:
        check_chip_parameters(self.parameters)

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        plan = chip_plan(dataset, self.parameters, progress=(lambda f, m: progress(f * 0.3, m)) if progress else None)
        steps = ProgressSteps((lambda f, m: progress(0.3 + 0.7 * f, m)) if progress else None, len(plan.chips))
        root = out_dir / "chips"
        lists: dict[str, list[str]] = {name: [] for name in SPLITS}
        for chip in plan.chips:
            chip_image(chip, root / "images" / f"{chip.name}.tif")
            write_tif(root / "masks" / f"{chip.name}.tif", chip.mask, crs=chip.scene.crs,
                      affine=window_affine(chip.scene.affine, chip.window), nodata=NODATA)
            lists[chip.split].append(f"images/{chip.name}.tif")
            steps.step(chip.name)
        for name, paths in lists.items():
            (root / f"{name}.txt").parent.mkdir(parents=True, exist_ok=True)
            (root / f"{name}.txt").write_text("".join(f"{p}\n" for p in sorted(paths)))
        classes = [{"index": c.index, "name": c.name, "label_class_id": c.id} for c in dataset.classes]
        json_dump(root / "chips.json", {"chips": [chip_index(c) for c in plan.chips], "classes": classes,
                                        "nodata": NODATA, "block_size_px": {str(k): v for k, v in
                                                                            plan.block_size_px.items()}})
        return {"chips": split_counts(plan.chips), "dropped_straddling_splits": plan.dropped_straddling,
                "dropped_below_min_labelled_share": plan.dropped_unlabelled,
                "block_size_px": {str(k): v for k, v in plan.block_size_px.items()}}
