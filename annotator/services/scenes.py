"""Writes for scenes: upload or register imagery, ingest it into a Cloud-Optimized GeoTIFF, edit the render recipe.

A scene is created with status "ingesting" once its source file is in place and has passed a quick check
(a readable, georeferenced, north-up raster); the heavy work runs in the Celery task `annotator.ingest_scene`
(queue `default`), which calls `scene_ingest`. Refusals leave nothing behind: no file, and no scene row for a
refusal at upload/registration time; a failed ingestion keeps its scene row (status failed + reason) but no files.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.db import transaction
from django.utils import timezone

from annotator.audit import audit_record
from annotator.events import scene_event_send
from annotator.imagery import ImageryError, RasterTooLarge
from annotator.imagery.cog import write_cog
from annotator.imagery.guard import RasterLimits
from annotator.imagery.inspect import inspect_raster
from annotator.imagery.recipe import recipe_default, recipe_merge
from annotator.imagery.stack import StackSource, stack_sources
from annotator.media import (
    media_delete,
    media_delete_prefix,
    media_put_file,
    media_remote,
)
from annotator.models import Project, Scene, SceneStatus
from annotator.selectors.scenes import scene_cog_file, scene_tile_source_forget
from annotator.services.jobs import Liveness, job_heartbeat, job_progress_pause, job_task_id, job_task_send, liveness
from annotator.services.scratch import Held
from annotator.services.uploads import (
    MEDIA_REF,
    UPLOADS_DIR,
    ImageryRefused,
    UploadUnavailable,
    upload_fetch,
    upload_is_local,
    upload_media_key,
    upload_store,
)
from core.errors import NotReady, TooLarge, ValidationFailed
from core.hashing import sha256_file

logger = logging.getLogger(__name__)

SCENES_DIR = "scenes"


class ImageryTooLarge(TooLarge):
    """The raster's header declares more pixels or bytes than the settings allow (checked before any pixel is read);
    `extra["reason"]` says which limit."""

    code = "too_large"


class PathRefused(ValidationFailed):
    """A registered path that is missing or reaches outside GEOLOOP_IMAGERY_ROOT."""

    code = "invalid_path"


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def raster_limits() -> RasterLimits:
    """The header limits every untrusted raster is held to (settings IMAGERY_*)."""
    return RasterLimits(max_pixels=settings.IMAGERY_MAX_PIXELS, max_bands=settings.IMAGERY_MAX_BANDS,
                        max_bytes=settings.IMAGERY_MAX_DECOMPRESSED_BYTES,
                        max_block_bytes=settings.IMAGERY_MAX_BLOCK_BYTES,
                        max_ratio=settings.IMAGERY_MAX_COMPRESSION_RATIO,
                        ratio_free_bytes=settings.IMAGERY_RATIO_FREE_BYTES)


def _quick_check(path: Path, label: str) -> None:
    """Open through the imagery guard (allowed formats only, nothing outside the file, header limits) and read the
    first and last blocks. The refusal names the file as the caller knows it and carries the imagery error's code as
    `reason` (format_not_allowed, external_reference, raster_too_large, ...)."""
    try:
        inspect_raster(path, limits=raster_limits())
    except RasterTooLarge as exc:
        raise ImageryTooLarge(str(exc).replace(path.name, label), extra=exc.extra) from exc
    except ImageryError as exc:
        raise ImageryRefused(str(exc).replace(path.name, label), extra={"reason": exc.code, **exc.extra}) from exc


def _scene_create(*, project: Project, name: str, user, source_name: str, source_path: Path | str, checksum: str,
                  enqueue: bool, action: str, held: Held | None = None) -> Scene:
    scene = Scene.objects.create(
        project=project, name=name or Path(source_name).stem or "scene", source_name=source_name[:500],
        source_path=str(source_path), checksum=checksum, status=SceneStatus.INGESTING, progress=0.0,
        created_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )
    audit_record(user=user, project=project, action=action, obj=scene, details={"source": source_name})

    def after_commit() -> None:
        if held is not None:
            held.release()  # the committed scene row refers to the upload from now on
        if enqueue:
            job_task_send("annotator.ingest_scene", args=[scene.id])

    if enqueue or held is not None:
        transaction.on_commit(after_commit)
    return scene


def scene_create_from_upload(*, project: Project, uploaded_file, name: str, user, enqueue: bool = True,
                             max_bytes: int | None = None) -> Scene:
    """Store an uploaded raster (streamed to disk with its sha256, at most `max_bytes`, default
    settings.UPLOAD_MAX_BYTES), check it quickly, create the scene (ingesting) and queue the ingestion on commit.

    Raises TooLarge (413: the file, or the pixels its header declares) or ImageryRefused (400); in both cases nothing
    is stored."""
    limit = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    source_name = PurePosixPath(str(getattr(uploaded_file, "name", "") or "upload.tif").replace("\\", "/")).name
    held, checksum = upload_store(uploaded_file, max_bytes=limit)
    key = None
    try:
        _quick_check(held.path, source_name)
        if media_remote():
            # the ingest worker may run on another machine: the upload reaches it through the bucket only
            key = f"{UPLOADS_DIR}/{held.path.name}"
            media_put_file(key, held.path)
        with transaction.atomic():
            scene = _scene_create(project=project, name=name, user=user, source_name=source_name,
                                  source_path=f"{MEDIA_REF}{key}" if key else held.path, checksum=checksum,
                                  enqueue=enqueue, action="scene.upload", held=None if key else held)
        if key:
            held.discard()  # the bucket's copy is the one the ingestion reads
        return scene
    except BaseException:
        held.discard()
        if key:
            media_delete(key)
        raise


def imagery_path_resolve(path: str) -> Path:
    """Resolve `path` (relative to settings.IMAGERY_ROOT) to a file inside that root, or raise PathRefused:
    absolute paths, `..`, and symlinks that lead outside the root are refused."""
    root = Path(settings.IMAGERY_ROOT).resolve()
    text = (path or "").strip()
    if not text:
        raise PathRefused("Give the path of a file inside the imagery folder.")
    parts = PurePosixPath(text.replace("\\", "/"))
    if parts.is_absolute() or text.startswith("~"):
        raise PathRefused(f"{text!r} is absolute; give a path relative to the imagery folder.")
    if ".." in parts.parts:
        raise PathRefused(f"{text!r} contains '..'; paths must stay inside the imagery folder.")
    candidate = root.joinpath(*parts.parts)
    try:
        resolved = candidate.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        raise PathRefused(f"No file at {text!r} in the imagery folder.") from None
    if not resolved.is_relative_to(root):
        raise PathRefused(f"{text!r} leads outside the imagery folder (through a symbolic link); it is not "
                          "reachable.")
    if not resolved.is_file():
        raise PathRefused(f"{text!r} is not a file.")
    return resolved


@transaction.atomic
def scene_create_from_path(*, project: Project, path: str, name: str, user, enqueue: bool = True) -> Scene:
    """Register a file under settings.IMAGERY_ROOT (the file stays where it is; its checksum is computed by the
    ingestion). Raises PathRefused or ImageryRefused (400), ImageryTooLarge (413)."""
    resolved = imagery_path_resolve(path)
    _quick_check(resolved, path)
    return _scene_create(project=project, name=name, user=user, source_name=path, source_path=resolved, checksum="",
                         enqueue=enqueue, action="scene.register")


def _send(scene_id: int, event: str, payload: dict) -> None:
    try:
        scene_event_send(scene_id=scene_id, event=event, payload={"scene_id": scene_id, **payload})
    except Exception:  # the event is a courtesy; the record is the truth
        logger.warning("could not send %s for scene %s", event, scene_id, exc_info=True)


def _progress(scene: Scene, progress: float, stage: str) -> None:
    scene.progress = progress
    Scene.objects.filter(pk=scene.pk).update(progress=progress, heartbeat_at=timezone.now())
    _send(scene.pk, "scene.progress", {"progress": progress, "stage": stage})
    job_progress_pause()


def _scene_folder(scene_id: int) -> Path:
    return _media_root() / SCENES_DIR / str(scene_id)


def _scene_files_remove(scene_id: int) -> None:
    """The scene's COG wherever media lives (local folder, bucket) and what an ingestion left on this machine."""
    media_delete_prefix(f"{SCENES_DIR}/{scene_id}")
    shutil.rmtree(_scene_folder(scene_id), ignore_errors=True)


