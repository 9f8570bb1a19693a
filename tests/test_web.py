"""The web edition (``--format html``), checked with real tools: the course pack's site opened from file:// in
Debian's Chromium (axe-core on every page, the search, a citation's and a term's preview, a note's popover,
screenshots), the W3C Nu HTML checker on every page, and its links, print page numbers and downloads read
from the written files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from builder.diagnostics import Diagnostics
from builder.write.web.check import checks, summarize
from conftest import (CHAPTER, MAIN_EDITION, REPO, build, copy_book, dist_fingerprint, epub_files, epubcheck,
                      page_labels, png)

pytestmark = pytest.mark.build  # every test here builds a book

BROWSER = REPO / 'tools' / 'ace' / 'browser.js'
DOWNLOADS = './/nav[@class="downloads"]//a'
COURSE_PACK = ('book.yaml', 'chapters', 'references.yaml', 'glossary.yaml', 'chronology.yaml')
needs_chromium = pytest.mark.skipif(
    not (REPO / 'tools' / 'ace' / 'node_modules' / 'axe-core').is_dir() or not shutil.which('chromium'),
    reason='axe-core and Chromium are not installed: scripts/ace --install (CI does it before the tests)')


@pytest.fixture(scope='module')
def course_pack(tmp_path_factory):
    """The course pack's main edition in every format: the site prints the PDF's page numbers."""
    book = tmp_path_factory.mktemp('web') / 'course-pack'
    book.mkdir()
    for name in COURSE_PACK:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, book / name)
    run = build(book, *MAIN_EDITION)
    assert run.code == 0, run.err
    epubcheck(run.output('.epub'))
    return run


@pytest.fixture(scope='module')
def site(course_pack) -> Path:
    return course_pack.output('-web')


def page(site: Path, name: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / name).read_bytes())


def browser(*args: str) -> dict:
    run = subprocess.run(['node', str(BROWSER), *args], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def in_page(url: str, script: str):
    result = browser('eval', url, script)
    assert result['errors'] == [], result['errors']
    return result['value']


def test_one_page_per_chapter_and_section_with_the_contents_on_the_index(site):
    names = sorted(p.name for p in site.glob('*.html'))
    assert names == sorted(['index.html', 'preface.html', 'introduction.html', 'decision.html', 'geneva.html',
                            'withdrawal.html', 'aftermath.html', 'sources.html', 'glossary.html',
                            'chronology.html', 'bibliography.html', 'permissions.html', 'index-2.html'])
    heading = page(site, 'index-2.html').find('.//h1')  # the book's index, not over the home page
    assert heading.text_content() == 'p.\u00a057Index'  # p. 56 is left blank: its marker shows no number
    index = page(site, 'index.html')
    assert [a.get('href') for a in index.iterfind('.//nav[@id="contents"]//a')][:2] == ['preface.html#preface',
                                                                               'introduction.html#introduction']
    source = (site / 'geneva.html').read_text(encoding='utf-8')
    assert source.startswith('<!DOCTYPE html>\n<html lang="en-GB" dir="ltr">')
    geneva = page(site, 'geneva.html')
    assert geneva.find('.//meta[@name="viewport"]').get('content') == 'width=device-width, initial-scale=1'
    assert geneva.find('.//a[@class="skip-link"]').get('href') == '#main'
    assert [a.get('href') for a in geneva.iterfind('.//nav[@class="pager"]/a')] == ['decision.html', 'withdrawal.html']
    assert 'epub:type' not in source


def test_every_link_and_file_is_relative_and_there(site, course_pack):
    for html in site.glob('*.html'):
        tree = page(site, html.name)
        for element, attribute, link, _ in tree.iterlinks():
            assert '://' not in link and not link.startswith('/'), (html.name, link)
            path, _, fragment = unquote(link).partition('#')
            target = (site / path).resolve() if path else html
            assert target.exists(), (html.name, link)
            if fragment and target.suffix == '.html':
                assert page(site, target.name).get_element_by_id(fragment) is not None, (html.name, link)
    downloads = [a.get('href') for a in page(site, 'geneva.html').iterfind(DOWNLOADS)]
    assert downloads == [f'../{course_pack.output(".pdf").name}', f'../{course_pack.output(".epub").name}']
    assert {p.name for p in (site / 'assets' / 'fonts').iterdir()} == {
        'GentiumBookPlus-Regular.woff2', 'GentiumBookPlus-Italic.woff2', 'GentiumBookPlus-Bold.woff2',
        'GentiumBookPlus-BoldItalic.woff2', 'OFL-GentiumBookPlus.txt'}
    font = TTFont(site / 'assets' / 'fonts' / 'GentiumBookPlus-Italic.woff2')
    assert font['name'].getBestFamilyName() == 'Coursepack Serif'  # a subset drops the Reserved Font Name
    assert summarize(site).size < 1024 * 1024  # subset fonts: the whole site is smaller than one font was


def test_every_word_of_the_epub_is_on_the_web_pages(site, course_pack):
    """Each document's words, counted, are the EPUB's: the web edition adds only its print page numbers (text
    here, empty markers there) and a Notes heading, and loses nothing."""
    from collections import Counter

    epub = epub_files(course_pack.output('.epub'))
    documents = [name for name in epub if name.endswith('.xhtml') and name not in ('EPUB/nav.xhtml', 'EPUB/cover.xhtml')
                 and 'titlepage' not in name]
    assert len(documents) >= 12
    for name in documents:
        stem = name.removeprefix('EPUB/').removesuffix('.xhtml')
        theirs = lxml.html.fromstring(epub[name]).find('.//body')
        page_name = 'index-2.html' if stem == 'index' else f'{stem}.html'
        ours = page(site, page_name).get_element_by_id('main')
        for extra in ours.xpath('.//span[@class="print-page"] | .//h2[@class="notes-title"]'):
            extra.drop_tree()
        assert Counter(ours.text_content().split()) == Counter(theirs.text_content().split()), stem


def test_print_page_numbers_are_the_epubs(site, course_pack):
    """Both come from the PDF's page map: the same page begins before the same block."""
    epub = epub_files(course_pack.output('.epub'))
    labels = page_labels(course_pack.output('.pdf'))  # what each page of the PDF prints
    for name in ('geneva', 'glossary'):
        markers = list(page(site, f'{name}.html').iterfind('.//span[@class="print-page"]'))
        assert all(m.text == f"p.\u00a0{labels[int(m.get('id').removeprefix('page-')) - 1]}" for m in markers
                   if m.getnext() is None or m.getnext().get('class') != 'print-page')
        ours = [(m.get('id'), m.getparent().get('id')) for m in markers]
        theirs = [(s.get('id'), s.getparent().get('id'))
                  for s in lxml.html.fromstring(epub[f'EPUB/{name}.xhtml']).iterfind('.//*[@role="doc-pagebreak"]')]
        assert ours == theirs and ours, name


