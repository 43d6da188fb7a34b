"""Writers run in other processes: the PDF of one build in a side process, and every
output of a batch in warm workers.

A writer gets the prepared tree (pickled: the report's outputs are rendered from the
tree prepared once, in the main process) and gives back its bytes and stage times; the
main process commits. A side process is forked before the report is loaded, so that
importing WeasyPrint overlaps loading and preparing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.writers import WRITERS, RenderJob

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from reportgen.build.parallel import Memory
    from reportgen.tree import Document

SIDE_WRITER = "pdf"  # the slow writer, whose imports alone outlast loading and preparing

# what a writer needs besides the stage timer: the tree, template, folder and sources
Payload = tuple["Document", Path, Path, tuple[tuple[str, bytes], ...]]


class Timer:
    """Seconds spent in each named stage, summed over repeats."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        self.times[name] = self.times.get(name, 0.0) + seconds

    def merge(self, times: dict[str, float]) -> None:
        for name, seconds in times.items():
            self.add(name, seconds)


def warm_up(writers: Iterable[str]) -> None:
    """Import the libraries of the named writers, and load the PDF's stylesheet and fonts
    (what a worker's first render would do anyway)."""
    for name in writers:
        if name == "docx":
            from reportgen.writers.docx import writer as docx  # noqa: F401 - python-docx, docxtpl
        elif name == "pdf":
            from reportgen.writers.pdf import write as pdf

            pdf.warm_up()  # WeasyPrint, the stylesheet and its fonts


def payload(job: RenderJob) -> Payload:
    return job.doc, job.template, job.report_dir, job.sources


def render_payload(writer: str, data: Payload) -> tuple[bytes, dict[str, float]]:
    """In a worker: one writer's bytes for one prepared tree, and its stage times."""
    from reportgen.build.commit import pause_at

    pause_at(f"rendering-{writer}")  # test hook: a worker at work
    timer = Timer()
    return WRITERS[writer].render(RenderJob(*data, stage=timer.stage)), timer.times


class SideRenderer:
    """One writer in a forked process that imports its libraries at once, then renders
    the jobs sent to it, in order, until the pipe closes."""

    def __init__(self, writer: str, process: Any, conn: Connection) -> None:
        self.writer = writer
        self.process = process
        self.conn = conn
        self.pending = 0
        self.peak_mib: float | None = None

    @staticmethod
    def start(writer: str) -> SideRenderer | None:
        """Fork the side process; None where fork is not available."""
        import multiprocessing  # here: a DOCX-only build never needs it

        if "fork" not in multiprocessing.get_all_start_methods():
            return None
        context = multiprocessing.get_context("fork")
        mine, theirs = context.Pipe()
        sys.stdout.flush()  # nothing buffered may be printed twice
        sys.stderr.flush()
        process = context.Process(target=_serve, args=(writer, theirs, mine, os.getpid()),
                                  daemon=True)
        process.start()
        theirs.close()
        return SideRenderer(writer, process, mine)

    def send(self, job: RenderJob) -> None:
        self.conn.send(payload(job))
        self.pending += 1

    def receive(self, timer: Timer) -> bytes:
        """The next job's bytes; its stage times go to ``timer``. Raises the writer's
        error."""
        try:
            status, value, times, memory = self.conn.recv()
        except EOFError:
            raise RuntimeError(f"the {self.writer} writer stopped without a result") from None
        self.pending -= 1
        timer.merge(times)
        self.peak_mib = memory.peak_mib
        if status == "error":
            raise value
        return bytes(value)

    def close(self) -> None:
        """End the process: at once when it still works on a job nobody will take."""
        self.conn.close()
        if self.pending:
            self.process.terminate()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _serve(writer: str, conn: Connection, builds_end: Connection, parent: int) -> None:
    """The side process: warm up, then render each job received until the pipe closes
    (or the build dies: it dies with it)."""
    from reportgen.build.parallel import detach_streams, die_with_parent, memory_now

    die_with_parent(parent)
    builds_end.close()  # else the pipe never closes when the build closes its end
    detach_streams()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build decides on Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    timer = Timer()
    # on failure, rendering imports it again and reports the error
    with timer.stage(f"{writer}_imports"), contextlib.suppress(Exception):
        warm_up([writer])
    while True:
        try:
            data = conn.recv()
        except (EOFError, OSError):
            return
        try:
            rendered, times = render_payload(writer, data)
            timer.merge(times)
            reply: tuple[str, object, dict[str, float], Memory] = (
                "ok", rendered, timer.times, memory_now())
        except BaseException as exc:  # handed to the build, which raises it
            reply = ("error", exc, timer.times, memory_now())
        timer = Timer()
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
        except Exception:  # an error that cannot be pickled: its text will do
            _, error, times, memory = reply
            conn.send(("error", RuntimeError(f"{type(error).__name__}: {error}"), times,
                       memory))
