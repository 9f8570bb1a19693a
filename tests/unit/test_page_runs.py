"""Printed page lists ("cited on pp. 3–5, 7"): the pages of elements collapsed into runs, each page linked."""

from __future__ import annotations

from builder.model import PageMap, PageNumbering
from builder.page_runs import PageRun, page_runs

AS_COUNTED = PageNumbering()  # every page prints the number the page map counts


def test_consecutive_pages_collapse_into_runs():
    # a and b on 3, c on 4, e on 5, d on 7: pages 3, 4, 5 and 7, whatever order the elements come in.
    pages = PageMap(a=3, b=3, c=4, d=7, e=5)
    assert page_runs(['a', 'b', 'c', 'd', 'e'], pages, AS_COUNTED) == [PageRun(3, 5, 'a', 'e', '3', '5'),
                                                                  PageRun(7, 7, 'd', 'd', '7', '7')]


def test_a_page_links_to_its_first_element_in_reading_order():
    pages = PageMap(x=2, y=2, z=9)
    assert page_runs(['y', 'x', 'z'], pages, AS_COUNTED) == [PageRun(2, 2, 'y', 'y', '2', '2'),
                                                        PageRun(9, 9, 'z', 'z', '9', '9')]
    assert page_runs(['x', 'y', 'z'], pages, AS_COUNTED)[0].first_id == 'x'


def test_a_gap_of_one_page_breaks_the_run():
    assert [(r.first, r.last) for r in page_runs('abcd', PageMap(a=1, b=2, c=4, d=5), AS_COUNTED)] == [(1, 2), (4, 5)]


def test_elements_not_on_any_page_and_no_page_map():
    assert page_runs(['gone', 'a'], PageMap(a=12), AS_COUNTED) == [PageRun(12, 12, 'a', 'a', '12', '12')]
    assert page_runs(['a'], None, AS_COUNTED) == []
    assert page_runs([], PageMap(a=1), AS_COUNTED) == []


def test_runs_print_the_numbers_of_the_body_after_roman_front_matter():
    # The body begins on page 5 (printed 1): a run across pages 6-8 prints 2–4; the front matter's pages, roman.
    pages = PageMap(title=1, contents=3, chapter=5, a=6, b=7, c=8)
    numbering = PageNumbering.of(['chapter'], pages)
    assert [(r.first_label, r.last_label) for r in page_runs(['contents', 'a', 'b', 'c'], pages, numbering)] == [
        ('iii', 'iii'), ('2', '4')]
