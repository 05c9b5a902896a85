"""What an import file may do before it is read: zip archives are checked from their member list (count, total
uncompressed size, compression ratio, member names) before anything is extracted, and only the members an import
reads are extracted, counted as they are written; vector files reach GDAL (pyogrio) only when their first bytes are
those of an allowed driver, under the same no-sidecar, no-network GDAL options as imagery, and are checked again
after the open. No Django here: the limits come from the caller.
"""

from __future__ import annotations

import os
import re
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pyogrio

from annotator.imagery.gdal_env import UNTRUSTED_OPTIONS
from annotator.imports.common import ImportFileError

CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ArchiveLimits:
    """0 switches a limit off. `max_ratio` applies to each member past `ratio_free_bytes` and to the members taken
    together."""

    max_members: int = 10_000
    max_bytes: int = 512 * 1024**2
    max_ratio: float = 200.0
    ratio_free_bytes: int = 1024**2


DEFAULT_ARCHIVE_LIMITS = ArchiveLimits()


def _unsafe_name(name: str) -> str | None:
    """Why a member name is unsafe to extract, or None."""
    if "\x00" in name:
        return "a NUL character"
    if "\\" in name:
        return "a backslash (a Windows path)"
    if name.startswith("/") or _DRIVE.match(name):
        return "an absolute path"
    if ".." in PurePosixPath(name).parts:
        return "'..'"
    return None


def _is_link(member: zipfile.ZipInfo) -> bool:
    return (member.external_attr >> 16) & 0o170000 == 0o120000


def archive_check(archive: zipfile.ZipFile, *, wanted: Callable[[zipfile.ZipInfo], bool],
                  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) -> list[zipfile.ZipInfo]:
    """Check the whole member list and return the members to extract (those `wanted`), or raise ImportFileError.
    Nothing is decompressed here: sizes are the ones the zip declares, and `archive_extract` holds every member to
    its declared size as it writes."""
    members = archive.infolist()
    if limits.max_members and len(members) > limits.max_members:
        raise ImportFileError(f"The zip holds {len(members):,} files; at most {limits.max_members:,} are accepted.",
                              "too_many_members")
    chosen: list[zipfile.ZipInfo] = []
    total = compressed = 0
    for member in members:
        why = _unsafe_name(member.filename)
        if why:
            raise ImportFileError(f"The zip has an unsafe member name {member.filename!r} ({why}).", "unsafe_path")
        if member.is_dir() or not wanted(member):
            continue
        if _is_link(member):
            raise ImportFileError(f"The zip member {member.filename!r} is a symbolic link.", "unsafe_path")
        chosen.append(member)
        total += member.file_size
        compressed += member.compress_size
        ratio = member.file_size / max(member.compress_size, 1)
        if limits.max_ratio and member.file_size > limits.ratio_free_bytes and ratio > limits.max_ratio:
            raise ImportFileError(f"The zip member {member.filename!r} expands {ratio:,.0f} times "
                                  f"({member.compress_size:,} to {member.file_size:,} bytes); at most "
                                  f"{limits.max_ratio:,.0f} is accepted (a zip bomb?). Nothing was extracted.",
                                  "compression_ratio")
    if limits.max_bytes and total > limits.max_bytes:
        raise ImportFileError(f"The zip's files to read expand to {total:,} bytes; at most {limits.max_bytes:,} are "
                              "accepted. Nothing was extracted.", "too_large")
    ratio = total / max(compressed, 1)
    if limits.max_ratio and total > limits.ratio_free_bytes and ratio > limits.max_ratio:
        raise ImportFileError(f"The zip's files expand {ratio:,.0f} times; at most {limits.max_ratio:,.0f} is "
                              "accepted (a zip bomb?). Nothing was extracted.", "compression_ratio")
    return chosen


