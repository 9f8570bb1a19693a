"""TeX math as Pandoc reads it, ``$…$`` and ``$$…$$`` (and ``\\(…\\)``, ``\\[…\\]``), typeset as MathML.

Syntax:

- ``$…$`` inline and ``$$…$$`` display, read by mdit-py-plugins' dollarmath rule with Pandoc's
  ``tex_math_dollars`` rules: no space just inside the dollars and no digit right after the closing
  one, so that "$20 and $30" stays text;
- ``\\(…\\)`` inline and ``\\[…\\]`` display, as Pandoc reads them with its ``tex_math_single_backslash``
  extension (off in Pandoc's own ``markdown``, where ``\\(`` is an escaped parenthesis; on here, since
  LaTeX authors write them).

Each formula is converted to MathML when it is parsed (a core rule), so that a formula that does
not parse is a located ``error[math-syntax]``, never text. The converter is ``latex2mathml``: pure
Python, in process, and the same one ``ziamath`` parses TeX with, so the EPUB's MathML and the PDF's
drawing come from one reading of the formula (Pandoc's texmath, through a subprocess, would be a
second reader). It is lenient where TeX is not: an unknown command becomes an identifier and an
unclosed brace is closed for it, so both are checked here. The ``<math>`` element carries its TeX
as ``alttext``, the accessible text for readers that cannot render MathML. The PDF's post-pass
(:mod:`builder.layout.math_images`) draws each ``<math>`` as an SVG image: WeasyPrint has no MathML.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .locations import syntax_location
from .state import diagnostics_from_env

MATH_TOKENS = {'math_inline': 'inline', 'math_inline_double': 'block', 'math_block': 'block'}
# \( … \) and \[ … \]: (opening, closing, token type)
BACKSLASH_DELIMITERS = {'\\(': ('\\)', 'math_inline'), '\\[': ('\\]', 'math_inline_double')}
_UNKNOWN_COMMAND = re.compile(r'<m[io][^>]*>(\\[A-Za-z]+)</m[io]>')


def math_plugin(md: MarkdownIt) -> None:
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False,
           allow_blank_lines=False, double_inline=True)
    md.inline.ruler.before('escape', 'math_backslash', _backslash_math)
    md.core.ruler.after('inline', 'math_mathml', _convert_all)
    md.add_render_rule('math_inline', _render_math)
    md.add_render_rule('math_inline_double', _render_math)
    md.add_render_rule('math_block', lambda self, tokens, idx, options, env: (
        f'<div class="math display">{_render_math(self, tokens, idx, options, env)}</div>\n'))


def _backslash_math(state: StateInline, silent: bool) -> bool:
    opening = state.src[state.pos:state.pos + 2]
    if opening not in BACKSLASH_DELIMITERS:
        return False
    closing, token_type = BACKSLASH_DELIMITERS[opening]
    end = state.src.find(closing, state.pos + 2)
    if end < 0 or not state.src[state.pos + 2:end].strip():
        return False
    if not silent:
        token = state.push(token_type, 'math', 0)
        token.markup = opening
        token.content = state.src[state.pos + 2:end]
    state.pos = end + 2
    return True


def to_mathml(tex: str, display: str) -> str:
    """The MathML of ``tex``, with the TeX as its ``alttext``; ValueError says why it does not parse."""
    import latex2mathml.converter

    _check_braces(tex)
    try:
        mathml = latex2mathml.converter.convert(tex, display=display)
    except Exception as error:  # the converter's errors are of many classes, each named for its problem
        raise ValueError(_reason(error)) from None
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise ValueError(f'unknown command {unknown.group(1)}')
    alt = escapeHtml(' '.join(tex.split()))
    return mathml.replace('<math ', f'<math alttext="{alt}" ', 1)


def _check_braces(tex: str) -> None:
    depth = 0
    for match in re.finditer(r'\\.|[{}]', tex):
        depth += {'{': 1, '}': -1}.get(match.group(), 0)
        if depth < 0:
            raise ValueError("a '}' closes no '{'")
    if depth:
        raise ValueError("a '{' is not closed")


def _reason(error: Exception) -> str:
    """'MissingSuperScriptOrSubscriptError' -> 'missing superscript or subscript'."""
    name = type(error).__name__.removesuffix('Error')
    words = re.sub(r'(?<!^)(?=[A-Z])', ' ', name).lower().replace('super script', 'superscript')
    return f'{words}{": " + str(error) if str(error) else ""}'


def _convert_all(state: StateCore) -> None:
    diagnostics = diagnostics_from_env(state.env)
    for block in state.tokens:
        cursor = 0
        for token in (block, *(block.children or ())):
            if token.type not in MATH_TOKENS:
                continue
            try:
                token.meta['mathml'] = to_mathml(token.content.strip(), MATH_TOKENS[token.type])
            except ValueError as error:
                if token is block:
                    where = syntax_location(state, block)[0]
                else:
                    where, cursor = syntax_location(state, block, token.markup + token.content, cursor)
                diagnostics.error('math-syntax', f'the formula does not parse ({error}): '
                                  f'{" ".join(token.content.split())}', where)


def _render_math(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    token = tokens[idx]
    # A formula that did not parse was reported: the build stops before anything is written.
    return token.meta.get('mathml') or f'<span class="math">{escapeHtml(token.content)}</span>'
