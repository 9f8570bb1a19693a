"""The outputs printed from the rendering alone (the EPUB, the web edition), written while the PDF lays out.

They print page numbers too (the EPUB's page-list, the web edition's print
page marks), which only the PDF's layout settles. The parts engine says when
a pass is likely to be the last (``layout/parts.py``: a pass from the pages
of a layout of every part, as an edit's first pass is, from the last
build's), and gives its rendering: these outputs are then written from it in
a thread of their own, while the workers lay the pages out and the build
waits for them. If the layout settles on those pages, they are final; if not,
their processes are stopped, what they wrote is thrown away, and they are
written again from the settled pages. Either way the files are what the
settled pages make: the bytes never depend on the guess.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from pathlib import Path

from ..diagnostics import Diagnostics
from ..layout import LaidOut
from ..model import RenderedBook
from ..options import Build
from ..progress import SILENT
from ..workers import Background
from .formats import WRITERS
from .summary import OutputSummary


class WrittenAhead:
    """The formats of ``targets`` that need no layout, when another one does: written by :meth:`start`."""

    def __init__(self, targets: dict[str, Path], build: Build) -> None:
        needs_layout = any(WRITERS[name].needs_layout for name in targets)
        self.targets = {name: path for name, path in targets.items()
                        if needs_layout and not WRITERS[name].needs_layout}
        # Problems go to a list of their own: they are the build's only if these outputs are kept.
        self.background = Background()
        self.build = Build(build.options, Diagnostics(), SILENT, build.cache, background=self.background)
        self.rendered: RenderedBook | None = None
        self.thread: threading.Thread | None = None
        self.summaries: dict[str, OutputSummary] = {}  # of each format, once all are written

    def start(self, rendered: RenderedBook) -> None:
        """Write the outputs from ``rendered``, in a thread, unless they are being written already."""
        if self.targets and self.thread is None:
            self.rendered = rendered
            self.thread = threading.Thread(target=self._write, args=(rendered,), name='written-ahead', daemon=True)
            self.thread.start()

    def _write(self, rendered: RenderedBook) -> None:
        try:
            laid_out = LaidOut(rendered, None)
            summaries: dict[str, OutputSummary] = {}
            with contextlib.ExitStack() as stack:
                waits = {name: WRITERS[name].write(laid_out, path, self.build, stack)
                         for name, path in self.targets.items()}
                # Each read as soon as it is written, while the others are written and the PDF joined: read after
                # them, the 824-page book's EPUB took 0.1 s of its edit's end.
                for name, wait in waits.items():
                    wait()
                    summaries[name] = WRITERS[name].summarize(self.targets[name])
        except Exception:  # noqa: BLE001 - written again from the settled pages, where the problem is reported
            return
        self.summaries = summaries

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()

    def kept(self, settled: RenderedBook, diagnostics: Diagnostics) -> dict[str, OutputSummary]:
        """The formats written ahead that are final, each with its summary (read from its file): all of them if the
        layout settled on the pages they were written from, else none (and what was written is removed, to be
        written again)."""
        if self.thread is None:
            return {}
        assert self.rendered is not None  # started
        # Let go of the rendering it was written from, before the writers take their memory: held to the end of the
        # build, an 824-page book's took the builder from 199 to 208 MiB in an edit that moved pages.
        moved, self.rendered = settled.pages != self.rendered.pages, None
        if moved:  # stopped, not waited for: they are written again from the settled pages
            self.background.stop()
        self.thread.join()
        if self.summaries and not moved:
            diagnostics.extend(self.build.diagnostics)
            return self.summaries
        for path in self.targets.values():
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        return {}
