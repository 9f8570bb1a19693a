"""An output whose rendering an edit did not change is taken from the last build (``builder/write/kept_outputs.py``):
the same files as a clean build's, the same warnings, and never a file changed since."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from builder.citations.cache import cached_formatting
from builder.citations.format import CitationUse, Formatted
from builder.diagnostics import Diagnostic, Level, SourceLocation
from builder.model import CiteItem
from conftest import REPO, build, copy_book, dist_fingerprint, pdf_pages_text, png, replace_text, run_cli

OUTPUTS = '.coursepack-cache/outputs'


def records(book, folder: str = '') -> dict[str, int]:
    """The time each kept output's record was written, by output."""
    return {p.parent.relative_to(book / OUTPUTS).as_posix(): p.stat().st_mtime_ns
            for p in (book / OUTPUTS / folder).rglob('record.json')}


def warnings(run) -> list[str]:
    return sorted(line for line in run.err.splitlines() if 'warning[' in line)


@pytest.mark.build
def test_handouts_an_edit_left_alone_are_taken_from_the_last_build(tmp_path):
    book = copy_book('outputs', tmp_path / 'kept')
    # A warning that a handout's layout gives: reported again when its files are taken
    replace_text(book, 'chapters/03-retreat.md', '## The Roads North {#retreat-roads}',
                 '## The Roads North {#retreat-roads}\n\nSee [the box](#retreat-box).\n\n'
                 '::: {#retreat-box}\nA box the print styles hide.\n:::')
    (book / 'styles').mkdir()
    (book / 'styles' / 'print.css').write_text('#retreat-box { display: none }\n')
    first = run_cli('handouts', book)
    assert first.code == 0, first.err
    before = records(book)
    assert sorted(before) == ['handouts/geneva', 'handouts/origins', 'handouts/retreat']

    replace_text(book, 'chapters/02-geneva.md', 'Analysts noted the last shared note',
                 'Analysts, in the end, noted the last shared note')
    again = run_cli('handouts', book)
    assert again.code == 0, again.err
    after = records(book)
    assert sorted(k for k in before if after[k] == before[k]) == ['handouts/origins', 'handouts/retreat']
    assert after['handouts/geneva'] != before['handouts/geneva']  # made again, and kept for the next build

    clean = copy_book('outputs', tmp_path / 'clean')
    for name in ('chapters/03-retreat.md', 'chapters/02-geneva.md', 'styles/print.css'):
        (clean / name).parent.mkdir(exist_ok=True)
        (clean / name).write_text((book / name).read_text())
    reference = run_cli('handouts', clean, '--no-cache')
    assert reference.code == 0, reference.err
    assert dist_fingerprint(again.dist) == dist_fingerprint(reference.dist)
    assert warnings(again) == warnings(reference) == warnings(first)
    assert any("warning[link-unprinted]: links lead to '#retreat-box'" in line for line in warnings(again)), again.err


@pytest.mark.build
def test_handouts_that_keep_the_course_packs_numbers_are_made_again_when_an_edit_moves_their_pages(tmp_path):
    books = [copy_book('outputs', tmp_path / name) for name in ('kept', 'clean')]
    for book in books:
        with (book / 'book.yaml').open('a') as f:
            f.write('handouts:\n  page-numbers: course-pack\n')
    book = books[0]
    assert run_cli('handouts', book, '--format', 'pdf').code == 0
    before = records(book)
    # Pages more in the first chapter: the chapters after it start later
    replace_text(book, 'chapters/01-origins.md', '\n## ', '\n' + 'An added sentence that fills pages. ' * 400
                 + '\n\n## ')
    run = run_cli('handouts', book, '--format', 'pdf')
    assert run.code == 0, run.err
    after = records(book)
    assert all(after[k] != before[k] for k in before), (before, after)

    clean = books[1]
    (clean / 'chapters' / '01-origins.md').write_text((book / 'chapters' / '01-origins.md').read_text())
    reference = run_cli('handouts', clean, '--format', 'pdf', '--no-cache')
    assert reference.code == 0, reference.err
    assert dist_fingerprint(run.dist / 'handouts') == dist_fingerprint(reference.dist / 'handouts')


