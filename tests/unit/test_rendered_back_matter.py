"""A rendering that takes its chapters from an earlier one (``render(..., chapters_of=...)``): what a back-matter
part laid out after the body is printed from (``layout/parts.py``)."""

from __future__ import annotations

from builder.diagnostics import Diagnostics
from builder.layout.page_estimate import estimated_page_map
from builder.model import PageMap
from builder.options import BuildOptions
from builder.pipeline import check
from builder.render import render

from conftest import copy_book


def test_its_front_and_back_matter_are_a_whole_rendering_s_and_its_chapters_the_earlier_one_s(tmp_path):
    whole = check(copy_book('glossary', tmp_path), BuildOptions(), Diagnostics()).whole
    estimated = estimated_page_map(render(whole))
    earlier = render(whole, estimated)
    opening = estimated[whole.chapters[0].chapter.id]
    moved = PageMap({anchor: page + 2 * (page > opening) for anchor, page in estimated.items()})  # chapter 1 grew

    taken = render(whole, moved, chapters_of=earlier)
    again = render(whole, moved)

    def matter(rendered):  # type: ignore[no-untyped-def]
        return [d for d in rendered.documents if d.kind != 'chapter']

    assert matter(taken) == matter(again)
    assert matter(taken) != matter(earlier)  # the pages the back matter prints moved
    assert [d.id for d in taken.documents] == [d.id for d in again.documents]
    assert [d for d in taken.documents if d.kind == 'chapter'] == [d for d in earlier.documents if d.kind == 'chapter']
    assert (taken.headings, taken.resources, taken.numbering) == (again.headings, again.resources, again.numbering)
