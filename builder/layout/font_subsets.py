"""Embedded fonts subset the same way on every machine, dated by the build.

WeasyPrint subsets each font it embeds with HarfBuzz-Subset when the system
has that library, else with fontTools: two subsetters, two different font
programs, so the same book gave different PDFs on different machines. And
fontTools stamps each subset's ``head.modified`` with the current time, so on a
machine without the library no two builds were the same file.

WeasyPrint's public ``finisher`` hook runs once the PDF objects exist and
before they are written: :func:`dated_subsets` makes one that replaces every
embedded font program by a subset of the original font, with the
glyphs WeasyPrint found used (glyph ids kept, as WeasyPrint keeps them, so the
text streams and width arrays it wrote stay right), made by the HarfBuzz of the
uharfbuzz wheel (one version everywhere), and with ``head.modified`` set to
the build date.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pydyf
    from weasyprint import Document

# What WeasyPrint drops from the fonts it subsets with HarfBuzz (layout tables it has used already, bitmaps, a
# signature the subset breaks, colour glyphs), and SIL's 'Silt', feature names for its own tools that no reader
# uses (12 KB in each Gentium face: 3 % of the 207-page benchmark book's PDF).
DROPPED_TABLES = ('BASE', 'DSIG', 'EBDT', 'EBLC', 'EBSC', 'GPOS', 'GSUB', 'JSTF', 'LTSH', 'PCLT', 'SVG ', 'Silt')


def dated_subsets(moment: dt.datetime) -> Callable[[Document, pydyf.PDF], None]:
    """A WeasyPrint ``finisher`` that re-subsets every embedded font the same way everywhere, dated ``moment``."""
    def finish(document: Document, pdf: pydyf.PDF) -> None:
        programs = {id(obj.stream[0]): obj for obj in pdf.objects
                    if getattr(obj, 'stream', None) and isinstance(obj.stream[0], bytes)}
        for fonts in _fonts_by_file(document).values():
            font = fonts[0]  # WeasyPrint embeds the first font of a file, subset to what all of them use
            program = programs.get(id(font.file_content))
            if program is None or font.used_in_forms:
                continue  # not embedded as a font program (bitmap fonts), or embedded whole, as the file is
            if font.png or font.svg or font.colr or 'fvar' in font.tables:
                # WeasyPrint rewrites colour and variable fonts after subsetting: keep its program, dated.
                data = dated_font(font.file_content, font.index, moment)
            else:
                glyphs = set().union(*(f.to_unicode for f in fonts))
                data = subset_font(_original(font), font.index, glyphs, bool(font.missing), moment)
            program.stream = [data]
            if 'Length1' in program.extra:
                program.extra['Length1'] = len(data)
    return finish


def subset_font(data: bytes, index: int, glyph_ids: set[int], notdef_outline: bool, moment: dt.datetime) -> bytes:
    """The font in ``data`` with only ``glyph_ids`` (ids kept), ``head.modified`` = ``moment``.

    HarfBuzz subsets, from the uharfbuzz wheel: the same library on every machine, whatever the system
    has, and milliseconds where fontTools took half a second to read a font's layout tables.
    """
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    plan = hb.SubsetInput()
    plan.glyph_set.update(glyph_ids)
    plan.unicode_set.clear()  # the glyphs, not the characters, say what stays
    plan.flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE
                  | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
                  | (hb.SubsetFlags.NOTDEF_OUTLINE if notdef_outline else hb.SubsetFlags.DEFAULT))
    plan.drop_table_tag_set.update(int.from_bytes(tag.encode('ascii'), 'big') for tag in DROPPED_TABLES)
    subset = hb.subset(hb.Face(hb.Blob(data), index), plan)
    if subset is None:
        raise ValueError('HarfBuzz could not subset the font')
    return saved_font(TTFont(io.BytesIO(subset.blob.data), recalcTimestamp=False), moment)


def dated_font(data: bytes, index: int, moment: dt.datetime) -> bytes:
    """The font in ``data`` with ``head.modified`` = ``moment``."""
    from fontTools.ttLib import TTFont

    return saved_font(TTFont(io.BytesIO(data), fontNumber=index, recalcTimestamp=False), moment)


def saved_font(font, moment: dt.datetime) -> bytes:  # type: ignore[no-untyped-def]
    from fontTools.misc.timeTools import timestampSinceEpoch

    font['head'].modified = timestampSinceEpoch(moment.timestamp())
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _fonts_by_file(document: Document) -> dict[str, list]:
    """The document's fonts grouped as WeasyPrint groups them to embed each font file once."""
    groups: dict[str, list] = {}
    for font in document.fonts.values():
        groups.setdefault(font.hash, []).append(font)
    return groups


def _original(font) -> bytes:  # type: ignore[no-untyped-def]
    """The whole font file WeasyPrint laid the text out with (its HarfBuzz face, never subset in place)."""
    from weasyprint.text.fonts import get_hb_object_data

    return get_hb_object_data(font.hb_face)
