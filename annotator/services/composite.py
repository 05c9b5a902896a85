"""Writes for composite (multi-sensor) scenes and for the bands a scene feeds the model.

A composite scene is made of several uploaded files (an admin's SAR amplitude and optical bands, say): each is
stored and checked exactly as a single upload is (streamed with its sha256, the imagery guard, header limits), their
footprints must overlap, and one scene is created (ingesting) whose ingestion (annotator.services.scenes, the same
task, progress and liveness rules) stacks them onto one grid (annotator.imagery.stack) and writes the stacked COG.
Refusals leave nothing behind: no file, no scene.

`model_bands` is a scene setting apart from the render recipe: the one or three bands the encoder sees and their
stretch. Empty, the model sees the render recipe (existing scenes behave as before). Embedding keys carry the hash
of what the model sees (inference.services.embeddings), so a change never reuses an embedding made from other bands.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

from django.conf import settings
from django.db import transaction

from annotator.audit import audit_record
from annotator.imagery import ImageryError
from annotator.imagery.inspect import inspect_raster
from annotator.imagery.recipe import recipe_default, recipe_validate
from annotator.imagery.stack import MAX_SOURCES, footprints_overlap
from annotator.models import Project, Scene, SceneStatus
from annotator.selectors.scenes import scene_cog_file
from annotator.services.jobs import job_task_send
from annotator.services.scenes import _quick_check, _send, raster_limits
from annotator.services.scratch import Held
from annotator.services.uploads import ImageryRefused, upload_store, upload_too_large
from core.errors import NotReady, ValidationFailed


class SourcesRefused(ValidationFailed):
    """The files given for a composite scene cannot make one (too few, too many, no common area)."""

    code = "invalid_sources"


def _name_of(uploaded_file) -> str:
    return PurePosixPath(str(getattr(uploaded_file, "name", "") or "upload.tif").replace("\\", "/")).name


def scene_create_composite(*, project: Project, uploaded_files: list, name: str, user,
                           reference: int | None = None, enqueue: bool = True, max_bytes: int | None = None) -> Scene:
    """Store each uploaded raster (as `scene_create_from_upload` does, `max_bytes` for all of them together), check
    each through the imagery guard and that their footprints overlap, then create one scene (ingesting) whose
    ingestion stacks them in the order given. `reference`: the 0-based index of the source whose grid the stack
    takes (default: the finest). Raises SourcesRefused / ImageryRefused (400) or TooLarge (413); nothing is kept."""
    if not 2 <= len(uploaded_files) <= MAX_SOURCES:
        raise SourcesRefused(f"A composite scene is made of 2 to {MAX_SOURCES} files; got {len(uploaded_files)}.")
    if reference is not None and not 0 <= reference < len(uploaded_files):
        raise SourcesRefused(f"`reference` must name one of the {len(uploaded_files)} files (0 to "
                             f"{len(uploaded_files) - 1}).")
    names = [_name_of(f) for f in uploaded_files]
    if len(set(names)) != len(names):
        raise SourcesRefused("Two files share a name; band descriptions name their source, so rename one.")
    limit = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    if sum(getattr(f, "size", 0) or 0 for f in uploaded_files) > limit:
        raise upload_too_large(limit)
    held: list[Held] = []
    try:
        checksums = []
        footprints = []
        for uploaded, label in zip(uploaded_files, names, strict=True):
            stored, checksum = upload_store(uploaded, max_bytes=limit)
            held.append(stored)
            checksums.append(checksum)
            _quick_check(stored.path, label)  # the guard, header limits, first and last blocks
            footprints.append(inspect_raster(stored.path, limits=raster_limits(), name=label).footprint)
        apart = footprints_overlap(footprints)
        if apart is not None:
            raise SourcesRefused(f"{names[apart]} does not overlap "
                                 f"{names[0] if apart == 1 else 'the files before it'}: a composite scene needs a "
                                 "common area.", extra={"reason": "sources_do_not_overlap", "source": names[apart]})
        digest = hashlib.sha256(("stack|" + "|".join(checksums) + f"|ref={reference}").encode()).hexdigest()
        sources = [{"name": label, "path": str(h.path), **({"reference": True} if i == reference else {})}
                   for i, (label, h) in enumerate(zip(names, held, strict=True))]
        with transaction.atomic():
            scene = Scene.objects.create(
                project=project, name=(name or " + ".join(PurePosixPath(n).stem for n in names))[:200],
                source_name=" + ".join(names)[:500], source_path="", sources=sources, checksum=digest,
                status=SceneStatus.INGESTING, progress=0.0,
                created_by=user if user is not None and getattr(user, "is_authenticated", False) else None)
            audit_record(user=user, project=project, action="scene.composite", obj=scene,
                         details={"sources": names, "reference": reference})

            def after_commit() -> None:
                for h in held:
                    h.release()  # the committed scene row refers to the uploads from now on
                if enqueue:
                    job_task_send("annotator.ingest_scene", args=[scene.id])

            transaction.on_commit(after_commit)
            return scene
    except BaseException:
        for h in held:
            h.discard()
        raise


def scene_update_model_bands(*, scene: Scene, model_bands: dict | None, user) -> Scene:
    """Set the bands the model sees (one band, repeated as grey, or three) with their stretch; `bands` without
    `min`/`max` gets each band's 2-98 percentiles. None or {} goes back to following the render recipe.
    Raises NotReady (409) before ingestion ends, ValidationFailed (400) for bands that do not fit."""
    if scene.status != SceneStatus.READY:
        raise NotReady("The scene is not ready yet; its model bands can be chosen once ingestion ends.")
    value: dict = {}
    if model_bands:
        if not isinstance(model_bands, dict) or set(model_bands) - {"bands", "min", "max"}:
            raise ValidationFailed("Model bands are an object with `bands` (one or three band numbers) and, "
                                   "optionally, `min` and `max` (one per band).")
        try:
            raw = model_bands.get("bands")
            bands = raw if isinstance(raw, list) else [raw]
            if not bands:
                raise ValidationFailed("`bands` must list one band (grey) or three.")
            if "min" in model_bands and "max" in model_bands:
                value = recipe_validate(dict(model_bands), band_count=scene.band_count)
            elif "min" in model_bands or "max" in model_bands:
                raise ValidationFailed("Give both `min` and `max`, or neither (then the 2-98 percentiles are used).")
            else:
                value = recipe_default(scene_cog_file(scene), band_count=scene.band_count, bands=bands)
                value = recipe_validate(value, band_count=scene.band_count)
        except ImageryError as exc:
            raise ValidationFailed(str(exc).replace("render recipe", "model bands"),
                                   extra={"reason": exc.code}) from exc
    scene.model_bands = value
    scene.save(update_fields=["model_bands", "updated_at"])
    audit_record(user=user, project=scene.project, action="scene.model_bands", obj=scene,
                 details={"model_bands": value})
    _send(scene.pk, "scene.updated", {"model_bands": value})
    return scene


__all__ = ["ImageryRefused", "SourcesRefused", "scene_create_composite", "scene_update_model_bands"]
