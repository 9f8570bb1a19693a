"""Folios drawn apart from the parts they number, so that a part's layout does not depend on where it starts.

A part (``parts.py``) printed its page numbers itself, counted from its first
page: a part that moved, because a chapter before it grew by a page, was laid
out again only to print other numbers at the foot of its pages. Now the parts
print no folios. Each marks the pages that would carry one (WeasyPrint's
``-weasy-anchor`` on the folio's margin box: only the pages that the
stylesheets give a folio, so not the front matter's, nor blank pages), and is
laid out from page 1 or 2, as its first page is odd or even, so that its
left- and right-hand pages are the book's. The folios are laid out once, by
themselves: a template of empty pages with the same page rules, a right-
and a left-hand page for each length of number (``folio_template``);
as the parts are joined, each page that carries a folio gets the template's
page of its side and length, its digits stamped in (``FolioStamps``), drawn
over it (``write/pdf.py``). Laying out empty pages for the whole book took
5 ms a page (1.1 s of CPU at 207 pages), each margin box's style computed.

This holds while the folios are the bundled stylesheet's: a book whose own
``styles/print.css`` prints page numbers in the margins (``counter(page)``,
``@bottom-center``) or imports another stylesheet has its parts number their
pages themselves, and lay out again when they move.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from ..cache import write_bytes
from ..dates import build_timestamp, iso
from ..model import Document, PageNumbering, RenderedBook, Selection
from ..printshop import page_setup
from ..render import print_document
from ..stylesheets import own_stylesheet, stylesheet_urls
from .parts_cache import PartResult
from .stamped_digits import WIDTH_ROUNDING, shown_arrays, with_codes

# The numbers the folio template prints, a number of each length: together they draw each digit once, so that the
# template's font subset has every digit's glyph. Books of up to 99,999 pages.
TEMPLATE_NUMBERS = ('1', '23', '456', '7890', '12345')
# Pages before the template's own: a document's first page may be styled apart (``@page :first``), a book's first
# page too, and it carries no folio.
LEADING = 2
MARGIN_BOXES = ('top-left-corner', 'top-left', 'top-center', 'top-right', 'top-right-corner', 'bottom-left-corner',
                'bottom-left', 'bottom-right', 'bottom-right-corner', 'left-top', 'left-middle', 'left-bottom',
                'right-top', 'right-middle', 'right-bottom')
# The blank template's blank page (``blank_template``): after its first page, a right-hand one, before its last
BLANK_PAGE = 1
# Laid over the book's pages, the folios' pages draw nothing else: no running heads, backgrounds, borders or marks.
FOLIOS_ONLY = '\n'.join([
    '@page { marks: none !important; background: none !important; border: none !important; }',
    *(f'@page {{ @{box} {{ content: none !important; }} }}' for box in MARGIN_BOXES),
    'html, body { background: none !important; margin: 0 !important; padding: 0 !important; }',
    'section > div { break-before: page; }',
])


def folios_apart(book_root: Path) -> bool:
    """Whether the parts can leave their folios to be drawn apart: the book's print stylesheet leaves them alone."""
    own = own_stylesheet(book_root, 'print')
    if own is None:
        return True
    text = own.read_text(encoding='utf-8', errors='replace')
    return not any(sign in text for sign in ('counter(page', 'bottom-center', '@import'))


@dataclass(frozen=True)
class FolioTemplate:
    """A page of each side for each length of number, with a folio of that length, laid out with the book's page
    rules: a book's folios are these pages with other digits (``FolioStamps``). Or the blank page the join adds
    (``blank_template``)."""

    html: str
    root: Path
    identifier: bytes
    moment: dt.datetime
    kept: Path  # where the parts are kept (``parts_cache.PartStore``): laid out once for a book and its styles

    @property
    def refused(self) -> Path:
        """Where a template whose folios cannot be stamped (``made``) is noted as such, in place of its PDF."""
        return self.kept.with_suffix('.unstampable')

    def pdf(self) -> bytes:
        """The template laid out by WeasyPrint, its fonts subset as the parts' are (so that they merge)."""
        from .font_subsets import dated_subsets
        from .parsed_styles import laid_out

        if self.kept.is_file():
            return self.kept.read_bytes()
        document = laid_out(self.html, self.root)
        return document.write_pdf(pdf_identifier=self.identifier, finisher=dated_subsets(self.moment))

    def made(self) -> bool:
        """Lay the template out and keep it; or, when its folios cannot be stamped (``FolioStamps``: the book's
        stylesheet spaces out or kerns the digits), keep that instead. Whether they can."""
        import io

        import pikepdf

        pdf = self.pdf()
        try:
            FolioStamps(pikepdf.open(io.BytesIO(pdf)))
        except ValueError as why:
            write_bytes(self.refused, f'{why}\n'.encode())
            return False
        write_bytes(self.kept, pdf)
        return True

    def keep(self) -> None:
        """Lay the template out and keep it, as it is (a blank page's: ``blank_template``)."""
        write_bytes(self.kept, self.pdf())


@dataclass(frozen=True)
class Folios:
    """The folios of a book joined from parts: the number each page that carries one prints."""

    template: FolioTemplate
    numbers: tuple[tuple[int, str], ...]  # (a page's index in the book, from 0; the number it prints)


