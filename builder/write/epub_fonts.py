"""The EPUB's bundled fonts cut down to the characters the EPUB shows.

The four whole Gentium Book Plus fonts were 3.4 MB of a 57-page book's EPUB.
Once ebooklib has written the EPUB, :func:`subset_fonts` reads the text of
every XHTML document it holds (chapters, nav with its page-list and landmarks,
cover page) and keeps only those characters' glyphs, with the OpenType
features that reach further glyphs from them (ligatures, marks, kerning, small
capitals, the scripts' local forms), and ``head.modified`` set to the build
date, so the same book gives the same bytes.

The fonts are under the SIL Open Font License with the Reserved Font Names
"Gentium" and "SIL". A subset is a Modified Version (the OFL FAQ, and SIL's
paper on webfonts and Reserved Font Names: a font with glyphs removed is not
functionally equivalent to the original), and a Modified Version may not use
a Reserved Font Name (OFL condition 3). So the subsets are renamed
(:data:`FAMILY`, the family name ``epub.css`` gives them), and keep their
copyright notice and licence in their name table (OFL condition 2), and the
licence file travels with them in the EPUB (:data:`LICENCES`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import re
import string
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from ..cache import builder_key, kept_bytes
from ..layout.font_subsets import saved_font

FAMILY = 'Coursepack Serif'
# The original names in the fonts' naming records, and what a subset says instead.
RENAMED = {'Gentium Book Plus': FAMILY, 'GentiumBookPlus': FAMILY.replace(' ', '')}
RESERVED = ('Gentium', 'SIL')
# Naming records that name the font (family, unique id, full name, PostScript name, typographic names);
# the others (copyright, trademark, maker, description, licence) say where it comes from and are kept as they are.
FONT_NAME_IDS = {1, 3, 4, 6, 16, 17, 18, 20, 21, 22}
NAME_IDS = list(range(15))  # 0-14: names, copyright (0), licence (13) and its address (14)
LICENCES = {'GentiumBookPlus': 'fonts/OFL-GentiumBookPlus.txt', 'Vazirmatn': 'fonts/OFL-Vazirmatn.txt'}
FALLBACKS = ('Vazirmatn',)  # families that only fill in a script the book font lacks
# Drawn by a reading system itself whatever the text holds: list numbers and bullets, hyphens at line ends.
ALWAYS = set(string.printable.strip()) | set('\u00a0\u00ad\u2010\u2011\u2013\u2014\u2022\u2026\u25aa\u25e6')
# Features a reading system may apply besides the default ones: the stylesheet's small capitals.
EXTRA_FEATURES = ('smcp', 'c2sc')
KEEP = 24  # subsets kept in the cache: an EPUB's four faces and a web edition's, for an edition or two


def needed_fonts(fonts: tuple[str, ...], text: Iterable[str]) -> tuple[str, ...]:
    """Of the bundled ``fonts`` (``fonts/<name>.ttf``), those the book needs: the book's own (Gentium) always,
    a font that fills in a script (:data:`FALLBACKS`: Vazirmatn, for Arabic script) only when it has a glyph for
    a character of ``text`` (a string, or its characters) besides :data:`ALWAYS`, spaces and the dashes and
    direction marks of General Punctuation."""
    own = {ord(c) for c in set(text) if not c.isspace()} - {ord(c) for c in ALWAYS} - set(range(0x2000, 0x2070))
    return tuple(font for font in fonts if _family(font) not in FALLBACKS or own & _characters(font))


@functools.cache
def _characters(font: str) -> frozenset[int]:
    """The code points a bundled font (``fonts/<name>.ttf``) has glyphs for: read once, asked per output."""
    from fontTools.ttLib import TTFont

    from ..resources import STYLES

    return frozenset(TTFont(STYLES / font, lazy=True).getBestCmap())


def _family(font: str) -> str:
    """``fonts/Vazirmatn-Bold.ttf`` -> ``Vazirmatn``."""
    return font.rsplit('/', 1)[-1].split('-', 1)[0]


def without_font_faces(css: str, fonts: set[str]) -> str:
    """``css`` without the ``@font-face`` rules whose source is one of ``fonts``."""
    return re.sub(r'@font-face \{[^}]*url\("(?P<font>[^"]+)"\)[^}]*\}\n?',
                  lambda m: '' if m['font'] in fonts else m[0], css)


def licences(fonts: tuple[str, ...]) -> list[str]:
    """The licence files that must travel with ``fonts``."""
    return [licence for family, licence in LICENCES.items() if any(_family(f) == family for f in fonts)]


def subset_fonts(entries: dict[str, bytes], fonts: list[str], moment: dt.datetime, kept: Path | None = None) -> None:
    """Subset each of ``fonts`` (zip names) in ``entries`` (zip name -> bytes) to what the documents show."""
    characters = shown_characters(entries)
    for name in fonts:
        entries[name] = subset_font(entries[name], characters, moment, kept=kept)


# A document's text, and the alternative texts and tooltips it shows: by XPath, not by a walk in Python over every
# element (half the time of reading an 824-page book's characters).
_SHOWN = etree.XPath('//text() | //@alt | //@title', smart_strings=False)


def shown_characters(entries: dict[str, bytes]) -> set[str]:
    """Every character the EPUB's documents may draw: their text, alternative texts and tooltips, the strings
    its stylesheets insert, in both cases (``text-transform``), and :data:`ALWAYS`."""
    shown: set[str] = set()  # a document at a time: the whole book's strings at once were 14 MB at 824 pages
    for name, data in entries.items():
        if name.endswith(('.xhtml', '.html')):
            shown.update(''.join(_SHOWN(etree.fromstring(data, etree.XMLParser(resolve_entities=False)))))
        elif name.endswith('.css'):
            css = data.decode('utf-8', 'replace')
            shown.update(''.join(a or b for a, b in re.findall(r'"([^"]*)"|\'([^\']*)\'', css)))
    return shown | set(''.join(shown).upper()) | set(''.join(shown).lower()) | ALWAYS


def subset_font(data: bytes, characters: set[str], moment: dt.datetime, flavor: str | None = None, *,
                kept: Path | None = None) -> bytes:
    """The font in ``data`` with the glyphs of ``characters``, renamed as :data:`RENAMED` says; ``flavor``
    ``'woff2'`` for the web edition. With ``kept``, the folder where subsets are kept by what makes them: an edit
    that shows no new character subsets nothing (WOFF2's compression took 0.1 s a face).

    HarfBuzz subsets (uharfbuzz: 2 ms a face, where fontTools took 0.7 s to read Gentium's layout tables);
    fontTools renames and dates the small result.
    """
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    if kept is not None:  # the builder key names the libraries' versions (uharfbuzz's HarfBuzz, fontTools)
        key = hashlib.sha256(repr((builder_key('fonts'), sorted(characters),
                                   moment.isoformat(), flavor, hashlib.sha256(data).hexdigest())).encode()).hexdigest()
        return kept_bytes(kept, f'{key}.font', KEEP, lambda: subset_font(data, characters, moment, flavor))

    plan = hb.SubsetInput()
    plan.unicode_set.update(ord(c) for c in characters)
    plan.layout_feature_tag_set.update(_tag(feature) for feature in EXTRA_FEATURES)
    plan.name_id_set.update(NAME_IDS)
    plan.flags = hb.SubsetFlags.NOTDEF_OUTLINE
    # Graphite's tables go by HarfBuzz's default; 'Silt' is SIL's own table of feature names for its tools.
    plan.drop_table_tag_set.add(_tag('Silt'))
    subset = hb.subset(hb.Face(data), plan)
    if subset is None:
        raise ValueError('HarfBuzz could not subset the font')
    font = TTFont(io.BytesIO(subset.blob.data), recalcTimestamp=False)
    rename(font)
    font.flavor = flavor
    return saved_font(font, moment)


def prepare(fonts: tuple[str, ...]) -> None:
    """Import what subsetting ``fonts`` will: HarfBuzz, and the modules of fontTools that read and write their
    tables (imported as a table is first read: 0.04 s); read which characters the fallbacks have (``needed_fonts``,
    0.05 s). Called ahead, while Pandoc formats the citations."""
    import uharfbuzz  # noqa: F401
    from fontTools.ttLib import TTFont, getTableModule

    from ..resources import STYLES

    for font in fonts:
        for tag in TTFont(STYLES / font, lazy=True).keys():
            getTableModule(tag)
        if _family(font) in FALLBACKS:
            _characters(font)


def _tag(name: str) -> int:
    """An OpenType tag as HarfBuzz takes it."""
    return int.from_bytes(name.encode('ascii'), 'big')


def rename(font) -> None:  # type: ignore[no-untyped-def]
    """Give the font :data:`RENAMED`'s names where it named itself with a Reserved Font Name."""
    for record in font['name'].names:
        if record.nameID not in FONT_NAME_IDS:
            continue
        name = record.toUnicode()
        for original, new in RENAMED.items():
            name = name.replace(original, new)
        if record.nameID == 3:  # 'SIL International: Gentium Book Plus Regular 2022': a unique id, not the maker
            name = name.split(': ', 1)[-1]
        if any(reserved in name for reserved in RESERVED):
            raise ValueError(f'font name {name!r} still holds a Reserved Font Name')
        record.string = name
