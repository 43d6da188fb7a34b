"""The previous version of a report, to mark a revision against.

It can be a folder with that version's content, ``git:REV`` (the same report folder at
a git revision), or the previous version's archived PDF, whose attached sources are
read back: the archive copy alone is enough to mark the next revision.

Whatever the spec holds reaches git only as a revision checked by ``git rev-parse
--verify``, after ``--end-of-options``, so it is never taken for an option. What git or
the PDF gives is bounded by the bytes actually produced, read in chunks: a revision or
an attachment that inflates past the limits is refused before it fills memory or disk.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from reportgen.content.images import MAX_IMAGE_BYTES, MAX_TOTAL_IMAGE_BYTES
from reportgen.content.locate import REPORT_FILE, find_report
from reportgen.errors import ContentError, Problem, control_chars, display_path
from reportgen.files import scratch_folder

MAX_ATTACHMENT_BYTES = MAX_IMAGE_BYTES  # a figure's image; text files are at most 2 MiB
# every file of the previous version together: its figures and (generously) its text
MAX_PREVIOUS_BYTES = MAX_TOTAL_IMAGE_BYTES + 28 * 1024 * 1024
MAX_FILES = 10_000
MAX_NAME_PARTS = 32  # folders inside one another, the file included
MAX_NAME_PART_BYTES = 255  # one folder or file name, as most file systems allow
MAX_NAME_BYTES = 1024
CHUNK = 1024 * 1024
_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _problem(spec: str, message: str) -> ContentError:
    return ContentError([Problem(f"--changes-from {spec}", 0, 0, "", message)])


@contextmanager
def previous_version(spec: str, current: Path) -> Iterator[Path]:
    """A folder holding the previous version of the report at ``current``."""
    if spec.startswith("git:"):
        with scratch_folder("previous") as tmp:
            yield _from_git(spec, spec[4:], current, tmp)
    elif spec.lower().endswith(".pdf"):
        with scratch_folder("previous") as tmp:
            yield _from_pdf(spec, Path(spec), current, tmp)
    else:
        path = Path(spec)
        if not path.exists():
            raise _problem(spec, "no such folder, PDF or git:REV")
        yield find_report(path)


# ---------------------------------------------------------------------------- git


def _from_git(spec: str, rev: str, current: Path, tmp: Path) -> Path:
    git = shutil.which("git")
    if git is None:
        raise _problem(spec, "git is not installed; name the previous version's folder or "
                             "its archived PDF instead")
    if not rev.strip():
        raise _problem(spec, "name a revision after 'git:' (git:HEAD~1, a tag, a branch or "
                             "a commit)")
    top = _git(git, "-C", str(current), "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise _problem(spec, f"{display_path(current)} is not in a git repository; name "
                             "the previous version's folder or its archived PDF instead")
    repo = Path(top.stdout.decode("utf-8", "replace").strip())
    rel = current.resolve().relative_to(repo.resolve()).as_posix()
    found = _git(git, "-C", str(repo), "rev-parse", "--verify", "--quiet",
                 "--end-of-options", f"{rev}^{{commit}}")
    commit = found.stdout.decode("ascii", "replace").strip()
    if found.returncode != 0 or not _COMMIT.fullmatch(commit):
        raise _problem(spec, f"{rev!r} is not a commit of the repository at "
                             f"{display_path(repo)}; name a branch, a tag or a commit "
                             "(git:HEAD~1, git:v1.0)")
    archive = tmp / "previous.tar"
    _capped_archive([git, "--literal-pathspecs", "-C", str(repo), "archive", "--format=tar",
                     "--end-of-options", commit, rel], archive, spec, rel, rev)
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(tmp / "tree", filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise _problem(spec, f"git gave no readable copy of {rel} at {rev!r} ({exc}); "
                             "check the repository with 'git fsck'") from None
    folder = tmp / "tree" / rel
    if not (folder / REPORT_FILE).is_file():
        raise _problem(spec, f"{rel} has no {REPORT_FILE} at {rev!r}; name a revision where "
                             "the report exists")
    return _renamed(folder, current, tmp)


def _git(git: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([git, *args], capture_output=True, check=False,
                          stdin=subprocess.DEVNULL)


def _capped_archive(command: list[str], target: Path, spec: str, rel: str, rev: str) -> None:
    """Run ``git archive``, its tar written to ``target``; stop it past the limit."""
    with tempfile.TemporaryFile() as errors, target.open("wb") as out:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors,
                                   stdin=subprocess.DEVNULL)
        assert process.stdout is not None
        written = 0
        try:
            while chunk := process.stdout.read(CHUNK):
                written += len(chunk)
                if written > MAX_PREVIOUS_BYTES:
                    raise _problem(spec, f"{rel} at {rev!r} holds more than "
                                         f"{MAX_PREVIOUS_BYTES} bytes, more than a report "
                                         "may; name the previous version's folder instead")
                out.write(chunk)
        finally:
            if process.poll() is None and written > MAX_PREVIOUS_BYTES:
                process.kill()
            process.stdout.close()
            process.wait()
        if process.returncode != 0:
            errors.seek(0)
            reason = errors.read(4096).decode("utf-8", "replace").strip().splitlines()
            raise _problem(spec, f"git cannot give {rel} at {rev!r}: "
                                 f"{reason[-1] if reason else 'unknown error'}")


def _renamed(folder: Path, current: Path, tmp: Path) -> Path:
    """The previous version under the current folder's name (the name is the report's)."""
    if folder.name == current.name:
        return folder
    target = tmp / "named" / current.name
    target.parent.mkdir()
    folder.rename(target)
    return target


# ---------------------------------------------------------------------------- PDF


def _from_pdf(spec: str, pdf: Path, current: Path, tmp: Path) -> Path:
    if not pdf.is_file():
        raise _problem(spec, "no such PDF")
    entries = _attachments(spec, pdf)
    names = [_checked_name(spec, name) for name, _ in entries]
    _check_collisions(spec, names)
    folder = tmp / current.name
    folder.mkdir()
    total = 0
    for name, (shown, stream) in zip(names, entries, strict=True):
        target = folder.joinpath(*name.parts)
        size = 0
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as out:
                for chunk in _stream_chunks(spec, shown, stream):
                    size += len(chunk)
                    total += len(chunk)
                    if size > MAX_ATTACHMENT_BYTES:
                        raise _problem(spec, f"the attachment {shown!r} expands to more "
                                             f"than {MAX_ATTACHMENT_BYTES} bytes, more than "
                                             "any file of a report may: this PDF was not "
                                             "made by reportgen, or was altered since")
                    if total > MAX_PREVIOUS_BYTES:
                        raise _problem(spec, "the attachments expand to more than "
                                             f"{MAX_PREVIOUS_BYTES} bytes together, more "
                                             "than a report may: this PDF was not made by "
                                             "reportgen, or was altered since")
                    out.write(chunk)
        except OSError as exc:
            raise _problem(spec, f"cannot extract the attachment {shown!r} to "
                                 f"{display_path(tmp)}: {exc.strerror}") from None
    if not (folder / REPORT_FILE).is_file():
        raise _problem(spec, f"the PDF carries no {REPORT_FILE}: it was not made by reportgen "
                             "(or not with its sources attached)")
    return folder


def _attachments(spec: str, pdf: Path) -> list[tuple[str, Any]]:
    """Each attachment's name and its embedded-file stream, not yet decoded."""
    from pypdf import PdfReader

    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # a malformed PDF is refused below, not logged
    try:
        reader = PdfReader(pdf)
        found: list[tuple[str, Any]] = []
        for entry in reader.attachment_list:
            if len(found) >= MAX_FILES:
                raise _problem(spec, f"the PDF has more than {MAX_FILES} attachments, more "
                                     "than a report has files")
            files = entry.pdf_object.get("/EF")
            files = files.get_object() if files is not None else None
            stream = None
            if files is not None and hasattr(files, "get"):
                stream = files.get("/UF", files.get("/F"))
            stream = stream.get_object() if stream is not None else None
            if stream is None or not hasattr(stream, "_data"):
                raise _problem(spec, f"the attachment {str(entry.name)!r} holds no file: "
                                     "this PDF was not made by reportgen, or was altered")
            found.append((str(entry.name), stream))
        return found
    except ContentError:
        raise
    except Exception as exc:  # a damaged or hostile PDF: what pypdf says, as a sentence
        raise _problem(spec, f"not a readable PDF ({_reason(exc)}); name the archived PDF "
                             "reportgen wrote, or the previous version's folder") from None
    finally:
        quiet.setLevel(level)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else "it cannot be parsed"


