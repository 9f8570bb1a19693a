"""Lay the book out until the page numbers it prints are the pages it has.

Every page number the book prints besides its folios is printed from a
:class:`PageMap` read off a layout: "cited on pp. 3, 17", glossary uses
collapsed as "12, 34–36", the contents and "see p. 12" (``write/page_references.py``),
the EPUB page-list. Printing them can move text to other pages, so the book is
rendered and laid out again until its print HTML no longer changes: once when
the last build's page map (``guess``) is still right, twice for most first builds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .diagnostics import Diagnostics
from .model import PageMap, RenderedBook, ResolvedBook
from .progress import SILENT, Progress
from .render import render
from .write.pdf import lay_out, page_map, print_html

if TYPE_CHECKING:
    from weasyprint import Document

MAX_PASSES = 4


def paginate(resolved: ResolvedBook, guess: PageMap, diagnostics: Diagnostics,
             progress: Progress = SILENT) -> tuple[RenderedBook, Document] | None:
    """``guess``: the page map to print from at first (the last build's, or an estimate), right or not."""
    progress.stage('lay out')
    rendered = render(resolved, guess)
    html = print_html(rendered)
    for attempt in range(1, MAX_PASSES + 1):
        progress.item(f'pass {attempt}')
        document = lay_out(rendered, html, diagnostics)
        if document is None:
            return None
        again = render(resolved, page_map(document, rendered.selected.first_page))
        # The print HTML, not only the documents: it carries the pages of links (``data-page``) too.
        again_html = print_html(again)
        if again_html == html:
            return again, document
        if attempt == MAX_PASSES:
            break
        # Let this layout go before the next: two laid-out books in memory at once double the peak.
        rendered, html, document = again, again_html, None
    diagnostics.warning('pagination-unstable', f'page numbers still moved after {MAX_PASSES} layouts; '
                        'some printed page references may be off by one')
    return rendered, document
