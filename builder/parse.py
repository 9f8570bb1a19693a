"""Stage 2, parse: chapter sources -> token streams with front matter read.

Each chapter is parsed by its own markdown-it environment, so plugins keep
per-chapter state; the tokens carry ``file:line`` for every diagnostic later.
A chapter's parse reads nothing of the others' (which is what lets a parse be
kept, ``kept_parses.py``), so a book's last chapters can be parsed by a copy
of the build beside it (``forked.py``).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from slugify import slugify

from .citations.terms import locator_terms
from .diagnostics import Diagnostics, SourceLocation, did_you_mean
from .forked import can_fork, in_a_copy
from .kept_parses import KeptParses, digest, pickled
from .markdown import make_parser
from .markdown.links import settle_heading_links
from .markdown.state import chapter_env, new_env
from .markdown.terms import term_index
from .markdown.titles import body_title
from .model import Book, Chapter, Fragment, Notes, ParsedChapter, SourceFile, Term
from .progress import SILENT, Progress
from .yamlfile import YamlMap, parse_yaml

# Chapters to parse of this much text at least (about 0.05 s of parsing) are parsed half by a copy of the build,
# beside it (``forked.py``): the copy's share a little more than half, as the build reads each of its parses back
# (a fifth of the time a parse takes) after parsing its own.
PARSED_BESIDE_FROM = 100_000
PARSED_BESIDE_SHARE = 0.55
FRONT_MATTER_KEYS = ('id', 'title', 'short-title', 'summary', 'unnumbered')
# Metadata that chapters written for Pandoc or Quarto carry: ignored with a warning, where any other key is an error.
PANDOC_METADATA = ('author', 'date', 'subtitle', 'abstract', 'keywords', 'subject', 'description', 'lang', 'dir',
                   'bibliography', 'csl', 'link-citations', 'nocite', 'toc', 'toc-depth', 'number-sections',
                   'numbersections', 'format', 'execute', 'jupyter', 'engine', 'categories', 'tags', 'draft',
                   'header-includes', 'documentclass', 'output')


def parse(book: Book, diagnostics: Diagnostics, progress: Progress = SILENT,
          kept: KeptParses | None = None) -> tuple[ParsedChapter, ...]:
    """Every chapter parsed; ``kept``: the parses of earlier builds, reused where nothing that a chapter's parse
    reads changed."""
    language = book.config.language
    citation_notes = bool(book.style and book.style.note)
    md = make_parser(language, citation_notes=citation_notes, terms=term_index(book.terms),
                     auto_terms=book.config.auto_terms, editions=book.config.editions,
                     locator_terms=None if language.split('-')[0] == 'en' else locator_terms(language))
    chapters = []
    number = 0
    for source in book.sources:
        meta, text = _front_matter(source, diagnostics)
        unnumbered = meta.get('unnumbered') is True
        if not unnumbered:
            number += 1
        chapter_id = str(meta.get('id') or slugify(PurePosixPath(source.path).stem.lstrip('0123456789-_')) or 'chapter')
        title = typeset(md, str(meta.get('title') or chapter_id))
        chapters.append((Chapter(
            id=chapter_id,
            title=title,
            short_title=typeset(md, str(meta['short-title'])) if meta.get('short-title') else title,
            summary=meta.get('summary'),
            number=None if unnumbered else number,
            path=source.path,
            location=SourceLocation(source.path, 1),
        ), text))
    # Every chapter's id is known before any is parsed: links between chapters name their files.
    files = {chapter.path: chapter.id for chapter, _ in chapters}
    # What every chapter's parse reads besides its own: what the parser is made of, and every chapter's file and id
    read_by_all = digest(language, citation_notes, book.terms, book.config.auto_terms, book.config.editions, files)
    keys = [digest(read_by_all, chapter, text) for chapter, text in chapters]
    parses = [functools.partial(_parse_chapter, md, chapter, text, files) for chapter, text in chapters]
    store = kept if kept is not None else KeptParses(remember=False)
    unkept = [i for i, key in enumerate(keys) if not store.has(key)]
    beside = _shared_out(unkept, [len(text) for _, text in chapters])
    parsed = []
    with contextlib.ExitStack() as copy:
        # The copy's parses, read as it sends them, once the build has parsed its own share; none (each parsed
        # here) when there is no copy
        made: Iterator[bytes | None] = iter(())
        if beside:
            # A live bar's thread, which a fork must not copy, paused; a system that refuses a process or a file in
            # memory (a limit on either) leaves the parse to the build alone.
            with progress.paused(), contextlib.suppress(OSError):
                if can_fork():
                    made = copy.enter_context(in_a_copy(lambda i: _pickled_parse(parses[i]), beside))
        shared = set(beside)
        for i, (chapter, _) in enumerate(chapters):
            progress.item(chapter.path)
            made_here = next(made, None) if i in shared else None
            tokens, env = store.parsed(keys[i], parses[i], diagnostics, files, made_here)
            parsed.append(ParsedChapter(chapter, tuple(tokens), env))
    settle_heading_links((p.chapter.id, list(p.tokens)) for p in parsed)
    return tuple(parsed)


def _shared_out(unkept: list[int], sizes: list[int]) -> list[int]:
    """Of the chapters to parse (``unkept``, of texts ``sizes`` long), those a copy of the build parses beside
    it: the last ones, about half of the text, when there is enough to pay for the copy."""
    total = sum(sizes[i] for i in unkept)
    if total < PARSED_BESIDE_FROM:
        return []
    here = 0
    for n, i in enumerate(unkept):
        if here >= total * (1 - PARSED_BESIDE_SHARE):
            return unkept[n:]
        here += sizes[i]
    return []


def _pickled_parse(parse_chapter: functools.partial) -> bytes | None:
    """In the copy: a chapter parsed and pickled, its problems with it, as a kept parse is."""
    found = Diagnostics()
    tokens, env = parse_chapter(found)
    return pickled(tokens, env, list(found))


def _parse_chapter(md: MarkdownIt, chapter: Chapter, text: str, files: dict[str, str],
                   diagnostics: Diagnostics) -> tuple[list[Token], dict[str, Any]]:
    env = new_env(chapter.id, chapter.path, diagnostics, files)
    return md.parse(text, env), env


def typeset(md: MarkdownIt, text: str) -> str:
    """Plain text with the book's smart punctuation, for titles written in front matter."""
    env = new_env('title', '', Diagnostics())
    return ''.join(t.content for t in md.parseInline(text, env)[0].children or () if t.type == 'text')


