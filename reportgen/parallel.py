"""Work spread over worker processes, stopped cleanly on Ctrl-C.

Workers ignore SIGINT: Ctrl-C reaches the whole process group, and only the main
process decides. On KeyboardInterrupt it cancels what has not started and sends each
worker SIGTERM; a worker that is building turns it into KeyboardInterrupt (so its
temporaries are removed, and a commit under way is finished first, see commit.py) and
exits; an idle worker exits at once. The main process waits for them, then re-raises.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

STOP_GRACE = 30.0  # seconds a worker gets to clean up after SIGTERM before SIGKILL
EXIT_INTERRUPTED = 130

_working = False  # in a worker: a task is running
_stopping = False  # in a worker: SIGTERM was received


def run_in_workers(fn: Callable[[T], R], items: list[T], jobs: int,
                   on_result: Callable[[T, R | Exception], None]) -> None:
    """Call ``fn`` on each item in up to ``jobs`` processes; report each as it finishes.

    An exception raised by ``fn`` (or a crashed worker) is passed to ``on_result`` in
    place of a result, so one failure stops nothing.
    """
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(items)), initializer=_worker_init)
    try:
        futures: dict[Future[R], T] = {pool.submit(_run, fn, item): item for item in items}
        for future in as_completed(futures):
            try:
                outcome: R | Exception = future.result()
            except Exception as exc:
                outcome = exc
            on_result(futures[future], outcome)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel the tasks not started, stop the workers and wait until they are gone."""
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None  # 2nd Ctrl-C
    try:
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
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_terminate)


def _on_terminate(signum: int, frame: object) -> None:
    global _stopping
    _stopping = True
    if _working:
        raise KeyboardInterrupt
    os._exit(EXIT_INTERRUPTED)


def _run(fn: Callable[[T], R], item: T) -> R:
    """In a worker: one task; a SIGTERM while it runs unwinds it, then ends the worker."""
    global _working
    if _stopping:
        os._exit(EXIT_INTERRUPTED)
    _working = True
    try:
        return fn(item)
    except KeyboardInterrupt:
        os._exit(EXIT_INTERRUPTED)  # unwinding has cleaned up; take no further task
    finally:
        _working = False
