"""Resolve the book's citations: collect them from the token streams, format them, report problems.

Chapters come first, then any other parsed fragments (glossary definitions,
chronology sources), each as ``(group, tokens)``, so that the first citation
of a work is the first a reader meets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from markdown_it.token import Token

from .bibliography import CitationUse, Formatted, format_citations
from .diagnostics import Diagnostics, SourceLocation
from .model import Book, ParsedChapter


def citation_uses(group: str, tokens: Iterable[Token]) -> list[CitationUse]:
    """The citations of one token stream, in reading order."""
    uses = []
    for token in tokens:
        for child in token.children or ():
            if child.type == 'citation':
                uses.append(CitationUse(child.meta['id'], child.meta['items'],
                                        child.meta.get('loc') or SourceLocation(group), group,
                                        child.meta['narrative'], child.meta.get('author_only', False),
                                        child.meta.get('in_note', False)))
    return uses


def resolve_citations(book: Book, chapters: Sequence[ParsedChapter], diagnostics: Diagnostics,
                      fragments: Sequence[tuple[str, Sequence[Token]]] = ()) -> Formatted | None:
    uses = [use for parsed in chapters for use in citation_uses(parsed.chapter.id, parsed.tokens)]
    uses += [use for group, tokens in fragments for use in citation_uses(group, tokens)]
    if book.style is None or (not uses and not book.references):
        return None
    config = book.config
    formatted = format_citations(book.references, uses, book.style, per_group=config.bibliography == 'per-chapter',
                                 nocite=config.nocite, nocite_location=config.where('nocite'))
    diagnostics.extend(formatted.diagnostics)
    return formatted
