"""Lay the book out until the page numbers it prints are the pages it has.

Some page numbers cannot come from CSS ``target-counter()``: "cited on pp. 3,
17", glossary uses collapsed as "12, 34–36", the EPUB page-list. Those are
printed from a :class:`PageMap` read off a first layout. Printing them can
move text to other pages, so the book is rendered and laid out again until
the rendering no longer changes: once for a book that prints no such numbers,
twice for most books that do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .diagnostics import Diagnostics
from .model import PageMap, RenderedBook, ResolvedBook
from .progress import SILENT, Progress
from .render import render
from .write.pdf import lay_out, page_map

if TYPE_CHECKING:
    from weasyprint import Document

MAX_PASSES = 4


def paginate(resolved: ResolvedBook, diagnostics: Diagnostics, progress: Progress = SILENT,
             guess: PageMap | None = None) -> tuple[RenderedBook, Document] | None:
    """``guess``: a page map to print from at first (the last build's), which saves a layout when it is right."""
    progress.stage('lay out')
    rendered = render(resolved, guess)
    for attempt in range(1, MAX_PASSES + 1):
        progress.item(f'pass {attempt}')
        document = lay_out(rendered, diagnostics)
        if document is None:
            return None
        again = render(resolved, page_map(document, rendered.selected.first_page))
        if again.documents == rendered.documents:
            return again, document
        if attempt == MAX_PASSES:
            break
        # Let this layout go before the next: two laid-out books in memory at once double the peak.
        rendered, document = again, None
    diagnostics.warning('pagination-unstable', f'page numbers still moved after {MAX_PASSES} layouts; '
                        'some printed page references may be off by one')
    return rendered, document
