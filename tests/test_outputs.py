"""Course-pack outputs: editions, handouts, print-shop options and the EPUB page-list, on real files."""

from __future__ import annotations

import random
import re

import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import (DC, EPUB_NS, MAIN_EDITION, OPF, XHTML, build, copy_book, epub_files, epubcheck, page_labels,
                      pdf_pages_text, replace_text, run_cli, xhtml_text)

pytestmark = pytest.mark.build  # every test here lays out a book

MM = 72 / 25.4


@pytest.fixture(scope='session')
def outputs_book(tmp_path_factory):
    """The outputs fixture built once: both editions, PDF and EPUB."""
    book = copy_book('outputs', tmp_path_factory.mktemp('outputs'))
    run = build(book)
    assert run.code == 0, run.err
    return run


@pytest.fixture(scope='session')
def handouts(outputs_book):
    """Handouts of every chapter of the same book (the main edition, pages numbered from 1).

    Only one chapter's EPUB is built, the one the tests read (and EPUBCheck checks).
    """
    run = run_cli('handouts', outputs_book.book, '--format', 'pdf')
    assert run.code == 0, run.err
    run = run_cli('handouts', outputs_book.book, '--chapter', 'geneva', '--format', 'epub')
    assert run.code == 0, run.err
    return run


def words(text: str) -> str:
    return ' '.join(text.split())


def spine_documents(epub) -> list[tuple[str, etree._Element]]:
    """The EPUB's XHTML documents in reading order, parsed."""
    files = epub_files(epub)
    opf = etree.fromstring(files['EPUB/content.opf'])
    hrefs = {item.get('id'): item.get('href') for item in opf.iter(f'{OPF}item')}
    return [(hrefs[ref.get('idref')], etree.fromstring(files['EPUB/' + hrefs[ref.get('idref')]]))
            for ref in opf.iter(f'{OPF}itemref')]


def page_list(epub) -> list[tuple[str, str]]:
    nav = etree.fromstring(epub_files(epub)['EPUB/nav.xhtml'])
    lists = [n for n in nav.iter(f'{XHTML}nav') if n.get(f'{EPUB_NS}type') == 'page-list']
    assert len(lists) == 1
    return [(a.text, a.get('href')) for a in lists[0].iter(f'{XHTML}a')]


# --- editions ---------------------------------------------------------------------------------------------------

def test_every_declared_edition_is_built(outputs_book):
    names = sorted(p.name for p in outputs_book.dist.iterdir() if p.suffix in ('.pdf', '.epub'))
    assert names == ['withdrawal-in-three-chapters-instructor.epub', 'withdrawal-in-three-chapters-instructor.pdf',
                     'withdrawal-in-three-chapters.epub', 'withdrawal-in-three-chapters.pdf']


INSTRUCTOR_ONLY = ('Teaching note', 'Answer key', 'signed on 14 April 1988', 'An instructor-only note',
                   'the date of signature', 'The answer is 1988')


def test_instructor_content_is_only_in_the_instructor_edition(outputs_book):
    student = words(' '.join(pdf_pages_text(outputs_book.output('.pdf'))))
    instructor = words(' '.join(pdf_pages_text(outputs_book.output('.pdf', 'instructor'))))
    student_epub = words(' '.join(xhtml_text(d) for n, d in epub_files(outputs_book.output('.epub')).items()
                                  if n.endswith('.xhtml')))
    instructor_epub = words(' '.join(xhtml_text(d) for n, d in epub_files(
        outputs_book.output('.epub', 'instructor')).items() if n.endswith('.xhtml')))
    for text in INSTRUCTOR_ONLY:
        assert text not in student and text not in student_epub, text
        assert text in instructor and text in instructor_epub, text
    assert 'The answer is in the key.' in student


