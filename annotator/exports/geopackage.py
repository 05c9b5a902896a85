"""GeoPackage: one layer per scene in the scene's own CRS (a layer has one CRS), with the same attributes as the
GeoJSON export (class attributes as `attr_<name>` columns: booleans 0/1, numbers real, choices and texts text).
Points and lines go to layers `<scene layer>_points` (Point) and `<scene layer>_lines` (LineString) with `kind` and
`width_m` columns; boxes stay in the scene's MultiPolygon layer, which then has those columns too.
Written through pyogrio (GDAL); OGR_CURRENT_DATE is pinned so unchanged data gives equal bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyogrio.raw import write

from annotator.exports.common import ExportDataset, Progress, ProgressSteps, crs_of, reproject, scene_geometries
from annotator.exports.registry import BaseExporter, register

FILE_NAME = "annotations.gpkg"
FIXED_DATE = "2000-01-01T00:00:00.000Z"
FIELDS = ["annotation_id", "scene_id", "class", "class_id", "status", "review_state", "source", "author",
          "model_version_id", "predicted_quality", "created_at", "updated_at"]
INT_FIELDS = {"annotation_id", "scene_id", "class_id", "model_version_id"}
KIND_FIELDS = ["kind", "width_m"]
SHAPE_LAYERS = (("points", "point", "Point"), ("lines", "line", "LineString"))


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
    if name in ("predicted_quality", "width_m"):
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
                areal = [a for a in anns if a.shape is None]
                boxes = any(a.kind != "polygon" for a in areal)
                # the scene's polygons (and boxes, then with a `kind` column) as always; points and lines each in a
                # layer of their own geometry type, with `kind` and `width_m`
                if areal or not anns:
                    self._layer(path, scene, layer_name(scene), areal, scene_geometries(areal, scene),
                                "MultiPolygon", dataset, kinds=boxes)
                    layers.append(layer_name(scene))
                for suffix, kind, geometry_type in SHAPE_LAYERS:
                    shaped = [a for a in anns if a.shape is not None and a.kind == kind]
                    if shaped:
                        geoms = reproject(np.array([a.shape for a in shaped], dtype=object), "EPSG:4326", scene.crs)
                        self._layer(path, scene, f"{layer_name(scene)}_{suffix}", shaped, geoms, geometry_type,
                                    dataset, kinds=True)
                        layers.append(f"{layer_name(scene)}_{suffix}")
                steps.step(scene.name)
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
        return {"files": [FILE_NAME] if layers else [], "layers": layers}

    @staticmethod
    def _layer(path: Path, scene, layer: str, anns: list, geoms, geometry_type: str, dataset: ExportDataset, *,
               kinds: bool) -> None:
        wkb = np.array([shapely.to_wkb(g) for g in geoms], dtype=object)
        extra = dataset.attribute_fields()
        attrs = [a.attributes(extra) for a in anns]
        fields = FIELDS + (KIND_FIELDS if kinds else [])
        for row, ann in zip(attrs, anns, strict=True):
            row.update(kind=ann.kind, width_m=ann.width_m)
        columns, masks = [], []
        for name, kind in [(name, None) for name in fields] + [(f.column, f.type) for f in extra]:
            values, mask = _column(name, [row[name] for row in attrs], kind)
            columns.append(values)
            masks.append(mask)
        names = fields + [f.column for f in extra]
        write(str(path), wkb, columns, names, field_mask=masks, layer=layer, driver="GPKG",
              geometry_type=geometry_type, crs=crs_of(scene.crs).to_wkt(), append=path.exists(),
              layer_options={"SPATIAL_INDEX": "YES", "FID": "fid"})
