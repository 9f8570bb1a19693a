"""The Markdown dialect's plugins, one construct at a time: Markdown in, XHTML out.

``tests/fixtures/*.md`` hold markdown-it's fixture format (a title, then the
Markdown and the XHTML it renders, each closed by a line holding a dot), as
mdit-py-plugins tests its own plugins. A chapter ``chapters/01-a.md`` is
parsed in a book whose other chapter is ``chapters/02-b.md`` (id ``b``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from builder.diagnostics import Diagnostics
from builder.markdown import make_parser
from builder.markdown.state import new_env

FIXTURES = sorted((Path(__file__).parent / 'fixtures').glob('*.md'))
CASES = [(path, *case) for path in FIXTURES for case in read_fixture_file(path)]


@pytest.mark.parametrize('path, line, title, markdown, expected', CASES,
                         ids=[f'{path.stem}:{line}:{title}' for path, line, title, *_ in CASES])
def test_fixture(path, line, title, markdown, expected):
    env = new_env('a', 'chapters/01-a.md', Diagnostics(), {'chapters/01-a.md': 'a', 'chapters/02-b.md': 'b'})
    assert make_parser('en').render(markdown, env) == expected
