"""Make several outputs at once, in processes forked from the build.

A book in two editions, or a handout per chapter, is several layouts that
need nothing from each other; each one keeps one core busy. Forked, the
workers start with the build's memory as it is (the book parsed and resolved
once) without pickling it: only an output's index goes to a worker, and its
diagnostics come back.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar('T')

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
        with ProcessPoolExecutor(min(workers, count), mp_context=multiprocessing.get_context('fork')) as pool:
            return list(pool.map(_run, range(count)))  # type: ignore[arg-type]
    finally:
        _task = None


def _run(index: int) -> object:
    assert _task is not None
    return _task(index)
