"""COCO instance segmentation, for whole scenes or for chips, with a georeference sidecar per image.

- categories: the project's label classes (id = class index 1..N, with the label-class id alongside).
- segmentation: "polygon" (pixel coordinates; a polygon with holes falls back to RLE, as COCO polygons cannot hold
  holes) or "rle" (compressed RLE of our own rasterisation on the scene grid, so pycocotools decodes exactly it).
- area: pixels of our rasterisation; bbox: [x, y, w, h] of the geometry in pixels; attributes: the class
  attributes' values {name: value} (as CVAT writes them).
- georef/<image stem>.json next to each image: CRS (WKT and EPSG code), affine (rasterio order), GDAL
  geotransform, size, scene id and checksum, and the window for a chip. Images are the scene COGs (or chip tiles).
Whole scenes give coco/annotations.json; chips give coco/annotations_{train,val,test}.json.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import shapely
from pycocotools import mask as mask_utils
from rasterio.windows import Window
from shapely import affinity

from annotator.exports.chips import CHIP_DEFAULTS, SPLITS, check_chip_parameters, chip_image, chip_plan, split_counts
from annotator.exports.common import (
    ExportAnnotation,
    ExportDataset,
    ExportScene,
    Progress,
    ProgressSteps,
    crs_of,
    json_dump,
    object_masks,
    pixel_geometries,
    window_affine,
    window_box,
)
from annotator.exports.registry import BaseExporter, register


def georef(scene: ExportScene, window: Window | None, file_name: str) -> dict:
    affine = window_affine(scene.affine, window) if window is not None else scene.affine
    crs = crs_of(scene.crs)
    width = int(window.width) if window is not None else scene.width
    height = int(window.height) if window is not None else scene.height
    return {"image": file_name, "width": width, "height": height, "crs": crs.to_wkt(), "epsg": crs.to_epsg(),
            "affine": list(affine)[:6], "geotransform": list(affine.to_gdal()), "scene_id": scene.id,
            "scene_checksum": scene.checksum,
            "window": [int(window.col_off), int(window.row_off), width, height] if window is not None else None}


def rle_of_window(mask: np.ndarray, col_off: int, row_off: int, width: int, height: int) -> dict:
    """Compressed COCO RLE of a mask given on a sub-window of a (height, width) image, without the full image."""
    cols, rows = np.nonzero(mask.astype(bool).T)  # column-major order: by column, then by row
    flat = (cols.astype(np.int64) + col_off) * height + (rows.astype(np.int64) + row_off)
    counts: list[int] = []
    if flat.size:
        breaks = np.nonzero(np.diff(flat) != 1)[0]
        starts = np.concatenate([[flat[0]], flat[breaks + 1]])
        ends = np.concatenate([flat[breaks], [flat[-1]]]) + 1
        position = 0
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            counts += [start - position, end - start]
            position = end
        if position < width * height:
            counts.append(width * height - position)
    else:
        counts = [width * height]
    rle = mask_utils.frPyObjects({"counts": counts, "size": [height, width]}, height, width)
    return {"size": [int(v) for v in rle["size"]], "counts": rle["counts"].decode("ascii")}


def polygons_of(geom) -> list[list[float]] | None:
    """COCO polygons of a pixel-space geometry, or None when it has holes (COCO polygons cannot hold them)."""
    out = []
    for part in shapely.get_parts(geom):
        if len(part.interiors):
            return None
        coords = np.asarray(part.exterior.coords)[:-1]
        if len(coords) >= 3:
            out.append([round(float(v), 6) for v in coords.ravel()])
    return out


def coco_annotations(anns: list[ExportAnnotation], geoms, *, width: int, height: int, origin=(0, 0),
                     clip: Window | None, segmentation: str, first_id: int, image_id: int) -> tuple[list[dict], int]:
    """COCO annotation records of the annotations on one image (a scene, or a chip at `origin` of size width x
    height); geometries are in scene pixels. Returns the records and how many polygons fell back to RLE."""
    col0, row0 = origin
    clip_box = window_box(clip) if clip is not None else None
    kept = []  # (annotation, clipped geometry, window) for annotations with a class and some area on the image
    for ann, geom in zip(anns, geoms, strict=True):
        if ann.label_class is None:
            continue
        if clip_box is not None:
            geom = shapely.intersection(geom, clip_box)
            if geom.is_empty or geom.area == 0:
                continue
        minx, miny, maxx, maxy = geom.bounds
        c0, r0 = max(int(np.floor(minx)), col0), max(int(np.floor(miny)), row0)
        c1, r1 = min(int(np.ceil(maxx)), col0 + width), min(int(np.ceil(maxy)), row0 + height)
        if c1 > c0 and r1 > r0:
            kept.append((ann, geom, Window(c0, r0, c1 - c0, r1 - r0)))
    masks = object_masks([k[1] for k in kept], [k[2] for k in kept])
    out: list[dict] = []
    fallbacks = 0
    for (ann, geom, window), mask in zip(kept, masks, strict=True):
        area = int(mask.sum())
        if area == 0:
            continue
        local = affinity.translate(geom, -col0, -row0)
        polys = polygons_of(local) if segmentation == "polygon" else None
        if not polys:
            if segmentation == "polygon":
                fallbacks += 1
            seg: dict | list[list[float]] = rle_of_window(mask, int(window.col_off) - col0, int(window.row_off) - row0,
                                                          width, height)
        else:
            seg = polys
        lminx, lminy, lmaxx, lmaxy = local.bounds
        category = ann.label_class.index if ann.label_class else 0
        out.append({"id": first_id + len(out), "image_id": image_id, "category_id": category,
                    "segmentation": seg, "area": area, "iscrowd": 0,
                    "bbox": [round(lminx, 6), round(lminy, 6), round(lmaxx - lminx, 6), round(lmaxy - lminy, 6)],
                    "geoloop_annotation_id": ann.id, "attributes": dict(ann.attribute_values)})
    return out, fallbacks


@register
class CocoExporter(BaseExporter):
    name = "coco"
    description = "COCO instance segmentation (whole scenes or chips; polygons or RLE) with georeference sidecars"
    defaults = {"mode": "scenes", "segmentation": "polygon", "include_images": True, **CHIP_DEFAULTS}
    choices = {"mode": ("scenes", "chips"), "segmentation": ("polygon", "rle")}

    def check(self) -> None:
        if self.parameters["mode"] == "chips":
            check_chip_parameters(self.parameters)

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        root = out_dir / "coco"
        categories = [{"id": c.index, "name": c.name, "supercategory": "", "geoloop_label_class_id": c.id}
                      for c in dataset.classes]
        info = {"description": f"GeoLoop export of project {dataset.project_slug}", "version": "1.0"}
        segmentation = self.parameters["segmentation"]
        by_scene = dataset.by_scene()
        fallbacks = 0
        outputs: dict[str, dict] = {}
        if self.parameters["mode"] == "scenes":
            steps = ProgressSteps(progress, len(dataset.scenes))
            images: list[dict] = []
            records: list[dict] = []
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
                recs, fb = coco_annotations(anns, pixel_geometries(anns, scene), width=scene.width,
                                            height=scene.height, clip=Window(0, 0, scene.width, scene.height),
                                            segmentation=segmentation,
                                            first_id=len(records) + 1, image_id=image_id)
                records += recs
                fallbacks += fb
                steps.step(scene.name)
            outputs["annotations.json"] = {"images": images, "annotations": records}
        else:
            plan = chip_plan(dataset, self.parameters, progress=(lambda f, m: progress(0.3 * f, m)) if progress
                             else None)
            steps = ProgressSteps((lambda f, m: progress(0.3 + 0.7 * f, m)) if progress else None, len(plan.chips))
            per_split: dict[str, dict[str, list[dict]]] = {name: {"images": [], "annotations": []} for name in SPLITS}
            pixel_cache: dict[int, np.ndarray] = {}
            for chip in plan.chips:
                scene, window = chip.scene, chip.window
                if scene.id not in pixel_cache:
                    pixel_cache = {scene.id: pixel_geometries(by_scene.get(scene.id, []), scene)}
                anns = by_scene.get(scene.id, [])
                file_name = f"images/{chip.name}.tif"
                chip_image(chip, root / file_name)
                sidecar = f"georef/{chip.name}.json"
                json_dump(root / sidecar, georef(scene, window, file_name))
                bucket = per_split[chip.split]
                image_id = len(bucket["images"]) + 1
                bucket["images"].append({"id": image_id, "file_name": file_name, "width": int(window.width),
                                         "height": int(window.height), "georef": sidecar,
                                         "geoloop_scene_id": scene.id})
                idx = list(chip.annotation_indexes)
                recs, fb = coco_annotations([anns[i] for i in idx], pixel_cache[scene.id][idx],
                                            width=int(window.width), height=int(window.height),
                                            origin=(int(window.col_off), int(window.row_off)), clip=window,
                                            segmentation=segmentation, first_id=len(bucket["annotations"]) + 1,
                                            image_id=image_id)
                bucket["annotations"] += recs
                fallbacks += fb
                steps.step(chip.name)
            for name, bucket in per_split.items():
                outputs[f"annotations_{name}.json"] = bucket
        files, counts = [], {}
        for file_name, body in outputs.items():
            json_dump(root / file_name, {"info": info, "licenses": [], "categories": categories, **body}, indent=None)
            files.append(f"coco/{file_name}")
            counts[file_name] = {"images": len(body["images"]), "annotations": len(body["annotations"])}
        extra = {"files": files, "counts": counts, "polygons_with_holes_as_rle": fallbacks}
        if self.parameters["mode"] == "chips":
            extra["chips"] = split_counts(plan.chips)
            extra["dropped_straddling_splits"] = plan.dropped_straddling
        return extra
