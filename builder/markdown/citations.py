"""Pandoc citations: ``[@key]``, ``[see @a, pp. 3–5; @b, chap. 2]``, ``[-@key]``, ``@key says``.

The inline rule pushes one ``citation`` token per citation, whose ``meta``
carries the cited items (:class:`~builder.model.CiteItem`), whether it is
narrative (``@key says``), the raw source text and, once the core rules have
run, its ``loc`` (file, line and column) and a document-unique ``id``. The
formatting is done later, for the whole book at once, by
:mod:`builder.citations`; the render rule only prints what it finds in
``env['citations']``.

With ``notes=True`` (a note style such as Chicago notes-bibliography) every
citation in the running text becomes a footnote, numbered in one sequence with
the author's own footnotes, and moved after the punctuation that follows it,
as Pandoc does.

Locators follow Pandoc: a locator term (``p.``, ``pp.``, ``chap.``, ``sec.``,
``para.``, ``n.``, ``vol.``, ``fig.``, …) then its value. A value that starts
with a number runs over numbers, ranges and lists (``33–35, 38``) and the rest
is the suffix (``[@a, p. 33, my emphasis]``); any other value is words and runs
up to the ``;`` or ``]`` (``[@a, sec. National Reconciliation]``). ``{…}``
forces a locator: ``[@a, p. {iv, 2}]``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.helpers import parseLinkLabel
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from ..model import CiteItem
from .locations import position_in_block
from .state import chapter_env

# Pandoc's locator terms (from the CSL English locale), long and short forms, singular and plural.
LOCATOR_TERMS = {
    'book': ('book', 'books', 'bk.', 'bks.'),
    'chapter': ('chapter', 'chapters', 'chap.', 'chaps.'),
    'column': ('column', 'columns', 'col.', 'cols.'),
    'figure': ('figure', 'figures', 'fig.', 'figs.'),
    'folio': ('folio', 'folios', 'fol.', 'fols.'),
    'line': ('line', 'lines', 'l.', 'll.'),
    'note': ('note', 'notes', 'n.', 'nn.'),
    'number': ('number', 'numbers', 'no.', 'nos.'),
    'opus': ('opus', 'opera', 'op.', 'opp.'),
    'page': ('page', 'pages', 'p.', 'pp.'),
    'paragraph': ('paragraph', 'paragraphs', 'para.', 'paras.', '¶¶', '¶'),
    'part': ('part', 'parts', 'pt.', 'pts.'),
    'section': ('section', 'sections', 'sec.', 'secs.', '§§', '§'),
    'sub verbo': ('sub verbo', 'sub verbis', 's.v.', 's.vv.'),
    'verse': ('verse', 'verses', 'v.', 'vv.'),
    'volume': ('volume', 'volumes', 'vol.', 'vols.'),
}
Forms = tuple[tuple[str, str], ...]  # (a label's written form, lower case; the label), longest first


def locator_forms(book_terms: Mapping[str, tuple[str, str]]) -> Forms:
    """The English forms, and the book language's own (``citations.terms.locator_terms``: "S." and "Kap." in
    German), which Pandoc reads in that language's book too."""
    forms = {(form, label) for label, written in LOCATOR_TERMS.items() for form in written}
    forms |= {(form.lower(), label) for label, pair in book_terms.items() if label in LOCATOR_TERMS
              for form in pair if form.strip()}
    return tuple(sorted(forms, key=lambda t: (-len(t[0]), t)))


_TERMS = locator_forms({})

# A key starts with a letter, digit or _ and may hold internal punctuation; @{…} takes anything but braces.
KEY = r'(?:\{(?P<braced>[^{}]+)\}|(?P<key>\w(?:[\w:.#$%&+?<>~/-]*\w)?))'
_ITEM = re.compile(r'(?P<prefix>.*?)(?<![\w@])(?P<minus>-)?@' + KEY + r'(?P<rest>.*)', re.S)
_NARRATIVE = re.compile('@' + KEY)
_ROMAN = r'(?=[ivxlcdm]+\b)m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})\b'
_NUMBER = rf'(?:[\w.]*\d[\w.]*|{_ROMAN})'
_NUMERIC = re.compile(rf'{_NUMBER}(?:\s*(?:[-–—,&]+|\band\b)\s*{_NUMBER})*', re.I)
_PUNCTUATION = '.,;:!?'


def citations_plugin(md: MarkdownIt, *, notes: bool = False,
                     locator_terms: Mapping[str, tuple[str, str]] | None = None) -> None:
    """``locator_terms``: the book language's locator terms, read besides the English ones."""
    forms = locator_forms(locator_terms) if locator_terms else _TERMS
    md.inline.ruler.before('link', 'citation', partial(_bracketed, forms=forms))
    md.inline.ruler.before('citation', 'citation_narrative', partial(_narrative, forms=forms))
    md.core.ruler.after('inline', 'citation_locations', _locate)
    if notes:
        md.core.ruler.before('footnote_tail', 'citation_notes', _citations_to_notes)
    md.core.ruler.push('citation_ids', _number)
    md.add_render_rule('citation', render_citation)


