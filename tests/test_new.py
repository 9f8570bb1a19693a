"""``coursepack new DIR``: a book folder that builds at once, from the scaffold in builder/scaffold/."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

from conftest import build, epub_files, epubcheck, pdf_pages_text, run_cli, xhtml_text

SCAFFOLD = Path(__file__).parent.parent / 'builder' / 'scaffold'


@pytest.fixture(scope='session')
def new_book(tmp_path_factory):
    target = tmp_path_factory.mktemp('new') / 'mybook'
    created = run_cli('new', target)
    assert created.code == 0, created.err
    assert f'created {target}' in created.out
    run = build(target)
    assert run.code == 0, run.err
    return run


@pytest.mark.build
def test_new_book_has_what_the_readme_promises(new_book):
    book = new_book.book
    for name in ('book.yaml', 'README.md', 'references.yaml', 'glossary.yaml', 'chronology.yaml',
                 'styles/print.css', 'styles/epub.css', '.gitignore'):
        assert (book / name).is_file(), name
    chapters = sorted((book / 'chapters').glob('*.md'))
    assert len(chapters) == 2
    text = '\n'.join(c.read_text() for c in chapters)
    for syntax in ('[@kalinovsky2011, p. 12]', '@cordovez1995 describe', '[mujahideen]{.term}',
                   '{.event key=geneva-accords}', '::: {.instructor}', '[^sources]', '](#geneva)'):
        assert syntax in text, syntax
    assert 'What to edit first' in (book / 'README.md').read_text()


@pytest.mark.build
def test_new_book_builds_at_once(new_book):
    pages = pdf_pages_text(new_book.output('.pdf'))
    text = '\n'.join(pages)
    assert 'My Course Pack' in pages[0]
    assert 'Introduction' in text and 'The Geneva Accords' in text
    assert 'proximity talks' in text
    epub = epub_files(new_book.output('.epub'))
    instructor = epub_files(new_book.output('.epub', 'instructor'))
    # The example's instructor note is in the instructor edition only.
    assert 'positive symmetry' not in xhtml_text(epub['EPUB/geneva.xhtml'])
    assert 'positive symmetry' in xhtml_text(instructor['EPUB/geneva.xhtml'])
    # The book's own styles override the bundled ones.
    assert b'styles/book.css' in epub['EPUB/content.opf']


@pytest.mark.build
def test_new_book_passes_epubcheck(new_book):
    epubcheck(new_book.output('.epub'))


@pytest.mark.build
def test_new_book_citations_are_formatted(new_book):
    text = ' '.join(pdf_pages_text(new_book.output('.pdf')))
    assert '[@' not in text and '@cordovez1995' not in text
    assert 'Kalinovsky' in text and 'A Long Goodbye' in text  # the citation and the bibliography


@pytest.mark.build
def test_new_book_has_glossary_and_chronology(new_book):
    text = ' '.join(pdf_pages_text(new_book.output('.pdf')))
    assert 'The communist party that took power in Kabul in April 1978.' in ' '.join(text.split())
    assert 'The last Soviet troops leave Afghanistan.' in ' '.join(text.split())


def test_new_refuses_an_existing_folder(tmp_path):
    target = tmp_path / 'mybook'
    target.mkdir()
    (target / 'notes.md').write_text('mine')
    run = run_cli('new', target)
    assert run.code == 2
    assert run.err == f'coursepack: error: {target} already exists and is not empty; choose a new folder name\n'
    assert [p.name for p in target.iterdir()] == ['notes.md']
    assert (target / 'notes.md').read_text() == 'mine'
    file = tmp_path / 'file'
    file.write_text('x')
    assert run_cli('new', file).code == 2 and file.read_text() == 'x'


def test_new_fills_an_empty_folder(tmp_path):
    target = tmp_path / 'empty'
    target.mkdir()
    assert run_cli('new', target).code == 0
    assert (target / 'book.yaml').is_file()
    assert run_cli('check', target).code == 0


def test_every_resource_file_is_package_data():
    """A file under builder/ that no package-data pattern names would be missing from an installed coursepack
    (.ci/run installs a wheel elsewhere and builds a book with it)."""
    package = SCAFFOLD.parent
    config = tomllib.loads((package.parent / 'pyproject.toml').read_text())
    patterns = config['tool']['setuptools']['package-data']['*']
    files = [p for p in package.rglob('*') if p.is_file() and p.suffix not in ('.py', '.pyc')
             and not {'dist', '.coursepack-cache'} & set(p.parts)]
    assert any(p.suffix == '.ttf' for p in files) and any(p.name == '.gitignore' for p in files)
    missing = [f for f in files if not any(fnmatch.fnmatch(f.name, pattern) for pattern in patterns)]
    assert not missing, missing
