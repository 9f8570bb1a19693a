"""A first guess at the page map, made before anything is laid out.

A book built for the first time has no page map to print its page references
from. Printed empty, they make the first layout shorter than the last (the
glossary's and the bibliography's page lists are missing), so whatever follows
them moves, and the book is laid out three times. Printed from this guess,
numbers of about the right length, the first layout is close to the last, and
two layouts are usually enough. The guess decides only how soon pagination
settles, never what the book prints: that is always read off a layout.
"""

from __future__ import annotations

import math

import lxml.html

from ..model import PageMap, RenderedBook

# Characters of text on a page of the bundled print style (A4, 10.5 pt): measured on the course pack.
CHARS_PER_PAGE = 3600


class EstimatedPageMap(PageMap):
    """Pages guessed from the length of the text: a layout printed from them is never final."""


def estimated_page_map(rendered: RenderedBook) -> EstimatedPageMap:
    """Every element id's page, counting text from the book's first page; documents open on right-hand pages."""
    pages = EstimatedPageMap()
    page = rendered.selected.first_page
    duplex = rendered.config.sides != 'simplex'
    for index, document in enumerate(rendered.documents):
        if index and duplex and page % 2 == 0:
            page += 1
        pages.setdefault(document.id, page)
        chars = 0
        for element in lxml.html.fragment_fromstring(document.body, create_parent='div').iter():
            if isinstance(element.tag, str):  # not a comment
                if element.get('id'):
                    pages.setdefault(element.get('id'), page + chars // CHARS_PER_PAGE)
                chars += len(element.text or '')
            chars += len(element.tail or '')
        page += max(1, math.ceil(chars / CHARS_PER_PAGE))
    return pages
