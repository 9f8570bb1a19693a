"""The permissions ledger on tests/books/permissions, without laying it out: rights data, extents counted by
hand, ``check --strict``, ``coursepack permissions`` and its CSV and HTML."""

from __future__ import annotations

import csv
import io
import re

from lxml import html

from builder.citations.load import load_references
from builder.citations.terms import locator_terms
from builder.diagnostics import Diagnostics, SourceLocation
from builder.options import BuildOptions
from builder.pipeline import check, ledger
from conftest import BOOKS, LOCATED, copy_book, replace_text, run_cli, set_key

BOOK = BOOKS / 'permissions'

# Counted by hand from the chapters of tests/books/permissions: (passages, words, longest) of each source.
STUDENT = {
    'open-essay': (2, 8, 7),  # "open texts travel further than closed ones" 7; "openness" 1 (paired with @open-essay)
    'old-letters': (2, 6, 5),  # "grey and crowded at dawn" 5 (narrative @old-letters); "candour" 1
    'fair-manual': (2, 33, 25),  # the block quote "Every excerpt … acknowledged." 25; "the acknowledgement … title" 8
    'granted-report': (2, 47, 36),  # "nine of ten … pages" 11; the block quote "Copy shops keep … each term." 36
    'reserved-diary': (1, 9, 9),  # "we left at noon and did not look back" 9
    'silent-source': (1, 5, 5),  # "silence is also an answer" 5
    'french-chronicle': (1, 3, 3),  # « un pari audacieux » 3; its translation ("a bold wager") is not counted
}
# The instructor edition adds its teaching note: "sharing is a kind of publishing" 6 (open-essay).
INSTRUCTOR = {**STUDENT, 'open-essay': (3, 14, 7)}
# Not counted: "term" (its sentence has no citation).


def the_ledger():  # type: ignore[no-untyped-def]
    return ledger(check(BOOK, BuildOptions(cache=False), Diagnostics()))  # nothing written into the checkout


def test_extents_equal_the_counts_made_by_hand():
    found = the_ledger()
    student, instructor = found.scopes[:2]
    for scope, expected in ((student, STUDENT), (instructor, INSTRUCTOR)):
        got = {r.id: (len(found.extent(scope, r.id).passages), found.extent(scope, r.id).words,
                      found.extent(scope, r.id).longest) for r in found.references}
        assert got == expected, scope
    english = locator_terms('en')  # CSL's terms, from Pandoc
    assert found.extent(student, 'fair-manual').places(english) == 'pp. 3–5, 9'
    assert found.extent(student, 'granted-report').places(english) == 'pp. 12, 14–15'
    assert found.extent(student, 'granted-report').places(locator_terms('de')) == 'S. 12, 14–15'
    assert found.extent(student, 'fair-manual').share(next(r.rights for r in found.references
                                                           if r.id == 'fair-manual')) == 4 / 20


def test_extents_per_handout():
    found = the_ledger()
    handouts = {s.chapter_id: s for s in found.scopes if s.chapter_id}
    assert set(handouts) == {'open', 'reserved'}
    assert found.extent(handouts['open'], 'open-essay').words == 8
    assert found.extent(handouts['reserved'], 'open-essay').words == 0  # the teaching note is the instructor's
    assert found.extent(handouts['reserved'], 'granted-report').words == 47


def test_rights_are_read_and_kept_out_of_the_csl_data():
    references = load_references(BOOK, None, Diagnostics(), SourceLocation('book.yaml'))
    granted = next(r for r in references if r.id == 'granted-report')
    assert 'rights' not in granted.data  # the citation formatter never sees it
    assert granted.rights is not None and granted.rights.permission == 'letter CP-7'
    assert str(granted.rights.expires) == '2025-01-31' and granted.rights.fee == '40 EUR'
    assert next(r for r in references if r.id == 'fair-manual').rights.length == ('pages', 20)


def test_check_warns_and_strict_fails_located_naming_the_source(tmp_path):
    book = copy_book('permissions', tmp_path)
    assert run_cli('check', book).code == 0
    strict = run_cli('check', book, '--strict')
    assert strict.code == 1
    found = [LOCATED.match(line) for line in strict.err.splitlines() if LOCATED.match(line)]
    assert [(m['where'], m['code']) for m in found] == [
        ('chapters/01-open.md:15:149', 'excerpt-limit'),
        ('chapters/02-reserved.md:9:69', 'permission-missing'),
        ('chapters/02-reserved.md:11:72', 'rights-missing'),
        ('references.yaml:40:14', 'permission-expired'),
    ]
    messages = {m['code']: m['msg'] for m in found}
    assert "'silent-source'" in messages['rights-missing'] and '5 words' in messages['rights-missing']
    assert "'fair-manual'" in messages['excerpt-limit'] and '33 words' in messages['excerpt-limit']
    assert "'granted-report'" in messages['permission-expired'] and '2025-01-31' in messages['permission-expired']


