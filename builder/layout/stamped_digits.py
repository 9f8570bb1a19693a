"""Page numbers stamped into a laid-out part, so that a part that prints them ("see p. 12") is laid out once.

A chapter's page references print pages of other parts, which are known only
once the parts before them are laid out: laid out from guessed numbers, such a
part would be laid out again with the right ones. Instead it is laid out from
placeholder digits (``page_references.slotted``: "p. 01" for "p. 47"), and
the digits are stamped into its PDF once the numbers are known: each
reference's glyphs in its content stream become those of its digits. The page
is the same as one laid out with the digits wherever the font's figures all
have one width and are not kerned, which is checked glyph by glyph (Gentium's
figures are tabular, and are not kerned with what stands beside them):
:func:`find_slots` finds, in the part's PDF, the glyphs of each reference's
placeholder and those of the digits the same font draws in that part with the
placeholder's width. A number whose digits the part does not draw in that
font, or a part whose placeholders are not found, is laid out with its numbers
instead (``parts.py``).
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from pathlib import Path

# (page index, where the placeholder's glyph codes are in the page's content stream, digit -> glyph)
Slot = tuple[int, list[int], dict[str, str]]
# page index (-1: several), rectangles (CSS px), placeholder
Box = tuple[int, list[tuple[float, float, float, float]], str]
# What to stamp on one page: for each number, the places of its glyph codes and the codes of its digits
Stamps = list[tuple[list[int], list[str]]]
TOLERANCE = 0.01  # CSS px between a box's left edge and its text's origin
# Thousandths of an em: WeasyPrint writes each glyph's width as Pango placed it, rounded, and the figures of
# Gentium's regular face (986 units of 2,048 each) come out as 481 or 482
WIDTH_ROUNDING = 1


def number_boxes(document) -> dict[int, Box]:  # type: ignore[no-untyped-def]
    """Where a WeasyPrint document laid out from placeholders draws the box of each page reference's number: the
    ``::after`` box that prints it (``print.css``: ``attr(data-page)``), which WeasyPrint lists as a link too; or,
    for a link whose text is the number (the back matter's, ``page_references.PRINTED_LINK``), the link's own box."""
    boxes: dict[int, Box] = {}
    for index, page in enumerate(document.pages):
        for _kind, _target, rectangle, box in page.links:
            element = box.element
            attribute = element.get('data-page')  # printed by the stylesheet, else the text of the link
            slot = element.get('data-page-slot') if box.element_tag.endswith('::after') or attribute is None else None
            if slot is not None:
                page_index, rectangles, placeholder = boxes.setdefault(
                    int(slot), (index, [], attribute if attribute is not None else element.text or ''))
                # A number's box broken across pages is not looked for: the part is laid out with its numbers
                boxes[int(slot)] = (page_index if page_index == index else -1, [*rectangles, rectangle], placeholder)
    return boxes


def find_slots(pdf: Path, boxes: dict[int, Box]) -> list[Slot] | None:
    """Where the placeholder of each slot (``boxes``: slot -> the page, rectangles and placeholder of its number's
    box) is drawn in ``pdf``, and the glyphs of the digits that may replace it; None if any is not found."""
    import pikepdf

    from .shared_fonts import text_of_glyphs, glyph_widths

    if any(page < 0 for page, _, _ in boxes.values()):
        return None
    found: dict[int, Slot] = {}
    by_page: defaultdict[int, list[tuple[int, Box]]] = defaultdict(list)
    for slot, box in boxes.items():
        by_page[box[0]].append((slot, box))
    set_font, set_matrix, show = pikepdf.Operator('Tf'), pikepdf.Operator('Tm'), pikepdf.Operator('TJ')
    with pikepdf.open(pdf) as document:
        for index, wanted in by_page.items():
            page = document.pages[index]
            fonts = page.obj.Resources.get('/Font', pikepdf.Dictionary())
            texts = []  # (the TJ's number on the page, origin x, origin y, font name, TJ array)
            font, origin, shown = None, None, 0
            # Only the operators read: a page of the 824-page book's bibliography draws 1,000 numbers
            for operands, operator in pikepdf.parse_content_stream(page, 'Tf Tm TJ'):
                if operator == set_font:
                    font = str(operands[0])
                elif operator == set_matrix:
                    origin = (float(operands[4]), float(operands[5]))
                elif operator == show:
                    if origin is not None and font is not None:
                        texts.append((shown, *origin, font, operands[0]))
                    shown += 1
            page.contents_coalesce()
            content = page.obj.Contents.read_bytes()
            arrays = list(SHOWN.finditer(content))
            if len(arrays) != shown:  # the stream's TJ arrays are not all read as written by WeasyPrint
                return None
            fonts_read: dict[str, tuple[dict[str, str], dict[int, float]] | None] = {}
            digits: dict[tuple[str, float], dict[str, str]] = {}  # of each font and width, read once
            ends = _last_texts(texts, wanted)
            for slot, (_, rectangles, placeholder) in wanted:
                # The number ends what the box draws (", p. 01"; the contents' leader, then "01")
                last = ends.get(slot)
                if last is None or last[3] not in fonts:
                    return None
                number, _, _, name, shown_array = last
                array = list(shown_array)
                if name not in fonts_read:  # a page's references are in one font or two: each read once
                    text = text_of_glyphs(fonts[name])
                    fonts_read[name] = None if text is None else (text, {
                        glyph: float(width) for glyph, width in glyph_widths(fonts[name].DescendantFonts[0]).items()})
                if fonts_read[name] is None:
                    return None
                text, widths = fonts_read[name]
                drawn = _glyphs(array)[-len(placeholder):]
                if ''.join(chr(int(text.get(code, '0'), 16)) for _, _, code in drawn) != placeholder:
                    return None
                # Nothing drawn between the digits but their glyphs: no kerning, no spacing
                if any(not isinstance(item, pikepdf.String) and float(item) != 0
                       for item in array[drawn[0][0]:drawn[-1][0] + 1]):
                    return None
                places = _glyphs_shown(content, arrays[number])[-len(placeholder):]
                if [code for _, code in places] != [code for _, _, code in drawn]:
                    return None
                # Of a run of pages ("01–23"), the digits: the dash stays
                places, drawn = zip(*((place, glyph) for place, glyph, character in zip(places, drawn, placeholder)
                                      if character.isdigit()))
                width = [widths.get(int(code, 16), -WIDTH_ROUNDING) for _, _, code in drawn]
                if max(width) - min(width) > WIDTH_ROUNDING:
                    return None  # the placeholder's digits differ in width: the font's figures are not tabular
                if (name, width[0]) not in digits:
                    digits[name, width[0]] = _digits(text, widths, width[0])
                found[slot] = (index, [at for at, _ in places], digits[name, width[0]])
    return [found[slot] for slot in sorted(found)]


def _last_texts(texts: list[tuple], wanted: list[tuple[int, Box]]) -> dict[int, tuple]:
    """Slot -> the last of a page's ``texts`` (drawn from ``text[1:3]``) that starts in its box's rectangles.

    A page of the contents draws 1,700 texts (each dot of a leader is one) and 40 slots, a page of an 824-page
    book's bibliography 2,000 texts and 1,000 slots: the texts are sorted along each line (by the whole points of
    their height), and each rectangle looks for those that start in it on its lines only (scanning the texts from
    the end for each slot, the contents part's 777 slots took 1.1 s; comparing each text with every rectangle of
    its line, the bibliography's 3,933, 0.4 s).
    """
    lines: defaultdict[int, list[tuple[float, int]]] = defaultdict(list)  # whole point -> (x, text's index)
    for number, text in enumerate(texts):
        lines[math.floor(text[2])].append((text[1], number))
    for line in lines.values():
        line.sort()
    ends: dict[int, tuple] = {}
    for slot, (_, rectangles, _) in wanted:
        last = -1
        for x1, y1, x2, y2 in rectangles:
            for point in range(math.floor(y1), math.floor(y2) + 1):
                line = lines.get(point, [])
                # The texts that start in the rectangle: from its left edge (less the tolerance) to its right
                at = bisect.bisect_left(line, (x1 - TOLERANCE, -1))
                while at < len(line) and line[at][0] < x2 - TOLERANCE:
                    number = line[at][1]
                    if number > last and y1 <= texts[number][2] <= y2:
                        last = number
                    at += 1
        if last >= 0:
            ends[slot] = texts[last]
    return ends


def _digits(text: dict[str, str], widths: dict[int, float], width: float) -> dict[str, str]:
    """Digit -> the glyph (hex) that draws it in a font (``text``: glyph -> its text, both hex) with ``width``, for
    each digit one glyph alone draws (figures of two styles would leave the choice open)."""
    glyphs_of: defaultdict[str, list[str]] = defaultdict(list)
    for code, characters in text.items():
        if len(characters) == 4 and chr(int(characters, 16)) in '0123456789':
            glyphs_of[chr(int(characters, 16))].append(code)
    return {digit: glyphs[0] for digit, glyphs in glyphs_of.items()
            if len(glyphs) == 1 and abs(widths.get(int(glyphs[0], 16), 0) - width) <= WIDTH_ROUNDING}


def _glyphs(array: list) -> list[tuple[int, int, str]]:
    """The glyphs of a ``TJ`` array: (array index, byte offset, glyph code in hex), two bytes a glyph."""
    import pikepdf

    glyphs = []
    for i, item in enumerate(array):
        if isinstance(item, pikepdf.String):
            data = bytes(item)
            glyphs.extend((i, offset, data[offset:offset + 2].hex()) for offset in range(0, len(data) - 1, 2))
    return glyphs


def shown_arrays(content: bytes) -> list[list[tuple[int, str]]]:
    """The glyphs of each ``TJ`` array of a content stream as WeasyPrint writes it (glyph codes as hex strings,
    two bytes a glyph, and numbers), read from its bytes: (where the glyph's four hex digits are, the code in
    lowercase hex). An array of other strings is not read, nor counted."""
    return [_glyphs_shown(content, array) for array in SHOWN.finditer(content)]


def _glyphs_shown(content: bytes, array: re.Match) -> list[tuple[int, str]]:
    """The glyphs of one ``TJ`` array of ``content`` (a match of ``SHOWN``), as ``shown_arrays`` gives them."""
    glyphs = []
    for item in HEX_STRING.finditer(content, array.start(1), array.end(1)):
        glyphs.extend((item.start(1) + at, item[1][at:at + 4].decode().lower()) for at in range(0, len(item[1]), 4))
    return glyphs


# A TJ array of hex strings and numbers only, and each hex string in it (of whole two-byte glyph codes)
SHOWN = re.compile(rb'\[((?:\s*(?:<(?:[0-9A-Fa-f]{4})*>|[-+]?(?:\d+\.?\d*|\.\d+)))*\s*)\]\s*TJ')
HEX_STRING = re.compile(rb'<([0-9A-Fa-f]*)>')


def with_codes(content: bytes, places: list[int], codes: list[str]) -> bytes:
    """``content`` with the glyph code at each of ``places`` (``shown_arrays``) replaced by one of ``codes``."""
    stamped = bytearray(content)
    for at, code in zip(places, codes):
        stamped[at:at + 4] = code.encode()
    return bytes(stamped)


def can_stamp(slots: list[Slot] | None, numbers: list[str]) -> bool:
    """Whether ``numbers`` can be stamped into the slots of a part laid out from placeholders."""
    if slots is None or len(slots) != len(numbers):
        return False
    for (_, places, glyphs), number in zip(slots, numbers):
        digits = _digits_of(number)
        if len(digits) != len(places) or not glyphs.keys() >= set(digits):
            return False
    return True


def _digits_of(number: str) -> str:
    """The digits of a page number, or of a run of pages ("3–5": ``page_references.PRINTED_LINK``), where its
    placeholder's are stamped."""
    return number.replace('–', '')


def stamped_pages(first: int, slots: list[Slot], numbers: list[str]) -> dict[int, Stamps]:
    """Where ``numbers`` go, in the part whose first page is page ``first`` of the book: for each of its pages that
    prints one (by its index in the book), the places of the glyph codes to replace (``shown_arrays``) and the codes
    of the digits to print there, for :func:`stamp`."""
    by_page: defaultdict[int, Stamps] = defaultdict(list)
    for (page, places, codes), number in zip(slots, numbers):
        by_page[first + page].append((places, [codes[digit] for digit in _digits_of(number)]))
    return dict(by_page)


def stamp(book, page, stamped: Stamps) -> None:  # type: ignore[no-untyped-def]
    """Stamp the digits of ``stamped`` (:func:`stamped_pages`) into ``page`` of ``book``: the page's content stream
    is its part's, as copied, so each digit's glyph code goes where its slot says, byte for byte."""
    import pikepdf

    page.contents_coalesce()
    content = page.obj.Contents.read_bytes()
    for places, codes in stamped:
        content = with_codes(content, places, codes)
    page.obj.Contents = pikepdf.Stream(book, content)
