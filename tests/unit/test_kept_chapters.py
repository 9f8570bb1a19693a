"""A book rendered again from other pages (each pass of a layout) takes its chapters' documents from the rendering
before, but for a chapter whose reference list prints other pages (``render._kept_chapters``)."""

from __future__ import annotations

from builder.diagnostics import Diagnostics
from builder.layout.page_estimate import estimated_page_map
from builder.model import PageMap
from builder.options import BuildOptions
from builder.pipeline import check
from builder.render import render

from conftest import copy_book, set_key


def chapters(rendered):  # type: ignore[no-untyped-def]
    return [d for d in rendered.documents if d.kind == 'chapter']


def test_a_chapter_is_rendered_again_only_when_its_reference_list_prints_other_pages(tmp_path):
    book = copy_book('citations', tmp_path)
    set_key(book, 'bibliography: per-chapter')  # each chapter lists its works, with the pages it cites them on
    whole = check(book, BuildOptions(), Diagnostics()).whole
    estimated = estimated_page_map(render(whole))
    first = render(whole, estimated)
    last = estimated[whole.chapters[-1].chapter.id]
    moved = PageMap({anchor: page + 2 * (page >= last) for anchor, page in estimated.items()})  # the last chapter's

    again = render(whole, moved)
    # The same documents as a rendering of the book resolved anew, which has nothing kept
    fresh = render(check(book, BuildOptions(), Diagnostics()).whole, moved)
    assert again.documents == fresh.documents

    kept, renewed = chapters(again)[:-1], chapters(again)[-1]
    assert all(a is b for a, b in zip(kept, chapters(first)))  # taken as they were
    assert renewed != chapters(first)[-1]  # its list prints the pages it moved to
    assert 'chapter-references' in renewed.body