# ---- inline rules ----

def _bracketed(state: StateInline, silent: bool, forms: Forms = _TERMS) -> bool:
    start = state.pos
    if state.src[start] != '[' or state.src.startswith('[^', start):
        return False
    end = parseLinkLabel(state, start)
    if end < 0 or state.src[end + 1:end + 2] in ('(', '[', '{'):
        return False
    items = parse_items(state.src[start + 1:end], forms)
    if items is None:
        return False
    if not silent:
        _push(state, items, narrative=False, raw=state.src[start:end + 1])
    state.pos = end + 1
    return True


def _narrative(state: StateInline, silent: bool, forms: Forms = _TERMS) -> bool:
    start = state.pos
    if state.src[start] != '@' or (start > 0 and (state.src[start - 1].isalnum() or state.src[start - 1] in '@_')):
        return False
    match = _NARRATIVE.match(state.src, start)
    if not match:
        return False
    end = match.end()
    key = match['braced'] or match['key']
    item = CiteItem(key)
    # An optional locator or suffix in brackets right after: @key [p. 33] says.
    bracket = end + 1 if state.src[end:end + 2] == ' [' else end if state.src[end:end + 1] == '[' else -1
    if bracket >= 0 and not state.src.startswith('[@', bracket) and not state.src.startswith('[^', bracket):
        close = parseLinkLabel(state, bracket)
        inside = state.src[bracket + 1:close] if close > 0 else ''
        if close > 0 and '@' not in inside and state.src[close + 1:close + 2] not in ('(', '[', '{'):
            item = _with_rest(item, ', ' + inside, forms)
            end = close + 1
    if not silent:
        _push(state, (item,), narrative=True, raw=state.src[start:end])
    state.pos = end
    return True


def _push(state: StateInline, items: tuple[CiteItem, ...], *, narrative: bool, raw: str) -> None:
    token = state.push('citation', '', 0)
    token.content = raw
    token.meta = {'items': items, 'narrative': narrative, 'raw': raw}


def is_citation(text: str) -> bool:
    """Whether a bracket's inside is a citation list (what :func:`parse_items` reads, without reading it)."""
    return all(_ITEM.fullmatch(part.strip()) for part in text.split(';'))


def parse_items(text: str, forms: Forms = _TERMS) -> tuple[CiteItem, ...] | None:
    """The items of a bracketed citation's inside, or None when it is not a citation."""
    items = []
    for part in text.split(';'):
        match = _ITEM.fullmatch(part.strip())
        if not match:
            return None
        prefix = match['prefix'].strip()
        item = CiteItem(match['braced'] or match['key'], prefix=prefix + ' ' if prefix else '',
                        suppress_author=bool(match['minus']))
        items.append(_with_rest(item, match['rest'], forms))
    return tuple(items)


def _with_rest(item: CiteItem, rest: str, forms: Forms = _TERMS) -> CiteItem:
    """Read what follows the key: an optional locator (term and value), then the suffix."""
    body = rest.lstrip()
    comma = body.startswith(',')
    if comma:
        body = body[1:].lstrip()
    label = next((lab for form, lab in forms if body.lower().startswith(form)
                  and (not form[-1].isalpha() or not body[len(form):len(form) + 1].isalpha())), None)
    if label is not None:
        body = body[len(next(f for f, lab in forms if lab == label and body.lower().startswith(f))):].lstrip()
    elif comma and body[:1].isdigit():
        label = 'page'  # Pandoc: a bare number is a page
    else:
        return _suffixed(item, rest)
    if body.startswith('{') and '}' in body:
        close = body.index('}')
        return _suffixed(_located(item, label, body[1:close]), body[close + 1:])
    numeric = _NUMERIC.match(body)
    if numeric:
        return _suffixed(_located(item, label, numeric.group()), body[numeric.end():])
    return _located(item, label, body.strip())


def _located(item: CiteItem, label: str, value: str) -> CiteItem:
    return CiteItem(item.key, item.prefix, item.suffix, label, value.replace('--', '–').strip() or None,
                    item.suppress_author)


def _suffixed(item: CiteItem, rest: str) -> CiteItem:
    text = rest.rstrip()
    if text.strip() and not text.lstrip()[0] in _PUNCTUATION:
        text = ' ' + text.lstrip()
    return CiteItem(item.key, item.prefix, text if text.strip() else '', item.label, item.locator,
                    item.suppress_author)


# ---- core rules ----

