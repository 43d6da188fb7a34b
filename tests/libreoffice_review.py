"""Tests act as a reviewer in LibreOffice: tracked insertions and deletions, comments,
accept all and reject all, each written to a DOCX saved by LibreOffice itself.

LibreOffice's Python bridge (Debian's python3-uno) works only in the system interpreter, so
``tests/lo_reviewer.py`` runs under ``/usr/bin/python3`` as a subprocess; this module is its
side in the test's own environment::

    with LibreOfficeReviewer() as reviewer:          # one soffice for several edits
        reviewer.record_insertion(docx, out, after="text", insert=" more", author="A. Chair")
        reviewer.add_comment(out, out2, anchor="more", comment="Why?", author="B. Member")

or one call, one soffice: ``record_insertion(docx, out, after=..., insert=..., author=...)``.

Every session has a fresh LibreOffice profile in a temporary folder, works on copies of its
inputs there, and always ends its soffice; every wait has a timeout.

Comments take another road: LibreOffice 7.4 driven through UNO aborts on any document with
a comment (Debian's libreoffice-writer-nogui lacks the .ui file of Writer's comment window),
so the document goes to flat ODT with ``soffice --convert-to``, gets an ``office:annotation``
in its XML, and comes back to DOCX the same way, with LibreOffice's own comments.xml. The
UNO edits (tracked changes, accept all, reject all) therefore cannot follow a comment:
record changes first, comment last.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pytest
from lxml import etree

from tests.conftest import need_tool

SYSTEM_PYTHON = "/usr/bin/python3"
SCRIPT = Path(__file__).with_name("lo_reviewer.py")
FLAT_ODT_FILTER = "OpenDocument Text Flat XML"
DOCX_FILTER = "MS Word 2007 XML"

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
DC = "http://purl.org/dc/elements/1.1/"
# Elements whose own text (and whose children's tails) is running text of a paragraph.
_RUNNING = {f"{{{TEXT}}}{name}" for name in ("p", "h", "span", "a")}
# Subtrees that are not the document's visible text: deleted text kept for tracked changes,
# other comments.
_NOT_TEXT = {f"{{{TEXT}}}tracked-changes", f"{{{OFFICE}}}annotation"}


class ReviewerError(RuntimeError):
    """LibreOffice could not do what the test asked."""


def need_uno() -> None:
    """Skip (or fail under CI=true) unless soffice and LibreOffice's Python bridge are here."""
    need_tool("soffice")
    ok = os.path.exists(SYSTEM_PYTHON) and subprocess.run(
        [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=60,
        check=False).returncode == 0
    if not ok:
        message = "python3-uno is not installed (make system-deps installs it where it can)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


class LibreOfficeReviewer:
    """One headless LibreOffice in a fresh profile, driven by ``tests/lo_reviewer.py``."""

    def __init__(self, *, timeout: float = 120.0, start_timeout: float = 90.0) -> None:
        need_uno()
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.work = Path(tempfile.mkdtemp(prefix="lo-review-"))
        self.soffice = shutil.which("soffice") or "soffice"
        self.start_seconds: float | None = None  # soffice's start, once a UNO edit needs it
        self._count = 0
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: IO[bytes] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._starts = 0
        self._log = self.work / "lo_reviewer.log"

    def _start(self) -> subprocess.Popen[str]:
        """The UNO script and its soffice, started on the first edit that needs them, and
        again, in a new profile, after LibreOffice failed."""
        if self._proc is not None:
            return self._proc
        self._starts += 1
        self._log = self.work / f"lo_reviewer-{self._starts}.log"
        self._stderr = self._log.open("wb")
        self._lines = queue.Queue()
        self._proc = subprocess.Popen(
            [SYSTEM_PYTHON, str(SCRIPT), "--profile", str(self.work / f"profile-{self._starts}"),
             "--soffice", self.soffice, "--start-timeout", str(self.start_timeout)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            text=True, start_new_session=True,  # a process group: soffice goes with it
        )
        assert self._proc.stdout is not None
        threading.Thread(target=self._read, args=(self._proc.stdout, self._lines),
                         daemon=True).start()
        self.start_seconds = float(self._answer(self.start_timeout + 30)["seconds"])
        return self._proc

    def _stop(self) -> None:
        """Ask soffice to end, then end whatever is left of the process group."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None and proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.write('{"op": "quit"}\n')
                    proc.stdin.close()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=60)
            _kill_group(proc)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    # -- life cycle ----------------------------------------------------------------------
    def __enter__(self) -> LibreOfficeReviewer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop()
        shutil.rmtree(self.work, ignore_errors=True)

    @staticmethod
    def _read(stream: IO[str], lines: queue.Queue[str | None]) -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    def _answer(self, timeout: float) -> dict[str, Any]:
        """The script's next answer. Anything but an anchor not found ends this soffice:
        it may have crashed, and the next edit starts a new one."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self._stop()
            raise ReviewerError(f"LibreOffice did not answer in {timeout:.0f} s") from None
        if line is None:
            self._stop()
            log = self._log.read_text(errors="replace")[-2000:]
            raise ReviewerError(f"the LibreOffice script ended early:\n{log}")
        answer: dict[str, Any] = json.loads(line)
        if not answer.get("ok"):
            error = str(answer.get("error"))
            if not error.startswith("LookupError"):
                self._stop()
            if answer.get("crashed"):
                error += (" (soffice crashed; UNO edits crash LibreOffice 7.4 on documents"
                          " with comments: record changes first, comment last)")
            raise ReviewerError(f"{error}\n{answer.get('trace', '')}")
        return answer

    def _request(self, op: str, src: Path, out: Path, **args: str) -> dict[str, Any]:
        """Run one operation on a copy of ``src``; LibreOffice writes ``out``."""
        proc = self._start()
        self._count += 1
        copy = self.work / f"in-{self._count}{src.suffix}"
        shutil.copyfile(src, copy)
        written = self.work / f"out-{self._count}{out.suffix}"
        assert proc.stdin is not None
        proc.stdin.write(json.dumps({"op": op, "src": str(copy), "out": str(written),
                                     **args}) + "\n")
        proc.stdin.flush()
        answer = self._answer(self.timeout)
        if not written.is_file():
            raise ReviewerError(f"LibreOffice wrote no {written.name} for {op}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(written, out)
        return answer

    # -- a reviewer's operations ---------------------------------------------------------
    def record_insertion(self, docx: Path, out: Path, after: str, insert: str, *,
                         author: str = "Reviewer") -> Path:
        """Insert ``insert`` right after the first occurrence of ``after``, tracked."""
        self._request("record_insertion", docx, out, after=after, insert=insert,
                      author=author)
        return out

    def record_deletion(self, docx: Path, out: Path, text: str, *,
                        author: str = "Reviewer") -> Path:
        """Delete the first occurrence of ``text``, tracked."""
        self._request("record_deletion", docx, out, text=text, author=author)
        return out

    def edit(self, docx: Path, out: Path, edits: list[dict[str, str]], *, track: bool,
             author: str = "Reviewer") -> Path:
        """Make ``edits`` in order (see ``lo_reviewer.Office.edit``), tracked or not."""
        self._request("edit", docx, out, edits=json.dumps(edits), track="1" if track else "0",
                      author=author)
        return out

    def add_comment(self, docx: Path, out: Path, anchor: str, comment: str, *,
                    author: str = "Reviewer", date: datetime | None = None) -> Path:
        """Comment on the first occurrence of ``anchor`` (within one run of text).

        A document with comments crashes LibreOffice 7.4 driven through UNO, on load or on
        store, so this goes through ``soffice --convert-to`` both ways (a profile of its
        own), and the UNO edits cannot follow it: make tracked changes first, comment last.
        """
        self._count += 1
        folder = self.work / f"comment-{self._count}"
        folder.mkdir()
        source = folder / "document.docx"
        shutil.copyfile(docx, source)
        flat = self._convert_to(source, folder / "flat", "fodt")
        annotate_flat_odt(flat, anchor, comment, author=author, date=date)
        written = self._convert_to(flat, folder / "back", f"docx:{DOCX_FILTER}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(written, out)
        return out

    def _convert_to(self, src: Path, outdir: Path, target: str) -> Path:
        """``soffice --convert-to`` in a profile made for it; the written file's path."""
        profile = self.work / "convert-profile"
        env_arg = f"-env:UserInstallation={profile.as_uri()}"
        if not (profile / "user").is_dir():
            _run_group([self.soffice, "--headless", "--norestore", env_arg,
                        "--terminate_after_init"], self.start_timeout)
        for lock in src.parent.glob(".~lock.*#"):
            lock.unlink(missing_ok=True)
        _run_group([self.soffice, "--headless", "--norestore", env_arg, "--convert-to", target,
                    "--outdir", str(outdir), str(src)], self.timeout)
        written = outdir / f"{src.stem}.{target.split(':')[0]}"
        if not written.is_file():  # soffice's exit code is no verdict: the file is
            raise ReviewerError(f"soffice --convert-to {target} wrote nothing for {src.name}")
        return written

    def accept_all(self, docx: Path, out: Path) -> Path:
        """Accept every tracked change."""
        self._request("accept_all", docx, out)
        return out

    def reject_all(self, docx: Path, out: Path) -> Path:
        """Reject every tracked change."""
        self._request("reject_all", docx, out)
        return out


def _kill_group(proc: subprocess.Popen[Any]) -> None:
    """End the process group ``proc`` leads (soffice.bin outlives its launcher)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def _run_group(command: list[str], timeout: float) -> None:
    """Run ``command`` in a process group of its own, ended if it outlasts ``timeout``."""
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ReviewerError(f"{command[0]} did not finish in {timeout:.0f} s") from None
    finally:
        _kill_group(proc)


# -- one soffice per call -------------------------------------------------------------------
def record_insertion(docx: Path, out: Path, after: str, insert: str, *,
                     author: str = "Reviewer") -> Path:
    with LibreOfficeReviewer() as reviewer:
        return reviewer.record_insertion(docx, out, after, insert, author=author)


def record_deletion(docx: Path, out: Path, text: str, *, author: str = "Reviewer") -> Path:
    with LibreOfficeReviewer() as reviewer:
        return reviewer.record_deletion(docx, out, text, author=author)


def add_comment(docx: Path, out: Path, anchor: str, comment: str, *,
                author: str = "Reviewer", date: datetime | None = None) -> Path:
    with LibreOfficeReviewer() as reviewer:
        return reviewer.add_comment(docx, out, anchor, comment, author=author, date=date)


def accept_all(docx: Path, out: Path) -> Path:
    with LibreOfficeReviewer() as reviewer:
        return reviewer.accept_all(docx, out)


def reject_all(docx: Path, out: Path) -> Path:
    with LibreOfficeReviewer() as reviewer:
        return reviewer.reject_all(docx, out)


# -- the comment in flat ODT ----------------------------------------------------------------
def _text_slots(element: etree._Element) -> Any:
    """(element, "text" | "tail") for every piece of running text, in document order."""
    if element.tag in _NOT_TEXT:
        return
    if element.tag in _RUNNING and element.text:
        yield element, "text"
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            continue
        yield from _text_slots(child)
        if element.tag in _RUNNING and child.tail:
            yield child, "tail"


def annotate_flat_odt(flat: Path, anchor: str, comment: str, *, author: str,
                      date: datetime | None = None) -> None:
    """Put an ``office:annotation`` ... ``office:annotation-end`` pair around the first
    occurrence of ``anchor`` in the body of a flat ODT file, splitting its text node."""
    tree = etree.parse(str(flat))
    body = tree.find(f"{{{OFFICE}}}body")
    if body is None:
        raise ReviewerError(f"{flat.name} has no office:body")
    for owner, slot in _text_slots(body):
        value = getattr(owner, slot)
        at = value.find(anchor)
        if at >= 0:
            break
    else:
        raise ReviewerError(f"anchor not found within one run of text: {anchor!r}")
    name = f"__Annotation__reportgen_{len(body.findall(f'.//{{{OFFICE}}}annotation'))}"
    when = (date or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    start = etree.Element(f"{{{OFFICE}}}annotation", {f"{{{OFFICE}}}name": name})
    etree.SubElement(start, f"{{{DC}}}creator").text = author
    etree.SubElement(start, f"{{{DC}}}date").text = when.isoformat(timespec="seconds")
    for line in comment.split("\n"):
        etree.SubElement(start, f"{{{TEXT}}}p").text = line
    end = etree.Element(f"{{{OFFICE}}}annotation-end", {f"{{{OFFICE}}}name": name})
    start.tail = value[at:at + len(anchor)]
    end.tail = value[at + len(anchor):]
    setattr(owner, slot, value[:at])
    if slot == "text":
        owner.insert(0, start)
        owner.insert(1, end)
    else:
        parent = owner.getparent()
        index = parent.index(owner)
        parent.insert(index + 1, start)
        parent.insert(index + 2, end)
    tree.write(str(flat), xml_declaration=True, encoding="UTF-8")
