"""Stage 1, load: the book folder -> :class:`Book` (manifest and chapter texts)."""

from __future__ import annotations

from pathlib import Path

from .config import load_config
from .diagnostics import BuildError, Diagnostics
from .model import Book, SourceFile
from .stylesheets import check_stylesheets
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
    check_stylesheets(root, diagnostics)
    if diagnostics.has_errors():
        raise BuildError(diagnostics)
    return Book(config, tuple(sources))
