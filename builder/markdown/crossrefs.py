"""Quarto's cross-references: ``@fig-route``, ``[@sec-phases]``.

Quarto (and pandoc-crossref) write a reference to a figure, table, section,
equation or listing as a citation whose key starts with ``fig-``, ``tbl-``,
``sec-``, ``eq-`` or ``lst-``; those prefixes are reserved for ids. These
inline rules, ahead of the citation rules, read them as an empty link to the
id, which prints its target's name ("figure “…”", "section “…”") as any
empty cross-reference does, and is checked like one (``xref-unknown``).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

TARGET = r'(?:fig|tbl|sec|eq|lst)-[\w-]*\w'  # the id a cross-reference's key names
_KEY = rf'@(?P<id>{TARGET})'
_BRACKETED = re.compile(rf'\[{_KEY}\]')
_NARRATIVE = re.compile(_KEY)


def crossrefs_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before('link', 'crossref', _crossref)


def _crossref(state: StateInline, silent: bool) -> bool:
    pattern = _BRACKETED if state.src[state.pos] == '[' else _NARRATIVE
    before = state.src[state.pos - 1:state.pos]
    match = pattern.match(state.src, state.pos)
    # Not inside a word or an address (me@fig-x); at the start of a paragraph, nothing comes before.
    if not match or (pattern is _NARRATIVE and before and (before.isalnum() or before in '@_')):
        return False
    if not silent:
        state.push('link_open', 'a', 1).attrs = {'href': f"#{match['id']}"}
        state.push('link_close', 'a', -1)
    state.pos = match.end()
    return True
