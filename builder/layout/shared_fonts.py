"""Embed each font once in a PDF joined from parts.

Every part laid out by WeasyPrint embeds its own subset of each font: the
glyphs that part uses. WeasyPrint subsets with HarfBuzz keeping glyph ids
(``RETAIN_GIDS``), and its fonts map character ids to glyph ids one to one,
so the subsets of one font differ only in which glyph outlines they keep. This
post-pass merges them into one font program holding every glyph any part uses,
and points every part's font descriptor at it; then it makes each font one
font dictionary, with the widths (``W``) and the text (``ToUnicode``) of the
glyphs of every part, and points every page at it.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import defaultdict
from pathlib import Path

import pikepdf

from ..cache import builder_key, kept_bytes


MERGED_KEPT = 16  # merged fonts kept (``kept``): each face of the last few builds of a book's editions


def share_fonts(book: pikepdf.Pdf, kept: Path | None = None) -> None:
    """Replace the per-part subsets of each font by one merged font program, embedded once, and the per-part
    font dictionaries by one. ``kept``: a folder where merged fonts are kept by what they are made of (an edit
    that uses no new glyph merges nothing: 0.35 s of joining 200 pages)."""
    # font name without the subset tag -> its parts' font descriptors, by object
    descriptors: defaultdict[str, dict[tuple[int, int], pikepdf.Dictionary]] = defaultdict(dict)
    # font name -> the widths of the glyphs each of its parts' fonts uses, by descendant font: read once, for the
    # merged font's key and the shared font dictionary
    widths: defaultdict[str, dict[tuple[int, int], dict[int, int]]] = defaultdict(dict)
    used = _merged_fonts(book)
    for fonts, key, name in used:
        descendant = fonts[key].DescendantFonts[0]
        descriptors[name][descendant.FontDescriptor.objgen] = descendant.FontDescriptor
        if descendant.objgen not in widths[name]:
            widths[name][descendant.objgen] = glyph_widths(descendant)
    for name, found in descriptors.items():
        programs = {d.FontFile2.objgen: d.FontFile2 for d in found.values()}
        if len(programs) < 2:
            continue
        shared = next(iter(found.values())).FontFile2
        subsets = [p.read_bytes() for p in programs.values()]
        largest = largest_subset(subsets)
        if kept is None:
            data = merged_font(subsets, largest)
        else:
            # Kept by what decides the merged font: the subset it starts from, and the glyphs it adds, which are
            # the same bytes in every subset of the font (``merged_font``). Keyed by every subset's hash, an edit
            # whose part used no new glyph merged the fonts again all the same, its part's subset changed: 0.35 s
            # of the 824-page book's edit.
            every = sorted(set().union(*widths[name].values()))
            key = hashlib.sha256(repr((builder_key('merged-fonts'), hashlib.sha256(subsets[largest]).hexdigest(),
                                       every)).encode()).hexdigest()
            data = kept_bytes(kept, f'{key}.merged', MERGED_KEPT, lambda: merged_font(subsets, largest))
        shared.write(data)  # compressed as the book is written
        shared.Length1 = len(data)
        for descriptor in found.values():
            descriptor.FontFile2 = shared
    share_font_dictionaries(used, widths)


def _merged_fonts(book: pikepdf.Pdf) -> list[tuple[pikepdf.Dictionary, str, str]]:
    """Where each font that can be merged is used: (a page's font resources, the font's key there, its name)."""
    found = []
    for page in book.pages:
        fonts = page.obj.get('/Resources', {}).get('/Font', {})
        for key in sorted(fonts.keys()):  # a set: in the order of Python's string hashes, which a process draws
            font = fonts[key]
            if not font.is_indirect or font.get('/Subtype') != '/Type0' or font.get('/Encoding') != '/Identity-H':
                continue
            descendant = font.DescendantFonts[0]
            descriptor = descendant.FontDescriptor
            if descendant.get('/CIDToGIDMap') != '/Identity' or '/FontFile2' not in descriptor:
                continue  # only TrueType fonts addressed by glyph id can be merged glyph by glyph
            found.append((fonts, key, str(descendant.BaseFont).split('+', 1)[-1]))
    return found


def share_font_dictionaries(used: list[tuple[pikepdf.Dictionary, str, str]],
                            widths_of: dict[str, dict[tuple[int, int], dict[int, int]]]) -> None:
    """One font dictionary a font, for every part: the widths (``widths_of``: by font name and descendant font) and
    text of every glyph any part uses."""
    uses: defaultdict[str, list[tuple[pikepdf.Dictionary, str]]] = defaultdict(list)
    for fonts, key, name in used:
        uses[name].append((fonts, key))
    for name, places in uses.items():
        fonts_used = list({fonts[key].objgen: fonts[key] for fonts, key in places}.values())
        mappings = [text_of_glyphs(font) for font in fonts_used]
        if len(fonts_used) < 2 or any(mapping is None for mapping in mappings):
            continue
        widths: dict[int, int] = {}
        text: dict[str, str] = {}
        for font, mapping in zip(fonts_used, mappings):
            assert mapping is not None
            for glyph, width in widths_of[name][font.DescendantFonts[0].objgen].items():
                widths.setdefault(glyph, width)
            for glyph, characters in mapping.items():
                text.setdefault(glyph, characters)
        shared = fonts_used[0]
        shared.DescendantFonts[0].W = _width_array(widths)
        shared.ToUnicode.write(_to_unicode(text))
        for fonts, key in places:
            fonts[key] = shared


def glyph_widths(descendant: pikepdf.Dictionary) -> dict[int, int]:
    """A CID font's ``W`` array as glyph id -> width (``c [w1 w2 …]`` and ``c_first c_last w``)."""
    items, widths, index = list(descendant.get('/W', [])), {}, 0
    while index < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], pikepdf.Array):
            for offset, width in enumerate(items[index + 1]):
                widths[first + offset] = width
            index += 2
        else:
            for glyph in range(first, int(items[index + 1]) + 1):
                widths[glyph] = items[index + 2]
            index += 3
    return widths


