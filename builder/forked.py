"""Work shared with a copy of the build: a task over some items, done in a process forked for them.

Parsing is the build's longest step before the layout can start, and one
core's work while the other has nothing to do (an EPUB built alone, or the
fork server still importing WeasyPrint). The build forks itself, the copy
does the task over the items it is given and sends each result back (bytes:
a parse pickled), in order, while the build does its own share.

The copy is forked from the build itself, not from the fork server of
``workers.py``, which is not ready so early: so only while the build runs no
other thread (a fork of a process that runs threads can deadlock; a live
progress bar's is paused for it, ``Progress.paused``), and only on Linux,
where the libraries it has loaded survive a fork (macOS's may not).
Elsewhere, where the system refuses a fork or a file in memory, or for a
task too small to pay for a copy, the build does it all itself. A result the
copy could not make (its task raised, or it was killed) comes back as None,
and the build makes that one itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO, TypeVar

T = TypeVar('T')
_LENGTH = struct.Struct('<q')  # each result's length before it; -1: none


def can_fork() -> bool:
    """Whether the build can fork a copy of itself now: on Linux, running no other thread."""
    return sys.platform == 'linux' and hasattr(os, 'memfd_create') and threading.active_count() == 1


@contextlib.contextmanager
def in_a_copy(task: Callable[[T], bytes | None], items: Sequence[T]) -> Iterator[Iterator[bytes | None]]:
    """``task`` over ``items`` in a copy of this process (:func:`can_fork` must be true): the results, read in
    order as the copy makes them. The copy is ended, if it still runs, when the block ends.

    The copy writes its results into a file in memory and each one's length into a pipe: through the pipe
    itself, a result longer than the pipe holds (64 KiB) would stop the copy until the build reads it, which is
    once the build has done its own share."""
    made = os.memfd_create('coursepack-forked', os.MFD_CLOEXEC)
    readable, writable = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (made, readable, writable):
            os.close(fd)
        raise
    if pid == 0:
        _work(task, items, made, readable, writable)  # never returns
    os.close(writable)
    try:
        with open(readable, 'rb') as lengths:
            yield _results(made, lengths, len(items))
    finally:
        os.close(made)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # done or not: it has nothing to clean up
        os.waitpid(pid, 0)


def _work(task: Callable[[T], bytes | None], items: Sequence[T], made: int, readable: int, writable: int) -> None:
    """The copy: each item's result, written in order. It ends as it is done, or killed, running none of the
    build's exit handlers and flushing none of its buffers (the build's, copied)."""
    code = 1
    try:
        os.close(readable)
        for stop in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, sent to the build too, ends it silently; and kill
            signal.signal(stop, signal.SIG_DFL)
        with open(made, 'wb') as results, open(writable, 'wb', buffering=0) as lengths:
            for item in items:
                try:
                    result = task(item)
                except Exception:  # noqa: BLE001  (the build makes it again, and reports what goes wrong)
                    result = None
                if result is not None:
                    results.write(result)
                    results.flush()
                lengths.write(_LENGTH.pack(-1 if result is None else len(result)))
        code = 0
    finally:
        os._exit(code)


def _results(made: int, lengths: BinaryIO, count: int) -> Iterator[bytes | None]:
    offset = 0
    for _ in range(count):
        head = lengths.read(_LENGTH.size)
        length = _LENGTH.unpack(head)[0] if len(head) == _LENGTH.size else -1  # none: the copy ended early
        if length < 0:
            yield None
            continue
        data = os.pread(made, length, offset)
        offset += length
        yield data if len(data) == length else None
