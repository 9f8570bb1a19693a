"""Page numbers as printed books print them: the front matter in roman numerals, the body from 1."""

from __future__ import annotations

from builder.config import BookConfig
from builder.model import PageMap, PageNumbering, Selection, lower_roman
from builder.printshop import page_rules


def test_lower_roman_numerals():
    assert [lower_roman(n) for n in (1, 2, 3, 4, 5, 9, 14, 40, 49, 90, 400, 1994)] == [
        'i', 'ii', 'iii', 'iv', 'v', 'ix', 'xiv', 'xl', 'xlix', 'xc', 'cd', 'mcmxciv']


def test_the_body_is_numbered_from_its_first_chapter_and_the_front_matter_in_roman():
    pages = PageMap(titlepage=1, contents=3, ch1=5, ch2=9)
    numbering = PageNumbering.of(['ch1', 'ch2'], pages)
    assert numbering == PageNumbering('ch1', 5)
    assert [numbering.label(page) for page in range(1, 10)] == ['i', 'ii', 'iii', 'iv', '1', '2', '3', '4', '5']
    # The PDF's page labels: roman from the first page, decimal from 1 at the body's first.
    assert numbering.pdf_ranges(1) == ((0, 'r', 1), (4, 'D', 1))


def test_a_longer_contents_moves_the_pages_but_not_their_numbers():
    before = PageMap(titlepage=1, contents=3, ch1=5, note=12)
    after = PageMap(titlepage=1, contents=3, ch1=7, note=14)  # the contents grew by two pages
    assert PageNumbering.of(['ch1'], before).label(12) == PageNumbering.of(['ch1'], after).label(14) == '8'


def test_an_output_without_front_matter_prints_its_pages_as_counted():
    # A handout that keeps the course pack's numbers counts from its first page, 23; nothing comes before it.
    pages = PageMap(handout=23, ch3=23, later=25)
    numbering = PageNumbering.of(['ch3'], pages)
    assert numbering.label(25) == '25'
    assert numbering.pdf_ranges(23) == ((0, 'D', 23),)
    assert PageNumbering.of(['ch1'], PageMap(ch1=1)).pdf_ranges(1) == ()
    assert PageNumbering.of(['ch1'], None) == PageNumbering()


def test_the_folios_restart_at_the_body_in_one_document_and_count_on_in_a_part():
    config = BookConfig(title='Numbered')
    numbering = PageNumbering('ch1', 7)
    # The whole book from page 1: the body's first page, the seventh, is printed 1.
    assert page_rules(config, Selection('student'), numbering) == '@page :nth(7) { counter-reset: page 1; }'
    # A part of the body beginning on page 12 prints 6 on its first page.
    assert page_rules(config, Selection('student', first_page=12), numbering) == \
        '@page :first { counter-reset: page 6; }\nhtml { break-before: left; }'
