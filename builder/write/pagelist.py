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

from collections.abc import Sequence
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


Marker = tuple[int, int, str]  # a page-break marker: the index of its block in the document, the page, its label


class PageBreaks:
    """The markers of a document's pages, one document at a time, in reading order (the page-list with them)."""

    def __init__(self, pages: PageMap, first_page: int, numbering: PageNumbering) -> None:
        self.pages = pages
        self.numbering = numbering
        self.next_page = first_page
        self.targets: list[PageTarget] = []

    def placed(self, file_name: str, blocks: Sequence[str]) -> list[Marker]:
        """The markers of the pages that begin in the document ``file_name``, whose blocks that can begin a page
        have the ids ``blocks`` in reading order; each one's page-list entry is added."""
        markers = []
        for index, block in enumerate(blocks):
            page = self.pages.get(block)
            while page is not None and self.next_page <= page:
                label = self.numbering.label(self.next_page)
                markers.append((index, self.next_page, label))
                self.targets.append(PageTarget(file_name, f'page-{self.next_page}', label))
                self.next_page += 1
        return markers


def insert_markers(tree: etree._Element, markers: list[Marker]) -> etree._Element:
    """``tree``, a document's body, with its page ``markers`` (:meth:`PageBreaks.placed`) in its blocks."""
    if markers:
        found = blocks(tree)
        for index, page, label in markers:
            _insert_marker(found[index], page, label)
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
