"""Stage 2, parse: chapter sources -> token streams with front matter read.

Each chapter is parsed by its own markdown-it environment, so plugins keep
per-chapter state; the tokens carry ``file:line`` for every diagnostic later.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from markdown_it import MarkdownIt
from slugify import slugify

from .diagnostics import Diagnostics, SourceLocation, did_you_mean
from .markdown import make_parser
from .markdown.state import new_env
from .model import Book, Chapter, ParsedChapter, SourceFile
from .yamlfile import YamlMap, parse_yaml

FRONT_MATTER_KEYS = ('id', 'title', 'short-title', 'summary', 'unnumbered')


def parse(book: Book, diagnostics: Diagnostics) -> tuple[ParsedChapter, ...]:
    md = make_parser(book.config.language, citation_notes=bool(book.style and book.style.note))
    parsed = []
    number = 0
    for source in book.sources:
        meta = _front_matter(source, diagnostics)
        unnumbered = meta.get('unnumbered') is True
        if not unnumbered:
            number += 1
        chapter_id = str(meta.get('id') or slugify(PurePosixPath(source.path).stem.lstrip('0123456789-_')) or 'chapter')
        title = typeset(md, str(meta.get('title') or chapter_id))
        chapter = Chapter(
            id=chapter_id,
            title=title,
            short_title=typeset(md, str(meta['short-title'])) if meta.get('short-title') else title,
            summary=meta.get('summary'),
            number=None if unnumbered else number,
            path=source.path,
            location=SourceLocation(source.path, 1),
        )
        env = new_env(chapter_id, source.path, diagnostics)
        tokens = md.parse(source.text, env)
        parsed.append(ParsedChapter(chapter, tuple(tokens), env))
    return tuple(parsed)


def typeset(md: MarkdownIt, text: str) -> str:
    """Plain text with the book's smart punctuation, for titles written in front matter."""
    env = new_env('title', '', Diagnostics())
    return ''.join(t.content for t in md.parseInline(text, env)[0].children or () if t.type == 'text')


def _front_matter(source: SourceFile, diagnostics: Diagnostics) -> dict:
    if not source.text.startswith('---'):
        diagnostics.warning('front-matter-missing', 'no front matter: the chapter has no title or id',
                            SourceLocation(source.path, 1))
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
        if key not in FRONT_MATTER_KEYS:
            diagnostics.error('front-matter-unknown-key',
                              f"unknown front matter key '{key}'{did_you_mean(key, FRONT_MATTER_KEYS)}", data.where(key))
    for key in ('id', 'title', 'short-title', 'summary'):
        if key in data and not isinstance(data[key], str):
            diagnostics.error('front-matter-type', f"'{key}' must be text", data.where(key))
    return {k: v for k, v in data.items() if k in FRONT_MATTER_KEYS}
