"""The search index: every block of every page, its text and where it is, as one script.

A script, not a JSON file, because browsers refuse ``fetch()`` from
``file://``: ``search-index.js`` assigns the index to a global, and the page's
own script (``styles/web.js``) searches it.
"""

from __future__ import annotations

import json

from lxml import etree

from ...blocks import blocks

GLOBAL = 'COURSEPACK_SEARCH'
# A block's words, without print page numbers or a note's link back to its reference.
TEXT = etree.XPath('.//text()[not(ancestor::span[@class="print-page"] or ancestor::a[@class="backlink"])]')


def search_entries(trees: list[etree._Element]) -> list[list[str]]:
    """The blocks of a page whose documents are ``trees``, for the index: [id, text] each, in reading order."""
    entries = []
    for tree in trees:
        # The blocks of the text, then the notes (which blocks() leaves out: they begin no print page).
        found = [b for b in blocks(tree) if not _has_block_inside(b)]
        for block in [*found, *tree.iterfind('.//aside[@role="doc-footnote"]')]:
            text = ' '.join(''.join(TEXT(block)).split())
            if block.get('id') and text:
                entries.append([block.get('id'), text])
    return entries


def search_script(pages: list[tuple[str, str, list[list[str]]]]) -> str:
    """The index script for ``(file name, title, search_entries)`` of each page, in reading order."""
    entries = [[number, id_, text] for number, (_, _, found) in enumerate(pages) for id_, text in found]
    data = {'pages': [[name, title] for name, title, _ in pages], 'blocks': entries}
    return f'window.{GLOBAL} = {json.dumps(data, ensure_ascii=False, separators=(",", ":"))};\n'


def _has_block_inside(block: etree._Element) -> bool:
    """A list item that holds paragraphs is found through its paragraphs, not twice."""
    return any(child.tag in ('p', 'li', 'pre', 'dd', 'dt') for child in block.iterdescendants())