def test_the_instructor_edition_says_so_on_its_title_page(outputs_book):
    assert 'Instructor edition' in pdf_pages_text(outputs_book.output('.pdf', 'instructor'))[0]
    assert 'instructor' not in pdf_pages_text(outputs_book.output('.pdf'))[0].lower()
    titlepage = dict(spine_documents(outputs_book.output('.epub', 'instructor')))['titlepage.xhtml']
    assert 'Instructor edition' in xhtml_text(etree.tostring(titlepage))
    opf = [etree.fromstring(epub_files(outputs_book.output('.epub', e))['EPUB/content.opf']).find(f'{OPF}metadata')
           for e in (None, 'instructor')]
    assert opf[1].findtext(f'{DC}title') == 'Withdrawal in Three Chapters, instructor edition'
    # Two publications, two identifiers.
    assert opf[0].findtext(f'{DC}identifier') != opf[1].findtext(f'{DC}identifier')


def _outline(pdf) -> dict[str, int]:
    reader = PdfReader(pdf)

    def walk(items):  # type: ignore[no-untyped-def]
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title, reader.get_destination_page_number(item) + 1
    return dict(walk(reader.outline))


def test_chapter_section_and_note_numbers_agree_between_editions(outputs_book):
    student, instructor = (pdf_pages_text(outputs_book.output('.pdf', e)) for e in (None, 'instructor'))
    for pages in (student, instructor):
        text = words(' '.join(pages))
        for n, title in enumerate(('Origins of the Decision', 'The Geneva Accords', 'The Retreat'), start=1):
            assert f'CHAPTER {n} {title}' in text
        # Shared notes keep their numbers, before and after an instructor-only note.
        assert 'a shared source.1' in text and 'after the teaching note.2' in text
        assert '1. The first shared note' in text and '2. The second shared note, numbered two' in text
        assert 'of the chapter.2' in text and '2. The second shared note of this chapter' in text
    instructor_text = words(' '.join(instructor))
    assert 'could measure.a' in instructor_text and 'a. An instructor-only note' in instructor_text
    # The same sections in both outlines; the instructor's has its answer key besides.
    assert set(_outline(outputs_book.output('.pdf', 'instructor'))) - set(_outline(outputs_book.output('.pdf'))) \
        == {'Answer key'}
    # In the EPUBs, every note reference prints the same number in both editions.
    refs = []
    for edition in (None, 'instructor'):
        found = {}
        for _, doc in spine_documents(outputs_book.output('.epub', edition)):
            for a in doc.iter(f'{XHTML}a'):
                if a.get('class') == 'noteref':
                    found[a.get('href')] = a.text
        refs.append(found)
    assert refs[0] and all(refs[1][href] == number for href, number in refs[0].items())
    assert sorted(set(refs[1].values()) - set(refs[0].values())) == ['a']


def test_build_one_edition(tmp_path):
    book = copy_book('outputs', tmp_path)
    run = build(book, '--edition', 'instructor', '--format', 'pdf')
    assert run.code == 0, run.err
    assert sorted(p.name for p in run.dist.iterdir()) == ['withdrawal-in-three-chapters-instructor.pdf']


