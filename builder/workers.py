"""Worker processes: started by a small fork server, given picklable inputs.

Several outputs (a book's editions, a handout per chapter) and the parts of
one long PDF are laid out at once, a process per core. Workers are forked from
a server that has imported the builder and WeasyPrint, not from the build
itself: a fork of a build that runs threads can deadlock (Python 3.12 warns of
it), and a worker forked from the build would count the build's memory (every
chapter's tokens and renderings, 200 MiB for 800 pages) in its own. What a
worker needs is pickled to it.

Every pool of worker processes comes from :func:`process_pool`, so that
Ctrl-C, which the terminal sends to each process of the build, is reported
once, by the build: a worker just ends. The command stopped by another program
(SIGTERM, to the command alone: a CI's time limit, ``timeout``) stops as if
interrupted, and tells its workers as Ctrl-C would (:func:`stop_on_sigterm`).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.util
import os
import pickle
import select
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from multiprocessing import forkserver
from multiprocessing.context import BaseContext
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any, TypeVar

from .dates import EPOCH_VARIABLE
from .memory import give_back_freed_memory

T = TypeVar('T')
Reductions = Mapping[type, Callable[[Any], tuple]]  # how to pickle objects of some types (a pickler's dispatch_table)
INTERRUPTED = 130  # the shell's code for a command ended by SIGINT (128 + 2)
TERMINATED = 143  # and by SIGTERM (128 + 15)
# Allocations between two collections of the youngest generation (Python's default is 700), in the build and its
# workers (``fork_server.py``): a layout, or a parse, makes millions of objects, nearly all alive until it ends.
# Collected at 700, a part's layout spent 6 % of its CPU in the collector, the build 0.11 s of 1.65; at 10,000,
# under 2 % and 0.035 s, with the same peak memory.
COLLECTION_THRESHOLD = 10_000
# How much lower the priority of a writer in the background is (``apart``): the EPUB and the web edition written
# while the PDF lays out took a share of the two cores from the layout and from the join, on which the build waits.
# An edit of the 824-page book: 6.1-6.3 s; its EPUB and web edition after the layout's part, 5.9-6.3 s; at
# niceness 10 (a tenth of a core's share, beside a process at 0), 5.5-5.8 s.
BACKGROUND_NICENESS = 10
STOPPING_INTERVAL = 0.1  # seconds between the ends of workers started while interrupted outputs stop (``in_threads``)
# The environment variable that names, for the fork server, the folder where it keeps its temporary files (the
# fonts of the stylesheet it parses for every part): the build's own, which it removes as it ends, also when
# interrupted (``ending.py``), where the server, ending after it, might not remove its own in time.
SERVER_FOLDER = 'COURSEPACK_SERVER_FOLDER'
# And the book folder, in whose languages (the book's, and those two or more of its chapters name) the server's
# warm-up hyphenates a word: WeasyPrint loads a language's hyphenation patterns in the first layout that needs them,
# once a process (English: 0.05 s; German: 0.5 s; French, for a book's French spans, 0.03 s), which was in every part.
SERVER_BOOK = 'COURSEPACK_SERVER_BOOK'
# In a pool's folder: each worker's own folder is named by its process id and this (``_Pool.stop``), and this file
# says that the pool was stopped.
WORKER_FOLDER = '-worker-'
STOPPED = 'stopped'


def worker_context() -> BaseContext:
    context = multiprocessing.get_context('forkserver')
    context.set_forkserver_preload(['builder.fork_server'])
    return context


def start_early(book: Path | None = None) -> BaseContext:
    """The workers' context, its fork server started: called as a build of ``book`` starts (``cli.py``), the
    server imports WeasyPrint (0.55 s with the builder) and lays a page out (``fork_server.py``) while the build
    imports its modules and parses the book, where the first worker of a layout would wait for it."""
    context = worker_context()
    _start_fork_server(book)
    return context


class Terminated(KeyboardInterrupt):
    """The command was stopped by SIGTERM: it ends as an interrupted one does, with the shell's code for SIGTERM."""