def _scene_claim(scene_id: int, task_id: str) -> tuple[Scene, bool]:
    """Record that ``task_id`` runs the ingestion. Returns (scene, claimed). A scene claimed by another run is left
    to it (and to the reaper); the same task delivered again after its worker died is failed, not re-run (the file
    that killed a worker would kill the next one)."""
    now = timezone.now()
    claimed = Scene.objects.filter(pk=scene_id, status=SceneStatus.INGESTING, celery_task_id="").update(
        celery_task_id=task_id, heartbeat_at=now)
    scene = Scene.objects.get(pk=scene_id)
    if not claimed and scene.status == SceneStatus.INGESTING and scene.celery_task_id == task_id:
        scene_ingest_fail(scene=scene, task_id=task_id,
                          reason="Ingestion failed: the task was delivered again after its worker died; not re-run.")
        scene.refresh_from_db()
    return scene, bool(claimed)


def scene_ingest_fail(*, scene: Scene, reason: str, task_id: str | None = None) -> bool:
    """Mark an ingesting scene failed with ``reason`` (only while it is still ingesting, and under ``task_id`` when
    given) and remove what its ingestion wrote: the scene folder (COG and temporary files) and an uploaded source.
    Returns whether the scene was failed here."""
    qs = Scene.objects.filter(pk=scene.pk, status=SceneStatus.INGESTING)
    if task_id is not None:
        qs = qs.filter(celery_task_id=task_id)
    key = upload_media_key(scene.source_path) if scene.source_path else None
    source = Path(scene.source_path) if scene.source_path and key is None else None
    upload = key is not None or (source is not None and upload_is_local(source))
    composite = [Path(item["path"]) for item in scene.sources or [] if item.get("path")]
    updated = qs.update(status=SceneStatus.FAILED, status_reason=reason[:2000], heartbeat_at=None,
                        **({"source_path": ""} if upload else {}),
                        **({"sources": _sources_names(scene.sources)} if composite else {}))
    if not updated:
        return False
    _scene_files_remove(scene.pk)
    if key is not None:
        media_delete(key)
    elif upload and source is not None:
        source.unlink(missing_ok=True)
    for path in composite:
        if upload_is_local(path):
            path.unlink(missing_ok=True)
    scene.refresh_from_db()
    _send(scene.pk, "scene.status", {"status": scene.status, "status_reason": scene.status_reason,
                                     "progress": scene.progress})
    return True