def _locate(state: StateCore) -> None:
    """Stamp each citation with its file, line and column, found from its raw text in its block."""
    path, offset = chapter_env(state.env).path, chapter_env(state.env).line_offset
    lines = state.src.split('\n')
    notes = state.env.get('footnotes', {}).get('list', {})
    for block in state.tokens:
        if block.type != 'inline' or not block.map or not block.children:
            continue
        cursor = 0

        def walk(children: list[Token]) -> None:
            nonlocal cursor
            for child in children:
                if child.type == 'citation':
                    at = block.content.find(child.meta['raw'], cursor)
                    if at >= 0:
                        cursor = at + len(child.meta['raw'])
                        child.meta['loc'] = position_in_block(block, lines, at, path, offset)
                elif child.type == 'footnote_ref' and 'tokens' in notes.get(child.meta['id'], {}):
                    walk(notes[child.meta['id']]['tokens'])  # an inline note ^[…] is parsed apart

        walk(block.children)


def _citations_to_notes(state: StateCore) -> None:
    """Make each citation of the running text a footnote, numbered with the author's notes in reading order."""
    notes = state.env.setdefault('footnotes', {}).setdefault('list', {})
    order: list[int] = []  # old note ids in the order their first call is read
    created: dict[int, dict[str, Any]] = {}
    inside_definition = False
    for block in state.tokens:
        if block.type in ('footnote_reference_open', 'footnote_reference_close'):
            inside_definition = block.type == 'footnote_reference_open'
        if inside_definition or block.type != 'inline' or not block.children:
            continue
        children: list[Token] = []
        for child in block.children:
            if child.type == 'footnote_ref' and child.meta['id'] not in order:
                order.append(child.meta['id'])
            if child.type != 'citation':
                children.append(child)
                continue
            note_id = -1 - len(created)  # provisional; renumbered below
            created[note_id] = {'content': child.meta['raw'], 'tokens': [_note_citation(child)]}
            order.append(note_id)
            if child.meta['narrative']:
                child.meta['author_only'] = True  # "Kalinovsky says¹" keeps the author's name in the text
                children.append(child)
            ref = Token('footnote_ref', '', 0)
            ref.meta = {'id': note_id, 'citation': True}
            children.append(ref)
        block.children = _after_punctuation(children)
    old = {**notes, **created}
    order += [i for i in notes if i not in order]  # notes defined but never called keep their place last
    renumber = {old_id: new_id for new_id, old_id in enumerate(order)}
    notes.clear()
    notes.update({renumber[i]: old[i] for i in order})
    for token in _all_inline(state.tokens, notes):
        if token.type == 'footnote_ref':
            token.meta['id'] = renumber[token.meta['id']]


def _note_citation(token: Token) -> Token:
    note = Token('citation', '', 0)
    note.content = token.content
    note.meta = {**token.meta, 'narrative': False, 'in_note': True}
    return note


def _after_punctuation(children: list[Token]) -> list[Token]:
    """``text [@a].`` -> ``text.¹``: the call follows the punctuation, and the space before it goes."""
    out: list[Token] = []
    for i, token in enumerate(children):
        out.append(token)
        if not (token.type == 'footnote_ref' and token.meta.get('citation')):
            continue
        before = out[-2] if len(out) > 1 else None
        if before is not None and before.type == 'text':
            before.content = before.content.rstrip()
        after = children[i + 1] if i + 1 < len(children) else None
        if after is not None and after.type == 'text' and after.content[:1] in _PUNCTUATION:
            marks = len(after.content) - len(after.content.lstrip(_PUNCTUATION))
            moved = Token('text', '', 0)
            moved.content = after.content[:marks]
            after.content = after.content[marks:]
            out.insert(len(out) - 1, moved)
    return out


def _all_inline(tokens: list[Token], notes: dict[int, dict[str, Any]]):  # type: ignore[no-untyped-def]
    for token in tokens:
        yield from token.children or ()
    for note in notes.values():
        yield from note.get('tokens', ())


def _number(state: StateCore) -> None:
    """Give every citation an id unique in the book, in reading order: ``cite-<chapter>-<n>``."""
    chapter = chapter_env(state.env).chapter_id
    n = 0
    for token in _all_inline(state.tokens, {}):
        if token.type == 'citation':
            n += 1
            token.meta['id'] = f'cite-{chapter}-{n}'


# ---- rendering ----

def render_citation(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    """The formatted citation from ``env['citations']`` (id -> markup), else the source text."""
    token = tokens[idx]
    formatted = (env.get('citations') or {}).get(token.meta.get('id'))
    ident = escapeHtml(token.meta.get('id', ''))
    if formatted is None:
        return f'<span class="citation" id="{ident}">{escapeHtml(token.content)}</span>'
    return f'<span class="citation" id="{ident}">{formatted}</span>'