def stop_on_sigterm() -> None:
    """Stop the command on SIGTERM as on Ctrl-C (its outputs unchanged, its temporary files removed), not at once
    with its temporary folders and worker processes left behind."""
    signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, frame: object) -> None:
    # The signal came to this process alone, where Ctrl-C comes to every process of the terminal's group: the
    # workers are told as Ctrl-C would tell them, and end at once (``_start_worker``).
    _stop_workers()
    raise Terminated


def _stop_workers() -> None:
    """End every worker process of this process's pools at once, as Ctrl-C does."""
    for child in multiprocessing.active_children():
        try:
            os.kill(child.pid, signal.SIGINT)  # type: ignore[arg-type]
        except ProcessLookupError:
            pass


def map_in_workers(task: Callable[..., T], shared: object, jobs: Sequence[tuple], workers: int,
                   reductions: Reductions | None = None) -> list[T]:
    """``[task(shared, *job) for job in jobs]``, computed in up to ``workers`` processes; here when one would do.

    ``task`` is a module-level function, and ``shared`` and each job's
    arguments can be pickled. ``shared``, what every job reads (the whole
    checked book), goes to each process once, as it starts, not with each
    job: an 800-page book is 19 MiB of pickle, 0.65 s to write and as long to
    read, and its 129 handouts spent 170 s of CPU on it. ``reductions``: how
    to pickle some of its objects (``pickle.Pickler.dispatch_table``).
    """
    if min(workers, len(jobs)) < 2:
        return [task(shared, *job) for job in jobs]
    with process_pool(min(workers, len(jobs)), shared=shared, reductions=reductions) as pool:
        # Not ``pool.map``, which cancels the jobs not started when interrupted: Python 3.11's pool, broken by
        # its workers' end, then fails on them in a thread of its own, with a traceback (fixed in 3.12).
        futures = [pool.submit(_with_shared, task, *job) for job in jobs]
        return [future.result() for future in futures]


def in_threads(task: Callable[..., T], jobs: Sequence[tuple], threads: int) -> list[T]:
    """``[task(*job) for job in jobs]``, up to ``threads`` at a time, each in a thread of this process: work that
    waits on processes of its own (an edition laid out in parts), and shares this process's objects unpickled.

    Interrupted (Ctrl-C and SIGTERM come to the main thread), the jobs' worker
    processes are ended as Ctrl-C ends them, until the threads, whose layouts
    fail with them, have ended: none is still writing while the build removes
    what it staged.
    """
    pool = ThreadPoolExecutor(threads, thread_name_prefix='coursepack-output')
    futures = [pool.submit(task, *job) for job in jobs]
    try:
        return [future.result() for future in futures]
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        # Not the jobs cancelled before they started, which ``wait`` never counts as done (more jobs than threads:
        # handouts in parts)
        started = [future for future in futures if not future.cancelled()]
        while wait(started, timeout=STOPPING_INTERVAL).not_done:
            _stop_workers()  # those started since the signal too
        raise
    finally:
        pool.shutdown(wait=False)


def _with_shared(task: Callable[..., T], *job: Any) -> T:
    try:
        return task(_shared, *job)
    finally:
        # A job's documents outlive it in reference cycles, holding the native memory of their layouts, and the
        # collector's rare full passes let them pile up: the workers of an 800-page book's 129 handouts grew to
        # 345 MiB; collected after each job, 209 MiB, for 5 % more time.
        gc.collect()


_shared: object = None  # in a worker of map_in_workers, what every job reads (set as the worker starts)


