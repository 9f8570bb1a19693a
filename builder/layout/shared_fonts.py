"""Embed each font once in a PDF joined from parts.

Every part laid out by WeasyPrint embeds its own subset of each font: the
glyphs that part uses. WeasyPrint subsets with HarfBuzz keeping glyph ids
(``RETAIN_GIDS``), and its fonts map character ids to glyph ids one to one,
so the subsets of one font differ only in which glyph outlines they keep. This
post-pass merges them into one font program holding every glyph any part uses,
and points every part's font descriptor at it.
"""

from __future__ import annotations

import io
from collections import defaultdict

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject


def share_fonts(writer: PdfWriter) -> None:
    """Replace the per-part subsets of each font by one merged font program, embedded once."""
    # font name without the subset tag -> its parts' font descriptors, by object number
    descriptors: defaultdict[str, dict[int, DictionaryObject]] = defaultdict(dict)
    for page in writer.pages:
        fonts = page.get('/Resources', {}).get('/Font', {})
        for font in fonts.values():
            font = font.get_object()
            if font.get('/Subtype') != '/Type0':
                continue
            descendant = font['/DescendantFonts'][0].get_object()
            descriptor = descendant['/FontDescriptor'].get_object()
            if descendant.get('/CIDToGIDMap') != '/Identity' or '/FontFile2' not in descriptor:
                continue  # only TrueType fonts addressed by glyph id can be merged glyph by glyph
            name = str(descendant['/BaseFont']).split('+', 1)[-1]
            descriptors[name][descendant.raw_get('/FontDescriptor').idnum] = descriptor
    for found in descriptors.values():
        programs = {d.raw_get('/FontFile2').idnum: d['/FontFile2'].get_object() for d in found.values()}
        if len(programs) < 2:
            continue
        shared = next(iter(found.values())).raw_get('/FontFile2')
        shared.get_object().set_data(merged_font([p.get_data() for p in programs.values()]))
        for descriptor in found.values():
            descriptor[NameObject('/FontFile2')] = shared


def merged_font(subsets: list[bytes]) -> bytes:
    """One TrueType font with the glyph outlines of all ``subsets`` (subsets of one font that kept glyph ids)."""
    fonts = [_by_glyph_id(data) for data in subsets]
    # Keeping glyph ids, a subset has as many glyphs as its highest id used: the largest holds every id.
    base = max(fonts, key=lambda font: len(font.getGlyphOrder()))
    glyphs, metrics = base['glyf'], base['hmtx']
    for other in fonts:
        if other is base:
            continue
        for name in other.getGlyphOrder():
            glyph = other['glyf'][name]
            if glyph.numberOfContours and not glyphs[name].numberOfContours:
                glyphs[name] = glyph
                metrics[name] = other['hmtx'][name]
    base['post'].formatType = 3.0  # no glyph names: the PDF addresses glyphs by id
    out = io.BytesIO()
    base.save(out)
    return out.getvalue()


def _by_glyph_id(data: bytes):  # type: ignore[no-untyped-def]
    """The font with its glyphs named by id, the same names in every subset (their own names may differ)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # the same bytes from every build
    font.setGlyphOrder([f'gid{i}' for i in range(font['maxp'].numGlyphs)])
    return font
