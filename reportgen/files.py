"""Files written whole or not at all: a temporary beside the target, flushed, renamed.

A reader never sees half a file, and a write interrupted at any point leaves the old
file as it was (the temporary is removed, or cleaned up by the next build if the
process was killed).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
