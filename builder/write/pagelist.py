"""The EPUB's print page numbers: page-break markers where the PDF's pages begin, and the page-list.

The page map comes from WeasyPrint's layout of the same edition (every block
has an id, :mod:`builder.blocks`, and the map gives the page on which each id
begins; each marker is labelled with the number that page prints,
``PageNumbering``). Walking the EPUB's blocks in reading order, the marker of
page N goes at the start of the first block that begins on page N or later:
then every block is preceded by the marker of the page it begins on. Pages on
which no block begins (a blank page before a chapter, a page that one long
paragraph fills, the printed contents that the EPUB replaces by its nav) have
their marker at the same place as the next page's.

The granularity is the block: a page that begins in the middle of a paragraph
has its marker before the next block, not in the middle of the paragraph's text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import lxml.html
from lxml import etree

from ..blocks import blocks
from ..model import PageMap, PageNumbering


@dataclass(frozen=True)
class PageTarget:
    file_name: str
    id: str
    label: str


def with_page_breaks(files: list[str], bodies: Iterable[etree._Element], pages: PageMap, first_page: int,
                     numbering: PageNumbering) -> tuple[list[etree._Element], list[PageTarget]]:
    """The bodies (their trees) with page-break markers, and the page-list entries pointing at them, each labelled
    with the number its page prints (``numbering``: the front matter's in roman numerals)."""
    breaks = PageBreaks(pages, first_page, numbering)
    return [breaks.marked(file_name, body) for file_name, body in zip(files, bodies)], breaks.targets


class PageBreaks:
    """``with_page_breaks`` one document at a time, in reading order: the EPUB holds one copy of its bodies."""

    def __init__(self, pages: PageMap, first_page: int, numbering: PageNumbering) -> None:
        self.pages = pages
        self.numbering = numbering
        self.next_page = first_page
        self.targets: list[PageTarget] = []

    def marked(self, file_name: str, tree: etree._Element) -> etree._Element:
        """The body of the document ``file_name`` (its tree, marked in place), with the markers of the pages
        that begin in it."""
        for block in blocks(tree):
            page = self.pages.get(block.get('id', ''))
            while page is not None and self.next_page <= page:
                label = self.numbering.label(self.next_page)
                _insert_marker(block, self.next_page, label)
                self.targets.append(PageTarget(file_name, f'page-{self.next_page}', label))
                self.next_page += 1
        return tree


def _insert_marker(block: etree._Element, page: int, label: str) -> None:
    """Put the marker of page ``page``, which prints ``label``, first in the block, after the markers already
    there."""
    marker = lxml.html.Element('span', {'id': f'page-{page}', 'role': 'doc-pagebreak', 'aria-label': label})
    marker.set('epub:type', 'pagebreak')
    markers = [c for c in block if c.get('role') == 'doc-pagebreak']
    if markers:
        marker.tail = markers[-1].tail
        markers[-1].tail = None
        markers[-1].addnext(marker)
    else:
        marker.tail = block.text
        block.text = None
        block.insert(0, marker)
