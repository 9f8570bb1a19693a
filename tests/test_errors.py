"""Bad input: a located one-line error, exit code 1, no traceback, and dist/ untouched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import (CHAPTER, LOCATED, MAIN_EDITION, REPO, build, copy_book, dist_fingerprint, epub_files, epubcheck,
                     pdf_pages_text, png, run_cli, xhtml_text)


def append(path: str, text: str):
    return lambda book: (book / path).write_text((book / path).read_text() + text)


def replace(path: str, old: str, new: str):
    def breaker(book: Path) -> None:
        text = (book / path).read_text()
        assert old in text
        (book / path).write_text(text.replace(old, new))
    return breaker


def append_bytes(path: str, data: bytes):
    return lambda book: (book / path).write_bytes((book / path).read_bytes() + data)


def write(path: str, text: str, *then):
    def breaker(book: Path) -> None:
        (book / path).parent.mkdir(parents=True, exist_ok=True)
        (book / path).write_text(text)
        for more in then:
            more(book)
    return breaker


def write_bytes(path: str, data: bytes, *then):
    def breaker(book: Path) -> None:
        (book / path).write_bytes(data)
        for more in then:
            more(book)
    return breaker


def nested_list(depth: int) -> str:
    return '\n' + ''.join('  ' * level + '- level\n' for level in range(depth))


def nested_divs(depth: int) -> str:
    fences = [':' * (3 + depth - level) for level in range(depth)]
    return '\n' + ''.join(f'{fence} {{.box}}\n' for fence in fences) + 'inside\n' + ''.join(
        f'{fence}\n' for fence in reversed(fences))


# case: (how to break the book, file, line, code, words of the message)
CASES = {
    'missing chapter file': (
        append('book.yaml', 'chapters:\n  - chapters/01-first.md\n  - chapters/03-thrid.md\n'),
        'book.yaml', 9, 'chapter-missing', "chapter file 'chapters/03-thrid.md' does not exist"),
    'a folder where a chapter file should be': (
        lambda book: (book / 'chapters' / '03-folder.md').mkdir() or append(
            'book.yaml', 'chapters:\n  - chapters/01-first.md\n  - chapters/03-folder.md\n')(book),
        'book.yaml', 9, 'chapter-not-file', "chapter 'chapters/03-folder.md' is not a file"),
    'chapter outside the book': (
        append('book.yaml', 'chapters:\n  - ../outside.md\n'),
        'book.yaml', 8, 'chapter-outside', "chapter '../outside.md' is outside the book folder"),
    'chapter listed twice': (
        append('book.yaml', 'chapters:\n  - chapters/01-first.md\n  - chapters/01-first.md\n'),
        'book.yaml', 9, 'chapter-duplicate', "chapter 'chapters/01-first.md' is listed twice"),
    'malformed yaml': (
        replace('book.yaml', 'authors: [Test Author]', 'authors: [Test Author'),
        'book.yaml', 4, 'yaml-syntax', 'expected'),
    'malformed front matter': (
        replace(CHAPTER, 'title: The Second Chapter', 'title: [The Second Chapter'),
        CHAPTER, 3, 'yaml-syntax', 'flow sequence that starts here: is it closed?'),  # where the [ opens
    'unknown key with did-you-mean': (
        append('book.yaml', 'subtitel: oops\n'),
        'book.yaml', 7, 'config-unknown-key', "unknown key 'subtitel' (did you mean 'subtitle'?)"),
    'unknown front matter key': (
        replace(CHAPTER, 'title: The Second', 'titel: The Second'),
        CHAPTER, 3, 'front-matter-unknown-key', "unknown front matter key 'titel' (did you mean 'title'?)"),
    'wrong type': (
        replace('book.yaml', 'language: en', 'language: 12'),
        'book.yaml', 4, 'config-type', "'language' must be text, not a number"),
    'wrong type in front matter': (
        replace(CHAPTER, 'title: The Second Chapter', 'title: [The, Second, Chapter]'),
        CHAPTER, 3, 'front-matter-type', "'title' must be text"),
    'paper size': (
        replace('book.yaml', 'paper: a4', 'paper: a44'),
        'book.yaml', 6, 'config-value', "'paper' must be one of a4, letter, a5 or a width and height"),
    'unknown pdf standard': (
        append('book.yaml', 'pdf-standard: ua1\n'),
        'book.yaml', 7, 'config-value', "'pdf-standard' must be one of ua-1, not 'ua1' (did you mean 'ua-1'?)"),
    'invalid date': (
        replace('book.yaml', '2024-01-15', '2024-02-30'),
        'book.yaml', 5, 'config-value', "'date' must be YYYY-MM-DD, not '2024-02-30'"),
    'not UTF-8': (
        append_bytes(CHAPTER, b'\nbad \xff byte\n'),
        CHAPTER, 14, 'file-encoding', 'the file is not valid UTF-8'),
    'not UTF-8 in book.yaml': (
        append_bytes('book.yaml', b'rights: \xe9t\xe9\n'),
        'book.yaml', 7, 'file-encoding', 'the file is not valid UTF-8'),
    'Latin-1': (
        append_bytes(CHAPTER, '\nCaf\u00e9 au lait.\n'.encode('cp1252')),
        CHAPTER, 14, 'file-encoding', "not valid UTF-8 (it looks like Latin-1 or Windows-1252 text: byte 0xE9 is 'é'): "
        'save it as UTF-8'),
    'NUL byte': (
        append(CHAPTER, '\nnul \x00 here\n'),
        CHAPTER, 14, 'file-nul', 'the file contains a NUL byte'),
    'invisible control character': (
        append(CHAPTER, '\nA bell \x07 rings.\n'),
        CHAPTER, 14, 'file-control-character', 'the invisible character U+0007'),
    'huge chapter': (
        append(CHAPTER, '\n' + 'word ' * 250_000),
        CHAPTER, 14, 'file-too-large', 'the limit is 1,048,576'),
    'duplicate ids': (
        append(CHAPTER, '\n## Again {#first-opening}\n'),
        CHAPTER, 14, 'id-duplicate', "the id 'first-opening' is already used at chapters/01-first.md:7"),
    'unknown cross-reference': (
        append(CHAPTER, '\nSee [](#frist).\n'),
        CHAPTER, 14, 'xref-unknown', "no chapter or section with the id 'frist' (did you mean 'first'?)"),
    'a note that is never called': (
        append(CHAPTER, '\nEscaped \\[^a] call.\n\n[^a]: The text of the note.\n'),
        CHAPTER, 16, 'footnote-unused', 'the note [^a] is never called, so its text would be lost'),
    'two notes with one label': (
        append(CHAPTER, '\nA call.[^a]\n\n[^a]: One.\n\n[^a]: Two.\n'),
        CHAPTER, 18, 'footnote-duplicate', 'the note [^a] is already defined on line 16'),
    'a reference name that YAML reads as true': (
        write('references.yaml', '- id: ref\n  type: book\n  title: T\n  author:\n    - family: Smith\n'
              '      given: TRUE\n', append(CHAPTER, '\nCited [@ref].\n')),
        'references.yaml', 6, 'reference-field', "'given' of the reference 'ref' must be text, not True"),
    'missing image': (
        append(CHAPTER, '\n![A map](map.png)\n'),
        CHAPTER, 14, 'image-missing', "the image 'map.png' does not exist"),
    'not an image': (
        write('chapters/map.png', 'this is text, not a picture\n', append(CHAPTER, '\n![A map](map.png)\n')),
        CHAPTER, 14, 'image-format', "'map.png' is not a PNG, JPEG, GIF or SVG image"),
    'image outside the book': (
        append(CHAPTER, '\n![A map](../../outside.png)\n'),
        CHAPTER, 14, 'image-outside', "the image '../../outside.png' is outside the book folder"),
    'image on the network': (
        append(CHAPTER, '\n![A map](http://example.org/map.png)\n'),
        CHAPTER, 14, 'image-remote', "the image 'http://example.org/map.png' is not in the book folder"),
    'truncated PNG': (
        write_bytes('chapters/map.png', png()[:60], append(CHAPTER, '\n![A map](map.png)\n')),
        CHAPTER, 14, 'image-damaged', "'map.png' is a damaged PNG image (image file is truncated"),
    'PNG header, then garbage': (
        write_bytes('chapters/map.png', b'\x89PNG\r\n\x1a\n' + b'garbage ' * 40, append(CHAPTER, '\n![A map](map.png)\n')),
        CHAPTER, 14, 'image-damaged', 'its data after the header is not image data'),
    'SVG with an external entity': (
        write('chapters/map.svg', '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
              '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>\n', append(CHAPTER, '\n![A map](map.svg)\n')),
        CHAPTER, 14, 'image-svg', "'map.svg' declares a DOCTYPE"),
    'SVG naming a network image': (
        write('chapters/map.svg', '<svg xmlns="http://www.w3.org/2000/svg">\n<image href="http://example.org/a.png"/>\n'
              '</svg>\n', append(CHAPTER, '\n![A map](map.svg)\n')),
        CHAPTER, 14, 'image-svg', "'map.svg' names 'http://example.org/a.png' on line 2"),
    'SVG style naming a file': (
        write('chapters/map.svg', '<svg xmlns="http://www.w3.org/2000/svg">\n<style>\n@import url(more.css);\n</style>\n'
              '</svg>\n', append(CHAPTER, '\n![A map](map.svg)\n')),
        CHAPTER, 14, 'image-svg', "'map.svg' names 'more.css' on line 2"),
    'SVG with a script': (
        write('chapters/map.svg', '<svg xmlns="http://www.w3.org/2000/svg">\n<rect width="4" height="4" '
              'onclick="steal()"/>\n</svg>\n', append(CHAPTER, '\n![A map](map.svg)\n')),
        CHAPTER, 14, 'image-svg', "'map.svg' has a script on line 2; delete it"),
    'image name an EPUB cannot carry': (
        write_bytes('chapters/map*.png', png(), append(CHAPTER, '\n![A map](<map*.png>)\n')),
        CHAPTER, 14, 'image-name', "the image 'map*.png' has '*' in its name, which an EPUB cannot carry"),
    'image without alt text': (
        write('chapters/map.png', '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n',
              append(CHAPTER, '\n![](map.png)\n')),
        CHAPTER, 14, 'image-alt-missing', 'the image has no alt text'),
    'network address in the print stylesheet': (
        write('styles/print.css', 'h1 { color: navy; }\n.chapter-title {\n  background: url(https://example.org/o.png);\n}\n'),
        'styles/print.css', 3, 'style-remote', "'https://example.org/o.png' is not in the book folder"),
    'network @import in the EPUB stylesheet': (
        write('styles/epub.css', '@import "http://example.org/more.css";\n'),
        'styles/epub.css', 1, 'style-remote', "'http://example.org/more.css' is not in the book folder"),
    'damaged image in a stylesheet': (
        write('styles/print.css', 'body { background: url(bad.png); }\n',
              write_bytes('styles/bad.png', b'\x89PNG\r\n\x1a\n' + b'garbage ' * 40)),
        'styles/print.css', 1, 'image-damaged', "'bad.png' is a damaged PNG image"),
    'quotes nested too deep': (
        append(CHAPTER, '\n' + '> ' * 30 + 'deep\n'),
        CHAPTER, 14, 'nesting-too-deep', 'content is nested too deeply'),
    'lists nested too deep': (
        append(CHAPTER, nested_list(40)),
        CHAPTER, 21, 'nesting-too-deep', 'content is nested too deeply'),
    'emphasis nested too deep': (
        append(CHAPTER, '\n' + '*' * 20_000 + 'deep' + '*' * 20_000 + '\n'),
        CHAPTER, 14, 'nesting-too-deep', 'content is nested too deeply'),
    'table too long': (
        append(CHAPTER, '\n| Year | Event |\n|---|---|\n' + '| 1988 | a row |\n' * 1000),
        CHAPTER, 14, 'table-too-long', 'this table has 1,001 rows; a table of more than 1,000 rows'),
    'divs nested too deep': (
        append(CHAPTER, nested_divs(30)),
        CHAPTER, 30, 'nesting-too-deep', 'content is nested too deeply'),
    'YAML aliases that expand without bound': (
        append('book.yaml', 'a: &a ["lol", "lol", "lol"]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n'),
        'book.yaml', 7, 'yaml-alias', 'anchors and aliases (&, *) are not allowed'),
    'aliases in front matter': (
        replace(CHAPTER, 'id: second', 'id: &x second\nsummary: *x'),
        CHAPTER, 2, 'yaml-alias', 'anchors and aliases (&, *) are not allowed'),
    'YAML nested without bound': (
        append('book.yaml', 'subtitle: ' + '[' * 5000 + ']' * 5000 + '\n'),
        'book.yaml', 7, 'yaml-depth', 'nested more than 50 levels deep'),
    'a !!python tag': (
        append('book.yaml', 'rights: !!python/object/apply:os.system ["touch pwned"]\n'),
        'book.yaml', 7, 'yaml-tag', "the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    'a !!python tag in front matter': (
        replace(CHAPTER, 'id: second', 'id: !!python/name:os.system'),
        CHAPTER, 2, 'yaml-tag', "the tag 'tag:yaml.org,2002:python/name:os.system' is not allowed"),
}


@pytest.fixture(scope='session')
def built_minimal(minimal_book):
    return minimal_book.book


@pytest.mark.build
@pytest.mark.parametrize('case', CASES, ids=list(CASES))
def test_bad_input_is_a_located_error_and_dist_is_untouched(tmp_path, built_minimal, case, monkeypatch):
    breaker, where, line, code, message = CASES[case]
    monkeypatch.chdir(tmp_path)  # where a '!!python' tag's "touch pwned" would run, had the builder obeyed it
    book = tmp_path / 'books' / 'minimal'
    shutil.copytree(built_minimal, book)  # with the good build's dist/
    (tmp_path / 'outside.png').write_bytes(b'\x89PNG\r\n\x1a\n')
    before = dist_fingerprint(book / 'dist')
    assert before

    breaker(book)
    bad = build(book)

    assert bad.code == 1
    assert 'Traceback' not in bad.err and 'internal error' not in bad.err, bad.err
    lines = bad.err.splitlines()
    assert lines[-1].startswith('coursepack: build failed: ')
    errors = [LOCATED.match(text) for text in lines if ': error[' in text]
    assert errors and all(errors), bad.err  # every error located, each on one line
    assert all(e['col'] for e in errors), bad.err  # a line has a column
    assert any((e['path'], int(e['line']), e['code']) == (where, line, code) and message in e['msg']
               for e in errors), bad.err
    assert dist_fingerprint(book / 'dist') == before
    assert not [path for path in tmp_path.rglob('pwned')], 'a YAML tag ran a command'


@pytest.mark.parametrize('css, code, column', [
    ('@font-face { src: url("fonts/Book Font.ttf"); }\n', 'style-name', 19),
    ('@import url("http://127.0.0.1:9/x.css");\n', 'style-remote', 9),
    ('body { background: url(../../secret.png); }\n', 'style-outside', 20),
    ('@font-face { src: url("fonts/missing.ttf"); }\n', 'style-missing', 19),
])
def test_book_stylesheet_urls_are_checked(tmp_path, css, code, column):
    book = copy_book('minimal', tmp_path)
    (book / 'styles' / 'fonts').mkdir(parents=True)
    (book / 'styles' / 'fonts' / 'Book Font.ttf').write_bytes(b'\x00\x01\x00\x00')
    (book / 'styles' / 'print.css').write_text('/* book overrides */\n' + css)
    run = build(book)
    assert run.code == 1
    assert f'styles/print.css:2:{column}: error[{code}]' in run.err, run.err
    assert not (book / 'dist').exists()


@pytest.mark.parametrize('encoding', ['utf-16', 'utf-16-be'])
def test_a_utf16_file_is_named_as_such(tmp_path, encoding):
    book = copy_book('minimal', tmp_path)
    (book / CHAPTER).write_bytes((book / CHAPTER).read_text().encode(encoding))  # with a byte-order mark, without
    run = build(book)
    assert run.code == 1
    assert f'{CHAPTER}: error[file-encoding]: the file is UTF-16: save it as UTF-8' in run.err.splitlines(), run.err
    assert not (book / 'dist').exists()


def test_every_problem_is_reported_at_once(tmp_path):
    book = copy_book('minimal', tmp_path)
    append(CHAPTER, '\n![](missing.png)\n\nSee [](#nowhere).\n')(book)
    append('chapters/01-first.md', '\n## Twice {#first-opening}\n')(book)
    run = build(book)
    assert run.code == 1
    codes = [m['code'] for m in map(LOCATED.match, run.err.splitlines()) if m and m['level'] == 'error']
    assert codes == ['id-duplicate', 'image-alt-missing', 'image-missing', 'xref-unknown'], run.err
    assert 'build failed: 4 error(s)' in run.err


def test_unreadable_file_is_located(tmp_path):
    """chmod 000 stops no one running as root, so the build then runs without the capabilities that bypass it."""
    book = copy_book('minimal', tmp_path)
    (book / CHAPTER).chmod(0)
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which('setpriv'):
            pytest.skip('running as root without setpriv (util-linux), a file cannot be made unreadable')
        prefix = ['setpriv', '--bounding-set=-dac_override,-dac_read_search']
    result = subprocess.run([*prefix, sys.executable, '-m', 'builder', 'build', str(book)], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    assert f'{CHAPTER}: error[file-unreadable]: Permission denied' in result.stderr
    assert 'Traceback' not in result.stderr
    assert not (book / 'dist').exists()


def test_usage_errors_exit_2(tmp_path):
    run = build(tmp_path)  # no book.yaml
    assert run.code == 2 and 'not a book folder' in run.err
    from conftest import run_cli

    assert run_cli('build', tmp_path, '--format', 'docx').code == 2


@pytest.mark.build
def test_raw_html_and_script_never_reach_an_output(tmp_path):
    book = copy_book('minimal', tmp_path)
    append(CHAPTER, '\n<script>alert(1)</script> and <b onclick="steal()">bold</b>\n\n'
                    '[a span]{onclick="steal()" style="color: red"} and [a link](javascript:alert(2))\n\n'
                    '<iframe src="https://example.org"></iframe>\n')(book)
    run = build(book, *MAIN_EDITION)
    assert run.code == 0, run.err

    files = epub_files(run.output('.epub'))
    for name, data in files.items():
        if name.endswith('.xhtml'):
            for element in etree.fromstring(data).iter():
                assert etree.QName(element).localname not in ('script', 'iframe', 'b'), (name, element)
                assert not [a for a in element.attrib if a.startswith('on') or a == 'style'], (name, element.attrib)
                assert not element.get('href', '').startswith('javascript:'), name
    assert b'scripted' not in files['EPUB/content.opf']
    text = xhtml_text(files['EPUB/second.xhtml'])
    assert '<script>alert(1)</script> and <b onclick="steal()">bold</b>' in text  # shown as written, quotes straight
    assert '[a link](javascript:alert(2))' in text
    epubcheck(run.output('.epub'))

    reader = PdfReader(run.output('.pdf'))
    assert '/Names' not in reader.trailer['/Root'] or '/JavaScript' not in reader.trailer['/Root']['/Names']
    assert '/OpenAction' not in reader.trailer['/Root']
    assert b'/JavaScript' not in run.output('.pdf').read_bytes() and b'/JS ' not in run.output('.pdf').read_bytes()
    pages = ' '.join(' '.join(pdf_pages_text(run.output('.pdf'))).split())
    assert '<script>alert(1)</script>' in pages


def test_dist_that_is_a_file_is_one_clean_error(tmp_path):
    book = copy_book('minimal', tmp_path)
    (book / 'dist').write_text('not a folder\n')
    run = build(book, '--quiet')
    assert run.code == 1
    assert run.err.splitlines() == [
        f"error[out-dir]: cannot write the outputs: '{book / 'dist'}' is a file, not a folder; make it a writable "
        'folder, or give another with --out', 'coursepack: build failed: 1 error(s), 0 warning(s)'], run.err
    assert (book / 'dist').read_text() == 'not a folder\n'


@pytest.mark.build
def test_read_only_dist_is_one_clean_error_and_stays_untouched(tmp_path, built_minimal):
    """As in test_unreadable_file_is_located: root writes anywhere unless the build runs without that capability."""
    book = tmp_path / 'minimal'
    shutil.copytree(built_minimal, book)
    (book / CHAPTER).write_text((book / CHAPTER).read_text() + '\nA change, so that the outputs are out of date.\n')
    before = dist_fingerprint(book / 'dist')
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which('setpriv'):
            pytest.skip('running as root without setpriv (util-linux), a folder cannot be made read-only')
        prefix = ['setpriv', '--bounding-set=-dac_override,-dac_read_search']
    (book / 'dist').chmod(0o555)
    try:
        result = subprocess.run([*prefix, sys.executable, '-m', 'builder', 'build', str(book)], cwd=REPO,
                                capture_output=True, text=True, timeout=300)
    finally:
        (book / 'dist').chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert f"error[out-dir]: cannot write the outputs: '{book / 'dist'}' is read-only" in result.stderr
    assert 'Traceback' not in result.stderr and 'internal error' not in result.stderr
    assert dist_fingerprint(book / 'dist') == before


def test_layout_messages_name_book_files_and_always_give_a_reason():
    """What check cannot foresee reaches the author from WeasyPrint's log: never with the fetcher's virtual URLs."""
    import logging

    from builder.layout.weasyprint_log import layout_message

    def record(message, *args):
        return logging.LogRecord('weasyprint', logging.ERROR, __file__, 1, message, args, None)

    assert layout_message(record('Failed to load image at %r: %s', 'file:///coursepack/book/chapters/my%20map.png',
                                 OSError())) == "Failed to load image at 'chapters/my map.png': OSError"
    assert layout_message(record('Failed to load stylesheet at %s: %s', 'file:///coursepack/styles/print.css',
                                 ValueError('bad'))) == 'Failed to load stylesheet at the bundled styles/print.css: bad'


def test_a_named_pipe_for_a_chapter_is_refused_not_waited_on(tmp_path):
    book = copy_book('minimal', tmp_path)
    os.mkfifo(book / 'chapters' / '03-pipe.md')  # reading it would wait for a writer for ever
    run = build(book, '--quiet')
    assert run.code == 1
    assert 'chapters/03-pipe.md: error[file-not-regular]: this is not a regular file' in run.err.splitlines(), run.err
    assert not (book / 'dist').exists()


def test_an_unclosed_div_is_a_located_warning_and_keeps_its_text(tmp_path):
    """As Pandoc reads it, the div runs to the end of the chapter; unsaid, an unclosed instructor div would take
    the rest of the chapter out of the student edition."""
    book = copy_book('minimal', tmp_path)
    chapter = book / 'chapters' / '02-second.md'
    lines = chapter.read_text().splitlines()
    chapter.write_text('\n'.join([*lines, '', '::: {.instructor}', 'A note.', '', 'Text for everyone.', '']))
    run = run_cli('check', book)
    assert run.code == 0, run.err
    assert f'chapters/02-second.md:{len(lines) + 2}: warning[div-unclosed]: ' in run.err
    assert "opened here is never closed" in run.err
    chapter.write_text('\n'.join([*lines, '', '::: {.instructor}', 'A note.', ':::', '', 'Text for everyone.', '']))
    assert 'div-unclosed' not in run_cli('check', book).err


@pytest.mark.parametrize('line, where, says', [
    ('subtitle: "never closed', 11, 'quoted scalar that starts here: is it closed?'),
    ('subtitle: [never closed', 11, 'flow sequence that starts here: is it closed?'),
    ('subtitle: Geneva: the accords', 17, 'is written in quotes'),
])
def test_a_yaml_mistake_is_located_where_to_look(tmp_path, line, where, says):
    """Run off the end of the file, PyYAML points past it: the error points at what was left open."""
    book = copy_book('minimal', tmp_path)
    lines = (book / 'book.yaml').read_text().splitlines()
    (book / 'book.yaml').write_text('\n'.join([*lines, line, '']))
    run = run_cli('check', book)
    assert f'book.yaml:{len(lines) + 1}:{where}: error[yaml-syntax]: ' in run.err and says in run.err, run.err
