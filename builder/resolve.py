"""Stage 3, resolve: check every reference that crosses a chapter and learn its target.

Following Sphinx's order: note every definition (ids of chapters, sections,
spans), warning about duplicates; then check each reference (cross-reference
links, images) against them. Nothing is rendered here; the result is data the
renderer reads.
"""

from __future__ import annotations

from urllib.parse import unquote

from .bibliography import Formatted
from .diagnostics import Diagnostics, SourceLocation, did_you_mean
from .chronology import resolve_chronology
from .glossary import resolve_glossary
from .images import check_image
from .markdown.state import location_of
from .model import Book, Heading, Notes, ParsedChapter, ResolvedBook

GLOSSARY_TITLE = 'Glossary'
CHRONOLOGY_TITLE = 'Chronology'


def resolve(book: Book, chapters: tuple[ParsedChapter, ...], diagnostics: Diagnostics,
            bibliography: Formatted | None = None, notes: Notes | None = None) -> ResolvedBook:
    config = book.config
    headings: list[Heading] = []
    targets: dict[str, str] = {}
    chapter_of: dict[str, str] = {}
    defined_at: dict[str, SourceLocation] = {}

    def define(ident: str, label: str, chapter_id: str, where: SourceLocation) -> None:
        if ident in defined_at:
            diagnostics.error('id-duplicate', f"the id '{ident}' is already used at {defined_at[ident]}", where)
            return
        defined_at[ident] = where
        targets[ident] = label
        chapter_of[ident] = chapter_id

    for parsed in chapters:
        chapter = parsed.chapter
        define(chapter.id, chapter.label.lower() if chapter.number else f'“{chapter.title}”', chapter.id, chapter.location)
        headings.append(Heading(chapter.id, 1, chapter.title, chapter.id))
        tokens = parsed.tokens
        for i, token in enumerate(tokens):
            ident = token.attrGet('id')
            if token.type == 'heading_open':
                title = inline_text(tokens[i + 1])
                if token.tag == 'h1':
                    # Level 1 is the chapter's own title, which the front matter gives.
                    diagnostics.error('heading-level', "a chapter's sections start at ##: its title comes from "
                                      "'title' in the front matter", location_of(parsed.env, token))
                    continue
                listed = 'unlisted' not in str(token.attrGet('class') or '').split()
                headings.append(Heading(str(ident), int(token.tag[1]), title, chapter.id, listed))
                define(str(ident), f'section “{title}”', chapter.id, location_of(parsed.env, token))
            elif ident and token.nesting == 1:
                define(str(ident), str(ident), chapter.id, location_of(parsed.env, token))
            for child in token.children or ():
                child_id = child.attrGet('id')
                if child_id and (child.nesting == 1 or child.type == 'image'):  # a figure's id: ![…](…){#id}
                    define(str(child_id), str(child_id), chapter.id, location_of(parsed.env, child))

    images: list[str] = []
    for parsed in chapters:
        for token in _inline_tokens(parsed):
            where = location_of(parsed.env, token)
            if token.type == 'link_open':
                href = str(token.attrGet('href') or '')
                if href.startswith('#') and unquote(href[1:]) not in targets:
                    ident = unquote(href[1:])
                    diagnostics.error('xref-unknown', f"no chapter or section with the id '{ident}'"
                                      f'{did_you_mean(ident, targets)}', where)
                elif not href.startswith(('#', 'http://', 'https://', 'mailto:')):
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
    glossary = resolve_glossary(book, chapters, notes or Notes(), diagnostics)
    chronology = resolve_chronology(book, chapters, notes or Notes(), diagnostics)
    for ident, title, present in (('glossary', GLOSSARY_TITLE, glossary), ('chronology', CHRONOLOGY_TITLE, chronology)):
        if present:
            headings.append(Heading(ident, 1, title, ident))
            define(ident, f'the {ident}', ident, SourceLocation(getattr(config, ident)))
    return ResolvedBook(config, chapters, tuple(headings), targets, chapter_of, tuple(dict.fromkeys(images)),
                        bibliography, glossary, chronology)


def inline_text(inline) -> str:  # type: ignore[no-untyped-def]
    """The plain text of an inline token, after smart punctuation."""
    return ''.join(c.content for c in inline.children or () if c.type in ('text', 'code_inline'))


def _inline_tokens(parsed: ParsedChapter):  # type: ignore[no-untyped-def]
    for token in parsed.tokens:
        yield from token.children or ()
