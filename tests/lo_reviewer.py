#!/usr/bin/python3
"""Act as a reviewer in LibreOffice: a line-protocol server around one headless soffice.

Run with the SYSTEM interpreter (``/usr/bin/python3``): Debian's python3-uno is built for it,
not for a virtual environment. Needs only the standard library and ``uno``.

    /usr/bin/python3 tests/lo_reviewer.py --profile DIR [--soffice PATH] [--start-timeout S]

The script creates the LibreOffice profile in DIR (``--terminate_after_init``), starts soffice
headless on a private pipe, connects, then reads one JSON request per line on stdin and answers
one JSON line on stdout::

    {"op": "record_insertion", "src": "in.docx", "out": "out.docx",
     "after": "some text", "insert": " new words", "author": "Chair Person"}
    {"op": "record_deletion", "src": ..., "out": ..., "text": "words", "author": ...}
    {"op": "accept_all", "src": ..., "out": ...}      # also "reject_all"
    {"op": "convert", "src": ..., "out": ..., "filter": "OpenDocument Text Flat XML"}
    {"op": "quit"}

Answers are ``{"ok": true, ...}`` or ``{"ok": false, "error": "..."}``. Every output is
written by LibreOffice itself. soffice is always terminated at the end (end of input, "quit"
or an error); the caller runs this script in a process group of its own and kills the group
if an answer does not come in time, which also ends a hung soffice.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

DOCX_FILTER = "MS Word 2007 XML"
PARAGRAPH_BREAK = 0  # com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK


def props(**values: object) -> tuple[PropertyValue, ...]:
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name = name
        prop.Value = value
        out.append(prop)
    return tuple(out)


def remove_stale_locks(path: Path) -> None:
    """A crashed soffice leaves ``.~lock.<name>#`` beside a file; the next load then fails."""
    for lock in path.parent.glob(".~lock.*#"):
        lock.unlink(missing_ok=True)