def scene_ingest(*, scene_id: int, task_id: str | None = None) -> Scene:
    """Validate the source, write its COG to MEDIA_ROOT/scenes/<id>/<checksum>.tif, record its metadata and the
    default render recipe, and mark the scene ready. Any failure marks it failed with a readable reason and removes
    what was written (and an uploaded source). Progress goes to the scene row and to `scene.progress` events.

    The run claims the scene under ``task_id`` and beats its heartbeat while it works (annotator.services.jobs), so
    a run whose worker is killed is failed by the reaper, which removes its files."""
    run_id = job_task_id(task_id)
    scene, claimed = _scene_claim(scene_id, run_id)
    if not claimed:
        return scene
    with job_heartbeat(model=Scene, pk=scene.pk):
        return _ingest(scene, run_id)


def _sources_names(sources: list | None) -> list[dict]:
    """A composite scene's sources without their (removed) files: what the record keeps once ingestion ends."""
    return [{"name": item.get("name", "")} for item in sources or []]


def _composite_cog(scene: Scene, folder: Path) -> Path:
    """Stack a composite scene's sources (annotator.imagery.stack: each through the guard, onto one grid) and
    write the stack's COG. Progress 0.1-0.7 while bands are stacked."""
    folder.mkdir(parents=True, exist_ok=True)
    stacked = folder / f".{scene.checksum}.stack.tif"
    sources = [StackSource(path=item["path"], name=item["name"]) for item in scene.sources]
    reference = next((i for i, item in enumerate(scene.sources) if item.get("reference")), None)
    try:
        stack_sources(sources, stacked, reference=reference, limits=raster_limits(),
                      progress=lambda done: _progress(scene, 0.1 + 0.6 * done, "stacking"))
        _progress(scene, 0.75, "writing COG")
        return write_cog(stacked, folder / f"{scene.checksum}.tif", limits=raster_limits())
    finally:
        stacked.unlink(missing_ok=True)


