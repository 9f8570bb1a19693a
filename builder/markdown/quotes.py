"""Smart punctuation that follows the language of the text.

markdown-it's smartquotes rule curls quotes with the one pair of its
``quotes`` option. This rule takes its place: it runs the same pairing
(``process_inlines``) over each stretch of text in one language, the book's or
a ``[…]{lang=fr}`` span's, with that language's quotes, then puts in the
non-breaking spaces French typography asks for inside guillemets and before
``; : ! ?``. The marks are CLDR's, from ICU (German „…‚…‘“, Spanish «…“…”»,
Persian «…‹…›»), unless the language's own catalog (:mod:`builder.i18n`) keeps
marks of its own (British English ‘single’ outside, French “…” inside
« guillemets »); the spacing is the catalog's.
"""

from __future__ import annotations

import functools

import icu
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.smartquotes import process_inlines
from markdown_it.token import Token

from ..i18n import ROOT_LANGUAGE, catalog

NBSP = '\u00a0'
NARROW_NBSP = '\u202f'


_MARKS = ('QUOTATION_START', 'QUOTATION_END', 'ALT_QUOTATION_START', 'ALT_QUOTATION_END')


@functools.cache
def quotes_for(language: str) -> tuple[str, ...]:
    """Outer open, outer close, inner open, inner close: the language's catalog's (``typography.quotes``) if
    it has its own, else CLDR's for the language (ICU's root locale's “…‘…’” for a language CLDR lacks)."""
    marks, layer = catalog(language).value('typography.quotes')
    if layer.language != ROOT_LANGUAGE:
        return marks
    data = icu.LocaleData(icu.Locale.forLanguageTag(language).getName())
    return tuple(data.getDelimiter(getattr(icu.ULocaleDataDelimiterType, mark)) for mark in _MARKS)


def french_spacing(language: str) -> bool:
    """Whether the language puts non-breaking spaces inside guillemets and before ``; : ! ?``."""
    return catalog(language).data('typography.french-spacing')


def localized_quotes_plugin(md: MarkdownIt, *, language: str) -> None:
    md.core.ruler.at('smartquotes', lambda state: _smartquotes(state, language))


def _smartquotes(state: StateCore, language: str) -> None:
    if not state.md.options.typographer:
        return
    default = state.md.options.quotes
    try:
        for block in state.tokens:
            if block.type == 'inline' and block.children:
                for run_language, run in _language_runs(block.children, language):
                    state.md.options.quotes = quotes_for(run_language)
                    process_inlines(run, state)
                    if french_spacing(run_language):
                        for token in run:
                            if token.type == 'text':
                                token.content = _french_spacing(token.content)
    finally:
        state.md.options.quotes = default


def _language_runs(children: list[Token], book_language: str) -> list[tuple[str, list[Token]]]:
    """The inline tokens cut into stretches of one language, in order."""
    runs: list[tuple[str, list[Token]]] = []
    stack = [book_language]
    for token in children:
        if token.type == 'span_open' and token.attrGet('lang'):
            stack.append(str(token.attrGet('lang')))
        elif token.type == 'span_close' and len(stack) > 1 and _closes_lang(children, token):
            stack.pop()
        if not runs or runs[-1][0] != stack[-1]:
            runs.append((stack[-1], []))
        runs[-1][1].append(token)
    return runs


def _closes_lang(children: list[Token], close: Token) -> bool:
    """Whether a span_close ends a span that set a language (spans nest, so count levels)."""
    depth = 0
    for token in reversed(children[: children.index(close)]):
        if token.type == 'span_close':
            depth += 1
        elif token.type == 'span_open':
            if depth == 0:
                return bool(token.attrGet('lang'))
            depth -= 1
    return False


def _french_spacing(text: str) -> str:
    spaces = ' ' + NBSP + NARROW_NBSP
    out: list[str] = []
    skip_spaces = False
    for i, ch in enumerate(text):
        if skip_spaces and ch in spaces:
            continue
        skip_spaces = False
        if ch in ';!?:»':
            had_space = bool(out) and out[-1] in spaces
            while out and out[-1] in spaces:
                out.pop()
            after = text[i + 1] if i + 1 < len(text) else ' '
            # An author may omit the space; add it, but not inside URLs or times (a letter follows).
            wanted = had_space or (ch != ':' and bool(out) and out[-1] not in '«(' and not after.isalnum())
            if wanted:
                out.append(NBSP if ch in ':»' else NARROW_NBSP)
        out.append(ch)
        if ch == '«':
            out.append(NBSP)
            skip_spaces = True
    return ''.join(out)
