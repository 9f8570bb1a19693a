"""The worker pools' temporary files: each worker's in a folder of its own, removed as it ends, and the pool's
folder removed with the pool (WeasyPrint leaves a copy of the book's fonts there for every document); what every
job reads sent to each worker once."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from builder.workers import map_in_workers, process_pool

from conftest import REPO

pytestmark = pytest.mark.build  # its workers come from the fork server, which lays a page out as it starts


def test_a_worker_removes_its_temporary_folder_as_it_ends_and_the_pool_its_own():
    with process_pool(1, max_tasks_per_child=2) as pool:
        scratch = Path(pool.scratch)
        first = Path(pool.submit(tempfile.mkdtemp).result())  # in the worker's own folder, left there
        assert first.is_dir() and first.parent.parent == scratch  # the worker has a task to go
        pool.submit(abs, 0).result()  # its last task: it ends
        # The next task runs in a worker started once the first has ended.
        third = Path(pool.submit(tempfile.mkdtemp).result())
        assert third.parent.parent == scratch and third.parent != first.parent
        assert not first.parent.exists()  # the first worker's folder went with it
    assert not scratch.exists()


class Counted:
    """A value that counts how often it is pickled (in this process, which sends it to the workers)."""

    pickled = 0

    def __init__(self, value: int) -> None:
        self.value = value

    def __reduce__(self):  # type: ignore[no-untyped-def]
        Counted.pickled += 1
        return (Counted, (self.value,))


def _added(shared: Counted, number: int) -> int:
    return shared.value + number


def test_what_every_job_reads_goes_to_each_worker_once():
    Counted.pickled = 0
    assert map_in_workers(_added, Counted(10), [(n,) for n in range(8)], 2) == [10 + n for n in range(8)]
    assert 1 <= Counted.pickled <= 2  # once per worker started, not once per job (8)


def _as_the_worker_reads_them(shared: tuple, index: int) -> tuple:
    return shared[index]


def test_tokens_and_locations_pickled_with_the_books_reductions_come_back_the_same():
    from builder.diagnostics import Diagnostics, SourceLocation
    from builder.markdown import make_parser
    from builder.markdown.state import new_env
    from builder.model import PICKLED_COMPACTLY

    text = '# A title {#intro}\n\nSome *text* in [French]{lang=fr}.\n\n- one\n- two\n'
    tokens = make_parser('en').parse(text, new_env('intro', 'chapters/01.md', Diagnostics()))
    assert tokens[0].attrs and tokens[1].children and any(t.meta for t in tokens[4].children)  # fields of every kind
    locations = (SourceLocation('chapters/01.md', 3, 7), SourceLocation('book.yaml'))
    shared = (tokens, locations)
    assert map_in_workers(_as_the_worker_reads_them, shared, [(0,), (1,)], 2, PICKLED_COMPACTLY) == [tokens, locations]


class ReadAt:
    """A job's input that notes the priority of the process that reads it (unpickles it)."""

    def __init__(self, niceness: int | None = None) -> None:
        self.niceness = niceness

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (_read_at, ())


def _read_at() -> ReadAt:
    return ReadAt(os.nice(0))


def _niceness_read_and_run(job: ReadAt) -> tuple[int | None, int]:
    return job.niceness, os.nice(0)


def test_a_writer_in_the_background_runs_at_a_lower_priority_from_its_start():
    """Also while it reads its job: a rendered book, whose reading at the build's priority took a share of the
    cores from the part laid out meanwhile."""
    from builder.workers import BACKGROUND_NICENESS, Background, apart

    ours = os.nice(0)
    with contextlib.ExitStack() as stack:
        background = apart(stack, _niceness_read_and_run, ReadAt(), background=Background())
        foreground = apart(stack, _niceness_read_and_run, ReadAt())
        lower = min(19, ours + BACKGROUND_NICENESS)
        assert background.result() == (lower, lower)
        assert foreground.result() == (ours, ours)