def template_page(index: int, number: str) -> int:
    """The template's page with a folio of ``number``'s length on the side of the book's page ``index`` (from 0)."""
    return LEADING + 2 * (len(number) - 1) + index % 2


def folio_template(rendered: RenderedBook, identifier: bytes, kept: Callable[[str], Path]) -> FolioTemplate:
    """The folio template of ``rendered``'s page rules, kept at ``kept(its HTML)``: page ``template_page(i, n)``
    prints ``n`` (a number of :data:`TEMPLATE_NUMBERS`) as a book's page ``i`` would."""
    # counter-reset on a page sets the number printed on it (printshop.page_rules)
    resets = ''.join(f'@page :nth({LEADING + page}) {{ counter-reset: page {TEMPLATE_NUMBERS[(page - 1) // 2]}; }}'
                     for page in range(1, 2 * len(TEMPLATE_NUMBERS) + 1))
    pages = '<div></div>' * (LEADING + 2 * len(TEMPLATE_NUMBERS))
    return _template(rendered, 'folios', f'<section>{pages}</section>', FOLIOS_ONLY + resets, identifier, kept)


def blank_template(rendered: RenderedBook, identifier: bytes, kept: Callable[[str], Path]) -> FolioTemplate:
    """A blank left-hand page, laid out with ``rendered``'s page rules (size, bleed, crop marks) as its page
    :data:`BLANK_PAGE`, kept at ``kept(its HTML)``: the page the join adds before a part that starts on a right-hand
    page (``write/pdf.py``), as a document laid out whole has it."""
    return _template(rendered, 'blank', '<section><div></div><div></div></section>',
                     'section > div + div { break-before: right; }', identifier, kept)


def _template(rendered: RenderedBook, name: str, body: str, css: str, identifier: bytes,
              kept: Callable[[str], Path]) -> FolioTemplate:
    """A template of ``body``'s pages (a document of its own, ``name``), laid out with ``rendered``'s page rules
    and ``css``."""
    template = replace(rendered, documents=(Document(name, name, '', body),),
                       selection=Selection(rendered.selected.edition))
    setup = [*page_setup(template.config, template.selected, PageNumbering()),
             'data:text/css;charset=utf-8,' + quote(css)]
    moment = build_timestamp(rendered.config)
    html = print_document(template, stylesheet_urls(rendered.config.root, 'print', setup),
                          {'created': iso(moment), 'modified': iso(moment)})
    return FolioTemplate(html, rendered.config.root, identifier, moment, kept(html))


def book_folios(numbering: PageNumbering, parts: tuple[PartResult, ...], starts: tuple[int, ...],
                template: FolioTemplate) -> Folios:
    """The folios of the book joined from ``parts`` (which begin on pages ``starts``): on every page a part marked,
    the number ``numbering`` gives it."""
    return Folios(template, tuple((start - 1 + index, str(numbering.number(start + index)))
                                  for part, start in zip(parts, starts) for index in part.folios))


class FolioStamps:
    """The folio template's pages, ready to print any number: each page's drawing, where its number's glyphs are
    in it, and the glyph of each digit (WeasyPrint draws a folio as one run of glyphs: with figures of one width,
    unkerned, as the bundled font's are, another number of the same length is the same run with other glyphs)."""

    def __init__(self, template) -> None:  # type: ignore[no-untyped-def]
        from .shared_fonts import glyph_widths

        self.template = template
        self.pages: list[tuple[bytes, list[int]]] = []
        self.digits: dict[str, str] = {}
        widths = set()
        for position, page in enumerate(template.pages[LEADING:]):
            number = TEMPLATE_NUMBERS[position // 2]
            page.contents_coalesce()
            content = page.obj.Contents.read_bytes()
            arrays = shown_arrays(content)
            fonts = [page.obj.Resources.Font[key] for key in page.obj.Resources.Font.keys()]
            if len(arrays) != 1 or len(arrays[0]) != len(number) or UNKERNED.search(content) is None \
                    or len(fonts) != 1:
                raise ValueError(f'the folio template draws {number} otherwise than as one run of its digits')
            for (_, code), digit in zip(arrays[0], number):
                self.digits[digit] = code
            font_widths = glyph_widths(fonts[0].DescendantFonts[0])
            widths.update(float(font_widths[int(code, 16)]) for _, code in arrays[0])
            self.pages.append((content, [at for at, _ in arrays[0]]))
        if max(widths) - min(widths) > WIDTH_ROUNDING:
            raise ValueError("the folios' figures are not all of one width")

    def folio(self, index: int, number: str):  # type: ignore[no-untyped-def]
        """The template's page that draws the folio ``number`` on the side of the book's page ``index`` (from 0),
        its digits stamped in."""
        import pikepdf

        page = self.template.pages[template_page(index, number)]
        content, places = self.pages[template_page(index, number) - LEADING]
        page.obj.Contents = pikepdf.Stream(self.template, with_codes(content, places, [self.digits[d] for d in number]))
        return page


# A TJ array of glyphs with nothing between them (WeasyPrint writes a 0 after each glyph)
UNKERNED = re.compile(rb'\[(?:<[0-9A-Fa-f]{4}>0?)+\]\s*TJ')
