"""The fast paths give the same book as a clean single-process build.

A PDF laid out in parts on several processes, or rebuilt from cached parts
after an edit, must have the pages, the printed page numbers, the outline and
the working links of a clean build of one document; a build with nothing
changed must not touch the outputs, and must report what the last one did.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter

import pytest
from pypdf import PdfReader

from builder.layout.parts_cache import PartStore
from conftest import MAIN_EDITION, REPO, build, copy_book, dist_fingerprint, pdf_pages_text, replace_text, set_key

pytestmark = pytest.mark.build  # every test here lays out a book

PDF_ONLY = ('--format', 'pdf', *MAIN_EDITION)  # the main edition's PDF: all that these tests read
QUIET = (*PDF_ONLY, '--quiet')  # diagnostics only on stderr: no progress lines


def book_summary(pdf) -> dict:
    """What a reader of the PDF sees of its structure: pages, contents, outline, links and where they lead."""
    reader = PdfReader(pdf)
    pages = pdf_pages_text(pdf)

    def outline(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from outline(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item) + 1

    named = {name: reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}
    links = Counter()
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get('/Annots') or ():
            annotation = annotation.get_object()
            if annotation.get('/Subtype') == '/Link' and '/Dest' in annotation:
                links[number, named.get(str(annotation['/Dest']))] += 1
    contents = next(text for text in pages if text.lstrip().startswith('Contents'))
    return {
        'pages': len(pages),
        'contents': re.findall(r'(\S[^\n]*?)\s*(?:\.\s*){3,}(\d+)', contents),  # title . . . page
        'outline': list(outline(reader.outline)),
        'links': links,
        'named': named,
        'folios': [text.rstrip().rsplit(None, 1)[-1] if text.strip() else '' for text in pages],
        'labels': reader.page_labels,  # the number each page prints: i, ii … for the front matter, then 1, 2 …
        'text': pages,
    }


def part_files(book) -> list:
    """The cached laid-out parts of the main edition's PDF (and the layouts from placeholders that could not take the
    numbers of a part, laid out with them)."""
    stem = sorted((book / 'dist').glob('*.pdf'), key=lambda p: len(p.name))[0].stem
    return sorted((book / '.coursepack-cache' / 'parts' / stem).glob('*.pdf'))


@pytest.fixture(scope='session')
def single_process(tmp_path_factory):
    book = copy_book('parts', tmp_path_factory.mktemp('single'))
    run = build(book, '--jobs', '1', '--no-cache', *PDF_ONLY)
    assert run.code == 0, run.err
    return {**book_summary(run.output('.pdf')), 'bytes': run.output('.pdf').stat().st_size}


@pytest.fixture(scope='session')
def in_parts(tmp_path_factory):
    book = copy_book('parts', tmp_path_factory.mktemp('parts'))
    run = build(book, '--jobs', '2', *PDF_ONLY)
    assert run.code == 0, run.err
    return run


def font_programs(pdf) -> dict[str, set[int]]:
    """The embedded font programs (object numbers) of each font name, subset tag left out."""
    programs: dict[str, set[int]] = {}
    for page in PdfReader(pdf).pages:
        for font in page['/Resources'].get('/Font', {}).values():
            descendant = font.get_object()['/DescendantFonts'][0].get_object()
            name = str(descendant['/BaseFont']).split('+', 1)[-1]
            programs.setdefault(name, set()).add(descendant['/FontDescriptor'].get_object().raw_get('/FontFile2').idnum)
    return programs


def test_parts_embed_each_font_once(in_parts):
    programs = font_programs(in_parts.output('.pdf'))
    assert len(programs) >= 2 and all(len(found) == 1 for found in programs.values()), programs


def test_parts_give_the_single_process_book(single_process, in_parts):
    assert len(part_files(in_parts.book)) == 6  # front matter, then five runs of two chapters
    summary = book_summary(in_parts.output('.pdf'))
    assert summary['pages'] == single_process['pages']
    assert summary['contents'] == single_process['contents']
    assert {'1', '2', '3', '4', '5'} <= {title.split()[0] for title, _ in summary['contents']}  # numbered chapters
    assert summary['outline'] == single_process['outline']
    assert summary['named'] == single_process['named']
    assert summary['links'] == single_process['links']
    assert None not in {target for _, target in summary['links']}  # every link leads somewhere
    assert summary['folios'] == single_process['folios']
    assert summary['text'] == single_process['text']
    # No larger than WeasyPrint's one document: fonts embedded once, objects in compressed object streams.
    assert in_parts.output('.pdf').stat().st_size <= 1.05 * single_process['bytes']


def test_the_pdf_names_the_ids_links_can_lead_to_not_the_blocks(single_process, in_parts):
    # The blocks' ids (``chapter.12``) are for the page map: no link leads to them, and they change with each edit.
    for named in (single_process['named'], book_summary(in_parts.output('.pdf'))['named']):
        assert named and not [name for name in named if '.' in name]


def test_links_to_a_chapter_the_print_styles_hide_are_left_out_in_parts_as_in_one_document(tmp_path):
    # Chapter 9 hidden in print: the links to it from another part (the contents' too) lead nowhere. Each part's
    # PDF carries its links into the others, and the join leaves those out, as WeasyPrint does in one document;
    # both builds warn, once for each target, and succeed.
    book = copy_book('parts', tmp_path)
    replace_text(book, 'chapters/003-chapter-003.md', '\n## ', '\nSee [the hidden chapter](#chapter-009).\n\n## ')
    (book / 'styles').mkdir(exist_ok=True)
    (book / 'styles' / 'print.css').write_text('#chapter-009 { display: none }\n')
    summaries = []
    for options in (('--jobs', '1', '--no-cache'), ('--jobs', '2')):  # one document, then in parts
        run = build(book, *options, *PDF_ONLY)
        assert run.code == 0, run.err
        warned = re.findall(r"warning\[link-unprinted\]: links lead to '#(\S+)', which no page", run.err)
        assert 'chapter-009' in warned and len(warned) == len(set(warned)), run.err
        summaries.append(book_summary(run.output('.pdf')))
    assert summaries[0]['links'] == summaries[1]['links']
    assert summaries[0]['named'] == summaries[1]['named'] and 'chapter-009' not in summaries[1]['named']
    assert None not in {target for _, target in summaries[1]['links']}  # no link leads nowhere
    assert sum(summaries[1]['links'].values()) > 50  # the others are kept: the contents', the cross-references'


def test_parts_number_their_pages_from_where_they_start(in_parts):
    summary = book_summary(in_parts.output('.pdf'))
    chapters = [page for depth, _, page in summary['outline'] if depth == 0]
    assert all(page % 2 == 1 for page in chapters)  # chapters open on right-hand pages
    labels = summary['labels']
    # The front matter is numbered in roman numerals, the body from 1 at the first chapter.
    assert labels[:chapters[0]] == ['i', 'ii', 'iii', 'iv'][:chapters[0] - 1] + ['1']
    assert labels[chapters[0] - 1:] == [str(n) for n in range(1, len(labels) - chapters[0] + 2)]
    for number, (folio, text) in enumerate(zip(summary['folios'], summary['text']), start=1):
        if number >= chapters[0] and text.strip():  # front matter prints no folio; blank pages print nothing
            assert folio == labels[number - 1]
    # A cross-reference into another part prints the page its target is on: chapter 3, in the second run of
    # chapters, refers to chapter 1, in the first.
    xref = next(t for t in summary['text'][summary['named']['chapter-003'] - 1:] if 'As chapter 1, p.' in t.replace('\xa0', ' '))
    target = labels[summary['named']['chapter-001'] - 1]
    assert f'As chapter 1, p. {target} showed' in ' '.join(xref.replace('\xa0', ' ').split())


def edit(book, chapter: str, sentences: int) -> None:
    path = book / 'chapters' / chapter
    paragraphs = path.read_text().split('\n\n')
    i = next(i for i, p in enumerate(paragraphs) if i > 2 and p[:1].isalpha() and len(p) > 200)
    paragraphs[i] += ' An added sentence that makes the paragraph longer.' * sentences
    path.write_text('\n\n'.join(paragraphs))


@pytest.mark.parametrize('sentences', [1, 200])
def test_rebuild_after_an_edit_is_a_clean_build(tmp_path, sentences):
    """One sentence keeps every page count; two hundred move the chapters after the edit to later pages."""
    book = copy_book('parts', tmp_path / 'incremental')
    assert build(book, '--jobs', '2', *PDF_ONLY).code == 0
    edit(book, '002-chapter-002.md', sentences)
    run = build(book, '--jobs', '2', *PDF_ONLY)
    assert run.code == 0, run.err
    # The edit is in the first run of chapters, the second part. The other parts are reused as they were, unless the
    # page numbers they print moved: two hundred sentences move the contents' and the runs' that refer to chapter 3
    # (chapters 4 and 5), whose new numbers have digits those parts do not draw, to be stamped in; the last two runs
    # print no page number, and are reused though they start on later pages.
    assert laid_out_parts(run) == ({'2': 1} if sentences == 1 else {'1': 1, '2': 1, '3': 1, '4': 1})

    clean = copy_book('parts', tmp_path / 'clean')
    edit(clean, '002-chapter-002.md', sentences)
    reference = build(clean, '--jobs', '1', '--no-cache', *PDF_ONLY)
    assert reference.code == 0, reference.err
    ours, theirs = book_summary(run.output('.pdf')), book_summary(reference.output('.pdf'))
    for key in ('pages', 'contents', 'outline', 'named', 'links', 'folios', 'text'):
        assert ours[key] == theirs[key], key


def test_an_edit_reads_the_summaries_of_the_outputs_written_while_the_pdf_lays_out(tmp_path):
    # After an edit that moves no page, the EPUB and the web edition are written while the PDF lays out, and the
    # build reads their summaries while the PDF is joined: each what the file it left says.
    from builder.diagnostics import Diagnostics
    from builder.pipeline import BuildOptions, build as build_book
    from builder.write.formats import summarize

    book = copy_book('parts', tmp_path)
    assert build(book, '--jobs', '2', *MAIN_EDITION).code == 0
    edit(book, '002-chapter-002.md', 1)
    written = build_book(book, BuildOptions(editions=('student',), jobs=2), Diagnostics())
    read = {path.suffix or 'web': summary for path, summary in written.items() if summary is not None}
    assert set(read) == {'.epub', 'web'}, written  # the PDF's is read after the build, once joined
    for path, summary in written.items():
        if summary is not None:
            assert summary == summarize(path)
    assert (read['.epub'].chapters, read['web'].chapters) == (10, 10)


def test_an_edit_of_a_book_of_few_chapters_lays_out_its_chapter_alone(tmp_path):
    """Up to eight chapters, each chapter is a part of its own: after a one-sentence edit, which moves no page, the
    edited chapter is laid out again and nothing else."""
    book = copy_book('parts', tmp_path / 'book')
    for chapter in sorted((book / 'chapters').glob('*.md'))[5:]:
        chapter.unlink()
    first = build(book, '--jobs', '2', *PDF_ONLY)
    assert first.code == 0, first.err
    assert len(part_files(book)) == 6  # the front matter, then each of the five chapters
    made_of = next((book / '.coursepack-cache' / 'parts').glob('*/documents.json'))
    before = json.loads(made_of.read_text())
    edit(book, '002-chapter-002.md', 1)
    again = build(book, '--jobs', '2', *PDF_ONLY)
    assert again.code == 0, again.err
    assert laid_out_parts(again) == {'3': 1}  # chapter 2's part, after the front matter's and chapter 1's
    # What each part was made of, kept for the next edit, whose changed parts are looked up first: the third changed
    after = json.loads(made_of.read_text())
    assert len(after) == 6 and [i for i, (b, a) in enumerate(zip(before, after)) if b != a] == [2]


def test_an_edit_makes_again_only_the_print_document_of_its_part(tmp_path):
    """Each part's print document, with placeholders for its page numbers, is kept by what it is made of: an edit
    in a new process makes again only its own part's; a change to the book's settings, which every part's prints
    (its authors, in each part's metadata), makes them all again."""
    book = copy_book('parts', tmp_path / 'book')
    for chapter in sorted((book / 'chapters').glob('*.md'))[5:]:
        chapter.unlink()
    assert build(book, '--jobs', '2', *PDF_ONLY).code == 0

    def templates() -> set[str]:
        return {path.name for path in (book / '.coursepack-cache' / 'parts').glob('*/*.template')}

    first = templates()
    assert len(first) == 6
    edit(book, '002-chapter-002.md', 1)
    # In another process, whose strings hash otherwise: the key must not depend on it
    again = subprocess.run([sys.executable, '-m', 'builder', 'build', str(book), '--jobs', '2', *QUIET],
                           capture_output=True, text=True, env={**os.environ, 'PYTHONHASHSEED': '1'})
    assert again.returncode == 0, again.stderr
    edited = templates()
    assert len(edited) == 6 and len(edited - first) == 1
    replace_text(book, 'book.yaml', '- Benchmark Generator', '- Another Author')
    run = build(book, '--jobs', '2', *PDF_ONLY)
    assert run.code == 0, run.err
    assert len(templates()) == 6 and not templates() & edited
    assert PdfReader(run.output('.pdf')).metadata.author == 'Another Author'


def test_the_join_compresses_only_the_page_contents_its_parts_left_it_and_it_has_not_kept(tmp_path):
    """A page the join draws a folio over comes compressed from its part, the join only carrying its stream on
    (``layout/page_contents.py``). The join compresses the others (a page it stamps numbers into, a page without a
    folio) and keeps each, by the hash of what it is: laid out again with nothing changed, it compresses nothing
    (every kept file read, none written again); after a one-sentence edit, only what the edit changed."""
    book = copy_book('parts', tmp_path / 'book')
    first = build(book, '--jobs', '2', *PDF_ONLY)
    assert first.code == 0, first.err
    written = first.output('.pdf').read_bytes()
    contents = book / '.coursepack-cache' / 'contents'

    def kept() -> dict[str, int]:  # a file written again is a new file: ``cache.write_bytes`` replaces it
        return {path.name: path.stat().st_ino for path in contents.glob('*.deflate')}

    before = kept()
    # Most pages carry a folio: their parts compressed them (the join compressed every one of them, and kept it)
    assert 0 < len(before) < book_summary(first.output('.pdf'))['pages'] / 3
    shutil.rmtree(book / 'dist')
    again = build(book, '--jobs', '2', *PDF_ONLY)
    assert again.code == 0, again.err
    assert again.output('.pdf').read_bytes() == written
    assert kept() == before
    edit(book, '005-chapter-005.md', 1)
    edited = build(book, '--jobs', '2', *PDF_ONLY)
    assert edited.code == 0, edited.err
    made = [name for name, inode in kept().items() if before.get(name) != inode]
    assert 0 < len(made) < len(before), (len(made), len(before))


XREF = re.compile(r'As \[\]\(#chapter-\d+\) showed, and as \[the section on it\]\(#chapter-\d+-s2\) explains, ')


def laid_out_parts(run) -> Counter:
    """How many times each part was laid out, from the progress lines: ``lay out in parts part 2 of 3``."""
    return Counter(re.findall(r'part (\d+) of \d+', run.err))


def test_parts_that_print_no_page_number_are_laid_out_once(tmp_path):
    """Their folios drawn apart, chapter parts that print no page reference are final from a first build's first
    pass, and stay as they are when an edit before them moves them to later pages."""
    book = copy_book('parts', tmp_path / 'parts')
    for chapter in (book / 'chapters').glob('*.md'):
        chapter.write_text(XREF.sub('', chapter.read_text()))
    first = build(book, '--jobs', '2', *PDF_ONLY)
    assert first.code == 0, first.err
    # The contents too: laid out after the chapters around p. 10, they print their real pages (parts.front_after)
    assert laid_out_parts(first) == {str(part): 1 for part in range(1, 7)}
    pages_before = book_summary(first.output('.pdf'))['pages']
    edit(book, '002-chapter-002.md', 200)  # chapter 2 grows by pages: the runs of chapters after it move
    again = build(book, '--jobs', '2', *PDF_ONLY)
    assert again.code == 0, again.err
    assert laid_out_parts(again) == {'1': 1, '2': 1}

    clean = copy_book('parts', tmp_path / 'clean')
    for chapter in (clean / 'chapters').glob('*.md'):
        chapter.write_text(XREF.sub('', chapter.read_text()))
    edit(clean, '002-chapter-002.md', 200)
    reference = build(clean, '--jobs', '1', '--no-cache', *PDF_ONLY)
    assert reference.code == 0, reference.err
    ours, theirs = book_summary(again.output('.pdf')), book_summary(reference.output('.pdf'))
    assert ours['pages'] > pages_before  # the edit did move the runs of chapters after it
    for key in ('pages', 'contents', 'outline', 'named', 'links', 'folios', 'text'):
        assert ours[key] == theirs[key], key


def test_parts_of_a_book_with_its_own_folios_number_their_pages(tmp_path):
    """A book whose stylesheet prints its own folios has its parts print them, counted from where they start."""
    books = []
    for name in ('parts', 'single'):
        book = copy_book('parts', tmp_path / name)
        (book / 'styles').mkdir(exist_ok=True)
        (book / 'styles' / 'print.css').write_text(
            '@page { @bottom-center { content: none; } @bottom-right { content: "page " counter(page); } }\n'
            '@page front { @bottom-right { content: none; } }\n@page :blank { @bottom-right { content: none; } }\n')
        books.append(book)
    in_parts = build(books[0], '--jobs', '2', *PDF_ONLY)
    single = build(books[1], '--jobs', '1', *PDF_ONLY)
    assert in_parts.code == 0 and single.code == 0, in_parts.err + single.err
    ours, theirs = book_summary(in_parts.output('.pdf')), book_summary(single.output('.pdf'))
    assert ours['labels'][8] == '5' and 'page 5' in ours['text'][8]  # the body from 1, after four front pages
    for key in ('pages', 'contents', 'folios', 'text'):
        assert ours[key] == theirs[key], key


def test_parts_print_their_folios_when_the_stylesheet_spaces_out_the_digits(tmp_path):
    """Folios spaced out are not one run of the digits, so their digits cannot be stamped into a template: the parts
    print their own folios, on the first build (a pass later) and on the next, which knows it from the start."""
    books = []
    for name in ('parts', 'single'):
        book = copy_book('parts', tmp_path / name)
        (book / 'styles').mkdir(exist_ok=True)
        (book / 'styles' / 'print.css').write_text('@page { letter-spacing: 0.2em; }\n')
        books.append(book)
    single = build(books[1], '--jobs', '1', '--no-cache', *PDF_ONLY)
    assert single.code == 0, single.err
    theirs = book_summary(single.output('.pdf'))
    assert theirs['labels'][8] == '5'
    for again in (False, True):
        if again:  # its outputs gone, the book is laid out again, from the parts and the folio template kept
            assert list((books[0] / '.coursepack-cache' / 'parts').glob('*/*.unstampable'))
            shutil.rmtree(books[0] / 'dist')
        run = build(books[0], '--jobs', '2', *PDF_ONLY)
        assert run.code == 0, run.err
        assert ('pass 2' in run.err) != again  # the first build learns it after a pass; the next knows it
        ours = book_summary(run.output('.pdf'))
        for key in ('pages', 'contents', 'folios', 'text'):
            assert ours[key] == theirs[key], key


def test_a_longer_front_matter_changes_no_number_in_the_body_nor_lays_a_chapter_out_again(tmp_path):
    """The body is numbered from 1 after the front matter's roman numerals: a list of figures added after the
    contents moves every page of the body two pages on, and none of them prints another number or lays out
    again; only the front matter does."""
    books = []
    for name in ('parts', 'clean'):
        book = copy_book('parts', tmp_path / name)
        for number in ('001', '004'):  # figures with an id: numbered, and listed once book.yaml asks
            replace_text(book, f'chapters/{number}-chapter-{number}.md', f'figure-{number}.svg)',
                         f'figure-{number}.svg){{#fig-{number}}}')
        books.append(book)
    book, clean = books
    first = build(book, '--jobs', '2', *PDF_ONLY)
    assert first.code == 0, first.err
    before = book_summary(first.output('.pdf'))
    for each in books:
        set_key(each, 'lists: [figures]')
    again = build(book, '--jobs', '2', *PDF_ONLY)
    assert again.code == 0, again.err
    assert set(laid_out_parts(again)) == {'1'}  # the front matter's part, alone
    after = book_summary(again.output('.pdf'))
    front = before['labels'].index('1')
    assert after['labels'][:front + 3] == [*before['labels'][:front], 'v', 'vi', '1']  # the list: a leaf more
    assert after['text'][front + 2:] == before['text'][front:]  # every page of the body, as it was
    assert [(title, after['labels'][page - 1]) for _, title, page in after['outline'] if title != 'List of Figures'] \
        == [(title, before['labels'][page - 1]) for _, title, page in before['outline']]
    reference = build(clean, '--jobs', '1', '--no-cache', *PDF_ONLY)
    assert reference.code == 0, reference.err
    theirs = book_summary(reference.output('.pdf'))
    for key in ('pages', 'contents', 'outline', 'named', 'links', 'folios', 'labels', 'text'):
        assert after[key] == theirs[key], key


def test_parts_give_the_same_bytes_however_they_were_laid_out(tmp_path):
    """A clean build in parts, and one whose parts, folios, page map and compressed page contents come from the cache
    of another version of the book (an edit that moved pages, undone), write the same PDF."""
    clean = copy_book('parts', tmp_path / 'clean')
    assert build(clean, '--jobs', '2', *PDF_ONLY).code == 0
    book = copy_book('parts', tmp_path / 'elsewhere' / 'edited')
    original = (book / 'chapters' / '002-chapter-002.md').read_text()
    edit(book, '002-chapter-002.md', 200)
    assert build(book, '--jobs', '2', *PDF_ONLY).code == 0
    (book / 'chapters' / '002-chapter-002.md').write_text(original)
    again = build(book, '--jobs', '2', *PDF_ONLY)
    assert again.code == 0, again.err
    assert laid_out_parts(again)  # the cache did not have it all
    assert list((book / '.coursepack-cache' / 'contents').glob('*.deflate'))  # the joins kept their page contents
    ours, theirs = (next((b / 'dist').glob('*.pdf')) for b in (clean, book))
    assert ours.read_bytes() == theirs.read_bytes()


def test_nothing_changed_leaves_the_outputs_alone(tmp_path):
    book = copy_book('minimal', tmp_path)
    (book / 'chapters' / '03-bare.md').write_text('A chapter without front matter.\n')
    first = build(book, *QUIET)
    assert first.code == 0, first.err
    assert 'warning[front-matter-missing]' in first.err
    pdf = first.output('.pdf')
    written = pdf.stat().st_mtime_ns

    again = build(book, *QUIET)
    assert again.code == 0 and pdf.stat().st_mtime_ns == written
    assert again.err == first.err  # the warnings are reported again, as the outputs still have them

    os.utime(book / 'chapters' / '01-first.md')  # touched, not changed
    assert build(book, *QUIET).code == 0 and pdf.stat().st_mtime_ns == written

    (book / 'chapters' / '03-bare.md').write_text('---\ntitle: Bare\n---\n\nNow with a title.\n')
    changed = build(book, *QUIET)
    assert changed.code == 0 and changed.err == '' and pdf.stat().st_mtime_ns != written
    assert 'Now with a title.' in ''.join(pdf_pages_text(pdf))

    written = pdf.stat().st_mtime_ns
    pdf.write_bytes(b'damaged')
    assert build(book, *QUIET).code == 0
    assert PdfReader(pdf).pages  # rebuilt, not reported up to date

    # --no-cache rebuilds, in parts too, and leaves the cache as it was.
    written = pdf.stat().st_mtime_ns
    kept = dist_fingerprint(book / '.coursepack-cache')
    assert build(book, *QUIET, '--no-cache', '--jobs', '2').code == 0 and pdf.stat().st_mtime_ns != written
    assert dist_fingerprint(book / '.coursepack-cache') == kept


def test_jobs_must_be_positive(tmp_path):
    book = copy_book('minimal', tmp_path)
    run = build(book, '--jobs', '0')
    assert run.code == 2 and '--jobs must be 1 or more' in run.err
    assert not (book / 'dist').exists()


def test_citations_are_formatted_again_only_when_they_change(tmp_path):
    book = copy_book('citations', tmp_path)
    assert build(book, *PDF_ONLY).code == 0
    stored = lambda: {p.name: p.stat().st_mtime_ns for p in (book / '.coursepack-cache' / 'citations').glob('*')}  # noqa: E731
    first = stored()
    assert len(first) == 1

    chapter = book / 'chapters' / '01-decision.md'
    chapter.write_text(chapter.read_text().replace('noting the dates', 'noting all the dates', 1))
    run = build(book, *PDF_ONLY)
    assert run.code == 0, run.err
    assert stored().keys() == first.keys()  # the prose changed, not the citations: their formatting is reused
    assert 'noting all the dates' in ''.join(pdf_pages_text(run.output('.pdf')))
    assert 'Kalinovsky' in ''.join(pdf_pages_text(run.output('.pdf')))

    # Two lines added above every citation of a chapter move them, not what they print: the formatting is reused,
    # and a problem found at a citation is reported where the citation now is.
    chapter.write_text(chapter.read_text().replace('noting all the dates', 'noting all the dates [@nobody2020]', 1))
    unknown = lambda run: [l for l in run.err.splitlines() if 'error[cite-unknown]' in l]  # noqa: E731,E741
    run = build(book, *PDF_ONLY)
    assert run.code == 1 and len(unknown(run)) == 1, run.err
    before = stored()
    body = chapter.read_text().split('\n---\n', 1)
    chapter.write_text(body[0] + '\n---\n\nAn added paragraph.\n' + body[1])
    moved = build(book, *PDF_ONLY)
    assert stored().keys() == before.keys(), 'formatted again'
    line, column = map(int, unknown(run)[0].split(':')[1:3])
    assert unknown(moved) == [unknown(run)[0].replace(f':{line}:{column}:', f':{line + 2}:{column}:')], moved.err
    chapter.write_text(chapter.read_text().replace(' [@nobody2020]', '').replace('\nAn added paragraph.\n', ''))

    references = book / 'references.yaml'
    references.write_text(references.read_text().replace('A long goodbye', 'A very long goodbye'))
    run = build(book, *PDF_ONLY)
    assert run.code == 0, run.err
    assert stored().keys() != first.keys()
    assert 'a very long goodbye' in ' '.join(' '.join(pdf_pages_text(run.output('.pdf'))).split()).lower()


def test_fonts_are_subset_again_only_when_the_characters_change(tmp_path):
    """The EPUB's and the web edition's font subsets are kept by what makes them: a rebuild after an edit that
    shows no new character takes them from the cache, and writes the bytes of a build without it."""
    book = copy_book('minimal', tmp_path / 'a')
    formats = ('--format', 'all', *MAIN_EDITION, '--quiet')
    assert build(book, *formats).code == 0
    kept = lambda: sorted(p.name for p in (book / '.coursepack-cache' / 'fonts').glob('*.font'))  # noqa: E731
    first = kept()
    assert len(first) == 8  # four faces for the EPUB, four for the web edition

    chapter = next((book / 'chapters').glob('*.md'))
    chapter.write_text(chapter.read_text() + '\nThe rest of the story is told later.\n')
    run = build(book, *formats)
    assert run.code == 0, run.err
    assert kept() == first
    clean = copy_book('minimal', tmp_path / 'b')
    (clean / 'chapters' / chapter.name).write_text(chapter.read_text())
    reference = build(clean, *formats, '--no-cache')
    assert reference.code == 0 and not (clean / '.coursepack-cache' / 'fonts').exists()
    outputs = lambda dist: {k: v for k, v in dist_fingerprint(dist).items() if k != 'page-changes.txt'}  # noqa: E731
    assert outputs(run.dist) == outputs(reference.dist)

    chapter.write_text(chapter.read_text() + '\nZ\u00e9ro \u00c6thelred.\n')  # characters not shown before
    assert build(book, *formats).code == 0
    assert len(set(kept()) - set(first)) == 8


@pytest.mark.parametrize('tagged', [True, False])
def test_outputs_made_side_by_side_are_those_of_a_serial_build(tmp_path, tagged):
    """Editions made at once have the bytes of editions made one after the other. Laid out as one document (a tagged
    PDF cannot be laid out in parts): in worker processes, started by a fork server and given pickled inputs,
    against the build's own process. Laid out in parts: in threads of the build's process, their parts sharing the
    cores, against one edition at a time on every core (``--jobs 2``)."""
    books = [copy_book('minimal', tmp_path / name) for name in 'ab']
    for book in books:
        if tagged:
            set_key(book, 'pdf-standard: ua-1')
    side_by_side = build(books[0], '--no-cache')
    assert side_by_side.code == 0, side_by_side.err
    if (os.cpu_count() or 1) > 1:
        assert re.search(r'lay out and write \d+ outputs, \d+ at a time', side_by_side.out + side_by_side.err)
    serial = build(books[1], '--no-cache', '--jobs', '1' if tagged else '2')
    assert serial.code == 0, serial.err
    assert dist_fingerprint(side_by_side.dist) == dist_fingerprint(serial.dist)


def test_parts_printed_one_sided_have_the_running_heads_of_the_one_document(tmp_path):
    """Printed on one side, a part can start on an even page: it must start on a left-hand page, as that page
    is in the whole book, with the left-hand running head (WeasyPrint makes a document's first page a
    right-hand one whatever number it prints)."""
    summaries = []
    for jobs in ('1', '2'):
        book = copy_book('parts', tmp_path / jobs)
        set_key(book, 'sides: simplex')
        run = build(book, '--jobs', jobs, '--no-cache', *PDF_ONLY)
        assert run.code == 0, run.err
        summaries.append(book_summary(run.output('.pdf')))
    one, parts = summaries
    assert any(page % 2 == 0 for depth, _, page in parts['outline'] if depth == 0)  # a chapter on an even page
    assert parts['text'] == one['text']


@pytest.mark.parametrize('sentences', [1, 200])
def test_outputs_written_while_the_pdf_lays_out_are_those_of_a_clean_build(tmp_path, sentences):
    """A rebuild writes the EPUB and the web edition from the last build's pages while the PDF lays out: kept
    when the layout settles on those pages (one sentence more), written again from the settled ones when it does
    not (two hundred). Either way the outputs are a clean build's."""
    book = copy_book('parts', tmp_path / 'rebuilt')
    assert build(book, '--jobs', '2', *MAIN_EDITION).code == 0
    edit(book, '002-chapter-002.md', sentences)
    run = build(book, '--jobs', '2', *MAIN_EDITION)
    assert run.code == 0, run.err
    written_after = [name.rsplit('.', 1)[-1] if '.' in name else 'web'
                     for name in re.findall(r'coursepack: write (\S+)', run.err)]  # progress: the writes after it
    assert written_after == (['pdf', 'web', 'epub'] if sentences > 1 else ['pdf'])
    clean = copy_book('parts', tmp_path / 'clean')
    edit(clean, '002-chapter-002.md', sentences)
    assert build(clean, '--jobs', '2', '--no-cache', *MAIN_EDITION).code == 0
    # Its first pass, from estimated pages, may settle: the folios are drawn then too.
    summary = book_summary(next((clean / 'dist').glob('*.pdf')))
    assert sum(folio == label for label, folio in zip(summary['labels'], summary['folios'])) > len(summary['folios']) // 2
    ours, theirs = dist_fingerprint(book / 'dist'), dist_fingerprint(clean / 'dist')
    ours.pop('page-changes.txt')
    assert ours == theirs


def test_an_edit_writes_again_only_the_documents_it_changed(tmp_path):
    """The EPUB and the web edition keep each document as they wrote it (``write/documents.py``), the EPUB its cover
    too: after a sentence added to one chapter, each writes that chapter alone again (its outline and its document,
    or its page), and every file is a clean build's
    (``test_outputs_written_while_the_pdf_lays_out_are_those_of_a_clean_build``)."""
    book = copy_book('parts', tmp_path / 'book')
    assert build(book, '--jobs', '2', *MAIN_EDITION).code == 0
    kept = book / '.coursepack-cache' / 'documents'
    folders = sorted(folder.name for folder in kept.iterdir())
    assert [name.rsplit('.', 1)[-1] if '.' in name else name[-3:] for name in folders] == ['web', 'epub']
    assert len(list((kept / folders[1]).glob('*.png'))) == 1  # the EPUB's cover, kept with its documents
    # Each kept file's inode: a file written again is replaced (``cache.write_bytes``), so it has another
    before = {folder: {p.name: p.stat().st_ino for p in (kept / folder).iterdir()} for folder in folders}
    edit(book, '002-chapter-002.md', 1)
    assert build(book, '--jobs', '2', *MAIN_EDITION).code == 0
    made = {folder: sorted(p.suffix for p in (kept / folder).iterdir() if p.name not in before[folder])
            for folder in folders}
    assert made == {folders[0]: ['.outline', '.page'], folders[1]: ['.outline', '.xhtml']}
    rewritten = {folder: [p.name for p in (kept / folder).iterdir()
                          if before[folder].get(p.name, p.stat().st_ino) != p.stat().st_ino] for folder in folders}
    assert rewritten == {folder: [] for folder in folders}  # nothing else written again under its old name

    # A kept outline, document or page cut short is made again, and the outputs are a clean build's
    for folder in folders:
        for damaged in sorted((kept / folder).iterdir())[:4]:
            damaged.write_bytes(damaged.read_bytes()[:300])
    edit(book, '002-chapter-002.md', 1)
    assert build(book, '--jobs', '2', *MAIN_EDITION).code == 0
    clean = copy_book('parts', tmp_path / 'clean')
    edit(clean, '002-chapter-002.md', 1)
    edit(clean, '002-chapter-002.md', 1)
    assert build(clean, '--jobs', '2', '--no-cache', *MAIN_EDITION).code == 0
    ours, theirs = dist_fingerprint(book / 'dist'), dist_fingerprint(clean / 'dist')
    ours.pop('page-changes.txt')
    assert ours == theirs

    # An edition's documents go with it: the book retitled, the old title's are forgotten
    replace_text(book, 'book.yaml', 'title: ', 'title: Retitled ')
    assert build(book, '--jobs', '2', *MAIN_EDITION).code == 0
    assert sorted(folder.name for folder in kept.iterdir()) != folders and len(list(kept.iterdir())) == 2


def test_page_references_are_stamped_into_parts_laid_out_once(tmp_path):
    """Chapter parts that print "see p. N" are laid out once, from placeholder digits, on a first build; the
    numbers are stamped in as the parts are joined, and read as in a build laid out with them."""
    book = copy_book('parts', tmp_path / 'parts')
    first = build(book, '--jobs', '2', *PDF_ONLY)
    assert first.code == 0, first.err
    counts = laid_out_parts(first)
    assert all(counts[str(part)] == 1 for part in range(2, 7)), counts  # the five runs of chapters
    records = [PartStore(path.parent, '').get(path.stem) for path in part_files(book)]
    stamped = [record for record in records if record.slots]
    assert len(stamped) >= 2  # the runs of chapters, and the contents if their digits were guessed right
    # Each slot: where its number's glyph codes are in its page's drawing, and the glyph of each digit its font draws
    assert all(slot[1] and slot[2] for record in stamped for slot in record.slots)
    reference = build(copy_book('parts', tmp_path / 'clean'), '--jobs', '1', '--no-cache', *PDF_ONLY)
    assert reference.code == 0, reference.err
    ours, theirs = book_summary(first.output('.pdf')), book_summary(reference.output('.pdf'))
    assert any(re.search(r'As chapter \d+, p\.\s\d+ showed', page) for page in ours['text'])
    for key in ('pages', 'contents', 'named', 'links', 'folios', 'text'):
        assert ours[key] == theirs[key], key


def lengthen_the_first_chapter(book) -> None:
    """Ten paragraphs after the glossary fixture's first chapter's last word: it grows by two pages, and the
    chapters after it move on by two, every number they print keeping its digits."""
    chapter = book / 'chapters' / '01-beginnings.md'
    added = 'An added paragraph that makes the first chapter longer, and moves the chapters after it. ' * 6
    chapter.write_text(chapter.read_text().rstrip('\n') + f'\n\n{added}' * 10 + '\n')


def test_an_edit_that_moves_pages_leaves_the_glossary_and_chronology_laid_out(tmp_path):
    """The back matter's page numbers are stamped in, as every page reference's: an edit that moves the chapters
    after it to other pages lays out its own chapter again, and the parts whose numbers it gives other digits or
    glyphs the part does not draw (the contents, whose chronology moves from p. 9 to p. 11; the references, whose
    few numbers draw few digits), but not the glossary nor the chronology, whose numbers only moved."""
    book = copy_book('glossary', tmp_path / 'book')
    first = build(book, '--jobs', '2', *PDF_ONLY)
    assert first.code == 0, first.err
    shutil.rmtree(book / 'dist')
    again = build(book, '--jobs', '2', *PDF_ONLY)  # every part cached, those laid out from their numbers too
    assert again.code == 0, again.err
    assert laid_out_parts(again) == {}
    lengthen_the_first_chapter(book)
    edited = build(book, '--jobs', '2', *PDF_ONLY)
    assert edited.code == 0, edited.err
    # The front matter, the first chapter and the references: of seven parts, the glossary's and chronology's fifth
    # and sixth are not laid out again
    assert laid_out_parts(edited) == {'1': 1, '2': 1, '7': 1}
    assert 'glossary entry Zia ul-Haq (glossary.yaml:2:3): 8 → 10' in (book / 'dist' / 'page-changes.txt').read_text()

    clean = copy_book('glossary', tmp_path / 'clean')
    lengthen_the_first_chapter(clean)
    reference = build(clean, '--jobs', '1', '--no-cache', *PDF_ONLY)
    assert reference.code == 0, reference.err
    ours, theirs = book_summary(edited.output('.pdf')), book_summary(reference.output('.pdf'))
    for key in ('pages', 'contents', 'outline', 'named', 'links', 'folios', 'labels', 'text'):
        assert ours[key] == theirs[key], key


def test_a_long_temporary_folder_path_leaves_room_for_the_fork_servers_socket(tmp_path):
    """The workers' fork server listens on a Unix socket in multiprocessing's temporary folder, whose path may have
    107 bytes at most: under a temporary folder of 100 (a test's own, a user's deep TMPDIR) the build failed with
    an internal error (AF_UNIX path too long). That folder goes to /tmp; the build still leaves nothing behind."""
    book = copy_book('parts', tmp_path / 'book')
    temporary = tmp_path / 'tmp'
    temporary = temporary / ('t' * (100 - len(str(temporary)) - 1))
    temporary.mkdir(parents=True)
    assert len(str(temporary)) == 100
    run = subprocess.run([sys.executable, '-m', 'builder', 'build', str(book), '--jobs', '2', *QUIET],
                         env={**os.environ, 'TMPDIR': str(temporary)}, capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert (book / 'dist').is_dir() and sorted(p.name for p in temporary.iterdir()) == []


def test_a_build_leaves_no_temporary_font_folders(tmp_path):
    """WeasyPrint copies a document's fonts to a temporary folder and removes it when the document is collected,
    which a worker's last documents are not: the workers' temporary folders are their pool's, removed with it, so
    a build leaves none behind (it left one a part)."""
    book = copy_book('parts', tmp_path / 'book')
    temporary = tmp_path / 'tmp'
    temporary.mkdir()
    run = subprocess.run([sys.executable, '-m', 'builder', 'build', str(book), '--jobs', '2', *QUIET],
                         env={**os.environ, 'TMPDIR': str(temporary)}, capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert (book / 'dist').is_dir() and sorted(p.name for p in temporary.iterdir()) == []


def test_a_book_of_several_editions_is_laid_out_in_parts_however_short(tmp_path):
    """Every book that can be is laid out in parts, decided by the book alone: a short book of two editions too
    (laid out whole, each edition was laid out again until its page numbers settled), its editions at once; not a
    tagged PDF, whose structure tree is not joined, nor a book of one chapter."""
    from builder.diagnostics import Diagnostics
    from builder.layout.parts import can_lay_out_in_parts
    from builder.options import BuildOptions
    from builder.pipeline import AtOnce, check, concurrent_outputs, plan

    book = copy_book('minimal', tmp_path)
    original = (book / 'book.yaml').read_text()

    def how() -> tuple[bool, AtOnce]:
        checked = check(book, BuildOptions(), Diagnostics())
        outputs = list(plan(checked.whole, BuildOptions(), Diagnostics()))
        return can_lay_out_in_parts(checked.whole), concurrent_outputs(checked.whole, outputs, BuildOptions())

    in_parts, at_once = how()
    assert in_parts
    if (os.cpu_count() or 1) > 1:
        assert at_once == AtOnce(2, True)  # the student's and the instructor's editions, at once, in parts
    built = subprocess.run([sys.executable, '-m', 'builder', 'build', str(book), '--format', 'pdf'],
                           capture_output=True, text=True, cwd=REPO)
    assert built.returncode == 0, built.stderr
    parts = book / '.coursepack-cache' / 'parts'
    assert sorted(p.name for p in parts.iterdir()) == ['a-minimal-course-pack', 'a-minimal-course-pack-instructor']
    # The front matter and two chapters: what each part was made of, kept for the next build
    assert all(len(json.loads((folder / 'documents.json').read_text())) == 3 for folder in parts.iterdir())
    set_key(book, 'pdf-standard: ua-1')
    assert how() == (False, AtOnce(min(2, os.cpu_count() or 1), False))  # side by side, each as one document
    (book / 'book.yaml').write_text(original)
    (book / 'chapters' / '02-second.md').unlink()
    first = book / 'chapters' / '01-first.md'
    first.write_text(first.read_text().replace('(#second)', '(#first)'))  # its link to the other chapter
    assert how()[0] is False


def test_parts_printed_with_bleed_and_crop_marks_draw_every_page_as_the_one_document(tmp_path):
    """Printed for a print shop (bleed, crop marks), the joined PDF's pages have the one document's size and boxes
    and draw the same, the blank left-hand pages the join adds before a chapter too: it added them of the trimmed
    size, with no bleed box and no marks."""
    import pikepdf
    import pypdfium2
    from PIL import ImageChops

    from conftest import run_cli

    assert run_cli('new', tmp_path / 'book').code == 0  # short chapters, each opening on a right-hand page
    pdfs = []
    for jobs in ('1', '2'):
        book = tmp_path / f'jobs-{jobs}'
        shutil.copytree(tmp_path / 'book', book)
        run = build(book, '--jobs', jobs, '--crop-marks', '--bleed', '3mm', *QUIET)
        assert run.code == 0, run.err
        pdfs.append(next((book / 'dist').glob('*.pdf')))
    one, parts = (pikepdf.open(pdf) for pdf in pdfs)

    def boxes(pdf) -> list[dict]:  # type: ignore[no-untyped-def]
        return [{name: [round(float(v), 3) for v in page.obj[name]] for name in ('/MediaBox', '/TrimBox', '/BleedBox')
                 if name in page.obj} for page in pdf.pages]

    assert boxes(parts) == boxes(one) and all(len(page) == 3 for page in boxes(one))
    # Blank pages the join added, before chapters (the front matter's three pages print text, and each chapter of
    # the new book is one page): the pages that print nothing
    assert any(not text.strip() for text in pdf_pages_text(pdfs[1])[3:])
    images = [[page.render(scale=1).to_pil().convert('RGB') for page in pypdfium2.PdfDocument(pdf)] for pdf in pdfs]
    assert [ImageChops.difference(a, b).getbbox() for a, b in zip(*images)] == [None] * len(images[0])
