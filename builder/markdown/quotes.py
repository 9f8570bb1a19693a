"""Smart punctuation that follows the language of the text.

markdown-it's smartquotes rule curls quotes with one pair for the whole
parser. We let it curl English-style, then this rule rewrites the quotes in
French text (the book language, or a ``[…]{lang=fr}`` span) to guillemets and
puts the non-breaking spaces that French typography asks for inside them and
before ``; : ! ?``, as citeproc localises its quotes after formatting.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

NBSP = '\u00a0'
NARROW_NBSP = '\u202f'

# (outer open, outer close, inner open, inner close) by primary language subtag.
QUOTES = {
    'en': '\u201c\u201d\u2018\u2019',
    'fr': '«»\u201c\u201d',
    'de': '\u201e\u201c\u201a\u2018',
}


def primary(language: str) -> str:
    return language.split('-')[0].lower()


def localized_quotes_plugin(md: MarkdownIt, *, language: str) -> None:
    md.core.ruler.after('smartquotes', 'localized_quotes', lambda state: _localize(state, language))


def _localize(state: StateCore, language: str) -> None:
    for block in state.tokens:
        if block.type == 'inline' and block.children:
            _localize_inline(block.children, primary(language))


def _localize_inline(children: list[Token], book_language: str) -> None:
    stack = [book_language]
    for token in children:
        if token.type == 'span_open':
            stack.append(primary(str(token.attrGet('lang') or stack[-1])))
        elif token.type == 'span_close' and len(stack) > 1:
            stack.pop()
        elif token.type == 'text':
            token.content = localize_text(token.content, stack[-1])


def localize_text(text: str, language: str) -> str:
    if language == 'en':
        return text
    pairs = QUOTES.get(language)
    if pairs:
        english = QUOTES['en']
        text = text.translate(str.maketrans({english[0]: pairs[0], english[1]: pairs[1]}))
    if language == 'fr':
        text = _french_spacing(text)
    return text


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