# --- the EPUB page-list -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('edition', [None, 'instructor'])
def test_page_list_gives_the_pdf_page_where_each_paragraph_begins(outputs_book, edition):
    pdf_pages = [words(t) for t in pdf_pages_text(outputs_book.output('.pdf', edition))]
    labels = page_labels(outputs_book.output('.pdf', edition))
    # Each paragraph, with the page of the last page-break marker before it in reading order.
    paragraphs = []
    page = None
    for _, doc in spine_documents(outputs_book.output('.epub', edition)):
        for element in doc.iter():
            if element.get(f'{EPUB_NS}type') == 'pagebreak':
                page = int(element.get('id')[5:])  # the PDF's page: its label is the number that page prints
                assert element.get('role') == 'doc-pagebreak' and element.get('aria-label') == labels[page - 1]
            elif element.tag == f'{XHTML}p' and element.getparent().tag != f'{XHTML}aside':
                if not (element.text or '').strip():  # markers at the very start of the paragraph count
                    for child in element:
                        if child.get(f'{EPUB_NS}type') != 'pagebreak':
                            break
                        page = int(child.get('id')[5:])
                opening = ' '.join(xhtml_text(etree.tostring(element)).split()[:5])
                if re.match(r'^[A-Z][a-z]+ (recalled|noted|argued|wrote|observed) that', opening):
                    paragraphs.append((opening, page))
    assert len(paragraphs) > 40
    # The issue asks for ten paragraphs chosen at random; every one is checked, the random ten first.
    chosen = random.Random(6).sample(paragraphs, 10)
    for opening, page in chosen + [p for p in paragraphs if p not in chosen]:
        printed = [n for n, text in enumerate(pdf_pages, start=1) if opening in text]
        assert len(printed) == 1, opening
        assert page == printed[0], opening


def test_page_list_nav_lists_every_pdf_page_once(outputs_book):
    for edition in (None, 'instructor'):
        entries = page_list(outputs_book.output('.epub', edition))
        printed = page_labels(outputs_book.output('.pdf', edition))
        labels = [label for label, _ in entries]
        # Every page up to the last that begins a block, with the number it prints (the front matter's in roman
        # numerals); only a trailing blank page may have none.
        assert labels == printed[:len(labels)] and len(labels) >= len(printed) - 1
        assert labels[0] == 'i' and '1' in labels
        ids = {(name, e.get('id')) for name, doc in spine_documents(outputs_book.output('.epub', edition))
               for e in doc.iter() if e.get('id')}
        assert all(tuple(href.split('#')) in ids for _, href in entries)


def test_epub_declares_its_page_source(outputs_book):
    metadata = etree.fromstring(epub_files(outputs_book.output('.epub'))['EPUB/content.opf']).find(f'{OPF}metadata')
    source = metadata.findtext(f'{DC}source')
    assert source == 'Withdrawal in Three Chapters, PDF'
    assert [m.text for m in metadata.iter(f'{OPF}meta') if m.get('property') == 'pageBreakSource'] == [source]


@pytest.mark.parametrize('edition', [None, 'instructor'])
def test_edition_epubs_pass_epubcheck(outputs_book, edition):
    epubcheck(outputs_book.output('.epub', edition))


def test_an_epub_alone_takes_its_page_numbers_only_from_a_layout_of_the_same_book(tmp_path, outputs_book):
    """``--format epub`` lays nothing out: with no PDF layout of this very book it has no page numbers (and says
    so), after one it is the EPUB a full build writes, and after an edit it has none again, never wrong ones."""
    import yaml

    from builder.resources import STYLES

    book = copy_book('outputs', tmp_path)
    no_pages = yaml.safe_load((STYLES.parent / 'locales' / 'en.yaml').read_text())['accessibility']['no-page-list']

    def alone():
        run = build(book, '--format', 'epub', *MAIN_EDITION)
        assert run.code == 0, run.err
        assert 'lay out' not in run.err
        epub = run.output('.epub')
        epubcheck(epub)
        summary = [m.text for m in etree.fromstring(epub_files(epub)['EPUB/content.opf']).iter(f'{OPF}meta')
                   if m.get('property') == 'schema:accessibilitySummary']
        return run, epub, summary[0]

    run, epub, summary = alone()
    assert 'no print page numbers' in run.out and summary.endswith(' ' + no_pages)
    assert not [n for n in etree.fromstring(epub_files(epub)['EPUB/nav.xhtml']).iter(f'{XHTML}nav')
                if n.get(f'{EPUB_NS}type') == 'page-list']
    assert build(book, '--format', 'pdf', *MAIN_EDITION).code == 0
    run, epub, summary = alone()
    assert no_pages not in summary
    assert epub.read_bytes() == outputs_book.output('.epub').read_bytes()
    replace_text(book, 'chapters/02-geneva.md', 'Merchants argued that', 'Merchants, it was said, argued that')
    run, epub, summary = alone()
    assert 'no print page numbers' in run.out and summary.endswith(' ' + no_pages)


