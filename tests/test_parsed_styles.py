"""The bundled print stylesheet parsed once for every part (``layout/parsed_styles.py``): a part laid out with it
looks as one that links it, and a document that links a stylesheet of the book's is laid out as it links it."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pikepdf
import pypdfium2
import pytest
from weasyprint import HTML

from conftest import MAIN_EDITION, build, copy_book, font_with

from builder.fetcher import BOOK_URL, STYLES_URL, BookFetcher
from builder.layout.font_subsets import dated_subsets
from builder.layout.page_references import page_numbers_from_attribute
from builder.layout.parsed_styles import bundled_print_stylesheet, laid_out

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


def test_a_document_laid_out_with_the_parsed_stylesheet_looks_as_one_that_links_it(tmp_path):
    html = document(f'{STYLES_URL}print.css', f'{STYLES_URL}paper/a5.css', SETUP)
    fetcher = BookFetcher(tmp_path, None, page_numbers_from_attribute)
    # Fonts subset as the builder subsets them: WeasyPrint's fontTools subsets (a machine without HarfBuzz-Subset)
    # are dated by the clock, and the two documents are written in different seconds.
    finisher = dated_subsets(dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    linked = HTML(string=html, base_url=BOOK_URL, url_fetcher=fetcher).render().write_pdf(finisher=finisher)
    assert bundled_print_stylesheet.cache_info().currsize == 0  # this test's own (the fixture)
    parsed = laid_out(html, tmp_path).write_pdf(finisher=finisher)
    assert bundled_print_stylesheet.cache_info().currsize == 1  # laid out with the parsed stylesheet
    assert parsed == linked


def test_a_document_that_links_the_books_stylesheet_is_laid_out_as_it_links_it(tmp_path):
    """The book's own stylesheet declares a font of its own: every part, each laid out by a worker of its own, draws
    with it (a font configuration shared from the fork server would add it in the first worker only: WeasyPrint adds
    a font once per folder of copies, which the workers would share)."""
    book = copy_book('parts', tmp_path / 'book')
    (book / 'styles' / 'fonts').mkdir(parents=True)
    font_with('中', book / 'styles' / 'fonts' / 'zhong.ttf')
    (book / 'styles' / 'print.css').write_text('@font-face { font-family: Zhong; src: url(fonts/zhong.ttf); }\n'
                                               'body { font-family: "Gentium Book Plus", Zhong; }\n')
    chapters = sorted((book / 'chapters').glob('*.md'))
    for chapter in chapters:
        chapter.write_text(chapter.read_text() + '\n\nA word in another script: 中.\n')
    run = build(book, '--jobs', '2', '--format', 'pdf', *MAIN_EDITION)
    assert run.code == 0, run.err
    assert len(set(re.findall(r'part (\d+) of \d+', run.err))) >= 3, run.err  # laid out in parts
    texts = [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(run.output('.pdf'))]
    with pikepdf.open(run.output('.pdf')) as pdf:
        pages = [page for page, text in zip(pdf.pages, texts) if '中' in text]
        assert len(pages) == len(chapters), len(pages)
        assert all(any('Zhong' in str(font.get('/BaseFont')) for font in fonts_of(page)) for page in pages)


def fonts_of(page) -> list:  # type: ignore[no-untyped-def]
    fonts = page.obj.Resources.get('/Font', {})
    return [fonts[key] for key in fonts.keys()]
