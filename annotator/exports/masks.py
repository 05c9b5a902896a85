"""GeoTIFF label masks on exactly each scene's grid (same transform, CRS, width and height) as Cloud-Optimized
GeoTIFFs (rio-cogeo). Semantic: class index 1..N (label-class order), 0 = nodata (unlabelled). Instance: one id
1..K per object (annotation order), 0 = nodata, with a JSON table id -> annotation and class.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

import numpy as np
import rasterio
from rasterio.crs import CRS as RioCRS
from rio_cogeo.cogeo import cog_translate
from rio_cogeo.profiles import cog_profiles

from annotator.exports.common import (
    NODATA,
    ExportDataset,
    ExportScene,
    Progress,
    ProgressSteps,
    class_values,
    json_dump,
    mask_dtype,
    pixel_geometries,
    rasterize_on_grid,
)
from annotator.exports.registry import BaseExporter, register

KINDS = ("semantic", "instance", "both")


def write_cog(path: Path, array: np.ndarray, scene: ExportScene, *, resampling: Literal["nearest", "mode"] = "nearest",
              affine=None, crs: str | None = None, nodata: int | None = NODATA, tags: dict | None = None) -> None:
    """Write a single- or multi-band array (bands, rows, cols) or (rows, cols) as a COG on the given grid."""
    if array.ndim == 2:
        array = array[np.newaxis]
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {"driver": "GTiff", "count": array.shape[0], "height": array.shape[1], "width": array.shape[2],
               "dtype": array.dtype.name, "crs": RioCRS.from_user_input(crs or scene.crs),
               "transform": affine or scene.affine, "nodata": nodata, "tiled": True,
               "blockxsize": 256, "blockysize": 256, "compress": "DEFLATE"}
    dst_profile = dict(cog_profiles.get("deflate"))
    dst_profile.update(blockxsize=256, blockysize=256, predictor=2 if array.dtype.kind in "ui" else 1)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        staging = Path(tmp) / "staging.tif"
        with rasterio.open(staging, "w", **profile) as dst:
            dst.write(array)
            if tags:
                dst.update_tags(**tags)
        with rasterio.open(staging) as src:
            cog_translate(src, path, dst_profile, overview_resampling=resampling, quiet=True, in_memory=False,
                          forward_band_tags=True, config={"GDAL_TIFF_INTERNAL_MASK": True})


def semantic_mask(annotations, scene: ExportScene, pixel_geoms=None, window=None) -> np.ndarray:
    geoms = pixel_geometries(annotations, scene) if pixel_geoms is None else pixel_geoms
    values = class_values(annotations)
    return rasterize_on_grid(geoms, values, width=scene.width, height=scene.height, window=window,
                             dtype=mask_dtype(max(values, default=0) or 1))


def instance_mask(annotations, scene: ExportScene, pixel_geoms=None, window=None) -> np.ndarray:
    geoms = pixel_geometries(annotations, scene) if pixel_geoms is None else pixel_geoms
    values = list(range(1, len(annotations) + 1))
    return rasterize_on_grid(geoms, values, width=scene.width, height=scene.height, window=window,
                             dtype=mask_dtype(max(len(annotations), 255)))


@register
class MaskExporter(BaseExporter):
    name = "masks"
    description = "GeoTIFF label masks (COG) on each scene's exact grid: semantic class index and/or instance ids"
    defaults = {"kind": "both"}
    choices = {"kind": KINDS}

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        kind = self.parameters["kind"]
        steps = ProgressSteps(progress, len(dataset.scenes))
        by_scene = dataset.by_scene()
        classes = [{"index": c.index, "name": c.name, "label_class_id": c.id, "color": c.color}
                   for c in dataset.classes]
        json_dump(out_dir / "masks" / "classes.json", {"nodata": NODATA, "classes": classes})
        files = ["masks/classes.json"]
        skipped = 0
        for scene in dataset.scenes:
            anns = by_scene.get(scene.id, [])
            geoms = pixel_geometries(anns, scene)
            if kind in ("semantic", "both"):
                labelled = [i for i, a in enumerate(anns) if a.label_class is not None]
                skipped += len(anns) - len(labelled)
                mask = semantic_mask([anns[i] for i in labelled], scene, pixel_geoms=geoms[labelled])
                name = f"masks/{scene.stem}_semantic.tif"
                write_cog(out_dir / name, mask, scene, resampling="mode",
                          tags={"GEOLOOP_MASK": "semantic", "GEOLOOP_SCENE_ID": str(scene.id)})
                files.append(name)
            if kind in ("instance", "both"):
                mask = instance_mask(anns, scene, pixel_geoms=geoms)
                name = f"masks/{scene.stem}_instance.tif"
                write_cog(out_dir / name, mask, scene,
                          tags={"GEOLOOP_MASK": "instance", "GEOLOOP_SCENE_ID": str(scene.id)})
                table = [{"instance_id": i, "annotation_id": a.id,
                          "class_index": a.label_class.index if a.label_class else None,
                          "class": a.label_class.name if a.label_class else None}
                         for i, a in enumerate(anns, start=1)]
                json_dump(out_dir / f"masks/{scene.stem}_instances.json", {"instances": table})
                files += [name, f"masks/{scene.stem}_instances.json"]
            steps.step(scene.name)
        return {"files": files, "kind": kind, "unclassified_left_out_of_semantic": skipped}
