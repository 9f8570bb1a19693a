"""Stable ids on the blocks of a rendered document, so that layout can say where each page begins.

WeasyPrint reports, for every page, the ids of the elements laid out on it
(``page.anchors``). Giving every paragraph, heading, list item, term, cell and
caption an id thus tells, at paragraph granularity, which block each page
starts with: the EPUB's page-break markers are placed from that
(:mod:`builder.write.pagelist`). The ids are ``<document>.<n>`` in document
order; a dot never occurs in the ids authors and slugs make, so they cannot clash.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

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


def blocks(tree: etree._Element) -> list[etree._Element]:
    """The blocks of a document that can begin a page, in reading order."""
    return [e for e in tree.iter(*BLOCKS)
            if not any(SKIPPED & set((a.get('class') or '').split()) for a in e.iterancestors())]
