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
TEXT = './/text()[not(ancestor::span[@class="print-page"])]'  # a block's words, without print page numbers


def search_index(pages: list[tuple[str, str, list[etree._Element]]]) -> str:
    """The index script for ``(file name, title, document trees)`` of each page, in reading order."""
    entries = []
    for number, (_, _, trees) in enumerate(pages):
        for tree in trees:
            for block in blocks(tree):
                text = ' '.join(''.join(block.xpath(TEXT)).split())
                if block.get('id') and text and not _has_block_inside(block):
                    entries.append([number, block.get('id'), text])
    data = {'pages': [[name, title] for name, title, _ in pages], 'blocks': entries}
    return f'window.{GLOBAL} = {json.dumps(data, ensure_ascii=False, separators=(",", ":"))};\n'


def _has_block_inside(block: etree._Element) -> bool:
    """A list item that holds paragraphs is found through its paragraphs, not twice."""
    return any(child.tag in ('p', 'li', 'pre', 'dd', 'dt') for child in block.iterdescendants())
