"""The print document: the rendered book as the one HTML document WeasyPrint lays out.

The chapter documents are the renderer's, unchanged; format differences with
the EPUB live in ``styles/print.css`` and in the named post-passes below
(notes at their call sites, breakable code and long tokens, math drawn as
images, page references from the page map).
"""

from __future__ import annotations

import re

import lxml.html
from lxml.html import HtmlElement

from ..dates import build_timestamp, iso
from ..model import RenderedBook
from ..printshop import page_setup
from ..render import print_document
from ..stylesheets import stylesheet_urls
from .breaks import code_lines_as_blocks, long_tokens_breakable
from .math_images import math_as_images
from .page_references import pages_from_map
from .timeline_labels import timeline_labels_as_text


def print_html(rendered: RenderedBook) -> str:
    """The whole book as the one HTML document WeasyPrint lays out."""
    return serialize(print_tree(rendered))


def print_tree(rendered: RenderedBook) -> HtmlElement:
    """The print document of ``rendered``'s documents, with the print post-passes applied."""
    config = rendered.config
    moment = iso(build_timestamp(config))
    setup = page_setup(config, rendered.selected, rendered.numbering)
    dates = {'created': moment, 'modified': moment}
    html = print_document(rendered, stylesheet_urls(config.root, 'print', setup), dates)
    tree = footnotes_at_call_sites(lxml.html.document_fromstring(html))
    tree = math_as_images(long_tokens_breakable(code_lines_as_blocks(tree)))
    tree = timeline_labels_as_text(tree, rendered.resources)
    return pages_from_map(tree, rendered.pages, rendered.numbering, config.root)


def serialize(tree: HtmlElement) -> str:
    return lxml.html.tostring(tree, encoding='unicode', doctype='<!DOCTYPE html>')


def generated_files(rendered: RenderedBook) -> dict[str, tuple[str, bytes]]:
    """Files the build made (figures), by book-relative path, for the fetcher."""
    return {r.path: (r.media_type, r.content) for r in rendered.resources}


def footnotes_at_call_sites(tree: HtmlElement) -> HtmlElement:
    """Move each chapter-end note to where it is called, as CSS ``float: footnote`` needs.

    The note keeps its blocks (paragraphs, lists, code, quotations) inside an ``<object>``. WeasyPrint
    reads the document with an HTML parser, which ends an open ``<p>`` at the start of any block unless
    an element that bounds the parser's "button scope" lies between; ``<object>`` is such an element,
    and without ``data`` WeasyPrint lays out its children. In a ``<span>`` or an ``<aside>``, a note's
    first list or code block would close the paragraph of the call and print in the body.
    """
    notes = {aside.get('id'): aside for aside in tree.iter('aside') if 'footnote' in aside.classes}
    for ref in tree.find_class('noteref'):
        aside = notes.pop(ref.get('href', '#')[1:], None)
        if aside is None:
            continue  # a second call of the same note stays a link to it
        note = lxml.html.Element('object', {'class': 'footnote', 'id': aside.get('id'),
                                            'data-number': aside.get('data-number', '')})
        for backlink in aside.find_class('backlink'):
            backlink.drop_tree()
        note.text = aside.text
        note.extend(aside)
        note.tail = ref.tail
        ref.getparent().replace(ref, with_white_space_collapsed(note))
    for block in tree.find_class('footnotes'):
        block.drop_tree()
    return tree


# The white space that CSS collapses (https://www.w3.org/TR/css-text-3/#white-space-processing).
WHITE_SPACE = re.compile(r'[ \t\n\r\f]+')


def with_white_space_collapsed(note: HtmlElement) -> HtmlElement:
    """The note with its white space collapsed, as CSS ``white-space: normal`` would.

    WeasyPrint collapses white space before layout, but a footnote has left the box tree by then
    (WeasyPrint 70, ``build_formatting_structure``): each line break of the Markdown source would
    print as a line break at the foot of the page. Code blocks keep theirs.
    """
    preformatted = {element for pre in note.iter('pre') for element in pre.iter()}
    for element in note.iter():
        if element.text and element not in preformatted:
            element.text = WHITE_SPACE.sub(' ', element.text)
        if element.tail and element is not note and element.getparent() not in preformatted:
            element.tail = WHITE_SPACE.sub(' ', element.tail)
    note.text = (note.text or '').lstrip() or None  # the number and the first word are one line
    return note
