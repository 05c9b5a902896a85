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

from annotator.exports.chips import CHIP_DEFAULTS, SPLITS, check_chip_parameters, chip_label_files, split_counts
from annotator.exports.common import ExportDataset, Progress, window_box
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
        holes = 0

        def lines_for(window, anns, geoms) -> list[str]:
            nonlocal holes
            box = window_box(window)
            lines = []
            for ann, geom in zip(anns, geoms, strict=True):
                if ann.label_class is None:
                    continue
                for part in shapely.get_parts(shapely.intersection(geom, box)):
                    if not isinstance(part, shapely.Polygon) or part.area == 0:
                        continue
                    holes += len(part.interiors)
                    coords = np.asarray(part.exterior.coords)[:-1]
                    x = (coords[:, 0] - window.col_off) / window.width
                    y = (coords[:, 1] - window.row_off) / window.height
                    xy = np.clip(np.column_stack([x, y]), 0.0, 1.0).ravel()
                    lines.append(f"{ann.label_class.index - 1} " + " ".join(f"{v:.6f}" for v in xy))
            return lines

        plan, lines_total = chip_label_files(dataset, self.parameters, root, "labels", lines_for, progress)
        yolo_data_yaml(root, dataset)
        return {"chips": split_counts(plan.chips), "label_lines": lines_total, "holes_left_out": holes,
                "dropped_straddling_splits": plan.dropped_straddling,
                "dropped_below_min_labelled_share": plan.dropped_unlabelled}


def yolo_data_yaml(root: Path, dataset: ExportDataset) -> None:
    """Ultralytics' data.yaml: the split folders and the 0-based class names (label-class order)."""
    data = {"path": ".", **{name: f"images/{name}" for name in SPLITS},
            "names": {c.index - 1: c.name for c in dataset.classes}}
    root.mkdir(parents=True, exist_ok=True)
    (root / "data.yaml").write_text(yaml.safe_dump(data, sort_keys=True))
