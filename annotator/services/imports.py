"""Writes for imports: pre-annotations (source = imported) from GeoJSON, GeoPackage or COCO + georeference
sidecars, onto one scene. All or nothing per file: every feature is read, reprojected to EPSG:4326, repaired or
refused and its class checked first; one error and nothing is imported (ImportRejected, 400, with the per-item
report). Rows are written through `annotation_create`, so revisions, audit, versions and events are as for any
other annotation.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import shutil
import zipfile
from pathlib import Path, PurePosixPath

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils import timezone

from annotator.audit import audit_record
from annotator.imports.coco import coco_read
from annotator.imports.common import ImportFileError, ImportItemError, ImportRead, features_validate
from annotator.imports.geojson import geojson_read
from annotator.imports.geopackage import geopackage_read
from annotator.imports.guard import ArchiveLimits
from annotator.models import AnnotationSource, LabelClass, Project, Scene, SceneStatus
from annotator.services.annotations import annotation_create, scene_grid
from annotator.services.scratch import scratch_dir
from core.errors import NotFound, TooLarge, ValidationFailed

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


def _prepare(*, project: Project, scene: Scene, path: Path, name: str, format: str | None, layer: str | None,
             class_property: str | None, default_class: str | None):
    """Read and check every feature of one file, storing nothing: (format, valid features, errors, classes).
    A file that cannot be read at all raises ImportRejected."""
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
    grid = None
    if any(f.kind != "polygon" for f in read.features):
        try:
            grid = scene_grid(scene)
        except ValidationFailed:
            grid = None  # each such feature is refused with the reason
    valid, errors = features_validate(read, footprint=footprint, class_names=set(classes),
                                      default_class=default_class, grid=grid,
                                      schemas={name: list(c.attributes or []) for name, c in classes.items()})
    if not valid and not errors:
        errors = [ImportItemError("file", "empty", "The file has no features.")]
    return fmt, valid, errors, classes


def _blocking(errors: list[ImportItemError]) -> list[ImportItemError]:
    """Errors that no skipping can get round: the file as a whole (unknown default class, empty file)."""
    return [e for e in errors if e.item == "file"]


def _class_counts(valid) -> dict[str, int]:
    counts: dict[str, int] = {}
    for feature in valid:
        key = feature.class_name or ""
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def annotations_import_preview(*, project: Project, scene: Scene, path: Path, format: str | None = None,
                               layer: str | None = None, class_property: str | None = None,
                               default_class: str | None = None, display_name: str | None = None) -> dict:
    """A dry run of `annotations_import`: reads and checks everything, stores nothing. Returns {"format",
    "features" (valid + refused), "valid", "by_class" {class name ("" = no class): count}, "repaired", "clipped",
    "refused" (count), "errors" [{"item", "reason", "message"}], "refusal_reasons" {reason: count},
    "can_import" (all valid), "can_import_valid" (the valid ones could go in, skipping the refused)}.
    An unreadable file raises ImportRejected as the import would."""
    path = Path(path)
    fmt, valid, errors, _ = _prepare(project=project, scene=scene, path=path, name=display_name or path.name,
                                     format=format, layer=layer, class_property=class_property,
                                     default_class=default_class)
    reasons: dict[str, int] = {}
    for error in errors:
        reasons[error.reason] = reasons.get(error.reason, 0) + 1
    refused = len([e for e in errors if e.item != "file"])
    return {"format": fmt, "features": len(valid) + refused, "valid": len(valid), "by_class": _class_counts(valid),
            "with_attributes": sum(f.attributes is not None for f in valid),
            "repaired": sum(f.repaired for f in valid), "clipped": sum(f.clipped for f in valid),
            "refused": refused, "errors": [e.as_dict() for e in errors],
            "refusal_reasons": dict(sorted(reasons.items())),
            "can_import": bool(valid) and not errors,
            "can_import_valid": bool(valid) and not _blocking(errors)}


def annotations_import(*, project: Project, scene: Scene, user, path: Path, format: str | None = None,
                       layer: str | None = None, class_property: str | None = None,
                       default_class: str | None = None, display_name: str | None = None,
                       skip_invalid: bool = False) -> dict:
    """Import every feature of one file onto `scene`, or nothing. Returns {"imported", "ids", "repaired",
    "clipped", "format", "by_class", "skipped"}; raises ImportRejected (400) with {"errors": [{"item", "reason",
    "message"}]}. With `skip_invalid` the valid features go in and the refused ones are listed under "skipped"
    (errors about the file as a whole still refuse it all)."""
    path = Path(path)
    name = display_name or path.name
    fmt, valid, errors, classes = _prepare(project=project, scene=scene, path=path, name=name, format=format,
                                           layer=layer, class_property=class_property, default_class=default_class)
    if errors and (not skip_invalid or _blocking(errors) or not valid):
        raise _reject(f"{name}: {len(errors)} item(s) cannot be imported; nothing was imported.", errors)
    skipped = list(errors)
    errors = []
    ids, imported = [], []
    with transaction.atomic():
        for feature in valid:
            try:
                with transaction.atomic():
                    # a box, point or line goes in as its natural shape (its footprint is made again on the way)
                    annotation, _ = annotation_create(
                        project=project, scene=scene, user=user, kind=feature.kind, width_m=feature.width_m,
                        geometry=_geos(feature.shape if feature.shape is not None else feature.geometry),
                        label_class=classes.get(feature.class_name) if feature.class_name else None,
                        source=AnnotationSource.IMPORTED, predicted_quality=feature.predicted_quality,
                        attributes=feature.attributes)
            except ValidationFailed as exc:
                (skipped if skip_invalid else errors).append(
                    ImportItemError(feature.item, exc.extra.get("reason", exc.code), exc.message))
                continue
            ids.append(annotation.id)
            imported.append(feature)
        if errors or not ids:
            transaction.set_rollback(True)
    if errors or not ids:
        errors = errors or skipped
        raise _reject(f"{name}: {len(errors)} item(s) cannot be imported; nothing was imported.", errors)
    report = {"imported": len(ids), "ids": ids, "format": fmt, "repaired": sum(f.repaired for f in imported),
              "clipped": sum(f.clipped for f in imported), "by_class": _class_counts(imported),
              "skipped": [e.as_dict() for e in skipped]}
    audit_record(user=user, project=project, action="annotations.import", obj=scene,
                 details={"file": name, **{k: v for k, v in report.items() if k not in ("ids", "skipped")},
                          "skipped": len(skipped)})
    return report


def _geos(geometry) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geometry)), srid=4326)


def _upload_write(uploaded_file, folder: Path) -> tuple[Path, str]:
    """Stream an upload into `folder` (at most settings.UPLOAD_MAX_BYTES): (path, the name the client gave)."""
    limit = settings.UPLOAD_MAX_BYTES
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise TooLarge(f"The file is larger than the upload limit of {limit:,} bytes.")
    original = PurePosixPath(str(getattr(uploaded_file, "name", "") or "upload").replace("\\", "/")).name
    suffix = "".join(PurePosixPath(original).suffixes[-1:])
    suffix = suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,12}", suffix) else ""
    path = folder / f"upload{suffix}"
    written = 0
    with open(path, "wb") as out:
        chunks = uploaded_file.chunks(CHUNK) if hasattr(uploaded_file, "chunks") else iter(
            lambda: uploaded_file.read(CHUNK), b"")
        for chunk in chunks:
            written += len(chunk)
            if written > limit:
                raise TooLarge(f"The file is larger than the upload limit of {limit:,} bytes.")
            out.write(chunk)
    return path, original


def annotations_import_upload(*, project: Project, scene: Scene, user, uploaded_file, format: str | None = None,
                              **options) -> dict:
    """Stream an uploaded file to a temporary file (at most settings.UPLOAD_MAX_BYTES) and import it."""
    with scratch_dir(prefix="import-") as tmp:  # locked while in use; swept if this process is killed
        path, original = _upload_write(uploaded_file, Path(tmp))
        return annotations_import(project=project, scene=scene, user=user, path=path, format=format,
                                  display_name=original, **options)


# ---------------------------------------------------------------- preview, then commit
# An upload for a preview is kept under MEDIA_ROOT/imports/staging/<token>/ (the file and meta.json: scene, user,
# options, name, when) until it is committed or discarded, and at most settings.IMPORT_STAGING_TTL_SECONDS.

STAGING_DIR = ("imports", "staging")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
_OPTIONS = ("format", "layer", "class_property", "default_class")


def _staging_root() -> Path:
    return Path(settings.MEDIA_ROOT).joinpath(*STAGING_DIR)


def _staged_folder(token: str) -> Path:
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise NotFound("No such import upload; upload the file again.")
    return _staging_root() / token


def _staged_meta(*, token: str, scene: Scene, user) -> tuple[Path, dict]:
    folder = _staged_folder(token)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NotFound("No such import upload (it was committed, discarded or expired); upload the file again.") \
            from exc
    if meta.get("scene_id") != scene.id or meta.get("user_id") != getattr(user, "pk", None):
        raise NotFound("No such import upload for this scene and user; upload the file again.")
    expires = dt.datetime.fromisoformat(meta["expires_at"])
    if expires <= timezone.now():
        shutil.rmtree(folder, ignore_errors=True)
        raise NotFound("That import upload expired; upload the file again.")
    return folder, meta


def import_staging_purge(*, now: dt.datetime | None = None) -> int:
    """Remove staged uploads past their expiry (or unreadable and older than the TTL). Returns how many."""
    now = now or timezone.now()
    ttl = dt.timedelta(seconds=settings.IMPORT_STAGING_TTL_SECONDS)
    root = _staging_root()
    removed = 0
    for folder in (root.iterdir() if root.is_dir() else []):
        if not folder.is_dir():
            continue
        try:
            expires = dt.datetime.fromisoformat(json.loads((folder / "meta.json").read_text())["expires_at"])
        except (OSError, ValueError, KeyError, TypeError):
            expires = dt.datetime.fromtimestamp(folder.stat().st_mtime, tz=dt.UTC) + ttl
        if expires <= now:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def annotations_import_stage(*, project: Project, scene: Scene, user, uploaded_file, format: str | None = None,
                             layer: str | None = None, class_property: str | None = None,
                             default_class: str | None = None) -> dict:
    """Keep an upload server-side and preview it (nothing is imported): the preview of
    `annotations_import_preview` plus {"token", "file", "expires_at"}. Commit with `annotations_import_commit`.
    An unreadable file is refused (ImportRejected) and not kept."""
    import_staging_purge()
    token = secrets.token_urlsafe(24)
    folder = _staged_folder(token)
    folder.mkdir(parents=True)
    try:
        path, original = _upload_write(uploaded_file, folder)
        options = {"format": format, "layer": layer, "class_property": class_property,
                   "default_class": default_class}
        preview = annotations_import_preview(project=project, scene=scene, path=path, display_name=original,
                                             **options)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    expires = timezone.now() + dt.timedelta(seconds=settings.IMPORT_STAGING_TTL_SECONDS)
    meta = {"scene_id": scene.id, "project_id": project.id, "user_id": getattr(user, "pk", None),
            "file": original, "path": path.name, "options": {**options, "format": preview["format"]},
            "expires_at": expires.isoformat(), "preview": {k: preview[k] for k in ("valid", "refused", "by_class")}}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return {"token": token, "file": original, "expires_at": expires.isoformat(), **preview}


def annotations_import_commit(*, project: Project, scene: Scene, user, token: str, skip_invalid: bool = False) -> dict:
    """Import a staged upload as its preview described (the file is read and checked again, so a class archived
    since is refused rather than imported). The upload is removed once imported; a refused commit keeps it until
    it expires, so the reasons can be fixed in the project (a class added) and the commit tried again."""
    folder, meta = _staged_meta(token=token, scene=scene, user=user)
    options = {k: meta["options"].get(k) for k in _OPTIONS}
    report = annotations_import(project=project, scene=scene, user=user, path=folder / meta["path"],
                                display_name=meta["file"], skip_invalid=skip_invalid, **options)
    shutil.rmtree(folder, ignore_errors=True)
    return {**report, "file": meta["file"]}


def annotations_import_discard(*, scene: Scene, user, token: str) -> None:
    """Forget a staged upload (NotFound when there is none)."""
    folder, _ = _staged_meta(token=token, scene=scene, user=user)
    shutil.rmtree(folder, ignore_errors=True)
