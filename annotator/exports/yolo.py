"""YOLO segmentation (Ultralytics layout) on training chips with the same spatially blocked splits as `chips`.

yolo/images/{train,val,test}/<chip>.tif, yolo/labels/{train,val,test}/<chip>.txt, yolo/data.yaml. A label line is
`class x1 y1 x2 y2 ...` with the class 0-based (label-class order) and vertices normalised to [0, 1] over the chip;
each polygon part of an annotation clipped to the chip is one line. YOLO polygons have no holes: interiors are left
out (counted in the manifest). A chip without objects gets an empty label file (a background image).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
import yaml

from annotator.exports.chips import CHIP_DEFAULTS, SPLITS, check_chip_parameters, chip_image, chip_plan, split_counts
from annotator.exports.common import ExportDataset, Progress, ProgressSteps, pixel_geometries, window_box
from annotator.exports.registry import BaseExporter, register


@register
class YoloExporter(BaseExporter):
    name = "yolo"
    description = "YOLO segmentation labels on chips, train/val/test by spatial blocks, data.yaml"
    defaults = {**CHIP_DEFAULTS, "size": 640}

    def check(self) -> None:
        check_chip_parameters(self.parameters)

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        root = out_dir / "yolo"
        plan = chip_plan(dataset, self.parameters, progress=(lambda f, m: progress(0.3 * f, m)) if progress else None)
        steps = ProgressSteps((lambda f, m: progress(0.3 + 0.7 * f, m)) if progress else None, len(plan.chips))
        by_scene = dataset.by_scene()
        cache: dict[int, np.ndarray] = {}
        holes = lines_total = 0
        for chip in plan.chips:
            scene, window = chip.scene, chip.window
            if scene.id not in cache:
                cache = {scene.id: pixel_geometries(by_scene.get(scene.id, []), scene)}
            anns = by_scene.get(scene.id, [])
            box = window_box(window)
            lines = []
            for i in chip.annotation_indexes:
                ann = anns[i]
                if ann.label_class is None:
                    continue
                clipped = shapely.intersection(cache[scene.id][i], box)
                for part in shapely.get_parts(clipped):
                    if not isinstance(part, shapely.Polygon) or part.area == 0:
                        continue
                    holes += len(part.interiors)
                    coords = np.asarray(part.exterior.coords)[:-1]
                    x = (coords[:, 0] - window.col_off) / window.width
                    y = (coords[:, 1] - window.row_off) / window.height
                    xy = np.clip(np.column_stack([x, y]), 0.0, 1.0).ravel()
                    lines.append(f"{ann.label_class.index - 1} " + " ".join(f"{v:.6f}" for v in xy))
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
        return {"chips": split_counts(plan.chips), "label_lines": lines_total, "holes_left_out": holes,
                "dropped_straddling_splits": plan.dropped_straddling,
                "dropped_below_min_labelled_share": plan.dropped_unlabelled}
