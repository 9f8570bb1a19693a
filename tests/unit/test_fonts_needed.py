"""Which bundled fonts an EPUB or a web edition carries: the book's own always, a script's fallback when used."""

from __future__ import annotations

from builder.write.epub import font_files
from builder.write.epub_fonts import licences, needed_fonts


def test_a_book_in_plain_ascii_carries_the_book_font_and_no_fallback():
    fonts = needed_fonts(font_files(), 'A book in plain ASCII: no accent, no curly quote.')
    assert sorted(fonts) == [f'fonts/GentiumBookPlus-{face}.ttf' for face in ('Bold', 'BoldItalic', 'Italic', 'Regular')]
    assert licences(fonts) == ['fonts/OFL-GentiumBookPlus.txt']


def test_arabic_script_brings_vazirmatn_and_its_licence():
    fonts = needed_fonts(font_files(), 'The name کابل in a sentence.')
    assert {'fonts/Vazirmatn-Regular.ttf', 'fonts/Vazirmatn-Bold.ttf'} <= set(fonts) and len(fonts) == 6
    assert licences(fonts) == ['fonts/OFL-GentiumBookPlus.txt', 'fonts/OFL-Vazirmatn.txt']


def test_spaces_and_direction_marks_alone_bring_no_fallback():
    assert not any('Vazirmatn' in font for font in needed_fonts(font_files(), 'a\u00a0b\u200e\u2009c'))


def test_every_bundled_family_declares_all_four_faces_with_a_bundled_file():
    """A face left undeclared is taken from the system's fonts (an italic comment in highlighted code took
    the system's DejaVu Sans Mono Oblique): every family of fonts.css has upright and italic, normal and bold."""
    import re

    from builder.resources import STYLES

    faces: dict[str, set[tuple[str, str]]] = {}
    for rule in re.findall(r'@font-face \{([^}]*)\}', (STYLES / 'fonts.css').read_text()):
        family = re.search(r'font-family: "([^"]+)"', rule)[1]
        source = re.search(r'url\("([^"]+)"\)', rule)[1]
        assert (STYLES / source).is_file(), source
        faces.setdefault(family, set()).add((re.search(r'font-weight: (\w+)', rule)[1],
                                             re.search(r'font-style: (\w+)', rule)[1]))
    assert set(faces) == {'Gentium Book Plus', 'Vazirmatn', 'DejaVu Sans Mono'}
    for family, found in faces.items():
        assert found == {(w, s) for w in ('normal', 'bold') for s in ('normal', 'italic')}, family
