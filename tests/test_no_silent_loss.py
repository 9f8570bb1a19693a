"""No silent loss: whatever Markdown and data an author writes, every word reaches the EPUB, or the build says why.

Hypothesis writes chapters from the constructs authors use (paragraphs with
emphasis and stray punctuation, headings, nested lists, quotes, tables,
footnotes, divs, language spans, code), book manifests with arbitrary text,
and reference files with the chapters that cite them.
Each build must either succeed with every word of the input in the EPUB's
text, or fail with located one-line errors and exit code 1, never a traceback.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lxml import etree

from conftest import BOOKS, LOCATED, MAIN_EDITION, build, epub_files, epubcheck

pytestmark = pytest.mark.build  # every test here lays out a book

LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZàéèçœßøÆΩλπдЖ'
# Punctuation stuck to words, which Markdown may read as markup: emphasis, code, brackets, escapes.
STUCK = ['', '', '', '', '*', '**', '_', '__', '`', '"', "'", '(', ')', '[', ']', '<', '>', '!', '?', ',', '.',
         ';', ':', '-', '--', '...', '\\', '|', '~', '^', '$', '%', '/', '+', '=', '#']
# Tokens standing alone between words.
ALONE = ['&', '--', '---', '...', '*', '-', '+', '#', '>', '|', ':', '<>', '&&']

words = st.text(alphabet=LETTERS, min_size=1, max_size=9)


@st.composite
def phrase(draw, max_words: int = 8) -> tuple[str, list[str]]:
    """Words with punctuation stuck to them, and a few tokens standing alone."""
    chosen = draw(st.lists(words, min_size=1, max_size=max_words))
    parts = []
    for word in chosen:
        parts.append(draw(st.sampled_from(STUCK)) + word + draw(st.sampled_from(STUCK)))
        if draw(st.integers(0, 6)) == 0:
            parts.append(draw(st.sampled_from(ALONE)))
    return ' '.join(parts), chosen


@st.composite
def block(draw, depth: int = 0) -> tuple[str, list[str]]:
    kind = draw(st.sampled_from(['paragraph', 'paragraph', 'heading', 'list', 'quote', 'table', 'footnote', 'div',
                                 'span', 'code', 'definition'] if depth < 2 else ['paragraph', 'heading']))
    text, found = draw(phrase())
    if kind == 'paragraph':
        lines = text.split(' ')
        cut = draw(st.integers(0, len(lines)))
        return ' '.join(lines[:cut]) + ('\n' if 0 < cut < len(lines) else '') + ' '.join(lines[cut:]), found
    if kind == 'heading':
        return '#' * draw(st.integers(2, 4)) + ' ' + text, found
    if kind == 'list':
        marker = draw(st.sampled_from(['-', '*', '1.', '2)']))
        items = draw(st.lists(block(depth + 1), min_size=1, max_size=3))
        lines = []
        for item_text, item_words in items:
            indent = ' ' * (len(marker) + 1)
            lines.append(f'{marker} ' + item_text.replace('\n', '\n' + indent))
            found = found + item_words
        return text + '\n\n' + '\n'.join(lines), found
    if kind == 'quote':
        inner, inner_words = draw(block(depth + 1))
        return text + '\n\n' + '\n'.join('> ' + line for line in inner.split('\n')), found + inner_words
    if kind == 'table':
        cells = draw(st.lists(words, min_size=2, max_size=4))
        header = '| ' + ' | '.join(cells[:2]) + ' |\n|---|---|\n'
        return text + '\n\n' + header + ''.join(f'| {w} | {w} |\n' for w in cells[2:]), found + cells
    if kind == 'footnote':
        note, note_words = draw(phrase())
        label = draw(st.text(alphabet='abcdefghij0123456789', min_size=1, max_size=4))
        return f'{text}[^{label}]\n\n[^{label}]: {note}', found + note_words
    if kind == 'div':
        inner, inner_words = draw(block(depth + 1))
        return f'::: {{.box}}\n{inner}\n:::\n\n{text}', found + inner_words
    if kind == 'span':
        language = draw(st.sampled_from(['fr', 'en', 'de', 'ru', 'fr-CA']))
        spanned = draw(st.lists(words, min_size=1, max_size=4))
        return f'{text} [{" ".join(spanned)}]{{lang={language}}}.', found + spanned
    if kind == 'code':
        code = draw(st.lists(words, min_size=1, max_size=4))
        return f'{text}\n\n```\n{" ".join(code)}\n```', found + code
    definition, definition_words = draw(phrase())
    return f'{text}\n: {definition}', found + definition_words


@st.composite
def chapter(draw) -> tuple[str, list[str]]:
    blocks = draw(st.lists(block(), min_size=1, max_size=6))
    return '\n\n'.join(text for text, _ in blocks) + '\n', [w for _, found in blocks for w in found]


# What a YAML scalar written by hand may hold, plain or quoted.
YAML_NOISE = st.text(alphabet=LETTERS + ' :#-"\'[]{}&*!|>%@`,?', min_size=1, max_size=40)


@st.composite
def manifest(draw) -> tuple[str, list[str]]:
    title = draw(st.one_of(YAML_NOISE, words.map(lambda w: f'"{w}"'), words))
    subtitle = draw(st.one_of(YAML_NOISE, words))
    text = f'title: {title}\nsubtitle: {subtitle}\nauthors: [Test Author]\nlanguage: en\ndate: "2024-01-15"\n'
    return text, meant_words(text)


def meant_words(text: str) -> list[str]:
    """The words of the title and subtitle as YAML reads them (a ``# comment`` is not part of a value)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    values = [data.get(key) for key in ('title', 'subtitle')] if isinstance(data, dict) else []
    return re.findall(f'[{LETTERS}]+', ' '.join(v for v in values if isinstance(v, str)))


def check_build(book: Path, expected: list[str], *, ignore_case: bool = False) -> bool:
    """The property; True when the build succeeded."""
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert 'Traceback' not in run.err and 'internal error' not in run.err, run.err
    if run.code == 1:
        errors = [line for line in run.err.splitlines() if ': error[' in line]
        assert errors and all(LOCATED.match(line) for line in errors), run.err
        return False
    assert run.code == 0, run.err
    files = epub_files(run.output('.epub'))
    # Text nodes joined by spaces: a word next to code or emphasis stays a word of its own.
    trees = [etree.fromstring(data) for name, data in files.items()
             if name.endswith('.xhtml') and name not in ('EPUB/nav.xhtml', 'EPUB/cover.xhtml')]
    # A formula's letters are MathML identifiers one by one; its words reach the reader as its TeX, the alttext.
    text = ' '.join(' '.join(tree.itertext()) + ' ' + ' '.join(list_markers(tree)) + ' ' +
                    ' '.join(tree.xpath('//m:math/@alttext', namespaces={'m': 'http://www.w3.org/1998/Math/MathML'}))
                    for tree in trees)
    fold = str.casefold if ignore_case else str
    present = {fold(word) for word in re.findall(r'[^\W\d_]+', text)}  # whole words: 'c' is not in 'chapter'
    missing = [word for word in expected if fold(word) not in present]
    assert not missing, (missing, run.err)
    return True


def list_markers(tree: etree._Element) -> list[str]:
    """The letters and roman numerals an e-reader prints before the items of fancy lists (``J) item`` is an
    item of a list lettered from J, as in Pandoc): words of the source that reach the reader as markers."""
    markers = []
    for ol in tree.iter('{http://www.w3.org/1999/xhtml}ol'):
        kind, start = ol.get('type', '1'), int(ol.get('start', '1'))
        for number in range(start, start + len(ol)):
            if kind in 'aA':
                markers.append(letters(number) if kind == 'a' else letters(number).upper())
            elif kind in 'iI':
                markers.append(roman(number) if kind == 'i' else roman(number).upper())
    return markers


def letters(number: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa: how CSS's lower-alpha counts."""
    out = ''
    while number > 0:
        number, rest = divmod(number - 1, 26)
        out = chr(ord('a') + rest) + out
    return out


def roman(number: int) -> str:
    out = ''
    for value, digits in ((1000, 'm'), (900, 'cm'), (500, 'd'), (400, 'cd'), (100, 'c'), (90, 'xc'), (50, 'l'),
                          (40, 'xl'), (10, 'x'), (9, 'ix'), (5, 'v'), (4, 'iv'), (1, 'i')):
        count, number = divmod(number, value)
        out += digits * count
    return out


def fresh_book(root: Path) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(BOOKS / 'minimal', root, ignore=shutil.ignore_patterns('dist'))
    return root


EXAMPLES = int(os.environ.get('COURSEPACK_HYPOTHESIS_EXAMPLES', '25'))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def test_every_word_of_any_chapter_reaches_the_epub_or_the_build_says_why(tmp_path):
    built: list[str] = []

    @SETTINGS
    @given(chapter())
    @example(('Answers (a), (b) and (c) or (tm) and (r), +- and ,, too', ['a', 'b', 'c', 'tm', 'r', 'too']))
    @example(('- ' * 12 + 'deep', ['deep']))
    @example(('*' * 40 + 'starred' + '*' * 40, ['starred']))
    @example(('A paragraph.\n\nJ) & IV. too\n', ['A', 'paragraph', 'J', 'IV', 'too']))
    def property_(generated: tuple[str, list[str]]) -> None:
        markdown, expected = generated
        book = fresh_book(tmp_path / 'book')
        chapter_file = book / 'chapters' / '02-second.md'
        chapter_file.write_text('---\nid: second\ntitle: Generated\n---\n\n' + markdown)
        if check_build(book, expected):
            built.append(markdown)

    property_()
    # Every EPUB a test builds passes EPUBCheck: here, one book made of every chapter that built.
    assert built
    book = fresh_book(tmp_path / 'all')
    for number, markdown in enumerate(built, start=3):
        (book / 'chapters' / f'{number:03d}-generated.md').write_text(
            f'---\nid: generated-{number}\ntitle: Generated {number}\n---\n\n{markdown}')
    run = build(book, '--format', 'epub', *MAIN_EDITION)
    assert run.code == 0, run.err
    epubcheck(run.output('.epub'))


def test_any_manifest_text_reaches_the_epub_or_the_build_says_why(tmp_path):
    @SETTINGS
    @given(manifest())
    @example(('title: "Plain: a title"\nsubtitle: x # a comment\nauthors: [A]\n', ['Plain', 'a', 'title', 'x']))
    @example(('title: 12\nsubtitle: null\n', []))
    @example(('title: ""\n', []))
    def property_(generated: tuple[str, list[str]]) -> None:
        text, expected = generated
        book = fresh_book(tmp_path / 'book')
        (book / 'book.yaml').write_text(text)
        check_build(book, expected)

    property_()


@st.composite
def references(draw) -> tuple[str, str, list[str]]:
    """A references.yaml written by hand (titles may hold any text), a chapter citing some entries,
    and the words the EPUB must show: cited authors' family names and their works' titles."""
    entries, citations = [], []
    for number in range(draw(st.integers(1, 4))):
        key = f'ref{number}{draw(st.text(alphabet="abcxyz", max_size=3))}'
        title = draw(st.one_of(YAML_NOISE, st.lists(words, min_size=1, max_size=5).map(' '.join)))
        family, given = draw(words), draw(words)
        kind = draw(st.sampled_from(['book', 'article-journal', 'chapter', 'webpage', 'report']))
        year = draw(st.integers(1800, 2030))
        entries.append(f'- id: {key}\n  type: {kind}\n  title: {title}\n  author:\n    - family: {family}\n'
                       f'      given: {given}\n  issued: {{date-parts: [[{year}]]}}\n')
        if draw(st.booleans()) or number == 0:
            locator = draw(st.sampled_from(['', ', p. 12', ', pp. 3–5', ', sec. Origins', ', para. 4']))
            citations.append(draw(st.sampled_from([f'[@{key}{locator}]', f'@{key} says', f'[-@{key}]'])))
    if draw(st.integers(0, 5)) == 0:
        citations.append('[@nosuchkey]')  # an unknown key: the build must say where
    data = ''.join(entries)
    chapter_text = ' '.join(f'Text {citation}.' for citation in citations) + '\n'
    try:
        parsed = yaml.safe_load(data) or []
    except yaml.YAMLError:
        return data, chapter_text, []
    cited = {c.split('@')[1].split(',')[0].split(']')[0].split(' ')[0] for c in citations}
    expected = []
    for entry in parsed:
        if isinstance(entry, dict) and entry.get('id') in cited:
            expected += [entry['author'][0]['family']] if isinstance(entry['author'][0]['family'], str) else []
            expected += re.findall(r'[^\W\d_]+', entry['title']) if isinstance(entry.get('title'), str) else []
    return data, chapter_text, expected


def test_any_references_reach_the_epub_or_the_build_says_why(tmp_path):
    @SETTINGS
    @given(references())
    def property_(generated: tuple[str, str, list[str]]) -> None:
        data, chapter_text, expected = generated
        book = fresh_book(tmp_path / 'book')
        (book / 'references.yaml').write_text(data)
        (book / 'chapters' / '02-second.md').write_text('---\nid: second\ntitle: Cited\n---\n\n' + chapter_text)
        check_build(book, expected, ignore_case=True)  # styles may capitalise titles

    property_()
