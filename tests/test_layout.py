"""Layout on real outputs: notes keep their blocks at the foot of the page, long content stays on the page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import XHTML, build_once, epub_files, epubcheck

pytestmark = pytest.mark.build  # every test here lays out a book


@pytest.fixture(scope='session')
def layout_book(tmp_path_factory):
    """The layout fixture built once (one edition: PDF and EPUB)."""
    return build_once(tmp_path_factory, 'layout')


@dataclass(frozen=True)
class TextRun:
    """Text drawn in one font at one baseline: ``y`` in points from the page's foot."""
    y: float
    text: str
    font: str


def text_runs(pdf: Path, page: int) -> list[TextRun]:
    runs: list[TextRun] = []

    def visit(text, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
        if text.strip():
            font_name = str((font or {}).get('/BaseFont'))
            runs.append(TextRun(round(cm[5] + tm[5] * cm[3], 1), ' '.join(text.split()), font_name))

    PdfReader(pdf).pages[page].extract_text(visitor_text=visit)
    return runs


def page_with(pdf: Path, text: str) -> int:
    pages = [' '.join((p.extract_text() or '').split()) for p in PdfReader(pdf).pages]
    found = [n for n, page in enumerate(pages) if text in page]
    assert len(found) == 1, (text, found)
    return found[0]


def baseline(runs: list[TextRun], text: str) -> float:
    found = [r.y for r in runs if text in r.text]
    assert found, (text, [r.text for r in runs])
    return found[0]


# Each note's last blocks, which printed in the body when a note held more than a paragraph.
NOTES = {
    'that holds a list,': ('the first listed thing,', 'the second listed thing.'),
    'a note of several blocks.': ('code kept inside the note', 'The last paragraph of the long note closes it.'),
    'A list item calls a note with a quotation.': ('The quoted words inside the note.',),
}
# The body's last words after each call.
BODY_ENDS = ('closing the paragraph here.', 'ends with a closing sentence.', 'The item goes on.')


def test_a_notes_blocks_stay_in_the_note_at_the_foot_of_the_calls_page(layout_book):
    pdf = layout_book.output('.pdf')
    for call, blocks in NOTES.items():
        page = page_with(pdf, call)
        runs = text_runs(pdf, page)
        body_foot = min(baseline(runs, end) for end in BODY_ENDS)
        for block in blocks:
            assert page_with(pdf, block) == page, block
            assert baseline(runs, block) < body_foot, (block, 'is not below the body text')


def test_a_note_with_blocks_does_not_split_the_paragraph_that_calls_it(layout_book):
    pdf = layout_book.output('.pdf')
    text = ' '.join(PdfReader(pdf).pages[page_with(pdf, 'that holds a list,')].extract_text().split())
    assert 'holds a list,1 and the body goes on after the call' in text
    assert 'blocks.2 The body resumes after the call' in text


def test_soft_line_breaks_in_a_note_are_spaces(layout_book):
    pdf = layout_book.output('.pdf')
    lines = PdfReader(pdf).pages[page_with(pdf, 'A note set in roman')].extract_text().splitlines()
    assert any('written over three source lines that read' in line for line in lines), lines
    assert any('written over two source lines that read as one.' in line for line in lines), lines


def test_a_note_called_in_emphasis_is_set_in_roman(layout_book):
    pdf = layout_book.output('.pdf')
    runs = text_runs(pdf, page_with(pdf, 'A note set in roman'))
    call = next(r for r in runs if 'An emphasised sentence calls a note' in r.text)
    note = next(r for r in runs if 'A note set in roman' in r.text)
    assert 'Italic' in call.font and 'Italic' not in note.font, (call, note)


def test_the_epub_note_holds_its_blocks(layout_book):
    epub = layout_book.output('.epub')
    chapter = etree.fromstring(epub_files(epub)['EPUB/notes.xhtml'])
    notes = {aside.get('id'): aside for aside in chapter.iter(f'{XHTML}aside')}
    assert [child.tag.removeprefix(XHTML) for child in notes['fn-notes-1']] == ['p', 'ul', 'a']
    assert [child.tag.removeprefix(XHTML) for child in notes['fn-notes-2']] == ['p', 'p', 'pre', 'p']
    assert [child.tag.removeprefix(XHTML) for child in notes['fn-notes-4']] == ['p', 'blockquote', 'a']
    epubcheck(epub)


LONG_WORD = 'withdrawal' * 300
NUMBER = ''.join(str((i * 7 + 3) % 10) for i in range(300))
ADDRESS = ('https://archive.example.org/records/negotiations-at-geneva-'
           + 'x'.join(['protocolannexdocumentnumber'] * 4))
CODE_LINES = ('result = negotiate(delegation="Soviet Union", mediator="Diego Cordovez", venue="Palais des Nations", '
              'rounds=12, deadline="15 May 1988", observers=None)',
              'digest=' + ''.join('0123456789abcdef'[(i * 7) % 16] for i in range(200)))
MM = 72 / 25.4


def unwrapped(text: str) -> str:
    """Text as written: WeasyPrint's hyphens (U+2010) at line ends and all white space removed."""
    return ''.join(text.replace('\u2010\n', '').split())


# The running heads and folios, which interrupt a word that goes on over a page.
FURNITURE = {'Notes and Long Lines', 'Content Wider Than a Line'}
FOLIO = re.compile(r'\d{1,3}')


def test_long_words_addresses_and_code_lines_print_whole(layout_book):
    text = '\n'.join(line for page in PdfReader(layout_book.output('.pdf')).pages
                     for line in page.extract_text().splitlines()
                     if line.strip() not in FURNITURE and not FOLIO.fullmatch(line.strip()))
    assert '\u200b' not in text  # the break opportunities are not in the text a reader copies
    whole = unwrapped(text)
    for token in (LONG_WORD, NUMBER, ADDRESS, *CODE_LINES):
        assert unwrapped(token) in whole, token[:40]
    assert whole.count(unwrapped(ADDRESS)) == 3  # in the text, in the table and in the note


def test_nothing_is_drawn_in_the_page_margins(layout_book):
    """Pages as images: the long word, address and code lines wrap inside the text area, none runs off."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(layout_book.output('.pdf'))
    for number in range(len(pdf)):
        image = pdf[number].render(scale=1).to_pil().convert('L')
        width, height = image.size
        strip = round(10 * MM)  # the narrowest side margin of an A5 page is 12 mm
        for box in ((0, 0, strip, height), (width - strip, 0, width, height)):
            assert image.crop(box).getextrema()[0] > 200, (f'page {number + 1}: ink in the margin {box}')


def test_long_tokens_are_unchanged_in_the_epub(layout_book):
    epub = layout_book.output('.epub')
    files = epub_files(epub)
    chapter = files['EPUB/long.xhtml'].decode()
    assert LONG_WORD in chapter and ADDRESS in chapter and '\u200b' not in chapter
    code = etree.fromstring(files['EPUB/long.xhtml']).find(f'.//{XHTML}pre/{XHTML}code')
    assert ''.join(code.itertext()).splitlines()[0] == CODE_LINES[0]
    epubcheck(epub)


def test_break_opportunities_go_only_into_stretches_longer_than_words_of_prose():
    from builder.layout.breaks import breakable

    for text in ('Kraftfahrzeughaftpflichtversicherung and more words',  # 36 letters: it hyphenates as it is
                 'https://archive.example.org/records/negotiations/geneva/1988/annex',  # breaks after slashes
                 '和平协议' * 30, 'state-of-the-art-and-beyond-the-limits-of-the-withdrawal-plan'):
        assert breakable(text) == text
    assert breakable('x' * 41).split('\u200b') == ['x' * 12, 'x' * 12, 'x' * 12, 'x' * 5]
    assert breakable('1988-' + '7' * 50).count('\u200b') == 4  # a hyphen before a digit is no break
