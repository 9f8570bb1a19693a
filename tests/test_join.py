"""Joining parts, on pages WeasyPrint wrote: folios drawn over the pages (``write/pdf.py``: ``draw_over``), stamped
from a template (``layout/furniture.py``), and the numbers of page references stamped in
(``layout/stamped_digits.py``)."""

from __future__ import annotations

import io
import zlib

import pikepdf
import pypdfium2
import pytest
from PIL import ImageChops
from weasyprint import HTML

from builder.layout import furniture
from builder.layout.furniture import FolioStamps, folio_template, template_page
from builder.layout.page_references import slotted
from builder.layout.shared_fonts import share_fonts
from builder.layout.stamped_digits import can_stamp, find_slots, number_boxes, stamp, stamped_pages
from builder.resources import FONTS
from builder.write.pdf import ContentsCompressor, draw_over

pytestmark = pytest.mark.build  # lays pages out with WeasyPrint

# The bundled fonts, not the machine's
STYLE = (f'@font-face {{ font-family: Serif; src: url("{(FONTS / "GentiumBookPlus-Regular.ttf").as_uri()}") }}'
         f'@font-face {{ font-family: Mono; src: url("{(FONTS / "DejaVuSansMono.ttf").as_uri()}") }}'
         '@page { size: 300px 200px; margin: 20px } p { font-family: Serif }')


def one_page(text: str, style: str = '') -> pikepdf.Pdf:
    html = f'<style>{STYLE}</style><p style="{style}">{text}</p>'
    return pikepdf.open(io.BytesIO(HTML(string=html).write_pdf()))


def page_text(pdf: pikepdf.Pdf) -> str:
    saved = io.BytesIO()
    pdf.save(saved)
    document = pypdfium2.PdfDocument(saved.getvalue())
    return document[0].get_textpage().get_text_range()


def drawn_over(book: pikepdf.Pdf, folio: pikepdf.Pdf, kept=None) -> None:  # type: ignore[no-untyped-def]
    """The folio's page drawn over the book's page, as the join draws it, with its page contents ``kept``."""
    ContentsCompressor(kept).compress(book.pages[0], draw_over(book, book.pages[0], folio, folio.pages[0]))


def test_a_folio_in_the_page_font_is_drawn_in_the_page_stream_and_lists_the_font_twice():
    book, folio = one_page('Body text of the page.'), one_page('17')
    font = next(iter(book.pages[0].Resources.Font.keys()))
    page = book.pages[0].obj.Contents.read_bytes()
    drawn_over(book, folio)
    # One stream: the page's, in a graphics state of its own, then the folio's
    assert book.pages[0].obj.Contents.read_bytes() == b'q\n' + page + b'\nQ\n' + folio.pages[0].obj.Contents.read_bytes()
    assert set(book.pages[0].Resources.Font.keys()) == {font, f'{font}.folio'}
    share_fonts(book)  # as the joiner does: the page's font gets the folio's glyphs, and their text
    fonts = book.pages[0].Resources.Font
    assert fonts[font].objgen == fonts[f'{font}.folio'].objgen
    assert page_text(book).split() == ['Body', 'text', 'of', 'the', 'page.', '17']


def test_a_page_kept_from_the_last_join_takes_another_folio_in_the_same_bytes_as_a_page_made_afresh(tmp_path):
    # An edit that moves pages gives each page another folio: its own drawing, compressed, comes from the pages
    # kept by the last join; the stream must be the one a join without them makes, and read as the page and folio.
    def joined(number: str, kept):  # type: ignore[no-untyped-def]
        book, folio = one_page('Body text of the page.'), one_page(number)
        drawn_over(book, folio, kept)
        stream = book.pages[0].obj.Contents
        return stream.read_raw_bytes(), stream.read_bytes(), folio.pages[0].obj.Contents.read_bytes()

    joined('17', tmp_path)
    assert list(tmp_path.iterdir())  # the page's drawing, kept
    kept, fresh = joined('18', tmp_path), joined('18', None)
    assert kept == fresh
    raw, content, folio = kept
    assert content.endswith(b'\nQ\n' + folio) and content.startswith(b'q\n')
    assert zlib.decompress(raw) == content  # one zlib stream, its checksum of the whole