def _checked_name(spec: str, name: str) -> PurePosixPath:
    """An attachment's name as a relative path inside the report folder, or a refusal."""
    def refuse(why: str) -> ContentError:
        return _problem(spec, f"refused the attachment name {name[:120]!r}: {why}; reportgen "
                              "attaches the report's files under their names in its folder, "
                              "so this PDF was not made by reportgen, or was altered")

    if not name or not name.strip():
        raise refuse("it is empty")
    if "\x00" in name or control_chars(name) or "\\" in name:
        raise refuse("it holds a control character or a backslash")
    path = PurePosixPath(name)
    parts = name.split("/")
    if path.is_absolute():
        raise refuse("it is an absolute path")
    if any(part in ("", ".", "..") for part in parts):
        raise refuse("it has an empty, '.' or '..' part")
    if len(parts) > MAX_NAME_PARTS:
        raise refuse(f"it is more than {MAX_NAME_PARTS} folders deep")
    if any(len(part.encode("utf-8", "surrogatepass")) > MAX_NAME_PART_BYTES
           for part in parts):
        raise refuse(f"a part of it is longer than {MAX_NAME_PART_BYTES} bytes")
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise refuse(f"it is longer than {MAX_NAME_BYTES} bytes")
    return path


def _check_collisions(spec: str, names: list[PurePosixPath]) -> None:
    """No name twice, and no file where another name needs a folder."""
    files = set()
    for name in names:
        if name in files:
            raise _problem(spec, f"the PDF attaches {str(name)!r} twice: it was not made by "
                                 "reportgen, or was altered since")
        files.add(name)
    for name in names:
        for parent in name.parents:
            if parent in files:
                raise _problem(spec, f"the PDF attaches both a file {str(parent)!r} and "
                                     f"{str(name)!r} inside it: it was not made by "
                                     "reportgen, or was altered since")


