"""``coursepack check``: every problem of the sources, nothing written; ``--outputs`` validates dist/."""

from __future__ import annotations

import os
import re

import pytest

from conftest import LOCATED, build, copy_book, copy_built, dist_fingerprint, run_cli


def located(err: str) -> list[tuple[str, int, str, str]]:
    return [(m['path'], int(m['line']), m['level'], m['code']) for m in map(LOCATED.match, err.splitlines()) if m]


def test_check_a_good_book_writes_nothing(tmp_path):
    book = copy_book('minimal', tmp_path)
    run = run_cli('check', book)
    assert run.code == 0, run.err
    assert 'check passed: 0 error(s), 0 warning(s)' in run.out
    assert not (book / 'dist').exists()
    quiet = run_cli('check', book, '--quiet')
    assert (quiet.code, quiet.out, quiet.err) == (0, '', '')


def test_check_reports_every_problem_with_its_location_and_writes_nothing(tmp_path):
    book = copy_book('minimal', tmp_path)
    first = book / 'chapters' / '01-first.md'
    first.write_text(first.read_text().replace('title: The First Chapter', 'titel: The First Chapter'))
    second = book / 'chapters' / '02-second.md'
    second.write_text(second.read_text() + '\nSee [](#frist).\n\n![](missing.png)\n')
    run = run_cli('check', book)
    assert run.code == 1
    assert 'Traceback' not in run.err
    assert located(run.err) == [
        ('chapters/01-first.md', 3, 'error', 'front-matter-unknown-key'),
        ('chapters/02-second.md', 14, 'error', 'xref-unknown'),
        ('chapters/02-second.md', 16, 'error', 'image-alt-missing'),
        ('chapters/02-second.md', 16, 'error', 'image-missing'),
    ], run.err
    assert 'check failed: 4 error(s), 0 warning(s)' in run.err
    assert not (book / 'dist').exists()


def test_check_finds_what_build_finds(tmp_path):
    book = copy_book('minimal', tmp_path)
    second = book / 'chapters' / '02-second.md'
    second.write_text(second.read_text() + '\nSee [](#frist) and ![a map](map.png).\n')
    checked, built = run_cli('check', book), build(book)
    assert checked.code == built.code == 1
    assert located(checked.err) == located(built.err) and located(checked.err)


def test_strict_makes_warnings_fail(tmp_path):
    book = copy_book('minimal', tmp_path)
    second = book / 'chapters' / '02-second.md'
    second.write_text(second.read_text().split('---\n', 2)[2])  # no front matter: a warning
    relaxed = run_cli('check', book)
    assert relaxed.code == 0, relaxed.err
    assert located(relaxed.err) == [('chapters/02-second.md', 1, 'warning', 'front-matter-missing')]
    assert 'check passed: 0 error(s), 1 warning(s)' in relaxed.out
    strict = run_cli('check', book, '--strict')
    assert strict.code == 1
    assert located(strict.err) == [('chapters/02-second.md', 1, 'warning', 'front-matter-missing')]
    assert 'check failed' in strict.err


@pytest.mark.build
def test_check_outputs_validates_the_built_files(minimal_book, tmp_path):
    book = copy_built(minimal_book, tmp_path)
    run = run_cli('check', book, '--outputs')
    assert run.code == 0, run.err
    pdf_line = next(line for line in run.out.splitlines() if '.pdf:' in line)
    epub_line = next(line for line in run.out.splitlines() if '.epub:' in line)
    assert re.search(r'\d+ KiB, \d+ pages; qpdf --check: no problems', pdf_line), pdf_line
    assert re.search(r'2 chapters, \d+ print pages; EPUBCheck 5\.\d+\.\d+: 0 error\(s\), 0 warning\(s\); Ace: ', epub_line), epub_line
    web_line = next(line for line in run.out.splitlines() if '-web:' in line)
    assert re.search(r'2 chapters, \d+ print pages; Nu HTML checker: 0 error\(s\), 0 warning\(s\)', web_line), web_line
    assert 'check passed: 0 error(s), 0 warning(s)' in run.out, run.err


@pytest.mark.build
def test_check_outputs_warns_about_outputs_older_than_their_sources(minimal_book, tmp_path):
    book = copy_built(minimal_book, tmp_path)
    chapter = book / 'chapters' / '02-second.md'
    later = max(p.stat().st_mtime for p in (book / 'dist').iterdir()) + 10
    os.utime(chapter, (later, later))
    run = run_cli('check', book, '--outputs')
    assert run.code == 0, run.err
    stale = [line for line in run.err.splitlines() if 'warning[output-stale]' in line]
    outputs = [p for p in (book / 'dist').iterdir() if p.suffix in ('.pdf', '.epub') or p.name.endswith('-web')]
    assert len(stale) == len(outputs) == 6 and all(line.endswith(': warning[output-stale]: older than chapters/02-second.md, '
                                                 'changed since the last build: run coursepack build') for line in stale)
    assert run_cli('check', book, '--outputs', '--strict').code == 1


