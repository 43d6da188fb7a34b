"""Whether a report's outputs are current: the hash of its files, of the command line
and of the tool, against the manifest of its output folder."""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen import __version__
from reportgen.build.offload import Timer
from reportgen.build.outputs import Manifest, file_sha256, unsettled
from reportgen.content.locate import find_report
from reportgen.errors import ContentError
from reportgen.paths import fonts_dir, templates_dir

if TYPE_CHECKING:
    pass

from reportgen.build.options import BuildOptions, BuildResult

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def content_files(root: Path, outputs: Path | None = None) -> dict[str, str]:
    """SHA-256 of every file of a report folder (relative POSIX name -> hash).

    Hidden files and folders (backups, editor files) do not count, nor does the report's
    own output folder when it lies inside (``build .`` run in the report's folder writes
    to ``./output/<report>/``).
    """
    skip = _inside(outputs.resolve(), root) if outputs is not None else None
    found = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts) and (
                skip is None or rel.parts[:len(skip)] != skip):
            found[rel.as_posix()] = file_sha256(p)
    return found


def _inside(path: Path, root: Path) -> tuple[str, ...] | None:
    """The parts of ``path`` relative to ``root``; None when it is not strictly below it."""
    return path.relative_to(root).parts if path.is_relative_to(root) and path != root \
        else None


def code_digest(package: Path, templates: Path, fonts: Path) -> str:
    """SHA-256 over every ``.py`` of the package and every file of the templates and fonts.

    Names count as well as bytes; caches (``__pycache__``) and hidden files do not.
    """
    h = hashlib.sha256()
    for label, root, pattern in (("reportgen", package, "*.py"), ("templates", templates, "*"),
                                 ("fonts", fonts, "*")):
        found = {p.relative_to(root).as_posix(): p for p in root.rglob(pattern) if p.is_file()}
        for rel, path in sorted(found.items()):
            if not any(part == "__pycache__" or part.startswith(".") for part in rel.split("/")):
                h.update(f"{label}/{rel} {file_sha256(path)}\n".encode())
    return h.hexdigest()


@functools.cache
def tool_digest() -> str:
    """The digest of the reportgen that is running: computed once per process."""
    return code_digest(PACKAGE_DIR, templates_dir(), fonts_dir())


def inputs_digest(inputs: dict[str, str], options: BuildOptions, template: Path) -> str:
    """Everything of the report and the command line that decides the outputs' bytes.

    The tool itself (version, code, templates, fonts) is recorded apart, in the manifest.
    """
    h = hashlib.sha256()
    h.update(f"formats={options.formats.value} names={options.names.value}\n".encode())
    h.update(f"date={os.environ.get('SOURCE_DATE_EPOCH', '')}\n".encode())
    for name, digest in sorted(inputs.items()):
        h.update(f"content {name} {digest}\n".encode())
    h.update(f"template {file_sha256(template)}\n".encode())
    return h.hexdigest()


def up_to_date(folder: Path, digest: str) -> bool:
    """True when the manifest says these exact inputs made the files that are there now."""
    manifest = Manifest.read(folder)
    if manifest is None or manifest.inputs_digest != digest or not manifest.outputs:
        return False
    if (manifest.reportgen, manifest.tool_digest) != (__version__, tool_digest()):
        return False  # built by another version, or another state of the code
    for name, expected in manifest.outputs.items():
        path = folder / name
        if not path.is_file() or file_sha256(path) != expected:
            return False
    return True


@dataclass(frozen=True)
class Fingerprint:
    """A report's inputs and the hash that decides whether its outputs are current."""

    root: Path
    template: Path
    inputs: dict[str, str]
    digest: str

    @staticmethod
    def of(path: Path, options: BuildOptions) -> Fingerprint:
        root = find_report(path)
        template = options.template or templates_dir() / "itu-td.docx"
        inputs = content_files(root, options.out_root / root.name)
        return Fingerprint(root, template, inputs, inputs_digest(inputs, options, template))

    def manifest(self) -> Manifest:
        """The manifest of a build from these inputs by this tool, less its outputs."""
        return Manifest(self.digest, self.inputs, {}, __version__, tool_digest())

    def current(self, options: BuildOptions) -> bool:
        """Marked copies depend on another version too: they are always rebuilt."""
        return not options.force and options.changes_from is None and \
            up_to_date(options.out_root / self.root.name, self.digest)


def skip_if_up_to_date(path: Path, options: BuildOptions) -> BuildResult | None:
    """A "skipped" result when the report's outputs are current; None otherwise."""
    timer = Timer()
    try:
        with timer.stage("hash"):
            fp = Fingerprint.of(path, options)
    except (ContentError, OSError):
        return None  # let the build report it
    if unsettled(options.out_root / fp.root.name) or not fp.current(options):
        return None  # a build writes there now, or a killed one left work: wait and tidy
    return BuildResult(fp.root.name, "skipped", timings=timer.times)
