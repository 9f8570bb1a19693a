"""The fonts the join merges from the parts' subsets (``layout/shared_fonts.py``) are kept by the largest subset and
the glyphs the subsets use: that decides the merged font, since a glyph is the same bytes in every subset."""

from __future__ import annotations

import datetime as dt
import io

from fontTools.ttLib import TTFont

from builder.layout.font_subsets import subset_font
from builder.layout.shared_fonts import largest_subset, merged_font
from builder.resources import FONTS

FONT = (FONTS / 'GentiumBookPlus-Regular.ttf').read_bytes()
MOMENT = dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc)
CMAP = TTFont(io.BytesIO(FONT))['cmap'].getBestCmap()
ORDER = TTFont(io.BytesIO(FONT)).getGlyphOrder()


def subset(text: str) -> bytes:
    return subset_font(FONT, 0, {ORDER.index(CMAP[ord(c)]) for c in text}, False, MOMENT)


def outlines(data: bytes) -> dict[int, bytes]:
    font = TTFont(io.BytesIO(data))
    offsets, raw = font['loca'], font.reader['glyf']
    return {gid: raw[offsets[gid]:offsets[gid + 1]] for gid in range(font['maxp'].numGlyphs)
            if offsets[gid + 1] > offsets[gid]}


def test_a_glyph_is_the_same_bytes_in_every_subset_of_a_font():
    # 'é' is a composite glyph in Gentium ('e' and a combining accent): its parts come with it, in both
    a, b = outlines(subset('Soviet é')), outlines(subset('withdrawal é Soviet'))
    common = a.keys() & b.keys()
    assert len(common) == 8 and len(a.keys() | b.keys()) > len(common)
    assert all(a[gid] == b[gid] for gid in common)


def test_the_merged_font_is_decided_by_the_largest_subset_and_the_glyphs_used():
    largest = subset('Žž Geneva')  # 'Ž' has the highest glyph id of these texts
    apart = [largest, subset('Kabul'), subset('Moscow')]
    together = [largest, subset('Kabul Moscow'), subset('b')]
    assert largest_subset(apart) == largest_subset(together) == 0
    merged = merged_font(apart, 0)
    assert merged == merged_font(together, 0)
    assert set(outlines(merged)) == set().union(*(outlines(s) for s in apart))
    assert merged != merged_font([largest, subset('Kabul Moscow!')], 0)  # a glyph more
