"""The page numbers of a book that is not laid out now: the last layout's, when it laid out this very book.

An EPUB built alone (``--format epub``) prints the print edition's page
numbers (its page-list, "cited on" pages) only if it can know them without a
layout. Each layout saves its settled page map with the key of the book it
laid out (``OutputCache.book_key``: the builder, the content of every file of
the book, the settings given on the command line, the date), which decide its
pages: a layout is made from nothing else. The same key now means the same
book, which the same layout would give the same pages, so the map is right;
any other book is rendered without page numbers, never with wrong ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import RenderedBook, ResolvedBook
from ..render import render

if TYPE_CHECKING:
    from ..cache import OutputCache


def known_pages(resolved: ResolvedBook, stem: str, cache: OutputCache | None) -> RenderedBook:
    """``resolved`` rendered from the last layout's page map of ``stem`` if that layout was of this book, else
    rendered without page numbers."""
    pages = cache.page_map(stem) if cache else None
    if cache and pages is not None and cache.layout_key(stem) == cache.book_key():
        return render(resolved, pages)
    return render(resolved)
