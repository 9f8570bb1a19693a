"""``coursepack watch`` of a book, one rebuild measured as ``timed.py`` measures a command.

``run.py``'s ``watch-edit``: the watcher is started (the book is up to date by
then), a first change that moves no page is rebuilt to warm it (its layout
workers' server, the chapters' parses), then the measured edit: from the moment the chapter is saved
to the watcher's "rebuilt in" line, the whole process tree's CPU time over that
span (each process as last seen, polled every 50 ms), the largest process's
peak resident set. The watcher is stopped after each measure, so that the other
commands' edits do not set it rebuilding while they are measured.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from timed import Tree, descendants, name_and_cpu

PATIENCE = 600  # seconds for the watcher's first build, or a rebuild, before giving up
POLL = 0.05


class Watched:
    def __init__(self, argv: list[str], cwd: Path) -> None:
        self.process = subprocess.Popen(argv, cwd=cwd, text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        env={**os.environ, 'PYTHONUNBUFFERED': '1'},
                                        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for('watching')

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip('\n'))

    def wait_for(self, *words: str, each: Callable[[], None] = lambda: None) -> str:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            each()
            try:
                line = self.lines.get(timeout=POLL)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise RuntimeError('the watcher stopped') from None
                continue
            if any(word in line for word in words):
                return line
        raise RuntimeError(f'no line with {words} after {PATIENCE} s')

    def rebuild(self, change: Callable[[], None]) -> dict:
        """Measure the rebuild that ``change`` (a chapter saved) sets off."""
        tree = Tree(self.process.pid, {pid: name_and_cpu(pid)[1] for pid in descendants(self.process.pid)})
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        change()
        line = self.wait_for('rebuilt in', 'failed', each=tree.sample)
        wall = time.perf_counter() - start
        return {'wall': wall, 'cpu': tree.cpu_seconds(), 'peak_mib': tree.peak / 1024,
                'main_peak_mib': tree.peak_main / 1024, 'rc': 0 if 'rebuilt in' in line else 1, 'stderr': line,
                'load': [load_before, os.getloadavg()[0]]}

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
