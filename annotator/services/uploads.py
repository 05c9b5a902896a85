"""Uploaded imagery on its way to ingestion (one room for the files users send).

An upload is streamed to ``MEDIA_ROOT/uploads/<random>.tif`` as a locked scratch file, hashed as it goes and refused
past its byte limit. With media in a bucket (``GEOLOOP_STORAGE=s3``) the web process then puts it under the bucket
key ``uploads/<name>`` and the scene's ``source_path`` says ``media:uploads/<name>``; the ingest worker streams it
back to its own disk (:func:`upload_fetch`), so the web and the worker share no folder. Sweeps remove what killed
requests and workers left, locally and in the bucket.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings

from annotator.media import media_delete, media_key_check, media_list_modified, media_open, media_remote
from annotator.models import Scene, SceneStatus
from annotator.services.scratch import CREATE_GUARD_S, PART_SUFFIX, Held, scratch_file, scratch_sweep
from core.errors import TooLarge, ValidationFailed

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
UPLOADS_DIR = "uploads"
MEDIA_REF = "media:"  # a scene's source_path that names an upload in the media bucket: "media:uploads/<name>.tif"


class ImageryRefused(ValidationFailed):
    """The file is not imagery GeoLoop can take; the message says why."""

    code = "invalid_raster"


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _stream_to_scratch(chunks: Iterable[bytes], *, limit: int,
                       over_limit: Callable[[], Exception]) -> tuple[Held, str, int]:
    """Write ``chunks`` to a locked ``MEDIA_ROOT/uploads/<random>.tif`` scratch file, hashing as it goes; past
    ``limit`` bytes raise ``over_limit()``. The file is renamed from ``.part`` once complete; on any error nothing
    is kept. Returns the held file, its sha256 and its size."""
    held, out = scratch_file(_media_root() / UPLOADS_DIR, suffix=".tif")
    digest = hashlib.sha256()
    written = 0
    try:
        with out:
            for chunk in chunks:
                written += len(chunk)
                if written > limit:
                    raise over_limit()
                digest.update(chunk)
                out.write(chunk)
        return held, digest.hexdigest(), written
    except BaseException:
        held.discard()
        raise


def _chunks(uploaded_file):
    if hasattr(uploaded_file, "chunks"):
        yield from uploaded_file.chunks(CHUNK)
        return
    yield from iter(lambda: uploaded_file.read(CHUNK), b"")


def upload_too_large(limit: int) -> TooLarge:
    return TooLarge(f"The file is larger than the upload limit of {limit:,} bytes "
                    f"({limit / 1024**2:.0f} MiB); register it from the imagery folder instead.",
                    extra={"limit_bytes": limit})


def upload_store(uploaded_file, *, max_bytes: int) -> tuple[Held, str]:
    """Stream the upload to MEDIA_ROOT/uploads/<random>.tif, hashing as it goes. Over `max_bytes`: nothing kept.

    The file is written as ``<random>.tif.part`` and renamed once complete; it is locked (annotator.services.scratch)
    until the caller releases it, so a process killed mid-upload leaves only an unlocked ``.part`` that the sweep at
    the next start (or the reaper) removes, and a live upload is never swept."""
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > max_bytes:
        raise upload_too_large(max_bytes)
    held, checksum, written = _stream_to_scratch(_chunks(uploaded_file), limit=max_bytes,
                                                 over_limit=lambda: upload_too_large(max_bytes))
    try:
        if written == 0:
            raise ImageryRefused("The uploaded file is empty.")
        held.rename(held.path.with_name(held.path.name.removesuffix(PART_SUFFIX)))
    except BaseException:
        held.discard()
        raise
    return held, checksum


def upload_leftovers_sweep(*, with_database: bool = True) -> list[Path]:
    """Remove what killed uploads left in MEDIA_ROOT/uploads: unlocked partial files, and (``with_database``)
    complete ones no ingesting scene refers to and no live request holds. Returns the removed paths."""
    folder = _media_root() / UPLOADS_DIR
    if not folder.is_dir():
        return []
    if not with_database:
        return scratch_sweep(folders=[folder], keep=lambda path: True)
    ingesting = Scene.objects.filter(status=SceneStatus.INGESTING)
    referenced = set(ingesting.exclude(source_path="").values_list("source_path", flat=True))
    for sources in ingesting.exclude(sources=[]).values_list("sources", flat=True):  # composite scenes' files
        referenced.update(str(item.get("path", "")) for item in sources or [])
    return scratch_sweep(folders=[folder], keep=lambda path: str(path) in referenced)


def upload_bucket_sweep() -> list[str]:
    """With media in a bucket: remove uploads there that no ingesting scene refers to (a web process killed between
    storing the upload and committing its scene, a transaction rolled back), once older than the scratch guard
    (younger ones may be between their storing and their commit). Returns the ``media:`` references removed."""
    if not media_remote():
        return []
    referenced = set(Scene.objects.filter(status=SceneStatus.INGESTING, source_path__startswith=MEDIA_REF)
                     .values_list("source_path", flat=True))
    now = time.time()
    removed = []
    for key, modified in list(media_list_modified(UPLOADS_DIR)):
        ref = f"{MEDIA_REF}{key}"
        if ref not in referenced and now - modified >= CREATE_GUARD_S:
            media_delete(key)
            removed.append(ref)
    if removed:
        logger.info("removed %d left-over upload(s) from the media bucket", len(removed))
    return removed


def upload_is_local(path: Path) -> bool:
    """Whether ``path`` is an upload in this machine's MEDIA_ROOT/uploads (a file ingestion consumes)."""
    return path.is_relative_to(_media_root() / UPLOADS_DIR)


def upload_media_key(source_path: str) -> str | None:
    """The bucket key of an upload that waits for its ingestion (``source_path`` ``media:uploads/<name>``), else
    None. A ``media:`` reference to anything else is refused (a bug, never user input)."""
    if not source_path.startswith(MEDIA_REF):
        return None
    key = media_key_check(source_path[len(MEDIA_REF):])
    if not key.startswith(f"{UPLOADS_DIR}/") or key.count("/") != 1:
        raise ValueError(f"{source_path!r} is not an upload in the media bucket.")
    return key


class UploadUnavailable(Exception):
    """The upload could not be fetched from the bucket as it was stored (gone, larger than the limit, changed)."""


def upload_fetch(key: str, *, checksum: str) -> Held:
    """Stream the upload ``key`` from the bucket to this machine's MEDIA_ROOT/uploads (a locked scratch file, so no
    sweep removes it while the ingestion reads it), at most UPLOAD_MAX_BYTES, and check its sha256 against the one
    computed when it was received."""
    limit = settings.UPLOAD_MAX_BYTES
    try:
        body = media_open(key)
    except FileNotFoundError:
        raise UploadUnavailable("Ingestion failed: the uploaded file is no longer in the media bucket.") from None
    with body:
        held, digest, _written = _stream_to_scratch(
            iter(lambda: body.read(CHUNK), b""), limit=limit,
            over_limit=lambda: UploadUnavailable(f"Ingestion failed: the uploaded file in the media bucket is larger "
                                                 f"than the upload limit of {limit:,} bytes."))
    try:
        if checksum and digest != checksum:
            raise UploadUnavailable("Ingestion failed: the uploaded file in the media bucket does not match the "
                                    "checksum computed when it was received.")
        held.rename(held.path.with_name(held.path.name.removesuffix(PART_SUFFIX)))
    except BaseException:
        held.discard()
        raise
    return held
