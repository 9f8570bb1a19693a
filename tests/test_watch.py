"""``coursepack watch`` in a real process: it rebuilds on a change, reports errors, survives them, recovers."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, copy_book, epub_files, pdf_pages_text, xhtml_text

PATIENCE = 180  # seconds to wait for one expected line before failing (2 shared cores, cold imports)


class Watcher:
    """A ``coursepack watch`` subprocess whose output lines are read as they come."""

    def __init__(self, book: Path) -> None:
        # Ctrl-C reaches the watcher as at a terminal, even when the tests run in a background job:
        # such a job ignores SIGINT, and an ignored signal stays ignored in the programs it starts.
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'builder', 'watch', str(book)], cwd=REPO, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, 'PYTHONUNBUFFERED': '1'},
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip('\n'))

    def wait_for(self, pattern: str) -> str:
        """The next line matching ``pattern``, the lines before it kept in ``seen``."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.process.poll() is None, 'the watcher stopped:\n' + '\n'.join(self.seen)
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f'no line matching {pattern!r} after {PATIENCE} s:\n' + '\n'.join(self.seen))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        self.reader.join(timeout=10)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code


@pytest.mark.build
def test_watch_rebuilds_reports_errors_and_recovers(tmp_path):
    book = copy_book('minimal', tmp_path)
    chapter = book / 'chapters' / '02-second.md'
    original = chapter.read_text()
    watcher = Watcher(book)
    try:
        watcher.wait_for(r'\] built in \d+\.\d s$')
        watcher.wait_for(r'watching .* for changes')
        pdf, epub = book / 'dist' / 'a-minimal-course-pack.pdf', book / 'dist' / 'a-minimal-course-pack.epub'
        assert pdf.is_file() and epub.is_file()

        chapter.write_text(original + '\nA sentence written while watching.\n')
        watcher.wait_for(r'changed: chapters/02-second\.md')
        watcher.wait_for(r'\] rebuilt in \d+\.\d s$')
        assert 'A sentence written while watching.' in ' '.join(pdf_pages_text(pdf))
        assert 'A sentence written while watching.' in xhtml_text(epub_files(epub)['EPUB/second.xhtml'])

        chapter.write_text(original + '\nA sentence written while watching. See [](#nowhere).\n')
        error = watcher.wait_for(r'error\[')
        assert error == "chapters/02-second.md:14:40: error[xref-unknown]: no chapter or section with the id 'nowhere'"
        watcher.wait_for(r'build failed in .* still watching')
        assert watcher.process.poll() is None
        assert 'A sentence written while watching.' in ' '.join(pdf_pages_text(pdf))  # the last good outputs

        chapter.write_text(original + '\nA sentence written while watching.\n')  # the error undone
        watcher.wait_for(r'the inputs are back to those of the last good build')

        chapter.write_text(original + '\nThe error is fixed.\n')
        watcher.wait_for(r'\] rebuilt in')
        assert 'The error is fixed.' in ' '.join(pdf_pages_text(pdf))
        assert 'The error is fixed.' in xhtml_text(epub_files(epub)['EPUB/second.xhtml'])

        # Events that come close together are reported in one batch: 'changed: a, b'.
        chapter.write_text(chapter.read_text())  # saved without a change
        watcher.wait_for(r'changed: (.*, )?chapters/02-second\.md')
        watcher.wait_for(r'the inputs are unchanged: nothing to rebuild')
        (book / 'notes.txt').write_text('not read by the build')
        watcher.wait_for(r'changed: (.*, )?notes\.txt')
        watcher.wait_for(r'the inputs are unchanged: nothing to rebuild')
    finally:
        code = watcher.stop()
    assert code == 0
    assert not any('Traceback' in line for line in watcher.seen)
    assert watcher.seen[-1].endswith('] stopped')


def test_the_inputs_are_what_a_build_reads(tmp_path):
    from builder.inputs import input_files, inputs_digest

    book = copy_book('minimal', tmp_path)
    for name in ('references.bib', 'styles/print.css', 'figures/map.png', 'csl/house.csl', 'notes.txt',
                 'dist/old.pdf', '.git/config', 'drafts/ideas.md', 'chapters/figures/route.svg'):
        (book / name).parent.mkdir(parents=True, exist_ok=True)
        (book / name).write_text(name)
    found = [p.relative_to(book).as_posix() for p in input_files(book, book / 'dist')]
    assert found == ['book.yaml', 'chapters/01-first.md', 'chapters/02-second.md', 'chapters/figures/route.svg',
                     'csl/house.csl', 'figures/map.png', 'references.bib', 'styles/print.css']
    before = inputs_digest(book, book / 'dist')
    (book / 'notes.txt').write_text('changed')
    (book / 'dist' / 'old.pdf').write_text('changed')
    assert inputs_digest(book, book / 'dist') == before
    (book / 'figures' / 'map.png').write_text('changed')
    assert inputs_digest(book, book / 'dist') != before