def _single_cog(scene: Scene, source: Path, folder: Path) -> Path:
    """One source file: checked through the guard, then written as the scene's COG. Progress 0.05-0.8."""
    inspect_raster(source, read_all=False, limits=raster_limits())
    if not scene.checksum:
        _progress(scene, 0.1, "checksum")
        scene.checksum = sha256_file(source)
    _progress(scene, 0.2, "writing COG")
    return write_cog(source, folder / f"{scene.checksum}.tif", limits=raster_limits())


def _sources_consumed(source: Path, composite: list[Path], key: str | None) -> None:
    """After a successful ingestion: the uploaded files (local, a composite's, or the bucket copy) are gone."""
    for path in [source, *composite]:
        if upload_is_local(path):
            path.unlink(missing_ok=True)
    if key is not None:
        media_delete(key)


def _ingest(scene: Scene, run_id: str) -> Scene:
    fetched: list[Held] = []  # the local copy of an upload fetched from the bucket, removed whatever happens
    try:
        return _ingest_run(scene, run_id, fetched)
    finally:
        for held in fetched:
            held.discard()


def _ingest_run(scene: Scene, run_id: str, fetched: list[Held]) -> Scene:
    source = Path(scene.source_path)
    key: str | None = None
    folder = _scene_folder(scene.pk)
    composite = [Path(item["path"]) for item in scene.sources or [] if item.get("path")]
    try:
        key = upload_media_key(scene.source_path)
        if key is not None:
            _progress(scene, 0.02, "fetching upload")
            fetched.append(upload_fetch(key, checksum=scene.checksum))
            source = fetched[-1].path
        _progress(scene, 0.05, "validating")
        cog = _composite_cog(scene, folder) if composite else _single_cog(scene, source, folder)
        _progress(scene, 0.8, "reading metadata")
        info = inspect_raster(cog, limits=raster_limits())
        recipe = recipe_default(cog, band_count=info.band_count)
        _progress(scene, 0.95, "render recipe")
        scene.cog_path = f"{SCENES_DIR}/{scene.pk}/{cog.name}"
        media_put_file(scene.cog_path, cog, move=True)  # to the media bucket with s3; locally already in place
        scene.crs = info.crs
        scene.footprint = Polygon(info.footprint, srid=4326)
        scene.width, scene.height = info.width, info.height
        scene.band_count, scene.dtype, scene.nodata = info.band_count, info.dtype, info.nodata
        scene.radiometry = info.radiometry
        scene.gsd = info.gsd
        scene.transform = list(info.transform)
        scene.overview_count = info.overview_count
        scene.render_recipe = recipe
        scene.status, scene.status_reason, scene.progress = SceneStatus.READY, "", 1.0
        scene.heartbeat_at = timezone.now()
        if upload_is_local(source):
            scene.source_path = ""
        if composite:
            scene.sources = _sources_names(scene.sources)
        with transaction.atomic():
            current = Scene.objects.select_for_update().filter(pk=scene.pk).values_list(
                "status", "celery_task_id").first()
            if current != (SceneStatus.INGESTING, run_id):  # failed meanwhile (the reaper took it for dead)
                raise _Superseded(f"the scene is {current[0] if current else 'gone'}; this run's result is dropped")
            scene.save()
    except _Superseded as exc:
        logger.warning("scene %s ingestion finished after %s", scene.pk, exc)
        _scene_files_remove(scene.pk)
        return Scene.objects.filter(pk=scene.pk).first() or scene
    except Exception as exc:
        known = isinstance(exc, ImageryError | UploadUnavailable)
        reason = str(exc) if known else f"Ingestion failed: {type(exc).__name__}: {exc}"
        logger.warning("scene %s ingestion failed: %s", scene.pk, reason, exc_info=not known)
        scene_ingest_fail(scene=scene, reason=reason, task_id=run_id)
        return Scene.objects.get(pk=scene.pk)
    _sources_consumed(source, composite, key)
    scene_tile_source_forget(scene.pk)
    _send(scene.pk, "scene.progress", {"progress": 1.0, "stage": "ready"})
    _send(scene.pk, "scene.status", {"status": scene.status, "status_reason": "", "progress": 1.0})
    return scene