def test_pdf_fonts_keep_no_table_a_reader_does_not_draw_with(outputs_book):
    """The PDF's font programs are subsets without the layout tables WeasyPrint has used already, nor SIL's feature
    names ('Silt', 12 KB a face), which no PDF reader reads."""
    import io

    import pikepdf
    from fontTools.ttLib import TTFont

    with pikepdf.open(outputs_book.output('.pdf')) as pdf:
        programs = [obj.FontFile2.read_bytes() for obj in pdf.objects
                    if isinstance(obj, pikepdf.Dictionary) and obj.get('/Type') == '/FontDescriptor']
    assert len(programs) >= 3  # regular, italic, bold at least
    for data in programs:
        tables = set(TTFont(io.BytesIO(data)).reader.keys())
        assert {'glyf', 'loca', 'hmtx', 'cmap'} <= tables
        assert not tables & {'GSUB', 'GPOS', 'Silt', 'DSIG'}, tables


def test_epub_fonts_are_renamed_subsets_that_draw_all_its_text(outputs_book):
    """The bundled fonts shrink to the characters the EPUB shows, every one the whole font has, keep the small
    capitals the stylesheet asks for and their licence, and drop the Reserved Font Names a modified font may not use."""
    import io

    from fontTools.ttLib import TTFont

    from builder.resources import STYLES

    files = epub_files(outputs_book.output('.epub'))
    text = set(''.join(xhtml_text(data) for name, data in files.items() if name.endswith('.xhtml')))
    fonts = {name: data for name, data in files.items() if name.endswith('.ttf')}
    assert len(fonts) == 4  # Gentium's four faces: Vazirmatn only in a book with Arabic script
    assert [name for name in files if name.endswith('.txt')] == ['EPUB/styles/fonts/OFL-GentiumBookPlus.txt']
    assert b'url("fonts/Vazirmatn' not in files['EPUB/styles/epub.css']  # nor its @font-face rules
    for name, data in fonts.items():
        original = (STYLES / 'fonts' / name.rsplit('/', 1)[1]).read_bytes()
        assert len(data) < len(original) / 4, name
        whole, subset = TTFont(io.BytesIO(original)), TTFont(io.BytesIO(data))
        drawn = {chr(code) for code in whole.getBestCmap()} & text
        assert len(drawn) > 60 and drawn <= {chr(code) for code in subset.getBestCmap()}, name
        assert {'smcp', 'kern'} <= {r.FeatureTag for table in ('GSUB', 'GPOS')
                                    for r in subset[table].table.FeatureList.FeatureRecord}, name
        names = subset['name']
        assert names.getDebugName(1) == 'Coursepack Serif', name
        assert all('Gentium' not in names.getDebugName(i) and 'SIL' not in names.getDebugName(i) for i in (1, 3, 4, 6))
        assert names.getDebugName(0) == whole['name'].getDebugName(0)  # the copyright notice
        assert names.getDebugName(13) == whole['name'].getDebugName(13)  # the licence
    assert files['EPUB/styles/fonts/OFL-GentiumBookPlus.txt'] == (STYLES / 'fonts' / 'OFL-GentiumBookPlus.txt').read_bytes()


# --- handouts ---------------------------------------------------------------------------------------------------

def test_a_handout_per_chapter(handouts):
    names = sorted(p.name for p in (handouts.dist / 'handouts').iterdir())
    assert names == ['geneva.epub', 'geneva.pdf', 'origins.pdf', 'retreat.pdf']


