"""Pandoc syntax this builder does not read yet: a located warning names it, and its words print as text.

- simple, multiline and grid tables (pipe tables are read);
- attributes that could not be read (``[a]{key=a.b}``: the value needs quotes);
- raw LaTeX (``\\begin{…}``, ``\\cite{…}``) and raw attributes (```` ```{=latex} ````,
  `` `<b>`{=html} ``), which Pandoc passes to one output format only.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .locations import syntax_location
from .state import diagnostics_from_env

_GRID_RULE = re.compile(r'\+[-=:]+(?:\+[-=:]+)*\+')
_DASH_COLUMNS = re.compile(r'\s*-{2,}(?:\s+-{2,})+\s*')
_RAW_TEX = re.compile(r'\\(?:[A-Za-z]+)(?:\[[^\]]*\])?\{')
# Attributes left as text: the attrs plugin reads no unquoted value with "%" or "." in it (key=a.b).
_UNREAD_ATTRIBUTES = re.compile(r'\{(?:[#.][\w-]|[\w-]+=)[^{}]*\}')

TABLE = ("Pandoc's simple, multiline and grid tables are not read yet: the table's words are printed as "
         'paragraphs; write a pipe table (| a | b |)')
RAW_TEX = 'raw LaTeX is printed as text, as written: it is only for a LaTeX output'
RAW_ATTRIBUTE = 'raw content for another format ({=format}) is printed as text, as written'
UNREAD_ATTRIBUTES = 'these attributes could not be read, and are printed as text: quote a value that holds ' \
    'anything but letters, digits, - and _ (key="a.b")'


def unsupported_syntax_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after('text_join', 'unsupported_syntax', _warn)  # raw TeX spans text tokens until joined


def _warn(state: StateCore) -> None:
    diagnostics = diagnostics_from_env(state.env)
    lines = state.src.split('\n')
    tokens = state.tokens
    for i, token in enumerate(tokens):
        warning = None
        if token.type == 'inline' and _GRID_RULE.fullmatch(token.content.split('\n')[0].strip()):
            warning = 'table-unsupported', TABLE
        elif token.type == 'hr' and token.map and _table_rule(lines, token.map[0]):
            warning = 'table-unsupported', TABLE
        elif token.type == 'fence' and token.info.strip().startswith('{='):
            warning = 'raw-attribute', RAW_ATTRIBUTE
        if warning:
            diagnostics.warning(warning[0], warning[1], syntax_location(state, token)[0])
        if token.type == 'inline':
            _warn_inline(state, token)


def _table_rule(lines: list[str], line: int) -> bool:
    """A rule of dashes in columns, or one with text right under it: a Pandoc table, not a thematic break."""
    text = lines[line]
    below = lines[line + 1] if line + 1 < len(lines) else ''
    return bool(_DASH_COLUMNS.fullmatch(text)) or (set(text.strip()) == {'-'} and bool(below.strip()))


def _warn_inline(state: StateCore, block: Token) -> None:
    diagnostics = diagnostics_from_env(state.env)
    children = block.children or []
    for child, following in zip(children, children[1:] + [None]):
        if child.type == 'text' and _RAW_TEX.search(child.content):
            raw = _RAW_TEX.search(child.content).group()  # type: ignore[union-attr]
            diagnostics.warning('raw-latex', RAW_TEX, syntax_location(state, block, raw)[0])
        if child.type == 'text' and _UNREAD_ATTRIBUTES.search(child.content):
            raw = _UNREAD_ATTRIBUTES.search(child.content).group()  # type: ignore[union-attr]
            diagnostics.warning('attributes-unread', UNREAD_ATTRIBUTES, syntax_location(state, block, raw)[0])
        elif child.type == 'code_inline' and following and following.type == 'text' and \
                following.content.startswith('{='):
            diagnostics.warning('raw-attribute', RAW_ATTRIBUTE,
                                syntax_location(state, block, f'{child.markup}{child.content}{child.markup}{{=')[0])
