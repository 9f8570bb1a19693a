"""A page's contents compressed by its part for the join to draw over: a whole PDF stream in the part, and, carried
on by the join, the same bytes as one compression of the page with what the join draws."""

from __future__ import annotations

import io
import zlib

import pikepdf
import pydyf

from builder.layout.page_contents import (CLOSING, OPENING, compressed_for_the_join, drawn_over, flushed,
                                          joined_deflate)

FOLIO = b'BT /F1 9 Tf 1 0 0 1 290 30 Tm [<0012>] TJ ET'


def two_pages() -> tuple[pydyf.PDF, list[bytes]]:
    """A PDF of two pages as pydyf (WeasyPrint's writer) holds it before writing, and each page's drawing."""
    pdf = pydyf.PDF()
    drawings = []
    for number in range(2):
        stream = pydyf.Stream(compress=True)  # as WeasyPrint makes a page's
        for line in range(300):  # more than one page's worth of operators, some alike: deflate refers back
            stream.rectangle(10, line * 2, 50 + number, 1)
            stream.fill()
        pdf.add_object(stream)
        pdf.add_page(pydyf.Dictionary({'Type': '/Page', 'Parent': pdf.pages.reference,
                                       'MediaBox': pydyf.Array((0, 0, 595, 842)), 'Contents': stream.reference}))
        drawings.append(b'\n'.join(item.encode() if isinstance(item, str) else item for item in stream.stream))
    return pdf, drawings


def test_the_part_writes_a_whole_stream_and_the_join_carries_it_on_as_one_compression_of_the_page():
    pdf, drawings = two_pages()
    ends = compressed_for_the_join(pdf, {1})
    output = io.BytesIO()
    pdf.write(output)

    with pikepdf.open(io.BytesIO(output.getvalue())) as written:
        untouched, drawn = (page.obj.Contents for page in written.pages)
        # The page left alone is as pydyf compresses it; the other reads, in any reader, as its drawing in a
        # graphics state of its own.
        assert untouched.read_bytes() == drawings[0]
        assert list(ends) == [1]
        assert drawn.read_bytes() == OPENING + drawings[1] + CLOSING
        carried_on = drawn_over(drawn.read_raw_bytes(), ends[1], FOLIO)

    whole = OPENING + drawings[1] + CLOSING + FOLIO
    assert zlib.decompress(carried_on) == whole
    # Byte for byte what the join made when it compressed the whole page itself
    drawing = OPENING + drawings[1]
    assert carried_on == joined_deflate(flushed(drawing), drawing, CLOSING + FOLIO)

