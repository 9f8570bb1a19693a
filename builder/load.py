"""Stage 1, load: the book folder -> :class:`Book` (manifest, chapter texts, glossary and chronology data)."""

from __future__ import annotations

from pathlib import Path

from .bibliography import find_style
from .chronology import load_chronology
from .config import load_config
from .diagnostics import BuildError, Diagnostics
from .glossary import load_glossary
from .model import Book, SourceFile
from .references import load_references
from .yamlfile import read_text

MAX_CHAPTER_BYTES = 2 * 1024 * 1024


def load(root: Path, diagnostics: Diagnostics) -> Book:
    config = load_config(root, diagnostics)
    if config is None:
        raise BuildError(diagnostics)
    sources = []
    for name in config.chapters:
        text = read_text(root / name, name, diagnostics, max_bytes=MAX_CHAPTER_BYTES)
        if text is not None:
            sources.append(SourceFile(name, text))
    references = load_references(root, config.references, diagnostics, config.where('references'))
    style = find_style(config.citation_style, root, config.language)
    if isinstance(style, str):
        diagnostics.error('citation-style', style, config.where('citation-style'))
    terms = load_glossary(config, diagnostics)
    events = load_chronology(config, diagnostics)
    if diagnostics.has_errors():
        raise BuildError(diagnostics)
    return Book(config, tuple(sources), references, style, terms, events)
