"""The book pipeline end to end: a sample book folder becomes a real PDF and a valid EPUB."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import (BOOKS, DC, EPUB_NS, MAIN_EDITION, OPF, XHTML, build, copy_book, epub_files, epubcheck,
                      page_labels, pdf_pages_text, xhtml_text)

pytestmark = pytest.mark.build  # every test here lays out a book


def markdown_words(book_dir) -> set[str]:
    """The words of every chapter's prose (front matter and markup left out)."""
    words: set[str] = set()
    for chapter in sorted((book_dir / 'chapters').glob('*.md')):
        text = chapter.read_text().split('\n---\n', 1)[1]
        text = re.sub(r'\{[^}]*\}|\[\^\w+\]:?|\]\([^)]*\)|^:::.*$', ' ', text, flags=re.M)
        words |= {w for w in re.findall(r'[A-Za-z]{3,}', text) if w not in {'instructor'}}
    return words


def test_pdf_title_page_contents_and_chapters(minimal_book):
    pdf = minimal_book.output('.pdf')
    pages = pdf_pages_text(pdf)
    assert 'A Minimal Course Pack' in pages[0]
    assert 'Fixture for the pipeline tests' in pages[0]
    assert 'Test Author' in pages[0]
    assert '2024' in pages[0]
    contents = next(i for i, text in enumerate(pages) if text.lstrip().startswith('Contents'))
    listed = dict(re.findall(r'(The \w+ Chapter)[\s.]*?\s\.[\s.]*(\d+)', pages[contents]))
    assert set(listed) == {'The First Chapter', 'The Second Chapter'}
    labels = page_labels(pdf)
    assert listed['The First Chapter'] == '1'  # the body is numbered from 1, the front matter in roman numerals
    assert labels[:contents + 1] == ['i', 'ii', 'iii'][:contents + 1]
    for title, number in listed.items():
        index = labels.index(number)
        opening = pages[index]
        assert title in opening.splitlines()[:4] or title in opening[:200], (title, number)
        # Chapters open on right-hand (odd) pages.
        assert (index + 1) % 2 == 1


def test_pdf_toc_numbers_are_the_bookmark_pages(minimal_book):
    reader = PdfReader(minimal_book.output('.pdf'))
    pages = pdf_pages_text(minimal_book.output('.pdf'))
    contents = next(text for text in pages if text.lstrip().startswith('Contents'))
    outline = {item.title: reader.page_labels[reader.get_destination_page_number(item)]
               for item in reader.outline if not isinstance(item, list)}
    assert {'The First Chapter', 'The Second Chapter'} <= set(outline)
    for title in ('The First Chapter', 'The Second Chapter'):
        assert re.search(rf'{title}\s[\s.]*{outline[title]}\b', contents)
    nested = [item for item in reader.outline if isinstance(item, list)]
    assert any(child.title == 'Opening section' for group in nested for child in group)


def test_pdf_running_heads_folios_and_footnote_on_its_page(minimal_book):
    pages = pdf_pages_text(minimal_book.output('.pdf'))
    call_page = next(i for i, text in enumerate(pages) if 'calls a note' in text)
    assert 'The footnote text, at the foot of the page.' in pages[call_page]
    # The note sits below the chapter text, at the foot of the page.
    assert pages[call_page].index('Its definition') < pages[call_page].index('The footnote text')
    # No running head on the title page or on a chapter's opening page; the folio is there.
    assert 'First' not in pages[call_page].splitlines()[0]
    assert pages[call_page].rstrip().endswith(page_labels(minimal_book.output('.pdf'))[call_page])
    assert not pages[0].rstrip().endswith('1')


def test_pdf_metadata_fonts_and_paper(minimal_book):
    reader = PdfReader(minimal_book.output('.pdf'))
    assert reader.metadata.title == 'A Minimal Course Pack'
    assert reader.metadata.author == 'Test Author'
    assert str(reader.trailer['/Root'].get('/Lang')) == 'en'
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    fonts = set()
    for page in reader.pages:
        for font in (page['/Resources'].get('/Font') or {}).values():
            descendant = font.get_object().get('/DescendantFonts')
            descriptor = descendant[0].get_object()['/FontDescriptor'] if descendant else None
            if descriptor and '/FontFile2' in descriptor:
                fonts.add(str(font.get_object()['/BaseFont']).split('+')[-1])
    assert fonts and all(name.startswith('Gentium-Book-Plus') for name in fonts), fonts


