"""GeoJSON (RFC 7946): one FeatureCollection in EPSG:4326 (lon/lat, exteriors counter-clockwise, no `crs` member),
each feature carrying class, status, review state, source, author, model version, predicted quality and timestamps,
and `attr_<name>` for every attribute the project's classes define (null where not set). Boxes, rotated boxes,
points and lines also carry `kind` and `width_m`; points and lines are written as their Point / LineString, boxes as
their rectangle.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping

from annotator.exports.common import AttributeField, ExportAnnotation, ExportDataset, Progress, ProgressSteps
from annotator.exports.registry import BaseExporter, register

FILE_NAME = "annotations.geojson"


def feature_collection(annotations: list[ExportAnnotation], extra: dict | None = None,
                       fields: Sequence[AttributeField] = ()) -> dict:
    """Features with the fixed properties, then `attr_<name>` for each class attribute in `fields`."""
    geoms = shapely.orient_polygons(np.array([a.geometry for a in annotations], dtype=object), exterior_cw=False)
    features = []
    for ann, geom in zip(annotations, geoms, strict=True):
        properties = ann.attributes(fields)
        if ann.kind != "polygon":  # polygons are written as they always were
            properties.update(kind=ann.kind, width_m=ann.width_m)
        drawn = ann.shape if ann.shape is not None else geom  # a point or a line as itself, not its footprint
        features.append({"type": "Feature", "id": ann.id, "geometry": _plain(mapping(drawn)),
                         "properties": properties})
    return {"type": "FeatureCollection", **(extra or {}), "features": features}


def _plain(value):
    """shapely's mapping() nests tuples; JSON wants lists (and equal bytes whatever the nesting type)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def write_feature_collection(path: Path, collection: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(collection, fh, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        fh.write("\n")


@register
class GeoJsonExporter(BaseExporter):
    name = "geojson"
    description = "RFC 7946 GeoJSON in EPSG:4326, one FeatureCollection, attributes on every feature"
    defaults = {}

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        steps = ProgressSteps(progress, 1)
        write_feature_collection(out_dir / FILE_NAME, feature_collection(dataset.annotations,
                                                                         fields=dataset.attribute_fields()))
        steps.step("annotations.geojson")
        return {"files": [FILE_NAME]}