def test_handout_is_self_contained(handouts):
    pages = pdf_pages_text(handouts.dist / 'handouts' / 'geneva.pdf')
    text = words(' '.join(pages))
    assert text.startswith('A handout from the course pack Withdrawal in Three Chapters: Fixture for editions, '
                           'handouts and the page-list, Test Editor (2024) Chapter 2: The Geneva Accords')
    assert 'CHAPTER 2 The Geneva Accords' in words(pages[0])  # the chapter starts on the handout's first page
    assert 'Origins of the Decision' not in text and 'The Last Bridge' not in text  # no other chapter
    for instructor_only in INSTRUCTOR_ONLY:
        assert instructor_only not in text
    # Cross-references to chapters the handout leaves out say where to look in the course pack.
    assert ('See chapter 1 of the course pack for the decision and section “The Roads North” in chapter 3 of the '
            'course pack for the roads.') in text
    assert PdfReader(handouts.dist / 'handouts' / 'geneva.pdf').metadata.title == \
        'The Geneva Accords (a handout from Withdrawal in Three Chapters)'
    # Page numbers restart at 1 (the default).
    assert [p.split()[-1] for p in pages] == [str(n) for n in range(1, len(pages) + 1)]
    origins = words(' '.join(pdf_pages_text(handouts.dist / 'handouts' / 'origins.pdf')))
    assert ('the accords themselves (section “The Text of the Accords” in chapter 2 of the course pack) are read '
            'closely there') in origins
    # A link within the handout's own chapter stays a cross-reference with its page.
    assert 'Compare section' not in origins  # that one was in instructor-only content
    retreat = words(' '.join(pdf_pages_text(handouts.dist / 'handouts' / 'retreat.pdf')))
    assert 'the story began in the first chapter (chapter 1 of the course pack).' in retreat


@pytest.mark.build
def test_a_handout_that_prints_no_page_number_is_laid_out_once(tmp_path):
    """Its heading block is on its chapter's first page, and the first guess at its pages says so: its folios'
    numbering, printed from that guess, is right at once (it was printed from page 3, and laid out again)."""
    book = copy_book('minimal', tmp_path)
    run = run_cli('handouts', book, '--format', 'pdf', '--jobs', '1')
    assert run.code == 0, run.err
    assert run.err.count('lay out pass 1') == 2 and 'lay out pass 2' not in run.err, run.err


def test_handout_epub(handouts):
    epub = handouts.dist / 'handouts' / 'geneva.epub'
    epubcheck(epub)
    documents = dict(spine_documents(epub))
    assert set(documents) == {'cover.xhtml', 'handout.xhtml', 'nav.xhtml', 'geneva.xhtml'}
    assert 'A handout from the course pack' in xhtml_text(etree.tostring(documents['handout.xhtml']))
    pdf_count = len(PdfReader(handouts.dist / 'handouts' / 'geneva.pdf').pages)
    labels = [int(label) for label, _ in page_list(epub)]
    assert labels == list(range(1, len(labels) + 1)) and len(labels) in (pdf_count - 1, pdf_count)
    geneva = xhtml_text(epub_files(epub)['EPUB/geneva.xhtml'])
    assert 'See chapter 1 of the course pack for the decision' in geneva
    assert 'Answer key' not in geneva


def test_handouts_can_keep_the_course_pack_page_numbers(tmp_path, outputs_book):
    book = copy_book('outputs', tmp_path)
    with (book / 'book.yaml').open('a') as f:
        f.write('handouts:\n  page-numbers: course-pack\n')
    run = run_cli('handouts', book, '--chapter', 'geneva')
    assert run.code == 0, run.err
    book_pdf = outputs_book.output('.pdf')
    opening = int(page_labels(book_pdf)[_outline(book_pdf)['The Geneva Accords'] - 1])  # as the course pack prints it
    handout = run.dist / 'handouts' / 'geneva.pdf'
    pages = pdf_pages_text(handout)
    assert [p.split()[-1] for p in pages] == [str(n) for n in range(opening, opening + len(pages))]
    assert page_labels(handout) == [str(n) for n in range(opening, opening + len(pages))]
    labels = [int(label) for label, _ in page_list(run.dist / 'handouts' / 'geneva.epub')]
    assert labels[0] == opening and labels == list(range(opening, opening + len(labels)))
    epubcheck(run.dist / 'handouts' / 'geneva.epub')


