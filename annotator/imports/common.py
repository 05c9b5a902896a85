"""What every import reader gives and how its features are checked against a scene. No Django here.

A reader turns one file into `ImportRead`: features with their geometry already in EPSG:4326 (lon/lat) and the
errors it met, each naming the item (feature, layer, image, annotation). `features_validate` then repairs or refuses
each geometry (annotator.geometry rules, clipped to the scene footprint) and maps class names to the project's
classes. The service imports nothing unless the whole file passes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import shapely
from shapely.geometry.base import BaseGeometry

from annotator import kinds as kind_rules
from annotator.attributes import AttributeInvalid, attributes_check
from annotator.geometry import GeometryRefused, geometry_clean

CLASS_PROPERTIES = ("class", "label", "category", "class_name")
ATTRIBUTE_PREFIX = "attr_"  # how GeoLoop's GeoJSON and GeoPackage exports name a class attribute's column
MAX_ERRORS = 1000


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not JSON, not a GeoPackage, no CRS where one is needed, ...)."""

    def __init__(self, message: str, reason: str = "unreadable"):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class ImportItemError:
    item: str
    reason: str
    message: str

    def as_dict(self) -> dict:
        return {"item": self.item, "reason": self.reason, "message": self.message}


@dataclass
class ImportedFeature:
    item: str  # how a person finds it in the file: "feature 3", "layer roads, feature 5", "image a.tif, annotation 7"
    geometry: BaseGeometry | None  # EPSG:4326
    class_name: str | None = None
    predicted_quality: float | None = None
    # where the class's attribute values may be: GeoJSON properties, GeoPackage columns (`attr_<name>` as GeoLoop
    # exports them, or the bare name), a COCO annotation's `attributes` object (bare names)
    properties: dict = field(default_factory=dict)
    attributes_only: bool = False  # True: every key of `properties` names an attribute (COCO's `attributes`)
    kind: str = "polygon"  # annotator.kinds: what the geometry stands for
    width_m: float | None = None  # a line's width, when the file gives one


@dataclass
class ImportRead:
    features: list[ImportedFeature] = field(default_factory=list)
    errors: list[ImportItemError] = field(default_factory=list)
    crs: str | None = None


@dataclass
class ValidFeature:
    item: str
    geometry: shapely.MultiPolygon
    class_name: str | None
    predicted_quality: float | None
    repaired: bool
    clipped: bool
    attributes: dict | None = None  # checked against the class's schema; None: the file gives none
    kind: str = "polygon"
    shape: BaseGeometry | None = None  # the kind's natural shape (EPSG:4326) for kinds other than polygon
    width_m: float | None = None


_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


def _coerced(definition: dict, value):
    """A file's value in the type the attribute wants where the file format lost it (GeoPackage booleans are 0/1,
    a column shared by classes with different types is text); anything else is left for the check to refuse."""
    kind = definition["type"]
    if kind == "boolean" and not isinstance(value, bool):
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
            return value.strip().lower() in _TRUE
    if kind == "number" and isinstance(value, str):
        try:
            return float(value) if not value.strip().lstrip("-").isdigit() else int(value)
        except ValueError:
            return value
    return value


def attributes_of(feature: ImportedFeature, schema: list[dict], *, class_name: str | None) -> dict | None:
    """The class attributes a feature carries, checked against `schema` (annotator.attributes): `attr_<name>`
    when the file has that key, else the bare name (another tool's column named like the attribute). None when it
    carries none. A value under `attr_<x>` (or, for an attributes-only object, any key) the class has no attribute
    for, a value of the wrong type or out of range, or (once any is given) a required one missing raises
    AttributeInvalid."""
    props = feature.properties or {}
    names = {d["name"] for d in schema}
    values: dict = {}
    for definition in schema:
        name = definition["name"]
        # the first key present decides: a GeoLoop export always has `attr_<name>` (null where unset), so its
        # fixed columns (`source`, `status`, ...) are never read as an attribute of the same name
        key = next((k for k in (ATTRIBUTE_PREFIX + name, name) if k in props), None)
        if key is not None and props[key] not in (None, ""):
            values[name] = _coerced(definition, props[key])

    def stray(key: str) -> bool:
        if key.startswith(ATTRIBUTE_PREFIX):
            return key[len(ATTRIBUTE_PREFIX):] not in names
        return feature.attributes_only and key not in names

    strays = sorted(str(key) for key, value in props.items() if value not in (None, "") and stray(str(key)))
    if strays:
        known = ", ".join(sorted(names)) or "none"
        raise AttributeInvalid(f"Class {class_name!r} has no attribute {', '.join(strays)} (its attributes: {known}).")
    if not values:
        return None
    return attributes_check(schema, values, complete=True)


