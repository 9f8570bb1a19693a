"""Stage 3, resolve: check every reference that crosses a chapter and learn its target.

Following Sphinx's order: note every definition (ids of chapters, sections,
spans), warning about duplicates; then check each reference (cross-reference
links, images) against them. Nothing is rendered here; the result is data the
renderer reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from urllib.parse import unquote

from .captions import KINDS, TIMELINE, caption_of, id_written_at, inline_text, timeline_caption
from .chronology.events import resolve_chronology
from .citations.format import Formatted
from .citations.pandoc import run_pandoc
from .citations.resolve import resolve_citations
from .diagnostics import Diagnostics, SourceLocation, did_you_mean
from .glossary.terms import resolve_glossary
from .i18n import Catalog
from .images import check_image
from .index.entries import resolve_index
from .markdown.links import ADDRESSES
from .markdown.state import location_of
from .markdown.terms import span_text
from .permissions.attribution import Acknowledgements, acknowledge
from .model import Book, Caption, Heading, Notes, ParsedChapter, ResolvedBook


def resolve_book(book: Book, chapters: tuple[ParsedChapter, ...], notes: Notes, diagnostics: Diagnostics, *,
                 cache: bool = True, meanwhile: Callable[[], None] = lambda: None,
                 pandoc: Callable[[list[str], str], str] = run_pandoc) -> ResolvedBook:
    """The resolve stage on some chapters of the book: citations, then cross-references, glossary, chronology,
    and the sources the chapters quote, their problems reported in that order.

    All but the citations is resolved while Pandoc formats them, after
    ``meanwhile`` (what the caller does then): the 207-page benchmark book's
    0.08 s, which an EPUB built alone waited for after Pandoc's 0.9 s. ``pandoc`` runs Pandoc
    (``citations/ahead.py``).
    """
    resolving = Diagnostics()
    alongside: list[tuple[ResolvedBook, Acknowledgements]] = []

    def while_formatting() -> None:
        meanwhile()
        alongside.append((resolve(book, chapters, resolving, None, notes), acknowledge(book, chapters)))

    bibliography = resolve_citations(book, chapters, diagnostics, notes.streams(), cache=cache,
                                     meanwhile=while_formatting, pandoc=pandoc)
    diagnostics.extend(resolving)
    [(resolved, acknowledgements)] = alongside
    return replace(resolved, bibliography=bibliography, acknowledgements=acknowledgements)


def resolve(book: Book, chapters: tuple[ParsedChapter, ...], diagnostics: Diagnostics,
            bibliography: Formatted | None = None, notes: Notes | None = None) -> ResolvedBook:
    config = book.config
    strings = config.interface
    headings: list[Heading] = []
    targets: dict[str, str] = {}
    chapter_of: dict[str, str] = {}
    defined_at: dict[str, SourceLocation] = {}
    unnamed: set[str] = set()  # ids of elements with no words to name them (a div): an empty link cannot read
    captions: list[Caption] = []

    def define(ident: str, label: str, chapter_id: str, where: SourceLocation) -> None:
        if ident in defined_at:
            diagnostics.error('id-duplicate', f"the id '{ident}' is already used at {defined_at[ident]}", where)
            return
        defined_at[ident] = where
        targets[ident] = label
        chapter_of[ident] = chapter_id

    for parsed in chapters:
        chapter = parsed.chapter
        define(chapter.id, strings('chapter.in-text', number=chapter.number) if chapter.number else
               strings('cross-reference.unnumbered-chapter', title=chapter.title), chapter.id, chapter.location)
        headings.append(Heading(chapter.id, 1, chapter.title, chapter.id))
        tokens = parsed.tokens
        for i, token in enumerate(tokens):
            ident = token.attrGet('id')
            if token.type == 'heading_open':
                title = inline_text(tokens[i + 1])
                listed = 'unlisted' not in str(token.attrGet('class') or '').split()
                if not title.strip():  # a contents entry, a navigation link, with nothing to read
                    diagnostics.warning('heading-empty', 'a heading with no text is left out of the contents',
                                        location_of(parsed.env, token))
                    listed = False
                headings.append(Heading(str(ident), int(token.tag[1]), title, chapter.id, listed))
                define(str(ident), strings('cross-reference.section', title=title), chapter.id,
                       location_of(parsed.env, token))
            elif ident and token.type in KINDS:  # a figure or a table: "Figure 3.2", or its caption
                label, caption = caption_of(tokens, i, chapter, strings)
                define(str(ident), label or str(ident), chapter.id, location_of(parsed.env, id_written_at(tokens, i)))
                captions.extend([caption] if caption else [])
                if not label:
                    unnamed.add(str(ident))
            elif ident and (token.nesting == 1 or token.type == 'fence'):  # a code block's {#id}
                define(str(ident), str(ident), chapter.id, location_of(parsed.env, token))
                unnamed.add(str(ident))
            for j, child in enumerate(token.children or ()):
                child_id = child.attrGet('id')
                if child_id and (child.nesting == 1 or child.type == 'image'):  # a figure's id: ![…](…){#id}
                    name = _name(token.children, j, strings)
                    define(str(child_id), name or str(child_id), chapter.id, location_of(parsed.env, child))
                    if not name:
                        unnamed.add(str(child_id))

    glossary = resolve_glossary(book, chapters, notes or Notes(), diagnostics)
    chronology = resolve_chronology(book, chapters, notes or Notes(), diagnostics)
    index = resolve_index(book, chapters, diagnostics)
    # The back matter that is a cross-reference target, known before the links are checked; its headings
    # and documents are the renderer's (builder/backmatter.py).
    if chronology:  # its timeline figure, numbered (builder/captions.py)
        captions.append(timeline_caption(captions, strings))
        define(TIMELINE, captions[-1].label, 'chronology', SourceLocation(config.chronology))
    for ident, label, present in (('glossary', strings('glossary.in-text'), glossary),
                                  ('chronology', strings('chronology.in-text'), chronology)):
        if present:
            define(ident, label, ident, SourceLocation(getattr(config, ident)))

    images: list[str] = []
    for parsed in chapters:
        for token, following in _inline_tokens(parsed):
            where = location_of(parsed.env, token)
            if token.type == 'link_open':
                href = str(token.attrGet('href') or '')
                if href.startswith('#') and unquote(href[1:]) not in targets:
                    ident = unquote(href[1:])
                    diagnostics.error('xref-unknown', f"no chapter or section with the id '{ident}'"
                                      f'{did_you_mean(ident, targets)}', where)
                elif href.startswith('#') and unquote(href[1:]) in unnamed and following.type == 'link_close':
                    diagnostics.warning('xref-no-text', f"the link to '{href}' has no text, and its target has no "
                                        'title or words to print instead: write the link text, [like this](#id)',
                                        where)
                elif not href.startswith(('#', *ADDRESSES)):
                    diagnostics.error('link-unsupported', f"link '{href}': use #id for a place in the book, "
                                      'or an https:// address', where)
            elif token.type == 'image':
                path = check_image(config.root, parsed.chapter.path, str(token.attrGet('src') or ''), where,
                                   diagnostics)
                if path:
                    images.append(path)
                if not token.content.strip():
                    diagnostics.error('image-alt-missing', 'the image has no alt text: write ![what it shows](…)',
                                      where)
    return ResolvedBook(config, chapters, tuple(headings), targets, chapter_of, tuple(dict.fromkeys(images)),
                        bibliography, glossary, chronology, captions=tuple(captions), index=index)



def _inline_tokens(parsed: ParsedChapter):  # type: ignore[no-untyped-def]
    """Every inline token, with the one after it (itself when last)."""
    for token in parsed.tokens:
        children = token.children or []
        yield from zip(children, children[1:] + children[-1:])


def _name(children, i: int, strings: Catalog) -> str:  # type: ignore[no-untyped-def]
    """What an empty cross-reference to an inline element prints: a figure by its alt text, a span by its words."""
    if children[i].type == 'image':
        return strings('cross-reference.figure', alt=children[i].content) if children[i].content.strip() else ''
    words = span_text(children, i)
    return strings('cross-reference.words', words=words) if words else ''

