"""Chapters written for Pandoc build unchanged: the tests/books/pandoc book uses every construct of Pandoc's Markdown.

Each chapter is also given to Pandoc itself (``pandoc --citeproc -t plain``):
every word Pandoc prints must be in the EPUB (raw HTML and raw LaTeX, which
Pandoc drops from plain text, we print as written). What we do not read yet is
a located warning that names it, never silent raw text.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pypandoc
import pytest
from lxml import etree

from conftest import (BOOKS, MAIN_EDITION, XHTML, build, build_once, copy_book, copy_built, epub_files, epubcheck,
                     pdf_pages_text, run_cli)

pytestmark = pytest.mark.build  # every test here lays out a book

BOOK = BOOKS / 'pandoc'
CHAPTERS = {'01-rivers.md': 'rivers', '02-lighthouses.md': 'lighthouses', '03-lists.md': 'lists'}
LOCATED_WARNING = re.compile(r'^chapters/[\w.-]+:\d+:\d+: warning\[[\w-]+\]: .+$')


@pytest.fixture(scope='session')
def pandoc_book(tmp_path_factory):
    return build_once(tmp_path_factory, 'pandoc', *MAIN_EDITION)


def words(text: str) -> set[str]:
    """Whole words, compared as Pandoc's plain text writes them: H₂O is H2O, SMALL CAPS are small caps."""
    return set(re.findall(r'[^\W\d_]+', unicodedata.normalize('NFKC', text).casefold()))


def pandoc_words(chapter: str) -> set[str]:
    plain = subprocess.run([pypandoc.get_pandoc_path(), '--citeproc', '--bibliography', 'references.yaml',
                            '-f', 'markdown', '-t', 'plain', '--wrap=none', f'chapters/{chapter}'],
                           cwd=BOOK, capture_output=True, text=True, check=True).stdout
    # List markers (iv., c)) are numbers that our stylesheets print, not words of the text.
    return words(re.sub(r'^\s*\(?[a-zA-Z]{1,4}[.)]\s', ' ', plain, flags=re.M))


def document(run, name: str) -> etree._Element:
    return etree.fromstring(epub_files(run.output('.epub'))[f'EPUB/{name}.xhtml'])


def epub_words(run, name: str) -> set[str]:
    """A chapter's words, the alt text of its images (which Pandoc prints) and the bibliography's."""
    found = set()
    for doc in (document(run, name), document(run, 'bibliography')):
        found |= words(' '.join(doc.itertext()) + ' ' + ' '.join(img.get('alt', '') for img in doc.iter(f'{XHTML}img')))
    return found


@pytest.mark.parametrize('chapter', CHAPTERS)
def test_every_word_pandoc_prints_is_in_the_epub(pandoc_book, chapter):
    missing = pandoc_words(chapter) - epub_words(pandoc_book, CHAPTERS[chapter])
    assert not missing, missing


def test_the_book_builds_with_located_warnings_only_and_a_valid_epub(pandoc_book):
    assert 'error[' not in pandoc_book.err
    warnings = [line for line in pandoc_book.err.splitlines() if 'warning[' in line]
    assert warnings and all(LOCATED_WARNING.match(line) for line in warnings), warnings
    # What is not read yet is named: no construct is printed raw without a word about it.
    codes = {re.search(r'warning\[([\w-]+)\]', line)[1] for line in warnings}
    assert codes == {'link-local', 'title-block-byline', 'table-unsupported', 'raw-html',
                     'raw-latex', 'raw-attribute'}, codes
    epubcheck(pandoc_book.output('.epub'))


def test_check_gives_the_same_warnings_without_laying_out(pandoc_book, tmp_path):
    run = run_cli('check', copy_book('pandoc', tmp_path))
    assert run.code == 0, run.err
    located = sorted(line for line in run.err.splitlines() if 'warning[' in line)
    assert located == sorted(line for line in pandoc_book.err.splitlines() if 'warning[' in line)


def test_a_first_heading_or_a_title_block_is_the_chapter_title(pandoc_book):
    titles = {name: ''.join(document(pandoc_book, name).find(f'.//{XHTML}h1').itertext()).strip()
              for name in ('rivers', 'lighthouses')}
    assert titles == {'rivers': 'Rivers and Their Mills', 'lighthouses': 'Notes on Lighthouses'}
    rivers = document(pandoc_book, 'rivers')
    assert [h.text for h in rivers.iter(f'{XHTML}h2')][:2] == ['Inline markup', 'Notes and citations']
    assert len(list(rivers.iter(f'{XHTML}h1'))) == 1  # the title only: its # line is not printed again
    assert 'chapters/02-lighthouses.md:2:1: warning[title-block-byline]' in pandoc_book.err


