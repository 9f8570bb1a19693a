"""The outputs printed from the rendering alone (the EPUB, the web edition), written while the PDF lays out.

They print page numbers too (the EPUB's page-list, the web edition's print
page marks), which only the PDF's layout settles. A rebuild starts that layout
from the last build's page map, and when an edit moved no page, that is the
map it settles on. So a rebuild writes these outputs from it in a thread of
its own while the layout runs in the worker processes and the build waits:
if the layout settles on those pages, they are final; if not, they are thrown
away and written again from the settled pages. Either way the files are what
the settled pages make: the bytes never depend on the guess.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from pathlib import Path

from ..diagnostics import Diagnostics
from ..layout import LaidOut
from ..model import PageMap, ResolvedBook
from ..options import Build
from ..progress import SILENT
from ..render import render
from .formats import WRITERS


class WrittenAhead:
    """The formats of ``targets`` that need no layout, written from ``pages`` in a thread started now."""

    def __init__(self, resolved: ResolvedBook, pages: PageMap, targets: dict[str, Path], build: Build) -> None:
        self.resolved = resolved
        self.pages = pages
        self.targets = {name: path for name, path in targets.items() if not WRITERS[name].needs_layout}
        # Problems go to a list of their own: they are the build's only if these outputs are kept.
        self.build = Build(build.options, Diagnostics(), SILENT, build.cache)
        self.finished = False
        self.thread = threading.Thread(target=self._write, name='written-ahead', daemon=True)
        self.thread.start()

    def _write(self) -> None:
        try:
            laid_out = LaidOut(render(self.resolved, self.pages), None)
            with contextlib.ExitStack() as stack:
                for wait in [WRITERS[name].write(laid_out, path, self.build, stack)
                             for name, path in self.targets.items()]:
                    wait()
        except Exception:  # noqa: BLE001 - written again from the settled pages, where the problem is reported
            return
        self.finished = True

    def kept(self, settled: PageMap | None, diagnostics: Diagnostics) -> set[str]:
        """The formats written ahead that are final: all of them if the layout settled on the pages they were
        written from, else none (and what was written is removed, to be written again)."""
        self.thread.join()
        if self.finished and settled == self.pages:
            diagnostics.extend(self.build.diagnostics)
            return set(self.targets)
        for path in self.targets.values():
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        return set()
