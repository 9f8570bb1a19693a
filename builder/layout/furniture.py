"""Folios drawn apart from the parts they number, so that a part's layout does not depend on where it starts.

A part (``parts.py``) printed its page numbers itself, counted from its first
page: a part that moved, because a chapter before it grew by a page, was laid
out again only to print other numbers at the foot of its pages. Now the parts
print no folios. Each marks the pages that would carry one (WeasyPrint's
``-weasy-anchor`` on the folio's margin box: only the pages that the
stylesheets give a folio, so not the front matter's, nor blank pages), and is
laid out from page 1 or 2, as its first page is odd or even, so that its
left- and right-hand pages are the book's. Once the parts are joined, the
folios are laid out by themselves, one short pass over empty pages with the
same page rules, and laid over the pages that carry one (``write/pdf.py``).

This holds while the folios are the bundled stylesheet's: a book whose own
``styles/print.css`` prints page numbers in the margins (``counter(page)``,
``@bottom-center``) or imports another stylesheet has its parts number their
pages themselves, and lay out again when they move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from ..cache import write_bytes
from ..dates import build_timestamp, iso
from ..model import Document, RenderedBook, Selection
from ..printshop import page_setup
from ..render import print_document
from ..stylesheets import own_stylesheet, stylesheet_urls
from .parts_cache import PartResult

# Pages a folio document lays out: its memory is that of 100 empty pages, and an even number of pages before it
# makes each start on a right-hand page, as the book does.
FOLIO_PAGES = 100
MARGIN_BOXES = ('top-left-corner', 'top-left', 'top-center', 'top-right', 'top-right-corner', 'bottom-left-corner',
                'bottom-left', 'bottom-right', 'bottom-right-corner', 'left-top', 'left-middle', 'left-bottom',
                'right-top', 'right-middle', 'right-bottom')
# Laid over the book's pages, the folios' pages draw nothing else: no running heads, backgrounds, borders or marks.
FOLIOS_ONLY = '\n'.join([
    '@page { marks: none !important; background: none !important; border: none !important; }',
    *(f'@page {{ @{box} {{ content: none !important; }} }}' for box in MARGIN_BOXES),
    '@page no-folio { @bottom-center { content: none !important; } }',
    'html, body { background: none !important; margin: 0 !important; padding: 0 !important; }',
    'section > div { break-before: page; }',
    '.no-folio { page: no-folio; }',
])


def folios_apart(book_root: Path) -> bool:
    """Whether the parts can leave their folios to be drawn apart: the book's print stylesheet leaves them alone."""
    own = own_stylesheet(book_root, 'print')
    if own is None:
        return True
    text = own.read_text(encoding='utf-8', errors='replace')
    return not any(sign in text for sign in ('counter(page', 'bottom-center', '@import'))


@dataclass(frozen=True)
class Folios:
    """Folios of a book joined from parts: a document of empty pages from page ``first``, each with its folio or
    none."""

    html: str
    first: int
    root: Path
    identifier: bytes
    moment: dt.datetime
    kept: Path  # where the parts are kept (``parts_cache.PartStore``): an edit that moves no page lays out none

    def pdf(self) -> bytes:
        """The folios laid out by WeasyPrint, their fonts subset as the parts' are (so that they merge)."""
        from weasyprint import HTML

        from ..fetcher import BOOK_URL, BookFetcher
        from .font_subsets import dated_subsets

        if self.kept.is_file():
            return self.kept.read_bytes()
        document = HTML(string=self.html, base_url=BOOK_URL, url_fetcher=BookFetcher(self.root)).render()
        pdf = document.write_pdf(pdf_identifier=self.identifier, finisher=dated_subsets(self.moment))
        write_bytes(self.kept, pdf)
        return pdf


def folio_documents(rendered: RenderedBook, parts: tuple[PartResult, ...], starts: tuple[int, ...],
                    identifier: bytes, kept: Callable[[str], Path]) -> tuple[Folios, ...]:
    """The folios of the book joined from ``parts`` (which begin on pages ``starts``): a folio on every page a
    part marked, in documents of :data:`FOLIO_PAGES` pages, each kept at ``kept(its HTML)``."""
    has_folio = [False] * (starts[-1] + parts[-1].pages - 1)
    for part, start in zip(parts, starts):
        for index in part.folios:
            has_folio[start - 1 + index] = True
    documents = []
    for first in range(1, len(has_folio) + 1, FOLIO_PAGES):
        html = folios_html(rendered, has_folio[first - 1:first - 1 + FOLIO_PAGES], first)
        documents.append(Folios(html, first, rendered.config.root, identifier, build_timestamp(rendered.config),
                                kept(html)))
    return tuple(documents)


def folios_html(rendered: RenderedBook, has_folio: list[bool], first: int) -> str:
    """The print document (``render.print_document``) of ``len(has_folio)`` empty pages with the book's page
    rules, counted from ``first`` and numbered as ``rendered.numbering`` says, and a folio where ``has_folio``."""
    pages = ''.join('<div></div>' if folio else '<div class="no-folio"></div>' for folio in has_folio)
    folios = replace(rendered, documents=(Document('folios', 'folios', '', f'<section>{pages}</section>'),),
                     selection=Selection(rendered.selected.edition, first_page=first))
    setup = [*page_setup(folios.config, folios.selected, rendered.numbering),
             'data:text/css;charset=utf-8,' + quote(FOLIOS_ONLY)]
    moment = iso(build_timestamp(folios.config))
    return print_document(folios, stylesheet_urls(folios.config.root, 'print', setup),
                          {'created': moment, 'modified': moment})
