"""All-or-nothing writes of one build's files into one output folder.

A commit goes in four steps:

1. every new file is written to a temporary beside its target and flushed to disk;
2. a journal (``.reportgen-commit.json``) naming each temporary, its target and the new
   manifest is written atomically: from that instant the commit is decided;
3. each temporary is renamed over its target, then the new manifest is written;
4. the journal is deleted.

A build killed before step 2 leaves the old outputs and their manifest (its temporaries
are removed by the next build); killed after it, the next build or ``verify`` finishes
steps 3 and 4 from the journal (``recover``) before anything else, so what anyone sees
through reportgen is always the old outputs with their manifest or the new ones with
theirs. SIGINT and SIGTERM wait while steps 2–4 run (a few renames), so Ctrl-C never
leaves a half-renamed folder. The caller holds the folder's lock (``lock.folder_lock``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportgen.build.lock import folder_lock
from reportgen.build.outputs import (
    JOURNAL,
    MANIFEST,
    Manifest,
    backup_name,
    edited_outputs,
    file_sha256,
    remove_stale_temporaries,
    sha256,
)
from reportgen.errors import OutputConflict, display_path
from reportgen.files import atomic_write, stage

JOURNAL_VERSION = 1
PAUSE_AT = "REPORTGEN_TEST_PAUSE_AT"  # test hook: "<step>" or "<step>:<seconds>"


@dataclass(frozen=True)
class Journal:
    """A decided commit: temporaries to rename over their targets, then the manifest."""

    renames: list[tuple[str, str]]  # (temporary, output), names inside the folder
    manifest: Manifest

    def to_bytes(self) -> bytes:
        data = {
            "journal_version": JOURNAL_VERSION,
            "renames": [{"temporary": tmp, "output": out} for tmp, out in self.renames],
            "manifest": self.manifest.to_dict(),
        }
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    @staticmethod
    def read(folder: Path) -> Journal | None:
        """The pending commit of ``folder``, None when there is none."""
        path = folder / JOURNAL
        try:
            raw = json.loads(path.read_bytes())
            renames = [(_plain_name(r["temporary"]), _plain_name(r["output"]))
                       for r in raw["renames"]]
            return Journal(renames, Manifest.from_dict(raw["manifest"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise OutputConflict(
                f"{display_path(path)}: the record of an interrupted build is unreadable; "
                "delete it and build again with --force") from None


def _plain_name(name: object) -> str:
    """A file name inside the folder (never a path out of it)."""
    if not isinstance(name, str) or not name or "/" in name or name in (".", ".."):
        raise ValueError(f"not a file name: {name!r}")
    return name


@dataclass
class Committed:
    """What a commit did besides writing its files."""

    backups: list[Path] = field(default_factory=list)  # edited outputs moved aside
    # earlier outputs the sources no longer make (renamed, or of another format made
    # from earlier sources), with why: deleted when unedited, else left and unlisted
    removed: list[tuple[Path, str]] = field(default_factory=list)
    left: list[Path] = field(default_factory=list)


def left_warnings(done: Committed) -> list[str]:
    """A sentence for each earlier output left in place because someone edited it."""
    return [f"warning: {display_path(p)} was edited since it was generated and this "
            "build does not remake it under that name: left in place, no longer in the "
            "manifest" for p in done.left]


def _role(name: str) -> tuple[str, bool]:
    """What an output is, whatever its name: its format, and whether it is the copy
    with the changes marked."""
    path = Path(name)
    return path.suffix.lower(), path.stem.endswith("-marked")


def commit_outputs(folder: Path, files: dict[str, bytes], made_from: Manifest,
                   force: bool) -> Committed:
    """Write every file of one build and its manifest, all or nothing.

    ``made_from`` is the build's manifest less its outputs (inputs and tool). Refuses
    (OutputConflict) before writing anything if an output was edited since it was
    generated, unless ``force``: then the edited file is first moved aside. An earlier
    output this build replaces under another name (the number or the file-name form
    changed) is deleted when unedited, else left in place and no longer listed, so
    that the manifest never vouches for a file the sources no longer make.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tidy(folder)
    old = Manifest.read(folder)
    done = Committed(_move_edited_aside(folder, list(files), old, force))
    roles = {_role(n) for n in files}
    same_sources = old is not None and (old.inputs, old.tool_digest) == \
        (made_from.inputs, made_from.tool_digest)
    kept: dict[str, str] = {}
    superseded: list[tuple[str, str]] = []
    for name, digest in (old.outputs if old else {}).items():
        if name in files or not (folder / name).exists():
            continue
        if _role(name) not in roles and same_sources:
            kept[name] = digest  # another format, not built this time, still current
        elif file_sha256(folder / name) != digest:
            done.left.append(folder / name)
        elif _role(name) in roles:
            superseded.append((name, "this build replaces it under another name (its "
                                     "number or file-name form changed)"))
        else:
            superseded.append((name, "it was made from earlier sources and this build "
                                     "does not remake it (build that format again)"))
    outputs = kept | {name: sha256(data) for name, data in files.items()}
    staged: list[tuple[str, str]] = []
    try:
        for name, data in sorted(files.items()):
            staged.append((stage(folder, name, data).name, name))
        pause_at("staged")
        with _signals_deferred():
            journal = Journal(staged, replace(made_from, outputs=outputs))
            atomic_write(folder / JOURNAL, journal.to_bytes())
            staged = []  # the journal owns the temporaries now
            _sync(folder)
            pause_at("journaled")
            _apply(folder, journal)
    finally:
        for tmp, _ in staged:
            (folder / tmp).unlink(missing_ok=True)
    for name, why in superseded:  # no longer listed: a kill before this leaves a stray
        (folder / name).unlink(missing_ok=True)
        done.removed.append((folder / name, why))
    return done


