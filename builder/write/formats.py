"""The output formats: how each is written, summarized after a build, and validated by ``check --outputs``.

Adding a format (an HTML edition) is one module with its writer and one line
here. A writer is given the laid-out book (``needs_layout``: laid out with
settled page numbers, else only rendered) and the path to write; it returns a
function that waits until the file is written, so that writers can overlap.
Formats are written in the order of this registry, those written in a process
of their own (``apart``) started first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..config import BookConfig
from ..diagnostics import Diagnostics
from ..layout import LaidOut
from ..options import Build, BuildOptions
from . import epub, pdf, web
from .summary import OutputSummary, epub_summary, pdf_summary
from .validators import epub_checks, pdf_checks


@dataclass(frozen=True)
class Writer:
    suffix: str  # of the file written: dist/<stem>.<suffix>, or of the folder: dist/<stem>-<suffix>/
    needs_layout: bool  # whether it prints from the layout's pages, or only from the rendering
    write: Callable[[LaidOut, Path, Build, contextlib.ExitStack], Callable[[], None]]
    summarize: Callable[[Path], OutputSummary]  # size and extent, read from the written file
    validate: Callable[[Path, str, OutputSummary, Diagnostics], list[str]]  # one note per check run
    folder: bool = False  # writes a folder of files (a web site), not one file
    handouts: bool = True  # also written for handouts (a web site is made of the whole edition only)
    # Started before the others: the PDF (its parts joined in a process of its own) and the web edition, the
    # longest to write. The EPUB is written in a process of its own beside a PDF too (``beside.py``), started last.
    apart: bool = False
    # What the writer can do before the book is rendered, its results kept for the write (``check_book`` calls
    # it while Pandoc formats the citations), and whether, given the build's options, it writes in the build's own
    # process: prepared elsewhere, the results would not be there (``preparations``)
    prepare: Callable[[BookConfig], None] | None = None
    written_here: Callable[[BuildOptions], bool] = lambda options: True

    def name(self, stem: str) -> str:
        """The output's file or folder name under the output folder."""
        return f'{stem}-{self.suffix}' if self.folder else f'{stem}.{self.suffix}'

    def wrote(self, path: Path) -> bool:
        """Whether ``path`` is an output of this writer."""
        return path.name.endswith(self.name('')) and path.is_dir() == self.folder


WRITERS: dict[str, Writer] = {
    'pdf': Writer('pdf', True, pdf.write, pdf_summary, pdf_checks, apart=True),  # parts joined in a process
    'epub': Writer('epub', False, epub.write, epub_summary, epub_checks,  # page numbers from a PDF's layout
                   prepare=epub.prepare, written_here=epub.written_here),
    # Needs no layout; when a PDF is laid out in the same build, it prints that layout's page numbers.
    'html': Writer('web', False, web.write, web.summarize, web.checks, folder=True, handouts=False, apart=True),
}


def preparations(options: BuildOptions) -> list[Callable[[BookConfig], None]]:
    """What the writers of ``options.formats`` prepare before the book is rendered, those that write in this
    process."""
    return [writer.prepare for f in options.formats
            if (writer := WRITERS[f]).prepare is not None and writer.written_here(options)]


def writer_for(path: Path) -> Writer:
    """The writer of an output file or folder, by its name."""
    return next(w for w in WRITERS.values() if w.wrote(path))


def summarize(path: Path) -> OutputSummary:
    """Size and extent of an output file; raises the reader's error on a damaged file."""
    return writer_for(path).summarize(path)
