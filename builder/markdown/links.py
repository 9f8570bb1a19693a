"""Links as Pandoc authors write them.

- A link to another chapter's file, ``other.md`` or ``other.md#id`` (relative
  to the chapter, as in a Pandoc or Quarto book), is a cross-reference:
  ``#id``, or ``#<chapter id>`` for the chapter itself.
- ``[Heading text]`` alone is a link to the chapter's heading of that text
  (Pandoc's implicit heading references).
- A link to a heading by the id Pandoc gives it (``#its-words``, which this
  builder prefixes with the chapter's id) finds the heading: see
  :func:`settle_heading_links`, run once every chapter is parsed.
- A root-relative link (``/url``) or a link to any file that is not a chapter
  has no address in a PDF or an EPUB: its text is printed without the link,
  with a located warning.
- A link title holding quotes, ``[a](/url "the "best" one")``, also in a
  reference definition, reads as Pandoc reads it: up to the last quote.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlparse

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.helpers import parseLinkDestination, parseLinkLabel
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .locations import syntax_location
from .state import chapter_env, diagnostics_from_env

# What follows a destination: spaces, a quoted title that may hold the same quote, the closing parenthesis.
_QUOTED_TITLE = re.compile(r'[ \t]+(["\'])(?P<title>.*?)\1[ \t]*\)')
_REFERENCE = re.compile(r' {0,3}\[(?P<label>[^\]]+)\]:[ \t]*(?P<url><[^>]*>|\S+)[ \t]+(["\'])(?P<title>.*)\3[ \t]*')
ADDRESSES = ('http://', 'https://', 'mailto:')
_BRACKETED = re.compile(r'\[([^\[\]\n]+)\](?![(\[{])')


def links_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before('link', 'link_quoted_title', _quoted_title_link)
    md.block.ruler.after('reference', 'reference_quoted_title', _quoted_title_reference,
                         {'alt': ['paragraph', 'reference']})
    md.core.ruler.push('chapter_links', _chapter_links)  # last: notes' links are in the stream by then


# ---- titles with quotes ----

def _quoted_title_link(state: StateInline, silent: bool) -> bool:
    """``[text](url "title with "quotes"")``, which CommonMark's link rule refuses."""
    if state.src[state.pos] != '[':
        return False
    label_end = parseLinkLabel(state, state.pos)
    if label_end < 0 or state.src[label_end + 1:label_end + 2] != '(':
        return False
    start = label_end + 2
    while start < state.posMax and state.src[start] in ' \t\n':
        start += 1
    destination = parseLinkDestination(state.src, start, state.posMax)
    title = _QUOTED_TITLE.match(state.src, destination.pos) if destination.ok else None
    href = state.md.normalizeLink(destination.str) if title else ''
    if not title or not state.md.validateLink(href):
        return False
    if not silent:
        start, maximum = state.pos, state.posMax
        state.pos, state.posMax = start + 1, label_end
        state.push('link_open', 'a', 1).attrs = {'href': href, 'title': title['title']}
        state.linkLevel += 1
        state.md.inline.tokenize(state)
        state.linkLevel -= 1
        state.push('link_close', 'a', -1)
        state.posMax = maximum
    state.pos = title.end()
    return True


