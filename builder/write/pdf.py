"""The PDF writer: WeasyPrint lays out the print document inside the book folder.

Format differences with the EPUB live in ``styles/print.css`` and in the named
post-passes below; the chapter documents are the renderer's, unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

import lxml.html
from lxml.html import HtmlElement

from ..config import BookConfig
from ..diagnostics import Diagnostics
from ..fetcher import BOOK_URL, STYLES_URL, BookFetcher
from ..model import PageMap, RenderedBook
from ..printshop import page_setup
from ..render import print_document
from .breaks import code_lines_as_blocks, long_tokens_breakable
from .dates import build_timestamp, iso
from .font_subsets import dated_subsets
from .page_references import page_numbers_from_attribute, pages_from_map

if TYPE_CHECKING:
    from weasyprint import Document


def lay_out(rendered: RenderedBook, html: str, diagnostics: Diagnostics) -> Document | None:
    """WeasyPrint's laid-out document of ``html`` (``rendered``'s print HTML), or None (with diagnostics) on errors."""
    from weasyprint import HTML  # imported here: WeasyPrint takes half a second to import

    with weasyprint_diagnostics(diagnostics) as failed:
        document = HTML(string=html, base_url=BOOK_URL, url_fetcher=BookFetcher(
            rendered.config.root, generated_files(rendered), page_numbers_from_attribute)).render()
    return None if failed() else document


def print_html(rendered: RenderedBook) -> str:
    """The whole book as the one HTML document WeasyPrint lays out."""
    return serialize(print_tree(rendered))


def print_tree(rendered: RenderedBook) -> HtmlElement:
    """The print document of ``rendered``'s documents, with the print post-passes applied."""
    config = rendered.config
    moment = iso(build_timestamp(config))
    html = print_document(rendered, stylesheets(config.root, 'print', page_setup(config, rendered.selected)),
                          {'created': moment, 'modified': moment})
    tree = footnotes_at_call_sites(lxml.html.document_fromstring(html))
    tree = long_tokens_breakable(code_lines_as_blocks(tree))
    return pages_from_map(tree, rendered.pages, config.root)


def serialize(tree: HtmlElement) -> str:
    return lxml.html.tostring(tree, encoding='unicode', doctype='<!DOCTYPE html>')


def generated_files(rendered: RenderedBook) -> dict[str, tuple[str, bytes]]:
    """Files the build made (figures), by book-relative path, for the fetcher."""
    return {r.path: (r.media_type, r.content) for r in rendered.resources}


def page_map(document: Document, first_page: int = 1) -> PageMap:
    """The page (as printed: counted from ``first_page``) on which each element id of the laid-out book begins."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=first_page):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return PageMap(pages)


# book.yaml's ``pdf-standard`` -> WeasyPrint's PDF variant. PDF/UA-1 tags the PDF (a structure tree
# with headings, lists, tables, figures and their alt text) and names its language.
PDF_VARIANTS = {'ua-1': 'pdf/ua-1'}


def write_pdf(document: Document, rendered: RenderedBook, path: Path, diagnostics: Diagnostics) -> None:
    with weasyprint_diagnostics(diagnostics):
        document.write_pdf(path, pdf_identifier=pdf_identifier(rendered.config),
                           pdf_variant=PDF_VARIANTS.get(rendered.config.pdf_standard or ''),
                           finisher=dated_subsets(build_timestamp(rendered.config)))


def pdf_identifier(config: BookConfig) -> bytes:
    """A fixed identifier: two builds of one book are the same file by construction."""
    moment = iso(build_timestamp(config))
    return hashlib.md5(f'{config.output_stem}:{moment}'.encode()).hexdigest().encode()


def stylesheets(book_root: Path, medium: str, setup: Sequence[str] = ()) -> list[str]:
    """Bundled styles first, then the page setup, then the book's own ``styles/<medium>.css`` to override them."""
    urls = [f'{STYLES_URL}{medium}.css', *setup]
    own = book_root / 'styles' / f'{medium}.css'
    if own.is_file():
        urls.append(f'{BOOK_URL}styles/{medium}.css')
    return urls


