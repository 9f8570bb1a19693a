"""page-changes.txt compares the numbers pages print, not where they fall: a contents that grew moves nothing."""

from __future__ import annotations

from builder.i18n import catalog
from builder.model import PageMap
from builder.page_changes import Item, report

ENGLISH = catalog('en')
CHAPTERS = ['one', 'two']
QUOTED = Item('c1', 'citation', '[@roy, p. 3]', None)
FIGURE = Item('fig', 'figure', 'A map', None)


def test_a_longer_contents_moves_no_item_and_an_edit_in_the_body_moves_those_after_it():
    before = PageMap(titlepage=1, contents=3, one=5, c1=6, two=9, fig=10)
    longer_contents = PageMap(titlepage=1, contents=3, one=7, c1=8, two=11, fig=12)  # every page two on
    text = report([QUOTED, FIGURE], {'book': before}, {'book': longer_contents}, ENGLISH, CHAPTERS)
    assert '→' not in text and ENGLISH('permissions.page-changes.none') in text
    # Two pages more in chapter one: the figure in chapter two prints 8, not 6.
    grown = PageMap(titlepage=1, contents=3, one=5, c1=6, two=11, fig=12)
    lines = report([QUOTED, FIGURE], {'book': before}, {'book': grown}, ENGLISH, CHAPTERS).splitlines()
    assert [line for line in lines if '→' in line] == ['  ' + ENGLISH('permissions.page-changes.kind.figure') +
                                                      ' A map: 6 → 8']


def test_editions_are_compared_by_the_numbers_their_pages_print():
    main = PageMap(titlepage=1, one=3, c1=4, two=5, fig=6)
    # The other edition has a front matter a page longer, and a page more before the figure.
    other = PageMap(titlepage=1, one=4, c1=5, two=6, fig=8)
    lines = report([QUOTED, FIGURE], {}, {'main': main, 'other': other}, ENGLISH, CHAPTERS).splitlines()
    assert [line for line in lines if ' / ' in line] == ['  ' + ENGLISH('permissions.page-changes.kind.figure') +
                                                        ' A map: 4 / 5']
