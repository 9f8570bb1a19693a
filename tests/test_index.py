"""The back-of-book index: entries, sub-entries, see and see also, page numbers that are the pages of the passages.

The test book ``tests/books/index`` marks places with ``{.index}`` spans and
indexes its glossary terms (``index-terms: true``); its chapters are long
enough that the passages of one entry fall on several pages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from builder.diagnostics import Diagnostics
from builder.options import BuildOptions
from builder.pipeline import check
from conftest import (EPUB_NS, LOCATED, MAIN_EDITION, REPO, XHTML, build_once, copy_book, epub_files, epubcheck,
                      page_labels, pdf_pages_text, replace_text, run_cli)
from test_accessibility import ace, needs_ace

EPUB_TYPE = f'{EPUB_NS}type'
# The index as a reader should find it: collation order ("Élan" under E, "breakwater" among the Bs).
TOP_ENTRIES = ['1890 harbour act', 'Avel Channel', 'Beacon', 'breakwater', 'Élan Rock', 'lantern room', 'Old Light',
               'Port Avel', 'Zephyr Bank']


@pytest.fixture(scope='module')
def index_book(tmp_path_factory):
    run = build_once(tmp_path_factory, 'index', *MAIN_EDITION)
    handouts = run_cli('handouts', run.book, '--chapter', 'trade')
    assert handouts.code == 0, handouts.err
    return run


def words(text: str) -> str:
    """Text with line-end hyphenation and spacing undone, lower-cased, for 'does it appear' checks."""
    return ' '.join(re.sub(r'[\u2010-]\s*\n\s*', '', text).split()).casefold()


def epub_index(epub: Path) -> tuple[etree._Element, dict[str, bytes]]:
    files = epub_files(epub)
    return etree.fromstring(files['EPUB/index.xhtml']), files


def entries(index: etree._Element) -> list[etree._Element]:
    return [li for li in index.iter(f'{XHTML}li') if li.get(EPUB_TYPE) == 'index-entry']


def term(entry: etree._Element) -> str:
    return ''.join(next(e for e in entry.iter() if e.get(EPUB_TYPE) == 'index-term').itertext())


def element_text(files: dict[str, bytes], href: str, base: str = 'EPUB/') -> str:
    name, _, ident = href.partition('#')
    tree = etree.fromstring(files[base + name])
    found = tree.xpath('//*[@id=$id]', id=ident)
    assert found, href
    return ' '.join(''.join(found[0].itertext()).split())


def printed_locators(entry: etree._Element) -> list[tuple[int, str]]:
    """(printed page, href) of each page number the entry prints (its own, not its sub-entries')."""
    pages = next((s for s in entry if s.get('class') == 'where-pages'), None)
    return [(int(a.text), a.get('href')) for a in (pages.iter(f'{XHTML}a') if pages is not None else ())]


@pytest.mark.build
def test_index_page_numbers_are_the_pages_of_the_passages(index_book):
    pdf = index_book.output('.pdf')
    pages = pdf_pages_text(pdf)
    reader = PdfReader(pdf)
    labels = reader.page_labels  # the numbers the pages print
    destinations = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    index, files = epub_index(index_book.output('.epub'))
    checked = 0
    for entry in entries(index):
        for page, href in printed_locators(entry):
            passage = element_text(files, href)
            # The page the number names holds the passage: its anchor, and its words, read off the PDF.
            index_of_page = destinations[href.partition('#')[2]]
            assert labels[index_of_page] == str(page), (term(entry), href)
            assert words(passage) in words(pages[index_of_page]), (term(entry), page, passage)
            checked += 1
    assert checked >= 15
    # The PDF's index prints those numbers, each a link to a passage.
    start = next(i for i, text in enumerate(pages) if re.match(r'\s*Index\s*$', text.split('\n')[0]) and i > 3)
    index_text = '\n'.join(pages[start:])
    assert all(name in index_text for name in TOP_ENTRIES), index_text
    linked = {str(a.get_object().get('/Dest', '')) for page in reader.pages[start:] for a in page.get('/Annots') or []}
    assert {href.partition('#')[2] for entry in entries(index) for _, href in printed_locators(entry)} <= linked


@pytest.mark.build
def test_ranges_collapse_and_every_entry_has_pages_or_a_see(index_book):
    index, _ = epub_index(index_book.output('.epub'))
    by_term = {term(e): e for e in entries(index)}
    for name, entry in by_term.items():
        assert printed_locators(entry) or entry.find(f'.//{XHTML}span[@class="index-see"]') is not None or \
            entry.find(f'.//{XHTML}ul') is not None, name
    text = ' '.join(''.join(index.itertext()).split())
    assert re.search(r'logbooks, \d+–\d+', text), text  # two pages in a row print as a range


@pytest.mark.build
def test_entries_in_collation_order_with_sub_entries_see_and_see_also(index_book):
    index, _ = epub_index(index_book.output('.epub'))
    assert index.find(f'.//{XHTML}section').get(EPUB_TYPE) == 'index'
    top = [term(li) for li in index.iter(f'{XHTML}li')
           if li.get(EPUB_TYPE) == 'index-entry' and li.getparent().getparent().tag == f'{XHTML}section']
    assert top == TOP_ENTRIES
    letters = [''.join(h.itertext()) for h in index.iter(f'{XHTML}h2')]
    assert letters == ['0–9', 'A', 'B', 'E', 'L', 'O', 'P', 'Z']
    by_term = {term(e): e for e in entries(index)}
    assert [term(s) for s in by_term['Old Light'].iter(f'{XHTML}li')][1:] == ['logbooks']
    assert [term(s) for s in by_term['Port Avel'].iter(f'{XHTML}li')][1:] == ['harbour master']
    see = by_term['Beacon'].find(f'.//{XHTML}span[@class="index-see"]')
    assert see.get(EPUB_TYPE) == 'index-xref-preferred' and see.find(f'{XHTML}a').get('href') == '#index-old-light'
    assert not printed_locators(by_term['Beacon'])  # a "see" entry points, it has no pages
    also = by_term['Avel Channel'].find(f'.//{XHTML}span[@class="index-see-also"]')
    assert also.get(EPUB_TYPE) == 'index-xref-related' and also.find(f'{XHTML}a').get('href') == '#index-port-avel'
    assert 'see also' in ''.join(also.itertext())


@pytest.mark.build
def test_epub_index_links_resolve_and_the_epub_passes_epubcheck(index_book):
    index, files = epub_index(index_book.output('.epub'))
    hrefs = [a.get('href') for a in index.iter(f'{XHTML}a')]
    assert len(hrefs) > 30
    for href in hrefs:
        element_text(files, href if not href.startswith('#') else 'index.xhtml' + href)
    for entry in entries(index):
        for locator in (a for a in entry.iter(f'{XHTML}a') if a.get(EPUB_TYPE) == 'index-locator'):
            assert '#' in locator.get('href')
    nav = files['EPUB/nav.xhtml'].decode()
    assert 'epub:type="index" href="index.xhtml"' in nav
    epubcheck(index_book.output('.epub'))


@pytest.mark.build
@needs_ace
def test_the_epub_with_an_index_has_no_accessibility_violation(index_book, tmp_path):
    result = ace(index_book.output('.epub'), tmp_path / 'ace')
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.build
def test_a_handout_carries_the_index_of_its_own_pages(index_book):
    handout = index_book.dist / 'handouts'
    index, files = epub_index(handout / 'trade.epub')
    assert [term(li) for li in entries(index)] == ['1890 harbour act', 'Avel Channel', 'Old Light', 'Port Avel',
                                                   'Zephyr Bank']
    pages = pdf_pages_text(handout / 'trade.pdf')
    for entry in entries(index):
        for page, href in printed_locators(entry):
            assert href.startswith('trade.xhtml#')
            assert words(element_text(files, href)) in words(pages[page - 1]), (term(entry), page)
    epubcheck(handout / 'trade.epub')


def test_an_empty_heading_is_a_located_error_and_a_see_to_no_entry_a_warning(tmp_path):
    book = copy_book('index', tmp_path)
    replace_text(book, 'chapters/03-trade.md', '[1890 harbour act]{.index}',
                 '[1890 harbour act]{.index key="Acts!!1890"}')
    replace_text(book, 'chapters/02-keepers.md', 'see="Old Light"', 'see="Old Lite"')
    run = run_cli('check', book)
    assert run.code == 1
    found = [LOCATED.match(line) for line in run.err.splitlines() if LOCATED.match(line)]
    assert [(m['where'], m['level'], m['code']) for m in found] == [
        ('chapters/02-keepers.md:16:5', 'warning', 'index-see-unknown'),
        ('chapters/03-trade.md:14:5', 'error', 'index-key')], run.err
    assert "did you mean 'Old Light'" in found[0]['msg']


def test_the_course_pack_indexes_people_places_and_agreements_by_the_words_on_the_page():
    """Each passage of the course pack's index reads as its entry, so that the page an entry names shows its words."""
    diagnostics = Diagnostics()
    index = check(REPO, BuildOptions(cache=False), diagnostics).whole.index
    assert not [d for d in diagnostics if d.code.startswith('index-')]
    flat = [entry for top in index for entry in (top, *top.entries)]
    names = {entry.term for entry in flat}
    assert {'Gorbachev', 'Najibullah', 'Kabul', 'Pakistan', 'Geneva Accords', 'INF agreement'} <= names
    for entry in flat:
        assert entry.uses or entry.see, entry.term
        assert all(use.text == entry.term for use in entry.uses), entry.term
    assert [words for words, _ in next(e for e in flat if e.term == 'USSR').see] == ['Soviet Union']
