""""Cited on p. 7" / "Cited on pp. 3–5, 9" under a bibliography entry, or "Cited in chapter 2 (1, 2)" without pages."""

from __future__ import annotations

from builder.citations.format import Entry, Formatted
from builder.diagnostics import SourceLocation
from builder.i18n import catalog
from builder.model import Chapter, PageMap, PageNumbering
from builder.citations.render import CitedOn, cited_on

CHAPTERS = {'geneva': Chapter('geneva', 'Geneva', 'Geneva', None, 2, 'chapters/02-geneva.md',
                              SourceLocation('chapters/02-geneva.md')),
            'preface': Chapter('preface', 'Preface', 'Preface', None, None, 'chapters/00-preface.md',
                               SourceLocation('chapters/00-preface.md'))}
GROUPS = {'c1': 'geneva', 'c2': 'geneva', 'c3': 'geneva', 'c4': 'preface'}
ENGLISH = catalog('en')
BIBLIOGRAPHY = Formatted({}, {}, (), groups=GROUPS)
AS_COUNTED = PageNumbering()  # every page prints the number the page map counts


def entry(*citations: str) -> Entry:
    return Entry('k', 'ref-k', '<p>K.</p>', citations)


def test_one_page_is_p_several_are_pp_in_runs_each_linked_to_its_first_citation():
    pages = PageMap(c1=3, c2=4, c3=5, c4=9)
    assert cited_on(entry('c1'), BIBLIOGRAPHY, CHAPTERS, pages, AS_COUNTED, ENGLISH) == \
        CitedOn('Cited on p.', (('3', '#c1', ()),), pages=True)
    assert cited_on(entry('c2', 'c1'), BIBLIOGRAPHY, CHAPTERS, PageMap(c1=4, c2=4), AS_COUNTED, ENGLISH) == \
        CitedOn('Cited on p.', (('4', '#c2', ()),), pages=True)  # two citations, one page
    assert cited_on(entry('c1', 'c2', 'c3', 'c4'), BIBLIOGRAPHY, CHAPTERS, pages, AS_COUNTED, ENGLISH) == \
        CitedOn('Cited on pp.', (('3–5', '#c1', ()), ('9', '#c4', ())), pages=True)


def test_pages_print_the_numbers_of_the_body_after_roman_front_matter():
    pages = PageMap(title=1, start=5, c1=7, c2=8, c4=12)  # the body begins on the fifth page, printed 1
    numbering = PageNumbering.of(['start'], pages)
    assert cited_on(entry('c1', 'c2', 'c4'), BIBLIOGRAPHY, CHAPTERS, pages, numbering, ENGLISH) == \
        CitedOn('Cited on pp.', (('3–4', '#c1', ()), ('8', '#c4', ())), pages=True)


def test_without_pages_for_every_citation_chapters_and_links_back():
    # c2, c4 not placed
    found = cited_on(entry('c1', 'c2', 'c4'), BIBLIOGRAPHY, CHAPTERS, PageMap(c1=3), AS_COUNTED, ENGLISH)
    assert found == CitedOn('Cited in', (('chapter 2', '#c1', (('1', '#c1'), ('2', '#c2'))),
                                         ('Preface', '#c4', ())))
    assert cited_on(entry('c3'), BIBLIOGRAPHY, CHAPTERS, None, AS_COUNTED, ENGLISH) == \
        CitedOn('Cited in', (('chapter 2', '#c3', ()),))


def test_an_entry_cited_nowhere_says_nothing():
    assert cited_on(entry(), BIBLIOGRAPHY, CHAPTERS, PageMap(), AS_COUNTED, ENGLISH) is None
