"""GeoJSON reader: a FeatureCollection, a Feature or a bare geometry. RFC 7946 says EPSG:4326; a legacy `crs`
member (e.g. "urn:ogc:def:crs:EPSG::32616", as older GDAL wrote) is honoured and the features are reprojected."""

from __future__ import annotations

import json
from pathlib import Path

from pyproj.exceptions import CRSError
from shapely.geometry import shape

from annotator.exports.common import crs_of, reproject
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

WGS84 = "EPSG:4326"


def legacy_crs(data: dict) -> str:
    member = data.get("crs")
    if not member:
        return WGS84
    try:
        name = (member.get("properties") or {}).get("name") if isinstance(member, dict) else None
        if not name:
            raise ImportFileError("The file's `crs` member has no name.", "unknown_crs")
        crs = crs_of(str(name))
    except (CRSError, AttributeError) as exc:
        raise ImportFileError(f"The file's CRS {member!r} is not one GeoLoop knows.", "unknown_crs") from exc
    if crs.to_epsg() == 4326 or crs.to_string() in ("OGC:CRS84", "EPSG:4326"):
        return WGS84
    return str(name)


def geojson_read(path: Path, *, class_property: str | None = None) -> ImportRead:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileError(f"Not a JSON file: {exc}.") from exc
    if not isinstance(data, dict) or data.get("type") not in ("FeatureCollection", "Feature", "Polygon",
                                                              "MultiPolygon"):
        raise ImportFileError("Not GeoJSON: expected a FeatureCollection, a Feature or a (Multi)Polygon.")
    crs = legacy_crs(data)
    if data["type"] == "FeatureCollection":
        raw = data.get("features")
        if not isinstance(raw, list):
            raise ImportFileError("The FeatureCollection has no `features` list.")
    elif data["type"] == "Feature":
        raw = [data]
    else:
        raw = [{"type": "Feature", "geometry": data, "properties": {}}]
    read = ImportRead(crs=crs)
    for index, feature in enumerate(raw):
        item = f"feature {index}" + (f" (id {feature.get('id')})" if isinstance(feature, dict) and
                                     feature.get("id") is not None else "")
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            read.errors.append(ImportItemError(item, "invalid_geojson", "Not a GeoJSON Feature."))
            continue
        props = feature.get("properties") or {}
        geometry = feature.get("geometry")
        if not geometry:
            read.errors.append(ImportItemError(item, "empty", "The feature has no geometry."))
            continue
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        if kind not in READABLE_TYPES:
            read.errors.append(ImportItemError(item, "not_polygonal", "Geometry must be a Polygon, MultiPolygon, "
                                                                      f"Point or LineString, not {kind!r}."))
            continue
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            read.errors.append(ImportItemError(item, "invalid_geojson", f"Unreadable geometry: {exc}."))
            continue
        try:
            geom = reproject(geom, crs, WGS84)
        except Exception as exc:  # noqa: BLE001 - pyproj raises several kinds; each is this feature's error
            read.errors.append(ImportItemError(item, "reprojection_failed", f"Could not reproject: {exc}."))
            continue
        props = props if isinstance(props, dict) else {}
        geom, kind, width = kind_of_feature(geom, props)
        read.features.append(ImportedFeature(item=item, geometry=geom, class_name=class_of(props, class_property),
                                             predicted_quality=quality_of(props),
                                             properties=_without_kind(props), kind=kind, width_m=width))
    return read


def _without_kind(props: dict) -> dict:
    """The properties less GeoLoop's own `kind` and `width_m` (read as the kind, never as class attributes)."""
    return {k: v for k, v in props.items() if k not in ("kind", "width_m")}