def test_malformed_rights_are_located_errors_with_did_you_mean(tmp_path):
    book = copy_book('permissions', tmp_path)
    replace_text(book, 'references.yaml', '    licence: CC-BY-4.0\n', '    license: CC-BY-4.0\n')
    replace_text(book, 'references.yaml', '    licence: CC-BY-SA-4.0\n', '    licence: CC-BY-SA-4.1\n')
    replace_text(book, 'references.yaml', '    length: {pages: 20}\n', '    length: 20 pages\n')
    replace_text(book, 'references.yaml', '    expires: 2025-01-31\n', '    expires: end of January\n')
    run = run_cli('check', book)
    assert run.code == 1
    errors = {(m['where'], m['code']): m['msg'] for m in map(LOCATED.match, run.err.splitlines()) if m}
    assert "did you mean 'licence'" in errors[('references.yaml:10:5', 'rights-field')]
    assert 'SPDX' in errors[('references.yaml:63:14', 'rights-value')]
    assert "'pages: 320'" in errors[('references.yaml:29:13', 'rights-value')]
    assert 'YYYY-MM-DD' in errors[('references.yaml:40:14', 'rights-value')]


def test_excerpt_limit_is_declared_in_book_yaml(tmp_path):
    book = copy_book('permissions', tmp_path)
    replace_text(book, 'book.yaml', 'share: 10%', 'share: ten')
    run = run_cli('check', book)
    assert run.code == 1 and 'book.yaml:7:' in run.err and "'ten' is not a share" in run.err


def test_permissions_command_writes_the_csv_and_html(tmp_path):
    book = copy_book('permissions', tmp_path)
    run = run_cli('permissions', book, '--copies', '25', '--quiet')
    assert run.code == 0, run.err
    assert run.out.startswith('| Source | License | Passages | Words quoted |')
    assert '| fair-manual | Quoted under fair dealing | 2 | 33 | 25 | pp. 3–5, 9 | 20.0% |' in run.out
    rows = list(csv.DictReader(io.StringIO((book / 'dist' / 'permissions.csv').read_text())))
    student = {r['Source']: r for r in rows if r['Output'] == 'permissions-ledger'}
    instructor = {r['Source']: r for r in rows if r['Output'] == 'permissions-ledger-instructor'}
    assert {k: (int(v['Passages']), int(v['Words quoted']), int(v['Longest passage (words)']))
            for k, v in student.items()} == STUDENT
    assert instructor['open-essay']['Words quoted'] == '14'
    granted = student['granted-report']
    assert (granted['Rights holder'], granted['License'], granted['Permission'], granted['Permission date'],
            granted['Expires'], granted['Fee']) == ('Report Office', 'Reproduced by permission', 'letter CP-7',
                                                    '2024-01-10', '2025-01-31', '40 EUR')
    assert student['open-essay']['Credit line'] == '“An Open Essay” by Ada Writer, licensed CC BY 4.0.'
    assert student['silent-source']['License'] == 'License not stated'
    assert student['silent-source']['Rights holder'] == 'not stated'
    assert student['fair-manual']['Copies'] == '25' and student['fair-manual']['Pages × copies'] == ''  # not built
    assert {r['Output'] for r in rows} == {'permissions-ledger', 'permissions-ledger-instructor', 'handouts/open',
                                          'handouts/reserved'}
    page = html.fromstring((book / 'dist' / 'permissions.html').read_bytes())
    assert page.findtext('.//h1') == 'Permissions ledger: Permissions Ledger'
    first = page.find('.//table')
    cells = [[td.text_content() for td in tr.findall('td')] for tr in first.findall('.//tbody/tr')]
    assert ['fair-manual', 'A Fair Manual', 'Manual Press', 'Quoted under fair dealing'] == cells[2][:4]
    # Reproducible: the same book gives the same bytes.
    again = (book / 'dist' / 'permissions.csv').read_bytes()
    assert run_cli('permissions', book, '--copies', '25', '--quiet').code == 0
    assert (book / 'dist' / 'permissions.csv').read_bytes() == again


def test_a_book_that_records_no_rights_is_not_cleared(tmp_path):
    book = copy_book('permissions', tmp_path)
    references = book / 'references.yaml'
    references.write_text(re.sub(r'\n  rights:\n(    .*\n)+', '\n', references.read_text()))
    replace_text(book, 'book.yaml', 'excerpt-limit: {words: 30, share: 10%}\n', '')
    run = run_cli('check', book, '--strict')
    assert run.code == 0, run.err


def test_a_note_style_counts_the_same_passages(tmp_path):
    book = copy_book('permissions', tmp_path)
    set_key(book, 'citation-style: chicago-notes-bibliography')
    found = ledger(check(book, BuildOptions(), Diagnostics()))
    student = found.scopes[0]
    assert {r.id: found.extent(student, r.id).words for r in found.references} == \
        {key: words for key, (_, words, _) in STUDENT.items()}
    assert all(p.citation_id for r in found.references for p in found.extent(student, r.id).passages)