def test_more_level_one_headings_move_every_heading_down_a_level(tmp_path):
    book = copy_book('minimal', tmp_path)
    (book / 'chapters' / '02-second.md').write_text('# A Title\n\nText.\n\n# Part one\n\n## Its section\n')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0 and 'warning[' not in run.err, run.err
    second = document(run, 'second')
    assert [(h.tag[len(XHTML):], ''.join(h.itertext()).strip()) for h in second.iter(f'{XHTML}h1', f'{XHTML}h2',
            f'{XHTML}h3')] == [('h1', 'A Title'), ('h2', 'Part one'), ('h3', 'Its section')]


def test_strikeout_subscript_and_superscript(pandoc_book):
    rivers = etree.tostring(document(pandoc_book, 'rivers'), encoding='unicode')
    for html in ('<s>forty</s>', 'H<sub>2</sub>O', 'x<sup>2</sup>', 'C<sub>in the weir</sub>',
                 'a^b c^d'):
        assert html in rivers, html


def test_fancy_lists_keep_their_numbering_in_the_epub_and_the_pdf(pandoc_book):
    lists = document(pandoc_book, 'lists')
    found = [(ol.get('type'), ol.get('start'), ''.join(ol.find(f'{XHTML}li').itertext()).split('\n')[0].strip())
             for ol in lists.iter(f'{XHTML}ol')]
    assert found == [
        (None, None, 'first decimal'), (None, '3', 'starting at three'), (None, None, 'autonumbered one'),
        ('a', None, 'letter item'), ('a', '3', 'parenthesised letter'), ('i', '4', 'roman four'),
        ('A', None, 'Upper letter'), ('I', None, 'Upper roman inside'), (None, '6', 'Decimal from six'),
        ('a', '3', 'lowercase with a parenthesis'),
        (None, None, 'An example of a mill race.'), (None, '3', 'A third example follows on.')]
    text = ' '.join(lists.itertext())
    assert 'M.A. degrees' in text and 'B. Williams is not' in text and 'As (2) shows' in text
    pdf = '\n'.join(pdf_pages_text(pandoc_book.output('.pdf')))
    for marker in ('iv.', 'v.', 'c.', 'd.', 'I.', '6.', '3.'):
        assert re.search(rf'^{re.escape(marker)}\s*$', pdf, re.M), marker


def test_links_as_pandoc_reads_them(pandoc_book):
    rivers = document(pandoc_book, 'rivers')
    links = {''.join(a.itertext()): (a.get('href'), a.get('title')) for a in rivers.iter(f'{XHTML}a')}
    assert links['quoted title'] == ('https://example.org/titled', 'The "best" mill')
    assert links['old map'] == ('https://example.org/map', 'A "rare" map')
    assert links['reference link'][0] == 'https://example.org/ledger'
    assert links['the lighthouse notes'][0] == 'lighthouses.xhtml#lighthouses'
    assert links['the keepers'][0] == 'lighthouses.xhtml#keepers'
    assert links['back to the markup'][0] == '#rivers-inline-markup'  # Pandoc's id for "## Inline markup"
    assert links['Inline markup'][0] == '#rivers-inline-markup'  # [Inline markup], an implicit heading reference
    assert 'site page' not in links and 'site page' in ' '.join(rivers.itertext())
    assert re.search(r"^chapters/01-rivers\.md:61:11: warning\[link-local\]: the link '/about' ", pandoc_book.err, re.M)


def test_an_empty_cross_reference_prints_what_it_points_at(pandoc_book):
    rivers = document(pandoc_book, 'rivers')
    xrefs = [''.join(a.itertext()) for a in rivers.iter(f'{XHTML}a') if a.get('class') == 'xref']
    assert 'Figure 1.1' in xrefs  # {#fig-mill}: numbered, as Quarto numbers it
    assert 'fig-mill' not in ' '.join(rivers.itertext())
    figure = rivers.find(f'.//{XHTML}figure[@id="fig-mill"]/{XHTML}img')
    assert figure.get('style') == 'width: 50%'  # {width=50%}, unquoted as Pandoc users write it


def test_an_empty_cross_reference_out_of_a_handout_names_its_figure(pandoc_book, tmp_path):
    run = run_cli('handouts', copy_built(pandoc_book, tmp_path), '--chapter', 'lighthouses', '--format', 'epub')
    assert run.code == 0, run.err
    epub = run.book / 'dist' / 'handouts' / 'lighthouses.epub'
    epubcheck(epub)
    text = ' '.join(etree.fromstring(epub_files(epub)['EPUB/lighthouses.xhtml']).itertext())
    assert 'like the millers of Figure 1.1 in chapter 1 of the course pack.' in ' '.join(text.split())


