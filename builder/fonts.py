"""Characters that no font of the book has, found at check time.

A character missing from every font prints as an empty box, and WeasyPrint
says so only while laying out, once per character and edition, with no place
in the book (``.notdef glyph rendered for …``). The fonts a book prints with
are known before layout: the bundled ones and those its own stylesheets
declare with ``@font-face``. Their character maps (read with HarfBuzz, or
fontTools for a WOFF font) tell ``check`` which characters of each line have
no glyph, so that the author sees each line once, with the characters and how
to add a font.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

from .config import MANIFEST
from .diagnostics import Diagnostics, SourceLocation
from .resources import FONTS
from .model import Book
from .citations.load import DEFAULT_FILE as DEFAULT_REFERENCES
from .stylesheets import stylesheet_resources
from .yamlfile import MAX_DATA_FILE_BYTES, read_text

FONT_SUFFIXES = ('.ttf', '.otf', '.woff', '.woff2')
# ASCII is in every text font; the rest is looked up, one run of non-ASCII characters at a time.
_NON_ASCII = re.compile(r'[^\x00-\x7f]+')
HOW_TO_ADD = ('copy a font that has them (such as a Noto font, OFL) into styles/fonts/ and declare it with '
              '@font-face in styles/print.css and styles/epub.css, after the book font in font-family')


def check_characters(book: Book, diagnostics: Diagnostics) -> None:
    """Warn once per line of the book's files that has characters no font of the book has."""
    root = book.config.root
    covered = _bundled_characters() | _book_characters(root)
    for relpath, text in _printed_files(book):
        for number, line in enumerate(text.splitlines(), start=1):
            missing: dict[str, int] = {}
            for run in _NON_ASCII.finditer(line):
                for offset, char in enumerate(run.group()):
                    if ord(char) not in covered and _printed(char):
                        missing.setdefault(char, run.start() + offset + 1)
            if missing:
                listed = ', '.join(f'{char} (U+{ord(char):04X})' for char in missing)
                diagnostics.warning('font-missing-glyph', f'no font of the book has {listed}, which would print '
                                    f'as empty boxes: {HOW_TO_ADD}',
                                    SourceLocation(relpath, number, min(missing.values())))


def _printed_files(book: Book) -> Iterator[tuple[str, str]]:
    """(book-relative path, text) of the files whose text the book prints: the chapters, book.yaml, the data files."""
    yield from ((source.path, source.text) for source in book.sources)
    config = book.config
    for relpath in (MANIFEST, config.glossary, config.chronology, config.references or DEFAULT_REFERENCES):
        # Read again, quietly: load reported their problems, and a missing default file is no problem.
        text = read_text(config.root, relpath, Diagnostics(), max_bytes=MAX_DATA_FILE_BYTES) if relpath else None
        if text is not None:
            yield relpath, text


def _printed(char: str) -> bool:
    """Whether a character is drawn with a glyph: not a space, control or format character, nor a variation
    selector, which shaping consumes (an emoji's U+FE0F)."""
    return unicodedata.category(char)[0] not in 'ZC' and not 0xFE00 <= ord(char) <= 0xFE0F \
        and not 0xE0100 <= ord(char) <= 0xE01EF


@functools.cache
def _bundled_characters() -> frozenset[int]:
    return _characters(sorted(FONTS.glob("*.ttf")))


def _book_characters(root: Path) -> frozenset[int]:
    fonts = [root / name for sheet in ('styles/print.css', 'styles/epub.css')
             for name in stylesheet_resources(root, sheet) if name.lower().endswith(FONT_SUFFIXES)]
    return _characters(fonts)


def _characters(fonts: Iterable[Path]) -> frozenset[int]:
    import uharfbuzz as hb  # here, in the thread that reads the fonts beside the resolving: 10 ms of every start

    covered: set[int] = set()
    for path in fonts:
        try:
            # HarfBuzz reads a TrueType or OpenType font's character map in C: the ten bundled fonts' in 2 ms,
            # fontTools' in 70 ms, beside the resolving of every build.
            face = hb.Face(hb.Blob.from_file_path(str(path)))
        except hb.HarfBuzzError:  # no such file: the stylesheet's check says so
            continue
        if face.glyph_count:
            covered.update(face.unicodes)
            continue
        try:  # a format HarfBuzz does not read (WOFF, WOFF2)
            with TTFont(path, lazy=True) as font:
                covered.update(font.getBestCmap() or ())
        except (TTLibError, OSError, ImportError):
            # Not a font fontTools reads (or a WOFF2 without brotli): layout will say what it makes of it.
            continue
    return frozenset(covered)