class _Superseded(Exception):
    pass


def scene_ingest_task_failed(task_id: str, reason: str) -> bool:
    """The worker reported the ingestion task failed (a killed pool child, a hard time limit)."""
    scene = Scene.objects.filter(status=SceneStatus.INGESTING, celery_task_id=task_id).first()
    return scene is not None and scene_ingest_fail(scene=scene, task_id=task_id,
                                                   reason=f"Ingestion failed: {reason}")


def scenes_reap(*, alive: Liveness | None = None) -> list[int]:
    """Fail ingestions whose worker is gone (or that no worker started within JOB_QUEUED_MAX_S), removing their
    files. Returns the ids of the scenes failed."""
    stuck = list(Scene.objects.filter(status=SceneStatus.INGESTING))
    if not stuck:
        return []
    alive = alive or liveness()
    reaped = []
    for scene in stuck:
        why = alive.claimed_job_verdict(task_id=scene.celery_task_id, heartbeat_at=scene.heartbeat_at,
                                        queued_since=scene.created_at, queue="default")
        if why and scene_ingest_fail(scene=scene, reason=f"Ingestion failed: {why}.",
                                     task_id=scene.celery_task_id):
            reaped.append(scene.pk)
    return reaped


def scene_update_recipe(*, scene: Scene, recipe: dict, user) -> Scene:
    """Edit the render recipe (partial edits allowed; new bands without min/max get their 2-98 percentiles).
    Raises NotReady (409) before ingestion ends, ValidationFailed (400) for a recipe that does not fit."""
    if scene.status != SceneStatus.READY:
        raise NotReady("The scene is not ready yet; its render recipe can be edited once ingestion ends.")
    try:
        merged = recipe_merge(scene_cog_file(scene), current=scene.render_recipe, changes=recipe,
                              band_count=scene.band_count)
    except ImageryError as exc:
        raise ValidationFailed(str(exc)) from exc
    scene.render_recipe = merged
    scene.save(update_fields=["render_recipe", "updated_at"])
    scene_tile_source_forget(scene.pk)
    audit_record(user=user, project=scene.project, action="scene.recipe", obj=scene, details={"recipe": merged})
    _send(scene.pk, "scene.updated", {"render_recipe": merged})
    return scene


@transaction.atomic
def scene_update(*, scene: Scene, user, name: str | None = None, render_recipe: dict | None = None) -> Scene:
    if name is not None:
        if not name.strip():
            raise ValidationFailed("A scene's name cannot be empty.")
        scene.name = name.strip()
        scene.save(update_fields=["name", "updated_at"])
        audit_record(user=user, project=scene.project, action="scene.update", obj=scene, details={"name": name})
    if render_recipe is not None:
        scene_update_recipe(scene=scene, recipe=render_recipe, user=user)
    return scene
