"""Scratch folders of one command, in the system's temporary folder.

A scratch folder is named ``reportgen-<purpose>-<namespace>-<pid>-<random>`` and removed
when the command is done with it. A command killed outright (SIGKILL, a power cut)
cannot remove its own, so each command that makes one first removes those left by
processes of this machine (of the same PID namespace, with the same owner) that are gone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "reportgen-"
_NAME = re.compile(r"reportgen-[a-z]+-(?P<ns>[0-9]+)-(?P<pid>[0-9]+)-[A-Za-z0-9_]+")
_swept: set[int] = set()  # the processes that removed the abandoned folders already


@contextmanager
def scratch_folder(purpose: str) -> Iterator[Path]:
    """A new empty folder for ``purpose`` (lowercase letters), removed after the block."""
    if os.getpid() not in _swept:  # once per process
        _swept.add(os.getpid())
        remove_abandoned()
    prefix = f"{PREFIX}{purpose}-{_namespace()}-{os.getpid()}-"
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
        match = _NAME.fullmatch(entry.name)
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
