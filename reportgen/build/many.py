"""Many reports on a pool of warm workers.

Each report is hashed, locked, loaded and prepared once, in this process; each of its
outputs (the DOCX, the PDF) is then a task of its own for the workers, which imported
the writers' libraries once, as they started. When every output of a report is back, this
process commits them together (the journaled all-or-nothing commit) and releases the
report's folder; a writer's error fails that report alone, with nothing written. A few
reports are prepared ahead, so the workers never wait, and no more: their trees and
outputs stay few in memory.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.build.commit import commit_outputs, left_warnings, tidy
from reportgen.build.fingerprint import Fingerprint, skip_if_up_to_date
from reportgen.build.lock import folder_lock
from reportgen.build.offload import SIDE_WRITER, Timer, payload, render_payload, warm_up
from reportgen.build.one import build_report, failed_result, plan_outputs, waiting
from reportgen.build.options import BuildOptions, BuildResult
from reportgen.content.locate import report_name
from reportgen.writers import WRITERS

if TYPE_CHECKING:  # the pool's modules are imported when a batch needs them
    from concurrent.futures import Future

    from reportgen.build.parallel import Memory, WorkerPool

    Task = Future[tuple[tuple[bytes, dict[str, float]], Memory]]

# A worker whose resident memory passes this after a task is replaced (with the others
# of its set); a seed report's worker stays near 115 MiB.
WORKER_RSS_LIMIT_MIB = 300.0
AHEAD = 2  # reports prepared per worker: enough queued tasks that no worker waits



@dataclass
class _Report:
    """A report whose outputs are being rendered: it holds its folder's lock."""

    path: Path
    name: str
    timer: Timer = field(default_factory=Timer)
    lock: ExitStack = field(default_factory=ExitStack)
    fingerprint: Fingerprint | None = None
    warnings: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    tasks: set[Task] = field(default_factory=set)
    error: Exception | None = None
    peak_mib: float | None = None


def build_in_pool(paths: list[Path], options: BuildOptions, jobs: int,
                  on_done: Callable[[Path, BuildResult], None]) -> None:
    """Build ``paths`` with ``jobs`` workers; report each result as its commit is done.

    KeyboardInterrupt cancels the tasks not started, stops the workers, releases the
    folders of the reports not committed (nothing of theirs was written) and propagates.
    """
    from concurrent.futures import FIRST_COMPLETED, wait

    from reportgen.build.parallel import WorkerPool

    queue = deque(paths)
    active: list[_Report] = []
    made: list[Path] = []  # output folders this run created: none is left empty
    owner: dict[Task, tuple[_Report, str]] = {}
    writers = [name for name in WRITERS if options.wants(name)]
    with WorkerPool(jobs, functools.partial(warm_up, writers), WORKER_RSS_LIMIT_MIB) as pool:
        pool.start()  # the workers import the writers while the first report is prepared
        try:
            while queue or active:
                while queue and len(active) < AHEAD * jobs:
                    path = queue.popleft()
                    started = _start(path, options, pool, owner, made)
                    if isinstance(started, BuildResult):
                        on_done(path, started)
                    else:
                        active.append(started)
                if owner:
                    done, _ = wait(list(owner), return_when=FIRST_COMPLETED)
                    for task in done:
                        _receive(task, owner, pool)
                for report in [r for r in active if not r.tasks]:
                    active.remove(report)
                    on_done(report.path, _finish(report, options))
        finally:
            for report in active:
                report.lock.close()  # not committed: the folder is as it was
            _remove_empty(made)


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders left empty: an interrupt can land between creating a report's
    folder and the lock's record of it."""
    for folder in folders:
        with suppress(OSError):  # not empty (a build's outputs), or gone
            folder.rmdir()


