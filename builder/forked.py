"""Make several outputs at once, in processes forked from the build.

A book in two editions, or a handout per chapter, is several layouts that
need nothing from each other; each one keeps one core busy. Forked, the
workers start with the build's memory as it is (the book parsed and resolved
once) without pickling it: only an output's index goes to a worker, and its
diagnostics come back.

Every pool of worker processes comes from :func:`process_pool`, so that
Ctrl-C, which the terminal sends to each process of the build, is reported
once, by the build: a worker just ends.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

T = TypeVar('T')
INTERRUPTED = 130  # the shell's code for a command ended by SIGINT (128 + 2)

_task: Callable[[int], object] | None = None  # what the forked workers run, set before they are forked


def map_forked(task: Callable[[int], T], count: int, workers: int) -> list[T]:
    """``[task(0), …, task(count - 1)]``, computed in up to ``workers`` forked processes.

    In this process, one after the other, where the system cannot fork or one worker would do.
    """
    global _task
    if min(workers, count) < 2 or 'fork' not in multiprocessing.get_all_start_methods():
        return [task(i) for i in range(count)]
    _task = task
    try:
        with process_pool(min(workers, count), multiprocessing.get_context('fork')) as pool:
            return list(pool.map(_run, range(count)))  # type: ignore[arg-type]
    finally:
        _task = None


def process_pool(workers: int, context: BaseContext, **options: Any) -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` whose workers end at once and silently on Ctrl-C.

    Interrupted as Python does by default, each worker would print its own
    traceback. Ending at once, they leave the pool broken, so that the build,
    interrupted too, does not wait for their layouts to finish.
    """
    if context.get_start_method() == 'forkserver':
        _start_fork_server()
    return _Pool(workers, mp_context=context, initializer=_end_on_interrupt, **options)


class _Pool(ProcessPoolExecutor):
    def submit(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        # A worker may be started here. Interrupted half-way, the build would leave it behind, and it
        # would fail to start once the build is gone, with a traceback: Ctrl-C waits until it has started.
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return super().submit(*args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _end_on_interrupt() -> None:
    signal.signal(signal.SIGINT, lambda *_: os._exit(INTERRUPTED))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # a forked worker inherits submit's mask


def _start_fork_server() -> None:
    """Start the fork server, if not running, ignoring Ctrl-C, as a program inherits: it ignores Ctrl-C
    only once it has imported its preloaded modules, and a Ctrl-C before would print their traceback."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def _run(index: int) -> object:
    assert _task is not None
    return _task(index)
