"""Print post-passes for content wider than a line: break opportunities in long tokens, code lines as blocks.

A line of code too long for the page wraps (``white-space: pre-wrap``); so that a
reader sees where a source line goes on, :func:`code_lines_as_blocks` lets each
line be a block, which ``print.css`` sets with a hanging indent and a mark at each
continuation.

WeasyPrint 70 lays out each line of a stretch of text that has no break
opportunity by shaping the whole rest of the stretch again, and it tries every
hyphenation point of it: one 5,000-character word took 50 s, 10,000 characters
400 s, 100,000 never finished. ``print.css`` lets any token break
(``overflow-wrap: break-word``) so that nothing runs off the page; the zero-width
spaces inserted here bound the stretch WeasyPrint shapes for a line, so that
layout time grows linearly with the text. They go only into stretches longer
than any word of prose, so that ordinary words still hyphenate and the text a
reader copies or searches is unchanged but for those tokens (URLs, identifiers,
digests). The EPUB gets none: e-readers break long words themselves
(``epub.css``).
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

# A stretch without a break opportunity longer than this is not a word of prose (German compounds
# reach about 40 letters); it gets a break opportunity every CHUNK characters.
LONGEST_WORD = 40
CHUNK = 12
ZERO_WIDTH_SPACE = '\u200b'
# Where the line breaker (Pango, UAX #14) may already break: after white space, after a slash, after a
# hyphen before a letter, and between the characters of scripts that are written without spaces
# (CJK, kana, Hangul, and Thai, Lao, Myanmar and Khmer, which Pango breaks by dictionary).
UNBROKEN = re.compile(r'(?:[^\s/\-\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]'
                      r'|-(?![^\W\d_]))' f'{{{LONGEST_WORD + 1},}}')
LONG_RUN = re.compile(rf'\S{{{LONGEST_WORD + 1}}}')  # in every stretch of UNBROKEN, which has no white space


def long_tokens_breakable(tree: HtmlElement) -> HtmlElement:
    """``tree`` with a break opportunity every CHUNK characters of each stretch longer than LONGEST_WORD."""
    body = tree.find('body')
    # Most books have none: a stretch is a run of as many characters without white space, looked for first in the
    # text of the whole body at once (a run across two elements found too, then looked for element by element), 6
    # times faster than UNBROKEN (0.06 s against 0.34 s for the 3 MB of text of the 824-page benchmark book).
    if not LONG_RUN.search(etree.tostring(body, method='text', encoding='unicode')):
        return tree
    for element in body.iter():
        if element.text:
            element.text = breakable(element.text)
        if element.tail and element is not body:
            element.tail = breakable(element.tail)
    return tree


def breakable(text: str) -> str:
    if not LONG_RUN.search(text):
        return text
    return UNBROKEN.sub(lambda m: ZERO_WIDTH_SPACE.join(_chunks(m.group())), text)


def _chunks(stretch: str) -> list[str]:
    return [stretch[i:i + CHUNK] for i in range(0, len(stretch), CHUNK)]


def code_lines_as_blocks(tree: HtmlElement) -> HtmlElement:
    """``tree`` without the newlines between the ``code-line`` spans of its code blocks, which print.css
    makes blocks (the renderer makes the spans, :mod:`builder.markdown.highlight`).

    Between two blocks, a newline in a ``pre`` would print as an empty line.
    """
    for line in tree.xpath('//pre/code/span[@class="code-line"]'):
        line.tail = None
    return tree
