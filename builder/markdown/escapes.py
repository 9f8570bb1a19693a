"""Pandoc's escaped space: a backslash before a space is a non-breaking space (``H~many\\ of\\ them~O``).

CommonMark leaves ``\\ `` as a backslash and a space; Pandoc's Markdown makes
every symbol escapable, the space included.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

NBSP = '\u00a0'


def escaped_space_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before('escape', 'escaped_space', _escaped_space)


def _escaped_space(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith('\\ ', state.pos):
        return False
    if not silent:
        state.push('text', '', 0).content = NBSP
    state.pos += 2
    return True