def class_of(properties: dict, class_property: str | None) -> str | None:
    keys = (class_property,) if class_property else CLASS_PROPERTIES
    for key in keys:
        value = properties.get(key)
        if value not in (None, ""):
            return str(value)
    return None


def quality_of(properties: dict) -> float | None:
    value = properties.get("predicted_quality")
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and 0.0 <= value <= 1.0 else None


READABLE_TYPES = ("Polygon", "MultiPolygon", "GeometryCollection", "Point", "LineString")


def kind_of_feature(geom: BaseGeometry, properties: dict) -> tuple[BaseGeometry, str, float | None]:
    """The kind a read geometry stands for (annotator.kinds.kind_of_geojson_type: a `kind` property of box or
    rotated_box is honoured on a (one-part Multi)Polygon; Point -> point, LineString -> line), the geometry in that
    kind's natural type, and a line's `width_m` property (None when absent; a bad one is refused on validation)."""
    requested = properties.get("kind") if isinstance(properties, dict) else None
    if requested in (kind_rules.BOX, kind_rules.ROTATED_BOX) and geom.geom_type == "MultiPolygon" \
            and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    kind = kind_rules.kind_of_geojson_type(geom.geom_type, requested)
    width = properties.get("width_m") if kind == kind_rules.LINE and isinstance(properties, dict) else None
    return geom, kind, width


def features_validate(read: ImportRead, *, footprint: BaseGeometry | None, class_names: set[str],
                      default_class: str | None = None, schemas: dict[str, list[dict]] | None = None,
                      grid: kind_rules.SceneGrid | None = None,
                      ) -> tuple[list[ValidFeature], list[ImportItemError]]:
    """Repair or refuse each feature (make_valid, polygonal parts, clipped to the footprint), check its class and
    read its class attributes (`schemas`: class name -> attribute definitions). Returns the valid features and
    every error (the reader's first)."""
    errors = list(read.errors)
    valid: list[ValidFeature] = []
    if default_class is not None and default_class not in class_names:
        errors.append(ImportItemError("file", "unknown_class", f"The project has no label class {default_class!r}."))
    for feature in read.features:
        name = feature.class_name or default_class
        if name is not None and name not in class_names:
            errors.append(ImportItemError(feature.item, "unknown_class",
                                          f"The project has no label class {name!r}."))
            continue
        if feature.geometry is None:
            errors.append(ImportItemError(feature.item, "empty", "The feature has no geometry."))
            continue
        try:
            attributes = attributes_of(feature, (schemas or {}).get(name or "", []), class_name=name)
        except AttributeInvalid as exc:
            errors.append(ImportItemError(feature.item, "invalid_attributes", str(exc)))
            continue
        natural = None
        try:
            geometry = shapely.force_2d(feature.geometry)
            if feature.kind != kind_rules.POLYGON:
                if grid is None:
                    raise GeometryRefused("scene_without_grid", "The scene has no pixel grid: only polygons can go "
                                                                "on it.")
                made = kind_rules.kind_geometry(feature.kind, geometry, grid, width_m=feature.width_m)
                natural, geometry = geometry, made.footprint
            clean = geometry_clean(geometry, footprint=footprint)
        except GeometryRefused as exc:
            message = exc.message
            if exc.reason in ("out_of_range", "outside_scene"):
                message += " Is the file in another CRS than it says (a CRS mismatch)?"
            errors.append(ImportItemError(feature.item, exc.reason, message))
            continue
        valid.append(ValidFeature(item=feature.item, geometry=clean.geometry, class_name=name,
                                  predicted_quality=feature.predicted_quality, repaired=clean.repaired,
                                  clipped=clean.clipped, attributes=attributes, kind=feature.kind, shape=natural,
                                  width_m=feature.width_m))
    return valid, errors[:MAX_ERRORS]
