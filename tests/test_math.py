"""Math: MathML in the EPUB, drawn formulas in the PDF, Pandoc's rules for which dollars are math.

The test book ``tests/books/math`` has inline and display formulas with both
kinds of delimiters, beside dollar amounts that must stay text.
"""

from __future__ import annotations

import re
import subprocess

import pypandoc
import pytest
from lxml import etree, html

from conftest import BOOKS, LOCATED, MAIN_EDITION, OPF, build, build_once, copy_book, dist_fingerprint, epub_files, \
    epubcheck, pdf_pages_text, replace_text
from test_accessibility import ace, needs_ace

pytestmark = pytest.mark.build

BOOK = BOOKS / 'math'
CHAPTER = 'chapters/01-formulas.md'
MATHML = '{http://www.w3.org/1998/Math/MathML}'


@pytest.fixture(scope='module')
def math_book(tmp_path_factory):
    return build_once(tmp_path_factory, 'math', *MAIN_EDITION)


def pandoc_formulas() -> list[tuple[str, str]]:
    """(TeX, inline|display) of each formula, as Pandoc reads the chapter (with \\( and \\[ on, as we read them)."""
    out = subprocess.run([pypandoc.get_pandoc_path(), '-f', 'markdown+tex_math_single_backslash', '-t', 'html',
                          '--mathjax', CHAPTER], cwd=BOOK, capture_output=True, text=True, check=True).stdout
    found = []
    for span in html.fromstring(f'<div>{out}</div>').find_class('math'):
        kind = 'display' if 'display' in span.classes else 'inline'
        tex = span.text_content().strip()[2:-2]  # Pandoc's HTML writes \(…\) and \[…\]
        found.append((' '.join(tex.split()), kind))
    return found


def test_the_formulas_are_those_pandoc_reads(math_book):
    chapter = etree.fromstring(epub_files(math_book.output('.epub'))['EPUB/formulas.xhtml'])
    ours = [(m.get('alttext'), 'display' if m.get('display') == 'block' else 'inline')
            for m in chapter.iter(f'{MATHML}math')]
    assert ours == pandoc_formulas()
    assert 'warning[' not in math_book.err and 'error[' not in math_book.err
    assert len(ours) >= 6
    text = ' '.join(''.join(chapter.itertext()).split())
    assert '$5 million to $20 million, and $30 more' in text


def test_the_epub_declares_its_mathml_and_passes_epubcheck(math_book):
    files = epub_files(math_book.output('.epub'))
    opf = etree.fromstring(files['EPUB/content.opf'])
    properties = {item.get('href'): item.get('properties', '') for item in opf.iter(f'{OPF}item')}
    nav = ' '.join(files['EPUB/nav.xhtml'].decode().split())
    assert 'The rule a^2 + b^2 = c^2' in nav  # a heading's formula is in the contents, as its TeX
    assert 'mathml' in properties['formulas.xhtml'].split()
    assert 'mathml' not in properties.get('titlepage.xhtml', '').split()
    epubcheck(math_book.output('.epub'))


@needs_ace
def test_the_epub_with_math_has_no_accessibility_violation(math_book, tmp_path):
    result = ace(math_book.output('.epub'), tmp_path / 'ace')
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pdf_draws_each_formula_and_keeps_dollar_amounts(math_book):
    pages = pdf_pages_text(math_book.output('.pdf'))
    text = ' '.join(' '.join(pages).split())
    assert '$5 million to $20 million, and $30 more' in text
    # The formulas are drawings, not their TeX: no backslash command nor delimiter reaches the page.
    assert not re.search(r'\\(frac|alpha|sum|int|sqrt|begin)|\\\(|\$\$', text), text


def test_a_formula_that_does_not_parse_is_a_located_error(math_book, tmp_path):
    book = copy_book('math', tmp_path)
    build(book, *MAIN_EDITION)
    before = dist_fingerprint(book / 'dist')
    replace_text(book, CHAPTER, r'$E = mc^2$', r'$E = mc^$')
    run = build(book, *MAIN_EDITION)
    assert run.code == 1
    errors = [LOCATED.match(line) for line in run.err.splitlines() if 'error[' in line]
    assert [(e['where'], e['code']) for e in errors] == [(f'{CHAPTER}:7:25', 'math-syntax')], run.err
    assert 'mc^' in errors[0]['msg'] and 'Traceback' not in run.err
    assert dist_fingerprint(book / 'dist') == before
