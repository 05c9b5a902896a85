"""YOLO detection (Ultralytics layout) on training chips with the same spatially blocked splits as `chips`.

yolo_detection/images/{train,val,test}/<chip>.tif, yolo_detection/labels/{train,val,test}/<chip>.txt, data.yaml.
A label line is `class cx cy w h`: the class 0-based (label-class order), the bounding box of the annotation's
footprint clipped to the chip, normalised to [0, 1] over the chip. Points (no area of their own) and annotations
without a class are left out. A chip without boxes gets an empty label file (a background image).
"""

from __future__ import annotations

from pathlib import Path

from annotator.exports.chips import CHIP_DEFAULTS, check_chip_parameters, chip_label_files, split_counts
from annotator.exports.coco_detection import detection_boxes
from annotator.exports.common import ExportDataset, Progress
from annotator.exports.registry import BaseExporter, register
from annotator.exports.yolo import yolo_data_yaml


@register
class YoloDetectionExporter(BaseExporter):
    name = "yolo_detection"
    description = "YOLO detection labels (class cx cy w h) on chips, train/val/test by spatial blocks, data.yaml"
    defaults = {**CHIP_DEFAULTS, "size": 640}

    def check(self) -> None:
        check_chip_parameters(self.parameters)

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        root = out_dir / "yolo_detection"

        def lines_for(window, anns, geoms) -> list[str]:
            kept, _points = detection_boxes(anns, geoms, window)
            lines = []
            for ann, geom in kept:
                minx, miny, maxx, maxy = geom.bounds
                cx = ((minx + maxx) / 2 - window.col_off) / window.width
                cy = ((miny + maxy) / 2 - window.row_off) / window.height
                w, h = (maxx - minx) / window.width, (maxy - miny) / window.height
                lines.append(f"{ann.label_class.index - 1} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}")
            return lines

        plan, lines_total = chip_label_files(dataset, self.parameters, root, "labels", lines_for, progress)
        yolo_data_yaml(root, dataset)
        return {"chips": split_counts(plan.chips), "label_lines": lines_total,
                "dropped_straddling_splits": plan.dropped_straddling,
                "dropped_below_min_labelled_share": plan.dropped_unlabelled}