def _slept(seconds: float, started: str | None = None) -> float:
    if started is not None:
        Path(started).touch()
    time.sleep(seconds)
    return seconds


def test_writers_in_the_background_stopped_end_at_once_those_started_after_too(tmp_path):
    """An output written ahead from pages the layout then moved is stopped, not waited for (``write/ahead.py``):
    its writer's process ends at once, in the middle of its job, as one started once they are stopped does
    before its job."""
    from builder.workers import Background, apart

    background = Background()
    started = [tmp_path / 'running', tmp_path / 'other']
    with contextlib.ExitStack() as stack:
        running, other = (apart(stack, _slept, 60, str(path), background=background) for path in started)
        deadline = time.monotonic() + 60
        while not all(path.exists() for path in started) and time.monotonic() < deadline:
            time.sleep(0.05)  # until both jobs run, as a layout's outputs written ahead do
        assert all(path.exists() for path in started)
        background.stop()
        # Not waited for: a writer that ran on would fail the wait, 20 s, well before its 60 s end
        for future in (running, other):
            assert isinstance(future.exception(timeout=20), BrokenProcessPool)
        late = apart(stack, _slept, 60, background=background)
        assert isinstance(late.exception(timeout=20), BrokenProcessPool)
        assert apart(stack, _slept, 0, background=Background()).result() == 0  # others go on


class Plain:
    """A value pickled by default (as its ``__dict__``) unless the pool is given a reduction for it."""

    def __init__(self, value: int) -> None:
        self.value = value


reduced: list[int] = []


def _as_its_value(plain: Plain) -> tuple:
    reduced.append(plain.value)  # in this process, which pickles what the workers read
    return (Plain, (plain.value,))


def _value_plus(shared: Plain, number: int) -> int:
    return shared.value + number


def test_what_every_job_reads_is_pickled_with_the_reductions_given():
    reduced.clear()
    assert map_in_workers(_value_plus, Plain(5), [(1,), (2,)], 2, {Plain: _as_its_value}) == [6, 7]
    assert reduced == [5]  # once, by the pool's pickler: the shared value is pickled once for every worker


# A program that starts a pool, has its worker run one job (its process id, printed), then waits with the worker
# between jobs, as a build does between a pass's parts.
STARTER = """
import os, sys, time
from builder.workers import process_pool
pool = process_pool(1)
print(pool.submit(os.getpid).result(), flush=True)
time.sleep(600)
"""


def _ended(pid: int) -> bool:
    """Whether process ``pid`` has ended: gone, or a zombie its parent has yet to reap (read once: it may go between
    two reads)."""
    try:
        return 'zombie' in Path(f'/proc/{pid}/status').read_text()
    except FileNotFoundError:
        return True


def test_workers_end_with_the_process_that_started_them_when_it_is_killed(tmp_path):
    """Killed outright (SIGKILL), the build cannot stop its workers, which are the fork server's children; one
    waiting between jobs waited for ever, and the fork server with it, holding the build's standard streams open:
    whatever read the build's output to its end (a test that kills a build) waited for ever too."""
    temporary = tempfile.mkdtemp(prefix='cp-')  # what the killed program cannot remove (the fork server's socket)
    starter = subprocess.Popen([sys.executable, '-c', STARTER], cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env={**os.environ, 'TMPDIR': temporary})
    try:
        worker = int(starter.stdout.readline())
        os.kill(starter.pid, signal.SIGKILL)
        starter.wait(timeout=60)
        # Every process that inherited its streams (the worker, the fork server, multiprocessing's resource
        # tracker) has ended: their end of the pipes is closed.
        out, err = starter.communicate(timeout=30)
        assert out == b'' and b'Traceback' not in err, err
        assert _ended(worker)
    finally:
        if starter.poll() is None:
            starter.kill()
        shutil.rmtree(temporary, ignore_errors=True)
