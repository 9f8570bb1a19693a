"""Pandoc's formatted text (inlines and blocks of its JSON AST) -> XHTML fragments, built element by element.

The elements are those Pandoc's own HTML writer uses (``em``, ``strong``,
``span.smallcaps``, ``sup``, …), so that an entry reads in our EPUB as in
Pandoc's HTML; text is escaped by lxml, never pasted. Links are passed to
``link``, which gives the href to print, or None to keep only the link's text
(a citation linked to an entry the style does not list).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

Link = Callable[[str], 'str | None']

# Pandoc inline -> (tag, class)
ELEMENTS = {'Emph': ('em', None), 'Strong': ('strong', None), 'Underline': ('span', 'underline'),
            'Strikeout': ('del', None), 'Superscript': ('sup', None), 'Subscript': ('sub', None),
            'SmallCaps': ('span', 'smallcaps')}


def inlines_xhtml(inlines: list[dict[str, Any]], link: Link, quotes: tuple[str, ...]) -> str:
    """An XHTML fragment for Pandoc inlines."""
    root = etree.Element('span')
    _inlines(root, inlines, link, quotes)
    return _fragment(root)


def blocks_xhtml(blocks: list[dict[str, Any]], link: Link, quotes: tuple[str, ...]) -> str:
    """An XHTML fragment, inline content only, for the blocks of one bibliography entry or note."""
    root = etree.Element('span')
    _blocks(root, blocks, link, quotes)
    return _fragment(root)


def _fragment(root: etree._Element) -> str:
    html = etree.tostring(root, encoding='unicode', method='xml')
    return html[len('<span>'):-len('</span>')] if html.startswith('<span>') else ''


def _blocks(parent: etree._Element, blocks: list[dict[str, Any]], link: Link, quotes: tuple[str, ...]) -> None:
    for i, block in enumerate(blocks):
        if i:
            _text(parent, ' ')
        kind, content = block['t'], block.get('c')
        if kind in ('Para', 'Plain'):
            _inlines(parent, content, link, quotes)
        elif kind == 'Div':  # csl-left-margin, csl-right-inline, csl-indent: the parts of a numbered entry
            span = etree.SubElement(parent, 'span', **_classes(content[0]))
            _blocks(span, content[1], link, quotes)


def _classes(attr: list[Any]) -> dict[str, str]:
    return {'class': ' '.join(attr[1])} if attr[1] else {}


def _inlines(parent: etree._Element, inlines: list[dict[str, Any]], link: Link, quotes: tuple[str, ...]) -> None:
    for inline in inlines:
        kind, content = inline['t'], inline.get('c')
        if kind == 'Str':
            _text(parent, content)
        elif kind in ('Space', 'SoftBreak', 'LineBreak'):
            _text(parent, ' ')
        elif kind in ELEMENTS:
            tag, cls = ELEMENTS[kind]
            _inlines(etree.SubElement(parent, tag, **({'class': cls} if cls else {})), content, link, quotes)
        elif kind == 'Quoted':
            opening, closing = (quotes[0], quotes[1]) if content[0]['t'] == 'DoubleQuote' else (quotes[2], quotes[3])
            _text(parent, opening)
            _inlines(parent, content[1], link, quotes)
            _text(parent, closing)
        elif kind == 'Span':
            target = etree.SubElement(parent, 'span', **_classes(content[0])) if content[0][1] else parent
            _inlines(target, content[1], link, quotes)
        elif kind == 'Link':
            href = link(content[2][0])
            _inlines(etree.SubElement(parent, 'a', href=href) if href else parent, content[1], link, quotes)
        elif kind == 'Cite':
            _inlines(parent, content[1], link, quotes)
        elif kind == 'Code':
            etree.SubElement(parent, 'code').text = content[1]
        elif kind in ('Math', 'RawInline'):
            _text(parent, content[1])
        elif kind == 'Image':
            _inlines(parent, content[1], link, quotes)
        # A Note is taken apart by the caller (a note style's citation); nothing else carries text.


def _text(parent: etree._Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or '') + text
    else:
        parent.text = (parent.text or '') + text