def _halves(page) -> tuple[str, str]:
    """The text on the left and on the right half of an imposed sheet."""
    middle = float(page.mediabox.width) / 2
    halves: tuple[list[str], list[str]] = ([], [])

    def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        halves[x >= middle].append(text)
    page.extract_text(visitor_text=visit)
    return words(''.join(halves[0])), words(''.join(halves[1]))


def test_booklet_handout_is_imposed_in_saddle_stitch_order(tmp_path):
    book = copy_book('outputs', tmp_path)
    flat = run_cli('handouts', book, '--chapter', 'origins', '--format', 'pdf', '--paper', 'a5')
    assert flat.code == 0, flat.err
    reader = PdfReader(flat.dist / 'handouts' / 'origins.pdf')
    sources = [words(p.extract_text()) for p in reader.pages]
    assert 5 <= len(sources) <= 8  # padded to 8 pages: three blank pages or fewer
    sources += [''] * (8 - len(sources))
    width = float(reader.pages[0].mediabox.width)

    run = run_cli('handouts', book, '--chapter', 'origins', '--format', 'pdf', '--paper', 'a5', '--booklet')
    assert run.code == 0, run.err
    sheets = PdfReader(run.dist / 'handouts' / 'origins.pdf').pages
    assert len(sheets) == 4  # 8 pages, two per side of a sheet
    assert round(float(sheets[0].mediabox.width)) == round(2 * width)
    pairs = [(8, 1), (2, 7), (6, 3), (4, 5)]
    for sheet, (left, right) in zip(sheets, pairs):
        assert _halves(sheet) == (sources[left - 1], sources[right - 1])
    assert sources[0].split()[-1] == '1' and sources[4].split()[-1] == '5'


# --- print-shop options -----------------------------------------------------------------------------------------

def _size(pdf) -> tuple[int, int]:
    box = PdfReader(pdf).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


@pytest.mark.parametrize('paper, size', [('a5', (420, 595)), ('"170mm 240mm"', (482, 680))])
def test_paper_sizes(tmp_path, paper, size):
    book = copy_book('minimal', tmp_path)
    (book / 'book.yaml').write_text((book / 'book.yaml').read_text().replace('paper: a4', f'paper: {paper}'))
    run = build(book, '--format', 'pdf', '--edition', 'student')
    assert run.code == 0, run.err
    assert _size(run.output('.pdf')) == size


def test_simplex_bleed_and_crop_marks_from_the_command_line(tmp_path, outputs_book):
    book = copy_book('outputs', tmp_path)
    run = build(book, '--format', 'pdf', '--edition', 'student', '--simplex', '--bleed', '3mm', '--crop-marks',
                '--paper', 'letter')
    assert run.code == 0, run.err
    reader = PdfReader(run.output('.pdf'))
    page = reader.pages[0]
    assert (round(float(page.trimbox.width)), round(float(page.trimbox.height))) == (612, 792)
    assert round(float(page.mediabox.width) - float(page.trimbox.width), 1) == round(6 * MM, 1)
    assert round(float(page.bleedbox.width), 1) == round(float(page.mediabox.width), 1)
    # Simplex: no blank pages, so fewer pages than the duplex book, and text on every page but the title's back.
    simplex = pdf_pages_text(run.output('.pdf'))
    duplex = pdf_pages_text(outputs_book.output('.pdf'))
    assert len(simplex) < len(duplex)
    assert not [n for n, text in enumerate(simplex, start=1) if not text.strip()]
    assert any(not text.strip() for text in duplex)
    starts = _outline(run.output('.pdf'))
    assert any(starts[title] % 2 == 0 for title in ('Origins of the Decision', 'The Geneva Accords', 'The Retreat'))