def test_a_folio_whose_resource_names_clash_with_the_page_is_drawn_as_a_form():
    book, folio = one_page('Body text of the page.'), one_page('17', 'font-family: Mono')
    # The folio's font under the page font's name: another font of the same name.
    fonts = folio.pages[0].Resources.Font
    (name, font), = ((key, fonts[key]) for key in fonts.keys())
    page_font = next(iter(book.pages[0].Resources.Font.keys()))
    del fonts[name]
    fonts[page_font] = font
    folio.pages[0].contents_coalesce()
    content = folio.pages[0].obj.Contents.read_bytes().replace(name.encode(), page_font.encode())
    folio.pages[0].obj.Contents = pikepdf.Stream(folio, content)
    drawn_over(book, folio)
    share_fonts(book)
    assert '/XObject' in book.pages[0].Resources  # drawn as a form, with resources of its own
    assert page_text(book).split() == ['Body', 'text', 'of', 'the', 'page.', '17']


REFERENCE = ('<p>{text} <a class="xref" href="#there" data-page-prefix=", p.\u00a0" data-page="{page}">As seen</a>'
             ' and more text after it.</p><p id="there">There.</p>')
XREF = 'a.xref::after { content: attr(data-page-prefix) attr(data-page) }'


def laid_out_from_placeholders(tmp_path, text: str, page: str):  # type: ignore[no-untyped-def]
    """A page with a page reference printing ``page``, laid out from placeholders: its PDF and its slots."""
    html = f'<style>{STYLE} {XREF}</style>' + slotted(REFERENCE.format(text=text, page=page))
    document = HTML(string=html).render()
    pdf = tmp_path / 'part.pdf'
    document.write_pdf(pdf)
    return pdf, find_slots(pdf, number_boxes(document))


def test_a_number_stamped_in_reads_as_one_laid_out_with_it(tmp_path):
    text = 'Figures 0123456789 drawn elsewhere on the page.'
    pdf, slots = laid_out_from_placeholders(tmp_path, text, '47')
    assert slots is not None and can_stamp(slots, ['47'])
    with pikepdf.open(pdf) as book:
        for index, stamped in stamped_pages(0, slots, ['47']).items():
            stamp(book, book.pages[index], stamped)
        stamped = page_text(book)
    literal = pikepdf.open(io.BytesIO(HTML(string=f'<style>{STYLE} {XREF}</style>' + REFERENCE.format(
        text=text, page='47')).write_pdf()))
    assert stamped == page_text(literal)
    assert 'p.\u00a047 and more text' in stamped


def test_a_number_whose_digits_the_part_does_not_draw_cannot_be_stamped(tmp_path):
    _, slots = laid_out_from_placeholders(tmp_path, 'No figures on this page.', '47')
    assert slots is not None and can_stamp(slots, ['10']) and not can_stamp(slots, ['47'])
    assert not can_stamp(slots, ['470'])  # another number of digits: another layout


PAGE_LIST = ('<p>Figures 0123456789 drawn elsewhere. Cited on pp. <a class="page-number" href="#there">{first}</a>, '
             '<a class="page-number" href="#there">{run}</a>, and after.</p><p id="there">There.</p>')


