"""Progress reports: which stage a build is in, and on which chapter.

The pipeline is given a :class:`Progress` as an explicit argument and calls
:meth:`~Progress.stage` as it enters each stage and :meth:`~Progress.item` for
each chapter or pass it works on. What the author sees depends on where the
output goes (:func:`progress_for`): a live rich progress bar on a terminal,
one plain line per step in a log or CI job, nothing with ``--quiet`` or when
the builder is used as a library.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import ContextManager, Protocol, TextIO

PAUSE_WAIT = 0.5  # seconds a live bar's thread is waited for as it is paused: it ends at once unless it is drawing


class Progress(Protocol):
    def stage(self, name: str, items: int = 0) -> None:
        """A new stage begins; ``items`` is how many :meth:`item` calls it will make (0: unknown)."""

    def item(self, name: str) -> None:
        """The current stage starts work on one item: a chapter, a layout pass, an output file."""

    def close(self) -> None:
        """The work is over (finished or failed): clear any live display."""

    def paused(self) -> ContextManager[None]:
        """No thread of the display's running inside the block (the build forks a copy of itself there, which a
        running thread can deadlock); the display goes on after it."""


class SilentProgress:
    def stage(self, name: str, items: int = 0) -> None:
        pass

    def item(self, name: str) -> None:
        pass

    def close(self) -> None:
        pass

    def paused(self) -> ContextManager[None]:
        return contextlib.nullcontext()


SILENT = SilentProgress()


class PlainProgress:
    """One line per stage and item, for logs: ``coursepack: parse 2/6 chapters/02-decision.md``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._stage = ''
        self._items = 0
        self._done = 0

    def stage(self, name: str, items: int = 0) -> None:
        self._stage, self._items, self._done = name, items, 0
        if not items:
            self._print(name)

    def item(self, name: str) -> None:
        self._done += 1
        count = f' {self._done}/{self._items}' if self._items else ''
        self._print(f'{self._stage}{count} {name}')

    def close(self) -> None:
        pass

    def paused(self) -> ContextManager[None]:
        return contextlib.nullcontext()

    def _print(self, text: str) -> None:
        print(f'coursepack: {text}', file=self.stream, flush=True)


class RichProgress:
    """A live bar on a terminal: spinner, stage, bar, current chapter or pass, time elapsed."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console  # here: a build's output not on a terminal needs none of rich (25 ms)
        from rich.progress import BarColumn, Progress as RichBar, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._bar = RichBar(
            SpinnerColumn(),
            TextColumn('[bold]{task.description:<10}'),
            BarColumn(bar_width=24),
            TextColumn('{task.fields[current]}', style='dim'),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=True,  # the bar leaves no trace: diagnostics and the summary follow it
        )
        self._task = self._bar.add_task('', total=None, current='')
        self._threads: set[threading.Thread] = set()
        self._start()

    def stage(self, name: str, items: int = 0) -> None:
        # One task per stage: a stage of unknown length shows a pulsing bar, not the last stage's count.
        self._bar.remove_task(self._task)
        self._task = self._bar.add_task(name, total=items or None, current='')

    def item(self, name: str) -> None:
        task = self._bar.tasks[-1]
        # The count is of items started: "2/6 chapters/02-decision.md" while the second chapter is parsed.
        count = f'{int(task.completed) + 1}/{int(task.total)} ' if task.total else ''
        self._bar.update(self._task, advance=1, current=f'{count}{name}')

    def close(self) -> None:
        self._bar.stop()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The bar stopped, the thread that redraws it waited for (rich tells it to end, and does not wait), then
        started again: it is drawn again where it was."""
        self._bar.stop()
        for thread in self._threads:
            thread.join(PAUSE_WAIT)
        try:
            yield
        finally:
            self._start()

    def _start(self) -> None:
        """Start the bar, noting the threads it starts (the one that redraws it four times a second)."""
        before = set(threading.enumerate())
        self._bar.start()
        self._threads = set(threading.enumerate()) - before


def progress_for(stream: TextIO, *, quiet: bool = False) -> Progress:
    """The display that fits ``stream``: nothing when quiet, a live bar on a terminal, else plain lines."""
    if quiet:
        return SILENT
    if stream.isatty():
        return RichProgress(stream)
    return PlainProgress(stream)