class Office:
    def __init__(self, soffice: str, profile: Path, start_timeout: float) -> None:
        self.soffice = soffice
        self.profile = profile
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.ctx = None
        self.desktop = None

    # -- life cycle ----------------------------------------------------------------------
    def start(self) -> None:
        env_arg = f"-env:UserInstallation={self.profile.as_uri()}"
        if not (self.profile / "user").is_dir():
            # The first start in a new profile restarts itself; do it once on its own.
            subprocess.run([self.soffice, "--headless", "--norestore", env_arg,
                            "--terminate_after_init"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=self.start_timeout, check=False)
        pipe = f"reportgen_review_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.proc = subprocess.Popen(
            [self.soffice, "--headless", "--invisible", "--nologo", "--norestore",
             "--nodefault", "--nolockcheck", env_arg,
             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            # soffice's messages (a crash's backtrace) go to this script's stderr, which the
            # caller keeps; its stdout must not mix with the answers.
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                self.ctx = resolver.resolve(
                    f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"soffice exited with {self.proc.returncode} "
                                       "before accepting a connection") from None
                if time.monotonic() > deadline:
                    raise RuntimeError("soffice did not accept a connection in "
                                       f"{self.start_timeout:.0f} s") from None
                time.sleep(0.2)
        self.desktop = self.ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", self.ctx)

    def stop(self) -> None:
        if self.desktop is not None:
            # The bridge goes away while LibreOffice terminates; that is the point.
            with contextlib.suppress(Exception):
                self.desktop.terminate()
            self.desktop = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            self.proc = None

    # -- helpers -------------------------------------------------------------------------
    def set_author(self, author: str) -> None:
        """The user name in the profile, which LibreOffice gives to new tracked changes."""
        given, _, surname = author.strip().partition(" ")
        provider = self.ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", self.ctx)
        access = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess",
            props(nodepath="/org.openoffice.UserProfile/Data"))
        access.setPropertyValue("givenname", given)
        access.setPropertyValue("sn", surname)
        access.commitChanges()

    def load(self, src: Path):
        remove_stale_locks(src)
        doc = self.desktop.loadComponentFromURL(src.resolve().as_uri(), "_blank", 0,
                                                props(Hidden=True))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not load {src}")
        return doc

    @staticmethod
    def store(doc, out: Path, filter_name: str = DOCX_FILTER) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        doc.storeToURL(out.resolve().as_uri(), props(FilterName=filter_name, Overwrite=True))

    @staticmethod
    def close(doc) -> None:
        """Close a document; never hide the error of the operation with one of its own."""
        try:
            doc.close(True)
        except Exception:
            with contextlib.suppress(Exception):
                doc.dispose()

    def alive(self) -> bool:
        """Whether soffice still answers (a crash disposes the bridge)."""
        try:
            self.desktop.getComponents()
        except Exception:
            return False
        return True

    @staticmethod
    def find(doc, text: str):
        search = doc.createSearchDescriptor()
        search.SearchString = text
        search.SearchCaseSensitive = True
        search.SearchRegularExpression = False
        search.SearchWords = False
        found = doc.findFirst(search)
        if found is None:
            raise LookupError(f"text not found in the document: {text!r}")
        return found

    def dispatch(self, doc, command: str) -> None:
        helper = self.ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", self.ctx)
        frame = doc.getCurrentController().getFrame()
        helper.executeDispatch(frame, command, "", 0, ())

    @staticmethod
    def redline_count(doc) -> int:
        return sum(1 for _ in _iterate(doc.getRedlines().createEnumeration()))

    # -- operations ----------------------------------------------------------------------
    def op_record_insertion(self, src: Path, out: Path, after: str, insert: str,
                            author: str) -> dict[str, object]:
        self.set_author(author)
        doc = self.load(src)
        try:
            doc.RecordChanges = True
            found = self.find(doc, after)
            text = found.getText()
            cursor = text.createTextCursorByRange(found.getEnd())
            text.insertString(cursor, insert, False)
            self.store(doc, out)
            return {"redlines": self.redline_count(doc)}
        finally:
            self.close(doc)

    def op_record_deletion(self, src: Path, out: Path, text: str,
                           author: str) -> dict[str, object]:
        self.set_author(author)
        doc = self.load(src)
        try:
            doc.RecordChanges = True
            found = self.find(doc, text)
            found.setString("")
            self.store(doc, out)
            return {"redlines": self.redline_count(doc)}
        finally:
            self.close(doc)

    def op_edit(self, src: Path, out: Path, edits: str, track: str,
                author: str) -> dict[str, object]:
        """A reviewer's edits, in order, with track changes on or off (``edits`` is a
        JSON list: insert, delete, replace, split, join, add_paragraph,
        delete_paragraph)."""
        self.set_author(author)
        doc = self.load(src)
        try:
            doc.RecordChanges = track == "1"
            for edit in json.loads(edits):
                self.edit(doc, edit)
            self.store(doc, out)
            return {"redlines": self.redline_count(doc)}
        finally:
            self.close(doc)

    def edit(self, doc, edit: dict[str, str]) -> None:
        what = edit["do"]
        found = self.find(doc, edit.get("after") or edit.get("text") or edit["end"])
        text = found.getText()
        cursor = text.createTextCursorByRange(found)
        if what == "insert":
            text.insertString(text.createTextCursorByRange(found.getEnd()), edit["insert"],
                              False)
        elif what == "delete":
            found.setString("")
        elif what == "replace":
            found.setString(edit["by"])
        elif what == "split":
            text.insertControlCharacter(text.createTextCursorByRange(found.getEnd()),
                                        PARAGRAPH_BREAK, False)
        elif what == "join":
            cursor.gotoEndOfParagraph(False)
            cursor.goRight(1, True)
            cursor.setString("")
        elif what == "add_paragraph":
            cursor.gotoEndOfParagraph(False)
            text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
            text.insertString(cursor, edit["insert"], False)
        elif what == "delete_paragraph":
            cursor.gotoStartOfParagraph(False)
            cursor.gotoEndOfParagraph(True)
            cursor.goRight(1, True)
            cursor.setString("")
        else:
            raise ValueError(f"unknown edit {what!r}")

    def _all(self, src: Path, out: Path, command: str) -> dict[str, object]:
        doc = self.load(src)
        try:
            before = self.redline_count(doc)
            self.dispatch(doc, command)
            after = self.redline_count(doc)
            # Accepting or rejecting is the reviewer's last word: record nothing further.
            doc.RecordChanges = False
            self.store(doc, out)
            return {"redlines_before": before, "redlines_after": after}
        finally:
            self.close(doc)

    def op_accept_all(self, src: Path, out: Path) -> dict[str, object]:
        return self._all(src, out, ".uno:AcceptAllTrackedChanges")

    def op_reject_all(self, src: Path, out: Path) -> dict[str, object]:
        return self._all(src, out, ".uno:RejectAllTrackedChanges")

    def op_convert(self, src: Path, out: Path, filter: str) -> dict[str, object]:
        doc = self.load(src)
        try:
            self.store(doc, out, filter)
            return {"redlines": self.redline_count(doc)}
        finally:
            self.close(doc)


def _iterate(enumeration):
    while enumeration.hasMoreElements():
        yield enumeration.nextElement()


def handle(office: Office, request: dict[str, object]) -> dict[str, object]:
    op = str(request.pop("op"))
    method = getattr(office, f"op_{op}", None)
    if method is None:
        raise ValueError(f"unknown operation {op!r}")
    args = {key: Path(str(value)) if key in ("src", "out") else value
            for key, value in request.items()}
    return dict(method(**args))


def reply(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, required=True)
    parser.add_argument("--soffice", default=shutil.which("soffice") or "soffice")
    parser.add_argument("--start-timeout", type=float, default=90.0)
    options = parser.parse_args()
    office = Office(options.soffice, options.profile.resolve(), options.start_timeout)
    try:
        started = time.monotonic()
        office.start()
        reply({"ok": True, "ready": True, "seconds": round(time.monotonic() - started, 2)})
        for line in sys.stdin:
            if not line.strip():
                continue
            request = json.loads(line)
            if request.get("op") == "quit":
                break
            started = time.monotonic()
            try:
                result = handle(office, request)
            except Exception as error:  # answer and go on: the next request may work
                reply({"ok": False, "error": f"{type(error).__name__}: {error}",
                       "trace": traceback.format_exc(), "crashed": not office.alive()})
                continue
            reply({"ok": True, **result, "seconds": round(time.monotonic() - started, 2)})
    except Exception as error:
        reply({"ok": False, "error": f"{type(error).__name__}: {error}",
               "trace": traceback.format_exc()})
        return 1
    finally:
        office.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
