"""The first guess at the page map, from the length of the text: 100 characters a line, 48 lines a page, each block
on lines of its own."""

from __future__ import annotations

from builder.config import BookConfig
from builder.model import Document, RenderedBook
from builder.layout.page_estimate import CHARS_PER_LINE, LINES_PER_PAGE, EstimatedPageMap, estimated_page_map

CHAPTER_ONE = f'<section id="s1"><p id="a">{"x" * 5000}</p><p id="b">{"y" * 100}</p></section>'


def rendered(sides: str) -> RenderedBook:
    documents = (Document('title', 'titlepage', 'T', '<section><p>T</p></section>'),
                 Document('one', 'chapter', 'One', CHAPTER_ONE),
                 Document('two', 'chapter', 'Two', '<section id="s2"><p id="c">z</p></section>'))
    return RenderedBook(BookConfig(title='T', sides=sides), documents, (), ())


def test_duplex_documents_open_on_right_hand_pages():
    assert (CHARS_PER_LINE, LINES_PER_PAGE) == (100, 48)  # the numbers below are worked out for them
    pages = estimated_page_map(rendered('duplex'))
    assert isinstance(pages, EstimatedPageMap)
    # Title page: 1 line, page 1. Chapter one opens on page 3 (2 is a left-hand page); b follows 5,000 characters,
    # 50 lines: 3 + 50 // 48 = 4. Its 51 lines take 2 pages, so two opens on 5.
    assert pages == {'title': 1, 'one': 3, 's1': 3, 'a': 3, 'b': 4, 'two': 5, 's2': 5, 'c': 5}


def test_simplex_documents_follow_each_other():
    pages = estimated_page_map(rendered('simplex'))
    assert pages == {'title': 1, 'one': 2, 's1': 2, 'a': 2, 'b': 3, 'two': 4, 's2': 4, 'c': 4}


def test_a_list_of_short_lines_takes_a_line_an_item():
    items = ''.join(f'<li id="i{n}"><a href="#x">Entry {n}</a></li>' for n in range(60))
    documents = (Document('contents', 'toc', 'Contents', f'<nav><ol>{items}</ol></nav>'),
                 Document('one', 'chapter', 'One', '<section id="s1"><p>x</p></section>'))
    pages = estimated_page_map(RenderedBook(BookConfig(title='T', sides='simplex'), documents, (), ()))
    # 60 items of 7 or 8 characters: 60 lines, not the 5 their 450 characters would fill.
    assert (pages['i47'], pages['i48'], pages['one']) == (1, 2, 3)


def test_a_handouts_chapter_starts_on_the_page_of_its_heading_block():
    documents = (Document('handout', 'handout', 'T', '<section id="h"><p>From the course pack</p></section>'),
                 Document('one', 'chapter', 'One', CHAPTER_ONE))
    pages = estimated_page_map(RenderedBook(BookConfig(title='T', sides='duplex'), documents, (), ()))
    # The block's line, then the chapter's: b follows 1 + 50 lines, on the first page's 48 and the next
    assert pages == {'handout': 1, 'h': 1, 'one': 1, 's1': 1, 'a': 1, 'b': 2}
