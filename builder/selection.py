"""Stage 4, select: the whole resolved book -> the resolved book one output holds.

An output is an edition of the book (student, instructor) or a handout of one
chapter. Both are the same pipeline run on a selection: this stage makes new
chapters whose token streams leave out what the selection does not hold, and
resolves them as it would a book (:func:`select`). Back matter then lists only
what the selection uses, with no handout-specific code.

- Edition-only containers (marked by :mod:`builder.markdown.editions`) of other
  editions are left out, with the notes that only they called.
- In a handout, a cross-reference to a chapter the handout leaves out becomes
  text that still makes sense on its own: "chapter 3 of the course pack".

Numbers (chapters, notes, ids) were given on the whole book before selection,
so they are the same in every output. The parsed tokens are shared by every
selection and are never changed: changed tokens are copies.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from markdown_it.token import Token

from .diagnostics import Diagnostics
from .markdown.editions import editions_of
from .markdown.state import location_of
from .model import Book, Notes, ParsedChapter, ResolvedBook, Selection, marked
from .resolve import resolve_book


def select(book: Book, notes: Notes, whole: ResolvedBook, selection: Selection, diagnostics: Diagnostics, *,
           cache: bool = True) -> ResolvedBook:
    """The selection of the whole book, resolved on its own (a handout with only the data it uses).

    The whole book was checked already: what only a part lacks (an unused
    term) is no news to the author, so the selection's warnings are dropped,
    and its errors are reported only when the whole book had none.
    """
    chosen = selected_chapters(whole, selection, diagnostics)
    if not selection.is_handout and _unchanged(chosen, whole.chapters):
        return replace(whole, selection=selection)  # resolving the same chapters again would give the same book
    if selection.is_handout:
        book, notes = data_used(book, notes, chosen)
    quiet = Diagnostics()
    resolved = replace(resolve_book(book, chosen, notes, quiet, cache=cache), selection=selection)
    if not diagnostics.has_errors():
        diagnostics.extend(quiet.errors)
    return resolved


def _unchanged(chosen: tuple[ParsedChapter, ...], chapters: tuple[ParsedChapter, ...]) -> bool:
    """Whether the selection holds every chapter, every token the very one of the whole book's."""
    return len(chosen) == len(chapters) and all(
        len(a.tokens) == len(b.tokens) and all(x is y for x, y in zip(a.tokens, b.tokens))
        for a, b in zip(chosen, chapters))


def selected_chapters(whole: ResolvedBook, selection: Selection,
                      diagnostics: Diagnostics) -> tuple[ParsedChapter, ...]:
    """The chapters the selection holds, without the content of other editions, with links out of it rewritten."""
    chosen = [p for p in whole.chapters if selection.chapters is None or p.chapter.id in selection.chapters]
    trimmed = [_without_other_editions(p, selection.edition) for p in chosen]
    left_out = {ident for p in trimmed for ident in p[1]}
    outside = {c.chapter.id for c in whole.chapters} - {p.chapter.id for p in chosen}
    chapters = []
    for parsed, _ in trimmed:
        tokens = [_with_links_outside(t, parsed, whole, selection, outside, left_out, diagnostics)
                  for t in parsed.tokens]
        chapters.append(replace(parsed, tokens=tuple(tokens)))
    return tuple(chapters)


def data_used(book: Book, notes: Notes, chapters: tuple[ParsedChapter, ...]) -> tuple[Book, Notes]:
    """A handout's data files: only the glossary terms and chronology events its chapters use.

    The glossary, the chronology and the works their texts cite then follow from
    resolving the handout as a book, with no handout-specific back matter.
    """
    terms = {token.meta['key'] for _, token in marked(chapters, 'term_open')}
    events = {token.meta['key'] for _, token in marked(chapters, 'event_open')}

    def kept(fragments: dict, keys: set[str]) -> dict:  # type: ignore[type-arg]
        return {key: fragment for key, fragment in fragments.items() if key in keys}

    def see_also_kept(term):  # type: ignore[no-untyped-def]
        pairs = [(k, at) for k, at in zip(term.see_also, term.see_also_at) if k in terms]
        return replace(term, see_also=tuple(k for k, _ in pairs), see_also_at=tuple(at for _, at in pairs))
    return (replace(book, terms=tuple(see_also_kept(t) for t in book.terms if t.key in terms),
                    events=tuple(e for e in book.events if e.key in events)),
            Notes(kept(notes.definitions, terms), kept(notes.term_sources, terms), kept(notes.events, events),
                  kept(notes.event_sources, events)))


# --- editions ---------------------------------------------------------------------------------------------------

