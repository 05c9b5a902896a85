"""Media storage: the one room through which GeoLoop's own files (COGs, embeddings, checkpoints, exports) are put,
read, listed and removed, by storage key: a relative POSIX path that GeoLoop chose (``scenes/12/<sha256>.tif``,
``embeddings/...npy``, ``checkpoints/<sha256>.pt``, ``exports/<project>/<job>/<name>.zip``), never a user's.

- ``GEOLOOP_STORAGE=local`` (the embedded default): a key is the file ``MEDIA_ROOT/<key>``;
- ``GEOLOOP_STORAGE=s3``: a key is the object ``<GEOLOOP_S3_PREFIX>/<key>`` in ``GEOLOOP_S3_BUCKET``, written and read
  through django-storages (boto3, the ``media`` entry of ``STORAGES``). GDAL reads COGs there over HTTP range
  requests: :func:`media_gdal_path` builds the ``/vsis3/`` path from the key (an
  :class:`~annotator.imagery.guard.OwnObjectPath`, the only /vsi path the imagery guard opens, GTiff only) and
  :func:`media_gdal_configure` gives ``annotator.imagery.gdal_env.cog_env`` the bucket's endpoint and credentials.
  Files that must be on this machine's disk (a checkpoint for torch) are copied once into ``GEOLOOP_MEDIA_CACHE``
  by :func:`media_local`.

Work in progress (uploads being received, staging folders, zips being written) stays on this machine under
``MEDIA_ROOT`` and only finished files are put here. Deleting a key that is already gone is not an error, so that
several machines may clean up the same thing at once.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages

from annotator.imagery.gdal_env import own_store_configure
from annotator.imagery.guard import OwnObjectPath
from core.errors import ValidationFailed

_KEY = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9._\-]*(/[A-Za-z0-9_\-][A-Za-z0-9._\-]*)*$")


class MediaKeyRefused(ValidationFailed):
    """A storage key that is not a plain relative path of GeoLoop's own naming (a bug, not user input)."""

    code = "invalid_media_key"


def media_key_check(key: str) -> str:
    """``key`` if it is a relative POSIX path of safe names (no ``..``, no leading slash, no scheme)."""
    if not isinstance(key, str) or not _KEY.match(key) or ".." in key.split("/"):
        raise MediaKeyRefused(f"{str(key)[:200]!r} is not a media storage key.")
    return key


def media_remote() -> bool:
    """Whether media lives in an S3-compatible bucket (else under MEDIA_ROOT)."""
    return settings.GEOLOOP_STORAGE == "s3"


def _root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _store():
    return storages["media"]


def media_path(key: str) -> Path:
    """The local file of ``key`` (local storage only; with s3 use :func:`media_local`)."""
    return _root() / media_key_check(key)


# ------------------------------------------------------------------------------------------------ write


def media_put_file(key: str, source: str | os.PathLike, *, move: bool = False) -> int:
    """Store the local file ``source`` under ``key`` (replacing what was there); ``move`` removes ``source``
    afterwards. Returns the size in bytes. Locally the file lands by an atomic rename, so no reader sees half of it."""
    media_key_check(key)
    source = Path(source)
    size = source.stat().st_size
    if not media_remote():
        target = media_path(key)
        if target == source:
            return size
        target.parent.mkdir(parents=True, exist_ok=True)
        if move:
            shutil.move(source, target)  # a rename on the same file system
        else:
            _copy_atomic(source, target)
        return size
    with open(source, "rb") as handle:
        _store().save(key, File(handle, name=key))
    if move:
        source.unlink(missing_ok=True)
    return size


def media_put_bytes(key: str, data: bytes) -> int:
    """Store ``data`` under ``key`` (atomically replacing it). Returns the size."""
    media_key_check(key)
    if not media_remote():
        target = media_path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=target.name, suffix=".part", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return len(data)
    from django.core.files.base import ContentFile

    _store().save(key, ContentFile(data, name=key))
    return len(data)


