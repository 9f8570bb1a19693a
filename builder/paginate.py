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
from .model import RenderedBook, ResolvedBook
from .progress import SILENT, Progress
from .render import render
from .write.pdf import lay_out, page_map

if TYPE_CHECKING:
    from weasyprint import Document

MAX_PASSES = 4


def paginate(resolved: ResolvedBook, diagnostics: Diagnostics, progress: Progress = SILENT,
             ) -> tuple[RenderedBook, Document] | None:
    progress.stage('lay out')
    rendered = render(resolved)
    for number in range(1, MAX_PASSES + 1):
        progress.item(f'pass {number}')
        document = lay_out(rendered, diagnostics)
        if document is None:
            return None
        pages = page_map(document, rendered.selected.first_page)
        again = render(resolved, pages)
        if again.documents == rendered.documents:
            return again, document
        rendered = again
    diagnostics.warning('pagination-unstable', f'page numbers still moved after {MAX_PASSES} layouts; '
                        'some printed page references may be off by one')
    return rendered, document