def _width_array(widths: dict[int, int]) -> pikepdf.Array:
    """Glyph id -> width as a ``W`` array of runs of consecutive ids."""
    runs: list = []
    for glyph in sorted(widths):
        if runs and glyph == runs[-2] + len(runs[-1]):
            runs[-1].append(widths[glyph])
        else:
            runs.extend([glyph, [widths[glyph]]])
    return pikepdf.Array(runs)


BFCHAR = re.compile(rb'<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>')


def text_of_glyphs(font: pikepdf.Dictionary) -> dict[str, str] | None:
    """A font's ``ToUnicode`` map as glyph code -> text, both in hex; None without one, or for a map that is not
    one ``bfchar`` entry a glyph (WeasyPrint writes those)."""
    if '/ToUnicode' not in font:
        return None
    data = font.ToUnicode.read_bytes()
    if b'bfrange' in data:
        return None
    entries = BFCHAR.findall(data.split(b'endcodespacerange')[-1])
    return {code.decode().lower(): text.decode().lower() for code, text in entries}


def _to_unicode(text: dict[str, str]) -> bytes:
    """A ``ToUnicode`` CMap for glyph code -> text (hex), as WeasyPrint writes one."""
    lines = ['/CIDInit /ProcSet findresource begin', '12 dict begin', 'begincmap', '/CIDSystemInfo',
             '<< /Registry (Adobe)', '/Ordering (UCS)', '/Supplement 0', '>> def', '/CMapName /Adobe-Identity-UCS def',
             '/CMapType 2 def', '1 begincodespacerange', '<0000> <ffff>', 'endcodespacerange']
    codes = sorted(text, key=lambda code: int(code, 16))
    for start in range(0, len(codes), 100):  # at most 100 entries a block
        batch = codes[start:start + 100]
        lines.append(f'{len(batch)} beginbfchar')
        lines.extend(f'<{code}> <{text[code]}>' for code in batch)
        lines.append('endbfchar')
    lines += ['endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end']
    return '\n'.join(lines).encode()


def merged_font(subsets: list[bytes], largest: int) -> bytes:
    """One TrueType font with the glyph outlines of all ``subsets`` (subsets of one font that kept glyph ids),
    starting from the ``largest`` (``largest_subset``).

    A glyph's outline is the same bytes in every subset that has it (each is HarfBuzz's subset of the same font,
    ``font_subsets.py``, which copies the glyph), so the merged font is decided by the largest subset and the glyphs
    that the subsets use.
    The subsets are read one at a time: a part's subset, glyph ids kept, holds thousands of empty glyphs, and
    holding every part's at once took 35 MB more at 800 pages (70 parts).
    """
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    base = _by_glyph_id(subsets[largest])
    glyphs, metrics = base['glyf'], base['hmtx']
    missing = {name for name in base.getGlyphOrder() if not _outlined(glyphs, name)}
    for index, data in enumerate(subsets):
        if index == largest or not missing:
            continue
        # Read from the other subsets: where each glyph's outline is (``loca``) and the bytes of those the merged
        # font lacks, not the whole ``glyf`` table (0.3 s of 69 subsets' merge at 824 p, profiled)
        other = _by_glyph_id(data)
        offsets, outlines, their_metrics = other['loca'], other.reader['glyf'], other['hmtx']
        for gid, name in enumerate(other.getGlyphOrder()):
            if offsets[gid + 1] > offsets[gid] and name in missing:
                glyphs[name] = Glyph(outlines[offsets[gid]:offsets[gid + 1]])
                metrics[name] = their_metrics[name]
                missing.discard(name)
    base['post'].formatType = 3.0  # no glyph names: the PDF addresses glyphs by id
    out = io.BytesIO()
    base.save(out)
    return out.getvalue()


def _outlined(glyphs, name: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether a subset keeps the glyph's outline: read from its bytes, without decoding the glyph (a subset that
    kept glyph ids holds thousands of empty ones)."""
    glyph = glyphs.glyphs[name]
    return bool(glyph.data) if hasattr(glyph, 'data') else glyph.numberOfContours != 0


def _by_glyph_id(data: bytes):  # type: ignore[no-untyped-def]
    """The font with its glyphs named by id, the same names in every subset (their own names may differ)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # the same bytes from every build
    font.setGlyphOrder([f'gid{i}' for i in range(font['maxp'].numGlyphs)])
    return font


def largest_subset(subsets: list[bytes]) -> int:
    """The index of the subset with the most glyphs: keeping glyph ids, a subset has as many glyphs as its highest
    id used, and the largest holds every id. Counted by HarfBuzz (fontTools took 0.04 s for the 824-page book's
    209 subsets, in every join)."""
    import uharfbuzz as hb

    counts = [hb.Face(hb.Blob(data)).glyph_count for data in subsets]
    return counts.index(max(counts))
