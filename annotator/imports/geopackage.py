"""GeoPackage reader (pyogrio/GDAL): one layer (named, or the only one), reprojected from its CRS to EPSG:4326."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from pyogrio.raw import read

from annotator.exports.common import reproject
from annotator.imports.common import (
    READABLE_TYPES,
    ImportedFeature,
    ImportFileError,
    ImportItemError,
    ImportRead,
    class_of,
    kind_of_feature,
    quality_of,
)
from annotator.imports.guard import untrusted_ogr, vector_check, vector_recheck

DRIVER = "GPKG"


def geopackage_read(path: Path, *, layer: str | None = None, class_property: str | None = None) -> ImportRead:
    """Read one layer. The file reaches GDAL only if it is a GeoPackage (first bytes, application id, no virtual
    tables but spatial indexes), under the untrusted GDAL options, and the driver GDAL chose is checked again."""
    real = vector_check(Path(path), DRIVER)
    with untrusted_ogr():
        return _read(real, layer=layer, class_property=class_property)


def _read(path: str, *, layer: str | None, class_property: str | None) -> ImportRead:
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except (DataSourceError, DataLayerError) as exc:
        raise ImportFileError(f"Not a readable GeoPackage: {exc}.") from exc
    if layer is None:
        if len(layers) != 1:
            raise ImportFileError(f"The GeoPackage has layers {', '.join(layers) or '(none)'}; name one to import.",
                                  "choose_layer")
        layer = layers[0]
    if layer not in layers:
        raise ImportFileError(f"No layer {layer!r}; the GeoPackage has {', '.join(layers)}.", "unknown_layer")
    try:
        vector_recheck(pyogrio.read_info(path, layer=layer), DRIVER)
        meta, fids, geoms, field_data = read(path, layer=layer)
    except (DataSourceError, DataLayerError) as exc:
        raise ImportFileError(f"Layer {layer!r} cannot be read: {exc}.") from exc
    if not meta.get("crs"):
        raise ImportFileError(f"Layer {layer!r} has no CRS; GeoLoop cannot place its features.", "unknown_crs")
    result = ImportRead(crs=meta["crs"])
    names = list(meta["fields"])
    fids = fids if fids is not None else np.arange(len(geoms))
    for row, (fid, wkb) in enumerate(zip(fids, geoms, strict=True)):
        item = f"layer {layer}, feature {int(fid)}"
        if wkb is None:
            result.errors.append(ImportItemError(item, "empty", "The feature has no geometry."))
            continue
        try:
            geom = shapely.from_wkb(wkb)
            geom = reproject(geom, meta["crs"], "EPSG:4326")
        except Exception as exc:  # noqa: BLE001 - GEOS/pyproj errors are this feature's error
            result.errors.append(ImportItemError(item, "invalid_geometry", f"Unreadable geometry: {exc}."))
            continue
        if geom.geom_type not in READABLE_TYPES:
            result.errors.append(ImportItemError(item, "not_polygonal", "Geometry must be a Polygon, MultiPolygon, "
                                                 f"Point or LineString, not {geom.geom_type}."))
            continue
        props = {name: _value(field_data[i][row]) for i, name in enumerate(names)}
        geom, kind, width = kind_of_feature(geom, props)
        props = {k: v for k, v in props.items() if k not in ("kind", "width_m")}
        result.features.append(ImportedFeature(item=item, geometry=geom, class_name=class_of(props, class_property),
                                               predicted_quality=quality_of(props), properties=props, kind=kind,
                                               width_m=width))
    return result


def _value(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN is a null
        return None
    return value
