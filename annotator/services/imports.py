"""Writes for imports: pre-annotations (source = imported) from GeoJSON, GeoPackage or COCO + georeference
sidecars, onto one scene. All or nothing per file: every feature is read, reprojected to EPSG:4326, repaired or
refused and its class checked first; one error and nothing is imported (ImportRejected, 400, with the per-item
report). Rows are written through `annotation_create`, so revisions, audit, versions and events are as for any
other annotation.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path, PurePosixPath

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction

from annotator.audit import audit_record
from annotator.imports.coco import coco_read
from annotator.imports.common import ImportFileError, ImportItemError, ImportRead, features_validate
from annotator.imports.geojson import geojson_read
from annotator.imports.geopackage import geopackage_read
from annotator.imports.guard import ArchiveLimits
from annotator.models import AnnotationSource, LabelClass, Project, Scene, SceneStatus
from annotator.services.annotations import annotation_create
from annotator.services.scratch import scratch_dir
from core.errors import TooLarge, ValidationFailed

FORMATS = ("geojson", "geopackage", "coco")
CHUNK = 1024 * 1024


class ImportRejected(ValidationFailed):
    """The file has errors; nothing was imported. `extra["errors"]` lists them per item."""

    code = "import_rejected"


def import_format_guess(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gpkg"):
        return "geopackage"
    if name.endswith(".zip") or path.is_dir():
        return "coco"
    if name.endswith((".geojson", ".json")):
        try:
            head = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, OSError):
            return "geojson"  # the reader reports what is wrong with it
        return "coco" if isinstance(head, dict) and "images" in head and "annotations" in head else "geojson"
    if zipfile.is_zipfile(path):
        return "coco"
    raise ValidationFailed(f"Cannot tell the format of {path.name!r}; say which: {', '.join(FORMATS)}.",
                           extra={"reason": "unknown_format"})


def archive_limits() -> ArchiveLimits:
    """The limits an import zip is held to before extraction (settings IMPORT_*)."""
    return ArchiveLimits(max_members=settings.IMPORT_MAX_MEMBERS, max_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
                         max_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
                         ratio_free_bytes=settings.IMPORT_RATIO_FREE_BYTES)


def _read(path: Path, fmt: str, *, layer: str | None, class_property: str | None) -> ImportRead:
    if fmt == "geojson":
        return geojson_read(path, class_property=class_property)
    if fmt == "geopackage":
        return geopackage_read(path, layer=layer, class_property=class_property)
    if fmt == "coco":
        return coco_read(path, limits=archive_limits())
    raise ValidationFailed(f"Unknown import format {fmt!r}; use one of {', '.join(FORMATS)}.",
                           extra={"reason": "unknown_format"})


def _size_check(path: Path, name: str) -> None:
    """A plain file is read whole (JSON) or opened by GDAL: it is held to the same size as a zip's members."""
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    if not limit or not path.is_file() or zipfile.is_zipfile(path):
        return
    size = path.stat().st_size
    if size > limit:
        message = f"The file is {size:,} bytes; an import reads at most {limit:,}."
        raise _reject(f"{name}: {message} Nothing was imported.", [ImportItemError("file", "too_large", message)])


def _reject(message: str, errors: list[ImportItemError]) -> ImportRejected:
    return ImportRejected(message, extra={"errors": [e.as_dict() for e in errors], "imported": 0})


def annotations_import(*, project: Project, scene: Scene, user, path: Path, format: str | None = None,
                       layer: str | None = None, class_property: str | None = None,
                       default_class: str | None = None, display_name: str | None = None) -> dict:
    """Import every feature of one file onto `scene`, or nothing. Returns {"imported", "ids", "repaired",
    "clipped", "format"}; raises ImportRejected (400) with {"errors": [{"item", "reason", "message"}]}."""
    path = Path(path)
    name = display_name or path.name
    if scene.project_id != project.id:
        raise ValidationFailed("That scene belongs to another project.")
    if scene.status != SceneStatus.READY:
        raise ValidationFailed(f"Scene {scene.id} is {scene.status}, not ready.", extra={"reason": "scene_not_ready"})
    _size_check(path, name)
    fmt = format or import_format_guess(path)
    try:
        read = _read(path, fmt, layer=layer, class_property=class_property)
    except ImportFileError as exc:
        raise _reject(f"{name}: {exc.message} Nothing was imported.", [ImportItemError("file", exc.reason,
                                                                                       exc.message)]) from exc
    classes = {c.name: c for c in LabelClass.objects.filter(project=project, archived=False)}
    footprint = shapely.from_wkb(bytes(scene.footprint.wkb)) if scene.footprint is not None else None
    valid, errors = features_validate(read, footprint=footprint, class_names=set(classes),
                                      default_class=default_class)
    if not valid and not errors:
        errors = [ImportItemError("file", "empty", "The file has no features.")]
    if errors:
        raise _reject(f"{name}: {len(errors)} item(s) cannot be imported; nothing was imported.", errors)
    ids = []
    with transaction.atomic():
        for feature in valid:
            try:
                annotation, _ = annotation_create(
                    project=project, scene=scene, geometry=_geos(feature.geometry), user=user,
                    label_class=classes.get(feature.class_name) if feature.class_name else None,
                    source=AnnotationSource.IMPORTED, predicted_quality=feature.predicted_quality)
            except ValidationFailed as exc:
                errors.append(ImportItemError(feature.item, exc.extra.get("reason", exc.code), exc.message))
                continue
            ids.append(annotation.id)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise _reject(f"{name}: {len(errors)} item(s) cannot be imported; nothing was imported.", errors)
    report = {"imported": len(ids), "ids": ids, "format": fmt, "repaired": sum(f.repaired for f in valid),
              "clipped": sum(f.clipped for f in valid)}
    audit_record(user=user, project=project, action="annotations.import", obj=scene,
                 details={"file": name, **{k: v for k, v in report.items() if k != "ids"}})
    return report


def _geos(geometry) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geometry)), srid=4326)


def annotations_import_upload(*, project: Project, scene: Scene, user, uploaded_file, format: str | None = None,
                              **options) -> dict:
    """Stream an uploaded file to a temporary file (at most settings.UPLOAD_MAX_BYTES) and import it."""
    limit = settings.UPLOAD_MAX_BYTES
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise TooLarge(f"The file is larger than the upload limit of {limit:,} bytes.")
    original = PurePosixPath(str(getattr(uploaded_file, "name", "") or "upload").replace("\\", "/")).name
    suffix = "".join(PurePosixPath(original).suffixes[-1:])
    with scratch_dir(prefix="import-") as tmp:  # locked while in use; swept if this process is killed
        path = Path(tmp) / f"upload{suffix}"
        written = 0
        with open(path, "wb") as out:
            chunks = uploaded_file.chunks(CHUNK) if hasattr(uploaded_file, "chunks") else iter(
                lambda: uploaded_file.read(CHUNK), b"")
            for chunk in chunks:
                written += len(chunk)
                if written > limit:
                    raise TooLarge(f"The file is larger than the upload limit of {limit:,} bytes.")
                out.write(chunk)
        return annotations_import(project=project, scene=scene, user=user, path=path, format=format,
                                  display_name=original, **options)