def archive_extract(archive: zipfile.ZipFile, target: Path, *, wanted: Callable[[zipfile.ZipInfo], bool],
                    limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) -> list[Path]:
    """`archive_check`, then write the wanted members under `target`, each held to its declared size and all to
    `limits.max_bytes` as the bytes come out (a forged header cannot expand further than it said)."""
    members = archive_check(archive, wanted=wanted, limits=limits)
    root = target.resolve()
    written_total = 0
    paths = []
    for member in members:
        destination = root.joinpath(*PurePosixPath(member.filename).parts)
        if not destination.resolve().is_relative_to(root):
            raise ImportFileError(f"The zip member {member.filename!r} leaves the extraction folder.", "unsafe_path")
        destination.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with archive.open(member) as source, open(destination, "wb") as out:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                written_total += len(chunk)
                if written > member.file_size or (limits.max_bytes and written_total > limits.max_bytes):
                    out.close()
                    destination.unlink(missing_ok=True)
                    raise ImportFileError(f"The zip member {member.filename!r} expands past its declared size.",
                                          "too_large")
                out.write(chunk)
        paths.append(destination)
    return paths


# Vector formats an import may open with GDAL: the driver, the first bytes its files start with, and a check of
# the file itself before GDAL opens it.
SQLITE_MAGIC = b"SQLite format 3\x00"
GPKG_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")


def _geopackage_check(path: Path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(100)
    if not head.startswith(SQLITE_MAGIC) or head[68:72] not in GPKG_APPLICATION_IDS:
        raise ImportFileError("Not a GeoPackage (an SQLite file with the GeoPackage application id). GeoLoop opens "
                              "GeoPackage, GeoJSON and COCO only; formats that point at other files or URLs (an OGR "
                              "VRT, a shapefile's sidecars, a WFS) are refused.", "format_not_allowed")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            rows = connection.execute("SELECT name, sql FROM sqlite_master WHERE sql LIKE '%VIRTUAL%'").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise ImportFileError(f"Not a readable GeoPackage: {exc}.") from exc
    for name, sql in rows:
        if re.search(r"\bUSING\s+rtree\s*\(", sql or "", re.IGNORECASE) is None:
            raise ImportFileError(f"The GeoPackage defines a virtual table {name!r}, which can read other files; it "
                                  "is refused.", "external_reference")


VECTOR_DRIVERS: dict[str, Callable[[Path], None]] = {"GPKG": _geopackage_check}


@contextmanager
def untrusted_ogr() -> Iterator[None]:
    """pyogrio's GDAL (its own library, apart from rasterio's) under the untrusted options while a file is read.
    pyogrio has process-wide options only, so they are set and left set (undoing them could open the door under a
    concurrent import); they change nothing for the GeoPackage and GeoJSON files GeoLoop writes with it."""
    pyogrio.set_gdal_config_options({key: str(value) for key, value in UNTRUSTED_OPTIONS.items()})
    yield


def vector_check(path: Path, driver: str) -> str:
    """Before GDAL sees `path`: a plain local file whose bytes are those of `driver`, an allowed driver. Returns its
    real path."""
    text = os.fspath(path)
    if text.startswith("/vsi") or re.match(r"^[A-Za-z][A-Za-z0-9_+.-]*:", text):
        raise ImportFileError("GeoLoop opens local files only, not GDAL virtual file systems or URLs.",
                              "external_reference")
    real = os.path.realpath(text)
    if not os.path.isfile(real):
        raise ImportFileError("Not a file.")
    if driver not in VECTOR_DRIVERS:
        raise ImportFileError(f"The {driver} format is not one GeoLoop imports.", "format_not_allowed")
    VECTOR_DRIVERS[driver](Path(real))
    return real


def vector_recheck(info: dict, driver: str) -> None:
    """After an open (pyogrio.read_info): the driver is the allowed one."""
    if info.get("driver") != driver:
        raise ImportFileError(f"The file was opened as {info.get('driver')}, not {driver}; refused.",
                              "format_not_allowed")