@pytest.mark.build
def test_check_outputs_reports_damaged_files(minimal_book, tmp_path):
    book = copy_built(minimal_book, tmp_path)
    pdf = next((book / 'dist').glob('*.pdf'))
    pdf.write_bytes(pdf.read_bytes()[: len(pdf.read_bytes()) // 3])
    epub = next((book / 'dist').glob('*.epub'))
    epub.write_bytes(b'not a zip')
    before = dist_fingerprint(book / 'dist')
    run = run_cli('check', book, '--outputs')
    assert run.code == 1
    errors = [line for line in run.err.splitlines() if ': error[' in line]
    assert errors == [
        f'{epub}: error[output-unreadable]: cannot be opened: BadZipFile: File is not a zip file',
        f'{pdf}: error[output-unreadable]: cannot be opened: PdfError: unable to find trailer dictionary while '
        'recovering damaged file',
    ], run.err
    assert 'check failed: 2 error(s)' in run.err
    assert dist_fingerprint(book / 'dist') == before  # checking changes nothing


@pytest.mark.build
def test_check_outputs_runs_qpdf_on_pdfs_that_open(minimal_book, tmp_path):
    book = copy_built(minimal_book, tmp_path)
    pdf = next((book / 'dist').glob('*.pdf'))
    # The PDFs only: EPUBCheck on the EPUBs is test_check_outputs_validates_the_built_files', and starts a JVM each.
    for epub in (book / 'dist').glob('*.epub'):
        epub.unlink()
    # A wrong cross-reference offset: qpdf recovers and counts the pages, and its check reports the damage.
    pdf.write_bytes(re.sub(rb'startxref\s+(\d+)', lambda m: b'startxref\n%d' % (int(m[1]) + 7), pdf.read_bytes()))
    run = run_cli('check', book, '--outputs')
    assert run.code == 1
    assert f'{pdf}: error[qpdf]: WARNING: file is damaged' in run.err.splitlines(), run.err
    assert re.search(r'\.pdf: \d+ KiB, \d+ pages; qpdf --check: \d+ problem\(s\)', run.out), run.out


def test_check_outputs_without_outputs(tmp_path):
    book = copy_book('minimal', tmp_path)
    run = run_cli('check', book, '--outputs')
    assert run.code == 1
    assert 'error[outputs-missing]: there is no PDF or EPUB to check: run coursepack build first' in run.err


def test_check_reports_an_unknown_citation(tmp_path):
    book = copy_book('minimal', tmp_path)
    (book / 'references.yaml').write_text('- id: kalinovsky2011\n  type: book\n  title: A Long Goodbye\n'
                                          '  issued: {date-parts: [[2011]]}\n')
    second = book / 'chapters' / '02-second.md'
    second.write_text(second.read_text() + '\nAs [@kalinovsky2012, p. 3] says.\n')
    run = run_cli('check', book)
    assert run.code == 1
    line = next(line for line in run.err.splitlines() if 'error[cite-unknown]' in line)
    assert line.startswith('chapters/02-second.md:14:'), line
    assert "no reference 'kalinovsky2012'" in line and "(did you mean 'kalinovsky2011'?)" in line
    assert not (book / 'dist').exists()


def book_with_sources(tmp_path, date: str):
    book = copy_book('minimal', tmp_path)
    (book / 'references.yaml').write_text('- id: kalinovsky2011\n  type: book\n  title: A Long Goodbye\n'
                                          '  issued: {date-parts: [[2011]]}\n')
    (book / 'glossary.yaml').write_text('- key: mujahideen\n  term: mujahideen\n  definition: Fighters.\n')
    (book / 'chronology.yaml').write_text(f'- key: geneva-accords\n  date: "{date}"\n  text: The accords.\n'
                                          '  sources: "[@kalinovsky2011]"\n')
    second = book / 'chapters' / '02-second.md'
    second.write_text(second.read_text() + '\nAs [@kalinovsky2012, p. 3] says, the [rebels]{.term key=mujahedin}\n'
                      'signed [the accords]{.event key=geneva-accords}.\n')
    return book


def test_check_reports_unknown_citation_and_term_together(tmp_path):
    book = book_with_sources(tmp_path, '1988-04-14')
    run = run_cli('check', book)
    assert run.code == 1
    errors = [(path, line, code) for path, line, level, code in located(run.err) if level == 'error']
    # In reading order: the citation comes first on its line.
    assert errors == [('chapters/02-second.md', 14, 'cite-unknown'), ('chapters/02-second.md', 14, 'term-unknown')]
    assert "no reference 'kalinovsky2012' (did you mean 'kalinovsky2011'?)" in run.err
    assert "no glossary term 'mujahedin' (did you mean 'mujahideen'?)" in run.err
    assert not (book / 'dist').exists()


def test_check_reports_an_invalid_date(tmp_path):
    book = copy_book('minimal', tmp_path)
    (book / 'chronology.yaml').write_text('- key: geneva-accords\n  date: "1988-14-04"\n  text: The accords.\n')
    run = run_cli('check', book)
    assert run.code == 1
    assert located(run.err)[0] == ('chronology.yaml', 2, 'error', 'event-date'), run.err
    assert 'chronology.yaml:2:9: error[event-date]' in run.err  # at the date itself
    assert not (book / 'dist').exists()


def test_check_reports_unknown_citation_term_and_date_in_one_run(tmp_path):
    book = book_with_sources(tmp_path, '1988-14-04')
    run = run_cli('check', book)
    assert run.code == 1
    errors = {(path, code) for path, _, level, code in located(run.err) if level == 'error'}
    assert {('chapters/02-second.md', 'cite-unknown'), ('chapters/02-second.md', 'term-unknown'),
            ('chronology.yaml', 'event-date')} <= errors, run.err
    assert not (book / 'dist').exists()
