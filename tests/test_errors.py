"""Bad input: a located one-line error, exit code 1, no traceback, and dist/ untouched."""

from __future__ import annotations

import re

import pytest

from conftest import build, copy_book, dist_fingerprint

LOCATED = re.compile(r'^(?P<path>[\w./-]+):(?P<line>\d+)(:(?P<col>\d+))?: error\[(?P<code>[\w-]+)\]: (?P<msg>.+)$')


def breaks(book, path: str, transform) -> None:
    target = book / path
    target.write_text(transform(target.read_text()))


CASES = {
    'missing chapter file': (
        'book.yaml', lambda t: t + 'chapters:\n  - chapters/01-first.md\n  - chapters/03-thrid.md\n',
        'book.yaml', 9, 'chapter-missing', "chapter file 'chapters/03-thrid.md' does not exist"),
    'malformed yaml': (
        'book.yaml', lambda t: t.replace('authors: [Test Author]', 'authors: [Test Author'),
        'book.yaml', 4, 'yaml-syntax', 'expected'),
    'unknown key with did-you-mean': (
        'book.yaml', lambda t: t + 'subtitel: oops\n',
        'book.yaml', 7, 'config-unknown-key', "unknown key 'subtitel' (did you mean 'subtitle'?)"),
    'wrong type': (
        'book.yaml', lambda t: t.replace('language: en', 'language: 12'),
        'book.yaml', 4, 'config-type', "'language' must be text"),
    'paper size': (
        'book.yaml', lambda t: t.replace('paper: a4', 'paper: a44'),
        'book.yaml', 6, 'config-value', "'paper' must be one of a4, letter"),
    'image outside the book': (
        'chapters/02-second.md', lambda t: t + '\n![A map](../../outside.png)\n',
        'chapters/02-second.md', 14, 'image-outside', "the image '../../outside.png' is outside the book folder"),
    'image on the network': (
        'chapters/02-second.md', lambda t: t + '\n![A map](http://example.org/map.png)\n',
        'chapters/02-second.md', 14, 'image-remote', 'is not in the book folder'),
    'missing image': (
        'chapters/02-second.md', lambda t: t + '\n![A map](map.png)\n',
        'chapters/02-second.md', 14, 'image-missing', "the image 'map.png' does not exist"),
    'unknown cross-reference': (
        'chapters/02-second.md', lambda t: t + '\nSee [](#frist).\n',
        'chapters/02-second.md', 14, 'xref-unknown', "no chapter or section with the id 'frist' (did you mean 'first'?)"),
    'unknown front matter key': (
        'chapters/02-second.md', lambda t: t.replace('title: The Second', 'titel: The Second'),
        'chapters/02-second.md', 3, 'front-matter-unknown-key', "unknown front matter key 'titel'"),
    'nesting too deep': (
        'chapters/02-second.md', lambda t: t + '\n' + '> ' * 30 + 'deep\n',
        'chapters/02-second.md', 14, 'nesting-too-deep', 'nested more than'),
}


@pytest.mark.parametrize('case', CASES, ids=list(CASES))
def test_bad_input_is_a_located_error_and_dist_is_untouched(tmp_path, case):
    path, transform, where, line, code, message = CASES[case]
    book = copy_book('minimal', tmp_path)
    (tmp_path / 'outside.png').write_bytes(b'\x89PNG\r\n\x1a\n')
    good = build(book)
    assert good.code == 0, good.err
    before = dist_fingerprint(good.dist)

    breaks(book, path, transform)
    bad = build(book)

    assert bad.code == 1
    assert 'Traceback' not in bad.err
    errors = [m for m in map(LOCATED.match, bad.err.splitlines()) if m]
    assert errors, bad.err
    first = errors[0]
    assert (first['path'], int(first['line']), first['code']) == (where, line, code), bad.err
    assert message in first['msg'], bad.err
    assert dist_fingerprint(good.dist) == before


@pytest.mark.parametrize('css, code, column', [
    ('@import url("http://127.0.0.1:9/x.css");\n', 'style-remote', 9),
    ('body { background: url(../../secret.png); }\n', 'style-outside', 20),
    ('@font-face { src: url("fonts/missing.ttf"); }\n', 'style-missing', 19),
])
def test_book_stylesheet_urls_are_checked(tmp_path, css, code, column):
    book = copy_book('minimal', tmp_path)
    (book / 'styles').mkdir()
    (book / 'styles' / 'print.css').write_text('/* book overrides */\n' + css)
    run = build(book)
    assert run.code == 1
    assert f'styles/print.css:2:{column}: error[{code}]' in run.err, run.err
    assert not (book / 'dist').exists()


def test_not_utf8_is_located(tmp_path):
    book = copy_book('minimal', tmp_path)
    chapter = book / 'chapters' / '02-second.md'
    chapter.write_bytes(chapter.read_bytes() + b'\nbad \xff byte\n')
    run = build(book)
    assert run.code == 1
    assert 'chapters/02-second.md:14:5: error[file-encoding]: the file is not valid UTF-8' in run.err


def test_usage_errors_exit_2(tmp_path):
    run = build(tmp_path)  # no book.yaml
    assert run.code == 2 and 'not a book folder' in run.err
    from conftest import run_cli

    assert run_cli('build', tmp_path, '--format', 'docx').code == 2