def process_pool(workers: int, *, shared: object = None, reductions: Reductions | None = None, niceness: int = 0,
                 **options: Any) -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` of fork-server workers that end at once and silently on Ctrl-C, and whose
    temporary files go to a folder of the pool's, removed with it.

    Interrupted as Python does by default, each worker would print its own
    traceback. Ending at once, they leave the pool broken, so that the build,
    interrupted too, does not wait for their layouts to finish.

    WeasyPrint copies a document's fonts (4.7 MB of Gentium) to a temporary
    folder that it removes only when the document is garbage-collected; a
    worker's last documents, held in reference cycles, outlive it. Rather
    than collect them as each worker ends (0.05 s a part, a second of CPU in
    a 200-page build), each worker removes its own folder as it ends (a part
    a worker: 97 MB at most at 207 pages, if they waited for the pool), and
    the pool its whole folder when it shuts down, also after a worker was
    killed. ``shared`` is given to each worker as it starts, pickled with
    ``reductions`` (``map_in_workers``). ``niceness``: how much lower the
    workers' priority is, from their start.
    """
    return _Pool(workers, shared, reductions or {}, niceness, **options)


class Background:
    """The processes of writers in the background (``apart``): at a lower priority (``BACKGROUND_NICENESS``), and
    stopped at once when what they write is no longer wanted (an output written ahead from pages that the layout
    has since moved, ``write/ahead.py``)."""

    def __init__(self) -> None:
        self._pools: list[_Pool] = []
        self._stopped = False
        self._lock = threading.Lock()

    def started(self, pool: _Pool) -> None:
        with self._lock:
            self._pools.append(pool)
            if self._stopped:
                pool.stop()

    def stop(self) -> None:
        """End the writers' processes, those started since too: their jobs fail (``BrokenProcessPool``)."""
        with self._lock:
            self._stopped = True
            for pool in self._pools:
                pool.stop()


def apart(stack: contextlib.ExitStack, task: Callable[..., T], *args: Any,
          background: Background | None = None) -> Future[T]:
    """``task(*args)`` in a process of its own (a writer beside the others: the join, the EPUB, the web edition),
    shut down with ``stack``; in the ``background``, at a lower priority, and stopped with it.

    A writer in the background is at its lower priority from its start, before it reads its job: what it is given
    (a rendered book) is read in the worker, and at the build's priority its reading took a share of the cores from
    a part laid out at the same time (a 50-page book's edit in ``coursepack watch``: its part 0.82 s, against 0.55 s
    with no EPUB and no web edition written beside it)."""
    pool = stack.enter_context(process_pool(1, niceness=BACKGROUND_NICENESS if background else 0))
    if background is None:
        return pool.submit(task, *args)
    future = pool.submit(_in_background, pool.stopped, task, *args)
    background.started(pool)
    return future


def _in_background(stopped: str, task: Callable[..., T], *args: Any) -> T:
    if os.path.exists(stopped):  # the pool was stopped as this worker started (``_Pool.stop``)
        os._exit(INTERRUPTED)
    return task(*args)


class _Pool(ProcessPoolExecutor):
    def __init__(self, workers: int, shared: object, reductions: Reductions, niceness: int, **options: Any) -> None:
        self.scratch = tempfile.mkdtemp(prefix='coursepack-')
        self.stopped = os.path.join(self.scratch, STOPPED)  # made by ``stop``
        shared_file = None
        if shared is not None:
            # Pickled once, to a file each worker reads as it starts: pickled again for each worker's start, an
            # 800-page book took the builder from 157 to 249 MiB (two pickles and their memos at once).
            give_back_freed_memory()
            shared_file = os.path.join(self.scratch, 'shared.pickle')
            with open(shared_file, 'wb') as file:
                pickler = ForkingPickler(file, pickle.HIGHEST_PROTOCOL)
                pickler.dispatch_table.update(reductions)
                pickler.dump(shared)
        # The build's date, not the fork server's: it was started with the environment of the first build of
        # its process, and a writer in a worker reads the date (``dates.py``)
        epoch = os.environ.get(EPOCH_VARIABLE)
        super().__init__(workers, mp_context=start_early(), initializer=_start_worker,
                         initargs=(self.scratch, shared_file, epoch, niceness, os.getpid()), **options)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        try:
            super().shutdown(wait=wait, cancel_futures=cancel_futures)
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def stop(self) -> None:
        """End the workers at once, as Ctrl-C ends them. Each names its folder in ``scratch`` by its process id
        (``_start_worker``); one that has yet to make it finds ``STOPPED`` there when it starts its job."""
        with contextlib.suppress(OSError):
            Path(self.stopped).touch()
            for name in os.listdir(self.scratch):
                pid, _, _ = name.partition(WORKER_FOLDER)
                if pid.isdigit():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(pid), signal.SIGINT)

    def submit(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        # A worker may be started here. Interrupted half-way, the build would leave it behind, and it
        # would fail to start once the build is gone, with a traceback: Ctrl-C waits until it has started.
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            return super().submit(*args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_worker(scratch: str, shared_file: str | None, epoch: str | None, niceness: int, starter: int) -> None:
    """A worker ends at once on Ctrl-C, and writes its temporary files to a folder of its own in ``scratch``,
    removed as it ends (``process_pool``); it keeps what ``shared_file`` holds for its jobs (``map_in_workers``),
    dates what it writes with the build's ``SOURCE_DATE_EPOCH``, ``epoch``, runs ``niceness`` lower, and ends
    with the process that started its pool, ``starter`` (:func:`_ending_with`)."""
    global _shared
    _ending_with(starter)
    if niceness:
        os.nice(niceness)
    if epoch is None:
        os.environ.pop(EPOCH_VARIABLE, None)
    else:
        os.environ[EPOCH_VARIABLE] = epoch
    if shared_file is not None:
        with open(shared_file, 'rb') as file:
            _shared = pickle.load(file)
        gc.freeze()  # read by every job, and kept: out of the collections after each (``_with_shared``)
    tempfile.tempdir = tempfile.mkdtemp(dir=scratch, prefix=f'{os.getpid()}{WORKER_FOLDER}')  # for ``_Pool.stop``
    multiprocessing.util.Finalize(None, shutil.rmtree, args=(tempfile.tempdir,), kwargs={'ignore_errors': True},
                                  exitpriority=0)
    signal.signal(signal.SIGINT, lambda *_: os._exit(INTERRUPTED))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # a forked worker inherits submit's mask


def _ending_with(starter: int) -> None:
    """End this worker at once when the process ``starter`` ends, from a thread that waits for it.

    A build killed outright (SIGKILL: a CI's hard time limit, the kernel out of memory) cannot tell its workers,
    which are the fork server's children, not its own. A worker between jobs would wait for the next for ever,
    and the fork server with it, holding the build's standard streams open: the program that ran the build and
    reads its output to the end waited for ever too (a test that kills a build, once in a while).
    """
    try:
        ended = os.pidfd_open(starter)  # readable once the process has ended (Linux)
    except ProcessLookupError:
        os._exit(INTERRUPTED)  # ended already
    except (AttributeError, OSError):  # another system: asked every STOPPING_INTERVAL
        ended = None

    def wait() -> None:
        if ended is not None:
            select.select([ended], [], [])
        else:
            while _alive(starter):
                time.sleep(STOPPING_INTERVAL)
        os._exit(INTERRUPTED)

    threading.Thread(target=wait, name='coursepack-starter', daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or another user's: the number went to a new process
        return False
    return True


def _start_fork_server(book: Path | None) -> None:
    """Start the fork server, if not running, ignoring Ctrl-C, as a program inherits: it ignores Ctrl-C
    only once it has imported its preloaded modules, and a Ctrl-C before would print their traceback."""
    if threading.current_thread() is not threading.main_thread():  # an output written ahead (write/ahead.py)
        forkserver.ensure_running()  # running already: a build that lays out starts it from its main thread
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ[SERVER_FOLDER] = multiprocessing.util.get_temp_dir()  # read by a server started here
    if book is None:
        os.environ.pop(SERVER_BOOK, None)
    else:
        os.environ[SERVER_BOOK] = str(book)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)
