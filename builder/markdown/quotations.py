"""Quotations, and the citation that attributes each to its source (for the permissions ledger).

A quotation is text between ``"`` and ``"``, ``“`` and ``”``, or ``«`` and
``»``, as the author typed them (this rule runs before smart punctuation
curls them), or a whole block quote. Single quotes are not read: they are
apostrophes as often as quotation marks. A quotation inside another is part
of the outer one.

Which source a quotation is from (docs/permissions.md):

- a block quote is attributed to the citations inside it;
- a quotation in running text is attributed to the first citation after it in
  the same sentence; failing one, to the last citation before it in that
  sentence (``@key writes "…"``); failing both, to none. A sentence ends at
  ``.``, ``!`` or ``?`` outside quotation marks and followed by a space or by
  the end of the paragraph (``"… the end." [@a]`` keeps its citation);
- a quotation in parentheses right after another (``« … » ("…")``) is its
  translation, not a second passage; the ledger also leaves a quotation out
  of the count of a source written in another language (:mod:`builder.permissions.ledger`).

Words are counted as ``wc -w`` counts them, skipping tokens that hold no letter
or digit (a dash, a lone guillemet): ``l'Union`` is one word, ``8 000`` two.
The quotations are kept under ``env['builder'].extra['quotations']``, with the
citation tokens themselves, whose ids are given later in the core chain. A
block quote whose source has a credit line of its own (``rights: credit:``)
prints it under the quotation, when the renderer gives the lines (``env[CREDITS]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..diagnostics import SourceLocation
from .state import chapter_env, location_of

OPENERS = {'"': '"', '“': '”', '«': '»'}
CITE = '\ue000'  # stands for a citation token in the flattened text of a paragraph
_TRANSLATION = re.compile(r'\s*\(\s*$')
# The characters that open or close a quotation, stand for a citation or may end a sentence: the others change
# nothing, and a paragraph is read from one of these to the next (read character by character: 0.1 s at 200 pages).
_MARKS = re.compile('[' + re.escape(''.join(sorted({*OPENERS, *OPENERS.values(), CITE, '.', '!', '?'}))) + ']')
ENV_KEY = 'quotations'
CREDITS = 'credit_lines'  # the render env's key for the credit lines printed under block quotes


@dataclass(frozen=True)
class Quotation:
    text: str  # the words quoted, without the marks (a block quote's text)
    words: int
    language: str | None  # a [ … ]{lang=xx} span's around it, else None (the book's)
    citations: tuple[Token, ...]  # the citations attributing it; empty when none does
    block: bool  # a block quote
    location: SourceLocation  # its paragraph


def quotations_plugin(md: MarkdownIt) -> None:
    # After the citations are located, before a note style moves them into footnotes and smart punctuation
    # curls the quotation marks.
    md.core.ruler.after('citation_locations', 'quotations', _find)
    md.add_render_rule('blockquote_close', _credited_close)


def _credited_close(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
    """The credit line of the quoted source under a block quote, from ``env[CREDITS]`` (citation id -> line)."""
    credits = env.get(CREDITS) or {}
    depth, i = 0, idx
    while i > 0 and not (tokens[i - 1].type == 'blockquote_open' and depth == 0):
        i -= 1
        depth += {'blockquote_close': 1, 'blockquote_open': -1}.get(tokens[i].type, 0)
    inside = (c.meta.get('id') for t in tokens[i:idx] for c in t.children or () if c.type == 'citation')
    credit = next((credits[ident] for ident in inside if ident in credits), None)
    line = f'<p class="credit-line">{escapeHtml(credit)}</p>\n' if credit else ''
    return line + self.renderToken(tokens, idx, options, env)


def quotations_of(env: dict) -> list[Quotation]:
    return chapter_env(env).extra.get(ENV_KEY, [])


def word_count(text: str) -> int:
    return sum(1 for word in text.split() if any(ch.isalnum() for ch in word))


def _find(state: StateCore) -> None:
    found: list[Quotation] = []
    depth = 0
    block_quote: list[Token] = []
    for token in state.tokens:
        if token.type == 'blockquote_open':
            depth += 1
        elif token.type == 'blockquote_close':
            depth -= 1
            if depth == 0:
                found.append(_block_quote(state, block_quote))
                block_quote = []
        elif token.type == 'inline' and token.children:
            if depth:
                block_quote.append(token)
            else:
                found += _inline_quotations(state, token)
    chapter_env(state.env).extra[ENV_KEY] = found


def _block_quote(state: StateCore, inlines: list[Token]) -> Quotation:
    texts, citations, languages = [], [], []
    for inline in inlines:
        text, cites, langs = _flattened(inline.children or [])
        texts.append(text.replace(CITE, ' '))
        citations += cites
        languages += [lang for ch, lang in zip(text, langs) if ch.isalnum()]
    text = ' '.join(' '.join(texts).split())
    where = location_of(state.env, inlines[0]) if inlines else SourceLocation(chapter_env(state.env).path)
    return Quotation(text, word_count(text), languages[0] if languages else None, tuple(citations), True, where)


def _flattened(children: list[Token]) -> tuple[str, list[Token], list[str | None]]:
    """The paragraph's text, a CITE mark for each citation, and the language of each character."""
    text: list[str] = []
    langs: list[str | None] = []
    citations: list[Token] = []
    stack: list[str | None] = [None]
    for child in children:
        piece = ''
        if child.type == 'span_open':
            stack.append(str(child.attrGet('lang')) if child.attrGet('lang') else stack[-1])
        elif child.type == 'span_close' and len(stack) > 1:
            stack.pop()
        elif child.type in ('text', 'code_inline'):
            piece = child.content
        elif child.type in ('softbreak', 'hardbreak'):
            piece = '\n'
        elif child.type == 'citation':
            piece = CITE
            citations.append(child)
        text.append(piece)
        langs += [stack[-1]] * len(piece)
    return ''.join(text), citations, langs


def _inline_quotations(state: StateCore, inline: Token) -> list[Quotation]:
    text, citations, langs = _flattened(inline.children or [])
    where = location_of(state.env, inline)
    found: list[Quotation] = []
    pending: list[tuple[str, str | None]] = []  # quoted in this sentence, not yet attributed
    before: Token | None = None  # the last citation of this sentence
    seen = 0  # citations read so far
    closer = ''
    opened = previous_end = -1

    def settle(citation: Token | None) -> None:
        for quoted, language in pending:
            found.append(Quotation(quoted, word_count(quoted), language, (citation,) if citation else (),
                                   False, where))
        pending.clear()

    for mark in _MARKS.finditer(text):
        i, ch = mark.start(), mark.group()
        if ch == CITE:
            seen += 1
        if closer:
            if ch == closer:
                quoted = ' '.join(text[opened + 1:i].replace(CITE, ' ').split())
                translation = previous_end >= 0 and _TRANSLATION.fullmatch(text[previous_end:opened])
                if quoted and not translation:
                    pending.append((quoted, langs[opened]))
                closer, previous_end = '', i + 1
        elif ch in OPENERS and not (ch == '"' and i and text[i - 1].isalnum()):  # 12" is not a quotation
            closer, opened = OPENERS[ch], i
        elif ch == CITE:
            before = citations[seen - 1]
            settle(before)
        elif ch in '.!?' and (i + 1 == len(text) or text[i + 1].isspace()):
            settle(before)
            before = None
    settle(before)
    return found
