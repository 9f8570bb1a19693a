"""The web edition's fonts: the bundled fonts the pages need, as WOFF2 subsets.

Whole, Gentium's four faces weigh 3.4 MB; subset to what the pages print (and
to printable ASCII, for what a reader types into the search box) they weigh a
few dozen kilobytes each. The choice of fonts and the subsetting are the
EPUB's (:mod:`..epub_fonts`): Vazirmatn only for a book with Arabic script,
the same features kept, the same renaming that the fonts' licence asks of a
subset (its Reserved Font Names), ``head.modified`` the build date, so the
files are reproducible. Code is left to the reader's own monospace font, as in
the EPUB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from ...resources import FONTS, STYLES
from ..epub_fonts import ALWAYS, FAMILY, licences, needed_fonts, subset_font

SIGMAS = frozenset('\u03c3\u03c2')
# file stem -> CSS family, font-weight, font-style, unicode-range (the script a fallback font is for)
ARABIC = 'U+0020, U+00A0, U+0600-06FF, U+0750-077F, U+08A0-08FF, U+FB50-FDFF, U+FE70-FEFF, U+200C-200F, U+2066-2069'
FACES = {
    'GentiumBookPlus-Regular': (FAMILY, 'normal', 'normal', None),
    'GentiumBookPlus-Italic': (FAMILY, 'normal', 'italic', None),
    'GentiumBookPlus-Bold': (FAMILY, 'bold', 'normal', None),
    'GentiumBookPlus-BoldItalic': (FAMILY, 'bold', 'italic', None),
    'Vazirmatn-Regular': ('Vazirmatn', 'normal', 'normal', ARABIC),
    'Vazirmatn-Bold': ('Vazirmatn', 'bold', 'normal', ARABIC),
}


def page_fonts(characters: Iterable[str]) -> tuple[str, ...]:
    """The stems of :data:`FACES` that the pages, whose characters are ``characters``, need."""
    return tuple(font.removeprefix('fonts/').removesuffix('.ttf')
                 for font in needed_fonts(tuple(f'fonts/{stem}.ttf' for stem in FACES), characters))


def web_fonts(characters: set[str], stems: tuple[str, ...], moment: dt.datetime,
              kept: Path | None = None) -> dict[str, bytes]:
    """``fonts/<name>`` -> content: each of ``stems`` as WOFF2 with ``characters`` (:func:`in_both_cases` of
    the pages), and licences; ``kept``: where subsets are kept between builds."""
    characters = characters | ALWAYS  # ALWAYS: printable ASCII, typed in search
    files = {licence: (STYLES / licence).read_bytes() for licence in licences(tuple(f'fonts/{s}' for s in stems))}
    for stem in stems:
        files[f'fonts/{stem}.woff2'] = subset_font((FONTS / f'{stem}.ttf').read_bytes(), characters, moment, 'woff2',
                                                     kept=kept)
    return files


def in_both_cases(text: str, characters: set[str]) -> set[str]:
    """The characters of ``text`` (``characters``: its own), of ``text.upper()`` and of ``text.lower()``: each case
    taken of the characters once, not of the whole text (9 MB at 824 pages, 0.2 s), but for the one letter whose
    lower case depends on where it is, capital sigma."""
    once = ''.join(sorted(characters))
    found = characters | set(once.upper()) | set(once.lower())
    if '\u03a3' in characters:  # its lower case is σ, or ς at a word's end, as the text says
        found = (found - SIGMAS) | (set(text.lower()) & SIGMAS)
    return found


def font_faces(stems: tuple[str, ...]) -> str:
    """The ``@font-face`` rules naming the files of :func:`web_fonts`, relative to the stylesheet."""
    rules = []
    for stem in stems:
        family, weight, style, unicode_range = FACES[stem]
        within = f' unicode-range: {unicode_range};' if unicode_range else ''
        rules.append(f'@font-face {{ font-family: "{family}"; src: url("fonts/{stem}.woff2") format("woff2"); '
                     f'font-weight: {weight}; font-style: {style}; font-display: swap;{within} }}\n')
    return ''.join(rules)
