"""Saddle-stitch imposition: which two pages each sheet side carries, and the imposed PDF."""

from __future__ import annotations

from pypdf import PdfReader, PdfWriter

from builder.write.booklet import impose_booklet, saddle_stitch_order


def test_eight_pages_as_the_readme_draws_them():
    assert saddle_stitch_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]


def test_four_and_twelve_pages():
    assert saddle_stitch_order(4) == [(4, 1), (2, 3)]
    assert saddle_stitch_order(12) == [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]


def test_every_page_once_and_facing_pages_add_up():
    for pages in (4, 8, 16, 40):
        order = saddle_stitch_order(pages)
        assert sorted(p for side in order for p in side) == list(range(1, pages + 1))
        assert all(left + right == pages + 1 for left, right in order)  # folded, n faces 1


def test_impose_pads_to_a_multiple_of_four_on_double_width_sheets(tmp_path):
    writer = PdfWriter()
    for width in range(5):
        writer.add_blank_page(width=100, height=200)
    path = tmp_path / 'five.pdf'
    with path.open('wb') as out:
        writer.write(out)
    impose_booklet(path)
    sheets = PdfReader(path).pages
    assert len(sheets) == 4  # 5 pages padded to 8, two per sheet side
    assert {(float(s.mediabox.width), float(s.mediabox.height)) for s in sheets} == {(200.0, 200.0)}
