"""Smart dashes and ellipses, as Pandoc's ``smart`` extension makes them, and nothing more.

markdown-it's ``replacements`` rule also turns ``(c)``, ``(r)`` and ``(tm)`` into
©, ® and ™, ``+-`` into ±, and squeezes ``,,`` and ``!!!!``: an exercise's
"(a), (b) and (c)" would print as "(a), (b) and ©". Authors who come from
Pandoc expect only ``--`` → –, ``---`` → — and ``...`` → …, so this rule takes
the place of markdown-it's.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# markdown-it's own patterns for the dashes: an em dash between non-dashes, en dashes between
# spaces or between words and numbers ("1986--1989").
from markdown_it.rules_core.replacements import EM_DASH_RE, EN_DASH_INDENT_RE, EN_DASH_RE

ELLIPSIS = re.compile(r'(?<!\.)\.\.\.(?!\.)')


def smart_punctuation_plugin(md: MarkdownIt) -> None:
    md.core.ruler.at('replacements', _replace)


def _replace(state: StateCore) -> None:
    if not state.md.options.typographer:
        return
    for block in state.tokens:
        if block.type == 'inline' and block.children and ('--' in block.content or '...' in block.content):
            _replace_inline(block.children)


def _replace_inline(children: list[Token]) -> None:
    inside_autolink = False
    for token in children:
        if token.type == 'text' and not inside_autolink:
            text = ELLIPSIS.sub('\u2026', token.content)
            text = EM_DASH_RE.sub('\\1\u2014', text)
            text = EN_DASH_RE.sub('\\1\u2013', text)
            token.content = EN_DASH_INDENT_RE.sub('\\1\u2013', text)
        elif token.type in ('link_open', 'link_close') and token.info == 'auto':
            inside_autolink = token.type == 'link_open'
