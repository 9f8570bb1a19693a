"""Progress while building: a live bar on a terminal, plain lines in logs, nothing with --quiet; then a summary."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from pypdf import PdfReader

from builder.cli import main
from builder.diagnostics import Diagnostics
from builder.pipeline import BuildOptions, build as build_book
from conftest import MAIN_EDITION, build, copy_book

pytestmark = pytest.mark.build  # every test here lays out a book


class Recorder:
    """A Progress that remembers what the pipeline told it."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def stage(self, name: str, items: int = 0) -> None:
        self.events.append(('stage', name, items))

    def item(self, name: str) -> None:
        self.events.append(('item', name))

    def close(self) -> None:
        self.events.append(('close',))

    def paused(self):  # type: ignore[no-untyped-def]
        return contextlib.nullcontext()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_pipeline_reports_each_stage_and_chapter(tmp_path):
    book = copy_book('minimal', tmp_path)
    recorder = Recorder()
    # One document: every writer after the layout
    written = build_book(book, BuildOptions(editions=('student',), jobs=1), Diagnostics(), recorder)
    assert len(written) == 3  # PDF, EPUB, web edition
    events = recorder.events
    assert events[:6] == [
        ('stage', 'load', 0),
        ('stage', 'parse', 2), ('item', 'chapters/01-first.md'), ('item', 'chapters/02-second.md'),
        ('stage', 'resolve', 0),
        ('stage', 'lay out', 0),
    ]
    assert events[6] == ('item', 'pass 1')
    assert events[-3:] == [('stage', 'write a-minimal-course-pack.pdf', 0),  # those written apart first
                           ('stage', 'write a-minimal-course-pack-web', 0),
                           ('stage', 'write a-minimal-course-pack.epub', 0)]


def test_plain_lines_off_a_terminal_and_a_summary_of_each_output(tmp_path):
    book = copy_book('minimal', tmp_path)
    run = build(book, '--edition', 'student', '--jobs', '1')  # one document: every writer after the layout
    assert run.code == 0, run.err
    lines = run.err.splitlines()
    assert lines[:4] == ['coursepack: load', 'coursepack: parse 1/2 chapters/01-first.md',
                         'coursepack: parse 2/2 chapters/02-second.md', 'coursepack: resolve']
    assert 'coursepack: lay out pass 1' in lines and lines[-1] == 'coursepack: write a-minimal-course-pack.epub'
    pdf, epub = run.output('.pdf'), run.output('.epub')
    pages = len(PdfReader(pdf).pages)
    summary = run.out.splitlines()
    assert len(summary) == 3
    pdf_kib, epub_kib = round(pdf.stat().st_size / 1024), round(epub.stat().st_size / 1024)
    assert re.fullmatch(rf'wrote \S+/{pdf.name} \({pdf_kib:,} KiB, {pages} pages\)', summary[0]), summary
    assert re.fullmatch(rf'wrote \S+/{epub.name} \(\d[\d.,]* (KiB|MiB), 2 chapters, {pages} print pages\)', summary[1]), summary
    assert epub_kib > 0
    assert re.fullmatch(rf'wrote \S+/a-minimal-course-pack-web \(\d+ KiB, 2 chapters, {pages} print pages\)', summary[2]), summary


def test_quiet_prints_only_problems(tmp_path):
    book = copy_book('minimal', tmp_path)
    run = build(book, '--quiet', *MAIN_EDITION)
    assert run.code == 0 and run.out == '' and run.err == ''
    second = book / 'chapters' / '02-second.md'
    second.write_text(second.read_text() + '\nSee [](#nowhere).\n')
    failed = build(book, '-q')
    assert failed.code == 1 and failed.out == ''
    assert failed.err.splitlines() == [
        "chapters/02-second.md:14:5: error[xref-unknown]: no chapter or section with the id 'nowhere'",
        'coursepack: build failed: 1 error(s), 0 warning(s)',
    ]


def test_a_live_bar_on_a_terminal(tmp_path):
    book = copy_book('minimal', tmp_path)
    out, err = io.StringIO(), Terminal()
    assert main(['build', str(book), '--format', 'pdf'], stdout=out, stderr=err) == 0
    shown = err.getvalue()
    assert '\x1b[' in shown  # drawn with terminal control sequences, and erased when done
    assert 'coursepack: parse' not in shown
    assert out.getvalue().startswith('wrote ')
