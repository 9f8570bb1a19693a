"""Resolve the book's citations: collect them from the token streams, format them, report problems.

Chapters come first, then any other parsed fragments (glossary definitions,
chronology sources), each as ``(group, tokens)``, so that the first citation
of a work is the first a reader meets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from markdown_it.token import Token

from ..diagnostics import Diagnostics, SourceLocation
from ..model import Book, ParsedChapter
from .cache import cached_formatting
from .load import DEFAULT_FILE as DEFAULT_REFERENCES
from .format import CitationUse, Formatted, format_citations
from .pandoc import run_pandoc


def citation_uses(group: str, tokens: Iterable[Token]) -> list[CitationUse]:
    """The citations of one token stream, in reading order."""
    uses = []
    for token in tokens:
        for child in token.children or ():
            if child.type == 'citation':
                uses.append(CitationUse(child.meta['id'], child.meta['items'],
                                        child.meta.get('loc') or SourceLocation(group), group,
                                        child.meta['narrative'], child.meta.get('author_only', False),
                                        child.meta.get('in_note', False), child.meta['raw']))
    return uses


def references_file_of(book: Book) -> Path | None:
    """The book's references file: the one ``book.yaml`` names, or the default one when it holds references."""
    source = book.config.references or (DEFAULT_REFERENCES if book.references else None)
    return book.config.root / source if source else None


def resolve_citations(book: Book, chapters: Sequence[ParsedChapter], diagnostics: Diagnostics,
                      fragments: Sequence[tuple[str, Sequence[Token]]] = (), *, cache: bool = False,
                      meanwhile: Callable[[], None] = lambda: None,
                      pandoc: Callable[[list[str], str], str] = run_pandoc) -> Formatted | None:
    """Format the citations; ``cache``: reuse the last build's formatting when its inputs are the same;
    ``meanwhile``: called once, while Pandoc formats them, or when they are formatted without it; ``pandoc``:
    what runs Pandoc (``ahead.py``)."""
    uses = [use for parsed in chapters for use in citation_uses(parsed.chapter.id, parsed.tokens)]
    uses += [use for group, tokens in fragments for use in citation_uses(group, tokens)]
    if book.style is None or (not uses and not book.references):
        meanwhile()
        return None
    config = book.config
    options = {'per_group': config.bibliography == 'per-chapter', 'nocite': config.nocite,
               'nocite_location': config.where('nocite')}
    references_file = references_file_of(book)

    computed = False

    def compute() -> Formatted:
        nonlocal computed
        computed = True
        return format_citations(book.references, uses, book.style, references_file, **options, meanwhile=meanwhile,
                                 pandoc=pandoc)

    # A build formats the whole book, then each edition, or each handout of one
    made = 1 + len(config.editions) * (1 + len(book.sources))
    formatted = (cached_formatting(config.root, (book.references, book.style, options), uses, book.style.path,
                                   references_file, compute, made) if cache else compute())
    if not computed:  # kept from the last build
        meanwhile()
    diagnostics.extend(d for d in formatted.diagnostics
                       if book.knows_all('references') or d.code not in ('cite-unknown', 'nocite-unknown'))
    return formatted