def _stream_chunks(spec: str, name: str, stream: Any) -> Iterator[bytes]:
    """The decoded bytes of an embedded file, a chunk at a time. Only what reportgen
    writes is read: no filter, or /FlateDecode without parameters."""
    raw = stream._data
    if not isinstance(raw, bytes):
        raise _problem(spec, f"the attachment {name!r} holds no file data")
    filters = stream.get("/Filter")
    filters = filters.get_object() if filters is not None else None
    names = [] if filters is None else [str(f) for f in filters] \
        if isinstance(filters, list) else [str(filters)]
    if not names:
        for start in range(0, len(raw), CHUNK):
            yield raw[start:start + CHUNK]
        return
    if names not in (["/FlateDecode"], ["/Fl"]) or stream.get("/DecodeParms") is not None:
        raise _problem(spec, f"the attachment {name!r} is encoded as {' '.join(names)}, "
                             "which reportgen does not write; name the previous version's "
                             "folder instead")
    inflate = zlib.decompressobj()
    try:
        for start in range(0, len(raw), CHUNK):
            data = raw[start:start + CHUNK]
            while data:
                yield inflate.decompress(data, CHUNK)
                data = inflate.unconsumed_tail
            if inflate.eof:
                return
        yield inflate.flush()
    except zlib.error:
        raise _problem(spec, f"the attachment {name!r} is damaged (its compressed data "
                             "does not decompress)") from None