def recover(folder: Path) -> bool:
    """Finish the commit a killed build left in ``folder``; True when there was one."""
    journal = Journal.read(folder)
    if journal is None:
        return False
    with _signals_deferred():
        _apply(folder, journal)
    return True


def tidy(folder: Path) -> None:
    """Finish a killed build's commit, then remove the temporaries it left (lock held)."""
    recover(folder)
    remove_stale_temporaries(folder)


def _apply(folder: Path, journal: Journal) -> None:
    """Steps 3 and 4; safe to repeat after a kill at any point of a previous run."""
    for n, (tmp, name) in enumerate(journal.renames, 1):
        if (folder / tmp).exists():
            os.replace(folder / tmp, folder / name)
        pause_at(f"renamed-{n}")
    atomic_write(folder / MANIFEST, journal.manifest.to_bytes())
    pause_at("manifest")
    _sync(folder)
    (folder / JOURNAL).unlink()
    pause_at("committed")


def _move_edited_aside(folder: Path, names: list[str], manifest: Manifest | None,
                       force: bool) -> list[Path]:
    edited = edited_outputs(folder, names, manifest)
    if edited and not force:
        shown = ", ".join(display_path(p) for p in edited)
        docx = next((p for p in edited if p.suffix == ".docx"), None)
        review = " To bring a reviewer's edits back into the sources: reportgen review " \
            f"--apply -- {shlex.quote(display_path(docx))}." if docx is not None else ""
        raise OutputConflict(
            f"{shown} changed since it was generated (edited by someone?); nothing was "
            f"written.{review} Keep it under another name, or run again with --force to "
            "move it aside to a .edited-<time> backup and regenerate."
        )
    backups = []
    for path in edited:
        target = backup_name(path, dt.datetime.now())
        path.rename(target)
        backups.append(target)
    return backups


def _sync(folder: Path) -> None:
    """Make the folder's renames durable (power loss), in the order they were made."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM are held back until the block is done, then delivered."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(sig)
        if handler not in (signal.SIG_IGN, None):
            previous[sig] = signal.signal(sig, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


def pause_at(step: str) -> None:
    """Test hook: with REPORTGEN_TEST_PAUSE_AT=<step>[:<seconds>], stop at ``step``.

    A test kills the build there (or lets it go on after the seconds given).
    """
    wanted = os.environ.get(PAUSE_AT)
    if wanted is None:
        return
    name, _, seconds = wanted.partition(":")
    if name == step:
        print(f"reportgen: test pause at {step}", file=sys.stderr, flush=True)
        time.sleep(float(seconds or 600))


def settle(folder: Path, timeout: float, on_wait: Callable[[], None] | None = None) -> bool:
    """Under the folder's lock, finish an interrupted commit; True when there was one.

    Waits for a build that is writing there. A folder reportgen may not write to (an
    archive copy) is left as it is.
    """
    try:
        with folder_lock(folder, timeout, on_wait):
            return recover(folder)
    except OSError:
        return False  # verify reports the unfinished commit instead
