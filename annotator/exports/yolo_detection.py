"""YOLO detection (Ultralytics layout) on training chips with the same spatially blocked splits as `chips`.

yolo_detection/images/{train,val,test}/<chip>.tif, yolo_detection/labels/{train,val,test}/<chip>.txt, data.yaml.
A label line is `class cx cy w h`: the class 0-based (label-class order), the bounding box of the annotation's
footprint clipped to the chip, normalised to [0, 1] over the chip. Points (no area of their own) and annotations
without a class are left out. A chip without boxes gets an empty label file (a background image).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from annotator.exports.chips import CHIP_DEFAULTS, SPLITS, check_chip_parameters, chip_image, chip_plan, split_counts
from annotator.exports.coco_detection import detection_boxes
from annotator.exports.common import ExportDataset, Progress, ProgressSteps, pixel_geometries
from annotator.exports.registry import BaseExporter, register


@register
class YoloDetectionExporter(BaseExporter):
    name = "yolo_detection"
    description = "YOLO detection labels (class cx cy w h) on chips, train/val/test by spatial blocks, data.yaml"
    defaults = {**CHIP_DEFAULTS, "size": 640}

    def check(self) -> None:
        check_chip_parameters(self.parameters)

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        root = out_dir / "yolo_detection"
        plan = chip_plan(dataset, self.parameters, progress=(lambda f, m: progress(0.3 * f, m)) if progress else None)
        steps = ProgressSteps((lambda f, m: progress(0.3 + 0.7 * f, m)) if progress else None, len(plan.chips))
        by_scene = dataset.by_scene()
        cache: dict[int, np.ndarray] = {}
        lines_total = 0
        for chip in plan.chips:
            scene, window = chip.scene, chip.window
            if scene.id not in cache:
                cache = {scene.id: pixel_geometries(by_scene.get(scene.id, []), scene)}
            anns = by_scene.get(scene.id, [])
            idx = list(chip.annotation_indexes)
            kept, _points = detection_boxes([anns[i] for i in idx], cache[scene.id][idx], window)
            lines = []
            for ann, geom in kept:
                minx, miny, maxx, maxy = geom.bounds
                cx = ((minx + maxx) / 2 - window.col_off) / window.width
                cy = ((miny + maxy) / 2 - window.row_off) / window.height
                w, h = (maxx - minx) / window.width, (maxy - miny) / window.height
                lines.append(f"{ann.label_class.index - 1} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}")
            chip_image(chip, root / "images" / chip.split / f"{chip.name}.tif")
            label = root / "labels" / chip.split / f"{chip.name}.txt"
            label.parent.mkdir(parents=True, exist_ok=True)
            label.write_text("".join(f"{line}\n" for line in lines))
            lines_total += len(lines)
            steps.step(chip.name)
        data = {"path": ".", **{name: f"images/{name}" for name in SPLITS},
                "names": {c.index - 1: c.name for c in dataset.classes}}
        root.mkdir(parents=True, exist_ok=True)
        (root / "data.yaml").write_text(yaml.safe_dump(data, sort_keys=True))
        return {"chips": split_counts(plan.chips), "label_lines": lines_total,
                "dropped_straddling_splits": plan.dropped_straddling,
                "dropped_below_min_labelled_share": plan.dropped_unlabelled}
