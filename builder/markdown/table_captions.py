"""Pandoc's table captions: a paragraph starting ``Table:`` (or ``:``) just before or just after a table.

``Table: The four instruments {#tbl-instruments}`` becomes the table's
``<caption>``; its attributes go to the table, whose id, when it starts with
``tbl-``, numbers it as Quarto does (:mod:`.figures` says how numbers are
given). As in Pandoc, a blank line separates the caption from the table.
This runs before inline parsing, on the paragraph's text, as heading
attributes are read. ``: Caption`` right after a paragraph was read by the
definition-list rule as that paragraph's definition; just before a table,
Pandoc reads it as a caption, and so does this rule.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .figures import block_like, caption_open, numbered
from .headings import split_attributes

_CAPTION = re.compile(r'(?:[Tt]able)?:\s+')


def table_captions_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before('inline', 'table_captions', _captions)
    md.add_render_rule('caption_open', caption_open)


def _captions(state: StateCore) -> None:
    _definitions_before_tables(state)
    tokens = state.tokens
    count: dict[str, int] = {}
    i = 0
    while i < len(tokens):
        if tokens[i].type != 'table_open':
            i += 1
            continue
        table_open = tokens[i]
        close = next(j for j in range(i, len(tokens)) if tokens[j].type == 'table_close'
                     and tokens[j].level == table_open.level)
        # Pandoc reads a caption before the table first.
        before, after = range(i - 3, i), range(close + 1, close + 4)
        span = next((r for r in (before, after) if _is_caption(tokens, r, table_open.level)), None)
        if span is None:
            i = close + 1
            continue
        paragraph_open, inline, paragraph_close = (tokens[j] for j in span)
        text, attrs = split_attributes(_CAPTION.sub('', inline.content, count=1))
        for name in ('id', 'class'):
            if name in attrs:
                table_open.attrSet(name, attrs[name])
        if 'id' in attrs:
            numbered('table', table_open, count)
        # The caption's text keeps its place in the source for locations: only its lead and attributes go.
        caption = block_like('inline', '', 0, inline)
        caption.content, caption.map = text, inline.map
        caption_open_token = block_like('caption_open', 'caption', 1, paragraph_open)
        caption_open_token.meta['target'] = attrs.get('id')
        caption_tokens = [caption_open_token, caption, block_like('caption_close', 'caption', -1, paragraph_close)]
        table = tokens[i:close + 1]
        table[1:1] = caption_tokens
        start = span.start if span is before else i
        tokens[start:max(span.stop, close + 1)] = table
        i = start + len(table)


def _is_caption(tokens: list[Token], span: range, level: int) -> bool:
    if span.start < 0 or span.stop > len(tokens):
        return False
    paragraph_open, inline, paragraph_close = (tokens[j] for j in span)
    return (paragraph_open.type, inline.type, paragraph_close.type) == (
        'paragraph_open', 'inline', 'paragraph_close') and bool(_CAPTION.match(inline.content)) \
        and not paragraph_open.hidden and paragraph_open.level == level


_DEFINITION = ['dl_open', 'dt_open', 'inline', 'dt_close', 'dd_open', 'paragraph_open', 'inline', 'paragraph_close',
               'dd_close', 'dl_close', 'table_open']


def _definitions_before_tables(state: StateCore) -> None:
    """A term and its one ``: definition`` just before a table: a paragraph and the table's caption."""
    tokens, lines = state.tokens, state.src.split('\n')
    for i in range(len(tokens) - len(_DEFINITION), -1, -1):
        if [t.type for t in tokens[i:i + len(_DEFINITION)]] != _DEFINITION:
            continue
        dl_open, _, term, _, dd_open, _, definition, *_ = tokens[i:i + len(_DEFINITION)]
        if not lines[dd_open.map[0]].lstrip().startswith(':'):  # type: ignore[index]
            continue
        paragraphs = []
        for inline, content in ((term, term.content), (definition, f': {definition.content}')):
            text = block_like('inline', '', 0, inline)
            text.content, text.map = content, inline.map
            paragraphs += [block_like('paragraph_open', 'p', 1, inline), text,
                           block_like('paragraph_close', 'p', -1, inline)]
        for token in paragraphs:  # where the definition list stood
            token.level = dl_open.level + (token.type == 'inline')
        tokens[i:i + len(_DEFINITION) - 1] = paragraphs
