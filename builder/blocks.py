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

import threading
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


_parsers = threading.local()  # an lxml parser may not be used by two threads at once


def fragment(body: str) -> etree._Element:
    """The one element of the HTML ``body`` as a tree, as ``lxml.html.fragment_fromstring`` parses it, but of
    plain lxml elements: ``lxml.html``'s own classes cost a call to Python for every element a pass touches
    (264,000 of them in an 824-page book's web edition, a fifth of its writing)."""
    if not hasattr(_parsers, 'html'):
        _parsers.html = etree.HTMLParser()  # lxml.html's parser, without its element classes
    return lxml.html.fragment_fromstring(body, parser=_parsers.html)


def with_block_ids(body: str, prefix: str) -> str:
    tree = fragment(body)
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
    """The blocks of a document that can begin a page, in reading order: those in no element of a
    :data:`SKIPPED` class."""
    if any(_skipped(a) for a in tree.iterancestors()):
        return []
    # The notes' elements found first, by XPath: asking every block for its ancestors' classes took as long as
    # the rest of marking an EPUB's pages.
    inside = {e for notes in _MAYBE_SKIPPED(tree) if _skipped(notes) for e in notes.iterdescendants()}
    return [e for e in tree.iter(*BLOCKS) if e not in inside]


# Each element whose class attribute holds a SKIPPED class's name, and maybe more (``_skipped`` says which are).
_MAYBE_SKIPPED = etree.XPath('descendant-or-self::*[' + ' or '.join(
    f'contains(@class, "{name}")' for name in sorted(SKIPPED)) + ']')


def _skipped(element: etree._Element) -> bool:
    return bool(SKIPPED & set((element.get('class') or '').split()))
