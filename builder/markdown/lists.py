"""Pandoc's fancy lists: ``a.``, ``(b)``, ``iv.``, ``C)``, ``#.``, ``(2)`` markers, example lists, task lists.

markdown-it reads ordered lists with decimal markers only (``1.``, ``1)``). This
block rule, placed before markdown-it's list rule, reads a list whose first
marker is a letter, a roman numeral, ``#`` or a number in parentheses, as
Pandoc does: it writes each of the list's markers of the same style, in place,
as a decimal marker of the same width, lets markdown-it's own list rule read the
list, puts the text back, then sets the ``type`` and ``start`` of the
``ordered_list_open`` token. Nested lists come back through this rule while
markdown-it reads their item, and are rewritten and restored in turn.

Pandoc's rules: a capital letter (or a one-letter capital roman numeral)
followed by a period needs two spaces after it, so that "B. Williams" stays a
paragraph; ``i``, ``I`` and multi-letter numerals of ``ivxlcdm`` are roman,
other single letters alphabetic; the later items keep the first one's style
and delimiter; a list starts after a blank line, except inside a list item.

Example lists (``(@)``, ``(@label)``) are numbered on through the chapter, one
list after another; ``(@label)`` in the text prints the number of its example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock, list_block
from markdown_it.rules_inline import StateInline

from .state import chapter_env

_MARKER = re.compile(r'(?P<open>\()?(?P<value>\d{1,9}|#|@[\w-]*|[a-zA-Z]|[ivxlcdm]+|[IVXLCDM]+)(?P<close>[.)])'
                     r'(?P<space>[ \t]+|$)')
_EXAMPLE_REFERENCE = re.compile(r'@([\w-]+)\)')
_ROMAN = {'i': 1, 'v': 5, 'x': 10, 'l': 50, 'c': 100, 'd': 500, 'm': 1000}
# markdown-it's ordered markers have at most nine digits and a delimiter.
_WIDEST = 10


@dataclass(frozen=True)
class Marker:
    style: str  # HTML's list types: '1', 'a', 'A', 'i', 'I'; '@' for an example list
    delimiter: str  # '.', ')' or '()'
    value: int
    label: str  # as written: 'iv', '#', '@good'
    start: int  # offsets of the marker in the source
    end: int


def fancy_lists_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before('list', 'fancy_list', _fancy_list, {'alt': ['paragraph', 'reference', 'blockquote']})
    md.inline.ruler.before('link', 'example_reference', _example_reference)
    md.options['tasklists'] = True
    md.add_render_rule('ordered_list_open', _render_list)
    md.add_render_rule('list_item_open', _render_item)


def read_marker(text: str, pos: int, like: Marker | None = None) -> Marker | None:
    """The ordered-list marker at ``pos``; ``like`` is the list's first marker, whose style a later one keeps."""
    match = _MARKER.match(text, pos)
    if not match or (match['open'] and match['close'] != ')'):
        return None
    value, delimiter = match['value'], '()' if match['open'] else match['close']
    style = _style(value, like.style if like else None)
    if style is None or (like and (style, delimiter) != (like.style, like.delimiter)):
        return None
    number = _number(value, style)
    # "B. Williams" is a name, not a list: a capital and a period need two spaces after (or a tab).
    if (delimiter == '.' and style in 'AI' and (style == 'A' or number in _ROMAN.values())
            and match['space'] not in ('', '\t') and len(match['space']) < 2):
        return None
    return Marker(style, delimiter, number, value, match.start(), match.end('close'))


def _style(value: str, expected: str | None) -> str | None:
    if value.startswith('@'):
        return '@'
    if value.isdigit() or value == '#':
        return '1'
    roman = all(c in _ROMAN for c in value.lower())
    if expected in ('i', 'I') and roman:
        return 'i' if value.islower() else 'I'
    if len(value) == 1 and value not in 'iI' and expected not in ('i', 'I'):
        return 'a' if value.islower() else 'A'
    if roman and value.isupper() != value.islower():  # all in one case
        return 'i' if value.islower() else 'I'
    return None


def _number(value: str, style: str) -> int:
    if value == '#' or style == '@':
        return 1
    if style == '1':
        return int(value)
    if style in 'aA':
        return ord(value.lower()) - ord('a') + 1
    digits = [_ROMAN[c] for c in value.lower()]
    return sum(-d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits))


