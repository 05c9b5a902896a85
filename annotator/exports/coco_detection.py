"""COCO object detection: whole scenes, one bounding box per annotation, with the georeference sidecars of `coco`.

bbox: [x, y, w, h] in pixels of the annotation's footprint clipped to the image (boxes, rotated boxes, polygons and
lines alike: every kind with an area of its own); area: the clipped footprint's area in pixels. Points have no area
of their own (their footprint is one pixel by convention) and are left out, counted in the manifest; so are
annotations without a class. coco/annotations.json; images are the scene COGs (include_images).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import shapely
from rasterio.windows import Window

from annotator.exports.coco import georef
from annotator.exports.common import (
    ExportAnnotation,
    ExportDataset,
    Progress,
    ProgressSteps,
    json_dump,
    pixel_geometries,
    window_box,
)
from annotator.exports.registry import BaseExporter, register


def detection_boxes(anns: list[ExportAnnotation], pixel_geoms, window: Window) -> tuple[list[tuple], int]:
    """(annotation, clipped pixel footprint) of each annotation with a class and an area of its own that shows on
    `window`; and how many points were left out."""
    clip = window_box(window)
    kept, points = [], 0
    for ann, geom in zip(anns, pixel_geoms, strict=True):
        if ann.kind == "point":
            points += 1
            continue
        if ann.label_class is None:
            continue
        clipped = shapely.intersection(geom, clip)
        if clipped.is_empty or clipped.area == 0:
            continue
        kept.append((ann, clipped))
    return kept, points


@register
class CocoDetectionExporter(BaseExporter):
    name = "coco_detection"
    description = "COCO object detection (bounding boxes of every kind with an area) on whole scenes, with sidecars"
    defaults = {"include_images": True}

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        root = out_dir / "coco_detection"
        categories = [{"id": c.index, "name": c.name, "supercategory": "", "geoloop_label_class_id": c.id}
                      for c in dataset.classes]
        by_scene = dataset.by_scene()
        steps = ProgressSteps(progress, len(dataset.scenes))
        images: list[dict] = []
        records: list[dict] = []
        points = 0
        for image_id, scene in enumerate(dataset.scenes, start=1):
            file_name = f"images/{scene.stem}.tif"
            if self.parameters["include_images"]:
                (root / "images").mkdir(parents=True, exist_ok=True)
                shutil.copyfile(scene.local_file(), root / file_name)
            sidecar = f"georef/{scene.stem}.json"
            json_dump(root / sidecar, georef(scene, None, file_name))
            images.append({"id": image_id, "file_name": file_name, "width": scene.width, "height": scene.height,
                           "georef": sidecar, "geoloop_scene_id": scene.id})
            anns = by_scene.get(scene.id, [])
            kept, left_out = detection_boxes(anns, pixel_geometries(anns, scene) if anns else np.array([]),
                                             Window(0, 0, scene.width, scene.height))
            points += left_out
            for ann, geom in kept:
                minx, miny, maxx, maxy = geom.bounds
                records.append({"id": len(records) + 1, "image_id": image_id, "category_id": ann.label_class.index,
                                "bbox": [round(minx, 6), round(miny, 6), round(maxx - minx, 6), round(maxy - miny, 6)],
                                "area": round(float(geom.area), 6), "iscrowd": 0, "geoloop_annotation_id": ann.id,
                                "geoloop_kind": ann.kind, "attributes": dict(ann.attribute_values)})
            steps.step(scene.name)
        info = {"description": f"GeoLoop detection export of project {dataset.project_slug}", "version": "1.0"}
        json_dump(root / "annotations.json", {"info": info, "licenses": [], "categories": categories,
                                              "images": images, "annotations": records}, indent=None)
        return {"files": ["coco_detection/annotations.json"], "boxes": len(records), "points_left_out": points}
