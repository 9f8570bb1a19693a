"""Glossary terms and chronology events in the text.

Syntax (Pandoc bracketed spans, parsed by mdit-py-plugins' attrs plugin)::

    [mujahideen]{.term}                       a use of the term whose form this is
    [the rebels]{.term key=mujahideen}        a use naming its term
    [the signing]{.event key=geneva-accords}  a passage about an event

A core rule turns those spans into typed tokens, ``term_open``/``term_close``
and ``event_open``/``event_close``, whose ``meta`` holds the ``key`` (None when
no form matches: the resolve stage reports it), the marked ``text``, an ``id``
unique in the book (``term-<chapter>-<n>``: the target of the glossary's links
back and the anchor whose page the glossary prints) and the ``loc``. With
``auto=True`` the same rule also marks the first use of each term in each
chapter, in running text only: never in headings, links, code or another term.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..glossary.forms import APOSTROPHES, all_forms, normalize
from .spans import html_attributes
from .state import chapter_env, text_like


def is_case_sensitive(form: str, kind: str) -> bool:
    """Abbreviations match as written ("UN", not "un"); other forms ignore case."""
    letters = [c for c in form if c.isalpha()]
    return kind == 'abbreviation' or (sum(c.isupper() for c in letters) >= 2 and not any(c.islower() for c in letters))


def term_index(terms) -> TermIndex:  # type: ignore[no-untyped-def]
    """The index of every form of the glossary's terms (:class:`builder.model.Term` values)."""
    return TermIndex((form, term.key, is_case_sensitive(form, kind)) for term in terms for form, kind in all_forms(term))


