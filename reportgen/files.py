"""Files written whole or not at all: a temporary beside the target, flushed, renamed.

A reader never sees half a file, and a write interrupted at any point leaves the old
file as it was (the temporary is removed, or cleaned up by the next build if the
process was killed).

Scratch folders of one command live in the system's temporary folder, named
``reportgen-<purpose>-<namespace>-<pid>-<random>`` and removed when the command is done
with them. A command killed outright (SIGKILL, a power cut) cannot remove its own, so
each command that makes one first removes those left by processes of this machine (of
the same PID namespace, with the same owner) that are gone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCRATCH_PREFIX = "reportgen-"
_SCRATCH_NAME = re.compile(
    r"reportgen-[a-z]+-(?P<ns>[0-9]+)-(?P<pid>[0-9]+)-[A-Za-z0-9_]+")
_swept: set[int] = set()  # the processes that removed the abandoned folders already


def stage(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to a new temporary file beside ``name``, flushed to disk; return it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o666 & ~umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = stage(path.parent, path.name, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def scratch_folder(purpose: str) -> Iterator[Path]:
    """A new empty folder for ``purpose`` (lowercase letters), removed after the block."""
    if os.getpid() not in _swept:  # once per process
        _swept.add(os.getpid())
        remove_abandoned()
    prefix = f"{SCRATCH_PREFIX}{purpose}-{_namespace()}-{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


def remove_abandoned(base: Path | None = None) -> list[Path]:
    """Remove the scratch folders whose process is gone; returns them."""
    folder = base if base is not None else Path(tempfile.gettempdir())
    mine = _namespace()
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _SCRATCH_NAME.fullmatch(entry.name)
        if match is None or int(match["ns"]) != mine or _alive(int(match["pid"])):
            continue
        try:
            if not entry.is_dir(follow_symlinks=False) or \
                    entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
        except OSError:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def _namespace() -> int:
    """The PID namespace of this process (0 where there are none): a process id means
    the same process only within one."""
    try:
        link = os.readlink("/proc/self/ns/pid")  # pid:[4026531836]
    except OSError:
        return 0
    digits = re.sub(r"[^0-9]", "", link)
    return int(digits) if digits else 0
