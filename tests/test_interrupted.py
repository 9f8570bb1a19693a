"""Nothing lost: a build killed or interrupted half-way leaves the previous outputs intact, and the next build
tidies up."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MAIN_EDITION, REPO, build, copy_book, dist_fingerprint

pytestmark = pytest.mark.build  # every test here lays out a book

PARAGRAPH = ' '.join(['The withdrawal was planned in stages, and each stage was argued over in Moscow and Kabul.'] * 6)


def a_longer_book(tmp_path: Path) -> Path:
    """The minimal book with enough extra chapters that writing its PDF takes a noticeable time."""
    book = copy_book('minimal', tmp_path)
    for number in range(3, 9):
        sections = '\n\n'.join(f'## Part {part}\n\n' + '\n\n'.join([PARAGRAPH] * 8) for part in range(5))
        (book / 'chapters' / f'{number:02d}-more.md').write_text(
            f'---\nid: more-{number}\ntitle: More {number}\n---\n\n{sections}\n')
    return book


def as_in_a_terminal() -> None:
    """In the command's process, before it runs: Ctrl-C interrupts it, as it does a command run from a terminal.
    Started in the background by a shell without job control (``cmd &`` in a script), the tests would pass on
    SIGINT ignored, and so would the command: it would not be stopped by the Ctrl-C these tests send."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def temporaries(dist: Path) -> list[str]:
    return sorted(p.name for p in dist.iterdir() if p.name.endswith('.part'))


def test_sigkill_while_writing_leaves_previous_outputs_and_the_next_build_cleans_up(tmp_path):
    book = a_longer_book(tmp_path)
    dist = book / 'dist'
    dist.mkdir()
    # The previous outputs: any bytes will do, as long as they survive.
    (dist / 'a-minimal-course-pack.pdf').write_bytes(b'%PDF- the previous build')
    (dist / 'a-minimal-course-pack.epub').write_bytes(b'PK the previous build')
    before = dist_fingerprint(dist)

    # Killed, the build cannot remove its temporary folders (the fork server's socket): in one of the test's, short
    # enough for the socket (a longer one would send it to /tmp), removed after.
    temporary = tempfile.mkdtemp(prefix='cp-')
    process = subprocess.Popen([sys.executable, '-m', 'builder', 'build', str(book), *MAIN_EDITION], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, 'TMPDIR': temporary})
    try:
        while process.poll() is None and not temporaries(dist):
            time.sleep(0.002)
        # The build has started writing its outputs: kill it there.
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
        # To its end, once its workers have ended too (they hold it open): with a time limit, not for ever
        stderr = process.communicate(timeout=60)[1].decode()
        shutil.rmtree(temporary, ignore_errors=True)
    assert process.returncode == -signal.SIGKILL, ('the build ended before it could be killed', stderr)

    left = temporaries(dist)
    assert left and all(name.startswith('.coursepack-') for name in left), left  # hidden, and ours
    after = dist_fingerprint(dist)
    assert {name: after[name] for name in before} == before
    # A folder's temporary (the web edition's) is still empty: the files it will hold come after the layout.
    assert sorted(after) == sorted([*before, *(name for name in left if (dist / name).is_file())])

    # The next build, even one that fails, removes what the killed one left; a good one then replaces the outputs.
    chapter = book / 'chapters' / '01-first.md'
    good_text = chapter.read_text()
    chapter.write_text(good_text + '\n![](missing.png)\n')
    failed = build(book, *MAIN_EDITION)
    assert failed.code == 1
    assert temporaries(dist) == []
    assert dist_fingerprint(dist) == before
    chapter.write_text(good_text)
    rebuilt = build(book, *MAIN_EDITION)
    assert rebuilt.code == 0, rebuilt.err
    names = sorted(p.name for p in dist.iterdir())
    assert set(before) <= set(names) and not [name for name in names if name.startswith('.')], names
    assert (dist / 'a-minimal-course-pack.pdf').read_bytes().startswith(b'%PDF-1.')
    rebuilt_files = dist_fingerprint(dist)
    assert all(rebuilt_files[name] != before[name] for name in before)  # both outputs replaced


