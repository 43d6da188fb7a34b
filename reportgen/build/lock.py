"""One build at a time per output folder: an advisory lock (``flock``) on a file inside it.

The lock file exists only while it is held: the holder deletes it before releasing, and a
process that got the lock on a file deleted meanwhile tries again, so two holders are
never possible. Folders this process created for the lock are removed again if they are
still empty (a build that failed leaves ``output/`` as it was).

A process forked while a lock is held (a side process, the batch's workers) closes its
copy of the lock's descriptor at once: the lock belongs to the build, and is released
when the build ends, however it ends, never kept by a process it started. A lock file
left by a build killed outright is taken over by the next build into that folder, which
removes it when done.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from reportgen.errors import FolderBusy, display_path

LOCK = ".reportgen.lock"
POLL = 0.1  # seconds between attempts while another build holds the folder

_held: set[int] = set()  # descriptors of the locks this process holds


def _close_held_in_child() -> None:
    for fd in _held:
        with contextlib.suppress(OSError):
            os.close(fd)  # not LOCK_UN: that would release the parent's lock too
    _held.clear()


os.register_at_fork(after_in_child=_close_held_in_child)


@contextmanager
def folder_lock(folder: Path, timeout: float,
                on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold ``folder``'s lock (creating the folder); wait up to ``timeout`` seconds.

    ``on_wait`` is called once if another process holds the lock. Raises FolderBusy when
    it is still held after ``timeout``.
    """
    created: list[Path] = []
    try:
        fd = _acquire(folder, timeout, on_wait, created)
    except BaseException:
        _remove_if_empty(created)
        raise
    _held.add(fd)
    try:
        yield
    finally:
        (folder / LOCK).unlink(missing_ok=True)
        _held.discard(fd)
        os.close(fd)
        _remove_if_empty(created)


def _remove_if_empty(created: list[Path]) -> None:
    for made in reversed(created):
        try:
            made.rmdir()
        except OSError:
            break  # not empty: a build wrote there, or another one waits in it


def _acquire(folder: Path, timeout: float, on_wait: Callable[[], None] | None,
             created: list[Path]) -> int:
    deadline = time.monotonic() + timeout
    waited = False
    races = 0
    path = folder / LOCK
    while True:
        try:
            created.extend(_make_dirs(folder))
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except FileNotFoundError:
            races += 1
            if races > 10:
                raise
            continue  # a parent was removed meanwhile by a build that failed: again
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise FolderBusy(
                    f"{display_path(folder)}: another build into this folder is still "
                    f"running after {timeout:g} s; gave up (is a watch running? wait for "
                    "it, or stop it)") from None
            if not waited and on_wait is not None:
                on_wait()
            waited = True
            time.sleep(POLL)
            continue
        if _is_current(fd, path):
            return fd
        os.close(fd)  # its holder deleted it as we opened it: take the new one


def _is_current(fd: int, path: Path) -> bool:
    """True when the locked file is still the one at ``path``."""
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _make_dirs(folder: Path) -> list[Path]:
    """Create ``folder`` and any missing parent; return the ones created, outermost first."""
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            break
        missing.append(candidate)
    made = []
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue  # created by another process meanwhile: not ours to remove
        made.append(path)
    return made