def test_pages_are_valid_html(site):
    diagnostics = Diagnostics()
    notes = checks(site, 'site', summarize(site), diagnostics)
    assert notes[0].startswith('Nu HTML checker: 0 error(s)'), [str(d) for d in diagnostics]


@needs_chromium
def test_axe_finds_no_violation_on_any_page(site):
    found = browser('axe', str(site))
    assert len(found) == 13
    assert {name: violations for name, violations in found.items() if violations} == {}


@needs_chromium
def test_search_finds_typhoon_and_the_words_of_a_note(site):
    (status, links), (_, note_links) = in_page((site / 'geneva.html').as_uri(), """
        const input = document.querySelector('#search-input');
        const found = [];
        for (const query of ['typhoon', 'SECRETARY-GENERAL spelling']) {
          input.value = query;
          input.dispatchEvent(new Event('input'));
          found.push([document.querySelector('#search-status').textContent,
                      [...document.querySelectorAll('#search-results a')].map(a => a.getAttribute('href'))]);
        }
        return found;""")
    assert 'geneva.html#fn-geneva-1' in note_links  # every word, in any order, in any case; notes too
    assert status == f'Passages found: {len(links)}'
    assert 'glossary.html#glossary-operation-typhoon' in links
    for link in links:  # each result leads to a passage that names it
        name, _, fragment = link.partition('#')
        assert 'typhoon' in page(site, name).get_element_by_id(fragment).text_content().lower(), link


@needs_chromium
def test_a_citation_shows_its_entry_and_a_term_its_definition_on_focus(site):
    shown = in_page((site / 'geneva.html').as_uri(), """
        const shown = [];
        for (const link of [document.querySelector('.citation a'), document.querySelector('a.term')]) {
          link.focus();
          const tip = document.getElementById(link.getAttribute('aria-describedby'));
          shown.push([link.getAttribute('href'), tip.hidden, tip.textContent]);
          link.blur();
        }
        return shown;""")
    (citation, hidden, text), (term, term_hidden, definition) = shown
    assert not hidden and not term_hidden
    name, _, entry_id = citation.partition('#')
    entry = page(site, name).get_element_by_id(entry_id)
    for cited_on in entry.findall('.//*[@class="cited-on"]'):
        cited_on.drop_tree()
    assert ' '.join(text.split()) == ' '.join(entry.text_content().split())
    name, _, term_id = term.partition('#')
    glossary_term = page(site, name).get_element_by_id(term_id)
    first_paragraph = glossary_term.getnext().find('p').text_content()
    assert ' '.join(glossary_term.text_content().split()) in ' '.join(definition.split())
    assert ' '.join(first_paragraph.split()) in ' '.join(definition.split())