def test_letter_paper(tmp_path):
    book = copy_book('minimal', tmp_path)
    (book / 'book.yaml').write_text((book / 'book.yaml').read_text().replace('paper: a4', 'paper: letter'))
    run = build(book, '--format', 'pdf', *MAIN_EDITION)
    assert run.code == 0, run.err
    box = PdfReader(run.output('.pdf')).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_epub_structure_metadata_and_text(minimal_book):
    epub = minimal_book.output('.epub')
    files = epub_files(epub)
    with zipfile.ZipFile(epub) as z:
        first = z.infolist()[0]
        assert first.filename == 'mimetype' and first.compress_type == zipfile.ZIP_STORED
    opf = etree.fromstring(files['EPUB/content.opf'])
    metadata = opf.find(f'{OPF}metadata')
    assert metadata.findtext(f'{DC}title') == 'A Minimal Course Pack'
    assert metadata.findtext(f'{DC}language') == 'en'
    assert metadata.findtext(f'{DC}creator') == 'Test Author'
    identifier = metadata.findtext(f'{DC}identifier')
    assert identifier.startswith('urn:uuid:')
    modified = [m.text for m in metadata.iter(f'{OPF}meta') if m.get('property') == 'dcterms:modified']
    assert modified == ['2024-01-15T00:00:00Z']
    chapters = sorted(name for name in files if name.startswith('EPUB/') and name.endswith('.xhtml')
                      and ('first' in name or 'second' in name))
    assert chapters == ['EPUB/first.xhtml', 'EPUB/second.xhtml']
    nav = etree.fromstring(files['EPUB/nav.xhtml'])
    nav_types = {n.get(f'{EPUB_NS}type') for n in nav.iter(f'{XHTML}nav')}
    assert {'toc', 'landmarks'} <= nav_types
    assert 'EPUB/toc.ncx' in files
    text = ' '.join(xhtml_text(files[name]) for name in chapters)
    missing = {w for w in markdown_words(BOOKS / 'minimal') if w not in text}
    assert not missing
    first = etree.fromstring(files['EPUB/first.xhtml'])
    note = first.find(f'.//{XHTML}aside')
    assert note.get(f'{EPUB_NS}type') == 'footnote'
    backlink = note.find(f'.//{XHTML}a')
    assert backlink.get('href') == '#' + first.find(f'.//{XHTML}a[@class="noteref"]').get('id')
    # The cross-reference to another chapter now names that chapter's file.
    xref = first.find(f'.//{XHTML}a[@class="xref"]')
    assert xref.get('href') == 'second.xhtml#second' and xref.text == 'chapter 2'


def test_epub_identifier_is_stable(tmp_path, minimal_book):
    book = copy_book('minimal', tmp_path)
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    ids = [etree.fromstring(epub_files(r.output('.epub'))['EPUB/content.opf']).find(f'{OPF}metadata').findtext(
        f'{DC}identifier') for r in (run, minimal_book)]
    assert ids[0] == ids[1]


def test_epub_passes_epubcheck(minimal_book):
    epubcheck(minimal_book.output('.epub'))


def test_typography_follows_language(minimal_book):
    files = epub_files(minimal_book.output('.epub'))
    text = xhtml_text(files['EPUB/first.xhtml'])
    assert '“hello”' in text


def test_raw_html_is_escaped(tmp_path):
    book = copy_book('minimal', tmp_path)
    chapter = book / 'chapters' / '02-second.md'
    chapter.write_text(chapter.read_text() + '\n<script>alert(1)</script> and <b onclick="x()">bold</b>\n')
    run = build(book, *MAIN_EDITION)
    assert run.code == 0, run.err
    assert b'<script' not in epub_files(run.output('.epub'))['EPUB/second.xhtml']
    assert '<script>alert(1)</script>' in xhtml_text(epub_files(run.output('.epub'))['EPUB/second.xhtml'])
    epubcheck(run.output('.epub'))


def test_a_heading_of_raw_html_is_in_the_contents_as_written(tmp_path):
    """Raw HTML prints as text in a heading, and so in the contents: an entry left without its words was lost
    text, and an empty link in the EPUB's navigation, which EPUBCheck rejects (found by the Hypothesis test)."""
    book = copy_book('minimal', tmp_path)
    chapter = book / 'chapters' / '02-second.md'
    chapter.write_text(chapter.read_text() + '\n## <abc>\n\nText.\n\n## <!-- a note --> and more\n')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    nav = etree.fromstring(epub_files(run.output('.epub'))['EPUB/nav.xhtml'])
    entries = [''.join(a.itertext()) for a in nav.iter(f'{XHTML}a')]
    assert '<abc>' in entries and '<!-- a note --> and more' in entries, entries
    epubcheck(run.output('.epub'))


def test_an_empty_heading_and_an_unlisted_one_stay_out_of_the_navigation(tmp_path):
    """A heading with no text (``##`` alone on a line) has nothing to read in the contents: left out, with a located
    warning, not an empty navigation link, which EPUBCheck rejects (found by the Hypothesis test); a heading marked
    ``{.unlisted}`` is left out of the EPUB's navigation as of the printed contents, as Pandoc does."""
    book = copy_book('minimal', tmp_path)
    chapter = book / 'chapters' / '02-second.md'
    chapter.write_text(chapter.read_text() + '\nSome words\n##\n\n## Kept apart {.unlisted}\n\n## Listed\n')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    line = chapter.read_text().splitlines().index('##') + 1
    assert f'chapters/02-second.md:{line}:1: warning[heading-empty]: ' in run.err, run.err
    nav = etree.fromstring(epub_files(run.output('.epub'))['EPUB/nav.xhtml'])
    entries = [''.join(a.itertext()) for a in nav.iter(f'{XHTML}a')]
    assert 'Listed' in entries and 'Kept apart' not in entries and all(entry.strip() for entry in entries), entries
    epubcheck(run.output('.epub'))


def test_span_attributes_that_are_not_html_become_data_attributes(minimal_book):
    second = etree.fromstring(epub_files(minimal_book.output('.epub'))['EPUB/second.xhtml'])
    span = second.find(f'.//{XHTML}span[@class="highlight"]')
    assert span.get('data-key') == 'demo' and span.get('key') is None
    assert span.text == 'a highlighted phrase'
