"""The book font for the web: the bundled Gentium Book Plus, subset to the characters of the edition, as WOFF2.

Whole, the four faces weigh 3.4 MB; subset to what the pages print (and to
printable ASCII, for what a reader types into the search box) they weigh a few
dozen kilobytes each. fontTools subsets and compresses the same way on every
machine, and keeps the font's own ``head.modified``: the files are reproducible.
Code is left to the reader's own monospace font, as in the EPUB.
"""

from __future__ import annotations

import io

from fontTools import subset
from fontTools.ttLib import TTFont

from ...resources import FONTS

FACES = (  # file stem, CSS font-weight, CSS font-style
    ('GentiumBookPlus-Regular', 'normal', 'normal'),
    ('GentiumBookPlus-Italic', 'normal', 'italic'),
    ('GentiumBookPlus-Bold', 'bold', 'normal'),
    ('GentiumBookPlus-BoldItalic', 'bold', 'italic'),
)
LICENCE = 'OFL-GentiumBookPlus.txt'
TYPED = ''.join(chr(c) for c in range(0x20, 0x7f))


def web_fonts(text: str) -> dict[str, bytes]:
    """``fonts/<name>`` -> content: each face as WOFF2 with the characters of ``text``, and the licence."""
    characters = sorted(set(text) | set(TYPED))
    files = {f'fonts/{LICENCE}': (FONTS / LICENCE).read_bytes()}
    for stem, _, _ in FACES:
        font = TTFont(FONTS / f'{stem}.ttf', recalcTimestamp=False)  # else saving stamps it with the time
        options = subset.Options()
        options.flavor = 'woff2'
        options.layout_features = ['*']  # kerning, ligatures and small capitals, as the PDF has them
        options.name_IDs = ['*']  # the copyright and licence names stay with the font
        options.drop_tables += ['Silf', 'Silt', 'Sill', 'Glat', 'Gloc', 'Feat']  # Graphite's: browsers use OpenType's
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in characters])
        subsetter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
        files[f'fonts/{stem}.woff2'] = out.getvalue()
    return files


def font_faces() -> str:
    """The ``@font-face`` rules naming the files of :func:`web_fonts`, relative to the stylesheet."""
    return ''.join(f'@font-face {{ font-family: "Gentium Book Plus"; src: url("fonts/{stem}.woff2") format("woff2"); '
                   f'font-weight: {weight}; font-style: {style}; font-display: swap; }}\n'
                   for stem, weight, style in FACES)