@needs_chromium
def test_a_note_opens_in_a_popover_and_closes_back_to_its_reference(site):
    result = in_page((site / 'geneva.html').as_uri(), """
        const ref = document.querySelector('a.noteref');
        ref.click();
        const popover = document.getElementById('note-popover');
        const open = popover.matches(':popover-open');
        const text = popover.textContent;
        document.activeElement.click();  // the close button has the focus
        return [open, text, popover.matches(':popover-open'), document.activeElement === ref, location.hash];""")
    opened, text, still_open, focus_back, hash_ = result
    note = page(site, 'geneva.html').get_element_by_id('fn-geneva-1')
    assert opened and not still_open and focus_back and hash_ == ''
    assert ' '.join(note.text_content().replace('↩︎', '').split()) in ' '.join(text.split())


@needs_chromium
@pytest.mark.parametrize('width', [375, 1280])
def test_screenshot_of_a_chapter(site, tmp_path, width):
    """Looked at when this was written (a citation's preview, the search results, dark scheme); here, that the
    screenshot is taken at that width and the page does not scroll sideways."""
    png = tmp_path / f'geneva-{width}.png'
    browser('shot', (site / 'geneva.html').as_uri(), str(png), str(width))
    assert Image.open(png).size == (width, 900)
    width_used = in_page((site / 'geneva.html').as_uri(), 'return document.documentElement.scrollWidth;')
    assert width_used <= 1280  # the eval window is Chromium's default 800 px: nothing wider than the window


def test_a_right_to_left_book_its_handout_links_and_its_own_stylesheet(tmp_path):
    """Arabic reads right to left; book.yaml's handouts.web links each chapter's handout PDF; the book's own
    styles/web.css comes after the bundled one, with the file it names. No layout: html only."""
    book = copy_book('minimal', tmp_path)
    (book / 'styles').mkdir()
    (book / 'styles' / 'mark.png').write_bytes(png())
    (book / 'styles' / 'web.css').write_text('h1 { background: url("mark.png") no-repeat; }\n')
    with (book / 'book.yaml').open('a') as f:
        f.write('handouts:\n  web: true\n')
    (book / 'book.yaml').write_text((book / 'book.yaml').read_text().replace('language: en', 'language: ar'))
    run = build(book, '--format', 'html', *MAIN_EDITION)
    assert run.code == 0, run.err
    site = run.output('-web')
    first = page(site, 'index.html')
    assert (first.get('lang'), first.get('dir')) == ('ar', 'rtl')
    chapters = [p for p in site.glob('*.html') if 'role="doc-chapter"' in p.read_text(encoding='utf-8')]
    assert chapters
    for chapter in chapters:
        links = {a.get('href'): a.text_content() for a in page(site, chapter.name).iterfind(DOWNLOADS)}
        # No PDF or EPUB link: this build writes neither.
        assert links == {f'../handouts/{chapter.stem}.pdf': 'تنزيل النشرة (PDF)'}
    assert not list(page(site, 'index.html').iterfind(DOWNLOADS))
    assert 'Search' not in (site / 'index.html').read_text(encoding='utf-8')
    assert [link.get('href') for link in first.iterfind('.//link[@rel="stylesheet"]')] == ['assets/web.css',
                                                                                           'styles/web.css']
    assert (site / 'styles' / 'mark.png').read_bytes() == (book / 'styles' / 'mark.png').read_bytes()


def test_a_rebuild_replaces_the_whole_folder_and_a_failed_one_leaves_it(tmp_path):
    book = copy_book('minimal', tmp_path)
    assert build(book, '--format', 'html', *MAIN_EDITION).code == 0
    site = book / 'dist' / 'a-minimal-course-pack-web'
    (site / 'stale.html').write_text('a page the book no longer has')
    assert build(book, '--format', 'html', '--no-cache', *MAIN_EDITION).code == 0
    assert not (site / 'stale.html').exists() and (site / 'index.html').is_file()
    assert [p.name for p in (book / 'dist').iterdir()] == [site.name]  # no temporary left
    before = dist_fingerprint(book / 'dist')
    with (book / CHAPTER).open('a') as f:
        f.write('\nA claim [@nobody].\n')
    assert build(book, '--format', 'html', *MAIN_EDITION).code == 1
    assert dist_fingerprint(book / 'dist') == before