@pytest.mark.build
def test_an_edit_of_one_edition_takes_the_other_from_the_last_build(tmp_path):
    book = copy_book('outputs', tmp_path / 'kept')
    assert build(book).code == 0
    before = records(book)
    assert len(before) == 2  # the student and the instructor editions, each a PDF, an EPUB and a web edition

    replace_text(book, 'chapters/02-geneva.md', 'The guarantees were signed on 14 April 1988.',
                 'The guarantees were signed in Geneva on 14 April 1988.')  # instructor-only
    run = build(book)
    assert run.code == 0, run.err
    after = records(book)
    assert [k for k in before if after[k] == before[k]] == [min(before, key=len)]  # the student edition's

    clean = copy_book('outputs', tmp_path / 'clean')
    (clean / 'chapters' / '02-geneva.md').write_text((book / 'chapters' / '02-geneva.md').read_text())
    reference = build(clean, '--no-cache')
    assert reference.code == 0, reference.err
    outputs = lambda dist: {k: v for k, v in dist_fingerprint(dist).items() if k != 'page-changes.txt'}  # noqa: E731
    assert outputs(run.dist) == outputs(reference.dist)


@pytest.mark.build
def test_an_output_changed_since_in_the_output_folder_is_made_again(tmp_path):
    # The output folder's files and the kept ones are one file each (hard links): one changed in place is changed
    # in both, and is not taken.
    book = copy_book('outputs', tmp_path)
    assert run_cli('handouts', book, '--format', 'pdf').code == 0
    handout = book / 'dist' / 'handouts' / 'origins.pdf'
    made = handout.read_bytes()
    with handout.open('r+b') as pdf:
        pdf.seek(0)
        pdf.write(b'%PDF-1.0')  # as an editor saving in place might
    replace_text(book, 'chapters/02-geneva.md', 'Analysts noted', 'Analysts, in the end, noted')
    run = run_cli('handouts', book, '--format', 'pdf')
    assert run.code == 0, run.err
    assert handout.read_bytes() == made


def test_every_formatting_a_build_makes_is_kept(tmp_path):
    """A build formats the citations of the whole book and of each handout: each is kept for the next build, not
    pushed out by the next handout's (with a cache of 16, handouts of 16 chapters or more all ran Pandoc again)."""
    (tmp_path / 'style.csl').write_text('a style')
    made = []

    def formatted(n: int) -> Formatted:
        use = CitationUse(f'cite-{n}', (CiteItem(f'key{n}'),), SourceLocation('chapters/a.md', n), f'chapter-{n}')

        def compute() -> Formatted:
            made.append(n)
            return Formatted({use.id: f'({n})'}, {}, ())
        return cached_formatting(tmp_path, (), [use], tmp_path / 'style.csl', None, compute, made=30)

    for _ in range(2):
        assert [formatted(n).citations for n in range(30)] == [{f'cite-{n}': f'({n})'} for n in range(30)]
    assert made == list(range(30))  # each formatted once, by the first build
    assert len(list((tmp_path / '.coursepack-cache' / 'citations').glob('*.json'))) == 30


@pytest.mark.build
def test_the_files_of_an_output_the_book_no_longer_has_are_not_kept(tmp_path):
    book = copy_book('outputs', tmp_path)
    assert build(book, '--format', 'pdf').code == 0
    assert run_cli('handouts', book, '--format', 'pdf').code == 0
    editions = sorted(records(book))[3:]
    assert len(editions) == 2
    assert sorted(records(book))[:3] == ['handouts/geneva', 'handouts/origins', 'handouts/retreat']

    replace_text(book, 'chapters/03-retreat.md', 'id: retreat', 'id: the-retreat')  # its handout's name
    stopped = book / OUTPUTS / 'handouts' / '.origins.x1y2z3'  # what a build stopped while keeping one left
    (stopped / 'pdf').mkdir(parents=True)
    run = run_cli('handouts', book, '--format', 'pdf')
    assert run.code == 0, run.err
    assert not stopped.exists()
    assert sorted(records(book)) == ['handouts/geneva', 'handouts/origins', 'handouts/the-retreat',
                                     *editions]  # the editions' kept too


@pytest.mark.build
def test_a_cache_that_cannot_be_written_to_keeps_no_output_and_fails_no_build(tmp_path):
    book = copy_book('outputs', tmp_path)
    assert run_cli('handouts', book, '--format', 'pdf').code == 0
    replace_text(book, 'chapters/02-geneva.md', 'Analysts noted', 'Analysts, in the end, noted')
    prefix: list[str] = []
    if os.geteuid() == 0:  # root writes anywhere unless the build runs without that capability
        if not shutil.which('setpriv'):
            pytest.skip('running as root without setpriv (util-linux), a folder cannot be made read-only')
        prefix = ['setpriv', '--bounding-set=-dac_override,-dac_read_search']
    folder = book / OUTPUTS / 'handouts'
    before = records(book)
    folder.chmod(0o555)
    try:
        run = subprocess.run([*prefix, sys.executable, '-m', 'builder', 'handouts', str(book), '--format', 'pdf'],
                             cwd=REPO, capture_output=True, text=True, timeout=300)
    finally:
        folder.chmod(0o755)
    assert run.returncode == 0, run.stderr
    assert 'Traceback' not in run.stderr and 'internal error' not in run.stderr
    assert records(book) == before  # geneva's files made, but not kept again
    text = ' '.join(' '.join(pdf_pages_text(book / 'dist' / 'handouts' / 'geneva.pdf')).split())
    assert 'Analysts, in the end, noted' in text