def test_an_empty_cross_reference_to_a_div_is_a_located_warning(tmp_path):
    book = copy_book('minimal', tmp_path)
    chapter = book / 'chapters' / '02-second.md'
    chapter.write_text(chapter.read_text() + '\n::: {#box}\nBoxed.\n:::\n\nSee [](#box).\n')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    assert re.search(r"^chapters/02-second\.md:18(:\d+)?: warning\[xref-no-text\]: the link to '#box' has no text",
                     run.err, re.M), run.err


def test_raw_html_is_printed_verbatim(pandoc_book):
    lighthouses = document(pandoc_book, 'lighthouses')
    raw = [''.join(e.itertext()) for e in lighthouses.iter(f'{XHTML}code') if 'raw-html' in (e.get('class') or '')
           or 'raw-html' in (e.getparent().get('class') or '')]
    assert '<div class="box">\nA *starred* word and "straight quotes" -- inside HTML.\n</div>' in raw
    assert '<!-- A comment about the beacon. -->' in raw
    assert '<!-- inline remark -->' in raw and '<kbd>' in raw
    assert not list(lighthouses.iter(f'{XHTML}kbd'))
    pdf = '\n'.join(pdf_pages_text(pandoc_book.output('.pdf')))
    assert '<!-- A comment about the beacon. -->' in pdf
    assert 'A *starred* word and "straight quotes" -- inside HTML.' in pdf


def test_direction_is_kept_on_spans_and_divs(pandoc_book):
    rivers = document(pandoc_book, 'rivers')
    assert {(e.tag[len(XHTML):], ''.join(e.itertext()).strip()) for e in rivers.iter() if e.get('dir') == 'rtl'} == {
        ('span', 'phrase set right to left'), ('div', 'A div set right to left.')}


def test_math_and_line_blocks(pandoc_book):
    lighthouses = document(pandoc_book, 'lighthouses')
    mathml = lighthouses.iter('{http://www.w3.org/1998/Math/MathML}math')
    math = [(e.get('display'), e.get('alttext')) for e in mathml]
    assert math == [('inline', 'r + h = d'), ('block', 'a + b = c')]
    verse = next(p for p in lighthouses.iter(f'{XHTML}p') if p.get('class') == 'line-block')
    assert len(list(verse.iter(f'{XHTML}br'))) == 2
    assert ''.join(verse.itertext()).split('\n')[1] == '\u00a0' * 4 + 'the keeper climbs the stair;'


def test_pandoc_and_quarto_metadata_in_front_matter_is_ignored_with_a_warning(tmp_path):
    book = copy_book('minimal', tmp_path)
    (book / 'chapters' / '02-second.md').write_text(
        '---\ntitle: "Quarto Style"\nauthor: Someone\nformat: html\n---\n\n```{python}\nprint(1)\n```\n')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    assert [line.split(': warning')[0] for line in run.err.splitlines() if 'warning[front-matter-ignored]' in line] == [
        'chapters/02-second.md:3:1', 'chapters/02-second.md:4:1']
    code = document(run, 'second').find(f'.//{XHTML}code')
    assert (code.get('class'), ''.join(code.itertext())) == ('language-python', 'print(1)')


def test_quarto_cross_references_print_their_targets_name(tmp_path):
    book = copy_book('minimal', tmp_path)
    (book / 'chapters' / 'mill.png').write_bytes((BOOK / 'chapters' / 'figures' / 'mill.png').read_bytes())
    (book / 'chapters' / '02-second.md').write_text(
        '# Quarto Style\n\n## Phases {#sec-phases}\n\n![The mill](mill.png){#fig-mill}\n\n'
        'As @fig-mill shows [@sec-phases], and @fig-nothing does not.\n')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 1
    assert "chapters/02-second.md:7: error[xref-unknown]: no chapter or section with the id 'fig-nothing'" in run.err
    (book / 'chapters' / '02-second.md').write_text(
        (book / 'chapters' / '02-second.md').read_text().replace(', and @fig-nothing does not', ''))
    run = build(book, *MAIN_EDITION)
    assert run.code == 0, run.err
    text = ' '.join(''.join(document(run, 'second').itertext()).split())
    assert 'As Figure 2.1 shows section “Phases”.' in text
    assert re.search(r'As Figure 2\.1, p\.\s*\d+ shows', '\n'.join(pdf_pages_text(run.output('.pdf'))))
    epubcheck(run.output('.epub'))
