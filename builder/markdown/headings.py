"""Pandoc heading attributes, stable ids, and levels below the chapter's title.

``## The four instruments {#geneva-instruments .unnumbered}`` sets the id and
classes of a heading. A heading without an id gets one from its text, prefixed
with the chapter id so that ids stay unique when chapters share one document.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.attrs.parse import ParseError, parse
from slugify import slugify

from .state import chapter_env


def heading_attributes_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before('inline', 'heading_attributes', _heading_attributes)
    md.core.ruler.before('inline', 'heading_shift', _shift_below_title)
    md.core.ruler.after('inline', 'heading_ids', _heading_ids)


def split_attributes(text: str) -> tuple[str, dict[str, str]]:
    """A heading's text without its trailing ``{#id .class}``, and those attributes (none when it has none)."""
    text = text.rstrip()
    start = text.rfind('{')
    if not text.endswith('}') or start < 0:
        return text, {}
    # Pandoc writes a lone "-" for .unnumbered: "# Preface {-}".
    braces = re.sub(r'(?<=[{\s])-(?=[\s}])', '.unnumbered', text[start:])
    try:
        end, attrs = parse(braces)
    except ParseError:
        return text, {}
    if end + 1 != len(braces):
        return text, {}
    return text[:start].rstrip(), attrs


def _heading_attributes(state: StateCore) -> None:
    for open_token, inline in zip(state.tokens, state.tokens[1:]):
        if open_token.type != 'heading_open' or inline.type != 'inline':
            continue
        inline.content, attrs = split_attributes(inline.content)
        for name in ('id', 'class'):
            if name in attrs:
                open_token.attrSet(name, attrs[name])


def _shift_below_title(state: StateCore) -> None:
    """Level 1 is the chapter's title. A body that still has ``#`` headings (written for Pandoc, whose
    title comes from elsewhere) moves every heading down one level, as ``--shift-heading-level-by=1``."""
    headings = [t for t in state.tokens if t.type in ('heading_open', 'heading_close')]
    if not any(t.tag == 'h1' for t in headings):
        return
    for token in headings:
        token.tag = f'h{min(int(token.tag[1]) + 1, 6)}'


def _heading_ids(state: StateCore) -> None:
    prefix = chapter_env(state.env).chapter_id
    taken: set[str] = set()
    for open_token, inline in zip(state.tokens, state.tokens[1:]):
        if open_token.type != 'heading_open':
            continue
        ident = open_token.attrGet('id')
        if not ident:
            base = f'{prefix}-{slugify(inline.content) or "section"}'
            ident, n = base, 1
            while ident in taken:
                n += 1
                ident = f'{base}-{n}'
            open_token.attrSet('id', ident)
        taken.add(str(ident))