def test_duplex_chapters_open_on_the_right(outputs_book):
    starts = _outline(outputs_book.output('.pdf'))
    assert all(starts[title] % 2 == 1 for title in ('Origins of the Decision', 'The Geneva Accords', 'The Retreat'))


# --- bad input --------------------------------------------------------------------------------------------------

def test_cross_reference_into_instructor_content_is_a_located_error(tmp_path):
    book = copy_book('outputs', tmp_path)
    chapter = book / 'chapters' / '03-retreat.md'
    chapter.write_text(chapter.read_text() + '\nSee the [key](#geneva-key).\n')
    line = chapter.read_text().count('\n')
    run = build(book)
    assert run.code == 1
    assert (f"chapters/03-retreat.md:{line}:9: error[xref-edition-only]: the cross-reference to 'geneva-key' points into "
            'content that the student edition leaves out') in run.err
    assert not run.dist.exists()


@pytest.mark.parametrize('argv, message', [
    (('build', '--edition', 'instuctor'),
     "error[edition-unknown]: no edition 'instuctor': book.yaml declares student, instructor "
     "(did you mean 'instructor'?)"),
    (('handouts', '--chapter', 'genva'),
     "error[chapter-unknown]: no chapter with the id 'genva' (did you mean 'geneva'?)"),
])
def test_unknown_edition_or_chapter(tmp_path, argv, message):
    book = copy_book('outputs', tmp_path)
    run = run_cli(argv[0], book, *argv[1:])
    assert run.code == 1 and message in run.err, run.err
    assert not run.dist.exists()


@pytest.mark.parametrize('yaml, message', [
    ('paper: 170mm\n', "book.yaml:6:1: error[config-value]: 'paper' must be one of a4, letter, a5 or a width and "
                       'height such as "170mm 240mm", not \'170mm\''),
    ('sides: both\n', "book.yaml:6:1: error[config-value]: 'sides' must be one of duplex, simplex, not 'both'"),
    ('bleed: lots\n', "book.yaml:6:1: error[config-value]: 'bleed': 'lots' is not a length"),
    ('crop-marks: yes\n', "book.yaml:6:1: error[config-type]: 'crop-marks' must be true or false, not 'yes'"),
    ('handouts:\n  page-numbers: sometimes\n',
     "book.yaml:7:3: error[config-value]: 'handouts.page-numbers' must be one of restart, course-pack"),
    ('handouts:\n  bookelt: true\n',
     "book.yaml:7:3: error[config-unknown-key]: unknown key 'handouts.bookelt' (did you mean 'booklet'?)"),
    ('editions: [Student]\n', "book.yaml:6:1: error[config-value]: edition names are lower-case words"),
])
def test_bad_print_and_edition_settings(tmp_path, yaml, message):
    book = copy_book('outputs', tmp_path)
    manifest = book / 'book.yaml'
    manifest.write_text(manifest.read_text().replace('editions: [student, instructor]\n', '') + yaml)
    run = build(book)
    assert run.code == 1
    assert message in run.err, run.err


def test_bad_print_option_on_the_command_line_is_a_usage_error(tmp_path, capsys):
    book = copy_book('minimal', tmp_path)
    run = build(book, '--paper', 'b52')
    assert run.code == 2
    assert "argument --paper: 'paper' must be one of a4, letter, a5" in capsys.readouterr().err
    assert not run.dist.exists()


# --- back matter of selections ----------------------------------------------------------------------------------

TEACHER_REFERENCE = '''
- id: teacher2020
  type: book
  title: "A guide for teachers of the Afghan war"
  author:
    - family: Teacher
      given: Tess
  issued: {date-parts: [[2020]]}
  publisher: Course Press
'''