class TermIndex:
    """Every form of every term, to name the term of an unkeyed use and to find uses in running text."""

    def __init__(self, forms: Iterable[tuple[str, str, bool]]) -> None:
        """:param forms: (form, key, case_sensitive) triples."""
        self.exact: dict[str, str] = {}
        self.folded: dict[str, str] = {}
        for form, key, case_sensitive in forms:
            if case_sensitive:
                self.exact.setdefault(normalize(form), key)
            else:
                self.folded.setdefault(normalize(form).casefold(), key)
        self._patterns = [re.compile(self._alternation(self.exact)),
                          re.compile(self._alternation(self.folded), re.IGNORECASE)] if self else []

    def __bool__(self) -> bool:
        return bool(self.exact or self.folded)

    def key_for(self, text: str) -> str | None:
        text = normalize(text)
        return self.exact.get(text) or self.folded.get(text.casefold())

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Whole-word matches as (start, end, key), longest first where they overlap, in text order."""
        found = []
        for pattern in self._patterns:
            for match in pattern.finditer(text.translate(APOSTROPHES)):
                key = self.key_for(match.group())
                if key:
                    found.append((match.start(), match.end(), key))
        found.sort(key=lambda m: (m[0], -m[1]))
        kept: list[tuple[int, int, str]] = []
        for match in found:
            if not kept or match[0] >= kept[-1][1]:
                kept.append(match)
        return kept

    @staticmethod
    def _alternation(forms: dict[str, str]) -> str:
        if not forms:
            return r'(?!)'
        words = sorted(forms, key=len, reverse=True)
        # Spaces in a form match any run of spaces; \w-lookarounds keep matches to whole words.
        body = '|'.join(r'\s+'.join(map(re.escape, w.split(' '))) for w in words)
        return rf'(?<![\w-])(?:{body})(?![\w-])'


def terms_plugin(md: MarkdownIt, *, index: TermIndex | None = None, auto: bool = False) -> None:
    md.core.ruler.after('text_join', 'terms_and_events', lambda state: _mark(state, index, auto))
    md.add_render_rule('term_open', _render_term_open)
    md.add_render_rule('term_close', lambda self, tokens, idx, options, env: (
        '</a>' if tokens[idx].meta['linked'] else '</span>'))
    md.add_render_rule('event_open', _render_event_open)
    md.add_render_rule('event_close', lambda self, tokens, idx, options, env: '</span>')


# --- parsing ---------------------------------------------------------------------------------------


def _mark(state: StateCore, index: TermIndex | None, auto: bool) -> None:
    marker = _Marker(state, index if auto and index else None, index)
    heading = False
    for token in state.tokens:
        if token.type == 'heading_open':
            heading = True
        elif token.type == 'heading_close':
            heading = False
        elif token.type == 'inline' and token.children:
            token.children = marker.mark(token.children, auto_allowed=not heading)


class _Marker:
    def __init__(self, state: StateCore, auto_index: TermIndex | None, index: TermIndex | None) -> None:
        self.extra = chapter_env(state.env).extra
        self.chapter_id = chapter_env(state.env).chapter_id
        self.auto_index = auto_index
        self.index = index
        self.extra.setdefault('marked_terms', set())
        self.extra.setdefault('use_counts', {'term': 0, 'event': 0})

    def new_id(self, kind: str) -> str:
        self.extra['use_counts'][kind] += 1
        return f"{kind}-{self.chapter_id}-{self.extra['use_counts'][kind]}"

    def mark(self, children: list[Token], *, auto_allowed: bool) -> list[Token]:
        out: list[Token] = []
        opened: list[Token | None] = []  # the typed open token of each span_open, None for other spans
        links = terms = 0
        for i, token in enumerate(children):
            if token.type == 'span_open':
                kind = next((k for k in ('term', 'event') if k in str(token.attrGet('class') or '').split()), None)
                opened.append(self.open(token, kind, children, i, inside_link=links + terms > 0) if kind else None)
                terms += kind == 'term'
                out.append(token)
                continue
            if token.type == 'span_close' and opened:
                typed = opened.pop()
                if typed is not None:
                    token.type = typed.type.replace('_open', '_close')
                    token.tag = typed.tag
                    token.meta = {**token.meta, 'linked': typed.meta.get('linked', False)}
                    terms -= typed.type == 'term_open'
                out.append(token)
                continue
            links += {'link_open': 1, 'link_close': -1}.get(token.type, 0)
            if token.type == 'text' and self.auto_index and auto_allowed and links + terms == 0:
                out.extend(self.auto_mark(token))
            else:
                out.append(token)
        return out

    def open(self, token: Token, kind: str, children: list[Token], i: int, *, inside_link: bool) -> Token:
        text = span_text(children, i)
        key = token.attrGet('key')
        if kind == 'term' and not key and self.index:
            key = self.index.key_for(text)
        classes = [c for c in str(token.attrGet('class')).split() if c != kind]
        token.type = f'{kind}_open'
        token.tag = 'a' if kind == 'term' and not inside_link else 'span'
        token.attrs = {k: v for k, v in token.attrs.items() if k not in ('key', 'class', 'id')}
        if classes:
            token.attrs['class'] = ' '.join(classes)
        token.meta = {**token.meta, 'key': str(key) if key else None, 'text': text, 'id': self.new_id(kind),
                      'linked': token.tag == 'a', 'explicit_key': bool(token.attrGet('key'))}
        if kind == 'term' and key:
            self.extra['marked_terms'].add(str(key))
        return token

    def auto_mark(self, token: Token) -> list[Token]:
        assert self.auto_index is not None
        out: list[Token] = []
        position = 0
        for start, end, key in self.auto_index.find(token.content):
            if key in self.extra['marked_terms']:
                continue
            self.extra['marked_terms'].add(key)
            out.append(text_like(token, token.content[position:start]))
            words = token.content[start:end]
            open_token = Token('term_open', 'a', 1)
            open_token.meta = {**token.meta, 'key': key, 'text': words, 'id': self.new_id('term'), 'linked': True,
                               'explicit_key': False, 'auto': True}
            close = Token('term_close', 'a', -1)
            close.meta = {**token.meta, 'linked': True}
            out.extend([open_token, text_like(token, words), close])
            position = end
        out.append(text_like(token, token.content[position:]))
        return [t for t in out if t.type != 'text' or t.content]




def span_text(children: list[Token], i: int) -> str:
    """The words of the span (or link) that opens at ``children[i]``."""
    depth, parts = 0, []
    for token in children[i:]:
        depth += token.nesting
        if token.type in ('text', 'code_inline'):
            parts.append(token.content)
        elif token.type in ('softbreak', 'hardbreak'):
            parts.append(' ')
        if depth == 0:
            break
    return ' '.join(''.join(parts).split())


# --- rendering ------------------------------------------------------------------------------------


def _render_term_open(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    meta = tokens[idx].meta
    if not meta['linked']:  # inside a link or another term: no link in a link
        return _open_tag('span', tokens[idx], 'term', id=meta['id'])
    return _open_tag('a', tokens[idx], 'term', **{
        'epub:type': 'glossref', 'role': 'doc-glossref', 'href': f"#glossary-{meta['key']}", 'id': meta['id']})


def _render_event_open(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return _open_tag('span', tokens[idx], 'event', id=tokens[idx].meta['id'])


def _open_tag(tag: str, token: Token, kind: str, **attrs: str) -> str:
    """The open tag: our class and attributes first, then the author's (lang, title …), classes merged."""
    classes = ' '.join(filter(None, [kind, str(token.attrGet('class') or '')]))
    ours = ''.join(f' {name}="{escapeHtml(value)}"' for name, value in {'class': classes, **attrs}.items())
    authors = copy.copy(token)
    authors.attrs = {k: v for k, v in token.attrs.items() if k != 'class'}
    return f'<{tag}{ours}{html_attributes(authors)}>'
