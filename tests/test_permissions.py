"""The permissions ledger in the outputs of tests/books/permissions: the acknowledgements back matter, the credit
line under a block quote, the rights metadata, printed pages × copies, and what moved after an edit."""

from __future__ import annotations

import csv
import io
import re

import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import (DC, OPF, XHTML, Run, build, build_once, copy_built, epub_files, epubcheck, page_labels,
                      pdf_pages_text, run_cli)

pytestmark = pytest.mark.build  # every test here lays out a book

# One line per quoted source, in the references file's order, as the back matter prints them.
CREDIT_LINES = [
    '“An Open Essay” by Ada Writer, licensed CC BY 4.0.',
    'Old Letters. Public domain.',
    'A Fair Manual. Rights holder: Manual Press. Quoted under fair dealing.',
    'Reproduced by permission of the Report Office.',
    'A Reserved Diary. Rights holder: The Diary Heirs. All rights reserved.',
    'A Silent Source. Rights holder: not stated. License not stated.',
    'Une chronique. Rights holder: Chronique SA. License: CC-BY-SA-4.0.',
]


@pytest.fixture(scope='module')
def ledger_book(tmp_path_factory) -> Run:
    return build_once(tmp_path_factory, 'permissions')


def flat(text: str) -> str:
    return ' '.join(text.split())


def test_pdf_prints_the_acknowledgements_and_a_credit_line_under_the_block_quote(ledger_book):
    pages = [flat(p) for p in pdf_pages_text(ledger_book.output('.pdf'))]
    last = pages[-1]
    assert last.startswith('Permissions and acknowledgments')
    assert [line for line in CREDIT_LINES if line in last] == CREDIT_LINES
    quote = next(p for p in pages if 'Copy shops keep a register' in p)
    assert quote.index('Copy shops keep a register') < quote.index('Reproduced by permission of the Report Office.')
    rights = PdfReader(ledger_book.output('.pdf')).metadata['/rights']
    assert rights.startswith('Fixture text written for the Coursepack tests.')
    assert all(line in rights for line in CREDIT_LINES)


def test_epub_has_the_section_the_landmark_and_dc_rights(ledger_book):
    epub = ledger_book.output('.epub')
    files = epub_files(epub)
    section = etree.fromstring(files['EPUB/permissions.xhtml'])
    assert [flat(''.join(li.itertext())) for li in section.iter(f'{XHTML}li')] == CREDIT_LINES
    assert 'epub:type="acknowledgments"' in files['EPUB/nav.xhtml'].decode()
    opf = etree.fromstring(files['EPUB/content.opf'])
    rights = opf.find(f'.//{OPF}metadata/{DC}rights').text
    assert 'License: CC-BY-SA-4.0.' in rights and 'Public domain.' in rights
    chapter = etree.fromstring(files['EPUB/reserved.xhtml'])
    credit = chapter.find(f'.//{XHTML}blockquote/{XHTML}p[@class="credit-line"]')
    assert credit.text == 'Reproduced by permission of the Report Office.'
    epubcheck(epub)
    epubcheck(ledger_book.output('.epub', 'instructor'))


def test_usage_is_the_printed_pages_times_the_copies(ledger_book):
    run = run_cli('permissions', ledger_book.book, '--copies', '30', '--quiet')
    assert run.code == 0, run.err
    rows = {r['Source']: r for r in csv.DictReader(io.StringIO((run.dist / 'permissions.csv').read_text()))
            if r['Output'] == 'permissions-ledger'}
    pages = [flat(p) for p in pdf_pages_text(ledger_book.output('.pdf'))]
    labels = page_labels(ledger_book.output('.pdf'))  # the numbers the pages print
    # The pages on which each source's quotations are printed, found in the PDF's text.
    for source, words in (('granted-report', 'nine of ten copy shops'), ('fair-manual', 'Every excerpt must')):
        printed = [labels[n] for n, text in enumerate(pages) if words in text]
        assert rows[source]['Printed pages'] == ', '.join(map(str, printed))
        assert int(rows[source]['Pages × copies']) == 30 * len(printed)


def quotation_pages(pdf) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The first words of each quotation of chapter 1 -> the number printed on the PDF page that prints them."""
    texts, labels = [flat(p) for p in pdf_pages_text(pdf)], page_labels(pdf)
    openings = ['open texts travel', 'grey and crowded', 'un pari audacieux', 'openness', 'Every excerpt must',
                'the acknowledgement names']
    return {o: next(labels[n] for n, t in enumerate(texts) if o in t and 'Permissions and' not in t)
            for o in openings}


def test_inserting_a_paragraph_lists_exactly_the_passages_that_moved(ledger_book, tmp_path):
    book = copy_built(ledger_book, tmp_path)
    before = quotation_pages(book / 'dist' / 'permissions-ledger.pdf')
    chapter = book / 'chapters' / '01-open.md'
    text = chapter.read_text()
    inserted = 'An inserted paragraph, long enough to move what follows it to another page. ' * 45
    chapter.write_text(text.replace('A scare-quoted', inserted + '\n\nA scare-quoted', 1))
    run = build(book)
    assert run.code == 0, run.err
    after = quotation_pages(book / 'dist' / 'permissions-ledger.pdf')
    moved = {o for o in before if before[o] != after[o]}
    assert moved and moved != set(before)  # the paragraph moves some passages, not those above it
    report = (book / 'dist' / 'page-changes.txt').read_text()
    student = report.split('\n\n')[0]
    listed = {o for o in before if re.search(rf'quotation “{re.escape(o)}', student)}
    assert listed == moved, student
    assert all(f': {before[o]} → {after[o]}' in next(l for l in student.splitlines() if o in l) for o in moved)
    assert 'permissions-ledger-instructor differs from permissions-ledger on pages:' in report
    check = run_cli('check', book, '--pages', '--quiet')
    assert report in check.out
