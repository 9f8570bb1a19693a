"""What a citation or a glossary term shows on hover and focus: its bibliography entry, its definition.

The entries live on other pages, which a script cannot read from ``file://``;
so they are copied at build time into ``previews.js``, keyed by the link's
target (``bibliography.html#ref-x``). The copies keep the entry's markup
(italics, language spans) without its ids, and without what only makes sense
in place: "cited on" back-links, "used in" lists, cross-references.
"""

from __future__ import annotations

import copy

import lxml.html
from lxml import etree

# What a preview leaves out of an entry or definition: back-links, lists of uses, print page numbers.
LEFT_OUT = frozenset({'cited-on', 'where-used', 'where-pages', 'see-also', 'sources', 'print-page'})


def previews(page: str, trees: list[etree._Element]) -> dict[str, str]:
    """``page#id`` -> the preview's markup, for every bibliography entry and glossary term of the page ``page``,
    whose documents are ``trees``."""
    found: dict[str, str] = {}
    for tree in trees:
        for entry in tree.iterfind('.//*[@class]'):
            classes = set(entry.get('class', '').split())
            if 'csl-entry' in classes and entry.get('id'):
                found[f"{page}#{entry.get('id')}"] = _markup([entry])
        for term in tree.iter('dt'):
            definition = term.getnext()
            if term.get('id') and definition is not None and definition.tag == 'dd':
                found[f"{page}#{term.get('id')}"] = _markup([term, definition])
    return found


def _markup(elements: list[etree._Element]) -> str:
    parts = []
    for element in elements:
        clone = copy.deepcopy(element)
        clone.tail = None
        for child in list(clone.iter()):
            if LEFT_OUT & set((child.get('class') or '').split()):
                _drop(child)
        for child in clone.iter():
            for name in ('id', 'role', 'epub:type'):
                child.attrib.pop(name, None)
        clone.tag = 'p' if element.tag == 'dt' else 'div'
        parts.append(lxml.html.tostring(clone, encoding='unicode').strip())
    return ''.join(parts)


def _drop(element: etree._Element) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent = element.getparent()
    previous = element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or '') + element.tail
        else:
            parent.text = (parent.text or '') + element.tail
    parent.remove(element)