def _without_other_editions(parsed: ParsedChapter, edition: str) -> tuple[ParsedChapter, set[str]]:
    """The chapter without other editions' content, and the ids that content defined."""
    left_out: set[str] = set()
    kept: list[Token] = []
    tokens = parsed.tokens
    i = 0
    while i < len(tokens):
        token = tokens[i]
        limited = editions_of(token)
        if token.type == 'container_div_open' and limited is not None and edition not in limited:
            end = _matching_close(tokens, i)
            left_out |= _ids(tokens[i:end + 1])
            i = end + 1
            continue
        if token.children and any(_left_out_span(c, edition) for c in token.children):
            children = _spans_kept(token.children, edition, left_out)
            token = copy.copy(token)
            token.children = children
        kept.append(token)
        i += 1
    return replace(parsed, tokens=tuple(_notes_called(kept))), left_out


def _left_out_span(token: Token, edition: str) -> bool:
    limited = editions_of(token)
    return token.type == 'span_open' and limited is not None and edition not in limited


def _spans_kept(children: list[Token], edition: str, left_out: set[str]) -> list[Token]:
    kept: list[Token] = []
    i = 0
    while i < len(children):
        if _left_out_span(children[i], edition):
            end = _matching_close(children, i)
            left_out |= _ids(children[i:end + 1])
            i = end + 1
        else:
            kept.append(children[i])
            i += 1
    return kept


def _matching_close(tokens: tuple[Token, ...] | list[Token], start: int) -> int:
    depth = 0
    for i in range(start, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i
    return len(tokens) - 1


def _ids(tokens) -> set[str]:  # type: ignore[no-untyped-def]
    found = set()
    for token in tokens:
        for t in (token, *(token.children or ())):
            if t.attrGet('id'):
                found.add(str(t.attrGet('id')))
    return found


def _notes_called(tokens: list[Token]) -> list[Token]:
    """Leave out the notes whose every call was left out, and the notes block if none is left."""
    called = {c.meta['id'] for t in tokens for c in t.children or () if c.type == 'footnote_ref'}
    kept: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == 'footnote_open' and token.meta['id'] not in called:
            i = _matching_close(tokens, i) + 1
            continue
        kept.append(token)
        i += 1
    if not any(t.type == 'footnote_open' for t in kept):
        kept = [t for t in kept if t.type not in ('footnote_block_open', 'footnote_block_close')]
    return kept


# --- handouts ---------------------------------------------------------------------------------------------------

def _with_links_outside(token: Token, parsed: ParsedChapter, whole: ResolvedBook, selection: Selection,
                        outside: set[str], left_out: set[str], diagnostics: Diagnostics) -> Token:
    if not token.children or not any(_target(c) for c in token.children):
        return token
    children: list[Token] = []
    unwrapping: str | None = None  # what to say after the text of the link being unwrapped (links do not nest)
    for i, child in enumerate(token.children):
        target = _target(child)
        if target in left_out:
            diagnostics.error(
                'xref-edition-only', f"the cross-reference to '{target}' points into content that the "
                f"{selection.edition} edition leaves out; move the target out of the edition-only block",
                location_of(parsed.env, child))
        elif target and whole.chapter_of.get(target) in outside:
            where = _where_in_course_pack(target, whole)
            empty = i + 1 < len(token.children) and token.children[i + 1].type == 'link_close'
            if empty:
                children.append(_text(where, child))
            unwrapping = '' if empty else f' ({where})'
            continue
        elif child.type == 'link_close' and unwrapping is not None:
            if unwrapping:
                children.append(_text(unwrapping, child))
            unwrapping = None
            continue
        children.append(child)
    if len(children) == len(token.children) and all(a is b for a, b in zip(children, token.children)):
        return token
    token = copy.copy(token)
    token.children = children
    return token


def _target(token: Token) -> str | None:
    href = str(token.attrGet('href') or '') if token.type == 'link_open' else ''
    return href[1:] if href.startswith('#') else None


def _where_in_course_pack(target: str, whole: ResolvedBook) -> str:
    strings = whole.config.interface
    chapter_id = whole.chapter_of[target]
    chapter_label = whole.targets[chapter_id]
    if target == chapter_id:
        return strings('handout.chapter-elsewhere', chapter=chapter_label)
    return strings('handout.target-elsewhere', target=whole.targets[target], chapter=chapter_label)


def _text(content: str, near: Token) -> Token:
    token = Token('text', '', 0, content=content)
    token.meta = {'loc': near.meta.get('loc')} if 'loc' in near.meta else {}
    return token
