"""Writing direction: ``dir`` on spans and divs whose language runs the other way, ``<bdi>`` round
unmarked runs of the other direction.

A span or div whose ``lang`` is written in the other direction than its surroundings
(``[کابل]{lang=fa}`` in an English book, ``[Kabul]{lang=en}`` in a Persian one) gets that direction as
``dir``: the browser isolates it, and WeasyPrint lays it out as its own run, so the punctuation around
it stays where it was written. A run of the other direction that the author did not mark (a Pashto
place name typed into an English sentence) is isolated the same way, in a ``<bdi>``: without it, the
Unicode bidirectional algorithm would carry a comma or a number next to it across to its other side.
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..i18n import text_direction
from .divs import DIV
from .state import text_like

# Unicode's strong bidirectional classes: left to right, right to left (Hebrew), right to left (Arabic).
_STRONG = {'L': 'ltr', 'R': 'rtl', 'AL': 'rtl'}
# Where every character of the classes R and AL is (checked against every code point of Python's Unicode data):
# text without one has nothing of the other direction in a left-to-right book, and is not read character by character.
_MAYBE_RTL = re.compile('[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]')


def direction_plugin(md: MarkdownIt, *, language: str) -> None:
    # Last among the core rules: terms, quotes and punctuation see the text before it is cut into runs.
    md.core.ruler.push('direction', lambda state: _directions(state, text_direction(language)))


def _directions(state: StateCore, book: str) -> None:
    blocks = [book]
    for token in state.tokens:
        if token.type == DIV:
            blocks.append(_set_dir(token, blocks[-1]))
        elif token.type == DIV.replace('_open', '_close') and len(blocks) > 1:
            blocks.pop()
        elif token.type == 'inline' and token.children:
            token.children = _inline(token.children, blocks[-1])


def _set_dir(token: Token, around: str | None) -> str | None:
    """The direction inside a span or div: its language's, written as ``dir`` when it differs from the
    direction ``around`` it; None inside an author's own ``dir`` (and for an author's own ``dir``), where
    the text is left as written."""
    if token.attrGet('dir') or around is None:
        return None
    if not token.attrGet('lang'):
        return around
    inside = text_direction(str(token.attrGet('lang')))
    if inside != around:
        token.attrSet('dir', inside)
    return inside


def _inline(children: list[Token], block: str | None) -> list[Token]:
    out: list[Token] = []
    spans = [block]
    for token in children:
        if token.type == 'span_open':
            spans.append(_set_dir(token, spans[-1]))
        elif token.type == 'span_close' and len(spans) > 1:
            spans.pop()
        if token.type == 'text' and spans[-1] is not None:
            out.extend(_isolated(token, spans[-1]))
        else:
            out.append(token)
    return out


def _isolated(token: Token, direction: str) -> list[Token]:
    """The text token, cut so that each run of the other direction is in a ``<bdi>``."""
    runs = _runs(token.content, direction)
    if not runs:
        return [token]
    out: list[Token] = []
    done = 0
    for start, end in runs:
        out += [text_like(token, token.content[done:start])] if start > done else []
        out += [Token('bdi_open', 'bdi', 1), text_like(token, token.content[start:end]), Token('bdi_close', 'bdi', -1)]
        done = end
    out += [text_like(token, token.content[done:])] if done < len(token.content) else []
    return out


def _runs(text: str, direction: str) -> list[tuple[int, int]]:
    """(start, end) of each run of the other direction: from a strong character of that direction to the
    last one (with the marks that follow it) before a strong character of ``direction``."""
    runs: list[tuple[int, int]] = []
    if direction == 'ltr' and not _MAYBE_RTL.search(text):
        return runs
    start = end = -1
    for i, char in enumerate(text):
        kind = unicodedata.bidirectional(char)
        strong = _STRONG.get(kind)
        if strong is not None and strong != direction:
            start, end = (i if start < 0 else start), i + 1
        elif kind == 'NSM' and end == i and start >= 0:
            end = i + 1  # a vowel sign or other mark on the run's last letter
        elif strong == direction and start >= 0:
            runs.append((start, end))
            start = -1
    if start >= 0:
        runs.append((start, end))
    return runs


