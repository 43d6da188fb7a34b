"""The previous version of a report, to mark a revision against.

It can be a folder with that version's content, ``git:REV`` (the same report folder at
a git revision), or the previous version's archived PDF, whose attached sources are
read back: the archive copy alone is enough to mark the next revision.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from reportgen.content.images import MAX_IMAGE_BYTES
from reportgen.content.locate import REPORT_FILE, find_report
from reportgen.errors import ContentError, Problem, display_path

MAX_ATTACHMENT_BYTES = MAX_IMAGE_BYTES  # a figure's image; text files are at most 2 MiB


def _problem(spec: str, message: str) -> ContentError:
    return ContentError([Problem(f"--changes-from {spec}", 0, 0, "", message)])


@contextmanager
def previous_version(spec: str, current: Path) -> Iterator[Path]:
    """A folder holding the previous version of the report at ``current``."""
    if spec.startswith("git:"):
        with tempfile.TemporaryDirectory(prefix="reportgen-previous-") as tmp:
            yield _from_git(spec, spec[4:], current, Path(tmp))
    elif spec.lower().endswith(".pdf"):
        with tempfile.TemporaryDirectory(prefix="reportgen-previous-") as tmp:
            yield _from_pdf(spec, Path(spec), current, Path(tmp))
    else:
        path = Path(spec)
        if not path.exists():
            raise _problem(spec, "no such folder, PDF or git:REV")
        yield find_report(path)


def _from_git(spec: str, rev: str, current: Path, tmp: Path) -> Path:
    git = shutil.which("git")
    if git is None:
        raise _problem(spec, "git is not installed")
    top = subprocess.run([git, "-C", str(current), "rev-parse", "--show-toplevel"],
                         capture_output=True, text=True, check=False)
    if top.returncode != 0:
        raise _problem(spec, f"{display_path(current)} is not in a git repository")
    repo = Path(top.stdout.strip())
    rel = current.resolve().relative_to(repo.resolve()).as_posix()
    archive = subprocess.run([git, "-C", str(repo), "archive", "--format=tar", rev, "--",
                              rel], capture_output=True, check=False)
    if archive.returncode != 0:
        reason = archive.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _problem(spec, f"git cannot give {rel} at {rev}: "
                             f"{reason[-1] if reason else 'unknown error'}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tmp, filter="data")
    folder = tmp / rel
    if not (folder / REPORT_FILE).is_file():
        raise _problem(spec, f"{rel} has no {REPORT_FILE} at {rev}")
    return _renamed(folder, current, tmp)


def _from_pdf(spec: str, pdf: Path, current: Path, tmp: Path) -> Path:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not pdf.is_file():
        raise _problem(spec, "no such PDF")
    try:
        attachments = PdfReader(pdf).attachments
    except (PdfReadError, OSError, ValueError) as exc:
        raise _problem(spec, f"not a readable PDF: {exc}") from None
    folder = tmp / current.name
    folder.mkdir()
    for name, contents in attachments.items():
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or not contents:
            raise _problem(spec, f"refused attachment name {name!r}")
        data = contents[0]
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise _problem(spec, f"attachment {name!r} is larger than {MAX_ATTACHMENT_BYTES}")
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if not (folder / REPORT_FILE).is_file():
        raise _problem(spec, f"the PDF carries no {REPORT_FILE}: it was not made by reportgen "
                             "(or not with its sources attached)")
    return folder


def _renamed(folder: Path, current: Path, tmp: Path) -> Path:
    """The previous version under the current folder's name (the name is the report's)."""
    if folder.name == current.name:
        return folder
    target = tmp / "named" / current.name
    target.parent.mkdir()
    folder.rename(target)
    return target
