"""Where generated files go and what records them.

Files are written to a temporary file in the target folder and renamed, so a reader
never sees half a file. A manifest beside the outputs records the SHA-256 of every
generated file and of the inputs; an output whose bytes no longer match the manifest
was edited by someone and is never overwritten silently. How one build's files are
committed together is ``commit.py``'s business.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.build.lock import LOCK
from reportgen.errors import display_path

MANIFEST = "manifest.json"
JOURNAL = ".reportgen-commit.json"  # a decided commit not yet finished (commit.py)
MANIFEST_VERSION = 2  # 2: the reportgen version and the digest of its code


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read a chunk at a time (a large file is not held whole)."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


@dataclass(frozen=True)
class Manifest:
    """What a build generated in one folder and what it was generated from.

    ``reportgen`` and ``tool_digest`` name the tool that built the outputs; a manifest
    written before they were recorded reads with both empty, so it matches no tool.
    """

    inputs_digest: str
    inputs: dict[str, str]  # content file -> sha256
    outputs: dict[str, str]  # file name -> sha256
    reportgen: str = ""  # the version that built the outputs
    tool_digest: str = ""  # its code, templates and fonts

    @staticmethod
    def read(folder: Path) -> Manifest | None:
        try:
            return Manifest.from_dict(json.loads((folder / MANIFEST).read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    @staticmethod
    def from_dict(raw: dict[str, Any]) -> Manifest:
        return Manifest(str(raw["inputs_digest"]), dict(raw["inputs"]), dict(raw["outputs"]),
                        str(raw.get("reportgen", "")), str(raw.get("tool_digest", "")))

    def to_dict(self) -> dict[str, Any]:
        return {
            "manifest_version": MANIFEST_VERSION,
            "reportgen": self.reportgen,
            "tool_digest": self.tool_digest,
            "inputs_digest": self.inputs_digest,
            "inputs": dict(sorted(self.inputs.items())),
            "outputs": dict(sorted(self.outputs.items())),
        }

    def to_bytes(self) -> bytes:
        return (json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def unsettled(folder: Path) -> bool:
    """True when a build is writing into ``folder``, or a killed one left work there."""
    try:
        with os.scandir(folder) as entries:
            return any(e.name in (JOURNAL, LOCK) or _is_temporary(e.name) for e in entries)
    except (FileNotFoundError, NotADirectoryError):
        return False


def _is_temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files a killed build (SIGKILL, power loss) could not clean up."""
    if folder.is_dir():
        for tmp in folder.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)


def edited_outputs(folder: Path, names: list[str], manifest: Manifest | None) -> list[Path]:
    """Outputs that exist but differ from what the manifest says was generated."""
    found = []
    for name in names:
        path = folder / name
        if not path.exists():
            continue
        recorded = manifest.outputs.get(name) if manifest else None
        if recorded is None or file_sha256(path) != recorded:
            found.append(path)
    return found


def backup_name(path: Path, now: dt.datetime) -> Path:
    """``report.docx`` -> ``report.edited-20261126T101500.docx`` (never an existing name)."""
    stamp = now.strftime("%Y%m%dT%H%M%S")
    candidate = path.with_name(f"{path.stem}.edited-{stamp}{path.suffix}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}.edited-{stamp}-{n}{path.suffix}")
    return candidate


@dataclass(frozen=True)
class Mismatch:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}: {self.reason}"


def verify_folder(folder: Path) -> tuple[int, list[Mismatch]]:
    """Check every output listed in ``folder``'s manifest; returns (checked, mismatches)."""
    problems = []
    if (folder / JOURNAL).exists():
        problems.append(Mismatch(folder, "a build was interrupted while it replaced these "
                                         "files; run reportgen build to finish it"))
    manifest = Manifest.read(folder)
    if manifest is None:
        return 0, [*problems, Mismatch(folder / MANIFEST, "missing or unreadable manifest")]
    for name, expected in sorted(manifest.outputs.items()):
        path = folder / name
        if not path.exists():
            problems.append(Mismatch(path, "missing"))
        elif file_sha256(path) != expected:
            problems.append(Mismatch(path, "SHA-256 differs from the manifest"))
    return len(manifest.outputs), problems
