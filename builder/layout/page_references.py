"""Page references printed from the page map, not by CSS ``target-counter()``.

A stylesheet says ``target-counter(attr(href), page)`` where a link prints the
page of its target (the contents, "see p. 12"). WeasyPrint resolves those
itself, but only inside one document, and by laying pages out again whenever a
page refers to one after it: in a book whose contents page refers to every
chapter, a fifth of the layout time. The builder knows every page from its
page map already, so it writes the page of each such link's target into the
link's ``data-page`` (:func:`pages_from_map`), and the stylesheets WeasyPrint
reads say ``attr(data-page)`` instead (:func:`page_numbers_from_attribute`).
The same HTML then works for the whole book and for a part of it laid out alone.
"""

from __future__ import annotations

import functools
import itertools
import re
from pathlib import Path

from lxml.html import HtmlElement

from ..model import PageMap, PageNumbering
from ..stylesheets import stylesheet_files

TARGET_PAGE = re.compile(r'target-counter\(\s*attr\(\s*href(?:\s+url)?\s*\)\s*,\s*page\s*\)')
# A page reference's number, as pages_from_map writes it, where a stylesheet prints it ("see p. 12", the contents);
# and as the back matter prints it, the text of a link of class page-number (the glossary's, the chronology's and
# the index's pages of each use; the bibliography's "cited on", a run of pages too: "3–5"). Two patterns, each
# with its literal start, found apart: one with both, its two starts, took four times as long on the 824-page
# book's HTML. A roman numeral (a page of the front matter, which the contents list) is not matched: its part is
# laid out again when it changes, not stamped.
PRINTED = re.compile(r' data-page="(\d+)"')
PRINTED_LINK = re.compile(r'(<a class="page-number"[^>]*)>(\d+(?:–\d+)?)</a>')
PLACEHOLDER = re.compile('\ue000coursepack-page-(\\d+)\ue001')  # private-use marks round it: no text holds one


def page_numbers_from_attribute(css: str) -> str:
    """The stylesheet with ``target-counter(attr(href), page)`` read from the link's ``data-page`` instead."""
    return TARGET_PAGE.sub('attr(data-page)', css)


def all_page_references_rewritten(book_root: Path) -> bool:
    """Whether the print stylesheets print every page reference from ``data-page`` once rewritten.

    Other forms (``target-counter(attr(href), page, lower-roman)``, a counter
    other than the page) stay WeasyPrint's to resolve, which only a whole
    document laid out at once can do.
    """
    return not any('target-counter' in page_numbers_from_attribute(p.read_text())
                   for p in stylesheet_files(book_root, 'print'))


def pages_from_map(tree: HtmlElement, pages: PageMap | None, numbering: PageNumbering,
                   book_root: Path) -> HtmlElement:
    """Write the page of each link's target, as ``numbering`` prints it, into its ``data-page``, where a
    stylesheet prints it.

    Only the links that the rules printing ``target-counter()`` match: a
    citation's link to its entry prints no page, and had it a ``data-page``,
    every part citing a work would change, and be laid out again, whenever the
    bibliography moved. Without a page map (a first layout) the pages are empty.
    """
    import cssselect2

    selectors = page_reference_selectors(book_root)
    for element in cssselect2.ElementWrapper.from_html_root(tree).iter_subtree():
        href = element.etree_element.get('href', '')
        if href.startswith('#') and any(selector.test(element) for selector in selectors):
            element.etree_element.set('data-page', pages.printed(href[1:], numbering) if pages else '')
    return tree


class PagePlaceholders(PageMap):
    """A page map that gives each page asked of it as a placeholder, and notes whose page it stands for: the
    print document made with it (``pages_from_map``) gets any page map's numbers by :func:`with_pages`, without
    being made again."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def __bool__(self) -> bool:
        return True

    def get(self, anchor: str, default: object = None) -> str:  # type: ignore[override]
        self.targets.append(anchor)
        return f'\ue000coursepack-page-{len(self.targets) - 1}\ue001'

    def printed(self, anchor: str, numbering: PageNumbering) -> str:
        return self.get(anchor)


def with_pages(template: str, targets: list[str], pages: PageMap | None, numbering: PageNumbering) -> str:
    """The print document ``template``, made with :class:`PagePlaceholders` (which noted ``targets``), with the
    pages of ``pages`` in place of its placeholders, as ``pages_from_map`` would have written them."""
    return PLACEHOLDER.sub(lambda m: pages.printed(targets[int(m[1])], numbering) if pages else '', template)


def slotted(html: str) -> str:
    """``html`` with the number of each page reference ("see p. 12") replaced by placeholder digits, as many, and
    each reference numbered as a slot (``data-page-slot``): the document a part is laid out from, so that its
    layout does not depend on the numbers, which are stamped in after (``stamped_digits.py``). The placeholders
    run through the ten digits, so that the part draws, and its fonts embed, every digit it may be stamped with.
    The slots are numbered in the order of :func:`printed_numbers`: the stylesheet's references, then the links'."""
    slots, digits = itertools.count(), itertools.cycle('0123456789')

    def placeholder(number: str) -> str:
        return ''.join(next(digits) if character.isdigit() else character for character in number)

    html = PRINTED.sub(lambda m: f' data-page="{placeholder(m[1])}" data-page-slot="{next(slots)}"', html)
    return PRINTED_LINK.sub(lambda m: f'{m[1]} data-page-slot="{next(slots)}">{placeholder(m[2])}</a>', html)


def without_numbers(html: str) -> str:
    """``html`` without the numbers of its page references: the same for any page map, if nothing else in it
    depends on one."""
    return PRINTED_LINK.sub(r'\1></a>', PRINTED.sub(' data-page=""', html))


def printed_numbers(html: str) -> list[str]:
    """The numbers of ``html``'s page references, in the order of :func:`slotted`'s slots."""
    return PRINTED.findall(html) + [number for _, number in PRINTED_LINK.findall(html)]


def page_reference_selectors(book_root: Path) -> list:
    """The selectors of the print stylesheets' rules that print ``target-counter(attr(href), page)``."""
    return _selectors(tuple(sheet.read_text() for sheet in stylesheet_files(book_root, 'print')))


@functools.lru_cache(maxsize=4)
def _selectors(sheets: tuple[str, ...]) -> list:
    """Compiled once for the stylesheets' text: a build prints every part's page references, in every pass
    (parsing them each time took 0.8 s of a 200-page build)."""
    import cssselect2
    import tinycss2

    def rules(nodes):  # type: ignore[no-untyped-def]
        for node in nodes:
            if node.type == 'qualified-rule':
                yield node
            elif node.type == 'at-rule' and node.content is not None:  # @media print { … }
                yield from rules(tinycss2.parse_rule_list(node.content, skip_whitespace=True, skip_comments=True))

    selectors = []
    for sheet in sheets:
        for rule in rules(tinycss2.parse_stylesheet(sheet, skip_whitespace=True, skip_comments=True)):
            if TARGET_PAGE.search(tinycss2.serialize(rule.content)):
                selectors.extend(cssselect2.compile_selector_list(rule.prelude))
    return selectors
