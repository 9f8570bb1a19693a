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

# The bundled print style on A4 (10.5 pt on 14.5 pt, 168 mm wide): about 100 characters a line, 48 lines a page,
# once headings' space and footnotes' smaller type are averaged in. Fitted on the course pack and the benchmark
# books: within a page or two of the layout, also for lists of short lines (contents, glossary, bibliography).
CHARS_PER_LINE = 100
LINES_PER_PAGE = 48
# Elements that start on a line of their own, and headings, which take about one line more of space above them.
BLOCKS = frozenset('address article aside blockquote caption dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 '
                   'header hr li ol p pre section table tr ul'.split())
HEADINGS = frozenset({'h1', 'h2', 'h3'})


class EstimatedPageMap(PageMap):
    """Pages guessed from the length of the text: a layout printed from them is never final."""


def estimated_page_map(rendered: RenderedBook) -> EstimatedPageMap:
    """Every element id's page, counting text from the book's first page; documents open on new pages, right-hand
    ones when printed two-sided, but for the document after a handout's heading block, on its page (``print.css``:
    ``.handout + .chapter``)."""
    pages = EstimatedPageMap()
    page = rendered.selected.first_page
    duplex = rendered.config.sides != 'simplex'
    lines = 0.0
    for index, document in enumerate(rendered.documents):
        if index and rendered.documents[index - 1].kind != 'handout':
            page += max(1, math.ceil(lines / LINES_PER_PAGE))
            lines = 0.0
            if duplex and page % 2 == 0:
                page += 1
        pages.setdefault(document.id, page + int(lines // LINES_PER_PAGE))
        for element in lxml.html.fragment_fromstring(document.body, create_parent='div').iter():
            if isinstance(element.tag, str):  # not a comment
                if element.tag in BLOCKS:
                    lines = math.ceil(lines) + (element.tag in HEADINGS)
                if element.get('id'):
                    pages.setdefault(element.get('id'), page + int(lines // LINES_PER_PAGE))
                lines += len(element.text or '') / CHARS_PER_LINE
            lines += len(element.tail or '') / CHARS_PER_LINE
    return pages