def parse_book(book: Book, diagnostics: Diagnostics, progress: Progress = SILENT,
               kept: KeptParses | None = None) -> tuple[tuple[ParsedChapter, ...], Notes]:
    """The chapters and the notes parsed; ``kept``: the parses of earlier builds, reused where nothing that a
    parse reads changed. The caller then keeps this build's (``KeptParses.keep_only_this_builds``)."""
    return parse(book, diagnostics, progress, kept), parse_notes(book, diagnostics, kept)


def parse_notes(book: Book, diagnostics: Diagnostics, kept: KeptParses | None = None) -> Notes:
    """The Markdown of the glossary and the chronology: definitions and event texts as blocks, sources inline.

    Each is kept as a chapter's parse is (``kept``): the 80 events and 60
    terms of the 50-page benchmark book took 0.06 s to parse, a tenth of an
    edit in ``coursepack watch``.
    """
    store = kept if kept is not None else KeptParses(remember=False)
    read_by_all = digest(book.config.language, book.terms)  # what the fragments' parser is made of

    def fragment(text: str, where: SourceLocation, ident: str, inline: bool = False) -> Fragment:
        tokens, env = store.parsed(digest(read_by_all, text, where, ident, inline),
                                   functools.partial(_parse_fragment, book, text, where, ident, inline=inline),
                                   diagnostics, {})
        return Fragment(tuple(tokens), env, where)

    return Notes(
        {t.key: fragment(t.definition, t.definition_at, f'glossary-{t.key}') for t in book.terms},
        {t.key: fragment(t.sources, t.sources_at, f'glossary-{t.key}-sources', inline=True)
         for t in book.terms if t.sources},
        {e.key: fragment(e.text, e.text_at, f'chronology-{e.key}') for e in book.events},
        {e.key: fragment(e.sources, e.sources_at, f'chronology-{e.key}-sources', inline=True)
         for e in book.events if e.sources},
    )


