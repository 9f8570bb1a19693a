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


def test_a_kept_part_reads_back_as_it_was_and_one_that_names_anything_runs_nothing(tmp_path):
    import builtins
    import pickle

    from builder.layout.parts_cache import PART, PartResult, PartStore

    store = PartStore(tmp_path / 'parts', 'salt')
    digits = {'0': 'g0', '1': 'g1'}
    part = PartResult('k', 2, {'chapter-1': 1}, [(1, (10.0, 20.5, 30.0, 40.25), 'chapter-2')], (595.0, 842.0),
                      str(store.pdf_path('k')), [(30, 'a warning')], [0, 1], [(1, [3, 4], digits), (1, [5], digits)])
    store.put(part)
    assert PartStore(tmp_path / 'parts', 'salt').get('k') is None  # no PDF beside it: laid out again
    store.pdf_path('k').write_bytes(b'%PDF-1.7')
    read = PartStore(tmp_path / 'parts', 'salt').get('k')  # another build's store
    assert read == part
    assert read.slots[0][2] is read.slots[1][2]  # the digits' glyphs still one dict

    ran = tmp_path / 'ran'

    class Runs:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return builtins.exec, (f'open({str(ran)!r}, "w")',)

    (tmp_path / 'parts' / f'k.{PART}').write_bytes(pickle.dumps({**vars(part), 'messages': Runs()}))
    assert PartStore(tmp_path / 'parts', 'salt').get('k') is None
    assert not ran.exists()
