"""Part planning for a PDF laid out on several cores, and where each laid-out part starts in the book."""

from __future__ import annotations

from types import SimpleNamespace

from builder.config import BookConfig
from builder.model import Document, RenderedBook
from builder.layout.parts import PART_BYTES, joined_starts, plan_parts


def book(kinds: str, chapter_bytes: int = 100) -> RenderedBook:
    """A rendered book whose documents have these kinds: t title page, c contents, h chapter, b back matter."""
    names = {'t': 'titlepage', 'c': 'toc', 'h': 'chapter', 'b': 'backmatter'}
    documents = tuple(Document(f'd{i}', names[k], f'D{i}', 'x' * (chapter_bytes if k == 'h' else 10))
                      for i, k in enumerate(kinds))
    return RenderedBook(BookConfig(title='Parts'), documents, (), ())


def test_front_matter_each_chapter_and_each_back_matter_document_alone():
    # Up to eight chapters, one a part: an edit lays out its chapter again, alone. Indices 0-1 front, 8-9 back.
    assert plan_parts(book('tchhhhhhbb')) == [(0, 1), (2,), (3,), (4,), (5,), (6,), (7,), (8,), (9,)]


def test_more_small_chapters_go_in_runs():
    # Ten small chapters: ceil(10 / 8) = 2 chapters a part.
    assert plan_parts(book('t' + 'h' * 10 + 'b')) == [(0,), (1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11,)]


def test_whole_chapters_per_part_so_fewer_parts_than_asked_can_come_out():
    # Nine chapters: 2 chapters a part, then the one left; five parts, not eight.
    assert plan_parts(book('t' + 'h' * 9 + 'b')) == [(0,), (1, 2), (3, 4), (5, 6), (7, 8), (9,), (10,)]


def test_big_chapters_get_parts_of_their_own():
    # 12 chapters of PART_BYTES each: 12 parts, one chapter a part (the machine's cores have no say: the same bytes
    # everywhere).
    rendered = book('h' * 12, chapter_bytes=PART_BYTES)
    assert plan_parts(rendered) == [(i,) for i in range(12)]


def test_a_book_without_front_or_back_matter():
    assert plan_parts(book('hhh')) == [(0,), (1,), (2,)]


def test_parts_start_on_right_hand_pages_when_printed_two_sided():
    parts = tuple(SimpleNamespace(pages=n) for n in (3, 4, 5))
    assert joined_starts(parts, duplex=True) == (1, 5, 9)  # 1+3 = 4 is a left-hand page: 5
    assert joined_starts(parts, duplex=False) == (1, 4, 8)