@pytest.mark.build
def test_an_image_outside_the_builds_inputs_is_read_for_the_key(tmp_path):
    """An image in a dot folder is no input the up-to-date check lists, but a chapter can show it: a new one makes
    the handout that shows it again, and its part (a handout is laid out in parts)."""
    books = [copy_book('outputs', tmp_path / name) for name in ('kept', 'clean')]
    for book in books:
        (book / '.art').mkdir()
        (book / '.art' / 'map.png').write_bytes(png())
        replace_text(book, 'chapters/01-origins.md', '\n## ', '\n![A map of the roads](../.art/map.png)\n\n## ')
    book = books[0]
    assert run_cli('handouts', book, '--format', 'pdf').code == 0, 'first build'
    before = records(book)
    for changed in books:
        (changed / '.art' / 'map.png').write_bytes(png(60, 30))
        replace_text(changed, 'chapters/02-geneva.md', 'Analysts noted', 'Analysts, in the end, noted')
    run = run_cli('handouts', book, '--format', 'pdf')
    assert run.code == 0, run.err
    after = records(book)
    assert sorted(k for k in before if after[k] == before[k]) == ['handouts/retreat']
    reference = run_cli('handouts', books[1], '--format', 'pdf', '--no-cache')
    assert reference.code == 0, reference.err
    assert dist_fingerprint(run.dist / 'handouts') == dist_fingerprint(reference.dist / 'handouts')


@pytest.mark.build
def test_handouts_of_many_chapters_keep_each_ones_citations(tmp_path):
    """The citations of each handout are formatted once, and kept for the next build: a build of 18 handouts
    formats 19 times (the book, each handout), all kept, where the cache kept 16 and pushed each handout's out."""
    book = copy_book('citations', tmp_path)
    text = (book / 'chapters' / '01-decision.md').read_text()
    for n in range(4, 19):
        body = text.replace('id: decision', f'id: decision-{n}').replace('{#decision-sources}', f'{{#sources-{n}}}')
        (book / 'chapters' / f'{n:02}-decision.md').write_text(body)
    run = run_cli('handouts', book, '--format', 'pdf')
    assert run.code == 0, run.err
    assert len(list((book / '.coursepack-cache' / 'citations').glob('*.json'))) == 19


@pytest.mark.build
def test_an_edition_lays_out_again_the_part_that_shows_a_new_image_outside_the_inputs(tmp_path):
    """The parts' key has the images the book shows, wherever they are: the part was taken from the last build."""
    books = [copy_book('outputs', tmp_path / name) for name in ('kept', 'clean')]
    for book in books:
        (book / '.art').mkdir()
        (book / '.art' / 'map.png').write_bytes(png())
        replace_text(book, 'chapters/01-origins.md', '\n## ', '\n![A map of the roads](../.art/map.png)\n\n## ')
    assert build(books[0], '--format', 'pdf').code == 0, 'first build'
    for changed in books:
        (changed / '.art' / 'map.png').write_bytes(png(60, 30))
        replace_text(changed, 'chapters/02-geneva.md', 'Analysts noted', 'Analysts, in the end, noted')
    run = build(books[0], '--format', 'pdf')
    assert run.code == 0, run.err
    reference = build(books[1], '--format', 'pdf', '--no-cache')
    assert reference.code == 0, reference.err
    pdfs = {name: sha for name, sha in dist_fingerprint(run.dist).items() if name.endswith('.pdf')}
    assert len(pdfs) == 2 and pdfs == {name: sha for name, sha in dist_fingerprint(reference.dist).items()
                                       if name.endswith('.pdf')}


def test_a_formatting_pandoc_failed_is_not_kept(tmp_path):
    """Pandoc failed once (killed, out of memory): the next build runs it again, rather than report the failure
    it kept."""
    (tmp_path / 'style.csl').write_text('a style')
    use = CitationUse('cite-1', (CiteItem('key'),), SourceLocation('chapters/a.md', 1), 'chapter-1')
    failed = Formatted({}, {}, (Diagnostic(Level.ERROR, 'citeproc', 'Pandoc could not format the citations: killed',
                                           use.location),))
    worked = Formatted({use.id: '(1)'}, {}, ())
    for result in (failed, worked, worked):
        kept = cached_formatting(tmp_path, (), [use], tmp_path / 'style.csl', None, lambda result=result: result)
        assert kept == result