def _parse_fragment(book: Book, text: str, where: SourceLocation, ident: str, diagnostics: Diagnostics, *,
                    inline: bool = False) -> tuple[list[Token], dict[str, Any]]:
    """Markdown from a data file, parsed as chapters are (terms in it link, but are not marked automatically).

    ``ident`` prefixes the ids it generates; ``where`` is the line its text starts on. Citations
    stay in the text even in a note style: a glossary or a chronology has no notes.
    """
    md = _fragment_parser(book.config.language, book.terms)
    env = new_env(ident, where.path, diagnostics)
    chapter_env(env).line_offset = (where.line or 1) - 1
    return (md.parseInline(text, env) if inline else md.parse(text, env)), env


@functools.lru_cache(maxsize=4)
def _fragment_parser(language: str, terms: tuple[Term, ...]) -> MarkdownIt:
    return make_parser(language, terms=term_index(terms))


def _front_matter(source: SourceFile, diagnostics: Diagnostics) -> tuple[dict, str]:
    """The front matter's keys, with a title and attributes found in the body (a Pandoc chapter's ``%``
    block or first ``# heading``) where it gives none, and the text to parse, that title's lines blanked."""
    meta = _yaml_front_matter(source, diagnostics)
    if 'title' in meta:
        return meta, source.text
    has_yaml = source.text.startswith('---')
    # The body starts on the line after the closing ---.
    text, found = body_title(source.text, source.text.count('\n', 0, source.text.find('\n---', 3) + 1) + 1
                             if has_yaml else 0)
    if found is None:
        if not has_yaml:
            diagnostics.warning('front-matter-missing', 'no front matter: the chapter has no title or id',
                                SourceLocation(source.path, 1))
        return meta, text
    if found.byline:
        diagnostics.warning('title-block-byline', 'the authors and date of a % title block are not printed: '
                            "a chapter has no byline (book.yaml names the book's authors)",
                            SourceLocation(source.path, 2, 1))
    ident, classes = found.attributes.get('id'), str(found.attributes.get('class', '')).split()
    return {**({'id': ident} if ident else {}), **({'unnumbered': True} if 'unnumbered' in classes else {}),
            **meta, 'title': found.text}, text


def _yaml_front_matter(source: SourceFile, diagnostics: Diagnostics) -> dict:
    if not source.text.startswith('---'):
        return {}
    end = source.text.find('\n---', 3)
    if end < 0:
        diagnostics.error('front-matter', 'the front matter is not closed by a line of ---',
                          SourceLocation(source.path, 1))
        return {}
    block = source.text[source.text.index('\n') + 1 : end + 1]
    data = parse_yaml(block, source.path, diagnostics, line_offset=1)
    if data is None:
        return {}
    if not isinstance(data, YamlMap):
        diagnostics.error('front-matter', 'the front matter must be a mapping', SourceLocation(source.path, 2))
        return {}
    for key in data:
        if key in PANDOC_METADATA:
            diagnostics.warning('front-matter-ignored', f"'{key}' is for Pandoc or Quarto, not for a chapter of a "
                                'course pack: it is ignored (book.yaml holds the book\'s authors, date and style)',
                                data.where(key))
        elif key not in FRONT_MATTER_KEYS:
            diagnostics.error('front-matter-unknown-key',
                              f"unknown front matter key '{key}'{did_you_mean(key, FRONT_MATTER_KEYS)}", data.where(key))
    for key in ('id', 'title', 'short-title', 'summary'):
        if key in data and not isinstance(data[key], str):
            diagnostics.error('front-matter-type', f"'{key}' must be text", data.where(key))
    return {k: v for k, v in data.items() if k in FRONT_MATTER_KEYS}
