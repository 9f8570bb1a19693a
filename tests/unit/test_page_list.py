"""The EPUB's print page numbers: block ids, page-break markers where the PDF's pages begin, page references."""

from __future__ import annotations

from lxml import etree

from builder.blocks import BLOCKS, SKIPPED, blocks, fragment, with_block_ids
from builder.model import PageMap, PageNumbering
from builder.layout.page_references import page_numbers_from_attribute
from builder.write.pagelist import PageBreaks, PageTarget, insert_markers


def test_every_block_gets_an_id_in_document_order_but_notes_and_authors_ids_are_left():
    body = ('<section><h2 id="intro">Intro</h2><p>One</p><ul><li>Two</li></ul>'
            '<section class="footnotes"><aside class="footnote"><p>Note</p></aside></section><p>Three</p></section>')
    assert with_block_ids(body, 'ch') == (
        '<section><h2 id="intro">Intro</h2><p id="ch.1">One</p><ul><li id="ch.2">Two</li></ul>'
        '<section class="footnotes"><aside class="footnote"><p>Note</p></aside></section><p id="ch.3">Three</p>'
        '</section>')


def test_the_blocks_are_those_in_no_note_whatever_the_class_attribute_holds():
    """``blocks`` against its definition: every block element, in document order, none of whose ancestors has a
    class of notes. Classes that only contain a note class's name, notes inside notes, a note as the tree itself,
    and a tree inside notes."""
    body = ('<section class="footnotes-like chapter"><p>A</p><div class="x  footnote\ty"><p>B</p><ul><li>C</li></ul>'
            '</div><aside class="footnoted"><p>D</p></aside><section class="footnotes"><aside class="footnote">'
            '<p>E</p></aside><p>F</p></section><table><tr><td>G</td></tr></table><h3>H</h3></section>')
    tree = fragment(body)

    def defined(tree: etree._Element) -> list[str]:
        return [e.text for e in tree.iter() if e.tag in BLOCKS and not any(
            SKIPPED & set((a.get('class') or '').split()) for a in e.iterancestors())]

    assert [e.text for e in blocks(tree)] == defined(tree) == ['A', 'D', 'G', 'H']
    notes = tree.find('.//section[@class="footnotes"]')
    assert blocks(notes) == [] and defined(notes) == []
    note = fragment('<aside class="footnote"><p>E</p></aside>')
    assert blocks(note) == defined(note) == []


def page_breaks(files: list[str], bodies: list[str], pages: PageMap, first_page: int,
                numbering: PageNumbering) -> tuple[list[str], list[PageTarget]]:
    """The markers placed in each body's blocks, one body after the other, each serialized as the EPUB writes it."""
    breaks = PageBreaks(pages, first_page, numbering)
    marked = []
    for file_name, body in zip(files, bodies):
        tree = fragment(body)
        insert_markers(tree, breaks.placed(file_name, [block.get('id', '') for block in blocks(tree)]))
        marked.append(etree.tostring(tree, method='xml', encoding='unicode'))
    return marked, breaks.targets


def marker(page: int, label: str | None = None) -> str:
    return f'<span id="page-{page}" role="doc-pagebreak" aria-label="{label or page}" epub:type="pagebreak"/>'


def test_a_marker_before_the_first_block_on_or_after_each_page():
    bodies = ['<section><p id="a">A</p><p id="b">B</p></section>', '<section><p id="c">C</p></section>']
    # a on page 3 (the first page), b still on 3, c on 6: pages 4 and 5 hold no block start (a long
    # paragraph, a blank page), so their markers go where page 6's does, in order.
    marked, targets = page_breaks(['one.xhtml', 'two.xhtml'], bodies, PageMap(a=3, b=3, c=6), first_page=3,
                                  numbering=PageNumbering())
    assert marked == [f'<section><p id="a">{marker(3)}A</p><p id="b">B</p></section>',
                      f'<section><p id="c">{marker(4)}{marker(5)}{marker(6)}C</p></section>']
    assert targets == [PageTarget('one.xhtml', 'page-3', '3'), PageTarget('two.xhtml', 'page-4', '4'),
                       PageTarget('two.xhtml', 'page-5', '5'), PageTarget('two.xhtml', 'page-6', '6')]


def test_blocks_the_layout_did_not_place_get_no_marker():
    marked, targets = page_breaks(['one.xhtml'], ['<section><p id="x">X</p><p id="y">Y</p></section>'],
                                  PageMap(y=1), first_page=1, numbering=PageNumbering())
    assert marked == [f'<section><p id="x">X</p><p id="y">{marker(1)}Y</p></section>']
    assert [t.label for t in targets] == ['1']


def test_markers_are_labelled_with_the_printed_numbers_front_matter_in_roman():
    bodies = ['<section><p id="title">T</p></section>', '<section><p id="one">One</p><p id="two">Two</p></section>']
    pages = PageMap(title=1, one=3, two=4)  # the body begins on page 3, printed 1
    marked, targets = page_breaks(['title.xhtml', 'one.xhtml'], bodies, pages, 1, PageNumbering.of(['one'], pages))
    assert marked == ['<section><p id="title">' + marker(1, 'i') + 'T</p></section>',
                      f'<section><p id="one">{marker(2, "ii")}{marker(3, "1")}One</p><p id="two">{marker(4, "2")}Two</p>'
                      '</section>']
    assert [(t.id, t.label) for t in targets] == [('page-1', 'i'), ('page-2', 'ii'), ('page-3', '1'), ('page-4', '2')]


def test_page_references_read_from_data_page():
    css = 'a.xref::after { content: " p. " target-counter(attr(href), page); }\n' \
          'a.toc::after { content: target-counter( attr( href url ) , page ); }'
    assert page_numbers_from_attribute(css) == 'a.xref::after { content: " p. " attr(data-page); }\n' \
                                               'a.toc::after { content: attr(data-page); }'
    # Another counter or another style of number stays WeasyPrint's to resolve.
    other = 'content: target-counter(attr(href), page, lower-roman) target-counter(attr(href), chapter);'
    assert page_numbers_from_attribute(other) == other