def footnotes_at_call_sites(tree: HtmlElement) -> HtmlElement:
    """Move each chapter-end note to where it is called, as CSS ``float: footnote`` needs.

    The note keeps its blocks (paragraphs, lists, code, quotations) inside an ``<object>``. WeasyPrint
    reads the document with an HTML parser, which ends an open ``<p>`` at the start of any block unless
    an element that bounds the parser's "button scope" lies between; ``<object>`` is such an element,
    and without ``data`` WeasyPrint lays out its children. In a ``<span>`` or an ``<aside>``, a note's
    first list or code block would close the paragraph of the call and print in the body.
    """
    notes = {aside.get('id'): aside for aside in tree.iter('aside') if 'footnote' in aside.classes}
    for ref in tree.find_class('noteref'):
        aside = notes.pop(ref.get('href', '#')[1:], None)
        if aside is None:
            continue  # a second call of the same note stays a link to it
        note = lxml.html.Element('object', {'class': 'footnote', 'id': aside.get('id'),
                                            'data-number': aside.get('data-number', '')})
        for backlink in aside.find_class('backlink'):
            backlink.drop_tree()
        note.text = aside.text
        note.extend(aside)
        note.tail = ref.tail
        ref.getparent().replace(ref, with_white_space_collapsed(note))
    for block in tree.find_class('footnotes'):
        block.drop_tree()
    return tree


# The white space that CSS collapses (https://www.w3.org/TR/css-text-3/#white-space-processing).
WHITE_SPACE = re.compile(r'[ \t\n\r\f]+')


def with_white_space_collapsed(note: HtmlElement) -> HtmlElement:
    """The note with its white space collapsed, as CSS ``white-space: normal`` would.

    WeasyPrint collapses white space before layout, but a footnote has left the box tree by then
    (WeasyPrint 70, ``build_formatting_structure``): each line break of the Markdown source would
    print as a line break at the foot of the page. Code blocks keep theirs.
    """
    preformatted = {element for pre in note.iter('pre') for element in pre.iter()}
    for element in note.iter():
        if element.text and element not in preformatted:
            element.text = WHITE_SPACE.sub(' ', element.text)
        if element.tail and element is not note and element.getparent() not in preformatted:
            element.tail = WHITE_SPACE.sub(' ', element.tail)
    note.text = (note.text or '').lstrip() or None  # the number and the first word are one line
    return note


@contextlib.contextmanager
def weasyprint_diagnostics(diagnostics: Diagnostics) -> Iterator:
    """Turn WeasyPrint's log records into diagnostics while it works."""
    handler = _DiagnosticHandler(diagnostics)
    logger = logging.getLogger('weasyprint')
    previous = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield lambda: handler.errors > 0
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


# Notices not passed on: about the machine's libraries, which an author can do nothing about, and about
# characters no font has, which check reports once per line of the book (fonts.py) rather than per character.
UNREPORTED_NOTICES = ('Using fontTools instead of HarfBuzz-Subset', '.notdef glyph rendered for')
# The virtual URLs the fetcher serves files under, and how an author knows those files.
_VIRTUAL_URL = re.compile(f"({re.escape(BOOK_URL)}|{re.escape(STYLES_URL)})([^\\s'\"]*)")
_SHOWN_ROOT = {BOOK_URL: '', STYLES_URL: 'the bundled styles/'}


def layout_message(record: logging.LogRecord) -> str:
    """A WeasyPrint log record as an author reads it: files by their path in the book, never by the
    virtual URL the fetcher serves them under, and a reason even where the exception had no message
    ("Failed to load image at …: " said nothing more)."""
    args = record.args if isinstance(record.args, tuple) else ()
    shown = tuple(type(a).__name__ if isinstance(a, BaseException) and not str(a).strip() else a for a in args)
    message = str(record.msg) % shown if shown else record.getMessage()
    return _VIRTUAL_URL.sub(lambda m: _SHOWN_ROOT[m.group(1)] + unquote(m.group(2)), message.splitlines()[0])


class _DiagnosticHandler(logging.Handler):
    def __init__(self, diagnostics: Diagnostics) -> None:
        super().__init__(logging.WARNING)
        self.diagnostics = diagnostics
        self.errors = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = layout_message(record)
        if message.startswith(UNREPORTED_NOTICES):
            return
        if record.levelno >= logging.ERROR:
            self.errors += 1
            self.diagnostics.error('pdf', message)
        else:
            self.diagnostics.warning('pdf-style', message)
