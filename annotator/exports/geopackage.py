"""GeoPackage: one layer per scene in the scene's own CRS (a layer has one CRS), with the same attributes as the
GeoJSON export (class attributes as `attr_<name>` columns: booleans 0/1, numbers real, choices and texts text).
Written through pyogrio (GDAL); OGR_CURRENT_DATE is pinned so unchanged data gives equal bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyogrio.raw import write

from annotator.exports.common import ExportDataset, Progress, ProgressSteps, crs_of, scene_geometries
from annotator.exports.registry import BaseExporter, register

FILE_NAME = "annotations.gpkg"
FIXED_DATE = "2000-01-01T00:00:00.000Z"
FIELDS = ["annotation_id", "scene_id", "class", "class_id", "status", "review_state", "source", "author",
          "model_version_id", "predicted_quality", "created_at", "updated_at"]
INT_FIELDS = {"annotation_id", "scene_id", "class_id", "model_version_id"}


def layer_name(scene) -> str:
    return scene.stem


def _column(name: str, values: list, kind: str | None = None):
    if kind == "boolean":  # GeoPackage has no boolean column type worth the name: 0/1 integers, null kept
        mask = np.array([v is None for v in values])
        return np.array([0 if v is None else int(bool(v)) for v in values], dtype=np.int16), mask
    if kind == "number":
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64), None
    if kind == "text":
        mask = np.array([v is None for v in values])
        return np.array(["" if v is None else str(v) for v in values], dtype=object), mask
    if name in INT_FIELDS:
        mask = np.array([v is None for v in values])
        return np.array([0 if v is None else v for v in values], dtype=np.int64), mask
    if name == "predicted_quality":
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64), None
    mask = np.array([v is None for v in values])
    return np.array(["" if v is None else v for v in values], dtype=object), mask


@register
class GeoPackageExporter(BaseExporter):
    name = "geopackage"
    description = "OGC GeoPackage, one layer per scene in the scene's CRS, attributes on every feature"
    defaults = {}

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        path = out_dir / FILE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        steps = ProgressSteps(progress, len(dataset.scenes))
        layers = []
        by_scene = dataset.by_scene()
        previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
        try:
            for scene in dataset.scenes:
                anns = by_scene.get(scene.id, [])
                geoms = scene_geometries(anns, scene)
                wkb = np.array([shapely.to_wkb(g) for g in geoms], dtype=object)
                extra = dataset.attribute_fields()
                attrs = [a.attributes(extra) for a in anns]
                columns, masks = [], []
                for name, kind in [(name, None) for name in FIELDS] + [(f.column, f.type) for f in extra]:
                    values, mask = _column(name, [row[name] for row in attrs], kind)
                    columns.append(values)
                    masks.append(mask)
                names = FIELDS + [f.column for f in extra]
                write(str(path), wkb, columns, names, field_mask=masks, layer=layer_name(scene), driver="GPKG",
                      geometry_type="MultiPolygon", crs=crs_of(scene.crs).to_wkt(), append=path.exists(),
                      layer_options={"SPATIAL_INDEX": "YES", "FID": "fid"})
                layers.append(layer_name(scene))
                steps.step(scene.name)
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
        return {"files": [FILE_NAME] if layers else [], "layers": layers}
