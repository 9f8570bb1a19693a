"""Stable ids on the blocks of a rendered document, so that layout can say where each page begins.

WeasyPrint reports, for every page, the ids of the elements laid out on it
(``page.anchors``). Giving every paragraph, heading, list item, term, cell and
caption an id thus tells, at paragraph granularity, which block each page
starts with: the EPUB's page-break markers are placed from that
(:mod:`builder.write.pagelist`). The ids are ``<document>.<n>`` in document
order; a dot never occurs in the ids authors and slugs make, so they cannot clash.
They are there for the page map only: the PDF leaves them out of its named
destinations (:func:`without_block_destinations`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lxml.html
from lxml import etree

if TYPE_CHECKING:
    import pydyf

BLOCKS = frozenset({'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'dt', 'dd', 'pre', 'th', 'td', 'figcaption',
                    'caption'})
# Note texts are laid out at the foot of the page but read at the end of an EPUB chapter:
# where they fall says nothing about where a page begins.
SKIPPED = frozenset({'footnote', 'footnotes'})


def with_block_ids(body: str, prefix: str) -> str:
    tree = lxml.html.fragment_fromstring(body)
    for n, element in enumerate((e for e in blocks(tree) if e.get('id') is None), start=1):
        element.set('id', f'{prefix}.{n}')
    return etree.tostring(tree, method='xml', encoding='unicode')


def without_block_destinations(pdf: pydyf.PDF) -> None:
    """Leave the blocks' ids out of the named destinations of ``pdf`` (in a WeasyPrint ``finisher``), which keeps
    those of the ids authors and slugs make. No link leads to a block, and its id changes with every block added
    before it: of an 824-page book's 15,000 destinations, 6,200 were blocks', which took 11 MB of the memory
    that joining its parts takes."""
    names = pdf.catalog.get('Names', {})
    destinations = names.get('Dests', {}).get('Names')
    if destinations is None:
        return
    destinations[:] = [item for name, target in zip(destinations[::2], destinations[1::2])
                       if '.' not in name.string for item in (name, target)]
    if not destinations:
        del names['Dests']
        if not names:
            del pdf.catalog['Names']


def blocks(tree: etree._Element) -> list[etree._Element]:
    """The blocks of a document that can begin a page, in reading order."""
    return [e for e in tree.iter(*BLOCKS)
            if not any(SKIPPED & set((a.get('class') or '').split()) for a in e.iterancestors())]
