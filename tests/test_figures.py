"""Figures and tables with numbered captions, cross-references to them, their lists, and highlighted code.

The fixture file ``fixtures/figures_and_code.md`` is read as Pandoc reads it
(``pandoc -f markdown -t html``): the same figures and tables, with the same
ids and caption words, and the same code text. The ``tests/books/figures``
book is built once: its PDF prints "Figure 2.1." under the figure, "Figure
2.1, p. N" where N is the page the figure is on, and lists of figures and
tables with those pages; its EPUB has the figure, figcaption and caption
markup, links for cross-references, and passes EPUBCheck.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import lxml.html
import pypandoc
import pytest
from lxml import etree
from markdown_it.utils import read_fixture_file
from pypdf import PdfReader

from conftest import (LOCATED, MAIN_EDITION, XHTML, build, build_once, copy_book, epub_files, epubcheck,
                      pdf_pages_text, replace_text)
from test_markdown_fixtures import render

CASES = read_fixture_file(Path(__file__).parent / 'fixtures' / 'figures_and_code.md')


def structure(html: str) -> list[tuple]:
    """What Pandoc and we must agree on: each figure and table with its id and caption words, each code text."""
    tree = lxml.html.fragment_fromstring(html, create_parent='div')
    found: list[tuple] = []
    for element in tree.iter('figure', 'table', 'pre'):
        if element.tag == 'pre':
            found.append(('code', ''.join(element.itertext()).rstrip('\n')))
            continue
        caption = element.find('figcaption' if element.tag == 'figure' else 'caption')
        words = ' '.join(''.join(caption.itertext()).split()) if caption is not None else None
        found.append((element.tag, element.get('id'), words))
    return found


@pytest.mark.parametrize('line, title, markdown, expected', CASES, ids=[f'{line}:{title}' for line, title, *_ in CASES])
def test_figures_tables_and_code_read_as_pandoc_reads_them(line, title, markdown, expected):
    ours = render('figures_and_code', markdown)
    pandoc = subprocess.run([pypandoc.get_pandoc_path(), '-f', 'markdown', '-t', 'html'], input=markdown,
                            capture_output=True, text=True, check=True).stdout
    assert structure(ours) == structure(pandoc)


# ---- the test book, built once ----

@pytest.fixture(scope='module')
def figures_book(tmp_path_factory):
    return build_once(tmp_path_factory, 'figures', *MAIN_EDITION)


def page_of(pages: list[str], pattern: str) -> int:
    """The number of the one page (from 1) whose text matches ``pattern``."""
    found = [n for n, text in enumerate(pages, start=1) if re.search(pattern, text)]
    assert len(found) == 1, (pattern, found)
    return found[0]


def printed_page(reader: PdfReader, index: int) -> int:
    """The folio printed on the page at ``index`` (from 1): the last line of its text."""
    return int(reader.pages[index - 1].extract_text().strip().split('\n')[-1])


@pytest.mark.build
def test_captions_are_numbered_per_chapter_and_references_give_the_figures_page(figures_book):
    pdf = figures_book.output('.pdf')
    pages = [' '.join(text.split()) for text in pdf_pages_text(pdf)]
    reader = PdfReader(pdf)
    for label, caption in (('Figure 1.1', 'A stone bridge'), ('Figure 2.1', 'A river gauge'),
                           ('Table 1.1', 'Spans of three bridges'), ('Table 2.1', 'Levels read at the gauge')):
        at = printed_page(reader, page_of(pages, rf'{label}\. {caption}'))
        # Every reference to it prints the page its caption is on, in the chapters and in the list.
        references = [int(n) for text in pages for n in re.findall(rf'{label}, p\. (\d+)', text)]
        assert references and set(references) == {at}, (label, references, at)
        number = label.split()[1]
        assert re.search(rf'{number} {caption}[^.]*[. ]+{at}\b', ' '.join(pages)), (label, at)
    # No number for a table or figure whose id does not ask for one; its caption prints.
    text = ' '.join(pages)
    assert 'Materials and their spans' in text and 'Table 1.2' not in text
    assert 'figure “A bridge figure with an id that is not numbered”, p.' in text
    assert re.search(r'section “Reading the ledger with code”, p\. \d+', text)
    # Code: the unknown language's line prints whole, the numbered lines start at 1.
    assert 'READ gauge AT 06:00 -> ledger' in text and re.search(r'\b1 def rise\(levels\):', text)


@pytest.mark.build
def test_a_caption_is_on_the_page_of_its_figure_or_table(figures_book):
    """Pages as images are looked at by hand; here, each caption shares its page with what it captions."""
    pages = [' '.join(text.split()) for text in pdf_pages_text(figures_book.output('.pdf'))]
    assert 'Day Level (cm) Monday' in pages[page_of(pages, r'Table 2\.1\. Levels') - 1]
    assert 'Bridge Span (m) Built Old Mill' in pages[page_of(pages, r'Table 1\.1\. Spans') - 1]


@pytest.mark.build
def test_the_epub_has_figures_captions_links_and_highlighted_code(figures_book):
    epub = figures_book.output('.epub')
    files = epub_files(epub)
    gauges = etree.fromstring(files['EPUB/gauges.xhtml'])
    figure = gauges.find(f'.//{XHTML}figure[@id="fig-gauge"]')
    assert figure.find(f'{XHTML}img').get('alt').startswith('A river gauge: a dark post')
    assert ' '.join(''.join(figure.find(f'{XHTML}figcaption').itertext()).split()).startswith(
        'Figure 2.1. A river gauge')
    table = gauges.find(f'.//{XHTML}table[@id="tbl-readings"]')
    assert ''.join(table.find(f'{XHTML}caption').itertext()) == 'Table 2.1. Levels read at the gauge in one week'
    links = {a.get('href'): ''.join(a.itertext()) for a in gauges.iter(f'{XHTML}a') if a.get('class') == 'xref'}
    assert links['bridges.xhtml#fig-bridge'] == 'Figure 1.1' and links['#tbl-readings'] == 'Table 2.1'
    code = gauges.find(f'.//{XHTML}pre[@class="numberLines"]/{XHTML}code[@class="language-python"]')
    assert code.find(f'{XHTML}span[@class="code-line"]/{XHTML}span[@class="k"]').text == 'def'
    assert gauges.find(f'.//{XHTML}code[@class="language-sql"]//{XHTML}span[@class="k"]').text == 'SELECT'
    assert gauges.find(f'.//{XHTML}code[@class="language-javascript"]//{XHTML}span[@class="kd"]').text == 'const'
    nav = files['EPUB/nav.xhtml'].decode()
    assert 'list-of-figures.xhtml' in nav and 'epub:type="loi"' in nav and 'epub:type="lot"' in nav
    lists = etree.fromstring(files['EPUB/list-of-figures.xhtml'])
    assert [a.get('href') for a in lists.iter(f'{XHTML}a')] == ['bridges.xhtml#fig-bridge', 'gauges.xhtml#fig-gauge']
    epubcheck(epub)
    # The web edition's pages carry the same spans, and its one stylesheet colours them.
    site = figures_book.output('-web')
    assert '<span class="k">def</span>' in (site / 'gauges.html').read_text()
    assert 'pre .k, pre .kc' in (site / 'assets' / 'web.css').read_text()


@pytest.mark.build
@pytest.mark.parametrize('change, error', [
    (('@fig-gauge, its', '@fig-gauges, its'), "chapters/01-bridges.md:5:.*error\\[xref-unknown\\]: .*'fig-gauges'"),
    (('{#tbl-spans}', '{#fig-bridge}'), "chapters/01-bridges.md:13:1: error\\[id-duplicate\\]: the id 'fig-bridge'"),
])
def test_an_unknown_or_duplicate_id_is_a_located_error(tmp_path, change, error):
    book = copy_book('figures', tmp_path)
    replace_text(book, 'chapters/01-bridges.md', *change)
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 1 and not (book / 'dist').exists()
    assert any(re.match(error, line) and LOCATED.match(line) for line in run.err.splitlines()), run.err
