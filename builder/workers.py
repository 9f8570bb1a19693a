"""Worker processes: started by a small fork server, given picklable inputs.

Several outputs (a book's editions, a handout per chapter) and the parts of
one long PDF are laid out at once, a process per core. Workers are forked from
a server that has imported the builder and WeasyPrint, not from the build
itself: a fork of a build that runs threads can deadlock (Python 3.12 warns of
it), and a worker forked from the build would count the build's memory (every
chapter's tokens and renderings, 200 MiB for 800 pages) in its own. What a
worker needs is pickled to it.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar('T')


def worker_context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context('forkserver')
    context.set_forkserver_preload(['builder.pipeline', 'weasyprint', 'pypdf'])
    return context


def map_in_workers(task: Callable[..., T], jobs: Sequence[tuple], workers: int) -> list[T]:
    """``[task(*job) for job in jobs]``, computed in up to ``workers`` processes; here when one would do.

    ``task`` is a module-level function, and each job's arguments can be pickled.
    """
    if min(workers, len(jobs)) < 2:
        return [task(*job) for job in jobs]
    with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=worker_context()) as pool:
        return list(pool.map(task, *zip(*jobs)))