def test_the_back_matters_numbers_and_runs_of_pages_stamped_in_look_as_laid_out_with_them(tmp_path):
    """The glossary's, the chronology's, the index's and the bibliography's page numbers are the text of their links
    (``page_references.PRINTED_LINK``), a run of pages one slot whose dash stays: stamped into a layout from
    placeholders, they draw the page that a layout with them draws."""
    html = f'<style>{STYLE}</style>' + slotted(PAGE_LIST.format(first='12', run='47–49'))
    assert '>01<' in html and '>23–45<' in html  # the placeholders
    document = HTML(string=html).render()
    pdf = tmp_path / 'part.pdf'
    document.write_pdf(pdf)
    slots = find_slots(pdf, number_boxes(document))
    assert slots is not None and len(slots) == 2 and [len(places) for _, places, _ in slots] == [2, 4]
    assert can_stamp(slots, ['38', '51–53']) and not can_stamp(slots, ['38', '51–153'])
    with pikepdf.open(pdf) as book:
        for index, stamped in stamped_pages(0, slots, ['38', '51–53']).items():
            stamp(book, book.pages[index], stamped)
        literal = pikepdf.open(io.BytesIO(HTML(string=f'<style>{STYLE}</style>' + PAGE_LIST.format(
            first='38', run='51–53')).write_pdf()))
        assert 'pp. 38, 51–53, and after' in ' '.join(page_text(book).split())
        assert ImageChops.difference(picture(book, 0), picture(literal, 0)).getbbox() is None


def folio_pages(tmp_path, name: str, sides: str, root=None) -> pikepdf.Pdf:  # type: ignore[no-untyped-def]
    """The folio template of a book printed on ``sides`` (in ``root``), laid out."""
    from builder.config import BookConfig
    from builder.model import RenderedBook

    book = RenderedBook(BookConfig(title='T', root=root or tmp_path, sides=sides), (), (), ())
    template = folio_template(book, b'0' * 16, lambda html: tmp_path / f'{name}.folios')
    return pikepdf.open(io.BytesIO(template.pdf()))


def picture(pdf: pikepdf.Pdf, index: int):  # type: ignore[no-untyped-def]
    saved = io.BytesIO()
    pdf.save(saved)
    return pypdfium2.PdfDocument(saved.getvalue())[index].render(scale=150 / 72).to_pil().convert('RGB')


@pytest.mark.usefixtures('parsed_styles_of_its_own')
@pytest.mark.parametrize('sides', ['duplex', 'simplex'])
def test_a_folio_stamped_from_the_template_looks_as_one_laid_out_with_its_number(tmp_path, monkeypatch, sides):
    template = folio_pages(tmp_path, 'template', sides)
    stamps = FolioStamps(template)
    numbers = ['7', '38', '205', '1999']
    # The same page rules laid out with these very numbers: a template whose numbers they are.
    monkeypatch.setattr(furniture, 'TEMPLATE_NUMBERS', (*numbers, '12345'))
    literal = folio_pages(tmp_path, 'literal', sides)
    for number in numbers:
        for index in (0, 1):  # a right-hand page of the book, then a left-hand one
            stamps.folio(index, number)
            stamped = picture(template, template_page(index, number))
            expected = picture(literal, template_page(index, number))
            assert ImageChops.difference(stamped, expected).getbbox() is None, (number, index)
            # Two-sided, the folio of a left-hand page stands elsewhere than a right's; one-sided, in the same place
            other_side = ImageChops.difference(stamped, picture(literal, template_page(1 - index, number)))
            assert bool(other_side.getbbox()) == (sides == 'duplex')


@pytest.mark.usefixtures('parsed_styles_of_its_own')
def test_the_folio_template_uses_no_first_page_a_book_styles_apart(tmp_path):
    """A book's own stylesheet may style its first page apart (``@page :first``), which carries no folio; so may a
    document's first page be: the template's own pages come after it."""
    own = tmp_path / 'own'
    (own / 'styles').mkdir(parents=True)
    (own / 'styles' / 'print.css').write_text('@page :first { margin-bottom: 60mm }')
    template, styled = folio_pages(tmp_path, 'template', 'duplex'), folio_pages(tmp_path, 'styled', 'duplex', own)
    assert ImageChops.difference(picture(template, 0), picture(styled, 0)).getbbox()  # the first page differs
    for number in ('1', '23'):
        for index in (0, 1):
            page = template_page(index, number)
            assert ImageChops.difference(picture(template, page), picture(styled, page)).getbbox() is None
