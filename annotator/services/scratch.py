"""Temporary files that a killed process cannot leave behind for good.

GeoLoop's own temporary files (uploads being streamed, import archives being read) are created by ``scratch_file``
and ``scratch_dir`` and held with an exclusive ``flock`` by the process writing them for as long as they are in use.
The kernel drops the lock when that process ends, however it ends (SIGKILL included), so ``scratch_sweep`` removes
exactly the entries whose writer is gone and never one that a live request is still writing.

Temporary files that other code names (Django's request upload files in FILE_UPLOAD_TEMP_DIR) carry no lock: the
sweep removes those only when unchanged for ``TEMP_MAX_AGE_S`` (a file being written is touched at every chunk).

The sweep runs when a web or worker process starts (annotator.apps) and from the reaper on beat.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

log = logging.getLogger(__name__)

PART_SUFFIX = ".part"  # a scratch entry's name ends with it until the entry is complete
CREATE_GUARD_S = 60.0  # an unlocked entry younger than this may be between its creation and its lock


def scratch_root() -> Path:
    """MEDIA_ROOT/tmp: where scratch entries live (on the media volume, so a rename into place is atomic)."""
    return Path(settings.MEDIA_ROOT) / "tmp"


def temp_max_age_s() -> float:
    return float(getattr(settings, "TEMP_MAX_AGE_S", 6 * 3600))


class Held:
    """A scratch file or folder and the lock that marks it in use; ``release()`` (or closing) drops the lock."""

    def __init__(self, path: Path, fd: int):
        self.path, self.fd = path, fd

    def rename(self, target: Path) -> Path:
        """Move the entry (the lock follows the inode); returns the new path."""
        os.replace(self.path, target)
        self.path = target
        return target

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing the descriptor drops the flock
            self.fd = -1

    def discard(self) -> None:
        """Remove the entry, then drop the lock."""
        _remove(self.path)
        self.release()

    def __del__(self):
        self.release()


def scratch_file(folder: Path, *, suffix: str = "") -> tuple[Held, BinaryIO]:
    """A new locked file ``folder/<random><suffix>.part`` opened for writing; returns (held, binary file object).
    Closing the file object does not drop the lock; ``held.release()`` does."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{suffix}{PART_SUFFIX}"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    lock_fd = os.dup(fd)  # the lock belongs to the open file description; the dup keeps it after the writer closes
    return Held(path, lock_fd), os.fdopen(fd, "wb")


@contextmanager
def scratch_dir(*, prefix: str):
    """A locked folder ``scratch_root()/<prefix><random>.part`` for the block; removed afterwards."""
    root = scratch_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{prefix}{uuid.uuid4().hex}{PART_SUFFIX}"
    path.mkdir(mode=0o700)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    held = Held(path, fd)
    try:
        yield path
    finally:
        held.discard()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def entry_in_use(path: Path) -> bool:
    """True while some process holds the entry's lock (or it cannot be opened to tell)."""
    try:
        fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also drops the lock we may have just taken
    return False


def _age_s(path: Path, now: float) -> float:
    try:
        return now - path.lstat().st_mtime
    except OSError:
        return 0.0


def scratch_sweep(*, folders: list[Path] | None = None, keep=None) -> list[Path]:
    """Remove left-over scratch entries: ours (``*.part``) once no process holds them, others once unchanged for
    TEMP_MAX_AGE_S. ``keep(path)`` may protect complete files still referenced (checked by the caller's rule).
    Returns what was removed. Default folders: scratch_root() and its sub-folders one level down."""
    now = time.time()
    removed: list[Path] = []
    roots = folders if folders is not None else _default_folders()
    for folder in roots:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry in roots:
                continue
            age = _age_s(entry, now)
            if entry.name.endswith(PART_SUFFIX):
                stale = age >= CREATE_GUARD_S and not entry_in_use(entry)
            elif keep is not None and keep(entry):
                continue
            elif keep is not None:
                stale = age >= CREATE_GUARD_S and not entry_in_use(entry)  # complete, unreferenced, not held
            else:
                stale = age >= temp_max_age_s() and not entry_in_use(entry)
            if stale:
                _remove(entry)
                removed.append(entry)
    if removed:
        log.info("removed %d left-over temporary file(s): %s", len(removed), ", ".join(map(str, removed[:10])))
    return removed


def _default_folders() -> list[Path]:
    root = scratch_root()
    if not root.is_dir():
        return []
    return [root, *(p for p in root.iterdir() if p.is_dir() and not p.name.endswith(PART_SUFFIX))]
