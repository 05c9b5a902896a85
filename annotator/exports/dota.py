"""DOTA-style oriented boxes on training chips with the same spatially blocked splits as `chips`.

dota/images/{train,val,test}/<chip>.tif and dota/labelTxt/{train,val,test}/<chip>.txt, one line per object:
`x1 y1 x2 y2 x3 y3 x4 y4 class difficult`, the corners in chip pixel coordinates (column, row), clockwise on the
image starting from the corner nearest its top-left, `class` the label-class name (spaces as underscores) and
`difficult` 0. The box is the minimum rotated rectangle of the annotation's footprint clipped to the chip: a rotated
box's own rectangle, the rectangle of an axis-aligned box, and the tightest rectangle of a polygon or a line.
Points and annotations without a class are left out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

from annotator.exports.chips import CHIP_DEFAULTS, check_chip_parameters, chip_label_files, split_counts
from annotator.exports.coco_detection import detection_boxes
from annotator.exports.common import ExportDataset, Progress
from annotator.exports.registry import BaseExporter, register


def oriented_corners(geom) -> np.ndarray:
    """The four corners (4 x 2) of the minimum rotated rectangle of a pixel-space geometry, clockwise on the image
    (rows grow downwards), starting from the corner nearest the top-left."""
    rectangle = shapely.minimum_rotated_rectangle(geom)
    corners = np.asarray(rectangle.exterior.coords)[:-1] if rectangle.geom_type == "Polygon" else None
    if corners is None or len(corners) != 4:
        minx, miny, maxx, maxy = geom.bounds
        corners = np.array([[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy]])
    x, y = corners[:, 0], corners[:, 1]
    signed = np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)
    if signed < 0:  # with rows downwards a positive shoelace sum is clockwise on screen
        corners = corners[::-1]
    start = int(np.argmin(corners.sum(axis=1)))
    return np.roll(corners, -start, axis=0)


@register
class DotaExporter(BaseExporter):
    name = "dota"
    description = "DOTA-style oriented boxes (x1 y1 ... x4 y4 class difficult) on chips, train/val/test by blocks"
    defaults = {**CHIP_DEFAULTS, "size": 1024}

    def check(self) -> None:
        check_chip_parameters(self.parameters)

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        def lines_for(window, anns, geoms) -> list[str]:
            kept, _points = detection_boxes(anns, geoms, window)
            offset = np.array([window.col_off, window.row_off])
            return [" ".join(f"{v:.2f}" for v in (oriented_corners(geom) - offset).ravel())
                    + f" {ann.label_class.name.replace(' ', '_')} 0" for ann, geom in kept]

        plan, objects = chip_label_files(dataset, self.parameters, out_dir / "dota", "labelTxt", lines_for, progress)
        return {"chips": split_counts(plan.chips), "objects": objects,
                "dropped_straddling_splits": plan.dropped_straddling,
                "dropped_below_min_labelled_share": plan.dropped_unlabelled}
