"""Pandoc's attributes on fenced code: ```` ```{.python #listing-1} ```` is Python code with an id.

markdown-it takes the whole info string as the language (``language-{.python``);
this rule reads it as attributes: the first class is the language, an id and
the class that numbers lines (``.numberLines``) are kept. Raw blocks (``{=latex}``) are left to :mod:`.unsupported`.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.attrs.parse import ParseError, parse

from .highlight import LINE_NUMBERS


def code_attributes_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after('block', 'code_attributes', _code_attributes)


def _code_attributes(state: StateCore) -> None:
    for token in state.tokens:
        info = token.info.strip() if token.type == 'fence' else ''
        if not info.startswith('{') or info.startswith('{='):
            continue
        # Quarto's executable cells, ```{python}, name their language alone: printed as code here.
        bare = re.fullmatch(r'\{([\w-]+)\}', info)
        try:
            attrs = {'class': bare[1]} if bare else parse(info)[1]
        except ParseError:
            continue
        classes = str(attrs.get('class', '')).split()
        numbering = [c for c in classes if c in LINE_NUMBERS]
        token.info = next((c for c in classes if c not in LINE_NUMBERS), '')
        if numbering:
            token.attrSet('class', 'numberLines')
        if 'id' in attrs:
            token.attrSet('id', attrs['id'])
