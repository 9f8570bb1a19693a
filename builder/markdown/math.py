"""Pandoc's TeX math, ``$…$`` and ``$$…$$``: read as Pandoc reads it, printed as its TeX source for now.

mdit-py-plugins' dollarmath rule reads it with Pandoc's rules: no space just
inside the dollars and no digit right after the closing one, so that "$20 and
$30" stays text. Until math is typeset, each formula is printed as written, in
a ``math`` element class, with a located warning, rather than as stray
dollars and backslashes.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .locations import warn_at_each

MESSAGE = 'math is not typeset yet: its TeX source is printed as written'


def math_plugin(md: MarkdownIt) -> None:
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False,
           allow_blank_lines=False, double_inline=True)
    md.core.ruler.after('inline', 'math_warnings', lambda state: warn_at_each(
        state, 'math', MESSAGE, 'math_block', dict.fromkeys(('math_inline', 'math_inline_double'), _as_written)))
    md.add_render_rule('math_inline', lambda self, tokens, idx, options, env: (
        f'<span class="math">{escapeHtml(tokens[idx].content)}</span>'))
    md.add_render_rule('math_inline_double', lambda self, tokens, idx, options, env: (
        f'<span class="math display">{escapeHtml(tokens[idx].content)}</span>'))
    md.add_render_rule('math_block', lambda self, tokens, idx, options, env: (
        f'<p class="math display">{escapeHtml(tokens[idx].content.strip())}</p>\n'))


def _as_written(token: Token) -> str:
    return token.markup + token.content
