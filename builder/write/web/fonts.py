"""The book font for the web: the bundled Gentium Book Plus, subset to the characters of the edition, as WOFF2.

Whole, the four faces weigh 3.4 MB; subset to what the pages print (and to
printable ASCII, for what a reader types into the search box) they weigh a few
dozen kilobytes each. The subsetting is the EPUB's (:mod:`..epub_fonts`): the
same features kept, the same renaming that the font's licence asks of a
subset (its Reserved Font Names), ``head.modified`` the build date, so the
files are reproducible. Code is left to the reader's own monospace font, as in
the EPUB.
"""

from __future__ import annotations

import datetime as dt

from ...resources import FONTS
from ..epub_fonts import ALWAYS, FAMILY, subset_font

FACES = (  # file stem, CSS font-weight, CSS font-style
    ('GentiumBookPlus-Regular', 'normal', 'normal'),
    ('GentiumBookPlus-Italic', 'normal', 'italic'),
    ('GentiumBookPlus-Bold', 'bold', 'normal'),
    ('GentiumBookPlus-BoldItalic', 'bold', 'italic'),
)
LICENCE = 'OFL-GentiumBookPlus.txt'


def web_fonts(text: str, moment: dt.datetime) -> dict[str, bytes]:
    """``fonts/<name>`` -> content: each face as WOFF2 with the characters of ``text``, and the licence."""
    characters = set(text) | set(text.upper()) | set(text.lower()) | ALWAYS  # ALWAYS: printable ASCII, typed in search
    files = {f'fonts/{LICENCE}': (FONTS / LICENCE).read_bytes()}
    for stem, _, _ in FACES:
        files[f'fonts/{stem}.woff2'] = subset_font((FONTS / f'{stem}.ttf').read_bytes(), characters, moment, 'woff2')
    return files


def font_faces() -> str:
    """The ``@font-face`` rules naming the files of :func:`web_fonts`, relative to the stylesheet."""
    return ''.join(f'@font-face {{ font-family: "{FAMILY}"; src: url("fonts/{stem}.woff2") format("woff2"); '
                   f'font-weight: {weight}; font-style: {style}; font-display: swap; }}\n'
                   for stem, weight, style in FACES)
