"""The page contents of a joined PDF, compressed in two pieces: what the page's part draws, compressed by its
worker as the part is written, and what the join draws over it (a folio), compressed by the join.

The join (``write/pdf.py``) opens a page that it draws a folio over, to add the folio's operators to the page's
own. It used to decompress the page's contents and compress them again, with the folio: 0.37 s of the join of a
207-page book, about 1.5 s at 824 pages, on a first build, in the one process that every build waits for at its end;
and the part had compressed them before, for nothing. Now the part's worker compresses each such page once, as
the start of a zlib stream up to a full flush (:func:`flushed`), ended so that the part's PDF is whole
(:func:`joined_deflate` with nothing but the end of the page's graphics state); the join keeps that start and
carries the same stream on with the folio. The bytes are those of one compression of the whole page.
"""

from __future__ import annotations

import zlib

# zlib's level for the page contents the join writes. WeasyPrint's (and qpdf's default) is 6; at 207 pages, 8 MB of
# contents: level 6 924,666 bytes in 0.12 s, 7 911,093 in 0.17 s, 8 899,506 in 0.37 s, 9 897,852 in 0.49 s. At 8
# the joined PDF is no larger than WeasyPrint's own of the whole book (issue 20: at most 1.05 times), and an edit
# compresses only the pages it changed.
COMPRESSION = 8
WINDOW = 1 << zlib.MAX_WBITS  # how far back a zlib stream refers (``joined_deflate``)
# A page's own drawing, in a graphics state of its own (WeasyPrint leaves its page transformation set), so that what
# is drawn over it starts afresh.
OPENING, CLOSING = b'q\n', b'\nQ\n'


def flushed(data: bytes) -> bytes:
    """``data`` compressed as the start of a zlib stream (``COMPRESSION``), up to a full flush, and the Adler-32
    checksum of ``data`` (4 bytes, big-endian) before it: what :func:`joined_deflate` continues."""
    compressor = zlib.compressobj(COMPRESSION)
    return zlib.adler32(data).to_bytes(4, 'big') + compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def joined_deflate(opened: bytes, before: bytes, data: bytes) -> bytes:
    """The zlib stream of ``before`` (compressed in ``opened``, :func:`flushed`) followed by ``data``.

    After a full flush, a compression that starts afresh (raw deflate, no header) carries on the same stream,
    the checksum of both at its end. It refers back to ``before`` as to a dictionary (its last 32 KiB, which the
    reader has just read): the folio's operators are the page's, and compressed alone each page took 70 bytes
    more than in one with the page's, 17 with it.
    """
    checksum, start = int.from_bytes(opened[:4], 'big'), opened[4:]
    compressor = zlib.compressobj(COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS, zdict=before[-WINDOW:])
    rest = compressor.compress(data) + compressor.flush()
    return start + rest + zlib.adler32(data, checksum).to_bytes(4, 'big')


def compressed_for_the_join(pdf, pages: set[int]) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """In a WeasyPrint ``finisher``: compress the contents of ``pages`` (indices) of ``pdf`` for the join to draw
    over, each in its own graphics state, as the start of a stream (:func:`flushed`) and its end; return, for each,
    where its start ends in its contents, which the join carries on (:func:`drawn_over`)."""
    kids = pdf.pages['Kids'][::3]  # object numbers (pydyf lists each page as ``number 0 R``)
    ends = {}
    for index in sorted(pages):
        stream = pdf.objects[int(pdf.objects[kids[index]]['Contents'].split()[0])]  # a reference, ``number 0 R``
        stream.compress = False
        written = stream.data  # the stream object as pydyf writes it, uncompressed: its dictionary, then the data
        drawing = OPENING + written[written.index(b'\nstream\n') + len(b'\nstream\n'):-len(b'\nendstream')]
        opened = flushed(drawing)
        stream.stream = [joined_deflate(opened, drawing, CLOSING)]
        stream.extra['Filter'] = '/FlateDecode'
        ends[index] = len(opened) - 4
    return ends


def drawn_over(contents: bytes, end: int, over: bytes) -> bytes:
    """``contents``, compressed by :func:`compressed_for_the_join` (its start ending at ``end``), with ``over`` drawn
    after the page's own drawing: the same stream carried on."""
    drawing = zlib.decompress(contents)[:-len(CLOSING)]
    opened = zlib.adler32(drawing).to_bytes(4, 'big') + contents[:end]
    return joined_deflate(opened, drawing, CLOSING + over)
