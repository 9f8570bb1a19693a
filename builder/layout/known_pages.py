"""The page numbers of a book that is not laid out now: the last layout's, when it laid out this very book.

An EPUB built alone (``--format epub``) prints the print edition's page
numbers (its page-list, "cited on" pages) only if it can know them without a
layout. Each layout saves its settled page map with a key (:func:`layout_key`):
the hash of the print document it laid out, which was printed from that map,
and of everything else that decides its pages (the builder, the stylesheets,
fonts and images: ``OutputCache.parts_salt``). Rendered again from the saved
map, a book whose key is the same would be laid out to the same pages, so the
map is right; any other book is rendered without page numbers, never with
wrong ones.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from ..model import RenderedBook, ResolvedBook
from ..render import render
from .print_document import print_html

if TYPE_CHECKING:
    from ..cache import OutputCache


def layout_key(rendered: RenderedBook, salt: str) -> str:
    """What decides the pages of ``rendered``: its print document, and ``salt`` (builder, styles, fonts, images)."""
    return hashlib.sha256(f'{salt}\n{print_html(rendered)}'.encode()).hexdigest()


def known_pages(resolved: ResolvedBook, stem: str, cache: OutputCache | None) -> RenderedBook:
    """``resolved`` rendered from the last layout's page map of ``stem`` if that layout was of this book, else
    rendered without page numbers."""
    pages = cache.page_map(stem) if cache else None
    if cache and pages is not None:
        rendered = render(resolved, pages)
        if cache.layout_key(stem) == layout_key(rendered, cache.parts_salt()):
            return rendered
    return render(resolved)