def stopped_build(tmp_path: Path, options: tuple[str, ...], stage: str, stop: Callable[[int], None], code: int) -> None:
    """Run a command (``options``: its name, then its options) on a longer book over a previous output, ``stop(pid)``
    it well into ``stage``; check that it ended with exit status ``code`` and one line, leaving its outputs, the
    system's temporary folder and its process group as they were."""
    book = a_longer_book(tmp_path)
    dist = book / 'dist'
    dist.mkdir()
    (dist / 'a-minimal-course-pack.pdf').write_bytes(b'%PDF- the previous build')
    before = dist_fingerprint(dist)
    temporary = tmp_path / 'tmp'
    temporary.mkdir()
    # Its own process group, as a terminal makes for a command: Ctrl-C signals every process in it.
    command, *options = options
    process = subprocess.Popen([sys.executable, '-m', 'builder', command, str(book), '--no-cache', *options],
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, env={**os.environ, 'TMPDIR': str(temporary)},
                               preexec_fn=as_in_a_terminal)
    seen = []
    try:
        for line in process.stderr:
            seen.append(line)
            if stage in line:
                break
        time.sleep(1)  # well into the layout
        stop(process.pid)
        rest: list[str] = []  # read apart: a worker left running would keep the stream open
        reader = threading.Thread(target=lambda: rest.append(process.stderr.read()), daemon=True)
        reader.start()
        reader.join(timeout=120)
        stderr = ''.join(seen + rest)
        assert not reader.is_alive(), f'processes of the build still write to its stderr after it ended: {stderr}'
        process.wait(timeout=120)
        for _ in range(100):  # the fork server ends once the build has: its workers with the build
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            raise AssertionError('processes of the build still run after it ended')
    finally:
        process.stderr.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert any(stage in line for line in seen), stderr
    assert process.returncode == code, stderr
    assert stderr.splitlines()[-1] == 'coursepack: interrupted; no output was changed', stderr
    assert 'Traceback' not in stderr and 'KeyboardInterrupt' not in stderr, stderr
    assert dist_fingerprint(dist) == before  # no temporaries left either
    assert sorted(p.name for p in temporary.iterdir()) == []  # nor any in the system's temporary folder


@pytest.mark.parametrize('options, stage', [
    (('build', '--jobs', '1', *MAIN_EDITION), 'lay out'),  # one process
    (('handouts',), 'lay out and write 8 outputs'),  # the handouts at once, in threads, their parts in workers
    (('build', '--jobs', '2', *MAIN_EDITION), 'lay out in parts'),  # the parts, in workers from a fork server
    (('build',), 'lay out and write 2 outputs'),  # the editions at once, in threads, their parts in workers
])
def test_ctrl_c_is_one_line_exit_130_and_dist_untouched(tmp_path, options, stage):
    stopped_build(tmp_path, options, stage, lambda pid: os.killpg(pid, signal.SIGINT), 130)


@pytest.mark.parametrize('options, stage', [
    (('handouts',), 'lay out and write 8 outputs'),
    (('build', '--jobs', '2', *MAIN_EDITION), 'lay out in parts'),
    (('build',), 'lay out and write 2 outputs'),
])
def test_sigterm_stops_the_build_and_its_workers_as_ctrl_c_does(tmp_path, options, stage):
    """Another program stopping the build (SIGTERM, to the command alone: a CI's time limit, ``timeout``) ends it as
    Ctrl-C does, with the shell's code for SIGTERM: it left its temporary folders behind, and its workers ran on."""
    stopped_build(tmp_path, options, stage, lambda pid: os.kill(pid, signal.SIGTERM), 143)


def test_a_second_ctrl_c_while_it_exits_changes_nothing(tmp_path):
    """Ctrl-C pressed again while the interrupted build shuts down (its threads, its pools) still ends it with the one
    line and exit 130: Python would otherwise be ended by the signal itself, with no exit status."""
    book = a_longer_book(tmp_path)
    process = subprocess.Popen([sys.executable, '-m', 'builder', 'build', str(book), '--no-cache', '--jobs', '1',
                                *MAIN_EDITION], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, start_new_session=True, preexec_fn=as_in_a_terminal)
    try:
        for line in process.stderr:
            if 'lay out' in line:
                break
        time.sleep(1)
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        stderr = process.stderr.read()
        process.wait(timeout=120)
    finally:
        process.stderr.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1] == 'coursepack: interrupted; no output was changed', stderr
