"""The Markdown dialect's plugins, one construct at a time: Markdown in, XHTML out.

``tests/fixtures/*.md`` hold markdown-it's fixture format (a title, then the
Markdown and the XHTML it renders, each closed by a line holding a dot), as
mdit-py-plugins tests its own plugins: one file per plugin. A chapter
``chapters/01-a.md`` (id ``a``) is parsed in an English book whose other
chapter is ``chapters/02-b.md`` (id ``b``) and whose editions are student and
instructor; :data:`PARSERS` names the files parsed otherwise (in French, with
a glossary, with a note citation style). French typography puts no-break
spaces in the XHTML (U+00A0 before a colon and inside guillemets, U+202F
before ; ! ?): the fixture files hold those characters as they are, and a
failure shows them escaped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from builder.diagnostics import Diagnostics
from builder.markdown import make_parser
from builder.markdown.state import new_env
from builder.markdown.terms import TermIndex

FIXTURES = sorted((Path(__file__).parent / 'fixtures').glob('*.md'))
CASES = [(path, *case) for path in FIXTURES for case in read_fixture_file(path)]

# A glossary's forms as (form, term key, case-sensitive): abbreviations match only as written.
GLOSSARY = TermIndex([('mujahideen', 'mujahideen', False), ('moudjahidines', 'mujahideen', False),
                      ('UN', 'united-nations', True), ('United Nations', 'united-nations', False)])
DEFAULT = {'language': 'en', 'editions': ('student', 'instructor')}
# Fixture file (stem) -> how its chapter is parsed, where that differs from DEFAULT.
PARSERS = {
    'french_typography': {'language': 'fr'},
    'terms': {'terms': GLOSSARY},
    'terms_auto': {'terms': GLOSSARY, 'auto_terms': True},
    'index': {'terms': GLOSSARY},
    'citations_notes': {'citation_notes': True},
}


def render(stem: str, markdown: str) -> str:
    options = DEFAULT | PARSERS.get(stem, {})
    env = new_env('a', 'chapters/01-a.md', Diagnostics(), {'chapters/01-a.md': 'a', 'chapters/02-b.md': 'b'})
    return make_parser(options.pop('language'), **options).render(markdown, env)


def test_every_fixture_file_has_cases():
    assert {path.stem for path in FIXTURES} >= {'pandoc_markdown', *PARSERS}
    assert all(read_fixture_file(path) for path in FIXTURES)


@pytest.mark.parametrize('path, line, title, markdown, expected', CASES,
                         ids=[f'{path.stem}:{line}:{title}' for path, line, title, *_ in CASES])
def test_fixture(path, line, title, markdown, expected):
    rendered = render(path.stem, markdown)
    assert rendered == expected, f'{path.name}:{line + 1}: {title}\nrendered {ascii(rendered)}\nexpected {ascii(expected)}'
