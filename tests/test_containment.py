"""A build reads only files inside the book folder: each way a file is named, with a symlink or ``..`` out of it.

Each case links (or points) a book file at a secret outside the book and
checks the refusal: its message and location, exit code 1, no traceback, the
secret in no output, and dist/ as the last good build left it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CHAPTER, build, copy_book, copy_built, dist_fingerprint, epubcheck, png, run_cli

pytestmark = pytest.mark.build  # every test here lays out a book

SECRET = 'SECRET-FROM-OUTSIDE'


def link(book: Path, name: str, target: Path) -> None:
    (book / name).parent.mkdir(parents=True, exist_ok=True)
    (book / name).symlink_to(target)


def add(book: Path, name: str, text: str) -> None:
    path = book / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((path.read_text() if path.exists() else '') + text)


def glob_chapter(book: Path, outside: Path) -> None:
    link(book, 'chapters/03-notes.md', outside / 'secret.md')


def endless_chapter(book: Path, outside: Path) -> None:
    link(book, 'chapters/03-notes.md', Path('/dev/zero'))  # hashed for the cache, it would be read without end


def listed_chapter(book: Path, outside: Path) -> None:
    link(book, 'chapters/03-notes.md', outside / 'secret.md')
    add(book, 'book.yaml', 'chapters:\n  - chapters/01-first.md\n  - chapters/03-notes.md\n')


def data_file(book: Path, outside: Path) -> None:
    link(book, 'glossary.yaml', outside / 'secret.yaml')


def image(book: Path, outside: Path) -> None:
    link(book, 'chapters/map.png', outside / 'secret.png')
    add(book, CHAPTER, '\n![A map](map.png)\n')


def stylesheet(book: Path, outside: Path) -> None:
    link(book, 'styles/print.css', outside / 'secret.css')


def font(book: Path, outside: Path) -> None:
    link(book, 'styles/fonts/book.ttf', outside / 'secret.ttf')
    add(book, 'styles/print.css', '/* the book font */\n@font-face { font-family: Book; src: url(fonts/book.ttf); }\n')


def svg_reference(book: Path, outside: Path) -> None:
    add(book, 'chapters/map.svg', '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        '  <image xlink:href="../../secret.png" width="8" height="8"/>\n</svg>\n')
    add(book, CHAPTER, '\n![A map](map.svg)\n')


def svg_file_url(book: Path, outside: Path) -> None:
    add(book, 'chapters/map.svg', '<svg xmlns="http://www.w3.org/2000/svg">\n'
        f'  <image href="file://{outside}/secret.png" width="8" height="8"/>\n</svg>\n')
    add(book, CHAPTER, '\n![A map](map.svg)\n')


# route: (how the secret is named, the diagnostic's location and code, words of its message)
ROUTES = {
    'chapters/*.md': (glob_chapter, 'chapters/03-notes.md: error[file-outside]', 'leads outside the book folder'),
    'chapters/*.md to /dev/zero': (endless_chapter, 'chapters/03-notes.md: error[file-outside]', "to '/dev/zero'"),
    'book.yaml chapters': (listed_chapter, 'book.yaml:9:5: error[chapter-outside]', 'is outside the book folder'),
    'data file': (data_file, 'glossary.yaml: error[file-outside]', 'leads outside the book folder'),
    'image': (image, f'{CHAPTER}:14:1: error[image-outside]', "the image 'map.png' is outside the book folder"),
    'stylesheet': (stylesheet, 'styles/print.css: error[style-outside]', 'leads outside the book folder'),
    'font': (font, 'styles/print.css:2:38: error[style-outside]', "'fonts/book.ttf' is outside the book folder"),
    'SVG reference': (svg_reference, f'{CHAPTER}:14:1: error[image-svg]', "names '../../secret.png' on line 2"),
    'SVG file: URL': (svg_file_url, f'{CHAPTER}:14:1: error[image-svg]', 'an SVG image must hold everything'),
}


@pytest.fixture
def secrets(tmp_path: Path) -> Path:
    """Files outside the book, one of each kind a build reads."""
    outside = tmp_path / 'outside'
    outside.mkdir()
    (outside / 'secret.md').write_text(f'---\nid: secret\ntitle: Secret\n---\n\n{SECRET}\n')
    (outside / 'secret.yaml').write_text(f'- key: secret\n  term: {SECRET}\n  definition: {SECRET}\n')
    (outside / 'secret.css').write_text(f'body::before {{ content: "{SECRET}"; }}\n')
    (outside / 'secret.png').write_bytes(png())
    (outside / 'secret.ttf').write_bytes(b'\x00\x01\x00\x00' + SECRET.encode())  # refused before it is read
    return outside


@pytest.mark.parametrize('route', ROUTES, ids=list(ROUTES))
def test_a_file_outside_the_book_is_refused(tmp_path, minimal_book, secrets, route):
    breaker, where, words = ROUTES[route]
    book = copy_built(minimal_book, tmp_path)  # with the good build's dist/
    (tmp_path / 'secret.png').write_bytes(png())  # what '../../secret.png' in chapters/map.svg names
    before = dist_fingerprint(book / 'dist')
    breaker(book, secrets)

    for command in ('check', 'build'):
        run = run_cli(command, book)
        assert run.code == 1, (command, run.err)
        assert 'Traceback' not in run.err and 'internal error' not in run.err, run.err
        found = [line for line in run.err.splitlines() if line.startswith(where)]
        assert found and words in found[0], (command, run.err)
        assert SECRET not in run.err
    assert dist_fingerprint(book / 'dist') == before


def test_links_inside_the_book_are_followed(tmp_path):
    """A symlink that stays in the book folder is an ordinary file: the chapter builds."""
    book = copy_book('minimal', tmp_path)
    (book / 'drafts').mkdir()
    (book / 'drafts' / 'third.md').write_text('---\nid: third\ntitle: The Third\n---\n\nLinked in from drafts.\n')
    link(book, 'chapters/03-third.md', Path('../drafts/third.md'))
    run = build(book, '--edition', 'student', '--format', 'epub')
    assert run.code == 0, run.err
    epubcheck(run.output('.epub'))