def _quoted_title_reference(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """``[label]: url "title with "quotes""`` on one line, which CommonMark's reference rule refuses."""
    if state.is_code_block(start_line):
        return False
    match = _REFERENCE.fullmatch(state.src[state.bMarks[start_line]:state.eMarks[start_line]])
    if not match:
        return False
    if silent:
        return True
    href = state.md.normalizeLink(match['url'].strip('<>'))
    label = normalizeReference(match['label'])
    references = state.env.setdefault('references', {})
    references.setdefault(label, {'title': match['title'], 'href': href, 'map': [start_line, start_line + 1]})
    state.line = start_line + 1
    return True


# ---- where links lead ----

def _heading_references(state: StateCore) -> None:
    """``[Heading text]`` with no reference of that name, which stayed text: a link to the heading."""
    headings = {inline.content: str(opening.attrGet('id'))
                for opening, inline in zip(state.tokens, state.tokens[1:]) if opening.type == 'heading_open'}
    for block in state.tokens:
        if block.type != 'inline' or not block.children or '[' not in block.content:
            continue
        children: list[Token] = []
        for token in block.children:
            pieces = _BRACKETED.split(token.content) if token.type == 'text' else [token.content]
            if not any(piece in headings for piece in pieces[1::2]):
                children.append(token)
                continue
            for n, piece in enumerate(pieces):
                if n % 2 and piece in headings:
                    children += [_like(token, 'link_open', href=f'#{headings[piece]}'), _like(token, 'text', piece),
                                 _like(token, 'link_close')]
                elif piece or n % 2:
                    children.append(_like(token, 'text', f'[{piece}]' if n % 2 else piece))
        block.children = children


def _like(token: Token, kind: str, content: str = '', **attrs: str) -> Token:
    """A new token where ``token`` was (its location kept)."""
    new = Token(kind, 'a' if kind.startswith('link') else '', {'link_open': 1, 'link_close': -1}.get(kind, 0),
                attrs=attrs, content=content)
    new.meta = dict(token.meta)
    return new


def _chapter_links(state: StateCore) -> None:
    _heading_references(state)
    env = chapter_env(state.env)
    here = posixpath.dirname(env.path)
    for block in state.tokens:
        cursor = 0
        for i, token in enumerate(block.children or ()):
            if token.type != 'link_open':
                continue
            href = str(token.attrGet('href') or '')
            if href.startswith('#'):
                token.meta['chapter'] = env.chapter_id
                continue
            if href.startswith(ADDRESSES) or urlparse(href).scheme:
                continue  # an address, or a scheme the resolve stage refuses
            path, _, fragment = href.partition('#')
            target = env.chapter_files.get(posixpath.normpath(posixpath.join(here, unquote(path))))
            if target:
                token.attrSet('href', f'#{fragment or target}')
                token.meta['chapter'] = target
                continue
            where, cursor = syntax_location(state, block, f']({href}', cursor)
            diagnostics_from_env(state.env).warning(
                'link-local', f"the link '{href}' leads to no chapter and no address a reader can follow: "
                'its text is printed without the link (link to a chapter file, #id, or an https:// address)', where)
            _unlink(block.children, i)


def _unlink(children: list[Token], i: int) -> None:
    """Make the link at ``i`` a plain span, so that only its text is printed (links do not nest)."""
    close = next(j for j in range(i, len(children)) if children[j].type == 'link_close')
    for token in (children[i], children[close]):
        token.type, token.tag, token.attrs = token.type.replace('link', 'span'), 'span', {}


def settle_heading_links(chapters: Iterable[tuple[str, list[Token]]]) -> None:
    """Links to a heading by the id Pandoc gives it (``#its-words``) lead to its id here (``#chapter-its-words``).

    :param chapters: (chapter id, tokens) of every chapter, parsed; runs before any is resolved.
    """
    chapters = list(chapters)
    ids = {chapter: {str(t.attrGet('id')) for t in _all(tokens) if t.attrGet('id')} for chapter, tokens in chapters}
    # A chapter's own id (its front matter's) is not a token's: a link to the "sources" chapter led to a heading
    # "#introduction-sources" of the chapter it was in
    every = set(ids).union(*ids.values())
    for _, tokens in chapters:
        for token in _all(tokens):
            target = token.meta.get('chapter') if token.type == 'link_open' else None
            ident = str(token.attrGet('href'))[1:] if target else ''
            if target and ident not in every and f'{target}-{ident}' in ids.get(target, ()):
                token.attrSet('href', f'#{target}-{ident}')


def _all(tokens: list[Token]) -> Iterable[Token]:
    for token in tokens:
        yield token
        yield from token.children or ()
