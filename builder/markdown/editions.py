"""Edition-only content, and note numbers that every edition shares.

A fenced div or a span whose class names an edition (``::: {.instructor}``,
``[answer: 1988]{.instructor}``) belongs only to the editions it names. This
plugin marks such containers with ``meta['editions']``; the select stage
(:mod:`builder.selection`) later leaves them out of the other editions.

Numbers must not change between editions, so they are given here, on the whole
chapter, before any edition is selected. Notes are numbered 1, 2, 3 … in the
order they are first called from content that every edition has; notes called
only from edition-only content are lettered a, b, c … instead, outside that
sequence, so that a student and an instructor cite the same note 4.
``class="instructor"`` is always edition-only, even in a book that declares
no instructor edition, so that an answer key can never leak into a student's copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from string import ascii_lowercase

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

ALWAYS_EDITION_ONLY = frozenset({'instructor'})


def edition_content_plugin(md: MarkdownIt, *, editions: Sequence[str]) -> None:
    names = frozenset(editions) | ALWAYS_EDITION_ONLY
    md.core.ruler.after('footnote_tail', 'edition_content', lambda state: _mark(state, names))


def editions_of(token: Token) -> frozenset[str] | None:
    """The editions a container token is limited to, or None when every edition has it."""
    return token.meta.get('editions')


def _mark(state: StateCore, names: frozenset[str]) -> None:
    shared_call: dict[int, bool] = {}  # note id -> is its first call in content every edition has?
    divs: list[bool] = []  # for each enclosing div: is it edition-only?
    for token in state.tokens:
        if token.type == 'footnote_block_open':
            break  # note texts do not decide numbering; their calls do
        if token.type == 'container_div_open':
            divs.append(_limit(token, names))
        elif token.type == 'container_div_close' and divs:
            divs.pop()
        block_depth = sum(divs)
        spans: list[bool] = []
        for child in token.children or ():
            if child.type == 'span_open':
                spans.append(_limit(child, names))
            elif child.type == 'span_close' and spans:
                spans.pop()
            elif child.type == 'footnote_ref':
                shared = not block_depth and not any(spans)
                shared_call[child.meta['id']] = shared_call.get(child.meta['id'], False) or shared
    numbers = _numbers(shared_call)
    for token in state.tokens:
        for t in (token, *(token.children or ())):
            if t.type in ('footnote_ref', 'footnote_open') and t.meta.get('id') in numbers:
                t.meta['number'] = numbers[t.meta['id']]


def _limit(token: Token, names: frozenset[str]) -> bool:
    classes = frozenset(str(token.attrGet('class') or '').split())
    if classes & names:
        token.meta['editions'] = classes & names
        return True
    return False


def _numbers(shared_call: dict[int, bool]) -> dict[int, str]:
    numbers: dict[int, str] = {}
    shared = lettered = 0
    for note_id in sorted(shared_call):
        if shared_call[note_id]:
            shared += 1
            numbers[note_id] = str(shared)
        else:
            numbers[note_id] = _letters(lettered)
            lettered += 1
    return numbers


def _letters(n: int) -> str:
    """a, b, … z, aa, ab, …"""
    text = ''
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        text = ascii_lowercase[rest] + text
    return text