def _bibliography_ids(epub) -> list[str]:
    files = epub_files(epub)
    tree = etree.fromstring(files['EPUB/bibliography.xhtml'])
    return sorted(p.get('id') for p in tree.iter(f'{XHTML}p') if 'csl-entry' in (p.get('class') or ''))


def test_handout_and_edition_bibliographies_list_exactly_the_works_cited(tmp_path):
    book = copy_book('citations', tmp_path)
    (book / 'references.yaml').write_text((book / 'references.yaml').read_text() + TEACHER_REFERENCE)
    accords = book / 'chapters' / '02-accords.md'
    accords.write_text(accords.read_text() + '\n::: {.instructor}\nFor the teacher: see [@teacher2020, p. 4].\n:::\n')
    cited = {chapter: sorted(set(re.findall(r'@([\w-]+)', (book / 'chapters' / f'{name}.md').read_text())))
             for chapter, name in (('decision', '01-decision'), ('accords', '02-accords'))}
    run = run_cli('handouts', book, '--format', 'epub')
    assert run.code == 0, run.err
    for chapter, keys in cited.items():
        epub = run.dist / 'handouts' / f'{chapter}.epub'
        assert _bibliography_ids(epub) == sorted(f'ref-{k}' for k in keys if k != 'teacher2020'), chapter
    instructor = run_cli('handouts', book, '--format', 'epub', '--chapter', 'accords', '--edition', 'instructor')
    assert instructor.code == 0, instructor.err
    assert _bibliography_ids(instructor.dist / 'handouts' / 'accords-instructor.epub') == \
        sorted(f'ref-{k}' for k in cited['accords'])
    for epub in (run.dist / 'handouts').glob('*.epub'):
        epubcheck(epub)
    # The whole book: the student edition leaves out the work only the instructor notes cite.
    whole = build(book, '--format', 'pdf')
    assert whole.code == 0, whole.err
    student, teacher = (words(' '.join(pdf_pages_text(whole.output('.pdf', e)))) for e in (None, 'instructor'))
    assert 'Teacher, Tess. 2020. A Guide for Teachers of the Afghan War' in teacher
    assert 'Teacher' not in student and 'Kalinovsky, Artemy M. 2011' in student


def _back_matter_uses(epub, name: str) -> dict[str, set[str]]:
    """Entry id -> the chapter files its back-links point into, from the EPUB's glossary or chronology."""
    tree = etree.fromstring(epub_files(epub)[f'EPUB/{name}.xhtml'])
    entries: dict[str, set[str]] = {}
    for element in tree.iter(f'{XHTML}dt', f'{XHTML}li'):
        ident = element.get('id') or ''
        if not ident.startswith(f'{name}-'):
            continue
        scope = element.getnext() if element.tag == f'{XHTML}dt' else element
        entries[ident] = {a.get('href').split('#')[0] for a in scope.iter(f'{XHTML}a')
                          if a.get('role') == 'doc-backlink'}
    return entries


def test_handout_glossary_and_chronology_list_exactly_what_the_chapter_uses(tmp_path):
    book = copy_book('glossary', tmp_path)
    whole = build(book, '--format', 'epub', '--edition', 'student')
    assert whole.code == 0, whole.err
    run = run_cli('handouts', book, '--format', 'epub')
    assert run.code == 0, run.err
    for name in ('glossary', 'chronology'):
        used_in = _back_matter_uses(whole.output('.epub'), name)
        assert len(used_in) > 3
        for chapter in ('beginnings', 'geneva', 'aftermath'):
            handout = _back_matter_uses(run.dist / 'handouts' / f'{chapter}.epub', name)
            expected = {ident for ident, files in used_in.items() if f'{chapter}.xhtml' in files}
            assert set(handout) == expected, (name, chapter)
            assert all(files == {f'{chapter}.xhtml'} for files in handout.values())
    for epub in (whole.output('.epub'), *(run.dist / 'handouts').glob('*.epub')):
        epubcheck(epub)