def _copy_atomic(source: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=target.name, suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def media_delete(key: str) -> bool:
    """Remove ``key``; False when it was already gone (another machine may have removed it first)."""
    media_key_check(key)
    if not media_remote():
        try:
            media_path(key).unlink()
        except FileNotFoundError:
            return False
        return True
    store = _store()
    existed = store.exists(key)
    store.delete(key)  # S3 deletes are idempotent
    return existed


def media_delete_prefix(prefix: str) -> tuple[int, int]:
    """Remove every key under the folder ``prefix``; returns (files, bytes) removed."""
    media_key_check(prefix)
    if not media_remote():
        folder = media_path(prefix)
        if not folder.is_dir():
            return 0, 0
        files = [f for f in folder.rglob("*") if f.is_file()]
        size = sum(f.stat().st_size for f in files)
        shutil.rmtree(folder, ignore_errors=True)
        return len(files), size
    count, size = 0, 0
    store = _store()
    for obj in store.bucket.objects.filter(Prefix=_object_name(prefix) + "/"):
        count, size = count + 1, size + int(obj.size)
        obj.delete()
    return count, size


# ------------------------------------------------------------------------------------------------ read


def media_exists(key: str) -> bool:
    media_key_check(key)
    return media_path(key).is_file() if not media_remote() else _store().exists(key)


def media_size(key: str) -> int:
    """Size in bytes; FileNotFoundError when missing."""
    media_key_check(key)
    if not media_remote():
        return media_path(key).stat().st_size
    try:
        return int(_store().size(key))
    except ClientError as exc:
        if _missing(exc):
            raise FileNotFoundError(key) from exc
        raise


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code", "")) in ("404", "NoSuchKey", "NotFound")


def media_read_bytes(key: str) -> bytes:
    """The whole content of ``key``; FileNotFoundError when missing."""
    with media_open(key) as handle:
        return handle.read()


def media_open(key: str) -> IO[bytes]:
    """A binary file object reading ``key`` (streamed from the bucket with s3); FileNotFoundError when missing."""
    media_key_check(key)
    if not media_remote():
        return open(media_path(key), "rb")
    try:
        return _store().bucket.Object(_object_name(key)).get()["Body"]
    except ClientError as exc:
        if _missing(exc):
            raise FileNotFoundError(key) from exc
        raise


def media_list(prefix: str) -> Iterator[tuple[str, int]]:
    """(key, size) of every file under the folder ``prefix``."""
    media_key_check(prefix)
    if not media_remote():
        folder = media_path(prefix)
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                yield path.relative_to(_root()).as_posix(), path.stat().st_size
        return
    base = _object_name("")
    for obj in _store().bucket.objects.filter(Prefix=_object_name(prefix) + "/"):
        yield obj.key[len(base):], int(obj.size)


def media_list_modified(prefix: str) -> Iterator[tuple[str, float]]:
    """(key, last modified as a POSIX timestamp) of every file under the folder ``prefix``."""
    media_key_check(prefix)
    if not media_remote():
        for key, _size in media_list(prefix):
            try:
                yield key, media_path(key).stat().st_mtime
            except FileNotFoundError:
                continue
        return
    base = _object_name("")
    for obj in _store().bucket.objects.filter(Prefix=_object_name(prefix) + "/"):
        yield obj.key[len(base):], obj.last_modified.timestamp()


def media_local(key: str) -> Path:
    """A local file with the content of ``key``: the file itself with local storage; with s3 a copy under
    GEOLOOP_MEDIA_CACHE, fetched once (keys of GeoLoop's files never change content: they carry a checksum)."""
    media_key_check(key)
    if not media_remote():
        return media_path(key)
    target = Path(settings.GEOLOOP_MEDIA_CACHE) / key
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=target.name, suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, media_open(key) as body:
            shutil.copyfileobj(body, out, 1024 * 1024)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _object_name(key: str) -> str:
    prefix = settings.GEOLOOP_S3_PREFIX.strip("/")
    return f"{prefix}/{key}" if prefix and key else (f"{prefix}/" if prefix else key)


# ------------------------------------------------------------------------------------------------ GDAL


def media_gdal_path(key: str) -> str:
    """What GDAL opens for the COG stored under ``key``: its local path, or with s3 the ``/vsis3/<bucket>/<key>``
    path built here from the key (the only place one is made; the imagery guard opens nothing else over the
    network)."""
    media_key_check(key)
    if not media_remote():
        return str(media_path(key))
    return OwnObjectPath(f"/vsis3/{settings.GEOLOOP_S3_BUCKET}/{_object_name(key)}")


def media_gdal_options() -> dict[str, object] | None:
    """GDAL's /vsis3/ options for the configured endpoint (None with local storage)."""
    if not media_remote():
        return None
    options: dict[str, object] = {"AWS_VIRTUAL_HOSTING": "FALSE", "AWS_REGION": settings.GEOLOOP_S3_REGION}
    endpoint = settings.GEOLOOP_S3_ENDPOINT
    if endpoint:
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        options["AWS_S3_ENDPOINT"] = parts.netloc
        options["AWS_HTTPS"] = "YES" if parts.scheme == "https" else "NO"
    return options


def media_gdal_configure() -> None:
    """Give the COG reading environment (``gdal_env.cog_env``) this process's bucket; called at start and when
    the settings change (tests)."""
    own_store_configure(options=media_gdal_options(), access_key=settings.AWS_ACCESS_KEY_ID,
                        secret_key=settings.AWS_SECRET_ACCESS_KEY, region=settings.GEOLOOP_S3_REGION)


def media_bucket_ensure() -> None:
    """Create the bucket when it does not exist yet (s3; `make run`, tests, a first start)."""
    if not media_remote():
        return
    store = _store()
    client = store.connection.meta.client
    try:
        client.head_bucket(Bucket=settings.GEOLOOP_S3_BUCKET)
    except ClientError:
        client.create_bucket(Bucket=settings.GEOLOOP_S3_BUCKET)