def _is_fancy(marker: Marker) -> bool:
    """Whether markdown-it could not read this marker itself (it reads ``1.`` and ``1)``)."""
    return marker.style != '1' or marker.delimiter == '()' or marker.label == '#'


def _fancy_list(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    first = read_marker(state.src, state.bMarks[start_line] + state.tShift[start_line])
    if first is None or not _is_fancy(first) or first.end - first.start > _WIDEST:
        return False
    # Pandoc starts a list after a blank line only, except in a list item (where blkIndent > 0).
    if silent and state.parentType == 'paragraph' and state.blkIndent == 0:
        return False
    original = state.src
    state.src, markers = _as_decimal(state, start_line, end_line, first)
    try:
        opened = len(state.tokens)
        found = list_block(state, start_line, end_line, silent)
    finally:
        state.src = original
    if found and not silent:
        token = state.tokens[opened]
        token.attrs.pop('start', None)
        start = _number_examples(state, opened, markers) if first.style == '@' else first.value
        if first.style not in '1@':
            token.attrSet('type', first.style)
        if start != 1:
            token.attrSet('start', start)
        token.meta['delimiter'] = first.delimiter
    return found


def _examples(env: dict) -> dict[str, int]:
    """The chapter's example labels and their numbers; '' counts the examples so far."""
    return chapter_env(env).extra.setdefault('examples', {'': 0})


def _number_examples(state: StateBlock, opened: int, markers: dict[int, Marker]) -> int:
    """Number the items of an example list after the chapter's earlier examples; the list's first number."""
    examples = _examples(state.env)
    first = examples[''] + 1
    level = state.tokens[opened].level + 1
    for token in state.tokens[opened:]:
        if token.type == 'list_item_open' and token.level == level and token.map:
            examples[''] += 1
            label = markers[token.map[0]].label[1:] if token.map[0] in markers else ''
            if label:
                examples.setdefault(label, examples[''])
    return first


def _example_reference(state: StateInline, silent: bool) -> bool:
    """``(@label)`` in the text: the number of the example with that label, in its parentheses."""
    if state.src[state.pos] != '@' or state.src[state.pos - 1:state.pos] != '(':
        return False
    match = _EXAMPLE_REFERENCE.match(state.src, state.pos)
    number = _examples(state.env).get(match[1]) if match else None
    if number is None:
        return False
    if not silent:
        state.push('text', '', 0).content = str(number)
    state.pos = match.end(1)  # the closing parenthesis stays text
    return True


def _as_decimal(state: StateBlock, start_line: int, end_line: int, first: Marker) -> tuple[str, dict[int, Marker]]:
    """The source with this list's markers written ``01.`` or ``01)``, the same width, up to its end;
    the markers by line."""
    text = state.src
    parts, done = [], 0
    markers: dict[int, Marker] = {}
    indent = state.sCount[start_line]
    for line in range(start_line, end_line):
        if state.isEmpty(line):
            continue
        if state.sCount[line] < indent:
            break
        if state.sCount[line] > indent:
            continue
        marker = read_marker(text, state.bMarks[line] + state.tShift[line], first)
        if marker is None or marker.end - marker.start > _WIDEST:
            continue
        width = marker.end - marker.start - 1
        parts += [text[done:marker.start], '0' * (width - 1) + '1', ')' if marker.delimiter != '.' else '.']
        done = marker.end
        markers[line] = marker
    return ''.join(parts) + text[done:], markers


def _render_list(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    """``start`` also as a counter: WeasyPrint ignores the attribute and would number every list from 1."""
    start = tokens[idx].attrGet('start')
    html = self.renderToken(tokens, idx, options, env)
    return html if start is None else html.replace('>', f' style="counter-reset: list-item {int(str(start)) - 1}">', 1)


def _render_item(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    """A task list's item starts with its box, drawn by the stylesheets (the book fonts have no ☐), ticked when done."""
    html = self.renderToken(tokens, idx, options, env)
    checked = tokens[idx].meta.get('checked')
    return html if checked is None else f'{html}<span class="task-box">{"✓" if checked else ""}</span>'
