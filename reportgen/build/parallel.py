"""Work spread over warm worker processes, stopped cleanly on Ctrl-C.

Workers are forked, and each runs a warm-up (importing the writers' libraries) once, as
it starts, so that no task pays for it. They ignore SIGINT: Ctrl-C reaches the whole
process group, and only the main process decides. On KeyboardInterrupt it cancels what
has not started and sends each worker SIGTERM; a worker that is working turns it into
KeyboardInterrupt (so its temporaries are removed) and exits; an idle worker exits at
once. The main process waits for them, then re-raises.

Every forked process ends with the process that forked it: the kernel kills it when its
parent dies (``PR_SET_PDEATHSIG`` on Linux), even by SIGKILL, and one whose parent is
already gone by the time it starts exits at once.

A worker's memory is bounded by recycling: when a task reports that its worker's resident
memory passed ``rss_limit_mib``, the pool starts a new set of workers for the tasks
submitted from then on and lets the old ones finish what they hold, then exit.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

R = TypeVar("R")

PR_SET_PDEATHSIG = 1  # linux/prctl.h
STOP_GRACE = 30.0  # seconds a worker gets to clean up after SIGTERM before SIGKILL
EXIT_INTERRUPTED = 130

_working = False  # in a worker: a task is running
_stopping = False  # in a worker: SIGTERM was received


@dataclass(frozen=True)
class Memory:
    """A worker's memory after a task: resident now and at its peak (MiB)."""

    pid: int
    rss_mib: float | None
    peak_mib: float


def memory_now() -> Memory:
    """This process's resident memory (``/proc/self/statm``) and peak (``ru_maxrss``)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    try:
        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
        rss: float | None = pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        rss = None
    return Memory(os.getpid(), rss, max(peak, rss or 0.0))


class WorkerPool:
    """Up to ``jobs`` forked workers, each warmed once by ``warm`` as it starts.

    Use it as a context manager: leaving the block normally waits for the workers to
    finish; leaving it by an exception (KeyboardInterrupt included) stops them first.
    """

    def __init__(self, jobs: int, warm: Callable[[], None] | None = None,
                 rss_limit_mib: float | None = None) -> None:
        self.jobs = jobs
        self.warm = warm
        self.rss_limit_mib = rss_limit_mib
        self.generations = 0  # how many sets of workers were started
        self.peaks: dict[int, float] = {}  # worker pid -> peak resident memory, MiB
        self._retired: list[ProcessPoolExecutor] = []
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        self.generations += 1
        return ProcessPoolExecutor(max_workers=self.jobs,
                                   mp_context=multiprocessing.get_context("fork"),
                                   initializer=_worker_init,
                                   initargs=(self.warm, os.getpid()))

    def start(self) -> None:
        """Fork the workers now (they begin warming up) rather than at the first task."""
        for _ in range(self.jobs):
            self._executor.submit(_noop)

    def submit(self, fn: Callable[..., R], *args: Any) -> Future[tuple[R, Memory]]:
        """Run ``fn(*args)`` in a worker; the future gives its result and the worker's
        memory after it. An exception of ``fn`` is the future's exception."""
        return self._executor.submit(_run, fn, args)

    def note(self, memory: Memory) -> None:
        """Record a worker's memory after a task; recycle the workers past the bound."""
        self.peaks[memory.pid] = max(self.peaks.get(memory.pid, 0.0), memory.peak_mib)
        limit = self.rss_limit_mib
        if limit is not None and memory.rss_mib is not None and memory.rss_mib > limit:
            self.recycle()

    def recycle(self) -> None:
        """New workers for the tasks submitted from now on; the old ones finish theirs."""
        old = self._executor
        self._executor = self._new_executor()
        self._retired.append(old)
        old.shutdown(wait=False)

    @property
    def peak_mib(self) -> float | None:
        """The largest peak resident memory any worker reported."""
        return max(self.peaks.values()) if self.peaks else None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is not None:
            self.stop()
            return
        for executor in (*self._retired, self._executor):
            executor.shutdown()

    def stop(self) -> None:
        """Cancel the tasks not started, stop the workers and wait until they are gone."""
        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None  # 2nd ^C
        try:
            for executor in (*self._retired, self._executor):
                _stop(executor)
        finally:
            if main:
                signal.signal(signal.SIGINT, previous)


def _stop(pool: ProcessPoolExecutor) -> None:
    # the executor has no public list of its processes before Python 3.14
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(STOP_GRACE)
        if process.is_alive():
            process.kill()
            process.join()


def die_with_parent(parent: int) -> None:
    """In a forked process: be killed when ``parent`` dies; exit now if it already has.

    The kernel's signal follows the thread that forked: every fork here is made by the
    main thread, which lives as long as the process."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the closed pipes end the process
        pass
    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(EXIT_INTERRUPTED)


def _worker_init(warm: Callable[[], None] | None, parent: int) -> None:
    die_with_parent(parent)
    detach_streams()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_terminate)
    if warm is not None:
        global _working
        _working = True  # a SIGTERM while warming up ends the worker at once
        try:
            warm()
        except KeyboardInterrupt:
            os._exit(EXIT_INTERRUPTED)
        except Exception:  # the task that needs what failed will report it
            pass
        finally:
            _working = False


def detach_streams() -> None:
    """In a forked process: write to the real streams, not to a progress bar's proxy of
    them, whose lock another thread of the parent may have held at the fork."""
    if sys.__stdout__ is not None:
        sys.stdout = sys.__stdout__
    if sys.__stderr__ is not None:
        sys.stderr = sys.__stderr__


def _noop() -> None:
    return None


def _on_terminate(signum: int, frame: object) -> None:
    global _stopping
    _stopping = True
    if _working:
        raise KeyboardInterrupt
    os._exit(EXIT_INTERRUPTED)


def _run(fn: Callable[..., R], args: tuple[Any, ...]) -> tuple[R, Memory]:
    """In a worker: one task; a SIGTERM while it runs unwinds it, then ends the worker."""
    global _working
    if _stopping:
        os._exit(EXIT_INTERRUPTED)
    _working = True
    try:
        return fn(*args), memory_now()
    except KeyboardInterrupt:
        os._exit(EXIT_INTERRUPTED)  # unwinding has cleaned up; take no further task
    finally:
        _working = False
