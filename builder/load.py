"""Stage 1, load: the book folder -> :class:`Book` (manifest, chapter texts, glossary and chronology data)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .chronology.events import load_chronology
from .citations.load import load_references
from .citations.styles import find_style
from .config import BookConfig, load_config
from .diagnostics import BuildError, Diagnostics
from .glossary.terms import load_glossary
from .model import Book, SourceFile
from .yamlfile import read_text

# A chapter is one WeasyPrint document, whose memory grows with its pages (whole builds under load: 1 MB of
# prose, 216 pages, 227 MB; 2 MB, 428 pages, 318 MB): past 1 MiB a chapter is refused, located at the line
# where the limit falls, so that no build needs more than about 250 MB. Longer texts are several chapters.
MAX_CHAPTER_BYTES = 1024 * 1024
# A language named in a chapter: a span's or a div's attribute, ``{lang=fr}``, or raw HTML's, ``lang="fr"``
NAMED_LANGUAGE = re.compile(r'lang=["\']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)')


def load(root: Path, diagnostics: Diagnostics) -> Book:
    config = load_config(root, diagnostics)
    if config is None:
        raise BuildError(diagnostics)
    sources = chapter_sources(root, config, diagnostics)
    if diagnostics.has_errors():
        raise BuildError(diagnostics)
    # Problems in the data files do not stop the load: the chapters are still checked against what
    # could be read, so that one run reports every problem (the pipeline stops after resolve).
    broken = set()

    def counted(name: str, loaded):  # type: ignore[no-untyped-def]
        before = len(diagnostics.errors)
        value = loaded()
        if len(diagnostics.errors) > before:
            broken.add(name)
        return value

    references = counted('references', lambda: load_references(root, config.references, diagnostics,
                                                               config.where('references')))
    style = find_style(config.citation_style, root, config.language)
    if isinstance(style, str):
        diagnostics.error('citation-style', style, config.where('citation-style'))
        style = None
        broken.add('references')
    terms = counted('glossary', lambda: load_glossary(config, diagnostics))
    events = counted('chronology', lambda: load_chronology(config, diagnostics))
    return Book(config, tuple(sources), references, style, terms, events, frozenset(broken))


def book_languages(root: Path) -> list[str]:
    """The language of the book in ``root``, then every other that two or more of its chapters name, in their
    order; none when there is no book. For the workers' fork server, which hyphenates a word in each ahead, so that
    the workers have its patterns: loaded there once rather than in each part that needs them. A language one
    chapter names is left to its part: loading it ahead would hold up every part for the one (German's patterns take
    0.5-0.7 s). Read from the chapters' text without parsing it, so a language that only the parse finds (a quoted
    source's) is not here."""
    quiet = Diagnostics()
    config = load_config(root, quiet)
    if config is None:
        return []
    chapters_naming = Counter(language for source in chapter_sources(root, config, quiet)
                              for language in dict.fromkeys(NAMED_LANGUAGE.findall(source.text)))
    return list(dict.fromkeys([config.language, *(language for language, chapters in chapters_naming.items()
                                                  if chapters > 1)]))


def chapter_sources(root: Path, config: BookConfig, diagnostics: Diagnostics) -> list[SourceFile]:
    """The text of each chapter ``config`` lists that can be read (:func:`read_text`'s checks; the others reported)."""
    sources = []
    for name in config.chapters:
        text = read_text(root, name, diagnostics, max_bytes=MAX_CHAPTER_BYTES)
        if text is not None:
            sources.append(SourceFile(name, text))
    return sources