def _start(path: Path, options: BuildOptions, pool: WorkerPool,
           owner: dict[Task, tuple[_Report, str]],
           made: list[Path]) -> _Report | BuildResult:
    """Lock, load and prepare a report and hand its outputs to the workers; or its
    result when it is up to date or cannot be prepared."""
    report = _Report(path, report_name(path))
    timer = report.timer
    try:
        with timer.stage("hash"):
            fp = Fingerprint.of(path, options)
        report.name, report.fingerprint = fp.root.name, fp
        folder = options.out_root / fp.root.name
        if not folder.exists():
            made.append(folder)
        report.lock.enter_context(folder_lock(folder, options.lock_timeout,
                                              waiting(options, report.name, folder)))
        tidy(folder)
        if fp.current(options):
            report.lock.close()
            return BuildResult(report.name, "skipped", timings=timer.times)
        outputs, report.warnings = plan_outputs(fp.root, fp.template, options, timer)
    except Exception as exc:
        report.lock.close()
        return failed_result(path, report.name, exc, options, timer)
    except BaseException:
        report.lock.close()
        raise
    # the slow writer first, so that a report's outputs come back close together
    for output in sorted(outputs, key=lambda o: o.writer.name != SIDE_WRITER):
        task = pool.submit(render_payload, output.writer.name, payload(output.job))
        owner[task] = (report, output.name)
        report.tasks.add(task)
    return report


def _receive(task: Task, owner: dict[Task, tuple[_Report, str]], pool: WorkerPool) -> None:
    """Keep an output's bytes and times; on a writer's error, cancel the report's rest."""
    report, name = owner.pop(task)
    report.tasks.discard(task)
    if task.cancelled():
        return
    try:
        (data, times), memory = task.result()
    except Exception as exc:
        if report.error is None:
            report.error = exc
        for other in list(report.tasks):
            if other.cancel():
                owner.pop(other)
                report.tasks.discard(other)
        return
    pool.note(memory)
    report.timer.merge(times)
    report.files[name] = data
    report.peak_mib = max(report.peak_mib or 0.0, memory.peak_mib)


def _finish(report: _Report, options: BuildOptions) -> BuildResult:
    """Commit a report whose every output is back (or fail it), then release its folder."""
    fp, timer = report.fingerprint, report.timer
    assert fp is not None
    folder = options.out_root / report.name
    try:
        if report.error is not None:
            raise report.error
        with timer.stage("write"):
            done = commit_outputs(folder, report.files, fp.manifest(), options.force)
        return BuildResult(report.name, "built", [folder / n for n in sorted(report.files)],
                           report.warnings + left_warnings(done), backups=done.backups,
                           removed=done.removed, timings=timer.times,
                           peak_rss_mib=report.peak_mib)
    except Exception as exc:
        return failed_result(report.path, report.name, exc, options, timer)
    finally:
        report.lock.close()


def build_many(paths: list[Path], options: BuildOptions, jobs: int,
               on_done: Callable[[BuildResult], None]) -> list[BuildResult]:
    """Build reports, in parallel when there are several; one failure stops nothing.

    Which reports are up to date is decided first, in this process and from hashes
    alone, so a rebuild with nothing to do starts no worker and imports no writer.
    Several reports go to ``jobs`` warm workers (``batch.build_in_pool``); one report,
    with ``jobs`` of two or more, has its PDF rendered in a side process. With ``jobs``
    of one, everything runs in this process, one report after the other.
    KeyboardInterrupt (Ctrl-C, or SIGTERM through the CLI) cancels the reports not yet
    started and stops those under way without a partial file, then propagates.
    """
    results_by_path: dict[Path, BuildResult] = {}
    stale: list[Path] = []

    def record(path: Path, result: BuildResult) -> None:
        on_done(result)
        results_by_path[path] = result

    for path in paths:
        skipped = skip_if_up_to_date(path, options)
        if skipped is None:
            stale.append(path)
        else:
            record(path, skipped)
    if stale and options.wants("pdf") and options.notify is not None:
        from reportgen.writers.pdf.subsetter import WARNING, uses_fonttools

        if uses_fonttools():
            options.notify(WARNING)  # once per build, not once per report
    if jobs >= 2 and len(stale) >= 2:
        build_in_pool(stale, options, jobs, record)
    else:
        for path in stale:
            record(path, build_report(path, options, side_process=jobs >= 2))
    return [results_by_path[p] for p in paths]
