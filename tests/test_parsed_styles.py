"""The bundled print stylesheet parsed once for every part (``layout/parsed_styles.py``): a part laid out with it
looks as one that links it, and a document that links a stylesheet of the book's is laid out as it links it."""

from __future__ import annotations

from urllib.parse import quote

import pypdfium2
import pytest
from PIL import ImageChops
from weasyprint import HTML

from builder.fetcher import BOOK_URL, STYLES_URL, BookFetcher
from builder.layout.page_references import page_numbers_from_attribute
from builder.layout.parsed_styles import laid_out

# Lays pages out with WeasyPrint, here as a worker does
pytestmark = [pytest.mark.build, pytest.mark.usefixtures('parsed_styles_of_its_own')]

# Rules of lower specificity than the bundled stylesheet's, after it: the cascade decides between them.
SETUP = 'data:text/css;charset=utf-8,' + quote('p { text-align: right; color: #a00 } h1 { font-size: 30pt } '
                                               '@page { size: 400px 300px; margin: 30px }')
BODY = ('<section class="chapter" id="one"><header class="chapter-opening"><p class="chapter-number">Chapter 1</p>'
        '<h1 class="chapter-title">A title</h1></header><p>Some text, <em>some emphasis</em>, '
        '<code>code</code>, and <a class="xref" href="#one" data-page="1">a reference</a>.</p>'
        '<blockquote><p style="color: #00a">A quotation in blue, by its own style.</p></blockquote></section>')


def document(*links: str) -> str:
    head = ''.join(f'<link rel="stylesheet" href="{link}">' for link in links)
    return f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head><body>{BODY}</body></html>'


def pictures(pdf: bytes) -> list:
    return [page.render(scale=2).to_pil().convert('RGB') for page in pypdfium2.PdfDocument(pdf)]


def test_a_document_laid_out_with_the_parsed_stylesheet_looks_as_one_that_links_it(tmp_path):
    html = document(f'{STYLES_URL}print.css', f'{STYLES_URL}paper/a5.css', SETUP)
    fetcher = BookFetcher(tmp_path, None, page_numbers_from_attribute)
    linked = HTML(string=html, base_url=BOOK_URL, url_fetcher=fetcher).render().write_pdf()
    parsed = laid_out(html, fetcher).write_pdf()
    assert parsed == linked  # the same bytes, as pixels too
    (first, *_), (again, *_) = pictures(linked), pictures(parsed)
    assert ImageChops.difference(first, again).getbbox() is None


def test_a_document_that_links_the_books_stylesheet_is_laid_out_as_it_links_it(tmp_path):
    (tmp_path / 'styles').mkdir()
    (tmp_path / 'styles' / 'print.css').write_text('section.chapter p { color: #0a0 }')
    html = document(f'{STYLES_URL}print.css', f'{BOOK_URL}styles/print.css')
    fetcher = BookFetcher(tmp_path, None, page_numbers_from_attribute)
    linked = HTML(string=html, base_url=BOOK_URL, url_fetcher=fetcher).render().write_pdf()
    assert laid_out(html, fetcher).write_pdf() == linked
