"""Work shared with a copy of the build (``forked.py``): the chapters' parse, half of it in a forked process."""

from __future__ import annotations

import io
import os
import threading
import time

import pytest

import builder.parse
from builder.diagnostics import Diagnostics
from builder.forked import can_fork, in_a_copy
from builder.kept_parses import KeptParses, cache_folder
from builder.load import load
from builder.parse import parse
from builder.progress import SILENT, Progress, RichProgress

from conftest import copy_book

pytestmark = pytest.mark.skipif(not can_fork(), reason='the build forks a copy of itself on Linux only')
LARGE = 200_000  # bytes: three times what a pipe holds


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_copys_results_come_back_in_order_whole_none_for_a_task_that_raised():
    def task(n: int) -> bytes | None:
        if n == 2:
            raise ValueError('the build makes this one itself')
        return None if n == 3 else bytes([n]) * (LARGE + n)

    with in_a_copy(task, [0, 1, 2, 3, 4]) as results:
        got = list(results)
    assert got == [bytes([0]) * LARGE, bytes([1]) * (LARGE + 1), None, None, bytes([4]) * (LARGE + 4)]


def test_the_copy_does_all_its_share_before_the_build_reads_a_result(tmp_path):
    """Results longer than a pipe holds do not stop the copy until the build reads them: the build does its own
    share meanwhile, and reads them after."""
    def task(n: int) -> bytes:
        (tmp_path / f'done-{n}').touch()
        return b'x' * LARGE

    with in_a_copy(task, range(4)) as results:
        deadline = time.monotonic() + 60
        while not (tmp_path / 'done-3').exists():
            assert time.monotonic() < deadline, 'the copy stopped at a result the build had not read'
            time.sleep(0.01)
        assert [len(r or b'') for r in results] == [LARGE] * 4


def test_results_the_copy_did_not_make_before_it_ended_are_none():
    def task(n: int) -> bytes:
        if n == 2:
            os._exit(9)  # killed, as far as the build can tell
        return b'made'

    with in_a_copy(task, range(4)) as results:
        assert list(results) == [b'made', b'made', None, None]


def test_a_copy_still_working_when_the_build_stops_reading_is_ended():
    before = children()
    with in_a_copy(lambda n: time.sleep(60) or b'', range(3)):
        assert len(children() - before) == 1
    # The block ended without reading: the copy was killed and reaped, not left sleeping
    assert children() == before


def children() -> set[str]:
    """The ids of this process's children (a zombie too, until it is reaped)."""
    found = set()
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            with open(f'/proc/{pid}/stat') as stat:
                parent = int(stat.read().rsplit(')', 1)[1].split()[1])
        except OSError:
            continue
        if parent == os.getpid():
            found.add(pid)
    return found


def parsed(book, kept: KeptParses | None = None, progress: Progress = SILENT) -> tuple[list[list[dict]], list[str]]:
    """The book's chapters parsed (their tokens, their problems), and the parses kept, as a build keeps them."""
    diagnostics = Diagnostics()
    chapters = parse(load(book, diagnostics), diagnostics, progress, kept=kept)
    if kept is not None:
        kept.keep_only_this_builds()
    return [[token.as_dict() for token in chapter.tokens] for chapter in chapters], [str(d) for d in diagnostics]


def test_chapters_parsed_by_the_copy_are_the_chapters_parsed_here_problems_in_their_order(tmp_path, monkeypatch):
    book = copy_book('minimal', tmp_path)
    chapters = sorted((book / 'chapters').glob('*.md'))
    for n, chapter in enumerate(chapters):  # a problem in each chapter, both the build's share and the copy's
        chapter.write_text(chapter.read_text() + f'\nRaw TeX {n}, \\textbf{{bold}}, printed as written.\n')
    monkeypatch.setattr(builder.parse, 'PARSED_BESIDE_FROM', 10**12)
    alone, told_alone = parsed(book)
    parsed_here = []
    parse_chapter = builder.parse._parse_chapter
    monkeypatch.setattr(builder.parse, '_parse_chapter', lambda md, chapter, *args: (
        parsed_here.append(chapter.path), parse_chapter(md, chapter, *args))[1])
    monkeypatch.setattr(builder.parse, 'PARSED_BESIDE_FROM', 0)
    shared, told_shared = parsed(book)
    assert 0 < len(parsed_here) < len(chapters)  # the last chapters were parsed by the copy
    assert shared == alone
    assert told_shared == told_alone and sum('raw-latex' in d for d in told_shared) == len(chapters)

    # On a terminal, whose live bar runs a thread of its own: the thread is stopped while the copy is forked
    terminal = Terminal()
    bar = RichProgress(terminal)
    parsed_here.clear()
    assert threading.active_count() > 1
    assert parsed(book, progress=bar)[0] == alone and 0 < len(parsed_here) < len(chapters)
    bar.item('after the parse')  # the bar goes on
    bar.close()
    assert 'after the parse' in terminal.getvalue()

    # Kept for the next build as if parsed here
    kept, told_kept = parsed(book, KeptParses(cache_folder(book), remember=False))
    parsed_here.clear()
    again, told_again = parsed(book, KeptParses(cache_folder(book), remember=False))
    assert not parsed_here and again == kept == alone and told_again == told_kept == told_alone


def test_a_system_that_refuses_the_copy_leaves_the_parse_to_the_build(tmp_path, monkeypatch):
    book = copy_book('minimal', tmp_path)
    monkeypatch.setattr(builder.parse, 'PARSED_BESIDE_FROM', 0)
    shared, told_shared = parsed(book)
    open_before = len(os.listdir('/proc/self/fd'))

    def refused() -> int:  # as at a limit on processes (EAGAIN)
        raise BlockingIOError(11, 'Resource temporarily unavailable')

    monkeypatch.setattr(os, 'fork', refused)
    alone, told_alone = parsed(book)
    assert alone == shared and told_alone == told_shared
    assert len(os.listdir('/proc/self/fd')) == open_before  # the pipe and the file in memory closed
